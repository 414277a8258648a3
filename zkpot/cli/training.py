"""``zkpot prove-training``, ``zkpot verify-training`` and ``zkpot cost``: the proof of training.

Their outputs are a contract that other tools parse (see the "Proving training" page):

- ``prove-training`` writes ``{"spec", "statement", "proof"}`` JSON;
- ``verify-training`` prints one line, ``valid: round R, participant 2 of 4 (key
  2f56fe87…), accuracy A/T`` (``participant p2`` with ``--genesis``; the key is the first
  8 hex digits of the participant's key) and exit 0, or ``invalid: <field or reason> …``
  and exit 1;
  under ``--dev-srs`` a proof that verifies reads ``valid, but under the development SRS
  whose τ is public: this proves nothing (anyone can forge it) — round R, …``;
- ``cost --json`` prints ``{"parts": {part: {"lookup": rows, "bits": rows}}, "total": {...}}``;
- anything malformed, too big or contradictory exits 2 with a message, never a traceback.

**The setup** the keys come from, for both commands:

- by default, this machine's local one-party setup (:mod:`zkpot.poly.local_setup`), made
  on first use in the key cache (``--keys DIR``, else ``$ZKPOT_CACHE`` or
  ``~/.cache/zkpot``) from a τ nobody knows: its proofs cannot be forged, but they verify
  only against the same file;
- ``--srs PTAU``: a ceremony's SRS, the one way to verify proofs made elsewhere;
- ``--dev-srs``: the development SRS, whose τ is public — it proves nothing, and the
  verdict says so.

**What verify-training checks**, in this order, each before the next costs anything:

1. every spec it is given (by the options, the genesis or the file) is within
   :data:`zkpot.ml.estimate.MAX_ROWS` rows by :func:`~zkpot.ml.estimate.estimate_rows`,
   else exit 2 — before any circuit, SRS or key is built;
2. the file is the task's (:class:`zkpot.ml.registry.Registry`): its spec, then
   test_rows, test_set, global_model, participant (registered), data_commitment and
   round; the first that differs is the reason;
3. the proof, under the setup's keys.

The task is the one ``prove-training``'s options define (``--of N``, default 4;
``--seed S``, default 0; the spec options; see :func:`zkpot.ml.registry.iris_registry`),
or a chain's genesis (``--genesis FILE`` with ``--test-set FILE``, the opening of its test
set; ``--global-model HASH`` for a later round's model).
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
    "warning: --dev-srs: the development SRS, whose τ is public: anyone can forge its "
    "proofs, so they prove nothing. Use the default (a local setup) or a ceremony's --srs."
)
DEV_SRS_VERDICT = (
    "under the development SRS whose τ is public: this proves nothing (anyone can forge it)"
)
"""What a ``valid`` verdict under ``--dev-srs`` says after ``valid, but``."""
SPEC_OPTIONS = ("layers", "batch", "steps", "test_rows")
DEFAULT_OF, DEFAULT_SEED = 4, 0
"""verify-training's task when --of and --seed are not given (prove-training's seed too)."""
MAX_FILE_BYTES = 16 << 20
"""The largest contribution or genesis file read (a contribution is about 2.5 KB)."""


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


def _field_element(text: str) -> int:
    from zkpot.cli import non_negative_int
    from zkpot.field.bn254 import R

    value = non_negative_int(text)
    if value >= R:
        raise argparse.ArgumentTypeError("expected a field element, below r")
    return value


def default_cache() -> Path:
    """Where keys are cached: $ZKPOT_CACHE, else $XDG_CACHE_HOME/zkpot, else ~/.cache/zkpot."""
    if os.environ.get("ZKPOT_CACHE"):
        return Path(os.environ["ZKPOT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "zkpot"


def add_parsers(commands: Any) -> list[argparse.ArgumentParser]:
    """Add the three commands to ``zkpot``'s subparsers; returns them."""
    from zkpot.cli import add_workers_option, non_negative_int
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
    add_workers_option(prove)
    verify = commands.add_parser(
        "verify-training",
        help="check a contribution file: that it is the task's, and its proof",
        description="Check a contribution written by prove-training against the task that "
        "prove-training's options define (--of, --seed and the spec options), or a chain's "
        "genesis (--genesis): its spec, test set, global model, participant, data commitment "
        "and round, then its proof. Prints 'valid: …' (exit 0) or 'invalid: <reason>' "
        "(exit 1); a file it cannot read, or a spec too large to check, exits 2.",
    )
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--of", type=_positive, metavar="N",
                        help="the task's participants, as prove-training's --of (4)")  # fmt: skip
    verify.add_argument("--seed", type=non_negative_int, metavar="S",
                        help="the task's seed, as prove-training's --seed (0)")  # fmt: skip
    verify.add_argument("--round", type=non_negative_int, metavar="R",
                        help="also require this round")  # fmt: skip
    verify.add_argument("--genesis", metavar="FILE",
                        help="the task of a chain's genesis instead of the options")  # fmt: skip
    verify.add_argument("--test-set", metavar="FILE",
                        help="with --genesis: the opening of its test set")  # fmt: skip
    verify.add_argument("--global-model", type=_field_element, metavar="HASH",
                        help="with --genesis: a later round's global model's hash")  # fmt: skip
    for command in (prove, verify):
        setups = command.add_mutually_exclusive_group()
        setups.add_argument("--srs", metavar="PTAU",
                            help="a ceremony's .ptau file (default: the local setup)")  # fmt: skip
        setups.add_argument("--dev-srs", action="store_true",
                            help="the development SRS (public τ: proves nothing)")  # fmt: skip
        command.add_argument("--keys", metavar="DIR",
                             help=f"key and local-setup cache ({default_cache()})")  # fmt: skip
    cost = commands.add_parser(
        "cost",
        help="the rows of a proof-of-training circuit, part by part, without proving",
        description="Build the circuit of a spec twice, with range tables and bit by bit, and "
        "print the rows of each part.",
    )
    cost.add_argument("--json", action="store_true", help="print JSON instead of a table")
    for command in (prove, verify, cost):
        add_spec_options(command, default)
    return [prove, verify, cost]


def add_spec_options(command: argparse.ArgumentParser, default: Any) -> None:
    """--layers, --batch, --steps and --test-rows; :func:`_spec` fills in the spec
    ``default``'s values for those not given (their parsed value is ``None``)."""
    layers = ",".join(map(str, default.sizes))
    for option, kind, text in (
        ("--layers", _layers, f"layer widths ({layers})"),
        ("--batch", _positive, f"rows per step ({default.batch})"),
        ("--steps", _positive, f"SGD steps per round ({default.steps})"),
        ("--test-rows", _positive, f"test rows ({default.test_rows})"),
    ):
        command.add_argument(option, type=kind, help=text)


def _spec(args: argparse.Namespace, base: Any = None) -> Any:
    """The spec of the options of :func:`add_spec_options`, the rest as in ``base`` (by
    default :class:`~zkpot.ml.statement.TrainingSpec`'s defaults); exits 2 for a spec
    whose circuit would exceed :data:`~zkpot.ml.estimate.MAX_ROWS`."""
    import dataclasses

    from zkpot.ml.statement import TrainingSpec

    base = base or TrainingSpec()
    batch = base.batch if args.batch is None else args.batch
    if batch & (batch - 1):
        args.parser.error(f"argument --batch: a power of two, got {batch}")
    sizes = base.sizes if args.layers is None else tuple(args.layers)
    try:
        spec = dataclasses.replace(
            base, sizes=sizes, log2_batch=batch.bit_length() - 1, steps=args.steps or base.steps,
            test_rows=args.test_rows or base.test_rows,
            # other layers: the weight bound that fits them, chosen again
            log2_weight_bound=base.log2_weight_bound if sizes == base.sizes else None,
        )  # fmt: skip
    except ZkpotError as error:
        args.parser.error(str(error))
    _check_size(args, spec, "the spec")
    return spec


def _check_size(args: argparse.Namespace, spec: Any, what: str) -> None:
    """Exit 2 unless ``spec``'s circuit is within the limit (estimated, not built)."""
    from zkpot.ml.estimate import CircuitTooLarge, check_size

    try:
        check_size(spec)
    except CircuitTooLarge as error:
        args.parser.error(f"{what}: {error}")


def _iris_spec(args: argparse.Namespace) -> Any:
    """The spec of the options, for the Iris task: 4 features, 3 classes."""
    spec = _spec(args)
    if spec.sizes[0] != 4 or spec.sizes[-1] != 3:
        args.parser.error(f"argument --layers: Iris has 4 features and 3 classes, got {spec.sizes}")
    return spec


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _keys(args: argparse.Namespace, spec: Any, progress: Any = None) -> Any:
    """The spec's keys on the setup the options choose, from the cache if they are there;
    ``progress`` (:class:`zkpot.cli.progress.Bars`, a new one by default) is told how the
    setup and the preprocessing go."""
    from zkpot.cli.progress import Bars
    from zkpot.ml.contribution import dev_srs, setup
    from zkpot.ml.training_circuit import build
    from zkpot.plonk.keys import srs_size
    from zkpot.poly.kzg import SRS
    from zkpot.poly.local_setup import local_srs

    cache = Path(args.keys) if args.keys else default_cache()
    circuit = build(spec)
    bars = Bars() if progress is None else progress
    with bars:
        try:
            if args.srs:
                srs = SRS.from_ptau(args.srs)
            elif args.dev_srs:
                bars.say(DEV_SRS_WARNING)
                srs = dev_srs(spec)
            else:
                bars.say(f"setup: the local one-party setup in {cache} (nobody knows its τ; "
                         "its proofs verify only against the same file: use --srs to share "
                         "them)")  # fmt: skip
                srs = local_srs(cache, srs_size(circuit.cs), progress=bars)
            return setup(spec, srs, cache_dir=cache, progress=bars, circuit=circuit)
        except (OSError, ZkpotError, ValueError) as error:
            bars.close()
            option = "--srs" if args.srs else "--keys"
            args.parser.error(f"argument {option}: {error}")


def prove_training(args: argparse.Namespace) -> int:
    """``zkpot prove-training``: participant I's contribution, as JSON in --out."""
    from zkpot.cli.progress import Bars
    from zkpot.ml.contribution import prove_contribution
    from zkpot.ml.statement import participant_id
    from zkpot.ml.task import demo_data_salt, demo_public_key, iris_task

    spec = _iris_spec(args)
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
    with Bars() as bars:  # on standard error, and only on a terminal
        keys = _keys(args, spec, bars)
        proven = prove_contribution(
            keys, round=args.round, participant=participant_id(demo_public_key(args.participant)),
            global_layers=task.global_layers, data=slots,
            data_salt=demo_data_salt(args.seed, args.participant), test=task.test, progress=bars,
        )  # fmt: skip
    statement = proven.contribution.statement
    try:
        out.write_text(proven.contribution.dumps() + "\n", encoding="utf-8")
    except OSError as error:
        args.parser.error(f"argument --out: {error}")
    dev = " (development SRS: this proves nothing)" if args.dev_srs else ""
    _say(f"wrote {out}: accuracy {statement.accuracy}/{statement.test_rows}{dev}")
    return 0


def verify_training(args: argparse.Namespace) -> int:
    """``zkpot verify-training FILE``: 'valid: …' and 0, or 'invalid: reason' and 1."""
    from zkpot.ml.contribution import contribution_error

    registry = _registry(args)
    contribution = _load(args)
    _check_size(args, contribution.spec, f"{args.file}'s spec")
    s = contribution.statement
    reason = registry.spec_error(contribution.spec) or registry.statement_error(s, args.round)
    if reason is None:
        reason = contribution_error(_keys(args, registry.spec), s, contribution.proof)
    if reason is not None:
        print(f"invalid: {reason}")
        return 1
    line = (f"round {s.round}, participant {registry.participant(s.participant)}, "
            f"accuracy {s.accuracy}/{s.test_rows}")  # fmt: skip
    print(f"valid, but {DEV_SRS_VERDICT} — {line}" if args.dev_srs else f"valid: {line}")
    return 0


def _load(args: argparse.Namespace) -> Any:
    """The contribution file, or exit 2."""
    from zkpot.ml.contribution import load_contribution

    try:
        _bounded(args.file)
        return load_contribution(args.file)
    except (OSError, ZkpotError, ValueError, UnicodeDecodeError) as error:
        args.parser.error(f"cannot read {args.file}: {error}")


def _bounded(path: str) -> None:
    """Raise OSError unless ``path`` is a regular file of at most MAX_FILE_BYTES."""
    info = os.stat(path)
    if not Path(path).is_file() or info.st_size > MAX_FILE_BYTES:
        raise OSError(f"not a regular file of at most {MAX_FILE_BYTES:,} bytes")


def _registry(args: argparse.Namespace) -> Any:
    """The task the options (or the genesis) define, or exit 2."""
    from zkpot.ml.registry import iris_registry

    if args.genesis is None:
        for option in ("global_model", "test_set"):
            if getattr(args, option) is not None:
                args.parser.error(f"argument --{option.replace('_', '-')}: only with --genesis")
        try:
            of = DEFAULT_OF if args.of is None else args.of
            seed = DEFAULT_SEED if args.seed is None else args.seed
            return iris_registry(of, seed=seed, spec=_iris_spec(args))
        except ZkpotError as error:
            args.parser.error(str(error))
    given = [name for name in (*SPEC_OPTIONS, "of", "seed") if getattr(args, name) is not None]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        args.parser.error(f"argument --genesis: the genesis fixes the task; {options} too")
    return _genesis_registry(args)


def _genesis_registry(args: argparse.Namespace) -> Any:
    """The registry of a chain's genesis: p1, p2, … in the genesis's order."""
    from zkpot.chain.devnet import read_genesis
    from zkpot.ml.registry import Registered, Registry, short_key

    if args.test_set is None:
        args.parser.error("argument --genesis: give the opening of its test set (--test-set)")
    try:
        _bounded(args.genesis)
        _bounded(args.test_set)
        genesis = read_genesis(Path(args.genesis), Path(args.test_set))
    except (OSError, ZkpotError, ValueError, UnicodeDecodeError) as error:
        args.parser.error(f"argument --genesis: cannot read {args.genesis} with "
                          f"{args.test_set}: {error}")  # fmt: skip
    _check_size(args, genesis.spec, f"{args.genesis}'s spec")
    names = genesis.participant_names
    participants = tuple(Registered(names[p.public_key], short_key(p.public_key), p.id,
                                    p.data_commitment) for p in genesis.participants)  # fmt: skip
    model = genesis.model_hash if args.global_model is None else args.global_model
    return Registry(genesis.spec, genesis.test_set, model, participants)


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
    averaging = _averaging_rows(spec)
    if args.json:
        print(json.dumps({"parts": parts, "total": total, "averaging": averaging}))
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
    print("\nlookup: the circuit zkpot proves, its range checks looked up in tables of")
    print(f"        2^{spec.table_bits} rows; bits: the same checks bit by bit, one row a bit, for")
    print("        comparison; domain: the rows rounded up to a power of two (FFT size).")
    print("\nprivate averaging adds the masked model (rows, with lookup tables):")
    print(f"{'participants':<14}{'partners':>10}{'own mask':>10}{'per partner':>13}{'total':>10}")
    for row in averaging:
        print(f"{row['participants']:<14}{row['partners']:>10}{row['own']:>10,}"
              f"{row['per_partner']:>13,}{row['total']:>10,}")  # fmt: skip
    print("own mask: the own seed's mask and commitment, and the masked model's hash;")
    print("per partner: a pair seed's mask and commitment; partners: the default graph's.")
    return 0


def _averaging_rows(spec: Any) -> list[dict[str, int]]:
    """The rows the masked model adds for 4, 8 and 16 participants, each with the partners
    an averaging chain gives it by default (every other participant the circle allows,
    :func:`zkpot.chain.federation.averaging`): its own part, each partner's, the total."""
    from zkpot.ml.aggregation import largest_reach
    from zkpot.ml.training_circuit import masking_rows

    out = []
    for n in (4, 8, 16):
        reach = largest_reach(n, n)
        own, total = masking_rows(spec, n, 0), masking_rows(spec, n, reach)
        out.append({"participants": n, "partners": 2 * reach, "own": own,
                    "per_partner": (total - own) // (2 * reach), "total": total})  # fmt: skip
    return out


__all__ = ["DEV_SRS_VERDICT", "add_parsers", "add_spec_options", "cost", "default_cache",
           "prove_training", "verify_training"]  # fmt: skip
