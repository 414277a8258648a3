"""What every benchmark script shares: interleaved timing and the results table.

The contenders of one row are timed in turn, round after round, and each keeps
its best round: on a shared, noisy machine that slows every contender alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

TABLES = Path(__file__).resolve().parent / "tables"

Contender = tuple[Callable[[], object], int]  # (a call, how many items one call does)


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of fn, over ``calls`` calls."""
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def race(contenders: dict[str, Contender], rounds: int, budget: float = 0.02) -> dict[str, float]:
    """Best seconds per item of each contender over interleaved rounds.

    Each round runs each contender for about ``budget`` seconds (calibrated on one call).
    """
    calls = {name: max(1, int(budget / per_call(fn, 1))) for name, (fn, _) in contenders.items()}
    best = {name: float("inf") for name in contenders}
    for _ in range(rounds):
        for name, (fn, items) in contenders.items():
            best[name] = min(best[name], per_call(fn, calls[name]) / items)
    return best


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.0f} ns"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table: the first column left-aligned, the others (numbers) right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


def format_table(
    results: list[tuple[str, dict[str, float]]], others: list[str], markdown: bool
) -> str:
    """One row per operation: zkpot's time, each reference's, and their ratios to zkpot."""
    header = ["operation", "zkpot", *others, *(f"vs {o}" for o in others)]
    rows = []
    for name, best in results:
        ours = best["zkpot"]
        cells = [name, format_time(ours), *(format_time(best.get(o)) for o in others)]
        cells += [f"{best[o] / ours:.1f}×" if o in best else "—" for o in others]
        rows.append(cells)
    if markdown:
        return markdown_table(header, rows)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    )


def save_table(name: str, text: str) -> Path:
    """Write a Markdown table where the docs include it from (``benchmarks/tables/``)."""
    TABLES.mkdir(parents=True, exist_ok=True)
    path = TABLES / f"{name}.md"
    path.write_text(text + "\n")
    return path


def run_measuring_memory(
    command: list[str], env: dict[str, str] | None = None, interval: float = 0.2
) -> tuple[str, float]:
    """Run a command to its end; return its standard output and the peak, over the run, of
    the memory of the command and all its descendants together (their proportional set
    sizes, so that pages the forked workers share with their parent count once), in MB.

    Linux only (it reads /proc); raises ``CalledProcessError`` if the command fails.
    """
    import subprocess

    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _tree_pss_mb(process.pid))
        time.sleep(interval)
    out = process.stdout.read() if process.stdout else ""
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, out)
    return out, peak


def _tree_pss_mb(root: int) -> float:
    """The summed Pss of a process and its descendants (0 for those that just ended)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += parents.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024
