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

import galois
import numpy as np
from harness import format_table, race, save_table
from py_ecc import optimized_bn128
from py_ecc.fields.field_elements import FQ as PyEccFQ

from zkpot.field import batch_inverse, bn254

R = bn254.R
BATCH = 4096
NOTE = (
    "Times are per element (galois: a 4096-element array operation divided by 4096); "
    "ratio = their time / zkpot's time."
)


class PyEccFr(PyEccFQ):
    """py_ecc's generic prime-field element, over BN254's r."""

    field_modulus = R


def poly(a: bn254.Fq12) -> list[int]:
    """py_ecc's FQ12 is flat, Fq[w]/(w¹² − 18w⁶ + 82): the same element in that basis."""
    return a.polynomial_coefficients()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke run")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/field.md")
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
    px, py = optimized_bn128.FQ12(poly(x)), optimized_bn128.FQ12(poly(y))

    # 1. the answers agree
    assert int(a * b) == (pa * pb).n == int(GF(a_int) * GF(b_int))
    assert int(a.inverse()) == (1 / pa).n == int(np.reciprocal(GF(a_int)))
    assert batch_inverse(values, R) == [int(v) for v in np.reciprocal(ga)]
    assert poly(x * y) == [int(c) % bn254.P for c in (px * py).coeffs]
    assert poly(x.inverse()) == [int(c) % bn254.P for c in px.inv().coeffs]

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
    others = ["py_ecc", "galois"]
    print(format_table(results, others, markdown=args.markdown))
    print(NOTE)
    if args.save:
        table = format_table(results, others, markdown=True)
        print("wrote", save_table("field", table + "\n\n" + NOTE))


if __name__ == "__main__":
    main()
