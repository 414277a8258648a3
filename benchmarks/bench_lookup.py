"""Lookups: rows per gadget with bits and with lookups, and both PLONK configurations timed.

    python benchmarks/bench_lookup.py             # domains of 2^10 … 2^16
    python benchmarks/bench_lookup.py --quick     # 2^8 and 2^10
    python benchmarks/bench_lookup.py --save      # also write benchmarks/tables/lookup*.md

The two configurations are timed on the same domain size: snarkjs's on a chain of
range checks by bits, the lookup configuration on a chain of range checks by an 8-bit
table filling the same domain. Each size runs in a fresh process (peak memory is
that size's own).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from harness import format_time, markdown_table, save_table

NOTE = (
    "Rows: gates plus lookups a zkpot gadget adds. zkpot's two PLONK configurations prove on "
    "the same domain; the lookup circuit holds its 256-row table in that domain."
)


def gadget_rows() -> list[list[str]]:
    """(gadget, rows with bits, rows with lookups) for the gadgets both modules have."""
    from zkpot.plonk import gadgets, lookup_gadgets
    from zkpot.plonk.circuit import Circuit

    def rows(build) -> int:
        c = Circuit()
        x = c.private_input("x")
        before = c.n_gates
        build(c, x)
        return c.n_gates - before

    cases = [
        ("assert_range, 16 bits", lambda m: lambda c, x: m.assert_range(c, x, 16)),
        ("assert_range, 24 bits", lambda m: lambda c, x: m.assert_range(c, x, 24)),
        ("assert_range, 32 bits", lambda m: lambda c, x: m.assert_range(c, x, 32)),
        ("assert_signed_range, 24 bits", lambda m: lambda c, x: m.assert_signed_range(c, x, 24)),
        ("rescale, f = 16, B = 24", lambda m: lambda c, x: m.rescale(c, x, 16, 24)),
    ]
    out = [[name, str(rows(case(gadgets))), str(rows(case(lookup_gadgets)))]
           for name, case in cases]  # fmt: skip
    relu_bits = rows(lambda c, x: gadgets.select(c, gadgets.is_negative(c, x, 23), 0, x))
    out.append(["ReLU and its sign, 24 bits", str(relu_bits),
                str(rows(lambda c, x: lookup_gadgets.relu(c, x, 24)))])  # fmt: skip
    return out


def one(log_n: int, lookups: bool) -> dict:
    """Prove and verify a chain of 16-bit range checks filling 2^log_n rows."""
    from zkpot.plonk import Circuit, gadgets, lookup_gadgets, preprocess, prove, verify
    from zkpot.poly.kzg import SRS

    n = 1 << log_n
    per_check = 3 if lookups else 31
    c = Circuit()
    out = c.public_input("out")
    x = c.private_input("x")
    acc, checks = x, 0
    while c.n_gates + per_check + 2 < n - 8:
        (lookup_gadgets if lookups else gadgets).assert_range(c, acc, 16)
        acc = c.add(acc, 1)
        checks += 1
    c.assert_equal(acc, out)
    srs = SRS.from_tau(0xB3AC4, n + 6)
    start = time.perf_counter()
    pk, vk = preprocess(c, srs)
    preprocessed = time.perf_counter() - start
    assert vk.n == n, (vk.n, n)
    start = time.perf_counter()
    proof = prove(pk, {"x": 7, "out": 7 + checks})
    proved = time.perf_counter() - start
    verified = min(_timed(lambda: verify(vk, [7 + checks], proof)) for _ in range(3))
    assert verify(vk, [7 + checks], proof) and not verify(vk, [8 + checks], proof)
    return {"checks": checks, "preprocess": preprocessed, "prove": proved, "verify": verified,
            "bytes": len(proof.to_bytes()),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2^8 and 2^10")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/lookup*.md")
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)  # log_n, lookups
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one[0], bool(args.one[1]))))
        return
    rows_table = markdown_table(["gadget", "rows with bits", "rows with lookups"], gadget_rows())
    print(rows_table, end="\n\n")
    sizes = [8, 10] if args.quick else [10, 12, 14, 16]
    table_rows = []
    for log_n in sizes:
        print(f"2^{log_n}…", flush=True)
        results = []
        for lookups in (0, 1):
            done = subprocess.run([sys.executable, __file__, "--one", str(log_n), str(lookups)],
                                  check=True, capture_output=True, text=True)  # fmt: skip
            results.append(json.loads(done.stdout.strip().split("\n")[-1]))
        plain, looked = results
        table_rows.append([
            f"2^{log_n}", str(plain["checks"]), str(looked["checks"]),
            format_time(plain["prove"]), format_time(looked["prove"]),
            f"{looked['prove'] / plain['prove']:.2f}×",
            format_time(plain["verify"]), format_time(looked["verify"]),
            f"{plain['bytes']} / {looked['bytes']}",
            f"{plain['peak_mb']:.0f} / {looked['peak_mb']:.0f} MB",
        ])  # fmt: skip
    header = ["domain", "16-bit checks (bits)", "(lookups)", "prove (bits)", "prove (lookups)",
              "lookups / bits", "verify (bits)", "verify (lookups)", "proof bytes",
              "peak memory"]  # fmt: skip
    times = markdown_table(header, table_rows)
    print(times)
    print(NOTE)
    if args.save:
        print("wrote", save_table("lookup_rows", rows_table))
        print("wrote", save_table("lookup", times + "\n\n" + NOTE))


if __name__ == "__main__":
    main()
