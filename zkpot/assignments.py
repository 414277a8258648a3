"""Course assignments: find them, grade a student's file, assemble the reference solution.

Each assignment is a directory of ``assignments/`` at the top of the repository,
``NN-name/``, holding

- ``README.md`` — the mathematics, the task, the functions to write, hints;
- ``starter.py`` — those functions with their bodies missing (they raise
  ``NotImplementedError``), which the student copies and fills in;
- ``grader.py`` — pytest tests that check a solution against zkpot's own code on fixed
  and random inputs, each failure saying which input, what was expected and what
  came back. The tests get the student's module from the ``solution`` fixture
  (``assignments/conftest.py``), which loads the file named by ``ZKPOT_SOLUTION``;
- ``assignment.toml`` — its title, the docs page of the layer it builds on, and for
  each function of the starter, the zkpot function that solves it
  (``module:attribute``), from which :func:`write_reference` assembles a reference
  solution. No solution file sits in the repository: the reference *is* zkpot's code.

:func:`grade` runs a grader on a file and returns a :class:`Report`: first the import
rule (:func:`zkpot.grading.forbidden_uses` — a file that uses zkpot's own solution of
what it is asked to write scores zero), then the grader in a pytest process of its own,
each check under a time limit. Each check is worth the points of the ``[rubric]`` of
``assignment.toml`` (1 for a check it leaves out). The command line is
``zkpot assignments list``, ``zkpot assignments check N PATH`` and
``zkpot assignments grade N FOLDER --csv OUT`` (:func:`grade_folder`). The project's
own tests check every assignment both ways: the grader fails the untouched starter and
passes the assembled reference (graded with the import rule off, which only they do).
"""

from __future__ import annotations

import ast
import csv
import functools
import importlib.util
import os
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zkpot.errors import ZkpotError
from zkpot.grading import forbidden_uses, read_results

SOLUTION_VARIABLE = "ZKPOT_SOLUTION"
"""The environment variable through which a grader learns the file it grades."""


class AssignmentError(ZkpotError, ValueError):
    """No such assignment, an assignment directory that is incomplete, or a solution
    file that cannot be read."""


def assignments_directory() -> Path:
    """``ZKPOT_ASSIGNMENTS`` if set, else ``assignments/`` beside the ``zkpot`` package
    (the repository's top level).

    Raises:
        AssignmentError: if that directory does not exist (an installed copy of zkpot
            without its repository: clone it to get the assignments).
    """
    given = os.environ.get("ZKPOT_ASSIGNMENTS")
    directory = Path(given) if given else Path(__file__).resolve().parent.parent / "assignments"
    if not directory.is_dir():
        raise AssignmentError(
            f"no assignments directory at {directory}: the assignments come with zkpot's "
            "repository (or set ZKPOT_ASSIGNMENTS)"
        )
    return directory


@dataclass(frozen=True)
class Assignment:
    """One assignment, as its ``assignment.toml`` describes it.

    Attributes:
        number: its number (the directory's ``NN``).
        name: the directory's name, ``NN-name``.
        title: a line saying what the student builds.
        layer: the docs page of the zkpot layer it builds on (``field.md``, say).
        directory: where its files are.
        reference: for each function of the starter, the zkpot function that solves
            it, as ``module:attribute``.
        checks: the grader's checks (its ``test_`` functions), in order.
        rubric: the points of each check (``[rubric]``; 1 for a check it leaves out).
    """

    number: int
    name: str
    title: str
    layer: str
    directory: Path
    reference: dict[str, str] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    rubric: dict[str, int] = field(default_factory=dict)

    def points(self, check: str) -> int:
        """What passing ``check`` is worth."""
        return self.rubric.get(check, 1)

    @property
    def starter(self) -> Path:
        return self.directory / "starter.py"

    @property
    def grader(self) -> Path:
        return self.directory / "grader.py"

    @property
    def readme(self) -> Path:
        return self.directory / "README.md"


def discover(directory: Path | None = None) -> list[Assignment]:
    """Every assignment in ``directory`` (by default :func:`assignments_directory`), in order.

    Raises:
        AssignmentError: for a directory ``NN-name`` that lacks one of its files, or an
            ``assignment.toml`` without a title, a layer or a reference.
    """
    root = assignments_directory() if directory is None else directory
    found = []
    for path in sorted(root.iterdir()):
        number, _, _ = path.name.partition("-")
        if not (path.is_dir() and number.isdigit()):
            continue
        for needed in ("README.md", "starter.py", "grader.py", "assignment.toml"):
            if not (path / needed).is_file():
                raise AssignmentError(f"assignment {path.name} has no {needed}")
        meta = tomllib.loads((path / "assignment.toml").read_text(encoding="utf-8"))
        missing = [key for key in ("title", "layer", "reference") if key not in meta]
        if missing:
            raise AssignmentError(f"{path.name}/assignment.toml lacks {', '.join(missing)}")
        tree = ast.parse((path / "grader.py").read_text(encoding="utf-8"))
        functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        checks = [node.name for node in functions if node.name.startswith("test_")]
        rubric = dict(meta.get("rubric", {}))
        unknown = set(rubric) - set(checks)
        if unknown or not all(isinstance(p, int) and p >= 0 for p in rubric.values()):
            raise AssignmentError(
                f"{path.name}/assignment.toml: a rubric gives whole points to the grader's "
                f"checks (not {sorted(unknown) or rubric})"
            )
        found.append(Assignment(int(number), path.name, meta["title"], meta["layer"], path,
                                dict(meta["reference"]), checks, rubric))  # fmt: skip
    return found


def find(number: int, directory: Path | None = None) -> Assignment:
    """The assignment with this number.

    Raises:
        AssignmentError: if there is none (the message lists those there are).
    """
    every = discover(directory)
    for assignment in every:
        if assignment.number == number:
            return assignment
    numbers = ", ".join(str(a.number) for a in every)
    raise AssignmentError(f"there is no assignment {number}; there are {numbers}")


@dataclass
class Report:
    """What a grader said about one file.

    Attributes:
        assignment: the assignment graded.
        passed: the names of the checks that passed.
        failed: (check name, the message that says what went wrong) for the others.
        skipped: (check name, why) for checks that did not apply (a part of the
            assignment the student chose not to do).
    """

    assignment: Assignment
    passed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.passed) + len(self.failed)

    @property
    def points(self) -> int:
        """The points of the checks that passed."""
        return sum(self.assignment.points(check) for check in self.passed)

    @property
    def out_of(self) -> int:
        """The points of the checks that ran (a skipped part counts for nothing)."""
        ran = self.passed + [check for check, _ in self.failed]
        return sum(self.assignment.points(check) for check in ran)

    @property
    def ok(self) -> bool:
        """Every check passed (and there was at least one)."""
        return not self.failed and bool(self.passed)

    def summary(self) -> str:
        """The score, then each failure and its message."""
        a = self.assignment
        lines = [f"assignment {a.number}: {a.title}",
                 f"score: {len(self.passed)}/{self.total} checks passed, "
                 f"{self.points}/{self.out_of} points"]  # fmt: skip
        for name, why in self.skipped:
            lines.append(f"skipped {name}: {why}")
        for name, message in self.failed:
            lines += ["", f"FAILED {name}", *("    " + line for line in message.splitlines())]
        if self.ok:
            lines += ["", "all checks pass"]
        return "\n".join(lines)


TIME_LIMIT = 60.0
"""Seconds a check may run before it fails with "timed out after N s" (the slowest
reference check takes a few seconds)."""


def grade(assignment: Assignment, solution: Path | str, *, time_limit: float = TIME_LIMIT,
          import_rule: bool = True) -> Report:  # fmt: skip
    """Run the assignment's grader on a solution file, in a process of its own.

    First the import rule (:func:`zkpot.grading.forbidden_uses`): a file that reaches
    the zkpot function it was asked to write scores zero, every check failing with a
    message that names the function, and none of it runs. Then each check runs under
    ``time_limit`` seconds; one that overruns fails with "timed out after N s" (and if
    the student's code ignores the alarm, the whole process is stopped after the sum
    of the limits, the unfinished checks failing the same way).

    Args:
        import_rule: ``False`` only for the project's own test that grades the reference
            assembled from zkpot (:func:`write_reference`); the command line never
            turns it off.

    Raises:
        AssignmentError: if the file does not exist or is not text, or pytest is missing.
    """
    path = Path(solution).resolve()
    if not path.is_file():
        raise AssignmentError(f"no file {solution}")
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AssignmentError(f"cannot read {solution}: {error}") from None
    if importlib.util.find_spec("pytest") is None:
        raise AssignmentError(
            "grading needs pytest, which `make demo` does not install: in zkpot's directory, "
            "run `.venv/bin/pip install -e '.[test]'` (or `pip install -e '.[test]'`)"
        )
    uses = forbidden_uses(source, assignment.reference) if import_rule else []
    if uses:
        why = "\n".join(f"line {line}: {what}" for line, what in uses)
        message = (f"{why}\nthe import rule: a submission must not use zkpot's own solution "
                   "of what it is asked to write; write it yourself")  # fmt: skip
        return Report(assignment, failed=[(check, message) for check in assignment.checks])
    return _run(assignment, path, time_limit)


def _run(assignment: Assignment, path: Path, time_limit: float) -> Report:
    """The grader in a child pytest, reporting through :mod:`zkpot.grading`'s plugin."""
    with tempfile.TemporaryDirectory(prefix="zkpot-grade-") as scratch:
        results = Path(scratch) / "results.jsonl"
        results.touch()
        # importlib mode: every assignment's grader is a grader.py
        command = [sys.executable, "-m", "pytest", str(assignment.grader), "-q",
                   "-p", "zkpot.grading", "-p", "no:cacheprovider", "-p", "no:randomly",
                   "-p", "no:hypothesispytest",  # 1.6 s of imports no grader needs
                   "--import-mode=importlib", "-o", "addopts=",
                   "--rootdir", str(assignment.directory.parent), "--zkpot-results", str(results),
                   "--zkpot-time-limit", str(time_limit)]  # fmt: skip
        # the child imports the very zkpot that grades (not another copy on its path)
        home = str(Path(__file__).resolve().parent.parent)
        search = os.pathsep.join(filter(None, [home, os.environ.get("PYTHONPATH")]))
        environment = {**os.environ, SOLUTION_VARIABLE: str(path), "PYTHONPATH": search}
        budget = time_limit * (len(assignment.checks) + 1) + 15  # the checks, and start-up
        try:
            child = subprocess.run(command, env=environment, cwd=scratch, timeout=budget,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, errors="replace")  # fmt: skip
            lines = child.stderr.strip().splitlines() or ["no message"]
            unfinished = f"the grader stopped before this check: {lines[-1]}"
            stopped = True
        except subprocess.TimeoutExpired:
            unfinished = f"timed out after {time_limit:g} s"
            stopped = False
        text = results.read_text(encoding="utf-8", errors="replace")
        collected, outcomes, finished = read_results(text.splitlines())
    if stopped and not finished:
        # the grader's process ended itself (os._exit, say) before its end: what it had
        # written may be the student's own lines, so nothing of it counts as a pass
        outcomes = [record for record in outcomes if record.get("outcome") != "passed"]
    # one outcome per check of the grader, a failure outweighing a pass (a check that
    # passes and then fails its teardown; a line a student's code wrote itself)
    known = {*assignment.checks, "collecting the grader"}
    outcome: dict[str, tuple[str, str]] = {}
    for record in outcomes:
        check, kind = record.get("check"), record.get("outcome")
        if isinstance(check, str) and check in known and outcome.get(check, ("",))[0] != "failed":
            outcome[check] = (kind, str(record.get("message", "")))
    report = Report(assignment)
    for check, (kind, message) in outcome.items():
        if kind == "passed":
            report.passed.append(check)
        elif kind == "skipped":
            report.skipped.append((check, message))
        else:
            report.failed.append((check, message))
    for check in collected or ([] if outcomes else assignment.checks):
        if check not in outcome:
            report.failed.append((check, unfinished))
    return report


def grade_folder(assignment: Assignment, folder: Path | str, csv_path: Path | str | None = None,
                 *, time_limit: float = TIME_LIMIT) -> list[tuple[str, int, int, str]]:  # fmt: skip
    """Grade every ``.py`` file of a folder: one row per file, (name, points, out of, the
    failed checks joined by ``; ``), by name; also written as CSV to ``csv_path``.

    Raises:
        AssignmentError: if the folder does not exist or holds no ``.py`` file.
    """
    directory = Path(folder)
    files = sorted(directory.glob("*.py")) if directory.is_dir() else []
    if not files:
        raise AssignmentError(f"no .py files in {folder}")
    rows = []
    for path in files:
        report = grade(assignment, path, time_limit=time_limit)
        failures = "; ".join(f"{check}: {message.splitlines()[0] if message else ''}"
                             for check, message in report.failed)  # fmt: skip
        rows.append((path.stem, report.points, report.out_of, failures))
    if csv_path is not None:
        with Path(csv_path).open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["name", "points", "out_of", "failures"])
            writer.writerows(rows)
    return rows


def write_reference(assignment: Assignment, path: Path | str) -> Path:
    """Write a solution module whose every function calls zkpot's (the assignment's
    ``reference``): what the project's tests grade, with the import rule off, to check
    that a grader passes a correct solution."""
    lines = [f'"""A reference solution of assignment {assignment.number}, assembled from zkpot."""']
    for function, target in assignment.reference.items():
        module, _, attribute = target.partition(":")
        lines += [f"from {module} import {attribute} as _{function}", "",
                  f"def {function}(*args, **kwargs):", f"    return _{function}(*args, **kwargs)",
                  ""]  # fmt: skip
    out = Path(path)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def required(module: Any, name: str) -> Any:
    """The solution's function ``name``, for a grader to call: a function that is missing,
    that is zkpot's own (the import rule), or whose body still raises
    ``NotImplementedError``, fails with a message saying so (an ``AssertionError``, which
    the report shows as the check's failure)."""
    function = getattr(module, name, None)
    if not callable(function):
        raise AssertionError(f"the solution has no function {name}(): keep the starter's names")
    home = getattr(function, "__module__", None) or ""
    if home == "zkpot" or home.startswith("zkpot."):
        raise AssertionError(
            f"{name}() is zkpot's own, from {home}: the import rule asks you to write it"
        )

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except NotImplementedError:
            raise AssertionError(
                f"{name}() is not written yet: it still raises NotImplementedError"
            ) from None

    return call


def load_solution(path: Path | str) -> Any:
    """Import a student's file as a module (for the graders' ``solution`` fixture).

    Raises:
        AssignmentError: if it cannot be read or raises while it is imported.
    """
    import importlib.util

    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"solution_{abs(hash(path))}", path)
    if spec is None or spec.loader is None:
        raise AssignmentError(f"cannot import {path}: is it a Python file?")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # a syntax error, an import it lacks: say so, plainly
        raise AssignmentError(
            f"importing {path} failed: {type(error).__name__}: {error}"
        ) from error
    return module


__all__ = [
    "SOLUTION_VARIABLE",
    "TIME_LIMIT",
    "Assignment",
    "AssignmentError",
    "Report",
    "assignments_directory",
    "discover",
    "find",
    "forbidden_uses",
    "grade",
    "grade_folder",
    "load_solution",
    "required",
    "write_reference",
]
