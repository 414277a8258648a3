"""One participant must not stop the others from training. A participant registers the
public test rows scaled ×6 (inside the fixed-point format's bound) and leads round 1 on a
simulated chain. Before the weight bound, every honest participant's next round overflowed
from its model (and, before they could sit out, the simulation stopped); now every honest
participant trains every round."""

from __future__ import annotations

import dataclasses
from itertools import product

import numpy as np
import pytest

from zkpot.chain import federation as fed
from zkpot.chain.genesis import Registration
from zkpot.chain.node import ParticipantRole
from zkpot.chain.rules import tiebreak
from zkpot.ml.contribution import dev_srs, setup
from zkpot.ml.fixedpoint import FixedPointOverflow
from zkpot.ml.statement import Rows, count_correct, data_commitment, train_round

SEED, FACTOR = 2, 6  # on the demo's spec, the seed where the scaled member ties the best


def with_scaled_member(federation: fed.Federation, index: int, salt: int) -> fed.Federation:
    """The federation with member ``index``'s data replaced by the test rows × FACTOR (its
    commitment salted with ``salt``), registered in the genesis as any data is."""
    spec, genesis = federation.genesis.spec, federation.genesis
    x = np.zeros((spec.capacity, spec.n_features), dtype=np.int64)
    y = np.full(spec.capacity, spec.n_classes, dtype=np.int64)  # empty slots
    rows = min(spec.capacity, len(genesis.test))
    x[:rows], y[:rows] = genesis.test.x[:rows] * FACTOR, genesis.test.y[:rows]
    assert np.abs(x).max() < 1 << (spec.bound_bits - 1)  # inside the format: a valid registration
    member = federation.members[index - 1]
    role = ParticipantRole(member.secret_key, Rows(x, y), salt)
    members = list(federation.members)
    members[index - 1] = dataclasses.replace(member, role=role)
    participants = list(genesis.participants)
    commitment = data_commitment(role.data, salt, spec)
    participants[index - 1] = Registration.of(member.secret_key, commitment)
    genesis = dataclasses.replace(genesis, participants=tuple(participants))
    return dataclasses.replace(federation, genesis=genesis, members=tuple(members))


def leads_round_1(federation: fed.Federation, index: int) -> bool:
    """Whether member ``index`` has the best accuracy in round 1, tiebreak included (the
    fixed-point twin's, as its proof would claim)."""
    genesis, spec = federation.genesis, federation.genesis.spec
    ranked = []
    for m in federation.members:
        try:
            model, _ = train_round(genesis.global_model, m.role.data, spec)
            accuracy = count_correct(model, genesis.test, spec)
        except FixedPointOverflow:
            continue
        ranked.append((-accuracy, tiebreak(genesis.hash, m.public_key), m.index))
    return bool(ranked) and min(ranked)[2] == index


@pytest.fixture(scope="module")
def demo_keys():
    return setup(fed.DEMO_SPEC, dev_srs(fed.DEMO_SPEC))


def test_a_participant_with_scaled_data_cannot_stop_the_others_from_training(demo_keys) -> None:
    base = fed.build(4, seed=SEED, spec=fed.DEMO_SPEC, keys=demo_keys)
    found = ((with_scaled_member(base, index, salt), index)
             for index, salt in product((4, 3, 2, 1), range(1, 40)))  # fmt: skip
    federation, scaled = next(((f, i) for f, i in found if leads_round_1(f, i)), (None, 0))
    assert federation is not None, "no member with scaled data leads round 1: a test of nothing"
    prover = fed.ParallelProver(federation, workers=1)
    try:
        reports = fed.run(federation, 3, seed=SEED, prover=prover)
    finally:
        prover.close()
    assert reports[0].leader == scaled  # the poisoner's model is round 2's global model
    for r in reports:
        honest = [(i, why) for i, why in r.sat_out if i != scaled]
        assert not honest, f"round {r.round}: honest participants could not train: {honest}"
        verified = {v.participant for v in r.contributions if v.verified}
        assert verified >= {m.index for m in federation.members} - {scaled}, r
