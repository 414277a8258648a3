"""Byzantine participants on the simulated chain: none is ever accepted, every honest node keeps
the reason, and the honest nodes finish the round."""

from __future__ import annotations

import pytest

from tests.chain.conftest import SPEC, make_genesis
from zkpot.chain import participant as part
from zkpot.chain.byzantine import ByzantineNode, replay_source
from zkpot.chain.node import Node, ParticipantRole, Timing
from zkpot.chain.rules import tiebreak
from zkpot.chain.simulator import Simulation
from zkpot.chain.store import ChainStore
from zkpot.curve import bls
from zkpot.ml.statement import model_hash
from zkpot.ml.task import demo_data_salt, iris_task

KEYS = [4000 + i for i in range(4)]
TASK = iris_task(3, seed=0, spec=SPEC)
# every participant trains on the same rows (each with its own salt), so all prove the same
ROLES = [ParticipantRole(sk, TASK.slots(1)[0], demo_data_salt(0, i + 1))
         for i, sk in enumerate(KEYS)]  # fmt: skip
GENESIS = make_genesis("byzantine", TASK, KEYS, ROLES)
# accuracy and the round-1 leader is the smallest tiebreak: make that the Byzantine one
BYZANTINE = min(range(4), key=lambda i: tiebreak(GENESIS.hash, bls.secret_to_public(KEYS[i])))


@pytest.fixture(scope="module")
def world(tiny_keys):
    keys, genesis, roles = tiny_keys, GENESIS, ROLES
    cache: dict = {}

    def prover_for(role):
        def prove(round: int, layers):
            key = (role.secret_key, round, model_hash(layers, SPEC))
            if key not in cache:
                cache[key] = part.contribute(keys, role.secret_key, round=round,
                                             global_layers=layers, data=role.data,
                                             data_salt=role.data_salt, test=genesis.test,
                                             model_salt=round * 7919 + role.secret_key)  # fmt: skip
            return cache[key]

        return prove

    return genesis, keys, roles, [prover_for(r) for r in roles]


def run(world, behaviour: str, rounds: int = 1) -> Simulation:
    genesis, keys, roles, provers = world
    sim = Simulation(seed=5)
    timing = Timing(contribute=5.0)
    victim = f"node{(BYZANTINE + 1) % 4}"
    for i, sk in enumerate(KEYS):
        options = {"validator": sk, "participant": roles[i], "prover": provers[i],
                   "timing": timing}  # fmt: skip
        if i == BYZANTINE:
            node = ByzantineNode(genesis, keys, ChainStore(":memory:"), behaviour=behaviour,
                                 victim=replay_source(sim.nodes, victim), **options)  # fmt: skip
        else:
            node = Node(genesis, keys, ChainStore(":memory:"), **options)
        sim.add(f"node{i}", node)
    # the victim must have proven before the thief starts: start it first
    sim.unstarted.sort(key=lambda name: name != victim)
    honest = [n for name, n in sim.nodes.items() if name != f"node{BYZANTINE}"]
    sim.run(until=2000, stop=lambda: all(n.store.head()[0] >= rounds for n in honest))
    heads = {n.store.head() for n in honest}
    assert len(heads) == 1 and next(iter(heads))[0] >= rounds, heads  # liveness, agreement
    return sim


def reasons(sim: Simulation) -> set[str]:
    """The reasons every honest node gave for rejecting a contribution of the Byzantine one."""
    byzantine = bls.secret_to_public(KEYS[BYZANTINE])
    found = set()
    for name, node in sim.nodes.items():
        if name == f"node{BYZANTINE}":
            continue
        for height in range(1, node.store.head()[0] + 1):
            found |= {reason for c, reason in node.store.contributions(height)
                      if c.participant == byzantine and reason is not None}  # fmt: skip
    return found


@pytest.mark.parametrize(
    ("behaviour", "rounds", "reason"),
    [
        ("inflate", 1, "the proof does not verify for this statement"),
        ("replay", 1, "the proof does not verify for this statement"),
        ("duplicate", 1, "a second contribution from this participant"),
        ("wrong-model", 2, "trained from another global model"),
    ],
)
def test_a_cheating_contribution_is_refused_with_its_reason(world, behaviour, rounds, reason):
    sim = run(world, behaviour, rounds)
    assert reason in reasons(sim)
    byzantine = bls.secret_to_public(KEYS[BYZANTINE])
    for name, node in sim.nodes.items():
        if name == f"node{BYZANTINE}":
            continue
        for height in range(1, rounds + 1):
            block, _ = node.store.block(height)
            if behaviour != "duplicate":  # its first, honest contribution may lead
                assert block.proposer != byzantine or height < rounds


@pytest.mark.parametrize("behaviour", ["withhold", "bad-reveal", "equivocate"])
def test_a_cheating_leader_is_passed_over_or_agreed_on_once(world, behaviour) -> None:
    sim = run(world, behaviour)
    byzantine = bls.secret_to_public(KEYS[BYZANTINE])
    blocks = {node.store.block(1)[0].hash for name, node in sim.nodes.items()
              if name != f"node{BYZANTINE}"}  # fmt: skip
    assert len(blocks) == 1  # one final block at height 1, everywhere
    block, _ = next(iter(sim.nodes.values())).store.block(1)
    if behaviour in ("withhold", "bad-reveal"):
        assert block.proposer != byzantine  # the next best took over after a timeout


def test_garbage_is_rejected_and_the_round_finishes(world) -> None:
    sim = run(world, "garbage")
    for name, node in sim.nodes.items():
        if name != f"node{BYZANTINE}":
            assert len(node.rejected) >= 5, node.rejected


def test_the_contribution_stays_valid_for_its_round_only(world) -> None:
    """A stale contribution: round 1's contribution sent again in round 2 counts for nothing
    (a node has seen that very message, and ignores it; one that had not would refuse its
    round), and round 2 finishes without the Byzantine participant."""
    sim = run(world, "stale", rounds=2)
    byzantine = bls.secret_to_public(KEYS[BYZANTINE])
    for name, node in sim.nodes.items():
        if name != f"node{BYZANTINE}":
            round2 = node.store.contributions(2)
            assert not [c for c, reason in round2 if c.participant == byzantine and reason is None]
            assert len([c for c, reason in round2 if reason is None]) == 3
