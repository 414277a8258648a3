"""The ``zkpot`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import zkpot

DESCRIPTION = """\
zkpot — Zero-Knowledge Proof of Training consensus, from the finite field up.

A participant in federated learning proves with a zk-SNARK that it trained its
model correctly and that the model reaches a stated accuracy, without showing
its data or its weights; the chain's validators check the short proof, and the
best proven contribution proposes the next block.

This release implements the bottom layers: prime fields and the Fq2/Fq6/Fq12
tower (zkpot.field); the groups, pairings, MSM and EVM precompiles of BN254 and
BLS12-381 (zkpot.curve); polynomials, the NTT, KZG commitments, EIP-4844 and a
powers-of-tau ceremony (zkpot.poly); PLONK (zkpot.plonk) and Poseidon
(zkpot.hash); fixed-point neural networks trained bit-exactly in integers
(zkpot.ml). Try `zkpot demo`, `zkpot explain` and `zkpot quantize-report`.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zkpot",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zkpot {zkpot.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="a guided tour of what zkpot does today",
        description="A guided tour: each value printed with what it means and a check.",
    )
    demo.add_argument("--seed", type=int, default=2024, help="seed for the random values shown")
    explain = commands.add_parser(
        "explain",
        help="one PLONK proof of x³ + x + 5 = 35, round by round",
        description="Prove x³ + x + 5 = 35 and print every round of the prover and the verifier.",
    )
    explain.add_argument("--seed", type=int, default=1, help="seed for τ and the blinding")
    report = commands.add_parser(
        "quantize-report",
        help="train an MLP in float and fixed point; what quantization costs, per layer",
        description="Train an MLP in float and in fixed point side by side (same initial "
        "weights, same batches) and compare them layer by layer on the test set.",
    )
    report.add_argument("--dataset", choices=("iris", "blobs"), default="iris")
    report.add_argument(
        "--hidden", default="8", help="hidden layer widths, comma-separated (default: 8)"
    )
    report.add_argument("--frac-bits", type=int, default=16, help="f: fractional bits (16)")
    report.add_argument("--bound-bits", type=int, default=24, help="B: |v| < 2^(B−1) (24)")
    report.add_argument("--epochs", type=int, default=100, help="passes over the data (100)")
    report.add_argument("--log2-lr", type=int, default=4, help="learning rate 2^−k (k = 4)")
    report.add_argument("--log2-batch", type=int, default=3, help="batch size 2^k (k = 3)")
    report.add_argument("--seed", type=int, default=0, help="seed for split, weights, batches")
    report.add_argument("--plots", metavar="DIR", help="also write PNG plots into DIR")
    return parser


def quantize_report(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """``zkpot quantize-report``: train the twins, print the table and the two accuracies."""
    from zkpot.errors import ZkpotError
    from zkpot.ml.fixedpoint import FixedPoint
    from zkpot.ml.report import quantize_report
    from zkpot.ml.train import Schedule

    try:
        hidden = [int(width) for width in args.hidden.split(",") if width.strip()]
        fmt = FixedPoint(frac_bits=args.frac_bits, bound_bits=args.bound_bits)
        schedule = Schedule(
            epochs=args.epochs, log2_lr=args.log2_lr, log2_batch=args.log2_batch, seed=args.seed
        )
        report = quantize_report(
            dataset=args.dataset,
            hidden=hidden,
            fmt=fmt,
            schedule=schedule,
            seed=args.seed,
            progress=print,
        )
    except (ZkpotError, ValueError) as error:  # FixedPointOverflow is a ZkpotError too
        parser.exit(2, f"zkpot quantize-report: {error}\n")
    if args.plots:
        try:
            for path in report.plot(args.plots):
                print(f"wrote {path}")
        except ModuleNotFoundError as missing:
            parser.exit(2, f"zkpot quantize-report: {missing}\n")
    print()
    print(report.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from zkpot.demo import commitment_tour, curve_tour, field_tour, ml_tour

        field_tour(seed=args.seed)
        curve_tour(seed=args.seed)
        commitment_tour(seed=args.seed)
        ml_tour(seed=args.seed)
        return 0
    if args.command == "explain":
        from zkpot.plonk.explain import explain

        return 0 if explain(seed=args.seed) else 1
    if args.command == "quantize-report":
        return quantize_report(parser, args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
