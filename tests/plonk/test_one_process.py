"""One process: ``--workers 1`` (``ZKPOT_WORKERS=1``) and a platform without ``fork``.

With one worker nothing forks, so a breakpoint in an MSM fires once, in the process being
debugged (docs/getting-started.md, "Debugging: one process"); and where ``fork`` is missing
(Windows), the prover runs sequentially. Each runs in a fresh process (in pytest's own,
which runs threads, nothing forks anyway), with every way of starting a child process
made to fail once the one-process path begins.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from tests.plonk.test_prover_workers import SAME_PROOFS
from zkpot.chain.federation import ParallelProver

NO_CHILDREN = """
import multiprocessing.process, os

def no_child(*args, **kwargs):
    raise AssertionError("a child process was started")

def forbid_children():
    os.fork = no_child
    multiprocessing.process.BaseProcess.start = no_child
"""

PLAIN = SAME_PROOFS.split("def lookups")[0]  # its imports, and plain(): a 20-gate circuit

WORKERS_1 = """  # after PLAIN
import os
import zkpot.curve.parallel as par
from zkpot.cli import build_parser, use_workers

c, inputs = plain()
started = []
fork_pool = par._fork_pool
par._fork_pool = lambda *args: started.append(fork_pool(*args)) or started[-1]

def proof():
    pk, vk = preprocess(c, SRS.from_tau(0x5EED, srs_size(c)))  # a new SRS: a new table
    made = prove(pk, inputs, rng=random.Random(7))
    assert verify(vk, [inputs["out"]], made)
    return made.to_bytes()

on_workers = proof()
assert started and started[-1] is not None, "nothing ran on the workers"
use_workers(build_parser().parse_args(["explain", "--workers", "1"]))
assert os.environ["ZKPOT_WORKERS"] == "1"
forbid_children()
del started[:]
assert proof() == on_workers
assert not started, "a pool was asked for"
print("ok")
"""

NO_FORK = """
import multiprocessing, random
from zkpot.ml.contribution import dev_srs, prove_contribution, setup, verify_contribution
from zkpot.ml.statement import TrainingSpec
from zkpot.ml.task import iris_task

multiprocessing.get_all_start_methods = lambda: ["spawn"]  # as on Windows
forbid_children()
spec = TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2)
task = iris_task(3, seed=0, spec=spec)
slots, _ = task.slots(1)
keys = setup(spec, dev_srs(spec))
proven = prove_contribution(keys, round=1, participant=7, global_layers=task.global_layers,
                            data=slots, data_salt=5, test=task.test, rng=random.Random(1))
c = proven.contribution
assert verify_contribution(keys, c.statement, c.proof)
print("ok")
"""


def run_fresh(script: str) -> None:
    env = {**os.environ, "ZKPOT_WORKERS": "2"}
    done = subprocess.run([sys.executable, "-c", NO_CHILDREN + script], capture_output=True,
                          text=True, timeout=300, env=env)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_workers_1_gives_the_same_proof_and_starts_no_process() -> None:
    run_fresh(PLAIN + WORKERS_1)


@pytest.mark.slow
def test_without_fork_the_tiny_spec_proves_in_one_process() -> None:
    run_fresh(NO_FORK)


def test_the_federations_prover_follows_zkpot_workers_and_fork(monkeypatch) -> None:
    monkeypatch.setenv("ZKPOT_WORKERS", "1")
    prover = ParallelProver(None)  # type: ignore[arg-type]  # _pool needs no federation
    assert prover.workers == 1 and prover._pool() is None
    monkeypatch.setenv("ZKPOT_WORKERS", "3")
    prover = ParallelProver(None)  # type: ignore[arg-type]
    assert prover.workers == 3
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert prover._pool() is None
