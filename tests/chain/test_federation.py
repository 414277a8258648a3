"""A federation from a seed on the simulator: the report follows the rules and the JSON
contract, proofs made in parallel equal those made one by one, and ``zkpot simulate`` and
``zkpot demo`` run a round end to end."""

from __future__ import annotations

import json
import re

import pytest

from tests.chain.conftest import SPEC
from zkpot.chain import federation as fed
from zkpot.cli import main
from zkpot.errors import InvalidInput
from zkpot.ml.contribution import verify_contribution
from zkpot.progress import Recorder


@pytest.fixture(scope="module")
def federation(tiny_keys):
    return fed.build(4, seed=3, spec=SPEC, byzantine=["inflate"], keys=tiny_keys)


def test_members_are_participants_and_validators_of_the_genesis(federation) -> None:
    g = federation.genesis
    assert [m.public_key for m in federation.members] == list(g.validators)
    assert [r.public_key for r in g.participants] == list(g.validators)
    assert [m.behaviour for m in federation.members] == [None, None, None, "inflate"]
    # reproducible from the seed (behaviours are no part of the genesis), another seed differs
    assert fed.build(4, seed=3, spec=SPEC, keys=federation.keys).genesis.hash == g.hash
    assert fed.build(4, seed=4, spec=SPEC, keys=federation.keys).genesis.hash != g.hash
    assert fed.member_key(3, 1) == federation.members[0].secret_key
    # a member's name is the genesis's name for its key: p1, p2, … in the genesis's order
    for i, m in enumerate(federation.members, 1):
        key = m.public_key.hex()[:8]
        assert m.name == federation.name(i) == g.participant_names[m.public_key] == f"p{i}"
        assert federation.label(i) == g.label(m.public_key) == f"p{i} · {key}"
    assert federation.label(0) == federation.name(0) == "not a member"


@pytest.mark.parametrize(
    ("n", "byzantine", "message"),
    [(0, [], "1 … 64 members"), (2, ["inflate"] * 3, "3 Byzantine members among 2"),
     (2, ["bribe"], "unknown behaviour 'bribe'")],
)  # fmt: skip
def test_a_bad_federation_is_refused(federation, n, byzantine, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        fed.build(n, spec=SPEC, byzantine=byzantine, keys=federation.keys)


def test_a_round_in_parallel_reports_what_the_rules_decide(federation) -> None:
    record = Recorder()
    prover = fed.ParallelProver(federation, workers=2, progress=record)
    try:
        (report,) = fed.run(federation, 1, seed=3, prover=prover)
    finally:
        prover.close()
    # the round's step is told as its proving starts, and moves as each proof is done
    assert record.events[0] == ("start", "round 1: proving", 4, "proofs")
    assert sorted(record.events[1:]) == [("advance", 1, f"p{i} proved") for i in (1, 2, 3, 4)]
    verdicts = {v.participant: v for v in report.contributions}
    assert sorted(verdicts) == [1, 2, 3, 4]
    assert not verdicts[4].verified and verdicts[4].byzantine and verdicts[4].reason
    honest = [verdicts[i] for i in (1, 2, 3)]
    assert all(v.verified and v.reason is None and not v.byzantine for v in honest)
    assert report.leader_accuracy == max(v.claimed_accuracy for v in honest)
    assert verdicts[report.leader].verified
    # the proofs made in the worker processes verify here, for the statements they claim
    for index in (1, 2, 3):
        _, proven = prover.done[1, federation.genesis.model_hash, index]
        c = proven.contribution
        assert verify_contribution(federation.keys, c.statement, c.proof)
    document = json.loads(json.dumps({"rounds": [report.to_json()]}))
    (entry,) = document["rounds"]
    assert set(entry) == {"round", "leader", "leader_accuracy", "global_accuracy", "block",
                          "contributions", "sat_out"}  # fmt: skip
    assert entry["sat_out"] == []
    assert set(entry["contributions"][0]) == {"participant", "byzantine", "claimed_accuracy",
                                              "verified", "reason"}  # fmt: skip
    assert len(bytes.fromhex(entry["block"])) == 32
    assert {round for round, _, _ in prover.done} == {1}  # nothing proven past the run


def test_nobody_proves_past_the_last_round(federation, monkeypatch) -> None:
    """A node that finalizes the last round starts on the next at once: `zkpot demo` proved
    a fourth round it never showed (100 s). Past ``last_round`` every member sits out. (And
    the round's progress: told as its proving starts, before any proof is done.)"""
    asked, record = [], Recorder()
    prover = fed.ParallelProver(federation, workers=1, progress=record)
    prove_all = prover._prove_all
    prover._prove_all = lambda round, key, layers: (asked.append(round),
                                                    prove_all(round, key, layers))  # fmt: skip
    attempt = fed._attempt

    def noted(job, keys):  # (workers=1: every proof is made in this process)
        result = attempt(job, keys)
        record.events.append(("proved",))
        return result

    monkeypatch.setattr(fed, "_attempt", noted)
    sim = fed.simulate(federation, seed=3, prover=prover, last_round=1)
    nodes = list(sim.nodes.values())
    sim.run(until=sim.now + 10_000, stop=lambda: all(n.store.head()[0] >= 1 for n in nodes))
    sim.run(until=sim.now + 60)  # everyone is past round 1 now, and would prove
    assert asked == [1]
    for node in nodes:
        assert (2, "the run ends at round 1: round 2 is not proven") in node.sat_out
    # the step is told before the first proof is done; each proof advances it as it ends
    kinds = [event[0] for event in record.events]
    assert record.events[0] == ("start", "round 1: proving", 4, "proofs")
    assert kinds[1:] == ["proved", "advance"] * 4
    assert record.steps() == {"round 1: proving": (4, 4)}


def test_simulate_writes_the_report(tmp_path, capsys) -> None:
    path = tmp_path / "report.json"
    args = ["simulate", "--participants", "2", "--byzantine", "1", "--behaviours", "inflate",
            "--rounds", "1", "--seed", "5", "--layers", "4,2,3", "--batch", "2",
            "--test-rows", "2", "--report", str(path)]  # fmt: skip
    assert main(args) == 0
    out, err = capsys.readouterr()
    rounds = json.loads(path.read_text())["rounds"]
    assert [r["round"] for r in rounds] == [1]
    byzantine = [c for c in rounds[0]["contributions"] if c["byzantine"]]
    assert byzantine and not any(c["verified"] for c in byzantine)
    assert all(c["reason"] for c in byzantine) and rounds[0]["leader"] == 1
    assert "round 1: block" in out and "rejected:\n" in out
    assert re.search(r"^  p1 · [0-9a-f]{8}  +claims \d/2  accepted$", out, re.M), out
    assert re.search(r"^  p2 · [0-9a-f]{8} \(inflate\)  claims \d/2  rejected:$", out, re.M)
    assert byzantine[0]["reason"][:74] in out  # the reason, on a line of its own
    assert max(map(len, out.splitlines())) <= 80
    assert "\r" not in out + err  # captured, not a terminal: no bar was drawn


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--byzantine", "5"], "argument --byzantine: 5 of 4"),
     (["--behaviours", "bribe"], "argument --behaviours: behaviours from"),
     (["--loss", "1"], "argument --loss: expected a probability in [0, 1)"),
     (["--batch", "3"], "argument --batch: a power of two"),
     (["--report", "/no/such/dir/r.json"], "argument --report: no directory")],
)  # fmt: skip
def test_simulate_checks_its_options_before_any_work(capsys, args, message) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["simulate", *args])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_simulate_averages_with_rule_average(capsys, monkeypatch) -> None:
    """`--rule average` builds the federation on the averaging spec, with every other
    member as a partner for 5 (its chain is tested in tests/chain/test_averaging_round.py);
    the default is the winner rule."""
    specs = []

    def build(n, **options):
        specs.append(options["spec"])
        raise InvalidInput("stop here")

    monkeypatch.setattr(fed, "build", build)
    for rule in (["--rule", "average"], []):
        with pytest.raises(SystemExit):
            main(["simulate", "--participants", "5", *rule])
    assert specs[0] == fed.averaging(fed.DEMO_SPEC, 5) and (specs[0].participants,
                                                            specs[0].reach) == (5, 2)  # fmt: skip
    assert specs[1] == fed.DEMO_SPEC and not specs[1].averaged
    assert "stop here" in capsys.readouterr().err


def test_a_behaviour_plan_names_one_cheat_per_round() -> None:
    from zkpot.chain.byzantine import parse_behaviour

    assert parse_behaviour("inflate") == ("inflate",)
    assert parse_behaviour("replay+inflate+wrong-model") == ("replay", "inflate", "wrong-model")
    for bad in ("bribe", "inflate+", "inflate+bribe", ""):
        with pytest.raises(ValueError, match="unknown behaviour"):
            parse_behaviour(bad)
