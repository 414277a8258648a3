"""Training cost of fixed point: one epoch of the 4-8-3 MLP on Iris, float beside fixed.

    python benchmarks/bench_ml.py              # every contender, a few seconds each
    python benchmarks/bench_ml.py --quick      # fewer rounds
    python benchmarks/bench_ml.py --save       # also write benchmarks/tables/ml.md

The reference a user would otherwise train with is numpy in float64: zkpot's float twin
is exactly that. Beside it: the fixed-point twin in int64 (B = 24, where the sums of
products are proven to fit), the same twin summing products in Python integers (B = 48),
with everything stored as Python integers (B = 70), and a plain-Python loop over integers
(the tests' bit-exact reference, as a circuit's witness generator might be written).
Before timing, the script checks that all fixed-point contenders end the epoch with the
same integers. Peak memory of one epoch is measured with tracemalloc.
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
from pathlib import Path

from harness import format_time, markdown_table, race, save_table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.ml.test_model import python_step
from zkpot.ml.datasets import iris_split
from zkpot.ml.fixedpoint import FixedPoint
from zkpot.ml.model import MLP, FixedArithmetic, initial_layers
from zkpot.ml.train import Schedule

FORMATS = {"fixed, int64 (B = 24)": 24, "fixed, Python-int sums (B = 48)": 48,
           "fixed, Python ints (B = 70)": 70}  # fmt: skip


def epoch_runner(model: MLP, schedule: Schedule, x, targets):
    batches = schedule.batches(len(x))[0]
    x, targets = model.encode(x), model.encode(targets)

    def epoch() -> MLP:
        for rows in batches:
            model.step(model.backward(model.forward(x[rows]), targets[rows]), schedule.log2_lr)
        return model

    return epoch


def python_runner(layers, schedule: Schedule, x, targets, fmt: FixedPoint):
    batches = schedule.batches(len(x))[0]
    x, targets = fmt.quantize_array(x).tolist(), fmt.quantize_array(targets).tolist()
    state = [(fmt.quantize_array(layer.weight).tolist(), fmt.quantize_array(layer.bias).tolist())
             for layer in layers]  # fmt: skip

    def epoch() -> list:
        nonlocal state
        for rows in batches:
            xs, ts = [x[i] for i in rows], [targets[i] for i in rows]
            state = python_step(state, xs, ts, fmt.frac_bits, schedule.log2_lr)
        return state

    return epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/ml.md")
    args = parser.parse_args()
    train_set, _ = iris_split()
    schedule = Schedule(epochs=1)
    layers = initial_layers([4, 8, 3], fmt=FixedPoint())
    x, targets = train_set.x, train_set.one_hot()

    runners = {"float (numpy float64)": epoch_runner(MLP(layers), schedule, x, targets)}
    for name, bound_bits in FORMATS.items():
        model = MLP(layers, FixedArithmetic(FixedPoint(bound_bits=bound_bits)))
        runners[name] = epoch_runner(model, schedule, x, targets)
    runners["fixed, plain-Python loops"] = python_runner(layers, schedule, x, targets, FixedPoint())

    # the same integers after one epoch, whichever way they were computed
    ends = [runners[name]() for name in FORMATS]
    loops = runners["fixed, plain-Python loops"]()
    for model in ends:
        for layer, (w, b) in zip(model.layers, loops, strict=True):
            assert layer.weight.tolist() == w and layer.bias.tolist() == b

    memory = {}
    for name, run in runners.items():
        tracemalloc.start()
        run()
        memory[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    best = race({name: (run, 1) for name, run in runners.items()}, rounds=3 if args.quick else 10)
    reference = best["float (numpy float64)"]
    steps = len(schedule.batches(len(x))[0])
    header = ["one epoch (120 rows, 15 steps of 8)", "zkpot", "per step", "vs float",
              "peak memory"]  # fmt: skip
    rows = [
        [
            name,
            format_time(seconds),
            format_time(seconds / steps),
            f"{seconds / reference:.1f}×",
            f"{memory[name] / 1024:.0f} KiB",
        ]
        for name, seconds in best.items()
    ]
    table = markdown_table(header, rows)
    note = (
        f"The 4-8-3 MLP on Iris's {len(x)} training rows, batches of {schedule.batch_size}; "
        "every fixed-point contender ends the epoch with the same integers (checked)."
    )
    print(table)
    print(note)
    if args.save:
        print("wrote", save_table("ml", table + "\n\n" + note))


if __name__ == "__main__":
    main()
