"""What ZKPoT costs: proving and verifying time, bytes on and off chain, and how they grow.

The ZKPoT paper claims that proving accuracy in zero knowledge is efficient in computation
and communication. This module measures what a round of zkpot's chain costs, on real
objects of the chain (proofs, BLS signatures, canonical JSON messages), beside two
alternatives:

- **learning-based consensus**, where each participant ships its whole model to every
  validator, and a validator checks it by evaluating it on the test rows;
- **the paper's accuracy-only statement**: a committed model reaches an accuracy on the
  public test set, with nothing proven about its training
  (:func:`zkpot.ml.training_circuit.build_accuracy_only`).

**What is measured, per round of N participants** (every participant also a
validator, as in :func:`zkpot.chain.federation.build`):

- proving time per participant: train, build the witness, prove
  (:func:`zkpot.chain.participant.contribute`), one core;
- verifying time per contribution: everything :func:`zkpot.chain.rules.check_contribution`
  does (the BLS signature, then the PLONK proof); per block, the N contributions and the
  finality certificate (one aggregate BLS signature of the N validators);
- bytes, as the chain encodes them (canonical JSON, :mod:`zkpot.chain.encoding`):
  *on chain*, what every node keeps to re-check the round later (the block, its
  certificate and the round's evidence: the N contributions for ZKPoT, the N models for
  learning-based consensus); *off chain*, the leader's reveal in the model store;
  *sent*, every message of the round delivered once to each of the other N − 1 nodes
  (the evidence, the reveal, the block proposal, two votes per validator).

**Growth.** Beyond the participants, the rows of the circuit grow with the model's size
and the number of SGD steps; :func:`growth` builds the circuits (cheap) and proves those
whose domain fits ``measure_limit`` here; above it, the proving time is computed from
the largest measured domain's cost per row (proving is O(n log n), so the figure is a
slight underestimate, and the table says which figures are computed).

>>> rows = circuit_rows(TrainingSpec(sizes=(2, 3, 2), steps=1, log2_batch=1, test_rows=2))
>>> rows["accuracy_only"] < rows["training"]
True
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from zkpot.chain import participant as participant_side
from zkpot.chain.encoding import canonical
from zkpot.chain.federation import DEMO_SPEC, Federation, build
from zkpot.chain.messages import Block, Certificate, Vote, vote_message
from zkpot.chain.rules import RoundContext, check_contribution
from zkpot.curve import bls
from zkpot.errors import InvalidInput
from zkpot.ml.contribution import ContributionKeys, dev_srs, setup
from zkpot.ml.model import Layer
from zkpot.ml.statement import (
    TrainingSpec,
    count_correct,
    flatten,
    hash_test_set,
    model_commitment,
)
from zkpot.ml.training_circuit import (
    ACCURACY_FIELDS,
    TrainingCircuit,
    accuracy_inputs,
    build_accuracy_only,
)
from zkpot.ml.training_circuit import build as build_training
from zkpot.plonk.keys import domain_power, preprocess
from zkpot.plonk.prover import prove_witness
from zkpot.plonk.verifier import verify
from zkpot.poly.kzg import SRS

Say = Callable[[str], None]

QUICK_SPEC = TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2)
"""``--quick``'s spec: a 4-2-3 network, one step on 2 rows, 2 test rows (about a second a
proof)."""

FULL_SPEC = DEMO_SPEC
"""The full run's spec: the demo's (4-4-3, one step on 4 rows, 4 test rows; 2¹² rows)."""

PARTICIPANTS = (4, 8, 16)
WIDTHS = (4, 8, 16, 32, 64)
"""The hidden layer's widths of the growth table (the model's size)."""
STEPS = (1, 2, 4, 8)
"""The SGD steps per round of the growth table."""


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = call()
    return out, time.perf_counter() - start


def _prove(keys: ContributionKeys, federation: Federation, index: int = 0) -> tuple[Any, float]:
    """Member ``index`` trains round 1, proves and signs: ((message, proven), seconds)."""
    m, genesis = federation.members[index], federation.genesis
    return _timed(lambda: participant_side.contribute(
        keys, m.secret_key, round=1, global_layers=genesis.global_model, data=m.role.data,
        data_salt=m.role.data_salt, test=genesis.test))  # fmt: skip


def _size(obj: dict[str, Any]) -> int:
    """Bytes of an object as the chain sends and stores it (canonical JSON)."""
    return len(canonical(obj))


def model_message(round: int, secret_key: int, layers: Sequence[Any]) -> dict[str, Any]:
    """What a participant sends under learning-based consensus: its whole model, signed,
    in the chain's encoding (the fields of a reveal, without the salt)."""
    unsigned = {"round": round, "participant": bls.secret_to_public(secret_key).hex(),
                "model": flatten(layers)}  # fmt: skip
    signature = bls.sign(secret_key, b"zkpot.model" + canonical(unsigned))
    return {**unsigned, "signature": signature.hex()}


def _learning_check(message: dict[str, Any], federation: Federation, layers: Any) -> int:
    """A learning-based validator's check of one model: the signature, then its accuracy."""
    unsigned = {k: v for k, v in message.items() if k != "signature"}
    signature = bytes.fromhex(message["signature"])
    public_key = bytes.fromhex(message["participant"])
    if not bls.verify(public_key, b"zkpot.model" + canonical(unsigned), signature):
        raise AssertionError("a model message zkpot signed does not verify")
    return count_correct(layers, federation.genesis.test, federation.genesis.spec)


def circuit_rows(spec: TrainingSpec) -> dict[str, int]:
    """The gates and domains of the training + accuracy and the accuracy-only circuits."""
    training, accuracy = build_training(spec), build_accuracy_only(spec)
    return {"training": training.cs.n_gates, "accuracy_only": accuracy.cs.n_gates,
            "training_domain": 1 << domain_power(training.cs),
            "accuracy_only_domain": 1 << domain_power(accuracy.cs)}  # fmt: skip


@dataclasses.dataclass(frozen=True, eq=False)
class AccuracyKeys:
    """The accuracy-only circuit of a spec and its keys."""

    circuit: TrainingCircuit
    pk: Any
    vk: Any


def accuracy_setup(spec: TrainingSpec, srs: SRS) -> AccuracyKeys:
    """Preprocess the accuracy-only circuit of ``spec``."""
    circuit = build_accuracy_only(spec)
    pk, vk = preprocess(circuit.cs, srs)
    return AccuracyKeys(circuit, pk, vk)


def prove_accuracy(
    keys: AccuracyKeys, spec: TrainingSpec, layers: Sequence[Any], test: Any, *, salt: int = 1
) -> tuple[list[int], Any]:
    """Prove the accuracy-only statement for ``layers``: (its public inputs, the proof)."""
    statement = {"round": 1, "participant": 1, "model_commitment": model_commitment(layers, salt,
                 spec), "test_set": hash_test_set(test, spec),
                 "accuracy": count_correct(layers, test, spec)}  # fmt: skip
    witness = keys.circuit.cs.solve(
        accuracy_inputs(spec, statement=statement, layers=layers, model_salt=salt, test=test)
    )
    public = [statement[name] for name in ACCURACY_FIELDS]
    return public, prove_witness(keys.pk, witness)


def _certificate(federation: Federation, block: Block) -> Certificate:
    members = federation.members
    message = vote_message(block.height, block.hash)
    signature = bls.aggregate([bls.sign(m.secret_key, message) for m in members])
    return Certificate(block.height, block.hash, tuple(range(len(members))), signature)


def measure_round(
    n: int,
    keys: ContributionKeys,
    *,
    sample: int | None = None,
    say: Say | None = None,
) -> dict[str, Any]:
    """One round of ``n`` participants: times and bytes (see the module docstring).

    Args:
        keys: the spec's keys (:func:`zkpot.ml.contribution.setup`).
        sample: prove and verify only this many of the ``n`` participants (``None``: all);
            the per-block figures then count ``n`` times the sample's mean, and the
            result says ``"proved"``.
    """
    say = say or (lambda _: None)
    federation = build(n, seed=0, spec=keys.spec, keys=keys)
    genesis = federation.genesis
    ctx = RoundContext(genesis, keys, 1, genesis.model_hash, genesis.hash)
    proved = n if sample is None else min(n, sample)
    prove_s, verify_s, learning_s = [], [], []
    contributions, models, reveal = [], [], None
    for i, m in enumerate(federation.members[:proved]):
        (message, proven), seconds = _prove(keys, federation, i)
        prove_s.append(seconds)
        reason, seconds = _timed(lambda message=message: check_contribution(message, ctx, {}))
        if reason is not None:
            raise AssertionError(f"an honest contribution was refused: {reason}")
        verify_s.append(seconds)
        model = model_message(1, m.secret_key, proven.model)
        _, seconds = _timed(lambda model=model, p=proven: _learning_check(model, federation,
                                                                          p.model))  # fmt: skip
        learning_s.append(seconds)
        contributions.append(message)
        models.append(model)
        if reveal is None or message.accuracy > reveal[0]:
            reveal = (message.accuracy, participant_side.reveal(proven, m.public_key))
        say(f"{n} participants: {m.name} proved in {prove_s[-1]:.1f} s, "
            f"verified in {verify_s[-1] * 1000:.0f} ms")  # fmt: skip
    assert reveal is not None
    leader = reveal[1]
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    # sizes: the sample's mean size per message, n of them; a block names n contributions
    # (32-byte hashes: with a sample, its hashes repeat, which changes no size)
    contribution_bytes = mean([_size(c.to_json()) for c in contributions])
    model_bytes = mean([_size(m) for m in models])
    block = Block(1, genesis.hash, leader.participant, genesis.model_hash, leader.hash,
                  tuple(c.hash for c in contributions) * (n // proved) +
                  tuple(c.hash for c in contributions[: n % proved]), 0)  # fmt: skip
    certificate = _certificate(federation, block)
    ok, certificate_s = _timed(
        lambda: bls.fast_aggregate_verify(
            [m.public_key for m in federation.members], certificate.message(), certificate.signature
        )
    )
    if not ok:
        raise AssertionError("the certificate zkpot aggregated does not verify")
    vote = Vote(1, block.hash, n - 1, bls.sign(federation.members[-1].secret_key,
                                               vote_message(1, block.hash)))  # fmt: skip
    header = _size(block.to_json()) + _size(certificate.to_json())
    votes = 2 * n * _size(vote.to_json())
    reveal_bytes = _size(leader.to_json())
    zkpot_on = header + n * contribution_bytes
    learning_on = header + n * model_bytes
    return {
        "participants": n, "proved": proved,
        "prove_s": mean(prove_s),
        "verify_contribution_s": mean(verify_s),
        "verify_block_s": (sum(verify_s) if proved == n else n * mean(verify_s)) + certificate_s,
        "certificate_s": certificate_s,
        "learning_verify_model_s": mean(learning_s),
        "learning_verify_block_s": n * mean(learning_s) + certificate_s,
        "proof_bytes": len(contributions[0].proof),
        "contribution_bytes": round(contribution_bytes),
        "model_bytes": round(model_bytes),
        "zkpot": {"on_chain": round(zkpot_on), "off_chain": reveal_bytes,
                  "sent": round((n * contribution_bytes + reveal_bytes + _size(block.to_json())
                                 + votes) * (n - 1))},
        "learning": {"on_chain": round(learning_on), "off_chain": 0,
                     "sent": round((n * model_bytes + _size(block.to_json()) + votes) * (n - 1))},
    }  # fmt: skip


def statement_costs(
    keys: ContributionKeys, srs: SRS, *, repeats: int = 2, say: Say | None = None
) -> dict[str, Any]:
    """The training + accuracy statement beside the accuracy-only one at one spec: rows,
    domain, proving time and verifying time (the mean of ``repeats`` runs)."""
    say = say or (lambda _: None)
    spec = keys.spec
    federation = build(2, seed=0, spec=spec, keys=keys)
    genesis = federation.genesis
    accuracy_keys, preprocess_s = _timed(lambda: accuracy_setup(spec, srs))
    out: dict[str, Any] = {"spec": spec.to_json(), **circuit_rows(spec)}
    prove_t, verify_t, prove_a, verify_a = [], [], [], []
    for _ in range(repeats):
        (_, proven), seconds = _prove(keys, federation)
        prove_t.append(seconds)
        s = proven.contribution
        ok, seconds = _timed(lambda s=s: verify(keys.vk, s.statement.public_inputs(), s.proof))
        verify_t.append(seconds)
        (public, proof), seconds = _timed(lambda p=proven: prove_accuracy(
            accuracy_keys, spec, p.model, genesis.test))  # fmt: skip
        prove_a.append(seconds)
        ok_a, seconds = _timed(lambda p=public, q=proof: verify(accuracy_keys.vk, p, q))
        verify_a.append(seconds)
        if not (ok and ok_a):
            raise AssertionError("a proof zkpot made does not verify")
    say(f"statements: training + accuracy {min(prove_t):.1f} s, accuracy only "
        f"{min(prove_a):.1f} s")  # fmt: skip
    out.update(training_prove_s=min(prove_t), training_verify_s=min(verify_t),
               accuracy_only_prove_s=min(prove_a), accuracy_only_verify_s=min(verify_a),
               accuracy_only_preprocess_s=preprocess_s)  # fmt: skip
    return out


def _widest(spec: TrainingSpec) -> list[Layer]:
    """A model of ``spec``'s shape whose every parameter takes the most digits in JSON."""
    value = -((1 << (spec.bound_bits - 1)) - 1)
    return [Layer(np.full((o, i), value), np.full(o, value)) for i, o in pairwise(spec.sizes)]


def growth(
    base: TrainingSpec,
    *,
    widths: Sequence[int] = WIDTHS,
    steps: Sequence[int] = STEPS,
    measure_limit: int = 1 << 12,
    base_prove_s: float | None = None,
    say: Say | None = None,
) -> list[dict[str, Any]]:
    """Rows, domains, proving time and the bytes of a learning-based model message (at
    most: every parameter at the bound) as the hidden width and the steps grow from
    ``base``.

    A spec is proved here when its domain is at most ``measure_limit`` (``base`` takes
    ``base_prove_s`` if given); the others' time is computed from the largest measured
    domain's time per row (``"measured": False``).

    Raises:
        InvalidInput: if no spec is measured.
    """
    say = say or (lambda _: None)
    specs = [("width", w, dataclasses.replace(base, sizes=(base.sizes[0], w, base.sizes[-1]),
                                              log2_weight_bound=None))  # W chosen for the width
             for w in widths]  # fmt: skip
    specs += [("steps", s, dataclasses.replace(base, steps=s)) for s in steps]
    rows = []
    for axis, value, spec in specs:
        r = circuit_rows(spec)
        row = {"axis": axis, "value": value, "params": spec.n_params, **r,
               "model_bytes": _size(model_message(1, 1, _widest(spec))),
               "prove_s": None, "measured": False}  # fmt: skip
        if spec == base and base_prove_s is not None:
            row.update(prove_s=base_prove_s, measured=True)
        elif r["training_domain"] <= measure_limit:
            keys = setup(spec, dev_srs(spec))
            _, row["prove_s"] = _prove(keys, build(2, seed=0, spec=spec, keys=keys))
            row["measured"] = True
        say(f"growth: {axis} {value}: {r['training']:,} rows"
            + (f", proved in {row['prove_s']:.1f} s" if row["measured"] else ""))  # fmt: skip
        rows.append(row)
    measured = [r for r in rows if r["measured"]]
    if not measured:
        raise InvalidInput(f"no spec of the growth table fits the measure limit {measure_limit}")
    largest = max(measured, key=lambda r: (r["training_domain"], r["prove_s"]))
    per_row = largest["prove_s"] / largest["training_domain"]
    for r in rows:
        if not r["measured"]:
            r["prove_s"] = per_row * r["training_domain"]
    return rows


def experiment(*, quick: bool = False, say: Say | None = None) -> dict[str, Any]:
    """Every cost of the module docstring: per round for 4, 8 and 16 participants, the two
    statements side by side, and the growth table.

    ``quick``: :data:`QUICK_SPEC`, one participant proved per round (the others counted
    as it), nothing proved for the growth table but the spec itself; else
    :data:`FULL_SPEC`, every participant proved, growth proved up to 2¹³ rows.
    """
    say = say or (lambda _: None)
    spec = QUICK_SPEC if quick else FULL_SPEC
    srs = dev_srs(spec)
    keys, preprocess_s = _timed(lambda: setup(spec, srs))
    say(f"keys: {keys.vk.n:,} rows preprocessed in {preprocess_s:.1f} s")
    rounds = [measure_round(n, keys, sample=1 if quick else None, say=say) for n in PARTICIPANTS]
    statements = statement_costs(keys, srs, repeats=1 if quick else 3, say=say)
    return {
        "spec": spec.to_json(), "quick": quick, "preprocess_s": preprocess_s,
        "rounds": rounds, "statements": statements,
        "growth": growth(spec, widths=WIDTHS[:3] if quick else WIDTHS,
                         steps=STEPS[:3] if quick else STEPS,
                         measure_limit=keys.vk.n if quick else 1 << 13,
                         base_prove_s=statements["training_prove_s"], say=say),
    }  # fmt: skip


def plot(results: dict[str, Any], directory: str | Path) -> list[Path]:
    """``costs-round.png`` (verifying time per block and bytes sent per round, by
    participants, ZKPoT beside learning-based consensus) and ``costs-growth.png`` (rows
    and proving time by hidden width and by steps).

    Raises:
        ModuleNotFoundError: if matplotlib is not installed (``pip install zkpot[plots]``).
    """
    from zkpot.ml.report import pyplot

    plt = pyplot()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rounds = results["rounds"]
    ns = [r["participants"] for r in rounds]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(ns, [r["verify_block_s"] for r in rounds], marker="o", label="ZKPoT")
    left.plot(ns, [r["learning_verify_block_s"] for r in rounds], marker="s",
              label="learning-based")  # fmt: skip
    left.set_xlabel("participants")
    left.set_ylabel("seconds to verify a block")
    for system, marker in (("zkpot", "o"), ("learning", "s")):
        right.plot(ns, [r[system]["sent"] / 1e3 for r in rounds], marker=marker,
                   label="ZKPoT" if system == "zkpot" else "learning-based")  # fmt: skip
    right.set_xlabel("participants")
    right.set_ylabel("kB sent per round")
    for ax in (left, right):
        ax.legend(fontsize=8)
        ax.set_xticks(ns)
    fig.suptitle("A round's costs (" + "-".join(map(str, results["spec"]["sizes"])) + ")")
    fig.tight_layout()
    round_path = directory / "costs-round.png"
    fig.savefig(round_path, dpi=100)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, axis, label in zip(axes, ("width", "steps"), ("hidden width", "SGD steps"),
                               strict=True):  # fmt: skip
        table = [r for r in results["growth"] if r["axis"] == axis]
        xs = [r["value"] for r in table]
        ax.plot(xs, [r["training"] for r in table], marker="o", label="training + accuracy")
        ax.plot(xs, [r["accuracy_only"] for r in table], marker="s", label="accuracy only")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xlabel(label)
        ax.set_ylabel("circuit rows")
        ax.legend(fontsize=8)
    fig.suptitle("How the circuit grows")
    fig.tight_layout()
    growth_path = directory / "costs-growth.png"
    fig.savefig(growth_path, dpi=100)
    plt.close(fig)
    return [round_path, growth_path]


__all__ = ["FULL_SPEC", "PARTICIPANTS", "QUICK_SPEC", "STEPS", "WIDTHS", "AccuracyKeys",
           "accuracy_setup", "circuit_rows", "experiment", "growth", "measure_round",
           "model_message", "plot", "prove_accuracy", "statement_costs"]  # fmt: skip
