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

:func:`grade` runs a grader on a file and returns a :class:`Report`; the command line
is ``zkpot assignments list`` and ``zkpot assignments check N PATH``. The project's
own tests check every assignment both ways: the grader fails the untouched starter
and passes the assembled reference.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zkpot.errors import ArgumentError, ZkpotError

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
    """

    number: int
    name: str
    title: str
    layer: str
    directory: Path
    reference: dict[str, str] = field(default_factory=dict)

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
        found.append(Assignment(int(number), path.name, meta["title"], meta["layer"], path,
                                dict(meta["reference"])))  # fmt: skip
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
    def ok(self) -> bool:
        """Every check passed (and there was at least one)."""
        return not self.failed and bool(self.passed)

    def summary(self) -> str:
        """The score, then each failure and its message."""
        a = self.assignment
        lines = [f"assignment {a.number}: {a.title}",
                 f"score: {len(self.passed)}/{self.total} checks passed"]  # fmt: skip
        for name, why in self.skipped:
            lines.append(f"skipped {name}: {why}")
        for name, message in self.failed:
            lines += ["", f"FAILED {name}", *("    " + line for line in message.splitlines())]
        if self.ok:
            lines += ["", "all checks pass"]
        return "\n".join(lines)


class _Collector:
    """A pytest plugin that keeps each test's outcome and its failure's message."""

    def __init__(self) -> None:
        self.passed: list[str] = []
        self.failed: list[tuple[str, str]] = []
        self.skipped: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: Any) -> None:
        name = report.nodeid.split("::", 1)[-1]
        if report.when == "call" and report.passed:
            self.passed.append(name)
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self.skipped.append((name, reason.removeprefix("Skipped: ")))
        elif report.failed:  # in the test itself, or in setting it up (loading the file)
            self.failed.append((name, _message(report)))

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.failed.append(("collecting the grader", _message(report)))


def _message(report: Any) -> str:
    """The teaching part of a failure: the assertion's message or the exception, without
    pytest's traceback."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text.split("\nassert ", 1)[0].strip()


def grade(assignment: Assignment, solution: Path | str) -> Report:
    """Run the assignment's grader on a solution file.

    Raises:
        AssignmentError: if the file does not exist.
        ArgumentError: if pytest is missing (it comes with ``zkpot[test]``).
    """
    path = Path(solution).resolve()
    if not path.is_file():
        raise AssignmentError(f"no file {solution}")
    try:
        import pytest
    except ImportError:  # pragma: no cover (the test extras bring it)
        raise ArgumentError("grading needs pytest: pip install 'zkpot[test]'") from None
    collector = _Collector()
    before = os.environ.get(SOLUTION_VARIABLE)
    os.environ[SOLUTION_VARIABLE] = str(path)
    try:
        # importlib mode: every assignment's grader is a grader.py, and one process may
        # grade several (the project's tests do)
        pytest.main([str(assignment.grader), "-p", "no:terminal", "-p", "no:cacheprovider",
                     "-p", "no:randomly", "--import-mode=importlib", "-o", "addopts=",
                     "--rootdir", str(assignment.directory.parent)],
                    plugins=[collector])  # fmt: skip
    finally:
        if before is None:
            os.environ.pop(SOLUTION_VARIABLE, None)
        else:
            os.environ[SOLUTION_VARIABLE] = before
    return Report(assignment, collector.passed, collector.failed, collector.skipped)


def write_reference(assignment: Assignment, path: Path | str) -> Path:
    """Write a solution module that takes every function from zkpot (the assignment's
    ``reference``): what the project's tests grade to check that a grader passes a
    correct solution."""
    lines = [f'"""A reference solution of assignment {assignment.number}, assembled from zkpot."""']
    for function, target in assignment.reference.items():
        module, _, attribute = target.partition(":")
        lines.append(f"from {module} import {attribute} as {function}  # noqa: F401")
    out = Path(path)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def required(module: Any, name: str) -> Any:
    """The solution's function ``name``, for a grader to call: a function that is missing,
    or whose body still raises ``NotImplementedError``, fails with a message saying so
    (an ``AssertionError``, which the report shows as the check's failure)."""
    function = getattr(module, name, None)
    if not callable(function):
        raise AssertionError(f"the solution has no function {name}(): keep the starter's names")

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
    "Assignment",
    "AssignmentError",
    "Report",
    "assignments_directory",
    "discover",
    "find",
    "grade",
    "load_solution",
    "required",
    "write_reference",
]
