"""The benchmark scripts still run and their implementations still agree.

Each script asserts that zkpot and the reference libraries compute the same
values before it times them; this runs that check, with few rounds. No timing
is asserted: the machines are shared and noisy.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parent.parent / "benchmarks").glob("bench_*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_runs(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "zkpot" in done.stdout
    assert data_rows(done.stdout) >= 1, f"no table with data rows:\n{done.stdout}"


def data_rows(text: str) -> int:
    """The data rows of the tables a script printed (header and separator lines not counted).

    A Markdown table is a header line, a separator line of dashes, then its rows; a
    plain-text table (harness.format_table) is a header line starting "operation",
    then its rows, up to a blank line.
    """
    lines, count = text.splitlines(), 0
    for i, line in enumerate(lines):
        if line.startswith("|") and "-" in line and set(line) <= set("|-: "):  # separator
            count += len(list(itertools.takewhile(lambda row: row.startswith("|"), lines[i + 1 :])))
        elif line.startswith("operation "):
            count += len(list(itertools.takewhile(str.strip, lines[i + 1 :])))
    return count


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("| a | b |\n|---|---:|\n", 0),  # the table bench_plonk printed before its fix
        ("| a | b |\n|---|---:|\n| 1 | 2 |\n| 3 | 4 |\nnote", 2),
        ("operation  zkpot\nmul        1 µs\n\nmore", 1),
        ("operation  zkpot\n", 0),
        ("no table here", 0),
    ],
)
def test_data_rows_counts_what_a_table_holds(text: str, rows: int) -> None:
    assert data_rows(text) == rows
