"""The proof of training for private averaging: the statement's ``masking`` binds the
masked model to the proven new model, the round and seeds that open the registered
commitments. Each cheat is forced past the prover's own check and must not verify."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tests.ml.test_contribution import TINY, data_for, global_model
from zkpot.errors import InvalidInput
from zkpot.ml import aggregation as agg
from zkpot.ml import statement as st
from zkpot.ml.contribution import (
    contribution_error,
    contribution_errors,
    dev_srs,
    prove_contribution,
    setup,
    verify_contribution,
)
from zkpot.ml.training_circuit import build, cost_parts, inputs
from zkpot.plonk.circuit import UnsatisfiedConstraint
from zkpot.plonk.prover import prove_witness

AVG = dataclasses.replace(TINY, participants=3, reach=1)
SEEDS = agg.Seeds(own=555, added=(1001,), subtracted=(2002,))
REGISTERED = [agg.seed_commitment(s) for s in SEEDS.pairs]  # what the genesis holds


@pytest.fixture(scope="module")
def world():
    keys = setup(AVG, dev_srs(AVG))
    train, test = data_for(AVG)
    slots, _ = st.data_slots(train, AVG)
    test_rows = st.encode_test_set(test, AVG)
    layers = global_model(AVG)
    proven = prove_contribution(keys, round=4, participant=77, global_layers=layers, data=slots,
                                data_salt=1234, test=test_rows, model_salt=99,
                                rng=random.Random(1), seeds=SEEDS)  # fmt: skip
    return {"keys": keys, "slots": slots, "test": test_rows, "layers": layers, "proven": proven}


def masking(masked, own=SEEDS.own, registered=REGISTERED) -> int:
    """The statement's masking as a validator computes it: the carried masked model, the
    carried own-seed commitment and the registered pair commitments."""
    return agg.masking_hash(masked, agg.seed_commitment(own), registered)


def packed(world) -> list[int]:
    return st.pack(st.flatten(world["proven"].model), AVG.bound_bits, AVG.sum_slot)


def test_the_spec_is_another_circuit_with_one_more_public_input() -> None:
    assert AVG.digest() != TINY.digest() and st.TrainingSpec.from_json(AVG.to_json()) == AVG
    assert "participants" not in TINY.to_json()  # the winner rule's digest is unchanged
    assert AVG.sum_slot == AVG.bound_bits + 2 and AVG.masked_elements == 2
    assert len(build(AVG).cs.public_inputs) == len(build(TINY).cs.public_inputs) + 1
    rows, _ = cost_parts(AVG)
    assert rows["masking"] > 0 and "masking" not in cost_parts(TINY)[0]
    for bad in ({"participants": 1}, {"participants": 4, "reach": 2}, {"reach": 1}):
        with pytest.raises(InvalidInput, match="reach"):
            dataclasses.replace(TINY, **bad)


def test_an_honest_masked_contribution_verifies(world) -> None:
    proven = world["proven"]
    statement = proven.contribution.statement
    assert proven.masked == tuple(SEEDS.masked(packed(world), 4))
    assert statement.masking == masking(proven.masked)
    assert verify_contribution(world["keys"], statement, proven.contribution.proof)
    assert st.Statement.from_json(statement.to_json()) == statement
    assert st.Statement.from_bytes(statement.to_bytes()) == statement
    assert contribution_errors(world["keys"], [(statement, proven.contribution.proof)]) == [None]


def test_statements_and_keys_of_the_other_rule_are_refused(world) -> None:
    proof = world["proven"].contribution.proof
    plain = dataclasses.replace(world["proven"].contribution.statement, masking=None)
    assert "no masked model" in contribution_error(world["keys"], plain, proof)
    with pytest.raises(InvalidInput, match="seeds"):
        prove_contribution(world["keys"], round=4, participant=77,
                           global_layers=world["layers"], data=world["slots"], data_salt=1234,
                           test=world["test"])  # fmt: skip


def forced(world, masked_hash: int, seeds: agg.Seeds = SEEDS, prove: bool = True) -> bool:
    """A cheating prover claims ``masked_hash`` with its own seeds; returns whether its own
    check refused it, and (with ``prove``) asserts that the forced proof does not verify."""
    keys = world["keys"]
    claim = {**{n: getattr(world["proven"].contribution.statement, n) for n in st.FIELDS},
             "masking": masked_hash}  # fmt: skip
    named = inputs(AVG, statement=claim, global_layers=world["layers"], slots=world["slots"],
                   data_salt=1234, model_salt=99, test=world["test"], seeds=seeds)  # fmt: skip
    try:
        keys.circuit.cs.solve(named)
        refused = False
    except UnsatisfiedConstraint:
        refused = True
    if not prove:
        return refused
    proof = prove_witness(keys.pk, keys.circuit.cs.assign(named), random.Random(2), check=False)
    statement = st.Statement(**claim, test_rows=AVG.test_rows)
    assert not verify_contribution(keys, statement, proof)
    return refused


def test_a_wrong_mask_does_not_verify(world) -> None:
    """A masked model that is not the proven model plus these masks: one element off, the
    masks of another round, the pair masks' signs swapped, no own mask."""
    good = list(world["proven"].masked)
    cases = [
        [good[0] + 1, *good[1:]],
        SEEDS.masked(packed(world), 5),
        agg.masked_model(packed(world), 4, SEEDS.own, SEEDS.subtracted, SEEDS.added),
        agg.masked_model(packed(world), 4, 0, SEEDS.added, SEEDS.subtracted),
    ]
    for i, bad in enumerate(cases):
        assert forced(world, masking(bad), prove=i == 0)  # a gate breaks; one proof forced


def test_a_mask_from_a_seed_that_does_not_open_the_registered_commitment_does_not_verify(
    world,
) -> None:
    """The cheater masks with a pair seed of its own choosing (one its partner does not
    know, so that the partner's mask would not cancel). The masked model matches those
    seeds, but the validator hashes the registered commitment."""
    other = agg.Seeds(SEEDS.own, (1003,), SEEDS.subtracted)
    masked = other.masked(packed(world), 4)
    assert forced(world, masking(masked), seeds=other)
    # with its own seed's commitment the proof is fine: the statement is not the chain's
    assert not forced(world, other.masking_hash(masked), seeds=other, prove=False)
    assert other.masking_hash(masked) != masking(masked)
