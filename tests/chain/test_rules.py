"""The consensus rules against Byzantine participants: every bad contribution is refused with
its reason, the leader is the best verified accuracy (ties broken the same way everywhere),
and a block is accepted only from the right proposer with a reveal that opens its commitment."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tests.chain.conftest import SPEC
from zkpot.chain import participant as part
from zkpot.chain.genesis import Genesis, Registration, TestSet
from zkpot.chain.messages import Block, Contribution
from zkpot.chain.rules import (
    RoundContext,
    check_block,
    check_contribution,
    check_contributions,
    check_final,
    empty_block,
    proposer_of,
    proposers,
    ranking,
    tiebreak,
)
from zkpot.curve import bls
from zkpot.hash.keccak import keccak256
from zkpot.ml.contribution import PROOF_FAILS
from zkpot.ml.statement import data_commitment, model_hash
from zkpot.ml.task import demo_data_salt

SECRETS = [1000 + i for i in range(4)]  # participants 1 … 3, and 4: never registered


@pytest.fixture(scope="module")
def world(tiny_keys, tiny_task):
    """A genesis with three participants, keys, and two honest contributions to round 1."""
    task, keys = tiny_task, tiny_keys
    publics = [bls.secret_to_public(sk) for sk in SECRETS]
    slots = [task.slots(i + 1)[0] for i in range(3)]
    registrations = tuple(
        Registration.of(SECRETS[i], data_commitment(slots[i], demo_data_salt(0, i + 1), SPEC))
        for i in range(3)
    )
    test = TestSet(task.test, bytes(32))
    genesis = Genesis(name="rules", spec=SPEC, test_commitment=test.commitment,
                      global_model=tuple(task.global_layers), ceremony=bytes(32),
                      validators=(publics[0],), validator_pops=(bls.pop_prove(SECRETS[0]),),
                      participants=registrations).opened(test)  # fmt: skip
    made = {}
    for i in (0, 1):
        made[i] = part.contribute(keys, SECRETS[i], round=1, global_layers=task.global_layers,
                                  data=slots[i], data_salt=demo_data_salt(0, i + 1),
                                  test=task.test, rng=random.Random(i))  # fmt: skip
    ctx = RoundContext(genesis, keys, 1, genesis.model_hash, genesis.hash)
    return {"ctx": ctx, "made": made, "publics": publics, "task": task, "slots": slots}


def test_an_honest_contribution_is_valid(world) -> None:
    c, _ = world["made"][0]
    assert check_contribution(c, world["ctx"], {}) is None


def resigned(c: Contribution, secret: int, **changes) -> Contribution:
    """A Byzantine participant changes fields and signs again with a key it holds."""
    return part.sign(dataclasses.replace(c, **changes), secret)


@pytest.mark.parametrize(
    ("cheat", "reason"),
    [
        (lambda c, p: resigned(c, SECRETS[0], accuracy=(c.accuracy + 1) % 3), "proof does not"),
        (lambda c, p: dataclasses.replace(c, accuracy=(c.accuracy + 1) % 3), "signature"),
        (lambda c, p: resigned(c, SECRETS[0], proof=c.proof[:-1] + bytes([c.proof[-1] ^ 1])),
         "proof"),
        (lambda c, p: resigned(c, SECRETS[0], proof=c.proof[:100]), "malformed"),
        (lambda c, p: resigned(c, SECRETS[0], round=2), "round 2"),
        (lambda c, p: resigned(c, SECRETS[0], global_model=c.global_model + 1), "global model"),
        (lambda c, p: resigned(c, SECRETS[0], data_commitment=5), "registered"),
        (lambda c, p: resigned(c, SECRETS[3], participant=p[3]), "not registered"),
        # participant 3 replays participant 1's proof under its own key and data commitment
        (lambda c, p: resigned(c, SECRETS[2], participant=p[2], data_commitment=None),
         "proof does not"),
    ],
)  # fmt: skip
def test_byzantine_contributions_are_refused_with_their_reason(world, cheat, reason) -> None:
    c, _ = world["made"][0]
    bad = cheat(c, world["publics"])
    if bad.data_commitment is None:  # the replay: the thief's registered commitment
        registration = world["ctx"].genesis.registration(bad.participant)
        bad = resigned(bad, SECRETS[2], data_commitment=registration.data_commitment)
    verdict = check_contribution(bad, world["ctx"], {})
    assert verdict is not None and reason in verdict, verdict


def test_one_contribution_per_participant(world) -> None:
    c, _ = world["made"][0]
    other, _ = world["made"][1]
    assert check_contribution(c, world["ctx"], {c.participant: c}) == "already received"
    twin = resigned(other, SECRETS[0], participant=c.participant,
                    data_commitment=c.data_commitment)  # fmt: skip
    assert "second contribution" in check_contribution(twin, world["ctx"], {c.participant: c})


def sequential(cs, ctx) -> list:
    """check_contribution one by one, each valid one counting as accepted for the next."""
    seen, out = {}, []
    for c in cs:
        out.append(check_contribution(c, ctx, seen))
        if out[-1] is None:
            seen[c.participant] = c
    return out


def test_a_batch_of_contributions_gets_the_verdicts_of_one_by_one(world) -> None:
    ctx = world["ctx"]
    first, second = world["made"][0][0], world["made"][1][0]
    inflated = resigned(first, SECRETS[0], accuracy=(first.accuracy + 1) % 3)
    assert check_contributions([first, second], ctx, {}) == [None, None]
    for batch in ([first, second, first], [inflated, first, second], [second, inflated],
                  [first, resigned(second, SECRETS[1], round=2), second]):  # fmt: skip
        verdicts = check_contributions(batch, ctx, {})
        assert verdicts == sequential(batch, ctx), verdicts
        assert any(v is not None for v in verdicts)
    # the proof's failure is the batch's reason too, and a participant already accepted
    assert check_contributions([inflated, first], ctx, {})[0] == PROOF_FAILS
    assert check_contributions([first], ctx, {first.participant: first}) == ["already received"]


def test_a_previous_rounds_proof_is_refused(world) -> None:
    c, _ = world["made"][0]
    ctx = dataclasses.replace(world["ctx"], round=2)
    assert "round 1" in check_contribution(c, ctx, {})


def test_ranking_is_accuracy_then_a_deterministic_tiebreak() -> None:
    keys = [bytes([i]) * 48 for i in range(6)]
    accuracies = [5, 7, 7, 2, 7, 5]
    parent = bytes([4]) * 32
    cs = [Contribution(4, k, 0, 0, 0, a, b"") for k, a in zip(keys, accuracies, strict=True)]
    order = ranking(cs, parent)
    assert [c.accuracy for c in order] == [7, 7, 7, 5, 5, 2]
    sevens = [c.participant for c in order[:3]]
    assert sevens == sorted(sevens, key=lambda k: tiebreak(parent, k))
    assert ranking(list(reversed(cs)), parent) == order  # the order of arrival does not matter
    assert proposers(cs, 0, parent) == order[:1] and proposers(cs, 2, parent) == order[:3]
    assert proposers([], 3, parent) == []


def test_no_key_wins_the_ties_of_the_first_rounds_by_grinding() -> None:
    """The tiebreak hashes the parent block's hash, which nobody knows at registration: a key
    ground to win round 1's ties (block 0 is the genesis, known) wins the next round's only
    by chance. With the round number in its place the same key won every early round."""
    parents = [keccak256(b"block %d" % h) for h in range(40)]
    keys = [bls.secret_to_public(sk) for sk in range(1, 9)]
    ground = min(keys, key=lambda k: tiebreak(parents[0], k))  # the grinder's pick
    wins = sum(min(keys, key=lambda k: tiebreak(p, k)) == ground for p in parents[1:])
    assert wins < 20  # 1 in 8 expected (4.9 of 39); a key that always wins would score 39


def test_the_turns_end_with_the_empty_block() -> None:
    """The turns go down the ranking twice, then to the empty block, and round again."""
    parent = bytes(32)
    cs = [Contribution(1, bytes([i]) * 48, 0, 0, 0, 5 - i, b"") for i in range(3)]
    order = ranking(cs, parent)
    turns = [proposer_of(cs, view, parent) for view in range(9)]
    assert turns == [*order, *order, None, order[0], order[1]]
    assert proposer_of([], 0, parent) is None and proposer_of([], 5, parent) is None


@pytest.fixture(scope="module")
def proposal(world):
    """The honest block of round 1: the better of the two contributions leads."""
    made = world["made"]
    contributions = {c.hash: c for c, _ in made.values()}
    best, proven = next((c, p) for c, p in made.values()
                        if c.hash == ranking(list(contributions.values()),
                                             world["ctx"].parent)[0].hash)  # fmt: skip
    reveal = part.reveal(proven, best.participant)
    new_model = model_hash(proven.model, SPEC)
    block = Block(1, world["ctx"].parent, best.participant, new_model, reveal.hash,
                  tuple(contributions), 99)  # fmt: skip
    return block, reveal, contributions, best


def test_the_honest_block_is_accepted(world, proposal) -> None:
    block, reveal, known, _ = proposal
    assert check_block(block, reveal, world["ctx"], known, set(known)) is None


def test_bad_blocks_are_refused(world, proposal) -> None:
    block, reveal, known, best = proposal
    ctx, valid = world["ctx"], set(known)
    other = next(c for c in known.values() if c.hash != best.hash)

    def verdict(b, r=reveal, view=0):
        return check_block(b, r, ctx, known, valid, view)

    assert "height" in verdict(dataclasses.replace(block, height=2))
    assert "parent" in verdict(dataclasses.replace(block, parent=bytes(32)))
    assert "proposer" in verdict(dataclasses.replace(block, proposer=other.participant))
    assert "not verified" in verdict(dataclasses.replace(block, contributions=(bytes(32),)))
    assert "proposer's contribution" in verdict(
        dataclasses.replace(block, contributions=(other.hash,))
    )
    assert "reveal is missing" in verdict(block, r=None)
    fake = dataclasses.replace(reveal, salt=reveal.salt + 1)  # does not open the commitment
    assert "does not open" in verdict(dataclasses.replace(block, reveal=fake.hash), r=fake)
    assert "global model" in verdict(dataclasses.replace(block, global_model=1))


def test_the_next_best_may_propose_after_a_timeout(world, proposal) -> None:
    """View 0 belongs to the best; in view 1 (the leader withheld) the second best's block,
    with its own reveal, is acceptable — and the best's block stays acceptable too."""
    block, reveal, known, best = proposal
    second, proven = next((c, p) for c, p in world["made"].values() if c.hash != best.hash)
    its_reveal = part.reveal(proven, second.participant)
    its_block = dataclasses.replace(block, proposer=second.participant, reveal=its_reveal.hash,
                                    global_model=model_hash(proven.model, SPEC))  # fmt: skip
    ctx, valid = world["ctx"], set(known)
    assert "proposer" in check_block(its_block, its_reveal, ctx, known, valid, view=0)
    assert check_block(its_block, its_reveal, ctx, known, valid, view=1) is None
    assert check_block(block, reveal, ctx, known, valid, view=1) is None


def test_the_empty_block_is_acceptable_once_every_contribution_has_had_two_turns(
    world, proposal
) -> None:
    _, _, known, _ = proposal
    ctx, valid = world["ctx"], set(known)
    empty = empty_block(ctx)
    assert empty.contributions == () and empty.global_model == ctx.global_model
    for view in range(4):  # two contributions, two turns each
        assert "before 2 valid" in check_block(empty, None, ctx, known, valid, view)
    assert check_block(empty, None, ctx, known, valid, view=4) is None
    assert check_block(empty, None, ctx, {}, set(), view=0) is None  # nobody contributed
    for change in ({"global_model": 1}, {"timestamp": 5}, {"contributions": (bytes(32),)}):
        assert check_block(dataclasses.replace(empty, **change), None, ctx, {}, set(), 3)


def test_a_final_block_is_checked_like_a_proposal(world, proposal) -> None:
    """What a node catching up adopts: a block that honest validators could have voted for,
    with every contribution it includes coming with it and valid."""
    block, reveal, known, best = proposal
    ctx, cs = world["ctx"], list(known.values())
    assert check_final(block, reveal, cs, ctx, view=0) is None
    assert check_final(empty_block(ctx), None, [], ctx, view=0) is None
    assert "exactly the contributions" in check_final(block, reveal, cs[:1], ctx, 0)
    forged = part.sign(dataclasses.replace(best, accuracy=(best.accuracy + 1) % 3), SECRETS[0])
    lying = dataclasses.replace(block, contributions=tuple(
        forged.hash if h == best.hash else h for h in block.contributions))  # fmt: skip
    swapped = [forged if c.hash == best.hash else c for c in cs]
    assert "invalid contribution" in check_final(lying, reveal, swapped, ctx, 0)
    # the attacker's block: no contribution and a global model of its choosing
    assert "breaks the rules" in check_final(
        dataclasses.replace(empty_block(ctx), global_model=12345), None, [], ctx, 0
    )
    assert "reveal" in check_final(block, None, cs, ctx, 0)
