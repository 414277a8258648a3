"""Poseidon permutations per second: zkpot beside circomlibjs (via node) for t = 3 and t = 5.

    python benchmarks/bench_hash.py              # t = 3 and t = 5, both libraries
    python benchmarks/bench_hash.py --quick      # fewer rounds
    python benchmarks/bench_hash.py --save       # also write benchmarks/tables/hash.md

circomlibjs is timed inside one node process (``buildPoseidonReference`` and the
WebAssembly-backed ``buildPoseidon``), so node's start-up is not counted. Both sides
first hash the same inputs and the script checks that the digests agree.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

from harness import format_time, markdown_table, save_table

ROOT = Path(__file__).resolve().parent.parent
CIRCOMLIBJS = ROOT / "node_modules" / "circomlibjs"

NODE = """
import { buildPoseidon, buildPoseidonReference } from "circomlibjs";
const [n, seconds] = [Number(process.argv[1]), Number(process.argv[2])];
const inputs = Array.from({ length: n }, (_, i) => BigInt(i + 1));
const out = {};
for (const [name, build] of [["reference", buildPoseidonReference], ["wasm", buildPoseidon]]) {
    const h = await build();
    out[name + "_digest"] = h.F.toObject(h(inputs)).toString();
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < seconds) {
        for (let i = 0; i < 20; i++) h(inputs);
        calls += 20;
        elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    }
    out[name] = elapsed / calls;
}
console.log(JSON.stringify(out));
"""


def zkpot_time(n: int, seconds: float) -> tuple[float, int]:
    from zkpot.hash.poseidon import permute, poseidon

    state = [0, *range(1, n + 1)]
    digest = int(poseidon(list(range(1, n + 1))))
    best = float("inf")
    for _ in range(3):
        calls, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds / 3:
            permute(state)
            calls += 1
        best = min(best, elapsed / calls)
    return best, digest


def circomlibjs_time(n: int, seconds: float) -> dict | None:
    if not CIRCOMLIBJS.exists():
        return None
    done = subprocess.run(
        ["node", "--input-type=module", "-e", NODE, str(n), str(seconds)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 0.3 s per contender")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/hash.md")
    args = parser.parse_args()
    seconds = 0.3 if args.quick else 2.0
    header = ["permutation", "zkpot", "zkpot perms/s", "circomlibjs (reference)",
              "circomlibjs (wasm)", "wasm perms/s"]  # fmt: skip
    rows = []
    for t in (3, 5):
        ours, digest = zkpot_time(t - 1, seconds)
        theirs = circomlibjs_time(t - 1, seconds)
        if theirs is not None:
            assert int(theirs["reference_digest"]) == digest == int(theirs["wasm_digest"])
        ref = format_time(theirs["reference"]) if theirs else "—"
        wasm = format_time(theirs["wasm"]) if theirs else "—"
        wasm_rate = f"{1 / theirs['wasm']:,.0f}" if theirs else "—"
        cells = [f"t = {t}", format_time(ours), f"{1 / ours:,.0f}", ref, wasm, wasm_rate]
        rows.append(cells)
    table = markdown_table(header, rows)
    note = (
        "One permutation of R_F + R_P rounds (65 for t = 3, 68 for t = 5); circomlibjs is "
        "timed inside node, its reference on ffjavascript's BigInt field, its default "
        "`buildPoseidon` in WebAssembly."
    )
    print(table)
    print(note)
    if args.save:
        print("wrote", save_table("hash", table + "\n\n" + note))


if __name__ == "__main__":
    main()
