"""The chain's objects: one canonical encoding each, round trips, and malformed input refused
with a clear error — never accepted, never a crash deep inside."""

from __future__ import annotations

import contextlib
import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.chain.encoding import MAX_MESSAGE_BYTES, MessageError, canonical, decode
from zkpot.chain.genesis import Genesis, Registration, TestSet
from zkpot.chain.messages import (
    Block,
    Certificate,
    Contribution,
    Reveal,
    Vote,
    merkle_root,
    vote_message,
)
from zkpot.curve import bls
from zkpot.ml.statement import Rows, TrainingSpec
from zkpot.ml.task import first_model
from zkpot.safe_json import nesting

SPEC = TrainingSpec(sizes=(2, 3, 2), steps=1, log2_batch=1, test_rows=2)


def validators(n: int) -> dict[str, tuple[bytes, ...]]:
    """n validators' keys and proofs of possession (secret keys 1 … n)."""
    return {"validators": tuple(bls.secret_to_public(i) for i in range(1, n + 1)),
            "validator_pops": tuple(bls.pop_prove(i) for i in range(1, n + 1))}  # fmt: skip


PARTICIPANT = bls.secret_to_public(9)
TEST = TestSet(Rows(np.array([[1, -2], [3, 4]]), np.array([0, 1])), bytes(range(32)))


def genesis(**changes) -> Genesis:
    fields = {
        "name": "test chain", "spec": SPEC,
        "test_commitment": TEST.commitment, "opening": TEST,
        "global_model": tuple(first_model(SPEC, 0)), "ceremony": bytes(range(32)),
        **validators(4),
        "participants": (Registration.of(9, 123), Registration.of(8, 456)),
        "timestamp": 1700000000,
    }  # fmt: skip
    return Genesis(**{**fields, **changes})


def contribution(**changes) -> Contribution:
    fields = {"round": 3, "participant": PARTICIPANT, "global_model": 11,
              "data_commitment": 123, "model_commitment": 13, "accuracy": 2,
              "proof": bytes(928), "signature": bytes([7]) * 96}  # fmt: skip
    return Contribution(**{**fields, **changes})


def test_the_genesis_round_trips_and_its_hash_is_its_identity() -> None:
    g = genesis()
    again = Genesis.from_json(decode(canonical(g.to_json()))).opened(TEST)
    assert again.hash == g.hash and again.test_set == g.test_set
    assert again.model_hash == g.model_hash and again.participants == g.participants
    assert genesis(name="another").hash != g.hash
    assert g.quorum == 3  # more than two thirds of 4
    assert genesis(**validators(7)).quorum == 5


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(name=""),
        lambda d: d["participants"].append(d["participants"][0]),
        lambda d: d.update(validators=[]),
        lambda d: d.update(test_commitment="00" * 31),
        lambda d: d.update(test={"x": [[1, -2], [3, 4]], "y": [0, 1]}),  # no rows in a genesis
        lambda d: d["global_model"].__setitem__(0, 1 << 23),  # outside ±2^23
        lambda d: d.update(ceremony="00"),
        lambda d: d.update(extra=1),
        lambda d: d["participants"][0].update(data_commitment=5),  # a number, not a string
    ],
)
def test_a_malformed_genesis_is_refused(change) -> None:
    data = json.loads(json.dumps(genesis().to_json()))
    change(data)
    with pytest.raises(MessageError):
        Genesis.from_json(data)


def test_messages_round_trip() -> None:
    c = contribution()
    assert Contribution.from_json(decode(canonical(c.to_json()))) == c
    assert c.signing_bytes().startswith(b"zkpot.contribution{")
    assert b"signature" not in c.signing_bytes()
    assert contribution(accuracy=1).hash != c.hash
    block = Block(3, bytes(32), bytes([9]) * 48, 77, bytes([1]) * 32, (c.hash,), 1234)
    assert Block.from_json(decode(canonical(block.to_json()))) == block
    vote = Vote(3, block.hash, 2, bytes([5]) * 96)
    assert Vote.from_json(vote.to_json()) == vote
    assert vote.signing_bytes() == vote_message(3, block.hash)
    cert = Certificate(3, block.hash, (0, 2, 3), bytes([6]) * 96)
    assert Certificate.from_json(cert.to_json()) == cert
    model = tuple(first_model(SPEC, 1))
    reveal = Reveal(3, bytes([9]) * 48, model, 99)
    back = Reveal.from_json(decode(canonical(reveal.to_json())), SPEC)
    assert back.hash == reveal.hash and back.salt == 99


def test_merkle_roots_commit_to_order_and_content() -> None:
    a, b, c = (bytes([i]) * 32 for i in range(3))
    assert merkle_root([]) == bytes(32)
    assert len({merkle_root([a]), merkle_root([a, b]), merkle_root([b, a]),
                merkle_root([a, b, c]), merkle_root([a, b, c, c])}) == 5  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"round": 0}, {"round": True}, {"participant": "ab"}, {"global_model": 11},
        {"global_model": "011"}, {"accuracy": -1}, {"proof": "XYZ"}, {"signature": "00" * 95},
        {"extra": 1},
    ],
)  # fmt: skip
def test_a_malformed_contribution_is_refused(change) -> None:
    with pytest.raises(MessageError):
        Contribution.from_json({**contribution().to_json(), **change})


def test_a_block_whose_root_lies_is_refused() -> None:
    block = Block(3, bytes(32), bytes([9]) * 48, 77, bytes([1]) * 32, (bytes(32),), 1234)
    data = {**block.to_json(), "contributions_root": "00" * 32}
    with pytest.raises(MessageError, match="root"):
        Block.from_json(data)


def test_non_canonical_and_oversized_messages_are_refused() -> None:
    for bad in (b'{"b":1, "a":2}', b'{"b":1,"a":2}', b"[1]", b"\xff", b'{"a":NaN}', b""):
        with pytest.raises(MessageError):
            decode(bad)
    with pytest.raises(MessageError, match="allowed"):
        decode(b" " * (MAX_MESSAGE_BYTES + 1))
    # deep nesting is refused before parsing: the C parser would overflow the stack and
    # crash the node (it did, in the full suite, before this check)
    with pytest.raises(MessageError, match="nested"):
        decode(b"[" * 100000 + b"]" * 100000)
    assert nesting(b'{"a":"[[[[","b":[{"c":[]}]}') == 4
    assert nesting(rb'["a\\", "b\"["]') == 1  # an escaped backslash, an escaped quote


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_bytes_give_a_message_error_or_a_message(data: bytes) -> None:
    """Random bytes and mutated encodings: a clear MessageError, or a well-formed object."""
    for blob in (data, canonical(contribution().to_json())[: len(data)] + data[:5]):
        try:
            obj = decode(blob)
        except MessageError:
            continue
        for kind in (Contribution, Vote, Certificate, Block):
            with contextlib.suppress(MessageError):
                kind.from_json(obj)


def test_votes_carry_view_and_kind_and_precommits_aggregate() -> None:
    block = bytes([3]) * 32
    nil = Vote(2, None, 1, bytes([4]) * 96, view=5, kind="prevote")
    assert Vote.from_json(decode(canonical(nil.to_json()))) == nil
    with pytest.raises(MessageError, match="kind"):
        Vote.from_json({**nil.to_json(), "kind": "maybe"})
    a = Vote(2, block, 0, bytes(96), view=1)
    b = Vote(2, block, 3, bytes(96), view=1)
    assert a.signing_bytes() == b.signing_bytes()  # one message: the signatures aggregate
    assert a.signing_bytes() != Vote(2, block, 0, bytes(96), view=2).signing_bytes()
    assert a.signing_bytes() != Vote(2, block, 0, bytes(96), view=1, kind="prevote").signing_bytes()
    cert = Certificate(2, block, (0, 3), bytes(96), view=1)
    assert cert.message() == a.signing_bytes()
    assert Certificate.from_json(cert.to_json()) == cert


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["x"][0].append(5),
        lambda d: d["y"].__setitem__(0, 2),  # only classes 0, 1
        lambda d: d["x"].pop(),
        lambda d: d.update(salt="00" * 31),
        lambda d: d.update(extra=1),
    ],
)
def test_a_malformed_test_set_is_refused(change) -> None:
    data = json.loads(json.dumps(TEST.to_json()))
    assert TestSet.from_json(data, SPEC).commitment == TEST.commitment
    change(data)
    with pytest.raises(MessageError):
        TestSet.from_json(data, SPEC)


def test_a_genesis_outside_the_training_bounds_is_refused() -> None:
    """Every global model is in [−W, W] and the test rows in [−X, X] (the premises of
    :mod:`zkpot.ml.headroom`): the genesis's own model and test rows first."""
    data = json.loads(json.dumps(genesis().to_json()))
    data["global_model"][0] = SPEC.weight_bound + 1  # inside the format, outside W
    with pytest.raises(MessageError, match="weight bound"):
        Genesis.from_json(data)
    wide = TestSet(Rows(np.array([[SPEC.data_bound + 1, 0], [3, 4]]), np.array([0, 1])), bytes(32))
    plain = dataclasses.replace(genesis(), opening=None, test_commitment=wide.commitment)
    with pytest.raises(MessageError, match="data bound"):
        plain.opened(wide)
