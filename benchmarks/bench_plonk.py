"""PLONK at growing sizes: zkpot's prove and verify times, peak memory and proof size,
with snarkjs proving and verifying circom circuits of the same sizes beside it for scale.

    python benchmarks/bench_plonk.py                 # 2^8 … 2^16 gates, snarkjs up to 2^12
    python benchmarks/bench_plonk.py --quick         # 2^8 and 2^10, zkpot only
    python benchmarks/bench_plonk.py --save          # also write benchmarks/tables/plonk*.md

Then batch verification: 1, 4 and 16 proofs verified one by one and with verify_batch
(``--batch-only``: just that table); the ratio is the batch's time over one
verification's, one verification being the one-by-one time divided by the count.

Each size runs in a fresh process, so "peak memory" is that size's own peak RSS.
The circuit is a chain y ← y·x + i, two gates per step. snarkjs needs a powers-of-tau
file prepared for each size; preparing one grows about twice as slow per power, so
its side stops at --snarkjs-max (2^12 by default: its file takes a few minutes here).
References measured on this machine type (issue 5): plonkathon proves 2^10 gates in
about 29 s and verifies in about 5.8 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import format_time, markdown_table, run_measuring_memory, save_table

ROOT = Path(__file__).resolve().parent.parent
SNARKJS = ROOT / "node_modules" / ".bin" / "snarkjs"
CIRCOM = ROOT / "node_modules" / ".bin" / "circom2"


def zkpot_one(log_n: int) -> dict:
    """Measure one size in this process (called in a subprocess by main)."""
    from zkpot.curve import bn254
    from zkpot.plonk import Circuit, preprocess, prove, verify
    from zkpot.poly.kzg import SRS

    steps = ((1 << log_n) - 8) // 2
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    y, value = x, 3
    for i in range(steps):
        y = c.add(c.mul(y, x), i)
        value = (value * 3 + i) % bn254.R
    c.assert_equal(y, out)
    srs = SRS.from_tau(0xB3AC4, (1 << log_n) + 6)
    start = time.perf_counter()
    pk, vk = preprocess(c, srs)
    preprocessed = time.perf_counter() - start
    start = time.perf_counter()
    proof = prove(pk, {"x": 3, "out": value})
    proved = time.perf_counter() - start
    verified = min(_timed(lambda: verify(vk, [value], proof)) for _ in range(3))
    assert verify(vk, [value], proof) and not verify(vk, [value + 1], proof)
    return {"gates": pk.cs.n_gates, "n": vk.n, "preprocess": preprocessed, "prove": proved,
            "verify": verified, "bytes": len(proof.to_bytes()),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def batch_rows() -> list[list[str]]:
    """Verifying 1, 4 and 16 proofs of the x³ + x + 5 = out circuit one by one and as one
    batch (``verify_batch``): the best of three runs each."""
    import random

    from zkpot.plonk import Circuit, preprocess, prove, verify
    from zkpot.plonk.verifier import verify_batch
    from zkpot.poly.kzg import SRS

    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    c.assert_equal(c.add(c.add(c.mul(c.mul(x, x), x), x), c.constant(5)), out)
    pk, vk = preprocess(c, SRS.from_tau(0xB3AC4, 72))
    rng = random.Random(1)
    items = [(vk, [v**3 + v + 5], prove(pk, {"x": v, "out": v**3 + v + 5}, rng=rng))
             for v in range(16)]  # fmt: skip
    assert verify_batch(items) and all(verify(*i) for i in items)  # warm, and correct
    rows = []
    for n in (1, 4, 16):
        # one by one and as a batch in turn, five times, the best of each: a slow spell of
        # this shared machine then slows both, not one
        pairs = [(_timed(lambda n=n: all(verify(*i) for i in items[:n])),
                  _timed(lambda n=n: verify_batch(items[:n]))) for _ in range(5)]  # fmt: skip
        one_by_one, batch = min(a for a, _ in pairs), min(b for _, b in pairs)
        rows.append([str(n), format_time(one_by_one), format_time(batch),
                     f"{batch / (one_by_one / n):.1f}×"])  # fmt: skip
    return rows


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def snarkjs_one(log_n: int, ptau: Path, folder: Path) -> dict:
    """snarkjs on a circom chain of about 2^log_n constraints: prove and verify times."""
    steps = (1 << log_n) - 8
    (folder / "chain.circom").write_text(f"""pragma circom 2.0.0;
template Chain(N) {{
    signal input x;
    signal output out;
    signal s[N];
    s[0] <== x * x;
    for (var i = 1; i < N; i++) {{ s[i] <== s[i - 1] * x + i; }}
    out <== s[N - 1];
}}
component main = Chain({steps});
""")
    (folder / "input.json").write_text('{"x": 3}')
    run = lambda *a: subprocess.run([str(x) for x in a], cwd=folder, check=True,  # noqa: E731
                                    capture_output=True, text=True)  # fmt: skip
    run(CIRCOM, "chain.circom", "--r1cs", "--wasm", "-o", ".")
    run(SNARKJS, "plonk", "setup", "chain.r1cs", ptau, "key.zkey")
    run(SNARKJS, "zkey", "export", "verificationkey", "key.zkey", "vk.json")
    run(SNARKJS, "wtns", "calculate", "chain_js/chain.wasm", "input.json", "w.wtns")
    proved = _timed(
        lambda: run(SNARKJS, "plonk", "prove", "key.zkey", "w.wtns", "p.json", "pub.json")
    )
    verified = _timed(lambda: run(SNARKJS, "plonk", "verify", "vk.json", "pub.json", "p.json"))
    return {"prove": proved, "verify": verified}


def make_ptau(power: int, folder: Path) -> Path:
    for args in (("powersoftau", "new", "bn128", str(power), "a.ptau"),
                 ("powersoftau", "contribute", "a.ptau", "b.ptau", "--name=bench", "-e=bench"),
                 ("powersoftau", "prepare", "phase2", "b.ptau", "final.ptau")):  # fmt: skip
        subprocess.run([str(SNARKJS), *args], cwd=folder, check=True, capture_output=True)
    return folder / "final.ptau"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2^8 and 2^10, no snarkjs")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/plonk.md")
    parser.add_argument("--snarkjs-max", type=int, default=12, help="largest log2 size for snarkjs")
    parser.add_argument("--sizes", help="log2 sizes to run, e.g. 12,14 (default 8 … 16)")
    parser.add_argument("--save-as", default="plonk", help="the table's name (plonk)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a single size, as JSON
    parser.add_argument("--batch-only", action="store_true", help="only the batch table")
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(zkpot_one(args.one)))
        return
    if args.batch_only:
        batch = markdown_table(["proofs", "one by one", "verify_batch", "batch ÷ one verification"],
                               batch_rows())  # fmt: skip
        print(batch)
        if args.save:
            print("wrote", save_table("plonk_batch", batch))
        return
    sizes = [8, 10] if args.quick else [8, 10, 12, 14, 16]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",")]
    use_snarkjs = not args.quick and SNARKJS.exists() and CIRCOM.exists()
    measured = []  # (log_n, zkpot's figures, snarkjs's or None)
    with tempfile.TemporaryDirectory() as tmp:
        ptau = None
        if use_snarkjs:
            print(
                f"preparing a 2^{args.snarkjs_max + 1} powers-of-tau file with snarkjs…", flush=True
            )
            ptau = make_ptau(args.snarkjs_max + 1, Path(tmp))
        for log_n in sizes:
            print(f"2^{log_n} gates…", flush=True)
            ours = {}
            for workers in ("1", "2"):  # one core, then two worker processes
                command = [sys.executable, __file__, "--one", str(log_n)]
                env = {**os.environ, "ZKPOT_WORKERS": workers}
                out, peak = run_measuring_memory(command, env)
                ours[workers] = json.loads(out.strip().split("\n")[-1])
                ours[workers]["total_mb"] = peak
            theirs = None
            if ptau is not None and log_n <= args.snarkjs_max:
                folder = Path(tmp) / f"s{log_n}"
                folder.mkdir()
                theirs = snarkjs_one(log_n, ptau, folder)
            measured.append((log_n, ours, theirs))
    header = ["gates", "zkpot preprocess (1 core / 2 workers)", "zkpot prove (1 core)",
              "zkpot prove (2 workers)", "zkpot verify", "peak memory (1 core / 2 workers)",
              "proof bytes",
              "snarkjs prove", "snarkjs verify"]  # fmt: skip
    rows = []
    for log_n, ours, theirs in measured:
        s_prove = format_time(theirs["prove"]) if theirs else "—"
        s_verify = format_time(theirs["verify"]) if theirs else "—"
        one, two = ours["1"], ours["2"]
        cells = [f"2^{log_n}",
                 f"{format_time(one['preprocess'])} / {format_time(two['preprocess'])}",
                 format_time(one["prove"]), format_time(two["prove"]), format_time(one["verify"]),
                 f"{one['total_mb']:.0f} MB / {two['total_mb']:.0f} MB", str(one["bytes"]), s_prove,
                 s_verify]  # fmt: skip
        rows.append(cells)
    table = markdown_table(header, rows)
    note = (
        "snarkjs's times include starting node (about 0.3–0.5 s per command); "
        "its prover uses WebAssembly and both cores. zkpot's two workers (ZKPOT_WORKERS=2) "
        "compute the MSMs of 2^11 points or more and the NTTs of preprocessing and of the "
        "quotient; peak memory is the largest sum, sampled every 0.2 s, of the proportional "
        "set sizes of the process and its workers."
    )
    print(table)
    print(note)
    batch = markdown_table(["proofs", "one by one", "verify_batch", "batch ÷ one verification"],
                           batch_rows())  # fmt: skip
    print()
    print(batch)
    if args.save:
        print("wrote", save_table(args.save_as, table + "\n\n" + note))
        print("wrote", save_table("plonk_batch", batch))


if __name__ == "__main__":
    main()
