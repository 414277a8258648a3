"""Batch verification: many proofs, one pairing check per SRS plus one; it agrees with
verifying one by one, and :func:`invalid_proofs` names the bad ones."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tests.plonk.test_protocol import SRS_64, cubic, gadgets_circuit
from zkpot.curve import bn254
from zkpot.errors import ArgumentError, ArgumentTypeError
from zkpot.plonk import preprocess, prove, verify
from zkpot.plonk.verifier import invalid_proofs, verify_batch
from zkpot.poly.kzg import SRS

R = bn254.R
OTHER_SRS = SRS.from_tau(0xBEEF, 72)


@pytest.fixture(scope="module")
def batch():
    """Seven valid (vk, public, proof): two circuits, two SRSs (so two [τ]₂)."""
    rng = random.Random(7)
    items = []
    for srs in (SRS_64, OTHER_SRS):
        pk_c, vk_c = preprocess(cubic(), srs)
        for x in (2, 3):
            out = x**3 + x + 5
            items.append((vk_c, [out], prove(pk_c, {"x": x, "out": out}, rng=rng)))
    pk_g, vk_g = preprocess(gadgets_circuit(), SRS_64)
    for x, y, limit in ((5, 0, 9), (12, 4, 9), (1, 1, 200)):
        chosen = x if x < limit else y
        result = chosen + (1 if y == 0 else 0)
        items.append((vk_g, [limit, result], prove(pk_g, {"x": x, "y": y, "limit": limit,
                                                         "result": result}, rng=rng)))  # fmt: skip
    return items


def test_a_batch_of_valid_proofs_verifies(batch) -> None:
    assert all(verify(*item) for item in batch)
    assert verify_batch(batch)
    assert verify_batch(batch[:1]) and verify_batch(batch[4:], rng=random.Random(1))
    assert invalid_proofs(batch) == []


def corrupt(item, how: str):
    vk, public, proof = item
    if how == "statement":
        return vk, [public[0] + 1, *public[1:]], proof
    if how == "scalar":
        return vk, public, dataclasses.replace(proof, eval_a=(proof.eval_a + 1) % R)
    if how == "point":
        return vk, public, dataclasses.replace(proof, Wxi=proof.Wxi + proof.Wxiw)
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["statement", "scalar", "point"])
@pytest.mark.parametrize("where", [0, 3, 6])
def test_one_bad_proof_fails_the_batch_and_is_named(batch, how, where) -> None:
    items = list(batch)
    items[where] = corrupt(items[where], how)
    assert not verify_batch(items)
    assert invalid_proofs(items) == [where]


def test_proofs_swapped_between_statements_fail(batch) -> None:
    items = list(batch)
    items[0], items[1] = (items[0][0], items[0][1], items[1][2]), (items[1][0], items[1][1],
                                                                    items[0][2])  # fmt: skip
    assert not verify_batch(items) and invalid_proofs(items) == [0, 1]


def test_the_batch_agrees_with_one_by_one_on_random_mixes(batch) -> None:
    rng = random.Random(11)
    for _ in range(6):
        items = [corrupt(item, rng.choice(["statement", "scalar", "point"]))
                 if rng.random() < 0.2 else item for item in batch]  # fmt: skip
        rng.shuffle(items)
        assert verify_batch(items, rng=rng) == all(verify(*item) for item in items)


def test_a_proof_of_another_configuration_or_a_bad_call_is_refused(batch) -> None:
    vk, public, proof = batch[0]
    assert not verify_batch([*batch, (vk, public, dataclasses.replace(proof, lookup=object()))])
    with pytest.raises(ArgumentError, match="at least one"):
        verify_batch([])
    with pytest.raises(ArgumentError, match="public inputs"):
        verify_batch([(vk, [], proof)])
    with pytest.raises(ArgumentTypeError, match="VerificationKey"):
        verify_batch([(proof, public, proof)])


def check_batch_of_one_key(vk, publics, proofs) -> None:
    """The transcripts replayed in step give each proof's own challenges; the batch accepts
    the proofs and refuses them with one corrupted. (Called by the lookup and custom-gate
    tests with proofs of their configurations.)"""
    from zkpot.plonk.verifier import challenges, challenges_many

    drawn = challenges_many(vk, publics, proofs)
    assert drawn == [challenges(vk, pub, pf) for pub, pf in zip(publics, proofs, strict=True)]
    assert len({d["xi"] for d in drawn}) == len(proofs)  # each its own
    items = list(zip([vk] * len(proofs), publics, proofs, strict=True))
    assert verify_batch(items, rng=random.Random(2))
    bad = corrupt(items[-1], "scalar")
    assert not verify_batch([*items[:-1], bad]) and invalid_proofs([*items[:-1], bad]) == [
        len(items) - 1
    ]


def test_batch_of_one_key_in_the_plain_configuration(batch) -> None:
    vk = batch[4][0]
    check_batch_of_one_key(vk, [item[1] for item in batch[4:]], [item[2] for item in batch[4:]])


def test_challenges_many_refuses_mixed_configurations(batch) -> None:
    from zkpot.plonk.lookup import LookupProof
    from zkpot.plonk.verifier import challenges_many

    vk, public, proof = batch[0]
    fake = LookupProof(proof.A, proof.B, 1, 2, 3, 4)
    other = dataclasses.replace(proof, lookup=fake)
    with pytest.raises(ValueError, match="one configuration"):
        challenges_many(dataclasses.replace(vk, lookup=object()), [public] * 2, [proof, other])
