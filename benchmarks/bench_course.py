"""The course's waits: each grader's time, and `zkpot demo`'s, as a student meets them.

    python benchmarks/bench_course.py             # every grader, starter and reference
    python benchmarks/bench_course.py --demo      # also time `zkpot demo` (about 2 minutes)
    python benchmarks/bench_course.py --save      # also write benchmarks/tables/course.md
    python benchmarks/bench_course.py --quick     # assignments 1 and 10 only, once each

Each grader runs as `zkpot assignments check N FILE` runs it (:func:`zkpot.assignments.grade`:
a child pytest, the time limits on), on the untouched starter and on the reference assembled
from zkpot (:func:`zkpot.assignments.write_reference`), and is timed from the call to the
report, start-up included: the best of ``--repeat`` runs; and once on the starter with an
empty key cache, as the first grading on a machine is. The goal is under 15 s each on this
machine. The demo is timed as a whole process (`python -m zkpot demo`), the goal under
5 minutes with nothing else running.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import markdown_table, save_table  # noqa: E402

from zkpot import assignments as A  # noqa: E402

GRADER_GOAL, DEMO_GOAL = 15.0, 300.0


def timed_grade(assignment: A.Assignment, path: Path, reference: bool) -> tuple[float, A.Report]:
    start = time.perf_counter()
    report = A.grade(assignment, path, import_rule=not reference)
    return time.perf_counter() - start, report


def first_grading(assignment: A.Assignment) -> float:
    """The starter's grading on a machine whose key cache is empty (assignment 10's grader
    prepares its keys then)."""
    before = os.environ.get("ZKPOT_CACHE")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["ZKPOT_CACHE"] = cache
        try:
            return timed_grade(assignment, assignment.starter, False)[0]
        finally:
            if before is None:
                del os.environ["ZKPOT_CACHE"]
            else:
                os.environ["ZKPOT_CACHE"] = before


def grader_rows(repeat: int, quick: bool) -> list[list[str]]:
    rows = []
    chosen = [a for a in A.discover() if not quick or a.number in (1, 10)]
    with tempfile.TemporaryDirectory() as scratch:
        for assignment in chosen:
            first = None if quick else first_grading(assignment)
            reference = A.write_reference(assignment, Path(scratch) / f"ref{assignment.number}.py")
            times = {}
            for name, path, is_reference in (("starter", assignment.starter, False),
                                             ("reference", reference, True)):  # fmt: skip
                best, report = min(
                    (timed_grade(assignment, path, is_reference) for _ in range(repeat)),
                    key=lambda pair: pair[0],
                )
                expected_ok = is_reference
                if report.ok != expected_ok:
                    raise SystemExit(f"assignment {assignment.number}'s {name}: {report.summary()}")
                times[name] = best
            slowest = max(first or 0, *times.values())
            rows.append([f"{assignment.number:02d} {assignment.directory.name.split('-', 1)[1]}",
                         str(len(assignment.checks)), "—" if first is None else f"{first:.1f} s",
                         f"{times['starter']:.1f} s",
                         f"{times['reference']:.1f} s",
                         "yes" if slowest < GRADER_GOAL else "**no**"])  # fmt: skip
            print(" | ".join(rows[-1]), flush=True)
    return rows


def demo_row() -> list[str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "zkpot", "demo"], cwd=ROOT, text=True,
                          capture_output=True, check=True)  # fmt: skip
    seconds = time.perf_counter() - start
    rounds = done.stdout.count("final with a quorum certificate")
    row = ["`zkpot demo` (3 rounds)", f"{seconds:.0f} s", f"{rounds} rounds shown",
           "yes" if seconds < DEMO_GOAL else "**no**"]  # fmt: skip
    print(" | ".join(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per grader (the best)")
    parser.add_argument("--demo", action="store_true", help="also time zkpot demo")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/course.md")
    parser.add_argument("--quick", action="store_true", help="assignments 1 and 10, once each")
    args = parser.parse_args()
    print("zkpot's course: each grader's time (and the demo's)", flush=True)
    header = ["assignment", "checks", "first grading (no key cache)", "starter", "reference",
              f"under {GRADER_GOAL:.0f} s"]  # fmt: skip
    text = markdown_table(header, grader_rows(1 if args.quick else args.repeat, args.quick))
    if args.demo:
        demo = markdown_table(["command", "time", "what it showed", "under 5 min"], [demo_row()])
        text += "\n\n" + demo
    print(text)
    if args.save:
        print(f"wrote {save_table('course', text)}")


if __name__ == "__main__":
    main()
