"""Progress bars for the command line and the demo: :mod:`zkpot.progress`'s steps as tqdm bars.

A step (:meth:`~zkpot.progress.Progress.start`) gets a bar at once, on standard error,
with the step and its stage as the description; the bar moves as the step advances, and
vanishes when it is done. A bar is as wide as the terminal, 80 columns at most, and
redrawn at each event only (no thread ticks its clock between two). Lines go to ``say``
(standard error by default: the demo's go to standard output), written above the bar.

A bar draws itself only on a terminal (tqdm's ``disable=None``): piped to a file, or
captured by a test, the stream gets the lines alone, never a bar's carriage returns.

The bars start no thread. tqdm's monitor thread would stop :mod:`zkpot.curve.parallel`
from forking its workers (a fork copies no thread but the caller's, so it refuses to fork
a process that runs others), and every MSM after the first bar would run on one core.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from typing import IO, Any

from tqdm import tqdm

from zkpot.progress import Progress


class _Bar(tqdm):
    monitor_interval = 0  # no monitor thread: see the module docstring


class Bars(Progress):
    """A :class:`~zkpot.progress.Progress` that draws tqdm bars (see the module docstring).

    Args:
        say: where the lines go; by default a line on ``file``.
        file: where the bars go (standard error).
        enabled: ``False`` draws no bar, even on a terminal (the lines still go to ``say``).
        indent: put before each bar's description (the demo indents its steps).

    A ``with`` block closes the bar left open when it ends (a step that raised).
    """

    def __init__(
        self,
        say: Callable[[str], Any] | None = None,
        *,
        file: IO[str] | None = None,
        enabled: bool = True,
        indent: str = "",
    ) -> None:
        self.file = file if file is not None else sys.stderr
        self._say = say or (lambda line: print(line, file=self.file, flush=True))
        self.enabled, self.indent = enabled, indent
        self.bar: tqdm | None = None
        self._step, self._left = "", 0

    def say(self, line: str) -> None:
        with _Bar.external_write_mode(file=self.file):  # the bar cleared, then drawn again
            self._say(line)

    def start(self, step: str, total: int, unit: str = "") -> None:
        self.close()
        if total <= 0:
            return
        self._step, self._left = self.indent + step, total
        shape = "{desc}: {n_fmt}/{total_fmt}" + (" {unit}" if unit else "") + " |{bar}| {elapsed}"
        self.bar = _Bar(total=total, desc=self._step, unit=unit, file=self.file, leave=False,
                        disable=None if self.enabled else True, miniters=1,
                        ncols=min(80, shutil.get_terminal_size().columns),
                        bar_format=shape)  # fmt: skip

    def advance(self, done: int = 1, stage: str | None = None) -> None:
        if self.bar is None:
            return
        if stage is not None:
            self.bar.set_description_str(f"{self._step}: {stage}", refresh=False)
        self.bar.n += done
        self.bar.refresh()  # at once: a step has tens of events, not thousands
        self._left -= done
        if self._left <= 0:
            self.close()

    def close(self) -> None:
        """Close the open bar, if any (the next step's :meth:`start` does it too)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> Bars:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


__all__ = ["Bars"]
