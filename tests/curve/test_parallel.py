"""MSM on worker processes: the same sums as the sequential reference, on random inputs;
the switch that picks the number of workers; the cases that stay in-process."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from zkpot.curve import bn254
from zkpot.curve.parallel import PointTable, default_workers
from zkpot.errors import ArgumentError

WORKERS_SUM = """
import random, sys
from zkpot.curve import bls12_381, bn254, msm
from zkpot.curve.parallel import PointTable
curve = {"bn254": bn254, "bls12_381": bls12_381}[sys.argv[1]]
rng = random.Random(5)
points = [curve.G1.generator() * rng.randrange(1, curve.R) for _ in range(40)]
table = PointTable(points, workers=2)
for n in (3, 17, 40):  # uneven splits, and the whole table
    scalars = [rng.randrange(curve.R) for _ in range(n)]
    scalars[0] = 0
    assert table.msm(scalars, min_parallel=1) == msm(points[:n], scalars), n
assert table._pool is not None, "it did not run on the workers"
lists = [[rng.randrange(curve.R) for _ in range(n)] for n in (40, 7, 23)] + [[0] * 9]
assert table.msm_many(lists, min_parallel=1) == [msm(points[:len(k)], k) for k in lists]
assert table.msm_many(lists, min_parallel=10) == [msm(points[:len(k)], k) for k in lists]
seen = []  # each MSM's sum and each task's result, as it is done
sums, powers = table.msm_and_map(lists[:2], pow, [(2, 5), (3, 2)], min_parallel=1,
                                 each=seen.append)
assert sums == [msm(points[:len(k)], k) for k in lists[:2]] and powers == [32, 9]
assert seen == [*sums, 32, 9], seen
import os
from zkpot.curve.parallel import map_tasks
seen = []
pids = map_tasks(os.getpid, [(), (), ()], workers=2, each=seen.append)
assert seen == pids and os.getpid() not in pids, "the one-off tasks did not run on workers"
assert map_tasks(pow, [(2, 10), (3, 3, 5)], workers=2) == [1024, 2]
tasks = [(k,) for k in range(1, 6)]
assert table.map(bin, tasks) == [bin(k) for k in range(1, 6)]  # tasks beside the MSMs
first = table.submit(lists[:1], os.getpid, [(), ()], min_parallel=1)  # queued, not waited for
second = table.submit([], pow, [(2, 3), (5, 2)]).then(lambda done: done[1])
assert second.get() == [8, 25] and second.get() == [8, 25]
sums, pids = first.get()
assert sums == [msm(points, lists[0])] and os.getpid() not in pids
assert first.get() == (sums, pids)  # kept
assert table.map(pow, [(2, 10), (3, 3, 5)]) == [1024, 2]
table.close()
assert table._pool is None
print("ok")
"""


@pytest.mark.parametrize("curve", ["bn254", "bls12_381"])
def test_the_workers_sum_what_the_sequential_msm_sums(curve) -> None:
    """In a fresh process: this one may have threads (then nothing forks, by design)."""
    done = subprocess.run([sys.executable, "-c", WORKERS_SUM, curve], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


INHERITED = """
import concurrent.futures, multiprocessing
from zkpot.curve import bn254, msm
from zkpot.curve.parallel import PointTable
points = [bn254.G1.generator() * k for k in range(1, 41)]
table = PointTable(points, workers=2)
assert table.msm(list(range(40)), min_parallel=1) == msm(points, list(range(40)))
assert table._pool is not None
def in_child(n):  # a forked worker inherits the table, and its parent's pool with it
    return table.msm([3] * n, min_parallel=1) == msm(points[:n], [3] * n)
with concurrent.futures.ProcessPoolExecutor(2, multiprocessing.get_context("fork")) as pool:
    assert all(pool.map(in_child, (5, 40)))
print("ok")
"""


def test_a_forked_worker_does_not_use_the_pool_it_inherited() -> None:
    """The chain's ParallelProver forks workers that prove: they must compute their MSMs
    themselves, not wait forever on their parent's workers (a hang CI once met)."""
    done = subprocess.run([sys.executable, "-c", INHERITED], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_small_msms_and_threaded_processes_stay_in_process() -> None:
    points = [bn254.G1.generator() * k for k in range(1, 9)]
    table = PointTable(points, workers=2)
    assert table.msm([1] * 8) == bn254.G1.generator() * 36 and table._pool is None
    results = []
    thread = threading.Thread(target=lambda: results.append(table.msm([2] * 8, min_parallel=1)))
    thread.start()
    thread.join()
    assert results == [bn254.G1.generator() * 72] and table._pool is None  # no fork in threads


def test_the_number_of_workers_comes_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("ZKPOT_WORKERS", "3")
    assert default_workers() == 3 and PointTable([bn254.G1.generator()]).workers == 3
    monkeypatch.delenv("ZKPOT_WORKERS")
    assert default_workers() >= 1
    for bad in ("0", "-2", "two"):
        monkeypatch.setenv("ZKPOT_WORKERS", bad)
        with pytest.raises(ArgumentError, match="ZKPOT_WORKERS"):
            default_workers()
    with pytest.raises(ArgumentError, match="workers"):
        PointTable([bn254.G1.generator()], workers=0)
    with pytest.raises(ArgumentError, match="scalars for a table"):
        PointTable([bn254.G1.generator()], workers=1).msm([1, 2])


def test_map_runs_in_process_when_there_are_no_workers() -> None:
    """One worker, one task, or (as in pytest's process) threads: the plain loop."""
    points = [bn254.G1.generator()]
    assert PointTable(points, workers=1).map(divmod, [(7, 2), (9, 4)]) == [(3, 1), (2, 1)]
    assert PointTable(points, workers=2).map(divmod, [(7, 2)]) == [(3, 1)]


def test_map_tasks_in_process() -> None:
    import os

    from zkpot.curve.parallel import map_tasks

    seen: list[int] = []
    assert map_tasks(os.getpid, [(), ()], workers=1, each=seen.append) == [os.getpid()] * 2
    assert seen == [os.getpid()] * 2
    assert map_tasks(divmod, [(9, 4)]) == [(2, 1)]  # one task: no workers


def test_msm_many_in_process_and_its_errors() -> None:
    G = bn254.G1.generator()
    table = PointTable([G, G * 2, G * 3], workers=1)
    assert table.msm_many([[1, 1], [0, 0, 1]]) == [G * 3, G * 3]
    with pytest.raises(ArgumentError, match="4 scalars for a table of 3 points"):
        table.msm_many([[1], [1, 2, 3, 4]])
    assert table.msm_and_map([[2]], divmod, [(7, 2)]) == ([G * 2], [(3, 1)])
    done, seen = [], []  # in process, submit runs the tasks at once, and says so
    pending = table.submit([[1, 1]], done.append, [(1,), (2,)], each=seen.append)
    assert done == [1, 2] and pending.get() == ([G * 3], [None, None])
    assert seen == [G * 3, None, None]
    assert pending.then(lambda results: results[0][0] + G).get() == G * 4
    with pytest.raises(ArgumentError, match="no function"):
        table.msm_and_map([], None, [(1,)])
