"""The proof of training: rows by part, and setup, prove and verify for several specs.

    python benchmarks/bench_training.py             # default, 2 and 4 steps, hidden 16, averaged
    python benchmarks/bench_training.py --quick     # a tiny 4-2-3 spec only
    python benchmarks/bench_training.py --save      # also write benchmarks/tables/training*.md
    python benchmarks/bench_training.py --averaging --save   # the default spec and averaged:
                                                   # benchmarks/tables/averaging_cost.md

Each spec runs in a fresh process (peak memory is its own): the development SRS, the
preprocessing (no key cache), one contribution of Iris participant 1 of 4 (the twin's
training, the witness and the proof), and its verification. The rows table sets zkpot's
circuit with range tables beside the same circuit with every range checked bit by bit,
the design a circuit without lookups would have to use.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import time

from harness import format_time, markdown_table, save_table

NOTE = (
    "Iris participant 1 of 4 (seed 0), one round from the first global model; the default "
    "spec is a 4-8-3 MLP, f = 16, B = 24, batch 8, 1 step, 30 test rows, 8-bit tables. "
    "Preprocessing without the key cache; verify is the best of three; peak memory is the "
    "process's maximum resident set."
)


def specs(quick: bool) -> list[tuple[str, dict]]:
    """(label, TrainingSpec fields) to measure."""
    if quick:
        tiny = {"sizes": (4, 2, 3), "log2_batch": 1, "steps": 1, "test_rows": 2}
        averaged = {**tiny, "participants": 3, "reach": 1}
        return [("4-2-3, batch 2, 1 step, 2 test rows", tiny),
                ("the same, averaged (3 participants)", averaged)]  # fmt: skip
    return [
        ("default (4-8-3, 1 step)", {}),
        ("2 steps", {"steps": 2}),
        ("4 steps", {"steps": 4}),
        ("hidden 16 (4-16-3)", {"sizes": (4, 16, 3)}),
        ("default, averaged (8 participants, 6 partners)", {"participants": 8, "reach": 3}),
    ]


def one(fields: dict) -> dict:
    """Set up, prove and verify one contribution for the spec; the measurements."""
    from zkpot.ml import aggregation as agg
    from zkpot.ml.contribution import dev_srs, prove_contribution, setup, verify_contribution
    from zkpot.ml.statement import TrainingSpec
    from zkpot.ml.task import iris_task

    spec = TrainingSpec(**{k: tuple(v) if k == "sizes" else v for k, v in fields.items()})
    task = iris_task(4, seed=0, spec=spec)
    slots, _ = task.slots(1)
    srs = dev_srs(spec)
    start = time.perf_counter()
    keys = setup(spec, srs)
    preprocessed = time.perf_counter() - start
    start = time.perf_counter()
    seeds = None  # an averaging spec masks its model: any seeds do for the timing
    if spec.averaged:
        seeds = agg.Seeds(11, tuple(range(12, 12 + spec.reach)), tuple(range(40, 40 + spec.reach)))
    proven = prove_contribution(keys, round=1, participant=1, global_layers=task.global_layers,
                                data=slots, data_salt=5, test=task.test, seeds=seeds)  # fmt: skip
    proved = time.perf_counter() - start
    c = proven.contribution
    verified = min(
        _timed(lambda: verify_contribution(keys, c.statement, c.proof)) for _ in range(3)
    )
    assert verify_contribution(keys, c.statement, c.proof)
    wrong = dataclasses.replace(c.statement, accuracy=(c.statement.accuracy + 1) % spec.test_rows)
    assert not verify_contribution(keys, wrong, c.proof)
    return {"rows": keys.circuit.cs.n_gates + len(keys.circuit.cs.public_inputs),
            "domain": keys.vk.n, "preprocess": preprocessed, "prove": proved,
            "verify": verified, "bytes": len(c.proof.to_bytes()),
            "accuracy": f"{c.statement.accuracy}/{spec.test_rows}",
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rows_table(fields: dict) -> str:
    """Rows of each part of the spec's circuit, with range tables and bit by bit."""
    from zkpot.ml.statement import TrainingSpec
    from zkpot.ml.training_circuit import cost_parts
    from zkpot.plonk.keys import domain_power

    spec = TrainingSpec(**fields)
    lookup, lookup_cs = cost_parts(spec)
    bits, bits_cs = cost_parts(dataclasses.replace(spec, table_bits=0))
    rows = [[part, f"{lookup[part]:,}", f"{bits[part]:,}", f"{bits[part] / lookup[part]:.1f}×"]
            for part in lookup]  # fmt: skip
    total_l, total_b = sum(lookup.values()), sum(bits.values())
    rows.append(["**total**", f"{total_l:,}", f"{total_b:,}", f"{total_b / total_l:.1f}×"])
    rows.append(["domain", f"2^{domain_power(lookup_cs)}", f"2^{domain_power(bits_cs)}", ""])
    return markdown_table(["part", "rows (zkpot, lookups)", "rows (bits)", "ratio"], rows)


def averaging_rows() -> str:
    """The rows private averaging adds to the default statement, per partner and in total,
    for 4, 8 and 16 participants with the default graph's partners (as ``zkpot cost``
    prints them)."""
    from zkpot.ml.aggregation import largest_reach
    from zkpot.ml.statement import TrainingSpec
    from zkpot.ml.training_circuit import masking_rows

    spec, rows = TrainingSpec(), []
    for n in (4, 8, 16):
        reach = largest_reach(n, n)
        own, total = masking_rows(spec, n, 0), masking_rows(spec, n, reach)
        rows.append([str(n), str(2 * reach), f"{own:,}", f"{(total - own) // (2 * reach):,}",
                     f"{total:,}"])  # fmt: skip
    header = ["participants", "partners", "own mask and hash", "per partner", "total"]
    return markdown_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny spec only")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/training*.md")
    parser.add_argument("--averaging", action="store_true",
                        help="the default spec and averaged only: averaging_cost.md")  # fmt: skip
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a spec's fields as JSON
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(json.loads(args.one))))
        return
    chosen = specs(args.quick)
    if args.averaging:
        chosen = [chosen[0], chosen[-1]]
    by_part = rows_table(chosen[0][1])
    print(by_part, end="\n\n")
    rows = []
    for label, fields in chosen:
        print(f"{label}…", flush=True)
        done = subprocess.run([sys.executable, __file__, "--one", json.dumps(fields)],
                              check=True, capture_output=True, text=True)  # fmt: skip
        m = json.loads(done.stdout.strip().split("\n")[-1])
        rows.append([label, f"{m['rows']:,}", f"{m['domain']:,}", format_time(m["preprocess"]),
                     format_time(m["prove"]), format_time(m["verify"]), str(m["bytes"]),
                     f"{m['peak_mb']:.0f} MB", m["accuracy"]])  # fmt: skip
    header = ["spec (zkpot)", "rows", "domain", "preprocess", "prove", "verify", "proof bytes",
              "peak memory", "accuracy"]  # fmt: skip
    times = markdown_table(header, rows)
    print(times)
    print(NOTE)
    if args.averaging:
        added = averaging_rows()
        print(added)
        if args.save:
            print("wrote", save_table("averaging_cost", added + "\n\n" + times + "\n\n" + NOTE))
    elif args.save:
        print("wrote", save_table("training_rows", by_part))
        print("wrote", save_table("training", times + "\n\n" + NOTE))


if __name__ == "__main__":
    main()
