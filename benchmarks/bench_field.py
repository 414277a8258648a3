"""Field arithmetic: zkpot against py_ecc and galois, side by side in one run.

    python benchmarks/bench_field.py            # the table
    python benchmarks/bench_field.py --quick    # fewer repeats (a smoke run)
    python benchmarks/bench_field.py --markdown # the table as Markdown
    python benchmarks/bench_field.py --save     # also write benchmarks/tables/field.md (the docs)

Every operation is first checked to give the same answer in each library, then
timed. The timings of the libraries being compared are interleaved — one
round of each in turn — and each reports the best of its rounds, so that a
noisy machine slows all of them alike. Ratios above 1 mean zkpot is faster.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import galois
import numpy as np
from py_ecc import optimized_bn128
from py_ecc.fields.field_elements import FQ as PyEccFQ

from zkpot.field import batch_inverse, bn254

R = bn254.R
BATCH = 4096
TABLE = Path(__file__).resolve().parent / "tables" / "field.md"
NOTE = (
    "Times are per element (galois: a 4096-element array operation divided by 4096); "
    "ratio = their time / zkpot's time."
)


class PyEccFr(PyEccFQ):
    """py_ecc's generic prime-field element, over BN254's r."""

    field_modulus = R


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of fn, over ``calls`` calls."""
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def race(contenders: dict[str, tuple[Callable[[], object], int]], rounds: int) -> dict[str, float]:
    """Best seconds-per-item of each contender, over interleaved rounds.

    Each contender is (fn, items): fn processes ``items`` items per call (1 for a
    scalar operation, 4096 for a batch), so the results are comparable per item.
    """
    # calls per measurement: enough for about 20 ms, calibrated on one call
    calls = {name: max(1, int(0.02 / per_call(fn, 1))) for name, (fn, _) in contenders.items()}
    best = {name: float("inf") for name in contenders}
    for _ in range(rounds):
        for name, (fn, items) in contenders.items():
            best[name] = min(best[name], per_call(fn, calls[name]) / items)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke run")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--save", action="store_true", help=f"write the Markdown table to {TABLE}")
    args = parser.parse_args()
    rounds = 2 if args.quick else 15

    rng = random.Random(1)
    GF = galois.GF(R, primitive_element=5, verify=False)  # verify=True takes minutes

    # scalar Fr operands, one per library
    a_int, b_int = rng.randrange(1, R), rng.randrange(1, R)
    a, b = bn254.Fr(a_int), bn254.Fr(b_int)
    pa, pb = PyEccFr(a_int), PyEccFr(b_int)
    values = [rng.randrange(1, R) for _ in range(BATCH)]
    ga, gb = GF(values), GF(values[::-1])

    # Fq12 operands (the same field element in both bases: py_ecc's FQ12 is flat,
    # Fq[w]/(w¹² − 18w⁶ + 82); ours is the tower, so convert through that polynomial)
    x, y = bn254.Fq12.random(rng), bn254.Fq12.random(rng)
    px, py = optimized_bn128.FQ12(flat_poly(x)), optimized_bn128.FQ12(flat_poly(y))

    # 1. the answers agree
    assert int(a * b) == (pa * pb).n == int(GF(a_int) * GF(b_int))
    assert int(a.inverse()) == (1 / pa).n == int(np.reciprocal(GF(a_int)))
    assert batch_inverse(values, R) == [int(v) for v in np.reciprocal(ga)]
    assert flat_poly(x * y) == [int(c) % bn254.P for c in (px * py).coeffs]
    assert flat_poly(x.inverse()) == [int(c) % bn254.P for c in px.inv().coeffs]

    # 2. the race
    rows = [
        ("Fr mul", {"zkpot": (lambda: a * b, 1), "py_ecc": (lambda: pa * pb, 1),
                    "galois": (lambda: ga * gb, BATCH)}),
        ("Fr add", {"zkpot": (lambda: a + b, 1), "py_ecc": (lambda: pa + pb, 1),
                    "galois": (lambda: ga + gb, BATCH)}),
        ("Fr inverse", {"zkpot": (lambda: a.inverse(), 1), "py_ecc": (lambda: 1 / pa, 1),
                        "galois": (lambda: np.reciprocal(ga), BATCH)}),
        (f"batch inverse of {BATCH} (per element)",
         {"zkpot": (lambda: batch_inverse(values, R), BATCH),
          "py_ecc": (lambda: [1 / PyEccFr(v) for v in values], BATCH),
          "galois": (lambda: np.reciprocal(ga), BATCH)}),
        ("Fq12 mul", {"zkpot": (lambda: x * y, 1), "py_ecc": (lambda: px * py, 1)}),
        ("Fq12 square", {"zkpot": (lambda: x.square(), 1), "py_ecc": (lambda: px * px, 1)}),
        ("Fq12 inverse", {"zkpot": (lambda: x.inverse(), 1), "py_ecc": (lambda: px.inv(), 1)}),
    ]  # fmt: skip
    results = [(name, race(contenders, rounds)) for name, contenders in rows]
    print(format_table(results, markdown=args.markdown))
    print(NOTE)
    if args.save:
        TABLE.parent.mkdir(parents=True, exist_ok=True)
        TABLE.write_text(format_table(results, markdown=True) + "\n\n" + NOTE + "\n")
        print(f"wrote {TABLE}")


def flat_poly(a: bn254.Fq12) -> list[int]:
    """Our tower element as coefficients of w⁰…w¹¹, with u = w⁶ − 9 (ξ = 9 + u = w⁶)."""
    flat = a.flat()
    out = [0] * 12
    for j in range(2):  # a = a0 + a1·w, ai ∈ Fq6
        for i in range(3):  # vⁱ = w²ⁱ
            c0, c1 = flat[6 * j + 2 * i : 6 * j + 2 * i + 2]
            e = 2 * i + j
            out[e] += c0 - 9 * c1
            out[e + 6] += c1
    return [c % bn254.P for c in out]


def format_table(results: list[tuple[str, dict[str, float]]], markdown: bool) -> str:
    others = ["py_ecc", "galois"]
    header = ["operation", "zkpot", "py_ecc", "galois", "vs py_ecc", "vs galois"]

    def fmt_time(s: float | None) -> str:
        if s is None:
            return "—"
        return f"{s * 1e6:.2f} µs" if s >= 1e-6 else f"{s * 1e9:.0f} ns"

    rows = []
    for name, best in results:
        ours = best["zkpot"]
        cells = [name, fmt_time(ours)]
        cells += [fmt_time(best.get(o)) for o in others]
        cells += [f"{best[o] / ours:.1f}×" if o in best else "—" for o in others]
        rows.append(cells)
    if markdown:
        lines = ["| " + " | ".join(header) + " |"]
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        lines += ["| " + " | ".join(cells) + " |" for cells in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    )


if __name__ == "__main__":
    main()
