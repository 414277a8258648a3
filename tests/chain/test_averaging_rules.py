"""The rules of an averaging round (issue 28): the genesis registers each pair's seed
commitment, a contribution carries its masked model, revealed seeds must open their
commitments, and an aggregate is accepted only when it opens the masked sum of eligible
contributions into their average — and reveals no pair seed that would unmask anyone."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tests.chain.conftest import AVERAGED as AVG
from tests.chain.conftest import SPEC
from zkpot.chain import participant as part
from zkpot.chain.encoding import MessageError
from zkpot.chain.genesis import Genesis, Registration, TestSet
from zkpot.chain.messages import Aggregate, Block, Contribution, Unmask
from zkpot.chain.rules import (
    RoundContext,
    aggregate,
    check_aggregate,
    check_block,
    check_contribution,
    check_unmask,
    needed_pairs,
    ranking,
)
from zkpot.curve import bls
from zkpot.ml import aggregation as agg
from zkpot.ml.contribution import PROOF_FAILS
from zkpot.ml.statement import data_commitment, flatten, model_hash
from zkpot.ml.task import demo_data_salt, iris_task

SECRETS = [2000 + i for i in range(5)]
PUBLICS = [bls.secret_to_public(sk) for sk in SECRETS]
GRAPH = agg.partners(5, 1)  # 0: +1 −4, 1: +2 −0, 2: +3 −1, 3: +4 −2, 4: +0 −3


def registrations(task, spec=AVG, partners=GRAPH):
    return tuple(
        Registration.of(SECRETS[i], data_commitment(task.slots(i + 1)[0], demo_data_salt(0, i + 1),
                                                    spec),
                        [PUBLICS[j] for j in partners[i].all] if partners else ())
        for i in range(5))  # fmt: skip


def genesis_of(task, participants, spec=AVG) -> Genesis:
    test = TestSet(task.test, bytes(32))
    return Genesis(name="averaging", spec=spec, test_commitment=test.commitment,
                   global_model=tuple(task.global_layers), ceremony=bytes(32),
                   validators=(PUBLICS[0],), validator_pops=(bls.pop_prove(SECRETS[0]),),
                   participants=participants).opened(test)  # fmt: skip


@pytest.fixture(scope="module")
def world(averaged_keys):
    """A genesis of five participants; 0, 1 and 2 contribute to round 1, 3 and 4 do not."""
    task = iris_task(5, seed=0, spec=AVG)
    keys = averaged_keys
    genesis = genesis_of(task, registrations(task))
    made = {}
    for i in range(3):
        made[i] = part.contribute(keys, SECRETS[i], round=1, global_layers=task.global_layers,
                                  data=task.slots(i + 1)[0], data_salt=demo_data_salt(0, i + 1),
                                  test=task.test, rng=random.Random(i),
                                  seeds=part.seeds(SECRETS[i], 1, genesis))  # fmt: skip
    ctx = RoundContext(genesis, keys, 1, genesis.model_hash, genesis.hash, global_accuracy=0,
                       global_layers=tuple(task.global_layers))  # fmt: skip
    return {"task": task, "genesis": genesis, "ctx": ctx, "made": made, "keys": keys}


def seeds(i: int) -> agg.Seeds:
    return part.seeds(SECRETS[i], 1, genesis_cache[0])


genesis_cache: list[Genesis] = []


@pytest.fixture(autouse=True)
def _genesis(world):
    genesis_cache[:] = [world["genesis"]]


def opened(world, included, pairs=None, own=None):
    """The aggregate of ``included`` with honest seeds (or those given)."""
    contributions = {i: world["made"][i][0] for i in included}
    own = own or {i: seeds(i).own for i in included}
    needed = needed_pairs(included, world["genesis"])
    honest = {(i, j): agg.pairwise_seed(SECRETS[i], PUBLICS[j]) for i, j in needed}
    return aggregate(world["ctx"], contributions, own, honest if pairs is None else pairs)


# -- the genesis -------------------------------------------------------------------------


def test_the_genesis_registers_each_pairs_seed_once_from_each_partner(world) -> None:
    genesis = world["genesis"]
    again = Genesis.from_json(genesis.to_json())
    assert again.hash == genesis.hash and again.participants == genesis.participants
    seed = agg.pairwise_seed(SECRETS[0], PUBLICS[1])
    assert genesis.pair_commitment(0, 1) == genesis.pair_commitment(1, 0)
    assert genesis.pair_commitment(0, 1) == agg.seed_commitment(seed)
    task = world["task"]
    regs = list(registrations(task))
    regs[2] = dataclasses.replace(regs[2], pair_commitments=(123, regs[2].pair_commitments[1]))
    with pytest.raises(MessageError, match="p3 and p4 registered different commitments"):
        genesis_of(task, tuple(regs))
    regs[2] = dataclasses.replace(regs[2], pair_commitments=(123,))
    with pytest.raises(MessageError, match="1 pair commitments, it has 2 partners"):
        genesis_of(task, tuple(regs))
    with pytest.raises(MessageError, match="the spec averages 3 to 4"):
        genesis_of(task, registrations(task, dataclasses.replace(AVG, participants=4)),
                   dataclasses.replace(AVG, participants=4))  # fmt: skip
    with pytest.raises(MessageError, match="pair commitments are for an averaging spec"):
        genesis_of(task, registrations(task, SPEC), SPEC)
    assert "pair_commitments" not in genesis_of(task, registrations(task, SPEC, {}), SPEC
                                                ).to_json()["participants"][0]  # fmt: skip


# -- contributions and unmasking ---------------------------------------------------------


def test_a_masked_contribution_is_valid_and_round_trips(world) -> None:
    c, proven = world["made"][0]
    assert c.averaged and len(c.masked) == AVG.masked_elements
    assert Contribution.from_json(c.to_json()) == c
    assert check_contribution(c, world["ctx"], {}) is None
    assert c.statement(world["genesis"]).masking == proven.contribution.statement.masking


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: {"masked": (c.masked[0] + 1, *c.masked[1:])}, PROOF_FAILS),
        (lambda c: {"own_commitment": c.own_commitment + 1}, PROOF_FAILS),
        (lambda c: {"masked": c.masked[:-1]}, "malformed: a masked model of"),
        (lambda c: {"masked": ()}, "malformed: a masked model of"),
    ],
)  # fmt: skip
def test_a_masked_model_that_is_not_the_proven_one_is_refused(world, change, reason) -> None:
    c, _ = world["made"][0]
    bad = part.sign(dataclasses.replace(c, **change(c)), SECRETS[0])
    assert reason in check_contribution(bad, world["ctx"], {})


def test_revealed_seeds_must_open_their_commitments(world) -> None:
    ctx, (c, _) = world["ctx"], world["made"][0]
    u = part.unmask(SECRETS[0], 1, world["genesis"], own=True, partners=[4])
    assert Unmask.from_json(u.to_json(), 5) == u
    assert check_unmask(u, ctx, c.own_commitment) is None
    wrong_own = dataclasses.replace(u, own=u.own + 1)
    assert "own seed does not open" in check_unmask(wrong_own, ctx, c.own_commitment)
    assert "own seed does not open" in check_unmask(u, ctx, None)
    wrong_pair = dataclasses.replace(u, pairs=((4, u.pairs[0][1] + 1),))
    assert "p5 does not open" in check_unmask(wrong_pair, ctx, c.own_commitment)
    stranger = dataclasses.replace(u, pairs=((2, 5),))
    assert "p3 is not a partner" in check_unmask(stranger, ctx, c.own_commitment)
    with pytest.raises(MessageError, match="a partner twice"):
        Unmask.from_json({**u.to_json(), "pairs": [[4, "1"], [4, "2"]]}, 5)


# -- the aggregate ------------------------------------------------------------------------


def test_the_aggregate_is_the_average_of_the_included_models(world) -> None:
    """0, 1 and 2 included; 3 and 4 sat out: the seeds of the pairs (0, 4) and (2, 3) are
    revealed, and the masked sum opens to the twin's average."""
    a = opened(world, [0, 1, 2])
    assert [(i, j) for i, j, _ in a.pairs] == [(0, 4), (2, 3)]
    models = [world["made"][i][1].model for i in (0, 1, 2)]
    assert flatten(a.model) == flatten(
        agg.next_global(world["task"].global_layers, models, AVG, world["genesis"].test)
    )
    contributions = {i: world["made"][i][0] for i in range(3)}
    assert check_aggregate(a, world["ctx"], contributions) is None
    assert Aggregate.from_json(a.to_json(), AVG, 5).hash == a.hash


def tampered(a: Aggregate, **changes) -> Aggregate:
    return dataclasses.replace(a, **changes)


def test_an_aggregate_the_rules_do_not_allow_is_refused(world) -> None:
    ctx, a = world["ctx"], opened(world, [0, 1, 2])
    contributions = {i: world["made"][i][0] for i in range(3)}
    (i0, j0, s0), rest = a.pairs[0], a.pairs[1:]
    between_included = agg.pairwise_seed(SECRETS[0], PUBLICS[1])
    values = flatten(a.model)
    values[0] += 1
    from zkpot.chain.genesis import unflatten

    cases = {
        "a wrong revealed pair seed": (tampered(a, pairs=((i0, j0, s0 + 1), *rest)), "p1 and p5"),
        "a wrong own seed": (tampered(a, own=(a.own[0] + 1, *a.own[1:])), "p1's own seed"),
        "a pair seed between two included": (
            tampered(a, pairs=((0, 1, between_included), *a.pairs)), "not exactly"),
        "a needed pair seed missing": (tampered(a, pairs=rest), "not exactly"),
        "another model": (tampered(a, model=unflatten(values, AVG)), "not the average"),
        "a participant without its contribution": (tampered(a, included=(0, 1, 4)), "p5 is"),
        "one model, published": (opened_alone(world), "at least 2"),
    }  # fmt: skip
    for name, (bad, reason) in cases.items():
        got = check_aggregate(bad, ctx, contributions)
        assert got is not None and reason in got, (name, got)
    isolated = opened(world, [0, 2])  # neither has an included partner: all its seeds known
    assert "without an included partner" in check_aggregate(isolated, ctx, contributions)


def opened_alone(world) -> Aggregate:
    a = opened(world, [0, 1])
    return dataclasses.replace(a, included=(0,), own=a.own[:1])


def test_a_contribution_the_rule_does_not_select_is_not_averaged(world) -> None:
    """Proven accuracies 2, 2 and 0 against a global model's 1: the rule selects the first
    two (:func:`zkpot.ml.aggregation.select`), and an aggregate with the third is refused.
    (The accuracies are set on the messages: check_aggregate is given valid ones.)"""
    a = opened(world, [0, 1, 2])
    made = {i: world["made"][i][0] for i in range(3)}
    contributions = {i: dataclasses.replace(c, accuracy=(2, 2, 0)[i]) for i, c in made.items()}
    ctx = dataclasses.replace(world["ctx"], global_accuracy=1)
    assert agg.select([2, 2, 0], 1) == [0, 1]
    assert "p3 is included, and the quality rule leaves it out" in check_aggregate(
        a, ctx, contributions)  # fmt: skip
    assert check_aggregate(a, dataclasses.replace(ctx, global_accuracy=0), contributions) is None


def test_a_block_carries_the_aggregate_and_never_a_reveal(world) -> None:
    ctx, a = world["ctx"], opened(world, [0, 1, 2])
    known = {world["made"][i][0].hash: world["made"][i][0] for i in range(3)}
    leader = ranking(known.values(), ctx.parent)[0]
    leader_index = world["genesis"].index(leader.participant)
    block = Block(1, ctx.parent, leader.participant, model_hash(a.model, AVG), a.hash,
                  tuple(sorted(known)), 0)  # fmt: skip
    assert check_block(block, a, ctx, known, set(known)) is None
    wrong = dataclasses.replace(block, global_model=world["genesis"].model_hash)
    assert "aggregate's hash" in check_block(wrong, a, ctx, known, set(known))
    others = [i for i in range(3) if i != leader_index]
    without_leader = opened(world, others) if leader_index != 1 else None
    if without_leader is not None:  # the two others are partners only if the leader is not 1
        block = dataclasses.replace(block, reveal=without_leader.hash,
                                    global_model=model_hash(without_leader.model, AVG))  # fmt: skip
        got = check_block(block, without_leader, ctx, known, set(known))
        assert got == "the proposer is not among the averaged"
    reveal = part.reveal(world["made"][leader_index][1], leader.participant)
    block = dataclasses.replace(block, reveal=reveal.hash)
    assert "published" in check_block(block, reveal, ctx, known, set(known))


def test_a_node_admits_a_bounded_number_of_unmasks_per_participant(world, monkeypatch) -> None:
    """Each distinct unmask a participant signs is relayed once; past the bound, more of
    them are dropped (not relayed, not learnt), and a wrong seed is refused with a reason."""
    from zkpot.chain import node as node_module
    from zkpot.chain.node import Node, envelope
    from zkpot.chain.store import ChainStore

    monkeypatch.setattr(node_module, "MAX_UNMASKS_PER_PARTICIPANT", 2)
    n = Node(world["genesis"], world["keys"], ChainStore(":memory:"))
    genesis = world["genesis"]
    sent = [part.unmask(SECRETS[0], 1, genesis, own=False, partners=p) for p in ([1], [4], [1, 4])]
    relayed = [n.receive(0.0, envelope("unmask", u.to_json())) for u in sent]
    assert [len(r) for r in relayed] == [1, 1, 0]
    assert n.unmasks == {0: 2} and n.unmasking.pair_seed(0, 1) is not None
    honest = part.unmask(SECRETS[1], 1, genesis, own=False, partners=[2])
    wrong = dataclasses.replace(honest, pairs=((2, honest.pairs[0][1] + 1),))
    wrong = dataclasses.replace(wrong, signature=bls.sign(SECRETS[1], wrong.signing_bytes()))
    assert n.receive(0.0, envelope("unmask", wrong.to_json())) == []
    assert "does not open the registered commitment" in n.rejected[-1][1]
