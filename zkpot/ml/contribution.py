"""Setup, prove and verify one ZKPoT contribution: the Python face of the proof of training.

The flow, with the names the chain uses::

    keys = setup(spec, srs)                       # once per spec and SRS (cached on disk)
    proven = prove_contribution(keys, round=r, participant=p, global_layers=model,
                                data=slots, data_salt=salt, test=test)
    verify_contribution(keys, proven.contribution.statement, proven.contribution.proof,
                        expect={"round": r, "global_model": model_hash(model, spec)})

The docs page "Proving training" runs it on a tiny spec.

The prover runs the numpy twin first (:func:`~zkpot.ml.statement.train_round`), then
the circuit's witness, and checks step by step that the circuit's parameters after each
SGD step, and its test outputs, are the twin's integers: a difference is a bug in zkpot
and is reported as one, never proven.

The verifier checks the statement's fields as well as the proof: the test-row count
is the spec's, and each field a caller expects (the round, the participant, the global
model's hash, the registered data commitment, the test set's hash) is the one given.
:func:`contribution_error` says which check failed; :func:`verify_contribution` is
its yes or no.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zkpot import safe_json
from zkpot.errors import InvalidInput, ZkpotError
from zkpot.hash.poseidon import random_salt
from zkpot.ml.aggregation import Seeds
from zkpot.ml.model import Layer
from zkpot.ml.statement import (
    Rows,
    Statement,
    TrainingSpec,
    count_correct,
    data_commitment,
    flatten,
    hash_test_set,
    model_commitment,
    model_hash,
    pack,
    train_round,
)
from zkpot.ml.training_circuit import TrainingCircuit, build, inputs, values
from zkpot.plonk.keys import ProvingKey, VerificationKey, srs_size
from zkpot.plonk.keystore import preprocess_cached
from zkpot.plonk.proof import Proof
from zkpot.plonk.prover import prove_witness
from zkpot.plonk.verifier import verify, verify_batch
from zkpot.poly.kzg import SRS
from zkpot.progress import ProgressLike, as_progress


class TwinMismatch(ZkpotError, RuntimeError):
    """The circuit's witness differs from the twin's integers: a bug in zkpot, not a cheat."""


@dataclass(frozen=True, eq=False)
class ContributionKeys:
    """A spec's circuit and its keys (:func:`setup`)."""

    spec: TrainingSpec
    circuit: TrainingCircuit
    pk: ProvingKey
    vk: VerificationKey


@dataclass(frozen=True, eq=False)
class Contribution:
    """What a participant publishes: the spec, the statement and the proof."""

    spec: TrainingSpec
    statement: Statement
    proof: Proof

    def to_json(self) -> dict[str, Any]:
        """``{"spec": {...}, "statement": {...}, "proof": "<hex>"}``."""
        return {"spec": self.spec.to_json(), "statement": self.statement.to_json(),
                "proof": self.proof.to_bytes().hex()}  # fmt: skip

    @classmethod
    def from_json(cls, data: object) -> Contribution:
        """The inverse of :meth:`to_json`.

        Raises:
            InvalidInput: for anything that does not parse (a bad proof encoding too).
        """
        if not isinstance(data, Mapping) or set(data) != {"spec", "statement", "proof"}:
            raise InvalidInput('a contribution is an object with "spec", "statement", "proof"')
        proof_hex = data["proof"]
        if not isinstance(proof_hex, str):
            raise InvalidInput("the proof is a hex string")
        try:
            proof = Proof.from_bytes(bytes.fromhex(proof_hex))
        except ValueError as error:
            raise InvalidInput(f"the proof does not decode: {error}") from None
        return cls(TrainingSpec.from_json(data["spec"]), Statement.from_json(data["statement"]),
                   proof)  # fmt: skip

    def dumps(self) -> str:
        """The JSON text of :meth:`to_json`."""
        return json.dumps(self.to_json(), indent=1)


@dataclass(frozen=True, eq=False)
class Proven:
    """A proven contribution and the secrets its participant keeps (to reveal if it leads).

    For an averaging spec, ``masked`` is the masked model the statement's ``masking``
    hashes (it is published with the contribution) and ``seeds`` the masks' seeds (the
    participant reveals its own seed if it is included, and a pair seed if that partner
    is left out)."""

    contribution: Contribution
    model: list[Layer]
    model_salt: int
    masked: tuple[int, ...] = ()
    seeds: Seeds | None = None


def dev_srs(spec: TrainingSpec, tau: int = 0x5EED) -> SRS:
    """An SRS from a *publicly known* τ, big enough for ``spec``: for tests and examples only.

    Anyone who knows τ can forge proofs; a real deployment uses a ceremony's SRS
    (:mod:`zkpot.poly.ceremony`, or a .ptau file).
    """
    return SRS.from_tau(tau, srs_size(build(spec).cs))


def setup(
    spec: TrainingSpec,
    srs: SRS,
    *,
    cache_dir: str | Path | None = None,
    progress: ProgressLike = None,
    circuit: TrainingCircuit | None = None,
) -> ContributionKeys:
    """Build the spec's circuit and preprocess it: the keys every participant and validator use.

    With ``cache_dir``, the proving key is kept there under a digest of the circuit, the
    SRS and the code that computes keys (:mod:`zkpot.plonk.keystore`): a second run loads
    it instead of preprocessing, and a changed spec or SRS is a new key, never a stale one.

    ``circuit`` is ``build(spec)``, if the caller has built it already (to learn the SRS's
    size, :func:`zkpot.plonk.keys.srs_size`, say). ``progress`` is told the circuit's size,
    and what :func:`~zkpot.plonk.keystore.preprocess_cached` tells (a line, and the
    preprocessing's step when there is no key to load: :mod:`zkpot.progress`).

    Raises:
        InvalidInput: ``spec`` is not a :class:`TrainingSpec`, or ``circuit`` is another's.
        SetupError: the SRS is too small (:func:`zkpot.plonk.keys.srs_size` says how big).
    """
    if not isinstance(spec, TrainingSpec):
        raise InvalidInput(f"setup needs a TrainingSpec, not {type(spec).__name__}")
    if circuit is not None and (not isinstance(circuit, TrainingCircuit) or circuit.spec != spec):
        raise InvalidInput("setup's circuit must be build(spec) of the same spec")
    report = as_progress(progress)
    circuit = circuit or build(spec)
    report.say(f"circuit: {circuit.cs.n_gates:,} gates and {len(circuit.cs.public_inputs)} "
               "public inputs")  # fmt: skip
    pk, vk = preprocess_cached(circuit.cs, srs, cache_dir, progress=report)
    return ContributionKeys(spec, circuit, pk, vk)


def prove_contribution(
    keys: ContributionKeys,
    *,
    round: int,
    participant: int,
    global_layers: Sequence[Layer],
    data: Rows,
    data_salt: int,
    test: Rows,
    model_salt: int | None = None,
    rng: random.Random | None = None,
    progress: ProgressLike = None,
    seeds: Seeds | None = None,
) -> Proven:
    """Train one round with the twin and prove it.

    Args:
        keys: from :func:`setup`.
        round: the statement's round.
        participant: the statement's participant (a field element from its public key).
        global_layers: the global model (integers in the spec's format).
        data: the participant's data slots (:func:`~zkpot.ml.statement.data_slots`).
        data_salt: the salt of its registered data commitment.
        test: the public test rows (:func:`~zkpot.ml.statement.encode_test_set`).
        model_salt: the new model commitment's salt (random by default).
        rng: reproducible blinding, for tests.
        progress: told a line at each stage, and of one step, ``"proving"``, from the
            start: seven units — training, the witness, the prover's five rounds — with
            the stage under way (:mod:`zkpot.progress`).
        seeds: for an averaging spec (``TrainingSpec.participants``), the masks' seeds
            (:class:`~zkpot.ml.aggregation.Seeds`): the new model is packed for a sum and
            masked with them, and the statement's ``masking`` is its hash.

    Raises:
        InvalidInput: for inputs that do not fit the spec (no seeds for an averaging spec,
            or seeds for another).
        FixedPointOverflow: if training leaves the format's bound (no proof exists then).
        TwinMismatch: if the circuit disagrees with the twin (a bug in zkpot).
    """
    spec = keys.spec
    report = as_progress(progress)
    salt = random_salt() if model_salt is None else model_salt
    report.say(f"training {spec.steps} step(s) of {spec.batch} rows with the fixed-point twin")
    report.start("proving", 2 + 5)  # training, the witness, the prover's five rounds
    report.advance(0, "training")
    if (seeds is not None) != spec.averaged:
        raise InvalidInput("an averaging spec proves a masked model: give it its seeds"
                           if spec.averaged else "seeds are for an averaging spec")  # fmt: skip
    new, after = train_round(global_layers, data, spec)
    masked: tuple[int, ...] = ()
    if seeds is not None:
        masked = tuple(seeds.masked(pack(flatten(new), spec.bound_bits, spec.sum_slot), round))
    statement = Statement(
        round=round, participant=participant, global_model=model_hash(global_layers, spec),
        data_commitment=data_commitment(data, data_salt, spec),
        model_commitment=model_commitment(new, salt, spec), test_set=hash_test_set(test, spec),
        accuracy=count_correct(new, test, spec), test_rows=spec.test_rows,
        masking=None if seeds is None else seeds.masking_hash(masked),
    )  # fmt: skip
    report.advance(1, "witness")
    report.say(f"witness: {keys.circuit.cs.n_variables} values; checking it against the twin")
    named = inputs(spec, statement=_fields(statement), global_layers=global_layers, slots=data,
                   data_salt=data_salt, model_salt=salt, test=test, seeds=seeds)  # fmt: skip
    witness = keys.circuit.cs.solve(named)
    check_twin(keys.circuit, witness, after, new, test)
    report.advance(1)
    report.say(f"proving ({keys.vk.n} rows)")
    proof = prove_witness(keys.pk, witness, rng, progress=report)
    return Proven(Contribution(spec, statement, proof), new, salt, masked, seeds)


def _fields(statement: Statement) -> dict[str, int]:
    return {name: getattr(statement, name) for name in statement.__dataclass_fields__}


def check_twin(
    circuit: TrainingCircuit,
    witness: Sequence[int],
    after: Sequence[Sequence[Layer]],
    new: Sequence[Layer],
    test: Rows,
) -> None:
    """Raise :class:`TwinMismatch` unless the witness holds the twin's integers at every step."""
    from zkpot.ml.statement import fixed_model
    from zkpot.plonk.circuit import signed

    for s, (params, layers) in enumerate(zip(circuit.steps, after, strict=True), 1):
        if values(params, witness) != flatten(layers):
            raise TwinMismatch(f"the circuit's parameters after step {s} differ from the twin's")
    outputs = fixed_model(new, circuit.spec).forward(test.x).output
    for t, (row, expected) in enumerate(zip(circuit.test_outputs, outputs, strict=True)):
        if [signed(witness[v.index]) for v in row] != [int(v) for v in expected]:
            raise TwinMismatch(f"the circuit's output for test row {t} differs from the twin's")


def contribution_error(
    keys: ContributionKeys,
    statement: Statement,
    proof: Proof,
    *,
    expect: Mapping[str, int] | None = None,
) -> str | None:
    """Why a contribution is invalid, or ``None`` if it is valid.

    Args:
        expect: statement fields the caller knows (``round``, ``participant``,
            ``global_model``, ``data_commitment``, ``test_set``…): each must match.
    """
    if not isinstance(statement, Statement):
        return f"the statement is a {type(statement).__name__}, not a Statement"
    if not isinstance(proof, Proof):
        return f"the proof is a {type(proof).__name__}, not a Proof"
    if statement.test_rows != keys.spec.test_rows:
        return (
            f"the statement counts {statement.test_rows} test rows, the spec {keys.spec.test_rows}"
        )
    if (statement.masking is not None) != keys.spec.averaged:
        return ("the statement has no masked model, the spec averages" if keys.spec.averaged
                else "the statement has a masked model, the spec does not average")  # fmt: skip
    for name, value in (expect or {}).items():
        if name not in statement.__dataclass_fields__:
            raise InvalidInput(f"no statement field {name!r} to expect")
        if getattr(statement, name) != value:
            return f"{name} is {getattr(statement, name)}, expected {value}"
    if not verify(keys.vk, statement.public_inputs(), proof):
        return PROOF_FAILS
    return None


PROOF_FAILS = "the proof does not verify for this statement"
"""The reason :func:`contribution_error` gives for a proof that does not verify."""


def contribution_errors(
    keys: ContributionKeys, items: Sequence[tuple[Statement, Proof]]
) -> list[str | None]:
    """:func:`contribution_error` of each (statement, proof), the proofs verified as one
    batch (:func:`zkpot.plonk.verifier.verify_batch`); only when the batch fails is each
    proof verified alone, to say which."""
    items = list(items)
    if not items:
        return []
    plain = all(isinstance(s, Statement) and isinstance(p, Proof)
                and s.test_rows == keys.spec.test_rows
                and (s.masking is not None) == keys.spec.averaged for s, p in items)  # fmt: skip
    if plain and verify_batch([(keys.vk, s.public_inputs(), p) for s, p in items]):
        return [None] * len(items)
    return [contribution_error(keys, s, p) for s, p in items]


def verify_contribution(
    keys: ContributionKeys,
    statement: Statement,
    proof: Proof,
    *,
    expect: Mapping[str, int] | None = None,
) -> bool:
    """Whether the contribution is valid: :func:`contribution_error` finds nothing."""
    return contribution_error(keys, statement, proof, expect=expect) is None


def load_contribution(path: str | Path) -> Contribution:
    """Read a contribution file (``zkpot prove-training``'s output).

    Raises:
        InvalidInput: if the file is not such JSON (OSError if it cannot be read).
    """
    try:
        data = safe_json.loads(Path(path).read_bytes())
    except InvalidInput as error:
        raise InvalidInput(f"{path}: {error}") from None
    return Contribution.from_json(data)


__all__ = ["PROOF_FAILS", "Contribution", "ContributionKeys", "Proven", "TwinMismatch",
           "check_twin", "contribution_error", "contribution_errors", "dev_srs",
           "load_contribution", "prove_contribution", "setup", "verify_contribution"]  # fmt: skip
