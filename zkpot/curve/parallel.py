"""Multi-scalar multiplication on several cores, with the points held by the workers.

A prover's MSMs all run over prefixes of one list of points, the SRS's
[τ⁰]₁, [τ¹]₁, …; only the scalars change. :class:`PointTable` hands that list to
worker processes once, when the first large MSM needs them, and each MSM after that
sends only the scalars: worker j computes Σ kᵢ·Pᵢ over its own contiguous slice of
the prefix (:func:`zkpot.curve.pippenger.msm`, the readable sequential reference),
and the parent adds the partial sums. The split changes nothing in the result, and the
tests check that it is the sequential one on random inputs. :meth:`PointTable.msm_many`
queues the slices of several MSMs at once (a prover round's commitments), so that a
worker that finishes early takes the next slice; :meth:`PointTable.map` hands the same
workers other independent tasks (NTTs), and :meth:`PointTable.msm_and_map` both at once.
:meth:`PointTable.submit` queues either without waiting, for a caller that has work of
its own to do meanwhile: it returns a :class:`Pending`, collected later.
:func:`map_tasks` runs one-off tasks (a ceremony contribution) on freshly forked workers.

**How many workers.** ``ZKPOT_WORKERS`` in the environment, else the machine's cores
(:func:`default_workers`); 1 means sequential: no worker process starts, and every MSM
and task runs in the calling process (where a debugger's breakpoint sees it). Below
:data:`MIN_PARALLEL` points an MSM stays in the calling process (sending the scalars
would cost more than it saves), and so does every MSM in a process that is itself a
worker of a pool (the chain's ``ParallelProver`` already proves one contribution per
core; and a forked worker must not use the pool it inherited, whose processes are its
parent's).

**Processes.** The workers are forked, so they inherit the points without any copy
being sent (on a platform without ``fork``, Windows, everything runs in the calling
process: :func:`can_fork`); and they are forked only from a process with a single
thread, since a fork copies no other thread and whatever lock it held. A process with threads — a
node serving HTTP while it proves — computes its MSMs itself. (Starting fresh
interpreters instead, with ``spawn``, would import the user's main script again in
each worker, and a script without an ``if __name__ == "__main__"`` guard would start
workers without end.) One table at a time keeps its workers: a table for another SRS
stops the previous table's. Workers stop with the table, or when the interpreter
exits.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from zkpot.curve.pippenger import msm
from zkpot.curve.point import CurvePoint
from zkpot.errors import ArgumentError

MIN_PARALLEL = 1 << 11
"""The fewest points an MSM must have to be split across workers."""

_LIVE: list[PointTable] = []  # the one table whose workers run (see the module docstring)
_POINTS: list[CurvePoint] = []  # in a worker: the points its table sent it


def default_workers() -> int:
    """``ZKPOT_WORKERS`` if set (a positive integer), else the number of cores.

    Raises:
        ArgumentError: if ``ZKPOT_WORKERS`` is not a positive integer.
    """
    text = os.environ.get("ZKPOT_WORKERS", "").strip()
    if not text:
        return os.cpu_count() or 1
    if not text.isdigit() or int(text) < 1:
        raise ArgumentError(f"ZKPOT_WORKERS must be a positive integer, not {text!r}")
    return int(text)


def can_fork() -> bool:
    """Whether this platform starts processes by ``fork`` (Linux does; Windows does not).
    Where it does not, every MSM and task runs in the calling process."""
    return "fork" in multiprocessing.get_all_start_methods()


def _hold(points: list[CurvePoint]) -> None:
    global _POINTS
    _POINTS = points


def _part(lo: int, scalars: list[int]) -> CurvePoint:
    return msm(_POINTS[lo : lo + len(scalars)], scalars)


class PointTable:
    """A list of points and the workers that hold it, for MSMs over its prefixes.

    Args:
        points: the points (an SRS's ``g1``, say).
        workers: how many processes; by default :func:`default_workers`.
    """

    def __init__(self, points: Sequence[CurvePoint], workers: int | None = None) -> None:
        self.points = list(points)
        self.workers = default_workers() if workers is None else workers
        if not isinstance(self.workers, int) or self.workers < 1:
            raise ArgumentError(f"workers must be a positive integer, not {self.workers!r}")
        self._pool: Any = None

    def msm(self, scalars: Sequence[int], *, min_parallel: int = MIN_PARALLEL) -> CurvePoint:
        """Σ kᵢ·Pᵢ over the first ``len(scalars)`` points: the same as
        ``msm(points[:len(scalars)], scalars)``, split across the workers when it pays."""
        return self.msm_many([scalars], min_parallel=min_parallel)[0]

    def msm_many(
        self, scalar_lists: Sequence[Sequence[int]], *, min_parallel: int = MIN_PARALLEL
    ) -> list[CurvePoint]:
        """:meth:`msm` of each list of scalars, all handed to the workers at once: each MSM
        cut into one slice per worker (or whole, when there are at least two MSMs per
        worker), and every slice of every MSM in one queue, so that a worker that finishes
        early takes the next slice instead of waiting for the other."""
        return self.msm_and_map(scalar_lists, min_parallel=min_parallel)[0]

    def map(
        self,
        function: Callable[..., Any],
        arguments: Sequence[tuple[Any, ...]],
        *,
        each: Callable[[Any], None] | None = None,
    ) -> list[Any]:
        """[function(*args) for args in arguments], on the workers when there are several
        tasks and the workers can run (as for :meth:`msm`), else in this process.

        For work beside the MSMs that splits into independent tasks — a prover's NTTs, say.
        ``function`` must be a module-level function (the workers receive it by name), and
        the arguments and results travel by pickle. ``each`` is as for :meth:`submit`.
        """
        return self.msm_and_map([], function, arguments, each=each)[1]

    def msm_and_map(
        self,
        scalar_lists: Sequence[Sequence[int]],
        function: Callable[..., Any] | None = None,
        arguments: Sequence[tuple[Any, ...]] = (),
        *,
        min_parallel: int = MIN_PARALLEL,
        each: Callable[[Any], None] | None = None,
    ) -> tuple[list[CurvePoint], list[Any]]:
        """:meth:`msm_many` and :meth:`map` at once, their tasks in one queue (the MSMs'
        slices first, the longest tasks), so that neither waits for the other's last task.
        Where the workers cannot run, both run in this process. ``each`` is as for
        :meth:`submit`."""
        return self.submit(scalar_lists, function, arguments, min_parallel=min_parallel,
                           each=each).get()  # fmt: skip

    def submit(
        self,
        scalar_lists: Sequence[Sequence[int]],
        function: Callable[..., Any] | None = None,
        arguments: Sequence[tuple[Any, ...]] = (),
        *,
        min_parallel: int = MIN_PARALLEL,
        each: Callable[[Any], None] | None = None,
    ) -> Pending:
        """:meth:`msm_and_map` without waiting: the tasks join the workers' queue, behind
        any submitted before, and ``.get()`` on the result waits for them and returns what
        :meth:`msm_and_map` would. A prover submits work it will need later (the quotient's
        NTTs, say) as soon as it can, so that the workers are never idle while it computes
        something of its own. Where the workers cannot run, the tasks run here, now.

        ``each``, if given, is called with each MSM's sum and each task's result as it is
        done (to report progress): here, as they are computed, for those that run in this
        process; in ``.get()``, in order, for those the workers compute."""
        lists = [list(scalars) for scalars in scalar_lists]
        for scalars in lists:
            if len(scalars) > len(self.points):
                raise ArgumentError(
                    f"{len(scalars)} scalars for a table of {len(self.points)} points"
                )
        big = [i for i, scalars in enumerate(lists) if len(scalars) >= min_parallel]
        if arguments and function is None:
            raise ArgumentError("arguments for the tasks, but no function")
        pool = None  # a process that is some pool's worker never uses the pool it inherited
        if self.workers > 1 and (big or len(arguments) > 1) and not _in_worker():
            pool = self._pool if self._pool is not None else self._start()  # None: no fork
        done = each or (lambda _result: None)
        out: list[Any] = []
        for i, scalars in enumerate(lists):
            out.append(None if pool is not None and i in big else
                       msm(self.points[: len(scalars)], scalars))  # fmt: skip
            if out[-1] is not None:
                done(out[-1])
        if pool is None:
            mapped = []
            for args in arguments:  # (there is a function when there are arguments)
                mapped.append(function(*args))
                done(mapped[-1])
            return Pending(lambda: (out, mapped))
        # one slice per worker, unless there are MSMs enough to keep every worker busy
        # whole: a slice's Pippenger is less efficient than the whole MSM's (more windows)
        slices = 1 if len(big) >= 2 * self.workers else self.workers
        tasks, owners = [], []
        for i in big:
            scalars = lists[i]
            step = -(-len(scalars) // slices)
            for lo in range(0, len(scalars), step):
                tasks.append((_part, (lo, scalars[lo : lo + step])))
                owners.append(i)
        tasks += [(function, args) for args in arguments]
        running = pool.imap(_apply, tasks, chunksize=1)  # results in order, as they come

        def finish() -> tuple[list[CurvePoint], list[Any]]:
            left = {i: owners.count(i) for i in big}  # slices still to come, per MSM
            results = []
            for k, result in enumerate(running):
                results.append(result)
                if k >= len(owners):  # a task's result
                    done(result)
                    continue
                i = owners[k]  # a slice of MSM i, which is done with its last slice
                out[i] = result if out[i] is None else out[i] + result
                left[i] -= 1
                if not left[i]:
                    done(out[i])
            points = [P._from_jacobian(P.KERNEL.normalize(P._jac)) for P in out]  # Z = 1
            return points, results[len(owners) :]

        return Pending(finish)

    def _start(self) -> Any:
        """Fork the workers (stopping any other table's), or ``None`` where a fork is not
        safe (:func:`_fork_pool`)."""
        self._pool = _fork_pool(self.workers, _hold, (self.points,))
        if self._pool is not None:
            weakref.finalize(self, self._pool.terminate)
            _LIVE[:] = [self]
        return self._pool

    def close(self) -> None:
        """Stop the workers (a later MSM starts them again)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None
        if self in _LIVE:
            _LIVE.remove(self)


class Pending:
    """Work handed to the workers and not yet collected (:meth:`PointTable.submit`).

    ``get()`` waits for the results — (the MSMs' sums, the tasks' results) — and keeps
    them, so a second ``get()`` returns the same at once; ``then(f)`` is a Pending whose
    ``get()`` is ``f(self.get())``.
    """

    def __init__(self, finish: Callable[[], Any]) -> None:
        self._finish: Callable[[], Any] | None = finish
        self._result: Any = None

    def get(self) -> Any:
        """The results, once the workers have them."""
        if self._finish is not None:
            self._result, self._finish = self._finish(), None
        return self._result

    def then(self, function: Callable[[Any], Any]) -> Pending:
        """A Pending for ``function`` of this one's results."""
        return Pending(lambda: function(self.get()))


def _fork_pool(workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> Any:
    """A pool of forked workers, after stopping the live table's (one set of workers at a
    time); ``None`` in a process that is itself a pool's worker or runs other threads, or
    on a platform without ``fork`` (:func:`can_fork`)."""
    for other in list(_LIVE):
        other.close()  # its pool's helper threads end with it
    if _in_worker() or threading.active_count() > 1 or not can_fork():
        return None
    return multiprocessing.get_context("fork").Pool(workers, initializer, initargs)


def _in_worker() -> bool:
    """Whether this process is a worker of some pool (forked or spawned)."""
    return multiprocessing.parent_process() is not None


def _apply(task: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    function, arguments = task
    return function(*arguments)


def map_tasks(
    function: Callable[..., Any],
    arguments: Sequence[tuple[Any, ...]],
    *,
    workers: int | None = None,
    each: Callable[[Any], None] | None = None,
) -> list[Any]:
    """[function(*args) for args in arguments], on freshly forked workers that stop after.

    For one-off work that splits into independent tasks, such as a ceremony's
    contribution. Where a fork is not safe, or there is one worker or one task, the
    tasks run in this process. ``each`` sees every result as it comes, in order (to
    report progress); ``function`` must be a module-level function.

    Args:
        workers: how many processes; by default :func:`default_workers`.
    """
    workers = default_workers() if workers is None else workers
    pool = None
    if workers > 1 and len(arguments) > 1:
        pool = _fork_pool(min(workers, len(arguments)))
    tasks = [(function, args) for args in arguments]
    results = []
    try:
        for result in map(_apply, tasks) if pool is None else pool.imap(_apply, tasks):
            results.append(result)
            if each is not None:
                each(result)
    finally:
        if pool is not None:
            pool.terminate()
    return results


_TABLES: dict[int, PointTable] = {}


def table_for(owner: object, points: Sequence[CurvePoint]) -> PointTable:
    """The table of ``points``, kept for as long as ``owner`` (an SRS, say) lives."""
    key = id(owner)
    found = _TABLES.get(key)
    if found is None:
        found = _TABLES[key] = PointTable(points)
        weakref.finalize(owner, _forget, key)
    return found


def _forget(key: int) -> None:
    table = _TABLES.pop(key, None)
    if table is not None:
        table.close()


__all__ = ["MIN_PARALLEL", "Pending", "PointTable", "can_fork", "default_workers", "map_tasks",
           "table_for"]  # fmt: skip
