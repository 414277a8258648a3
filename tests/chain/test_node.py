"""Nodes on the simulated network: rounds finalize at every node, the same blocks, led by the
best verified accuracy; the revealed model becomes the next round's global model; and nothing
private leaks into any message or any stored row."""

from __future__ import annotations

import functools
import json

import pytest

from tests.chain.conftest import make_genesis
from zkpot.chain import participant as part
from zkpot.chain.byzantine import ByzantineNode
from zkpot.chain.encoding import decode
from zkpot.chain.node import Node, ParticipantRole, Timing
from zkpot.chain.simulator import Simulation
from zkpot.chain.store import ChainStore
from zkpot.curve import bls
from zkpot.ml.fixedpoint import FixedPointOverflow
from zkpot.ml.statement import flatten, model_hash
from zkpot.ml.task import demo_data_salt

VALIDATORS = [2000 + i for i in range(4)]
PARTICIPANTS = [3000 + i for i in range(3)]


@pytest.fixture(scope="module")
def chain(tiny_keys, tiny_task):
    slots = [tiny_task.slots(i + 1)[0] for i in range(3)]
    roles = [ParticipantRole(sk, slots[i], demo_data_salt(0, i + 1))
             for i, sk in enumerate(PARTICIPANTS)]  # fmt: skip
    return make_genesis("node test", tiny_task, VALIDATORS, roles), tiny_keys, roles


def cached_prover(keys, role, genesis):
    """Proofs are the slow part: one per (round, global model), shared across runs."""

    @functools.cache
    def prove(round: int, model_key: int):
        return part.contribute(keys, role.secret_key, round=round, global_layers=models[model_key],
                               data=role.data, data_salt=role.data_salt, test=genesis.test,
                               model_salt=round * 1000 + role.secret_key)  # fmt: skip

    models: dict[int, tuple] = {}

    def prover(round: int, layers):
        key = model_hash(layers, genesis.spec)
        models[key] = tuple(layers)
        return prove(round, key)

    return prover


@pytest.fixture(scope="module")
def provers(chain):
    genesis, keys, roles = chain
    return [cached_prover(keys, role, genesis) for role in roles]


def network(chain, provers, seed: int = 0, window: float = 5.0, **options) -> Simulation:
    """Validators 0–2 are also participants 0–2; validator 3 only validates. ``window``:
    the contribution window (the cut-off after a round opens)."""
    genesis, keys, roles = chain
    sim = Simulation(seed=seed, **options)
    timing = Timing(contribute=window)
    for i, sk in enumerate(VALIDATORS):
        role = roles[i] if i < 3 else None
        node = Node(genesis, keys, ChainStore(":memory:"), validator=sk, participant=role,
                    prover=provers[i] if i < 3 else None, timing=timing)  # fmt: skip
        sim.add(f"node{i}", node)
    return sim


def heads(sim: Simulation) -> set[tuple[int, bytes]]:
    return {node.store.head() for node in sim.nodes.values()}


def test_rounds_finalize_when_the_nodes_cut_off_different_contributions(chain, provers) -> None:
    """A window shorter than the network's delays: each node ranks only the contributions
    that reached it in time, so the nodes disagree on the order, and view after view a
    proposal is refused. Proposers take turns through each node's ranking, twice, so some
    view's block is one every node accepts. Which seeds' delays split the nodes depends on
    the ranking (the tiebreak hashes the genesis): every seed must finalize the same blocks
    everywhere, and the test goes on until two seeds have split the nodes."""
    split = []
    for seed in range(1, 16):
        sim = network(chain, provers, seed=seed, window=0.3, delay=(0.05, 2.0))
        sim.run(until=3_000, stop=lambda sim=sim: min(h for h, _ in heads(sim)) >= 2)
        assert min(h for h, _ in heads(sim)) >= 2 and len({b for _, b in heads(sim)}) == 1, seed
        node = next(iter(sim.nodes.values()))
        if max(node.store.block(h)[1].view for h in (1, 2)) > 0:
            split.append(seed)
            if len(split) == 2:
                return
    pytest.fail(f"the window split the nodes only for seeds {split}: the test tests too little")


def test_two_rounds_finalize_the_same_blocks_everywhere(chain, provers) -> None:
    genesis, _, _ = chain
    sim = network(chain, provers)
    sim.run(until=500, stop=lambda: min(h for h, _ in heads(sim)) >= 2)
    assert {h for h, _ in heads(sim)} == {2} and len(heads(sim)) == 1
    node = sim.nodes["node0"]
    for height in (1, 2):
        block, certificate = node.store.block(height)
        assert len(certificate.signers) >= genesis.quorum
        accepted = [c for c, reason in node.store.contributions(height) if reason is None]
        assert len(accepted) == 3  # all three honest contributions, valid
        best = max(c.accuracy for c in accepted)
        leader = next(c for c in accepted if c.participant == block.proposer)
        assert leader.accuracy == best
        reveal = node.store.reveal(block.reveal)
        assert block.global_model == model_hash(reveal.model, genesis.spec)
    # round 2 trained from round 1's revealed model
    block1, _ = node.store.block(1)
    round2 = [c for c, _ in node.store.contributions(2)]
    assert {c.global_model for c in round2} == {block1.global_model}


def test_nothing_private_leaks(chain, provers) -> None:
    """Across every message sent and every row stored: no participant's data rows, and no
    weights but the leader's revealed ones."""
    genesis, _, roles = chain
    sim = network(chain, provers)
    sim.run(until=500, stop=lambda: min(h for h, _ in heads(sim)) >= 1)
    node = sim.nodes["node0"]
    block, _ = node.store.block(1)
    secrets = [tuple(int(v) for v in row) for role in roles for row in role.data.x if row.any()]
    for i, role in enumerate(roles):
        if bls.secret_to_public(role.secret_key) != block.proposer:
            _, proven = provers[i](1, genesis.global_model)
            secrets.append(tuple(flatten(proven.model)))  # a losing participant's weights
    texts = [data for _, _, data in sim.log]
    for n in sim.nodes.values():
        texts += [json.dumps(c.to_json()).encode() for c, _ in n.store.contributions(1)]
        texts += [json.dumps(x.to_json()).encode() for x in n.store.block(1)]
        texts.append(json.dumps(n.store.reveal(block.reveal).to_json()).encode())
    assert len(texts) > 50
    for text in texts:
        for array in _int_arrays(decode(text) if text.startswith(b'{"') and b" " not in text
                                 else json.loads(text)):  # fmt: skip
            for secret in secrets:
                assert not _contains(array, secret), "a private sequence leaked"


def _int_arrays(obj):
    """Every list of ints inside a JSON value (models, test rows would appear so)."""
    if isinstance(obj, list):
        if obj and all(isinstance(v, int) for v in obj):
            yield tuple(obj)
        for v in obj:
            yield from _int_arrays(v)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _int_arrays(v)


def _contains(array: tuple, secret: tuple) -> bool:
    n = len(secret)
    return any(array[i : i + n] == secret for i in range(len(array) - n + 1))


def test_a_node_killed_and_restarted_catches_up_from_its_store(chain, provers, tmp_path) -> None:
    """Validator 3 goes down after round 1; the other three (a quorum) finalize round 2; it
    restarts as a new process on its SQLite file, catches up from certified final blocks, and
    all four finalize round 3 together."""
    genesis, keys, _ = chain
    sim = network(chain, provers)
    path = tmp_path / "node3.sqlite"
    sim.nodes["node3"] = Node(genesis, keys, ChainStore(path), validator=VALIDATORS[3],
                              timing=Timing(contribute=5.0))  # fmt: skip
    sim.run(until=500, stop=lambda: min(h for h, _ in heads(sim)) >= 1)
    sim.nodes["node3"].store.close()
    sim.down.add("node3")
    others = [sim.nodes[f"node{i}"] for i in range(3)]
    sim.run(until=1000, stop=lambda: min(n.store.head()[0] for n in others) >= 2)
    assert min(n.store.head()[0] for n in others) >= 2
    restarted = Node(genesis, keys, ChainStore(path), validator=VALIDATORS[3],
                     timing=Timing(contribute=5.0))  # fmt: skip
    assert restarted.round == 2  # it resumes after its last final block
    sim.restart("node3", restarted)
    sim.run(until=2000, stop=lambda: min(h for h, _ in heads(sim)) >= 3)
    assert len({n.store.block(3)[0].hash for n in sim.nodes.values()}) == 1
    assert restarted.store.block(2) == others[0].store.block(2)


def honest_blocks(nodes, height: int) -> set[bytes]:
    """The hashes of the final blocks the nodes hold at a height (one, for safety)."""
    return {n.store.block(height)[0].hash for n in nodes if n.store.block(height) is not None}


@pytest.mark.parametrize("seed", [1, 2])
def test_safety_and_liveness_under_loss_reordering_a_healing_partition_and_a_byzantine_validator(
    chain, provers, seed
) -> None:
    """A fifth of all copies lost, delays from 10 ms to 3 s (so messages overtake each other),
    the network split in halves (no side has a quorum) until t = 30 s, and validator 3
    Byzantine (it signs both a block and nil in every step): the three honest validators
    finalize three rounds, and never two different blocks at one height."""
    genesis, keys, _ = chain
    sim = network(chain, provers, seed=seed, loss=0.2, delay=(0.01, 3.0))
    sim.nodes["node3"] = ByzantineNode(genesis, keys, ChainStore(":memory:"),
                                       behaviour="double-vote", validator=VALIDATORS[3],
                                       timing=Timing(contribute=5.0))  # fmt: skip
    honest = [sim.nodes[f"node{i}"] for i in range(3)]
    sim.split({"node0", "node1"}, {"node2", "node3"})
    sim.run(until=30)
    assert {n.store.head()[0] for n in honest} == {0}  # no side had a quorum
    sim.heal()
    sim.run(until=3000, stop=lambda: min(n.store.head()[0] for n in honest) >= 3)
    assert min(n.store.head()[0] for n in honest) >= 3
    for height in (1, 2, 3):
        assert len(honest_blocks(honest, height)) == 1
    doubled = [v for _, src, data in sim.log if src == "node3"
               for v in [decode(data)] if v["type"] == "vote"]  # fmt: skip
    assert len({(v["body"]["view"], v["body"]["kind"], v["body"]["block"]) for v in doubled}) > 4


def overflowing(prover, rounds: set[int]):
    """A prover whose training leaves the fixed-point bound in these rounds."""

    def prove(round: int, layers):
        if round in rounds:
            raise FixedPointOverflow(f"layer 1 weight gradient[0, 0] = 9999999 (round {round})")
        return prover(round, layers)

    return prove


def test_a_participant_that_cannot_train_sits_out_and_the_round_still_ends(chain, provers) -> None:
    """Participant 0 cannot train in round 1: its node says why, sits the round out, and
    votes; the others' contributions lead. Before, the exception stopped the simulation."""
    _, _, roles = chain
    sim = network(chain, [overflowing(provers[0], {1}), *provers[1:]])
    sim.run(until=500, stop=lambda: min(h for h, _ in heads(sim)) >= 2)
    assert {h for h, _ in heads(sim)} == {2} and len(heads(sim)) == 1
    node0 = sim.nodes["node0"]
    assert node0.sat_out == [(1, "layer 1 weight gradient[0, 0] = 9999999 (round 1)")]
    block, _ = node0.store.block(1)
    assert block.proposer != bls.secret_to_public(roles[0].secret_key) and block.contributions
    assert len(node0.store.block(2)[0].contributions) == 3  # it trains again in round 2


def test_rounds_that_no_one_can_lead_end_with_the_empty_block(chain, provers) -> None:
    """Nobody can train in rounds 1 and 2: both end with the empty block (the global model
    unchanged), the heights keep growing, and round 3 trains from the genesis's model."""
    genesis, _, _ = chain
    sim = network(chain, [overflowing(p, {1, 2}) for p in provers])
    sim.run(until=1000, stop=lambda: min(h for h, _ in heads(sim)) >= 3)
    assert len(heads(sim)) == 1 and min(h for h, _ in heads(sim)) == 3
    node = sim.nodes["node3"]
    for height in (1, 2):
        block, certificate = node.store.block(height)
        assert block.contributions == () and block.global_model == genesis.model_hash
        assert len(certificate.signers) >= genesis.quorum
    third, _ = node.store.block(3)
    assert third.contributions and third.global_model != genesis.model_hash
    round3 = [c for c, _ in node.store.contributions(3)]
    assert {c.global_model for c in round3} == {genesis.model_hash}
