"""Progress of a long operation: what the library tells whoever watches, without drawing.

A long operation (a ceremony's contribution, the local setup, preprocessing, a proof, a
round's proofs) takes a ``progress`` argument and tells it three things:

- ``say(line)``: a line of text, something done or about to be done;
- ``start(step, total, unit)``: a long step begins, ``total`` units of work (powers,
  polynomials, proofs…), told *before* the first unit is worked on, so that a watcher can
  show the step from its first second;
- ``advance(done, stage)``: ``done`` more units of the step are finished (0 is allowed);
  ``stage``, if given, names where the step is now ("round 3", "p2 proved").

One step at a time: ``start`` ends the step before it, and a step ends when its units
reach ``total``. The library never draws: the command line and the demo turn steps into
tqdm bars on standard error (:class:`zkpot.cli.progress.Bars`), a test records them
(:class:`Recorder`). This module imports nothing of zkpot, so that every layer may
use it, as every layer may raise :mod:`zkpot.errors`'s errors.

A ``progress`` argument is a :class:`Progress`, ``None`` (nothing is told: :data:`QUIET`),
or a plain function of one line of text (``print``, a log's), which receives the lines
and none of the steps (:class:`Lines`). :func:`as_progress` makes a :class:`Progress` of any
of them:

>>> from zkpot.progress import Recorder, as_progress
>>> record = Recorder()
>>> p = as_progress(record)
>>> p.start("keys", 3, "polynomials"); p.advance(2, "commitments"); p.advance()
>>> record.events
[('start', 'keys', 3, 'polynomials'), ('advance', 2, 'commitments'), ('advance', 1, None)]
>>> as_progress(print).say("lines go to the function; steps are not lines")
lines go to the function; steps are not lines
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias


class Progress:
    """Told of a long operation's progress (see the module docstring). This base class
    ignores everything: a watcher subclasses it and overrides what it shows."""

    def say(self, line: str) -> None:
        """A line of text: something done, or about to be done."""

    def start(self, step: str, total: int, unit: str = "") -> None:
        """A long step begins: ``total`` units of ``unit`` (a plural: "powers"), none done
        yet. It ends the step before it, if any."""

    def advance(self, done: int = 1, stage: str | None = None) -> None:
        """``done`` more units of the current step are finished; ``stage``, if given,
        names where the step is now."""


QUIET = Progress()
"""Tells nobody anything: what ``progress=None`` means."""


class Lines(Progress):
    """The lines, for a function of one line of text (``print``): steps stay silent."""

    def __init__(self, say: Callable[[str], Any]) -> None:
        self._say = say

    def say(self, line: str) -> None:
        self._say(line)


class Recorder(Progress):
    """Keeps every event, in order, as a tuple: ``("say", line)``,
    ``("start", step, total, unit)`` or ``("advance", done, stage)`` (for tests and docs)."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def say(self, line: str) -> None:
        self.events.append(("say", line))

    def start(self, step: str, total: int, unit: str = "") -> None:
        self.events.append(("start", step, total, unit))

    def advance(self, done: int = 1, stage: str | None = None) -> None:
        self.events.append(("advance", done, stage))

    def steps(self) -> dict[str, tuple[int, int]]:
        """Each step started, with (units done, total): the sum of its ``advance``s (a step
        started again under the same name counts afresh)."""
        found: dict[str, tuple[int, int]] = {}
        step = None
        for kind, *rest in self.events:
            if kind == "start":
                step = rest[0]
                found[step] = (0, rest[1])
            elif kind == "advance" and step is not None:
                done, total = found[step]
                found[step] = (done + rest[0], total)
        return found


ProgressLike: TypeAlias = Progress | Callable[[str], Any] | None
"""What a ``progress`` argument may be: a :class:`Progress`, a function of a line, or None."""


def as_progress(progress: ProgressLike) -> Progress:
    """``progress`` as a :class:`Progress`: ``None`` is :data:`QUIET`, a function gets the
    lines (:class:`Lines`), a :class:`Progress` is itself."""
    if progress is None:
        return QUIET
    if isinstance(progress, Progress):
        return progress
    return Lines(progress)


__all__ = ["QUIET", "Lines", "Progress", "ProgressLike", "Recorder", "as_progress"]
