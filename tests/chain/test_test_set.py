"""Choosing one's data after seeing the test set: the attack, and why it no longer works.

A participant registers its data commitment at genesis. If the genesis held the test
rows, a participant could register them as its training data and lead round after round
(in a simulation that raised its share of leaderships from 27 to 42 of 80 rounds). Now the
genesis holds a salted commitment to the test set, and the rows are published only once
the genesis — and every registration in it — is final."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.chain.conftest import SPEC, make_genesis
from zkpot.chain.encoding import MessageError
from zkpot.chain.genesis import TestSet
from zkpot.chain.node import Node
from zkpot.chain.store import ChainStore
from zkpot.errors import ZkpotError
from zkpot.ml.statement import encode_test_set, hash_test_set
from zkpot.ml.task import iris_task


def int_lists(obj):
    """Every list of ints in a JSON value (a row of the test set would appear as one)."""
    if isinstance(obj, list):
        if obj and all(isinstance(v, int) for v in obj):
            yield obj
        for v in obj:
            yield from int_lists(v)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from int_lists(v)


def test_the_genesis_shows_no_test_row(tiny_task) -> None:
    """What a participant sees when it registers: the genesis. No test row is in it."""
    genesis = make_genesis("registration", tiny_task, [71, 72], [])
    public = json.loads(json.dumps(genesis.to_json()))
    assert "test" not in public and len(public["test_commitment"]) == 64
    rows = [row.tolist() for row in tiny_task.test.x]
    for values in int_lists(public):
        for row in rows:
            assert not any(values[i : i + len(row)] == row for i in range(len(values))), row
    # the participant that reads the test rows from the genesis to register them finds none
    with pytest.raises(ZkpotError, match="not opened"):
        dataclasses.replace(genesis, opening=None).test  # noqa: B018


def test_guessed_test_sets_cannot_be_confirmed_against_the_commitment() -> None:
    """Iris is public and the split is by seed: an attacker can list candidate test sets.
    Against an unsalted hash of the rows (what the genesis would hold without the salt) it
    confirms the right one; against the salted commitment, none."""
    true_seed = 3
    candidates = {seed: iris_task(4, seed=seed, spec=SPEC).test for seed in range(6)}
    opening = TestSet.new(candidates[true_seed])
    unsalted = hash_test_set(candidates[true_seed], SPEC)
    assert [s for s, rows in candidates.items() if hash_test_set(rows, SPEC) == unsalted] == [3]
    guesses = [TestSet(rows, salt).commitment for rows in candidates.values()
               for salt in (bytes(32), bytes([true_seed]) * 32)]  # fmt: skip
    assert opening.commitment not in guesses
    assert TestSet(opening.rows, opening.salt).commitment == opening.commitment


def test_an_opening_that_does_not_open_the_commitment_is_refused(tiny_task) -> None:
    genesis = make_genesis("opening", tiny_task, [71, 72], [])
    opening = genesis.test_opening()
    other_rows = encode_test_set(iris_task(4, seed=9, spec=SPEC).parts[0], SPEC)
    for wrong in (TestSet(opening.rows, bytes([1]) * 32), TestSet(other_rows, opening.salt)):
        with pytest.raises(MessageError, match="does not open"):
            genesis.opened(wrong)


def test_a_node_does_not_start_before_the_test_set_is_opened(tiny_task, tiny_keys) -> None:
    genesis = make_genesis("closed", tiny_task, [71, 72], [])
    with pytest.raises(ZkpotError, match="not opened"):
        Node(dataclasses.replace(genesis, opening=None), tiny_keys, ChainStore(":memory:"))
    assert Node(genesis, tiny_keys, ChainStore(":memory:")).round == 1
