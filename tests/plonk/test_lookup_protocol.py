"""PLONK's lookup configuration end to end: completeness, soundness, zero knowledge, the
proof's encoding, and a key or proof of the other configuration."""

from __future__ import annotations

import dataclasses
import random

import pytest

from zkpot.curve import bn254
from zkpot.errors import ArgumentError, InvalidInput
from zkpot.plonk import Circuit, Proof, preprocess, prove, snarkjs, verify
from zkpot.plonk.circuit import UnsatisfiedConstraint
from zkpot.plonk.keys import srs_size
from zkpot.plonk.lookup import LookupArgumentError, LookupKey, LookupProof
from zkpot.plonk.proof import LOOKUP_PROOF_BYTES, PROOF_BYTES
from zkpot.plonk.prover import ProverError, prove_witness
from zkpot.plonk.tables import Table
from zkpot.plonk.verifier import challenges
from zkpot.poly.kzg import SRS

R = bn254.R
G1 = bn254.G1.generator()
SRS_LARGE = SRS.from_tau(0x10C0, 64 + 6)
RELU = Table.function("relu", range(-8, 8), lambda x: max(x, 0))


def relu_circuit() -> Circuit:
    """out = ReLU(x − 8) + y for x in [0, 16) and y in [0, 8): two tables, three lookups."""
    c = Circuit()
    out = c.public_input("out")
    x, y = c.private_input("x"), c.private_input("y")
    c.lookup(Table.range(4), x)
    c.lookup(Table.range(3), y)
    shifted = x - 8
    relu = c.hint(lambda v: max(v - 8, 0), x, label="relu")
    c.lookup(RELU, shifted, relu)
    c.assert_equal(relu + y, out)
    return c


@pytest.fixture(scope="module")
def keys():
    return preprocess(relu_circuit(), SRS_LARGE)


@pytest.fixture(scope="module")
def proof(keys):
    return prove(keys[0], {"x": 13, "y": 2, "out": 7}, rng=random.Random(3))


def test_a_circuit_with_lookups_gets_the_lookup_configuration(keys, proof) -> None:
    _, vk = keys
    assert isinstance(vk.lookup, LookupKey) and isinstance(proof.lookup, LookupProof)
    assert vk.n == 64  # the tables hold 16 + 8 + 16 rows: more than 32
    assert verify(vk, [7], proof)
    assert not verify(vk, [8], proof)
    assert len(proof.to_bytes()) == LOOKUP_PROOF_BYTES == PROOF_BYTES + 192
    assert Proof.from_bytes(proof.to_bytes()) == proof


@pytest.mark.parametrize(
    ("bits", "lookups", "gates"), [(2, 1, 0), (3, 5, 4), (5, 3, 20), (4, 9, 1)]
)
def test_completeness_at_several_sizes(bits: int, lookups: int, gates: int) -> None:
    """Random circuits mixing arithmetic gates and lookups, tables of 4 to 32 rows."""
    rng = random.Random(bits * 100 + lookups)
    c = Circuit()
    total = c.public_input("total")
    xs = [c.private_input(f"x{i}") for i in range(lookups)]
    acc = c.constant(0)
    for x in xs:
        c.lookup(Table.range(bits), x)
        acc = acc + x
    for _ in range(gates):
        acc = acc * 1 + 0 * acc  # arithmetic rows between the lookups
    c.assert_equal(acc, total)
    values = {f"x{i}": rng.randrange(1 << bits) for i in range(lookups)}
    values["total"] = sum(values.values())
    pk, vk = preprocess(c, SRS.from_tau(rng.randrange(1, R), srs_size(c)))
    p = prove(pk, values, rng=rng)
    assert verify(vk, [values["total"]], p)
    assert not verify(vk, [values["total"] + 1], p)


def test_the_prover_refuses_a_value_outside_its_table(keys) -> None:
    pk, _ = keys
    with pytest.raises(UnsatisfiedConstraint, match="not a row of the table"):
        prove(pk, {"x": 16, "y": 2, "out": 10})
    witness = pk.cs.assign({"x": 16, "y": 2, "out": 10})
    with pytest.raises(LookupArgumentError, match="not in table"):
        prove_witness(pk, witness)


def forced(pk, overrides: dict, inputs: dict) -> Proof:
    """A "proof" from a witness a cheating prover wrote, the prover's checks switched off."""
    return prove_witness(pk, pk.cs.assign(inputs, overrides), rng=random.Random(5), check=False)


def test_proofs_forced_from_witnesses_outside_the_tables_fail(keys) -> None:
    """x = 16 is in no range4 row; ReLU(5) = 4 is in no relu row; y = −1 is not in range3."""
    pk, vk = keys
    cs = pk.cs
    relu_row = next(g for g in cs.gates if g.table == 3)
    cases = [
        ({}, {"x": 16, "y": 2, "out": 10}, [10]),  # the range lookup of x fails
        ({relu_row.b: 4}, {"x": 13, "y": 2, "out": 6}, [6]),  # a wrong ReLU value
        ({}, {"x": 13, "y": -1, "out": 4}, [4]),  # y below 0
    ]
    for overrides, inputs, public in cases:
        with pytest.raises((UnsatisfiedConstraint, ProverError, LookupArgumentError)):
            cs.check(cs.assign(inputs, overrides))
        assert not verify(vk, public, forced(pk, overrides, inputs)), inputs


def test_every_lookup_element_is_checked(keys, proof) -> None:
    _, vk = keys
    for name in LookupProof.POINTS:
        bad = proof.replace(lookup=proof.lookup.replace(**{name: getattr(proof.lookup, name) + G1}))
        assert not verify(vk, [7], bad), name
    for name in LookupProof.SCALARS:
        bumped = (getattr(proof.lookup, name) + 1) % R
        assert not verify(vk, [7], proof.replace(lookup=proof.lookup.replace(**{name: bumped})))
        unreduced = getattr(proof.lookup, name) + R
        assert not verify(vk, [7], proof.replace(lookup=proof.lookup.replace(**{name: unreduced})))
    for name in LookupKey.POINTS:
        moved = dataclasses.replace(vk.lookup, **{name: getattr(vk.lookup, name) + G1})
        assert not verify(dataclasses.replace(vk, lookup=moved), [7], proof), name


def test_zero_knowledge_two_proofs_share_no_element(keys) -> None:
    pk, vk = keys
    inputs = {"x": 13, "y": 2, "out": 7}
    p1, p2 = prove(pk, inputs, rng=random.Random(10)), prove(pk, inputs, rng=random.Random(11))
    assert verify(vk, [7], p1) and verify(vk, [7], p2)
    for holder1, holder2, names in ((p1, p2, [f.name for f in dataclasses.fields(Proof)][:-1]),
                                    (p1.lookup, p2.lookup, [*LookupProof.POINTS,
                                                            *LookupProof.SCALARS])):  # fmt: skip
        for name in names:
            assert getattr(holder1, name) != getattr(holder2, name), name


def test_a_proof_of_the_other_configuration_is_refused(keys, proof) -> None:
    _, vk = keys
    plain = Circuit()
    x = plain.private_input("x")
    plain.assert_equal(x * x, plain.public_input("out"))
    plain_pk, plain_vk = preprocess(plain, SRS_LARGE)
    plain_proof = prove(plain_pk, {"x": 3, "out": 9})
    assert plain_vk.lookup is None and plain_proof.lookup is None
    assert not verify(plain_vk, [7], proof)  # a lookup proof against a plain key
    assert not verify(vk, [9], plain_proof)  # a plain proof against a lookup key
    with_extra = plain_proof.replace(lookup=proof.lookup)
    assert not verify(plain_vk, [9], with_extra)
    assert not verify(vk, [7], proof.replace(lookup=None))
    assert not verify(vk, [7], proof.replace(lookup="not a lookup proof"))


def test_encoding(keys, proof) -> None:
    data = proof.to_bytes()
    assert Proof.from_bytes(data[:PROOF_BYTES]).lookup is None  # the base part parses alone
    with pytest.raises(InvalidInput, match="672 with lookups"):
        Proof.from_bytes(data[:-1])
    with pytest.raises(InvalidInput):
        Proof.from_bytes(data[:PROOF_BYTES] + bytes(32) + data[PROOF_BYTES + 32 :])


def test_snarkjs_has_no_lookup_configuration(keys, proof) -> None:
    _, vk = keys
    with pytest.raises(ArgumentError, match="snarkjs has no lookup configuration"):
        snarkjs.export_vkey(vk)
    with pytest.raises(ArgumentError, match="snarkjs has no lookup configuration"):
        snarkjs.export_proof(proof)


ORDER = ["beta", "gamma", "eta", "theta", "alpha", "xi", "v", "u"]


def test_every_challenge_depends_on_every_message_before_it(keys, proof) -> None:
    """In this configuration u is chained too: every message moves every later challenge."""
    _, vk = keys
    before = challenges(vk, [7], proof)
    assert set(before) == set(ORDER) and len(set(before.values())) == len(ORDER)
    messages = [("A", "beta"), ("M", "beta"), ("Z", "alpha"), ("Phi", "alpha"),
                ("T1", "xi"), ("eval_a", "v"), ("eval_phi", "v"), ("eval_qtable", "v"),
                ("Wxiw", "u")]  # fmt: skip
    for name, first in messages:
        if name in LookupProof.POINTS or name in LookupProof.SCALARS:
            old = getattr(proof.lookup, name)
            new = old + G1 if name in LookupProof.POINTS else (old + 1) % R
            changed = proof.replace(lookup=proof.lookup.replace(**{name: new}))
        else:
            old = getattr(proof, name)
            changed = proof.replace(**{name: old + G1 if name[0].isupper() else (old + 1) % R})
        after = challenges(vk, [7], changed)
        k = ORDER.index(first)
        assert all(after[c] == before[c] for c in ORDER[:k]), name
        assert all(after[c] != before[c] for c in ORDER[k:]), name
    moved = dataclasses.replace(vk.lookup, Qtable=vk.lookup.Qtable + G1)
    after = challenges(dataclasses.replace(vk, lookup=moved), [7], proof)
    assert all(after[c] != before[c] for c in ORDER)


def test_a_running_sum_shifted_by_a_constant_fails(keys, monkeypatch) -> None:
    """φ + 5 keeps every step of the running sum; only L₁·φ = 0 (φ starts at 0) catches it."""
    from zkpot.plonk import lookup

    pk, vk = keys
    steps = lookup._steps
    monkeypatch.setattr(lookup, "_steps", lambda *args: [(v + 5) % R for v in steps(*args)])
    witness = pk.cs.solve({"x": 13, "y": 2, "out": 7})
    forged = prove_witness(pk, witness, rng=random.Random(12), check=False)
    assert not verify(vk, [7], forged)
    monkeypatch.setattr(lookup, "_steps", steps)
    assert verify(vk, [7], prove_witness(pk, witness, rng=random.Random(12), check=False))


def test_batch_verification_of_lookup_proofs(keys, proof) -> None:
    from tests.plonk.test_batch_verify import check_batch_of_one_key

    pk, vk = keys
    other = prove(pk, {"x": 13, "y": 2, "out": 7}, rng=random.Random(4))
    check_batch_of_one_key(vk, [[7], [7]], [proof, other])
