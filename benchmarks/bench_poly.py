"""Polynomials and commitments: zkpot beside galois, py_ecc and ckzg, in one run.

    python benchmarks/bench_poly.py            # the tables
    python benchmarks/bench_poly.py --quick    # fewer rounds, a small ceremony
    python benchmarks/bench_poly.py --save     # also write benchmarks/tables/poly*.md

- NTT: zkpot's against galois's. ``galois.ntt`` first builds GF(r) with full
  verification (about 90 s here, then cached) and then runs ``np.fft.fft`` on a
  GF(r) array; the race times that transform on a field built with
  ``verify=False``, so only the transforms are compared.
- verify_kzg_proof: zkpot's against the same check written on py_ecc's
  optimized BLS12-381 (decompress, two Miller loops, one final exponentiation).
- blob_to_kzg_commitment: zkpot's, with ckzg's (C, with blst) beside it for scale,
  on a 4096-point setup generated here for a known τ.
- A three-party powers-of-tau ceremony: time to contribute and to verify.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

import ckzg
import galois
import numpy as np
from harness import format_table, format_time, markdown_table, race, save_table
from py_ecc import optimized_bls12_381 as b12
from py_ecc.bls.point_compression import decompress_G1
from py_ecc.optimized_bls12_381.optimized_pairing import miller_loop

from zkpot.field import bn254
from zkpot.poly import ceremony
from zkpot.poly import eip4844 as E
from zkpot.poly.ntt import ntt


def py_ecc_verify_kzg_proof(commitment: bytes, z: bytes, y: bytes, proof: bytes, tau_g2) -> bool:
    """EIP-4844's verify_kzg_proof as a py_ecc user would write it."""
    r = b12.curve_order
    C = decompress_G1(int.from_bytes(commitment, "big"))
    pi = decompress_G1(int.from_bytes(proof, "big"))
    zi, yi = int.from_bytes(z, "big"), int.from_bytes(y, "big")
    p_minus_y = b12.add(C, b12.multiply(b12.G1, (r - yi) % r))
    x_minus_z = b12.add(tau_g2, b12.multiply(b12.G2, (r - zi) % r))
    f = miller_loop(b12.neg(b12.G2), p_minus_y, False) * miller_loop(x_minus_z, pi, False)
    return b12.final_exponentiate(f) == b12.FQ12.one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, a 2^6 ceremony")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/poly*.md")
    args = parser.parse_args()
    rounds = 2 if args.quick else 5
    rng = random.Random(1)
    rows = []

    # 1. NTT of 2^12 and 2^16 over BN254's Fr
    r = bn254.R
    GF = galois.GF(r, primitive_element=5, verify=False)
    for k in (12, 16):
        n = 1 << k
        values = [rng.randrange(r) for _ in range(n)]
        omega = int(bn254.Fr.root_of_unity(n))
        array = GF(values)
        assert ntt(values, omega, r) == [int(v) for v in np.fft.fft(array)]  # same ω (from 5)
        rows.append((f"NTT of 2^{k}", race(
            {"zkpot": (lambda v=values, w=omega: ntt(v, w, r), 1),
             "galois": (lambda a=array: np.fft.fft(a), 1)}, rounds, 0.2)))  # fmt: skip

    # 2. EIP-4844 with a generated setup
    tau = rng.randrange(E.BLS_MODULUS)
    ts = E.insecure_trusted_setup(tau)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trusted_setup.txt"
        E.write_trusted_setup(ts, path)
        ck = ckzg.load_trusted_setup(str(path), 0)
    blob = b"".join(rng.randrange(E.BLS_MODULUS).to_bytes(32, "big") for _ in range(4096))
    commitment = E.blob_to_kzg_commitment(blob, ts)
    assert commitment == ckzg.blob_to_kzg_commitment(blob, ck)
    z = rng.randrange(E.BLS_MODULUS).to_bytes(32, "big")
    proof, y = E.compute_kzg_proof(blob, z, ts)
    tau_g2 = b12.multiply(b12.G2, tau)
    assert E.verify_kzg_proof(commitment, z, y, proof, ts)
    assert py_ecc_verify_kzg_proof(commitment, z, y, proof, tau_g2)
    rows.append(("verify_kzg_proof", race(
        {"zkpot": (lambda: E.verify_kzg_proof(commitment, z, y, proof, ts), 1),
         "py_ecc": (lambda: py_ecc_verify_kzg_proof(commitment, z, y, proof, tau_g2), 1)},
        max(1, rounds // 2), 0.5)))  # fmt: skip
    rows.append(("blob_to_kzg_commitment (4096)", race(
        {"zkpot": (lambda: E.blob_to_kzg_commitment(blob, ts), 1),
         "ckzg": (lambda: ckzg.blob_to_kzg_commitment(blob, ck), 1)}, 1, 0.5)))  # fmt: skip
    rows.append(("compute_kzg_proof (4096)", race(
        {"zkpot": (lambda: E.compute_kzg_proof(blob, z, ts), 1),
         "ckzg": (lambda: ckzg.compute_kzg_proof(blob, z, ck), 1)}, 1, 0.5)))  # fmt: skip
    others = ["galois", "py_ecc", "ckzg"]
    table = format_table(rows, others, markdown=args.markdown)

    # 3. a three-party ceremony
    size = 1 << (6 if args.quick else 12)
    ceremony_rows = []
    state = ceremony.start(size)
    before = os.environ.get("ZKPOT_WORKERS")
    for name in ("alice", "bob", "carol"):
        times = []
        for workers in ("1", "2"):  # one core, then two workers (zkpot.curve.parallel)
            os.environ["ZKPOT_WORKERS"] = workers
            start = time.perf_counter()
            contribution = ceremony.contribute(state, name)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        state = ceremony.verify_contribution(state, contribution)
        ceremony_rows.append((name, *times, time.perf_counter() - start))
    if before is None:
        os.environ.pop("ZKPOT_WORKERS", None)
    else:
        os.environ["ZKPOT_WORKERS"] = before
    ceremony_table = markdown_table(
        [f"BN254 ceremony, 2^{size.bit_length() - 1} powers", "contribute (1 core)",
         "contribute (2 workers)", "verify"],
        [[name, format_time(c1), format_time(c2), format_time(v)]
         for name, c1, c2, v in ceremony_rows],
    )  # fmt: skip

    print(table)
    print()
    print(ceremony_table)
    if args.save:
        print("wrote", save_table("poly", format_table(rows, others, markdown=True)))
        print("wrote", save_table("poly_ceremony", ceremony_table))


if __name__ == "__main__":
    main()
