"""Progress: the steps the library tells, as the command line draws them (tqdm bars on a
terminal, nothing but the lines elsewhere), without a thread that would stop the workers
from forking."""

from __future__ import annotations

import io
import threading

from zkpot.cli.progress import Bars
from zkpot.progress import QUIET, Lines, Recorder, as_progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_any_progress_argument_is_a_progress() -> None:
    lines: list[str] = []
    assert as_progress(None) is QUIET
    record = Recorder()
    assert as_progress(record) is record
    function = as_progress(lines.append)
    assert isinstance(function, Lines)
    function.start("keys", 2)
    function.advance(2, "done")
    function.say("a line")
    assert lines == ["a line"]  # a function gets the lines, not the steps


def test_a_bar_is_drawn_from_the_start_of_a_step_and_cleared_at_its_end() -> None:
    terminal, lines = Terminal(), []
    threads = threading.active_count()
    with Bars(lines.append, file=terminal, indent="  ") as bars:
        bars.start("round 1: proving", 4, "proofs")
        assert "  round 1: proving: 0/4 proofs |" in terminal.getvalue()  # before any proof
        assert threading.active_count() == threads  # no monitor thread: workers may fork
        bars.advance(1, "p3 proved")
        assert "  round 1: proving: p3 proved: 1/4 proofs |" in terminal.getvalue()
        bars.say("a line")
        assert lines == ["a line"]
        bars.advance(3)
        assert bars.bar is None  # done: the bar is closed, and cleared (leave=False)
        assert terminal.getvalue().endswith("\r")
        bars.start("preprocessing", 63, "tasks")  # left open: the block closes it
    assert bars.bar is None


def test_no_bar_is_drawn_where_no_terminal_is() -> None:
    for stream, bars in ((io.StringIO(), None), (Terminal(), False)):
        lines: list[str] = []
        with Bars(lines.append, file=stream, enabled=bars is None) as progress:
            progress.start("keys", 3, "tasks")
            progress.advance(1, "interpolation")
            progress.say("a line")
            progress.advance(2)
        assert stream.getvalue() == "" and lines == ["a line"]
