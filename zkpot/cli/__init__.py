"""The ``zkpot`` command."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import zkpot

DESCRIPTION = """\
zkpot — Zero-Knowledge Proof of Training consensus, from the finite field up.

A participant in federated learning proves with a zk-SNARK that it trained its
model correctly and that the model reaches a stated accuracy, without showing
its data or its weights; the chain's validators check the short proof, and the
best proven contribution proposes the next block.

The layers: prime fields and the Fq2/Fq6/Fq12 tower (zkpot.field); the
groups, pairings, MSM, EVM precompiles and BLS signatures of BN254 and
BLS12-381 (zkpot.curve); polynomials, the NTT, KZG commitments, EIP-4844 and a
powers-of-tau ceremony (zkpot.poly); PLONK (zkpot.plonk) and Poseidon
(zkpot.hash); fixed-point neural networks trained bit-exactly in integers and
the proof of training (zkpot.ml); the chain (zkpot.chain). Try `zkpot demo`,
`zkpot simulate`, `zkpot devnet`, `zkpot tour`, `zkpot explain`, `zkpot cost` and
`zkpot assignments`.
"""


def non_negative_int(text: str) -> int:
    """An option's value as an int ≥ 0 (argparse reports the option and the value)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 0, got {value}")
    return value


WORKERS_HELP = "worker processes (0: $ZKPOT_WORKERS, else one per core; 1: all in this process)"


def add_workers_option(command: argparse.ArgumentParser) -> None:
    """``--workers N``: sets ``ZKPOT_WORKERS`` for the command (:func:`use_workers`)."""
    command.add_argument("--workers", type=non_negative_int, default=0, metavar="N",
                         help=WORKERS_HELP)  # fmt: skip


def use_workers(args: argparse.Namespace) -> None:
    """A command's ``--workers N`` (N ≥ 1) as ``ZKPOT_WORKERS``, which every pool reads
    (:func:`zkpot.curve.parallel.default_workers`); 1 runs everything in this process."""
    if getattr(args, "workers", 0):
        os.environ["ZKPOT_WORKERS"] = str(args.workers)


def widths(text: str) -> list[int]:
    """``--hidden``: comma-separated layer widths, each ≥ 1, at least one of them."""
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        raise argparse.ArgumentTypeError("give at least one hidden layer width, e.g. 8 or 16,8")
    try:
        values = [int(part) for part in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected widths separated by commas, e.g. 16,8; got {text!r}"
        ) from None
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"every width must be ≥ 1, got {text!r}")
    return values


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
        help="a ZKPoT chain end to end: ceremony, proofs, a Byzantine participant, a leader",
        description="Four participants (one Byzantine) on Iris: the powers-of-tau ceremony at "
        "genesis, then rounds in which each proves its training and accuracy, the validators "
        "check every proof, and the best verified contribution leads and finalizes the block.",
    )
    demo.add_argument("--seed", type=non_negative_int, default=1,
                      help="seeds the data split and the first model (1)")  # fmt: skip
    demo.add_argument("--rounds", type=non_negative_int, default=3, help="rounds to run (3)")
    demo.add_argument("--quick", action="store_true", help="one round instead of three")
    add_workers_option(demo)
    tour = commands.add_parser(
        "tour",
        help="a guided tour of the layers, from the field to a proof of training",
        description="A guided tour: each value printed with what it means and a check.",
    )
    tour.add_argument(
        "--seed", type=non_negative_int, default=2024, help="seed for the random values shown"
    )
    tour.add_argument(
        "--quick", action="store_true",
        help="prove a tiny 4-2-3 network instead of the default 4-8-3 one (seconds, not minutes)",
    )  # fmt: skip
    add_workers_option(tour)
    explain = commands.add_parser(
        "explain",
        help="one PLONK proof of x³ + x + 5 = 35, round by round",
        description="Prove x³ + x + 5 = 35 and print every round of the prover and the verifier.",
    )
    explain.add_argument(
        "--seed", type=non_negative_int, default=1, help="seed for τ and the blinding"
    )
    explain.add_argument(
        "--lookup", action="store_true", help="a proof with a lookup (x in [0, 4)), LogUp's steps"
    )
    add_workers_option(explain)
    report = commands.add_parser(
        "quantize-report",
        help="train an MLP in float and fixed point; what quantization costs, per layer",
        description="Train an MLP in float and in fixed point side by side (same initial "
        "weights, same batches) and compare them layer by layer on the test set.",
    )
    report.add_argument("--dataset", choices=("iris", "blobs"), default="iris")
    report.add_argument(
        "--hidden", type=widths, default=[8], help="hidden layer widths, comma-separated (8)"
    )
    for option, default, text in (
        ("--frac-bits", 16, "f: fractional bits (16)"),
        ("--bound-bits", 24, "B: |v| < 2^(B−1) (24)"),
        ("--epochs", 100, "passes over the data (100)"),
        ("--log2-lr", 4, "learning rate 2^−k (k = 4)"),
        ("--log2-batch", 3, "batch size 2^k (k = 3)"),
        ("--seed", 0, "seed for split, weights, batches (0)"),
    ):
        report.add_argument(option, type=non_negative_int, default=default, help=text)
    report.add_argument("--plots", metavar="DIR", help="also write PNG plots into DIR")
    course = commands.add_parser(
        "assignments",
        help="course assignments: list them, grade a student's file or a folder of them",
        description="Exercises that walk from the field to a ZKPoT round, each with a starter "
        "to fill in and an autograder. `list` shows them; `check N FILE` grades FILE against "
        "assignment N: a score, each failed check's message, exit status 0 only when every "
        "check passes; `grade N FOLDER --csv OUT` grades every .py file in FOLDER into a "
        "table of names, points and failures. A file that uses zkpot's own solution of what "
        "it is asked to write scores zero. Instructors: see assignments/README.md.",
    )
    actions = course.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the assignments, with their READMEs")
    check = actions.add_parser("check", help="grade a solution file")
    check.add_argument("number", type=non_negative_int, help="the assignment's number")
    check.add_argument("path", help="the student's file (a filled-in copy of starter.py)")
    folder = actions.add_parser("grade", help="grade a folder of submissions: a table of points")
    folder.add_argument("number", type=non_negative_int, help="the assignment's number")
    folder.add_argument("folder", help="the submissions, one .py file each")
    folder.add_argument("--csv", metavar="FILE", help="also write the table as CSV to FILE")
    for command in (check, folder):
        command.add_argument("--time-limit", type=float, default=None, metavar="S",
                             help="seconds each check may run (60)")  # fmt: skip
    from zkpot.cli.chain import add_parsers as add_chain_parsers
    from zkpot.cli.training import add_parsers

    for command in (demo, tour, explain, report, course, *add_parsers(commands),
                    *add_chain_parsers(commands)):  # fmt: skip
        command.set_defaults(parser=command)
    return parser


def assignments_command(args: argparse.Namespace) -> int:
    """``zkpot assignments list``, ``check N FILE`` and ``grade N FOLDER``."""
    from zkpot import assignments

    try:
        if args.action == "list":
            for a in assignments.discover():
                print(f"{a.number:>2}  {a.title}")
                print(f"    {a.readme}   (builds on docs/{a.layer})")
            return 0
        limit = assignments.TIME_LIMIT if args.time_limit is None else args.time_limit
        if limit <= 0:
            raise assignments.AssignmentError("--time-limit must be a positive number of seconds")
        if args.action == "grade":
            rows = assignments.grade_folder(assignments.find(args.number), args.folder,
                                            args.csv, time_limit=limit)  # fmt: skip
            for name, points, out_of, failures in rows:
                print(f"{name}\t{points}/{out_of}\t{failures}")
            return 0
        report = assignments.grade(assignments.find(args.number), args.path, time_limit=limit)
    except assignments.AssignmentError as error:
        args.parser.error(str(error))
    print(report.summary())
    return 0 if report.ok else 1


def quantize_report(args: argparse.Namespace) -> int:
    """``zkpot quantize-report``: train the twins, print the table and the two accuracies.

    Every option is checked before any training: the format, the schedule, the plot
    directory (and that matplotlib is there to draw into it), and that the data fit
    the format.
    """
    from zkpot.errors import ZkpotError
    from zkpot.ml.fixedpoint import FixedPoint
    from zkpot.ml.report import quantize_report
    from zkpot.ml.train import Schedule

    fail = args.parser.error
    try:
        fmt = FixedPoint(frac_bits=args.frac_bits, bound_bits=args.bound_bits)
        schedule = Schedule(
            epochs=args.epochs, log2_lr=args.log2_lr, log2_batch=args.log2_batch, seed=args.seed
        )
    except (ZkpotError, ValueError) as error:
        fail(str(error))
    if args.plots is not None:
        plots = Path(args.plots)
        existing = next(p for p in (plots, *plots.parents) if p.exists())  # "." at the latest
        if not existing.is_dir():
            fail(f"argument --plots: {existing} exists and is not a directory")
        if importlib.util.find_spec("matplotlib") is None:
            fail("argument --plots: plots need matplotlib: pip install 'zkpot[plots]'")
    try:
        report = quantize_report(
            dataset=args.dataset,
            hidden=args.hidden,
            fmt=fmt,
            schedule=schedule,
            seed=args.seed,
            progress=print,
        )
    except (ZkpotError, ValueError) as error:  # FixedPointOverflow is a ZkpotError too
        fail(str(error))
    if args.plots:
        try:
            for path in report.plot(args.plots):
                print(f"wrote {path}")
        except OSError as error:  # a directory we may not write into, a full disk
            fail(f"argument --plots: {error}")
    print()
    print(report.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    A bad option, or a value the library refuses, ends the command before any work
    with ``zkpot COMMAND: error: …`` on standard error and exit status 2.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = run(parser, args)
        sys.stdout.flush()  # here, so that a closed pipe is caught below, not at exit
        return status
    except BrokenPipeError:  # `zkpot demo | head`: the reader left, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, with the shell's status for SIGINT
        print(f"\nzkpot {args.command}: interrupted", file=sys.stderr)
        return 130


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The command ``args`` names, its options already parsed and checked."""
    use_workers(args)
    if args.command == "demo":
        from zkpot.demo import chain_demo

        rounds = 1 if args.quick else args.rounds
        chain_demo(seed=args.seed, rounds=rounds, workers=args.workers or None)
        return 0
    if args.command == "tour":
        from zkpot.cli.training import default_cache
        from zkpot.demo import commitment_tour, curve_tour, field_tour, ml_tour, training_tour

        field_tour(seed=args.seed)
        curve_tour(seed=args.seed)
        commitment_tour(seed=args.seed)
        ml_tour(seed=args.seed)
        training_tour(seed=args.seed, quick=args.quick, cache_dir=str(default_cache()))
        return 0
    if args.command == "explain":
        from zkpot.plonk.explain import explain, explain_lookup

        return 0 if (explain_lookup if args.lookup else explain)(seed=args.seed) else 1
    if args.command == "quantize-report":
        return quantize_report(args)
    if args.command == "assignments":
        return assignments_command(args)
    if args.command in ("prove-training", "verify-training", "cost"):
        from zkpot.cli import training

        handler = {"prove-training": training.prove_training,
                   "verify-training": training.verify_training, "cost": training.cost}  # fmt: skip
        return handler[args.command](args)
    if args.command in ("simulate", "node", "devnet", "chaos", "experiment"):
        from zkpot.cli import chain

        return getattr(chain, args.command)(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
