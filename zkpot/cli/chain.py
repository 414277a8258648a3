"""``zkpot simulate``: the ZKPoT chain on the simulator, with a JSON report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from zkpot.errors import ZkpotError


def _behaviours(text: str) -> list[str]:
    from zkpot.chain.byzantine import BEHAVIOURS

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BEHAVIOURS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"behaviours from {', '.join(BEHAVIOURS)}, separated by commas; got {text!r}"
        )
    return names


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1), got {value}")
    return value


def add_parsers(commands: Any) -> list[argparse.ArgumentParser]:
    """Add ``simulate`` to ``zkpot``'s subparsers; returns it."""
    from zkpot.chain.federation import DEMO_SPEC, PARTICIPANT_BEHAVIOURS
    from zkpot.cli import non_negative_int
    from zkpot.cli.training import _layers, _positive

    simulate = commands.add_parser(
        "simulate",
        help="the ZKPoT chain on a simulated network: rounds, verdicts, leaders, a JSON report",
        description="N participants on Iris, each also a validator, the last K of them "
        "Byzantine, run R rounds on the deterministic simulator (the ceremony at genesis, "
        "proofs made in parallel). Prints a table per round; --report writes the rounds "
        "as JSON. Progress goes to standard error.",
    )
    simulate.add_argument("--participants", type=_positive, default=4, metavar="N",
                          help="participants, each also a validator (4)")  # fmt: skip
    simulate.add_argument("--byzantine", type=non_negative_int, default=1, metavar="K",
                          help="how many of them are Byzantine (1)")  # fmt: skip
    simulate.add_argument("--behaviours", type=_behaviours, metavar="B,…",
                          help="what the Byzantine ones do, in turn (default: "
                          + ",".join(PARTICIPANT_BEHAVIOURS) + ")")  # fmt: skip
    simulate.add_argument("--rounds", type=_positive, default=3, metavar="R", help="rounds (3)")
    simulate.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                          help="seeds the data split, the keys and the network (0)")  # fmt: skip
    simulate.add_argument("--loss", type=_probability, default=0.0, metavar="P",
                          help="the probability that a message copy is lost (0)")  # fmt: skip
    simulate.add_argument("--workers", type=non_negative_int, default=0,
                          help="processes proving in parallel (0: one per core)")  # fmt: skip
    simulate.add_argument("--report", metavar="FILE", help="write the rounds as JSON here")
    spec = DEMO_SPEC
    for option, kind, value, text in (
        ("--layers", _layers, spec.sizes, "layer widths (4,4,3)"),
        ("--batch", _positive, spec.batch, f"rows per step ({spec.batch})"),
        ("--steps", _positive, spec.steps, f"SGD steps per round ({spec.steps})"),
        ("--test-rows", _positive, spec.test_rows, f"test rows ({spec.test_rows})"),
    ):
        simulate.add_argument(option, type=kind, default=value, help=text)
    return [simulate]


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def spec_of(args: argparse.Namespace) -> Any:
    """The task's spec from --layers, --batch, --steps and --test-rows (the demo's rate)."""
    import dataclasses

    from zkpot.chain.federation import DEMO_SPEC

    if args.batch & (args.batch - 1):
        args.parser.error(f"argument --batch: a power of two, got {args.batch}")
    try:
        return dataclasses.replace(DEMO_SPEC, sizes=tuple(args.layers),
                                   log2_batch=args.batch.bit_length() - 1, steps=args.steps,
                                   test_rows=args.test_rows)  # fmt: skip
    except ZkpotError as error:
        args.parser.error(str(error))


def simulate(args: argparse.Namespace) -> int:
    """``zkpot simulate``: run the rounds, print them, write the report."""
    from itertools import cycle, islice

    from zkpot.chain import federation as fed

    if args.byzantine > args.participants:
        args.parser.error(f"argument --byzantine: {args.byzantine} of {args.participants}")
    spec = spec_of(args)
    report = Path(args.report) if args.report else None
    if report is not None and not report.parent.is_dir():
        args.parser.error(f"argument --report: no directory {report.parent}")
    behaviours = list(islice(cycle(args.behaviours or fed.PARTICIPANT_BEHAVIOURS), args.byzantine))
    try:
        federation = fed.build(args.participants, seed=args.seed, spec=spec,
                               byzantine=behaviours, say=_say)  # fmt: skip
    except ZkpotError as error:
        args.parser.error(str(error))
    names = {m.index: m.behaviour for m in federation.members}

    def on_round(r: fed.RoundReport) -> None:
        print(f"round {r.round}: block {r.block[:16]}…, leader p{r.leader} "
              f"({r.leader_accuracy}/{spec.test_rows}), global model "
              f"{r.global_accuracy}/{spec.test_rows}")  # fmt: skip
        for v in r.contributions:
            who = f"p{v.participant}" + (f" ({names[v.participant]})" if v.byzantine else "")
            verdict = "accepted" if v.verified else f"rejected: {v.reason}"
            print(f"  {who:<22} claims {v.claimed_accuracy}/{spec.test_rows}  {verdict}")
        sys.stdout.flush()

    def on_proof(round: int, index: int) -> None:
        _say(f"round {round}: p{index} proved")

    prover = fed.ParallelProver(federation, workers=args.workers or None, on_proof=on_proof)
    try:
        rounds = fed.run(federation, args.rounds, seed=args.seed, loss=args.loss, prover=prover,
                         on_round=on_round)  # fmt: skip
    except ZkpotError as error:
        print(f"zkpot simulate: {error}", file=sys.stderr)
        return 1
    finally:
        prover.close()
    if report is not None:
        document = {"rounds": [r.to_json() for r in rounds]}
        report.write_text(json.dumps(document, indent=1) + "\n")
        _say(f"wrote {report}")
    return 0


__all__ = ["add_parsers", "simulate", "spec_of"]
