"""Lookups and custom gates: rows per gadget, and the configurations timed on one domain.

    python benchmarks/bench_lookup.py             # domains of 2^10 … 2^16
    python benchmarks/bench_lookup.py --quick     # 2^8 and 2^10
    python benchmarks/bench_lookup.py --save      # also write benchmarks/tables/lookup*.md

The configurations are timed on the same domain size: snarkjs's on a chain of range
checks by bits, the lookup configuration on a chain of range checks by an 8-bit table
filling the same domain; then Poseidon permutations with plain gates against the
custom round gate. Each size runs in a fresh process (peak memory is that size's own).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from harness import format_time, markdown_table, save_table

CUSTOM_NOTE = (
    "Chains of Poseidon permutations of width 3 filling the same domain, with zkpot's plain "
    "gates (snarkjs's configuration) and with the round gate (the custom configuration, its "
    "quotient on a coset of 8n)."
)
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


def one(log_n: int, mode: int) -> dict:
    """Prove and verify a chain filling 2^log_n rows: 16-bit range checks by bits (mode 0)
    or by lookups (1); Poseidon permutations by plain gates (2) or round gates (3)."""
    from zkpot.hash.poseidon import permute
    from zkpot.plonk import Circuit, gadgets, lookup_gadgets, preprocess, prove, verify
    from zkpot.plonk import poseidon_circuit as pc
    from zkpot.plonk.keys import srs_size
    from zkpot.poly.kzg import SRS

    n = 1 << log_n
    per_check = {0: 31, 1: 3, 2: 594, 3: 68}[mode]
    c = Circuit()
    out = c.public_input("out")
    x = c.private_input("x")
    acc, checks = x, 0
    value = 7
    while c.n_gates + per_check + 2 < n - 8:
        if mode < 2:
            (lookup_gadgets if mode else gadgets).assert_range(c, acc, 16)
            acc = c.add(acc, 1)
            value += 1
        else:
            state = [0, acc, 1]
            acc = pc.permute_rows(c, state)[0] if mode == 3 else pc.hash(c, [acc, 1])
            value = permute([0, value, 1])[0]
        checks += 1
    c.assert_equal(acc, out)
    srs = SRS.from_tau(0xB3AC4, srs_size(c))
    start = time.perf_counter()
    pk, vk = preprocess(c, srs)
    preprocessed = time.perf_counter() - start
    assert vk.n == n, (vk.n, n)
    start = time.perf_counter()
    proof = prove(pk, {"x": 7, "out": value})
    proved = time.perf_counter() - start
    verified = min(_timed(lambda: verify(vk, [value], proof)) for _ in range(3))
    assert verify(vk, [value], proof) and not verify(vk, [value + 1], proof)
    return {"checks": checks, "preprocess": preprocessed, "prove": proved, "verify": verified,
            "bytes": len(proof.to_bytes()),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(sizes: list[int], modes: tuple[int, int], what: str) -> str:
    """Both modes at each size, each in a fresh process, as one Markdown table."""
    rows = []
    for log_n in sizes:
        print(f"{what}, 2^{log_n}…", flush=True)
        results = []
        for mode in modes:
            done = subprocess.run([sys.executable, __file__, "--one", str(log_n), str(mode)],
                                  check=True, capture_output=True, text=True)  # fmt: skip
            results.append(json.loads(done.stdout.strip().split("\n")[-1]))
        old, new = results
        rows.append([
            f"2^{log_n}", str(old["checks"]), str(new["checks"]),
            format_time(old["prove"]), format_time(new["prove"]),
            f"{new['prove'] / old['prove']:.2f}×",
            format_time(old["verify"]), format_time(new["verify"]),
            f"{old['bytes']} / {new['bytes']}",
            f"{old['peak_mb']:.0f} / {new['peak_mb']:.0f} MB",
        ])  # fmt: skip
    before, after = ("bits", "lookups") if modes == (0, 1) else ("plain", "round gates")
    header = ["domain", f"{what} ({before})", f"({after})", f"prove ({before})",
              f"prove ({after})", "ratio", f"verify ({before})", f"verify ({after})",
              "proof bytes", "peak memory"]  # fmt: skip
    return markdown_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2^8 and 2^10")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/lookup*.md")
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)  # log_n, mode
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one[0], args.one[1])))
        return
    rows_table = markdown_table(["gadget", "rows with bits", "rows with lookups"], gadget_rows())
    print(rows_table, end="\n\n")
    sizes = [8, 10] if args.quick else [10, 12, 14, 16]
    times = compare(sizes, (0, 1), "16-bit checks")
    print(times)
    print(NOTE)
    custom = compare([10] if args.quick else [10, 12, 14], (2, 3), "Poseidon permutations")
    print(custom)
    print(CUSTOM_NOTE)
    if args.save:
        print("wrote", save_table("lookup_rows", rows_table))
        print("wrote", save_table("lookup", times + "\n\n" + NOTE))
        print("wrote", save_table("custom", custom + "\n\n" + CUSTOM_NOTE))


if __name__ == "__main__":
    main()
