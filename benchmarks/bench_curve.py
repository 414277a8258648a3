"""Curves and pairings: zkpot against py_ecc (optimized_bn128, optimized_bls12_381), in one run.

    python benchmarks/bench_curve.py            # the tables
    python benchmarks/bench_curve.py --quick    # fewer rounds, MSM only up to 2^10
    python benchmarks/bench_curve.py --save     # also write benchmarks/tables/curve*.md

First every operation is checked to agree with py_ecc, then timed, interleaved
(see harness.py). "MSM of 2^10" compares zkpot's Pippenger MSM with what a
py_ecc user would write — one multiplication per point, summed — per point,
the py_ecc side timed on a sample of the points. The BLS rows race zkpot.curve.bls against
py_ecc's G2ProofOfPossession (the Ethereum consensus ciphersuite), one round with --quick.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time

from harness import format_table, format_time, markdown_table, race, save_table
from py_ecc import optimized_bls12_381, optimized_bn128
from py_ecc.bls import G2ProofOfPossession as py_bls
from py_ecc.bls.hash_to_curve import hash_to_G2 as py_hash_to_G2

from zkpot.curve import bls, bls12_381, bn254, msm
from zkpot.curve.hash_to_curve import hash_to_G2

PY_ECC = {"BN254": (bn254, optimized_bn128), "BLS12-381": (bls12_381, optimized_bls12_381)}


def to_py_ecc(ref, P):
    """A zkpot point as a py_ecc point (Jacobian-like tuple with Z = 1)."""
    x, y = P.affine_raw()
    if isinstance(x, int):
        return (ref.FQ(x), ref.FQ(y), ref.FQ.one())
    return (ref.FQ2(list(x)), ref.FQ2(list(y)), ref.FQ2.one())


def check_agreement(curve, ref, rng: random.Random) -> None:
    """zkpot and py_ecc compute the same values (BLS12-381: py_ecc's pairing is the inverse)."""
    a, b = rng.randrange(1, curve.R), rng.randrange(1, curve.R)
    P, Q = curve.G1.generator() * a, curve.G2.generator() * b
    assert to_py_ecc(ref, P)[:2] == ref.normalize(ref.multiply(ref.G1, a))
    theirs = [
        int(c) % curve.P for c in ref.pairing(ref.multiply(ref.G2, b), to_py_ecc(ref, P)).coeffs
    ]
    ours = curve.pairing(P, Q)
    if curve is bls12_381:
        ours = ours.inverse()  # py_ecc omits the conjugation for x < 0
    assert ours.polynomial_coefficients() == theirs
    points = [curve.G1.random(rng) for _ in range(8)]
    scalars = [rng.randrange(curve.R) for _ in range(8)]
    naive = curve.G1.identity()
    for X, k in zip(points, scalars, strict=True):
        naive = naive + X * k
    assert msm(points, scalars) == naive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, small MSMs: a smoke run")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/curve*.md")
    args = parser.parse_args()
    rounds = 2 if args.quick else 5
    rng = random.Random(1)

    rows, ratios = [], []
    for name, (curve, ref) in PY_ECC.items():
        curve_rows, ratio = race_curve(name, curve, ref, rng, rounds, args.quick)
        rows += curve_rows
        ratios.append(ratio)
    rows += race_bls(rng, 1 if args.quick else rounds)

    # MSM of 2^10 on BN254's G1: per point, zkpot's MSM against py_ecc's multiply-and-add
    n = 1 << 10
    points, scalars = random_points(bn254.G1, n, rng), [rng.randrange(bn254.R) for _ in range(n)]
    sample = [
        (to_py_ecc(optimized_bn128, X), k) for X, k in zip(points[:16], scalars, strict=False)
    ]

    def py_ecc_sum():
        total = None
        for X, k in sample:
            total = optimized_bn128.add(total, optimized_bn128.multiply(X, k)) if total else \
                optimized_bn128.multiply(X, k)  # fmt: skip
        return total

    rows.append(("BN254 G1 MSM of 2^10 (per point)", race(
        {"zkpot": (lambda: msm(points, scalars), n),
         "py_ecc": (py_ecc_sum, len(sample))}, max(1, rounds // 2), 0.5)))  # fmt: skip

    main_table = format_table(rows, ["py_ecc"], markdown=args.markdown)
    check_table = markdown_table(
        ["operation", "zkpot", "relative"],
        [[f"{name} pairing_check of 2 pairs", format_time(t), f"{ratio:.2f}× one pairing"]
         for name, t, ratio in ratios],
    )  # fmt: skip
    msm_rows = msm_scaling(rng, 10 if args.quick else 16)
    print(main_table)
    print()
    print(check_table)
    print()
    print(msm_table(msm_rows))
    if args.save:
        print("wrote", save_table("curve", format_table(rows, ["py_ecc"], markdown=True)))
        print("wrote", save_table("curve_check", check_table))
        print("wrote", save_table("curve_msm", msm_table(msm_rows)))


def race_curve(name: str, curve, ref, rng: random.Random, rounds: int, quick: bool):
    """The rows for one curve, and (name, pairing_check time, its ratio to one pairing)."""
    check_agreement(curve, ref, rng)
    P, Q = curve.G1.random(rng), curve.G2.random(rng)
    P2, Q2 = curve.G1.random(rng), curve.G2.random(rng)
    rP, rQ = to_py_ecc(ref, P), to_py_ecc(ref, Q)
    k = rng.randrange(curve.R)
    pair_budget = 0.05 if quick else 0.3
    rows = [
        (f"{name} pairing", race(
            {"zkpot": (lambda: curve.pairing(P, Q), 1),
             "py_ecc": (lambda: ref.pairing(rQ, rP), 1)}, rounds, pair_budget)),
        (f"{name} G1 scalar mul", race(
            {"zkpot": (lambda: P * k, 1),
             "py_ecc": (lambda: ref.multiply(rP, k), 1)}, rounds)),
        (f"{name} G2 scalar mul", race(
            {"zkpot": (lambda: Q * k, 1),
             "py_ecc": (lambda: ref.multiply(rQ, k), 1)}, rounds)),
    ]  # fmt: skip
    check = race(
        {"zkpot": (lambda: curve.pairing_check([(P, Q), (P2, Q2)]), 1),
         "one": (lambda: curve.pairing(P, Q), 1)}, rounds, pair_budget)  # fmt: skip
    return rows, (name, check["zkpot"], check["zkpot"] / check["one"])


def race_bls(rng: random.Random, rounds: int):
    """BLS signatures, after checking that both sign alike and accept each other's signatures."""
    sk, message = rng.randrange(1, bls12_381.R), b"block root %d" % rng.randrange(1 << 32)
    pk, sig = bls.secret_to_public(sk), bls.sign(sk, message)
    assert pk == py_bls.SkToPk(sk) and sig == py_bls.Sign(sk, message)
    assert bls.verify(pk, message, sig) and py_bls.Verify(pk, message, sig)
    return [
        ("BLS12-381 hash_to_G2", race(
            {"zkpot": (lambda: hash_to_G2(message, bls.DST), 1),
             "py_ecc": (lambda: py_hash_to_G2(message, bls.DST, hashlib.sha256), 1)}, rounds)),
        ("BLS sign", race(
            {"zkpot": (lambda: bls.sign(sk, message), 1),
             "py_ecc": (lambda: py_bls.Sign(sk, message), 1)}, rounds)),
        ("BLS verify", race(
            {"zkpot": (lambda: bls.verify(pk, message, sig), 1),
             "py_ecc": (lambda: py_bls.Verify(pk, message, sig), 1)}, rounds)),
    ]  # fmt: skip


def random_points(G, n: int, rng: random.Random) -> list:
    """n distinct pseudo-random points, cheaply: a random start plus multiples of a random step."""
    start, step = G.random(rng), G.random(rng)
    points, current = [], start
    for _ in range(n):
        points.append(current)
        current = current + step
    return points


def msm_scaling(rng: random.Random, top: int) -> list[tuple[int, float, float, float, float]]:
    """MSMs of 2^8 … 2^top points, one core: with Jacobian buckets (``msm_jacobian``, the
    method before issue 16), with affine buckets but GLV switched off, and as ``msm`` runs
    (affine buckets and GLV); then ``msm`` on two workers (``PointTable``, after a first
    call that starts them, as a prover's later MSMs run). The four run in turn, two or
    three times, and each keeps its best time: a slow spell of this shared machine then
    does not fall on one method alone."""
    from zkpot.curve.parallel import PointTable
    from zkpot.curve.pippenger import msm_jacobian

    def timed(fn) -> tuple[float, object]:
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result

    rows = []
    for log_n in range(8, top + 1, 2):
        n = 1 << log_n
        points = random_points(bn254.G1, n, rng)
        scalars = [rng.randrange(bn254.R) for _ in range(n)]
        table = PointTable(points, workers=2)
        expected = msm_jacobian(points, scalars)
        assert table.msm(scalars, min_parallel=1) == expected  # starts the workers
        best = [float("inf")] * 4
        for _ in range(3 if log_n <= 14 else 2):  # in turn, the best of each: see below
            jacobian, _ = timed(lambda: msm_jacobian(points, scalars))  # noqa: B023
            glv, bn254.G1.ENDOMORPHISM = bn254.G1.ENDOMORPHISM, None
            try:
                affine, without = timed(lambda: msm(points, scalars))  # noqa: B023
            finally:
                bn254.G1.ENDOMORPHISM = glv
            sequential, result = timed(lambda: msm(points, scalars))  # noqa: B023
            assert result == without == expected
            parallel, _ = timed(lambda: table.msm(scalars, min_parallel=1))  # noqa: B023
            best = [min(b, t) for b, t in zip(best, (jacobian, affine, sequential, parallel),
                                               strict=True)]  # fmt: skip
        table.close()
        jacobian, affine, sequential, parallel = best
        rows.append((n, jacobian, affine, sequential, parallel))
        print(f"  MSM of 2^{log_n}: Jacobian buckets {format_time(jacobian)}, affine "
              f"{format_time(affine)}, affine + GLV {format_time(sequential)}, two workers "
              f"{format_time(parallel)}", flush=True)  # fmt: skip
    return rows


def msm_table(rows: list[tuple[int, float, float, float, float]]) -> str:
    return markdown_table(
        ["BN254 G1 MSM", "Jacobian buckets (before)", "affine buckets", "affine + GLV",
         "per point", "two workers", "speed-up, one core", "speed-up, two workers"],
        [[f"2^{n.bit_length() - 1} points", format_time(j), format_time(a), format_time(s),
          format_time(s / n), format_time(p), f"{j / s:.2f}×", f"{j / p:.2f}×"]
         for n, j, a, s, p in rows],
    )  # fmt: skip


if __name__ == "__main__":
    main()
