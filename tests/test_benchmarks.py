"""The benchmark scripts still run and their implementations still agree.

Each script asserts that zkpot and the reference libraries compute the same
values before it times them; this runs that check, with few rounds. No timing
is asserted: the machines are shared and noisy.
"""

from __future__ import annotations

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
    assert "zkpot" in done.stdout and len(done.stdout.splitlines()) >= 3  # a table was printed
