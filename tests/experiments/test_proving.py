"""The experiments with real proofs, on a local Dask cluster: every ZKPoT contribution of a
tiny grid trained, proven and judged by the chain's validator, with the modelled verdict
for each and the same summary; keys sent to each worker once; a worker killed midway and
nothing lost or counted twice; an interrupted run resumed from its journal."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time

import pytest
from dask.distributed import Client, LocalCluster

from zkpot.cli import main
from zkpot.experiments import proving, robustness
from zkpot.experiments.robustness import Grid, experiment

TINY = Grid(datasets=("iris",), attacks=("inflate", "random"), fractions=(0.0, 0.34), seeds=1,
            rounds=1, participants=3, hidden=1, test_rows=2)  # fmt: skip
"""Four settings of 3 participants (none Byzantine, or one: an inflated claim, random
weights) for one round, a 4-1-3 network on 2 test rows: both statements fit 2¹² rows,
and the 24 contributions need 6 proofs (a Byzantine participant proves its honest round,
as the others do)."""

CONTRIBUTIONS = len(TINY.settings()) * 2 * TINY.rounds * TINY.participants
CHECKS = 2 * (3 + 2)
"""Distinct messages judged, per rule: the honest ones are the same in every setting (the
same genesis, proof and claim), the Byzantine one's differ by attack."""


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as c:  # fmt: skip
        yield c


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("keys")


def _busy_worker_pid(client) -> tuple[str, int] | None:
    """A worker that is proving right now, and its process id."""
    pids = client.run(os.getpid)
    for address, tasks in client.processing().items():
        if tasks and address in pids:
            return address, pids[address]
    return None


@pytest.fixture(scope="module")
def real_run(client, keys_dir, tmp_path_factory):
    """The tiny grid with real proofs; one worker is killed while it proves."""
    out = tmp_path_factory.mktemp("real")
    found: dict = {}

    def go() -> None:
        found["results"] = proving.run_experiment(client, out, grid=TINY, cache_dir=keys_dir)

    thread = threading.Thread(target=go)
    thread.start()
    killed = None
    deadline = time.monotonic() + 600
    while thread.is_alive() and killed is None and time.monotonic() < deadline:
        journal = out / proving.JOURNAL
        if journal.exists() and journal.read_text().count("\n") >= 1:
            busy = _busy_worker_pid(client)
            if busy is not None:
                os.kill(busy[1], signal.SIGKILL)
                killed = busy
        time.sleep(0.2)
    thread.join()
    return found["results"], out, killed


def test_real_proofs_give_the_modelled_verdicts_and_summary(real_run) -> None:
    results, out, killed = real_run
    assert killed is not None, "the run ended before a worker could be killed"
    modelled = experiment(grid=TINY)
    assert results["runs"] == modelled["runs"] and results["summary"] == modelled["summary"]
    report = results["proofs"]
    assert report["disagreements"] == [] and report["judged"] == CONTRIBUTIONS
    lines = [json.loads(line) for line in (out / proving.JOURNAL).read_text().splitlines()]
    assert len(lines) == CHECKS == len({e["check"] for e in lines})  # each once
    assert all(e["valid"] == e["modelled"] for e in lines)
    refused = [e for e in lines if not e["valid"]]
    assert refused and len(refused) < len(lines)  # both verdicts occur
    assert all(e["reason"] and e["participant"] == 3 for e in refused)  # the Byzantine one
    assert report["proved"] == 6 and report["proof_bytes"] == [928]
    contributions, proofs = proving.count(TINY)  # what a run would cost, without running it
    assert contributions == CONTRIBUTIONS and sum(proofs.values()) == report["proved"]


def test_keys_reach_each_worker_once(client, real_run) -> None:
    loads = client.run(proving.loads)
    assert loads and all(count == 1 for worker in loads.values() for count in worker.values())
    killed = real_run[2]
    assert killed[1] not in client.run(os.getpid).values()  # a new process took its place


def test_an_interrupted_run_resumes_from_its_journal(client, keys_dir, real_run,
                                                     tmp_path) -> None:  # fmt: skip
    results, out, _ = real_run
    lines = (out / proving.JOURNAL).read_text().splitlines(keepends=True)
    kept = lines[: CHECKS - 2]
    (tmp_path / proving.JOURNAL).write_text("".join(kept) + lines[-2][:40])  # cut mid-line
    again = proving.run_experiment(client, tmp_path, grid=TINY, cache_dir=keys_dir)
    assert again["runs"] == results["runs"] and again["summary"] == results["summary"]
    report = again["proofs"]
    assert report["resumed"] == CHECKS - 2 and 1 <= report["proved"] <= 2
    assert report["judged"] == CONTRIBUTIONS and report["disagreements"] == []
    entries = [json.loads(line) for line in (tmp_path / proving.JOURNAL).read_text().split("\n")
               if line.startswith("{") and line.endswith("}")]  # fmt: skip
    assert len(entries) == CHECKS == len({e["check"] for e in entries})


def test_the_command_runs_on_a_given_scheduler_and_resumes(
    client, keys_dir, real_run, tmp_path, monkeypatch, capsys
) -> None:
    shutil.copy(real_run[1] / proving.JOURNAL, tmp_path / proving.JOURNAL)
    monkeypatch.setattr(robustness, "QUICK", TINY)
    code = main(["experiment", "byzantine", "--quick", "--proofs", "real",
                 "--scheduler", client.scheduler.address, "--keys", str(keys_dir),
                 "--out", str(tmp_path)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "dashboard is at http" in captured.err
    assert (f"{CONTRIBUTIONS} contributions judged by the chain's validator; 0 proofs made"
            in captured.out)  # fmt: skip
    real = (tmp_path / "byzantine-real.txt").read_text()
    assert "disagree with the modelled ones: 0. Every figure equals the modelled" in real
    assert "| Iris | inflate | 34% | 6 | 2 | 0 |" in real  # 2 rules × 3; the inflater refused
    results = json.loads((tmp_path / "byzantine.json").read_text())
    assert results["proofs"]["resumed"] == CHECKS


@pytest.mark.parametrize("argv, complaint", [
    (["costs", "--proofs", "real"], "proofs are real already"),
    (["byzantine", "--scheduler", "tcp://127.0.0.1:1"], "are for --proofs real"),
    (["privacy", "--workers", "2"], "are for --proofs real"),
])  # fmt: skip
def test_options_for_real_proofs_are_checked(argv, complaint, tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["experiment", *argv, "--quick", "--out", str(tmp_path)])
    assert exit_.value.code == 2 and complaint in capsys.readouterr().err


def test_without_dask_real_proofs_say_what_to_install(tmp_path, capsys, monkeypatch) -> None:
    import importlib.util

    find = importlib.util.find_spec

    def without_dask(name, *args):
        return None if name == "distributed" else find(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_dask)
    with pytest.raises(SystemExit) as exit_:
        main(["experiment", "byzantine", "--proofs", "real", "--quick", "--out", str(tmp_path)])
    assert exit_.value.code == 2 and "pip install 'zkpot[cluster]'" in capsys.readouterr().err


def test_the_privacy_experiment_publishes_what_the_verdicts_accept() -> None:
    """Its rules publish only from contributions the verdicts accept (real proofs'
    verdicts, with --proofs real): with none accepted, neither rule publishes a model."""
    from zkpot.experiments import privacy
    from zkpot.experiments.robustness import Setting, world

    w = world(Setting(fraction=0.0, rounds=2))
    asked = []

    def refuse_all(rule, w, layers, round, subs):
        asked.append((rule, round, len(subs)))
        return [False] * len(subs)

    for rule in ("zkpot", "zkpot-avg"):
        assert privacy.published(w, rule, 2) != []  # modelled: every statement is true
        assert privacy.published(w, rule, 2, refuse_all) == []
    assert asked == [(rule, r, 8) for rule in ("zkpot", "zkpot-avg") for r in (1, 2)]


@pytest.mark.parametrize("address, complaint", [
    ("tcp://127.0.0.1:1", "OSError"),  # nothing listens there
    ("nonsense", "ValueError"),
])  # fmt: skip
def test_a_scheduler_that_is_not_there_is_a_one_line_error(address, complaint, tmp_path, capsys,
                                                          monkeypatch) -> None:  # fmt: skip
    from zkpot.cli import chain

    monkeypatch.setattr(chain, "SCHEDULER_TIMEOUT", 1)
    with pytest.raises(SystemExit) as exit_:
        main(["experiment", "byzantine", "--quick", "--proofs", "real", "--scheduler", address,
              "--out", str(tmp_path)])  # fmt: skip
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "no Dask scheduler" in err and complaint in err
    assert "Traceback" not in err


GOOD = {"check": "k", "valid": True, "reason": None, "modelled": True, "proof_bytes": 928,
        "prove_s": 1.5, "check_s": 0.1}  # fmt: skip


@pytest.mark.parametrize("bad", [
    [1, 2],  # not an object
    {**GOOD, "valid": "yes"},  # a verdict that is not a boolean
    {**GOOD, "valid": 1},
    {**GOOD, "check": ["k"]},  # a key that cannot be one
    {**GOOD, "reason": 7},
    {**GOOD, "proof_bytes": True},
    {k: v for k, v in GOOD.items() if k != "prove_s"},  # a field missing
])  # fmt: skip
def test_a_journal_line_that_is_not_a_verdict_is_skipped_never_trusted(bad, tmp_path) -> None:
    """What an interrupted, edited or damaged journal may hold: each such line is judged
    again, and the good ones still count."""
    good = {**GOOD, "check": "good"}
    (tmp_path / proving.JOURNAL).write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n"
                                            + "\x00\xff not json\n")  # fmt: skip
    journal = proving.Journal(tmp_path)
    assert journal.entries == {"good": good} and journal.skipped == 2
    journal.close()


def test_the_journal_skips_a_cut_line_and_records_each_contribution_once(tmp_path) -> None:
    path = tmp_path / proving.JOURNAL
    a, b = {**GOOD, "check": "a"}, {**GOOD, "check": "b", "valid": False, "reason": "no"}
    path.write_text(json.dumps(a) + "\n" + json.dumps(b)[:30])
    journal = proving.Journal(tmp_path)
    assert journal.resumed == 1 and journal.get("a") == a
    assert journal.get("b") is None
    assert journal.record(b)
    assert not journal.record({**b, "valid": True})  # a rerun task's second result
    journal.close()
    again = proving.Journal(tmp_path)
    assert again.resumed == 2 and again.get("b") == b
    again.close()
