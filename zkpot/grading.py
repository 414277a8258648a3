"""What keeps a grade honest: the import rule, checked on a submission before it runs,
and the pytest plugin that runs a grader in its own process, one time limit per check.

The import rule: a submission must not reach the zkpot function that solves what it is
asked to write (the assignment's ``reference``, ``module:attribute``) — by an import, an
attribute (``zkpot.field.prime.inverse_mod``), a star import, a ``getattr`` or
``vars`` on the module that holds it, or a dynamic import (``__import__``,
``importlib.import_module``, ``sys.modules``) of that module. The rest of zkpot stays
open: the starters point at helpers in the same modules. :func:`forbidden_uses` reads
the file's syntax tree and never runs it. It catches the ways of using the reference
that a student would write, not every way that Python allows; the threat model's
answer to the rest is that an instructor reads a submission that scores suspiciously.
"""

from __future__ import annotations

import ast
import importlib
import json
import signal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DYNAMIC_IMPORTS = {"__import__", "importlib.import_module", "importlib.__import__"}
"""The calls that import a module named by a string."""


def _lookup(dotted: str) -> Any:
    """The object at a dotted path inside zkpot (importing submodules on the way), or
    ``None`` if there is none."""
    parts = dotted.split(".")
    try:
        value: Any = importlib.import_module(parts[0])
    except ImportError:
        return None
    for i, part in enumerate(parts[1:], start=2):
        if hasattr(value, part):
            value = getattr(value, part)
            continue
        try:
            value = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            return None
    return value


class _Reader(ast.NodeVisitor):
    """Walks a submission and notes each use of a reference function."""

    def __init__(self, reference: dict[str, str]) -> None:
        # the objects themselves, so that a re-export (zkpot.field.inverse_mod) counts too
        self.targets = {id(_lookup(t.replace(":", "."))): f for f, t in reference.items()}
        self.holders = {t.partition(":")[0] for t in reference.values()}
        self.aliases: dict[str, str] = {}
        self.found: list[tuple[int, str]] = []

    def note(self, node: ast.AST, why: str) -> None:
        self.found.append((getattr(node, "lineno", 0), why))

    def path(self, node: ast.AST) -> str | None:
        """The dotted name an expression stands for, when it is a chain of names."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.path(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call) and self.path(node.func) == "builtins.getattr":
            base = self.path(node.args[0]) if node.args else None
            name = node.args[1] if len(node.args) > 1 else None
            if base and isinstance(name, ast.Constant) and isinstance(name.value, str):
                return f"{base}.{name.value}"
        if (
            isinstance(node, ast.Subscript)
            and self.path(node.value) == "sys.modules"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            return node.slice.value  # fmt: skip
        return None

    def check(self, node: ast.AST, dotted: str | None) -> None:
        if not dotted or not dotted.startswith("zkpot"):
            return
        function = self.targets.get(id(_lookup(dotted)))
        if function is not None:
            self.note(node, f"uses {dotted}, zkpot's own {function}()")

    def holds(self, dotted: str | None) -> str:
        """The reference functions that the module ``dotted`` holds, as ``f(), g()``."""
        module = _lookup(dotted) if dotted and dotted.startswith("zkpot") else None
        held = (
            [self.targets[id(v)] for v in vars(module).values() if id(v) in self.targets]
            if module is not None
            else []
        )
        return ", ".join(f"{name}()" for name in sorted(set(held)))

    def visit_Import(self, node: ast.Import) -> None:
        for name in node.names:
            self.aliases[name.asname or name.name.partition(".")[0]] = (
                name.name if name.asname else name.name.partition(".")[0]
            )
            self.check(node, name.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for name in node.names:
            if name.name == "*":
                if held := self.holds(module):
                    self.note(node, f"imports * from {module}, with zkpot's own {held}")
                continue
            self.aliases[name.asname or name.name] = f"{module}.{name.name}"
            self.check(node, f"{module}.{name.name}")

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        dotted = self.path(node.value)
        for target in node.targets:
            if dotted and isinstance(target, ast.Name):
                self.aliases[target.id] = dotted

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.check(node, self.path(node))
        if node.attr == "__dict__" and (held := self.holds(self.path(node.value))):
            self.note(
                node, f"reads the __dict__ of {self.path(node.value)}, with zkpot's own {held}"
            )
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        dotted = self.path(node)
        if dotted and dotted.partition(".")[0] == "zkpot" and dotted in self.holders:
            self.note(
                node, f"takes {dotted} from sys.modules, with zkpot's own {self.holds(dotted)}"
            )
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        called = self.path(node.func)
        first = node.args[0] if node.args else None
        if called in DYNAMIC_IMPORTS or (called and called.endswith(".import_module")):
            name = first.value if isinstance(first, ast.Constant) else None
            if not isinstance(name, str) or name.startswith("zkpot"):
                self.note(node, f"imports a module by {called}(): use an import statement")
        elif called in ("builtins.getattr", "builtins.vars") and first is not None:
            self.check(node, self.path(node))
            constant = len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
            if not constant and (held := self.holds(self.path(first))):
                self.note(node, f"looks up names in {self.path(first)} (zkpot's own {held}) "
                                f"with {called[9:]}()")  # fmt: skip
        self.generic_visit(node)


def forbidden_uses(source: str, reference: dict[str, str]) -> list[tuple[int, str]]:
    """Where a submission's source reaches a reference function: (line, what it does),
    in order. Empty for a file that keeps the import rule, or that does not parse (the
    grader then reports the syntax error itself)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    reader = _Reader(reference)
    reader.aliases.update(getattr=("builtins.getattr"), vars="builtins.vars")
    reader.aliases["__import__"] = "__import__"
    reader.visit(tree)
    return sorted(set(reader.found))


# ------------------------------------------------------------------------------------
# The plugin, inside the grading process: ``-p zkpot.grading``


class CheckTimedOut(BaseException):
    """A check ran past its time limit (a BaseException, so that a bare ``except
    Exception`` in a student's loop does not swallow it)."""


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--zkpot-results", help="the file that receives one JSON line per check")
    parser.addoption("--zkpot-time-limit", type=float, default=0.0, help="seconds per check")


class _Writer:
    """Writes each check's outcome as a JSON line, as soon as it is known, so that the
    grading process learns what finished even when this one has to be killed."""

    def __init__(self, path: Path, limit: float) -> None:
        self.out = path.open("a", encoding="utf-8")
        self.limit = limit

    def write(self, **line: Any) -> None:
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()

    def pytest_sessionfinish(self, session: Any) -> None:
        self.write(finished=True)

    def pytest_collection_finish(self, session: Any) -> None:
        self.write(collected=[item.nodeid.split("::", 1)[-1] for item in session.items])

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        """The check's clock starts before its set-up, which imports the student's file."""
        if not self.limit or not hasattr(signal, "setitimer"):
            return  # no alarms (Windows): only the grading process's overall limit
        limit = self.limit

        def expire(signum: int, frame: Any) -> None:
            raise CheckTimedOut(f"timed out after {limit:g} s")

        signal.signal(signal.SIGALRM, expire)  # again for each check, should one unset it
        signal.setitimer(signal.ITIMER_REAL, limit)

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        if self.limit and hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)

    def pytest_runtest_logreport(self, report: Any) -> None:
        name = report.nodeid.split("::", 1)[-1]
        if report.when == "call" and report.passed:
            self.write(check=name, outcome="passed")
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            self.write(check=name, outcome="skipped", message=reason.removeprefix("Skipped: "))
        elif report.failed:  # in the test itself, or in setting it up (loading the file)
            self.write(check=name, outcome="failed", message=_message(report))

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.write(check="collecting the grader", outcome="failed", message=_message(report))


def pytest_configure(config: Any) -> None:
    path = config.getoption("--zkpot-results", default=None)
    if path:
        limit = config.getoption("--zkpot-time-limit")
        config.pluginmanager.register(_Writer(Path(path), limit), "zkpot-results")


def _message(report: Any) -> str:
    """The teaching part of a failure: the assertion's message or the exception, without
    pytest's traceback."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    text = text.split("\nassert ", 1)[0].strip()
    return text.removeprefix(f"{__name__}.{CheckTimedOut.__name__}: ")


def read_results(lines: Iterable[str]) -> tuple[list[str], list[dict[str, Any]], bool]:
    """The checks collected, the outcome of each that finished, and whether the session
    finished, from the plugin's JSON lines (a line cut short by a kill is dropped)."""
    collected: list[str] = []
    outcomes = []
    finished = False
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if "collected" in record:
            collected = record["collected"]
        elif "finished" in record:
            finished = True
        else:
            outcomes.append(record)
    return collected, outcomes, finished


__all__ = ["CheckTimedOut", "forbidden_uses", "read_results"]
