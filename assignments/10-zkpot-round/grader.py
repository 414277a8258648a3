"""Grader of assignment 10: validating contributions and ranking them, against zkpot."""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

import pytest

from zkpot.assignments import required
from zkpot.chain import participant as part
from zkpot.chain.federation import build
from zkpot.chain.messages import Contribution
from zkpot.chain.rules import RoundContext, check_contribution
from zkpot.chain.rules import ranking as reference_ranking
from zkpot.cli.training import default_cache
from zkpot.curve import bls
from zkpot.hash.keccak import keccak256
from zkpot.ml.contribution import dev_srs, setup
from zkpot.ml.statement import TrainingSpec

SPEC = TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2)  # a proof in seconds
MADE = Path(__file__).with_name("contributions.json")
"""The two honest contributions, as the grader would make them (``python grader.py``
writes them): proving them anew at each grading would take most of its time."""


def federation():
    """Three registered participants (zkpot.chain.federation.build, the simulator's set-up),
    their keys from the key cache after the first grading."""
    return build(3, seed=0, spec=SPEC, keys=setup(SPEC, dev_srs(SPEC), cache_dir=default_cache()))


def prove(fed) -> list[Contribution]:
    """The first two participants' contributions to round 1 (reproducible blinding)."""
    return [part.contribute(fed.keys, m.secret_key, round=1, global_layers=fed.task.global_layers,
                            data=m.role.data, data_salt=m.role.data_salt, test=fed.task.test,
                            rng=random.Random(m.index))[0] for m in fed.members[:2]]  # fmt: skip


def stored(ctx) -> list[Contribution] | None:
    """The contributions of :data:`MADE` if zkpot's own rules accept them in this round
    (they do unless the circuit or the task changed since they were written)."""
    try:
        made = [Contribution.from_json(c) for c in json.loads(MADE.read_text())]
    except (OSError, ValueError):
        return None
    return made if all(check_contribution(c, ctx, {}) is None for c in made) else None


@pytest.fixture(scope="module")
def world():
    """The federation, two honest contributions to round 1, and the key of a fourth,
    unregistered participant."""
    fed = federation()
    ctx = RoundContext(fed.genesis, fed.keys, 1, fed.genesis.model_hash, fed.genesis.hash)
    made = stored(ctx) or prove(fed)
    secrets = [m.secret_key for m in fed.members] + [999_999]
    return {"ctx": ctx, "made": made, "secrets": secrets,
            "publics": [bls.secret_to_public(sk) for sk in secrets]}  # fmt: skip


def resigned(c, secret: int, **changes):
    """A Byzantine participant changes fields and signs again with a key it holds."""
    return part.sign(dataclasses.replace(c, **changes), secret)


def test_honest_contributions_are_valid(solution, request) -> None:
    check = required(solution, "check_contribution")
    world = request.getfixturevalue("world")  # after required: a starter fails at once
    for c in world["made"]:
        verdict = check(c, world["ctx"], {})
        assert verdict is None, f"an honest contribution was refused: {verdict!r}"


def cheats(world):
    c, p, secret = world["made"][0], world["publics"], world["secrets"]
    registered_3 = world["ctx"].genesis.registration(p[2]).data_commitment
    flipped = c.proof[:-1] + bytes([c.proof[-1] ^ 1])
    sign = secret[0]
    higher = (c.accuracy + 1) % 3
    return [
        ("an inflated accuracy, signed again", resigned(c, sign, accuracy=higher)),
        ("an inflated accuracy, the old signature kept", dataclasses.replace(c, accuracy=higher)),
        ("a proof with one bit flipped", resigned(c, sign, proof=flipped)),
        ("a truncated proof (it does not decode)", resigned(c, sign, proof=c.proof[:100])),
        ("a contribution for round 2", resigned(c, sign, round=2)),
        ("training from another global model",
         resigned(c, sign, global_model=c.global_model + 1)),
        ("a data commitment that is not the registered one",
         resigned(c, sign, data_commitment=5)),
        ("a participant that is not registered", resigned(c, secret[3], participant=p[3])),
        ("participant 3 replaying participant 1's proof under its own key and data",
         resigned(c, secret[2], participant=p[2], data_commitment=registered_3)),
    ]  # fmt: skip


def test_byzantine_contributions_are_refused(solution, request) -> None:
    check = required(solution, "check_contribution")
    world = request.getfixturevalue("world")  # after required: a starter fails at once
    for what, bad in cheats(world):
        try:
            verdict = check(bad, world["ctx"], {})
        except Exception as error:  # a validator must not crash on a bad message
            raise AssertionError(
                f"{what}: check_contribution raised {type(error).__name__}: {error} "
                "(return a reason instead: a node keeps running)"
            ) from None
        assert isinstance(verdict, str) and verdict, f"{what}: accepted (returned {verdict!r})"


def test_one_contribution_per_participant(solution, request) -> None:
    check = required(solution, "check_contribution")
    world = request.getfixturevalue("world")  # after required: a starter fails at once
    c, other = world["made"]
    verdict = check(c, world["ctx"], {c.participant: c})
    assert verdict, "the same contribution twice: the second time must be refused"
    twin = resigned(other, world["secrets"][0], participant=c.participant,
                    data_commitment=c.data_commitment)  # fmt: skip
    verdict = check(twin, world["ctx"], {c.participant: c})
    assert verdict, "a second, different contribution from one participant must be refused"
    assert check(other, world["ctx"], {c.participant: c}) is None, (
        "another participant's contribution was refused because of the first participant's"
    )


def fakes(accuracies, round_: int = 1):
    """Contributions that differ only in participant and accuracy (ranking does not verify)."""
    return [_Fake(round_, bls.secret_to_public(2000 + i), accuracy)
            for i, accuracy in enumerate(accuracies)]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class _Fake:
    round: int
    participant: bytes
    accuracy: int


def names(cs) -> list[str]:
    return [f"{c.participant.hex()[:8]}…/{c.accuracy}" for c in cs]


def test_ranking_by_accuracy(solution) -> None:
    ranking = required(solution, "ranking")
    cs = fakes([1, 2, 0, 2])
    parent = keccak256(b"block 0")
    got, want = ranking(list(cs), parent), reference_ranking(cs, parent)
    assert got[0].accuracy == 2, f"the best accuracy must lead: got {names(got)}"
    assert list(got) == list(want), f"ranking: expected {names(want)}, got {names(got)}"


def test_ties_break_by_the_hash_of_parent_and_key(solution) -> None:
    ranking = required(solution, "ranking")
    for round_ in (1, 2, 7):
        cs = fakes([2] * 6, round_)
        parent = keccak256(b"block %d" % (round_ - 1))
        got, want = ranking(list(cs), parent), reference_ranking(cs, parent)
        assert list(got) == list(want), (
            f"round {round_}, six equal accuracies: expected {names(want)}, got {names(got)} "
            "(the smaller keccak256(parent + key) first)"
        )
    assert ranking([], bytes(32)) == [], "no valid contribution: an empty ranking"


if __name__ == "__main__":  # python grader.py: write the contributions the grader reuses
    MADE.write_text(json.dumps([c.to_json() for c in prove(federation())], indent=1) + "\n")
    print(f"wrote {MADE}", file=sys.stderr)
