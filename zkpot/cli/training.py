"""``zkpot prove-training``, ``zkpot verify-training`` and ``zkpot cost``: the proof of training.

Their outputs are a contract that other tools parse (see the "Proving training" page):
``prove-training`` writes ``{"spec", "statement", "proof"}`` JSON; ``verify-training``
prints a line starting ``valid`` (exit 0) or ``invalid:`` and the reason (exit 1), and
exits 2 with a message for a file it cannot read; ``cost --json`` prints
``{"parts": {part: {"lookup": rows, "bits": rows}}, "total": {...}}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from zkpot.errors import ZkpotError

DEV_SRS_WARNING = (
    "warning: no --srs given: using the development SRS, whose τ is public; its proofs "
    "convince no one. Pass a ceremony's .ptau file for real use."
)


def _positive(text: str) -> int:
    from zkpot.cli import non_negative_int

    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 1, got {value}")
    return value


def _layers(text: str) -> tuple[int, ...]:
    from zkpot.cli import widths

    values = widths(text)
    if len(values) < 2:
        raise argparse.ArgumentTypeError(f"give two or more layer widths, e.g. 4,8,3; got {text!r}")
    return tuple(values)


def default_cache() -> Path:
    """Where keys are cached: $ZKPOT_CACHE, else $XDG_CACHE_HOME/zkpot, else ~/.cache/zkpot."""
    if os.environ.get("ZKPOT_CACHE"):
        return Path(os.environ["ZKPOT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zkpot"


def add_parsers(commands: Any) -> list[argparse.ArgumentParser]:
    """Add the three commands to ``zkpot``'s subparsers; returns them."""
    from zkpot.cli import non_negative_int
    from zkpot.ml.statement import TrainingSpec

    default = TrainingSpec()
    prove = commands.add_parser(
        "prove-training",
        help="train one round on a participant's Iris share and prove it (ZKPoT)",
        description="Participant I of N trains the round's global model on its share of Iris "
        "(split as zkpot.ml.task splits it for the seed) and proves the training and its "
        "accuracy on the public test rows. Writes the contribution as JSON; progress on stderr.",
    )
    prove.add_argument("--participant", type=_positive, required=True, metavar="I",
                       help="which participant, 1 … N")  # fmt: skip
    prove.add_argument("--of", type=_positive, required=True, metavar="N",
                       help="how many participants share the data")  # fmt: skip
    prove.add_argument("--round", type=non_negative_int, default=1, metavar="R")
    prove.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                       help="seeds the split and the first global model (0)")  # fmt: skip
    prove.add_argument("--out", required=True, metavar="FILE", help="where to write the JSON")
    verify = commands.add_parser(
        "verify-training",
        help="check a contribution file: its statement and its proof",
        description="Check a contribution written by prove-training. Prints 'valid …' (exit 0) "
        "or 'invalid: <reason>' (exit 1); a file that cannot be read exits 2.",
    )
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--round", type=non_negative_int, metavar="R",
                        help="also require this round")  # fmt: skip
    for command in (prove, verify):
        command.add_argument("--srs", metavar="PTAU", help="the SRS, a .ptau file (default: dev)")
        command.add_argument("--keys", metavar="DIR", help=f"key cache ({default_cache()})")
    cost = commands.add_parser(
        "cost",
        help="the rows of a proof-of-training circuit, part by part, without proving",
        description="Build the circuit of a spec twice, with range tables and bit by bit, and "
        "print the rows of each part.",
    )
    cost.add_argument("--json", action="store_true", help="print JSON instead of a table")
    for command in (prove, cost):
        add_spec_options(command, default)
    return [prove, verify, cost]


def add_spec_options(command: argparse.ArgumentParser, default: Any) -> None:
    """--layers, --batch, --steps and --test-rows, defaulting to the spec ``default``'s."""
    layers = ",".join(map(str, default.sizes))
    for option, kind, value, text in (
        ("--layers", _layers, default.sizes, f"layer widths ({layers})"),
        ("--batch", _positive, default.batch, f"rows per step ({default.batch})"),
        ("--steps", _positive, default.steps, f"SGD steps per round ({default.steps})"),
        ("--test-rows", _positive, default.test_rows, f"test rows ({default.test_rows})"),
    ):
        command.add_argument(option, type=kind, default=value, help=text)


def _spec(args: argparse.Namespace, base: Any = None) -> Any:
    """The spec of the options of :func:`add_spec_options`, the rest as in ``base`` (by
    default :class:`~zkpot.ml.statement.TrainingSpec`'s defaults)."""
    import dataclasses

    from zkpot.ml.statement import TrainingSpec

    if args.batch & (args.batch - 1):
        args.parser.error(f"argument --batch: a power of two, got {args.batch}")
    try:
        return dataclasses.replace(base or TrainingSpec(), sizes=tuple(args.layers),
                                   log2_batch=args.batch.bit_length() - 1, steps=args.steps,
                                   test_rows=args.test_rows)  # fmt: skip
    except ZkpotError as error:
        args.parser.error(str(error))


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _keys(args: argparse.Namespace, spec: Any) -> Any:
    """The spec's keys on the SRS of --srs (or the development SRS), from the cache if there."""
    from zkpot.ml.contribution import dev_srs, setup
    from zkpot.poly.kzg import SRS

    if args.srs:
        try:
            srs = SRS.from_ptau(args.srs)
        except (OSError, ZkpotError, ValueError) as error:
            args.parser.error(f"argument --srs: {error}")
    else:
        _say(DEV_SRS_WARNING)
        srs = dev_srs(spec)
    cache = Path(args.keys) if args.keys else default_cache()
    return setup(spec, srs, cache_dir=cache, progress=_say)


def prove_training(args: argparse.Namespace) -> int:
    """``zkpot prove-training``: participant I's contribution, as JSON in --out."""
    from zkpot.ml.contribution import prove_contribution
    from zkpot.ml.statement import participant_id
    from zkpot.ml.task import demo_data_salt, demo_public_key, iris_task

    spec = _spec(args)
    if spec.sizes[0] != 4 or spec.sizes[-1] != 3:
        args.parser.error(f"argument --layers: Iris has 4 features and 3 classes, got {spec.sizes}")
    if args.participant > args.of:
        args.parser.error(f"argument --participant: {args.participant} is not one of 1 … {args.of}")
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        args.parser.error(f"argument --out: cannot write a file at {out}")
    try:
        task = iris_task(args.of, seed=args.seed, spec=spec)
        slots, dropped = task.slots(args.participant)
    except ZkpotError as error:
        args.parser.error(str(error))
    real = spec.capacity - int((slots.y == spec.n_classes).sum())
    _say(f"participant {args.participant} of {args.of}: {real} of {spec.capacity} slots filled"
         + (f", {dropped} rows left out" if dropped else ""))  # fmt: skip
    keys = _keys(args, spec)
    proven = prove_contribution(
        keys, round=args.round, participant=participant_id(demo_public_key(args.participant)),
        global_layers=task.global_layers, data=slots,
        data_salt=demo_data_salt(args.seed, args.participant), test=task.test, progress=_say,
    )  # fmt: skip
    statement = proven.contribution.statement
    try:
        out.write_text(proven.contribution.dumps() + "\n", encoding="utf-8")
    except OSError as error:
        args.parser.error(f"argument --out: {error}")
    _say(f"wrote {out}: accuracy {statement.accuracy}/{statement.test_rows}")
    return 0


def verify_training(args: argparse.Namespace) -> int:
    """``zkpot verify-training FILE``: 'valid …' and 0, or 'invalid: reason' and 1."""
    from zkpot.ml.contribution import contribution_error, load_contribution

    try:
        contribution = load_contribution(args.file)
    except (OSError, ZkpotError, ValueError, UnicodeDecodeError) as error:
        args.parser.error(f"cannot read {args.file}: {error}")
    keys = _keys(args, contribution.spec)
    expect = {"round": args.round} if args.round is not None else None
    reason = contribution_error(keys, contribution.statement, contribution.proof, expect=expect)
    s = contribution.statement
    if reason is not None:
        print(f"invalid: {reason}")
        return 1
    print(f"valid: round {s.round}, participant {s.participant}, "
          f"accuracy {s.accuracy}/{s.test_rows}")  # fmt: skip
    return 0


def cost(args: argparse.Namespace) -> int:
    """``zkpot cost``: the rows of each part with range tables and bit by bit."""
    import dataclasses

    from zkpot.ml.training_circuit import cost_parts
    from zkpot.plonk.keys import domain_power

    spec = _spec(args)
    columns = {"lookup": spec, "bits": dataclasses.replace(spec, table_bits=0)}
    built = {name: cost_parts(s) for name, s in columns.items()}
    parts = {part: {name: built[name][0][part] for name in columns} for part in built["lookup"][0]}
    total = {name: sum(built[name][0].values()) for name in columns}
    if args.json:
        print(json.dumps({"parts": parts, "total": total}))
        return 0
    print(f"spec: layers {','.join(map(str, spec.sizes))}, batch {spec.batch}, "
          f"steps {spec.steps}, test rows {spec.test_rows}, f = {spec.frac_bits}, "
          f"B = {spec.bound_bits}")  # fmt: skip
    print(f"{'part':<18}{'lookup':>10}{'bits':>10}")
    for part, rows in parts.items():
        print(f"{part:<18}{rows['lookup']:>10,}{rows['bits']:>10,}")
    print(f"{'total':<18}{total['lookup']:>10,}{total['bits']:>10,}")
    domains = {name: 1 << domain_power(built[name][1]) for name in columns}
    print(f"{'domain':<18}{domains['lookup']:>10,}{domains['bits']:>10,}")
    return 0


__all__ = ["add_parsers", "add_spec_options", "cost", "default_cache", "prove_training",
           "verify_training"]  # fmt: skip
