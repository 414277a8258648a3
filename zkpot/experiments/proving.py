"""The ZKPoT systems' verdicts from real proofs, on this machine or on a Dask cluster.

:mod:`zkpot.experiments.robustness` *models* verification: a contribution counts when its
statement is true. :class:`RealProofs` replaces that model with the chain's own code. For
every ZKPoT contribution of every round, a participant:

1. trains and proves its round (:func:`zkpot.chain.participant.contribute`: the twin's
   training, the witness, the PLONK proof, the signed chain message); for ``zkpot-avg``
   with the averaging statement, masked with the seeds it shares with its partners;
2. submits what the attack makes it submit (:func:`as_submitted`): a Byzantine
   participant whose model or claim is not what it proved puts its own in the message
   and signs it again — the proof it holds is of another statement, and it has no better
   (PLONK's soundness; :mod:`zkpot.ml`'s tests force every cheat and watch it fail);
3. and a validator judges the message with :func:`zkpot.chain.rules.check_contribution`
   against a real genesis (:func:`genesis`: the members' BLS keys, their registered data
   and pair-seed commitments, the public test set): the signature, the registration, the
   global model, the data commitment and the proof.

Only a contribution the validator accepts counts. Each is recorded beside the modelled
verdict, so that a run says whether the two ever disagree (they should not: that is the
model's claim, tested here on a tiny grid and measured on ``--quick``).

**Dask.** Proving and checking are tasks of ``dask.distributed``: a ``LocalCluster`` of one
single-threaded worker process per core by default, or any cluster's scheduler
(:mod:`zkpot.experiments.cluster`). The keys are made once per spec, on this machine (a
local setup: an SRS whose τ nobody knows, :mod:`zkpot.poly.local_setup`, and the key
cache), and sent to each worker once: the SRS and the proving key as bytes
(:class:`Shipment`, in a worker plugin that a worker replacing a dead one receives too),
from which a worker rebuilds its :class:`~zkpot.ml.contribution.ContributionKeys` on first
use and keeps them (:func:`worker_keys`). A task's name is a digest of what it computes, so:

- a proof that several settings need (every honest participant's round 1, the runs with
  no Byzantine participant, which are the same under every attack) is made once;
- a task of a worker that dies is rerun by the scheduler under the same name, and its
  result is recorded once;
- each verdict is appended to ``proofs.jsonl`` in the output directory as it arrives
  (:class:`Journal`), so that a run interrupted midway resumes from there, proving only
  what is missing.

Dask is an optional extra (``pip install 'zkpot[cluster]'``): only
:mod:`zkpot.experiments.cluster` imports it, when a run starts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zkpot.chain import participant as part
from zkpot.chain.federation import averaging, member_key, registrations
from zkpot.chain.genesis import Genesis, TestSet
from zkpot.chain.messages import Contribution
from zkpot.chain.rules import RoundContext, check_contribution
from zkpot.errors import InvalidInput, ZkpotError
from zkpot.experiments.robustness import ATTACKS, Grid, Submission, World, world
from zkpot.hash.keccak import keccak256
from zkpot.ml import aggregation as agg
from zkpot.ml.contribution import ContributionKeys, setup
from zkpot.ml.model import Layer
from zkpot.ml.statement import (
    Rows,
    TrainingSpec,
    data_commitment,
    flatten,
    model_commitment,
    model_hash,
    pack,
)
from zkpot.ml.task import demo_data_salt
from zkpot.ml.training_circuit import build
from zkpot.plonk import keystore
from zkpot.plonk.keys import srs_size
from zkpot.poly import local_setup
from zkpot.poly.kzg import SRS
from zkpot.progress import ProgressLike, as_progress

JOURNAL = "proofs.jsonl"
"""The file in the output directory where each verdict is appended as it arrives."""


def spec_of(system: str, w: World) -> TrainingSpec:
    """The statement a ZKPoT system's participants prove: the world's, and for
    ``zkpot-avg`` the averaging statement among its participants on the chain's default
    partner graph (:func:`zkpot.chain.federation.averaging`)."""
    if system == "zkpot-avg":
        return averaging(w.spec, w.setting.participants)
    return w.spec


def specs(grid: Grid) -> list[TrainingSpec]:
    """Every statement a grid's ZKPoT systems prove (two per dataset)."""
    out: list[TrainingSpec] = []
    for dataset in grid.datasets:
        setting = dataclasses.replace(grid.settings()[0], dataset=dataset, fraction=0.0)
        w = world(setting)
        out += [spec_of(system, w) for system in ("zkpot", "zkpot-avg")]
    return out


# -- the genesis of a setting ------------------------------------------------------------


def _secret(w: World, i: int) -> int:
    """Participant i's (0-based) BLS secret key: the federation's derivation, public."""
    return member_key(w.setting.seed, i + 1)


def _salt(w: World, i: int) -> int:
    return demo_data_salt(w.setting.seed, i + 1)


def test_set(w: World) -> TestSet:
    """The world's public test rows and their commitment's salt (derived from the seed)."""
    salt = keccak256(f"zkpot experiment test set salt {w.setting.seed}".encode())
    return TestSet(w.test, salt)


def genesis(w: World, spec: TrainingSpec) -> Genesis:
    """The genesis a chain of this world's participants starts from, for ``spec``: each
    participant a validator, registered with its data commitment (its flipped rows, for a
    label-flipping one) and, for an averaging spec, its pair seeds' commitments; the
    world's first model; the public test set opened. The keys and salts derive from the
    seed, as :func:`zkpot.chain.federation.build`'s do."""
    s, n = w.setting, w.setting.participants
    registered = registrations([_secret(w, i) for i in range(n)],
                               [data_commitment(w.slots[i], _salt(w, i), spec)
                                for i in range(n)], spec)  # fmt: skip
    test = test_set(w)
    flipped = s.byzantine if s.attack == "label-flip" else 0
    return Genesis(name=f"zkpot experiment: {s.dataset}, seed {s.seed}, {flipped} flipped",
                   spec=spec, test_commitment=test.commitment, global_model=tuple(w.first),
                   ceremony=bytes(32), validators=tuple(r.public_key for r in registered),
                   validator_pops=tuple(r.pop for r in registered),
                   participants=registered).opened(test)  # fmt: skip


# -- what reaches the workers ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Shipment:
    """A spec's keys as bytes, sent to each worker once: the SRS's powers the key uses
    (:func:`zkpot.poly.local_setup.encode`) and the proving key
    (:func:`zkpot.plonk.keystore.key_bytes`, checked against the circuit and SRS when read)."""

    spec: TrainingSpec
    srs: bytes
    key: bytes

    @classmethod
    def of(cls, keys: ContributionKeys) -> Shipment:
        srs = keys.pk.srs
        used = SRS(srs.curve, srs.g1[: srs_size(keys.circuit.cs)], srs.g2[:2])
        return cls(keys.spec, local_setup.encode(used), keystore.key_bytes(keys.pk))


_RECEIVED: dict[TrainingSpec, Shipment] = {}
_WORKER_KEYS: dict[TrainingSpec, ContributionKeys] = {}
_WORKER_LOCK = threading.Lock()
LOADS: Counter[TrainingSpec] = Counter()
"""How many times this process rebuilt each spec's keys from a shipment (once, if each
worker received them once)."""


def receive(shipment: Shipment) -> None:
    """Keep a shipment on this worker (what :class:`zkpot.experiments.cluster.KeysPlugin`
    does as the worker joins the cluster, or rejoins it after a restart)."""
    with _WORKER_LOCK:
        _RECEIVED[shipment.spec] = shipment


def worker_keys(spec: TrainingSpec) -> ContributionKeys:
    """The spec's keys, rebuilt from its shipment on this worker's first use and kept: the
    circuit (:func:`zkpot.ml.training_circuit.build`, whose hints are code and never
    travel), the SRS, and the proving key checked against both.

    Raises:
        InvalidInput: no shipment of this spec reached this worker.
    """
    with _WORKER_LOCK:
        keys = _WORKER_KEYS.get(spec)
        if keys is None:
            shipment = _RECEIVED.get(spec)
            if shipment is None:
                raise InvalidInput(f"no keys for {spec} reached this worker")
            os.environ["ZKPOT_WORKERS"] = "1"  # the worker is one core's: the prover forks none
            circuit = build(spec)
            srs = local_setup.decode(shipment.srs, check_powers=False)  # the key's digest binds it
            pk = keystore.key_from_bytes(shipment.key, circuit.cs, srs)
            keys = _WORKER_KEYS[spec] = ContributionKeys(spec, circuit, pk, pk.vk)
            LOADS[spec] += 1
        return keys


def loads() -> dict[str, int]:
    """:data:`LOADS` by spec, as text (what a test asks each worker for)."""
    return {repr(spec): count for spec, count in LOADS.items()}


# -- the tasks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One participant's round to train and prove: what :func:`zkpot.chain.participant.contribute`
    takes."""

    secret_key: int
    round: int
    global_layers: tuple[Layer, ...]
    data: Rows
    data_salt: int
    test: Rows
    seeds: agg.Seeds | None


@dataclass(frozen=True)
class Proved:
    """A proving task's result: the signed contribution (``None`` if the participant could
    not train: ``reason`` says why), and the seconds it took on its worker."""

    contribution: Contribution | None
    reason: str | None
    seconds: float


def prove(job: Job, spec: TrainingSpec) -> Proved:
    """Train, prove and sign one participant's round (a Dask task)."""
    keys = worker_keys(spec)
    start = time.process_time()
    salt = part.model_salt(job.secret_key, job.round)
    try:
        message, _ = part.contribute(keys, job.secret_key, round=job.round,
                                     global_layers=job.global_layers, data=job.data,
                                     data_salt=job.data_salt, test=job.test, seeds=job.seeds,
                                     model_salt=salt)  # fmt: skip
    except ZkpotError as error:  # training left the fixed-point format: no proof exists
        return Proved(None, f"could not train: {error}", time.process_time() - start)
    return Proved(message, None, time.process_time() - start)


def as_submitted(c: Contribution, sub: Submission, secret_key: int, spec: TrainingSpec,
                 seeds: agg.Seeds | None) -> Contribution:  # fmt: skip
    """The message a participant sends when it submits ``sub`` holding the proof of its
    honest round ``c``: ``c`` itself if ``sub`` is what it proved, else ``c`` with the
    submitted model's commitment (and masked model) and claimed accuracy, signed again."""
    changes: dict[str, Any] = {}
    commitment = model_commitment(sub.model, part.model_salt(secret_key, c.round), spec)
    if commitment != c.model_commitment:
        changes["model_commitment"] = commitment
        if seeds is not None:
            packed = pack(flatten(sub.model), spec.bound_bits, spec.sum_slot)
            changes["masked"] = tuple(seeds.masked(packed, c.round))
    if sub.claim != c.accuracy:
        changes["accuracy"] = sub.claim
    return part.sign(dataclasses.replace(c, **changes), secret_key) if changes else c


@dataclass(frozen=True)
class Checked:
    """A check task's result: the validator's reason (``None``: accepted), the proof's
    bytes, and the seconds proving and checking took."""

    reason: str | None
    proof_bytes: int
    prove_seconds: float
    check_seconds: float


def check(proved: Proved, sub: Submission, job: Job, genesis: Genesis,
          spec: TrainingSpec) -> Checked:  # fmt: skip
    """Judge the message the participant submits, as a validator (a Dask task)."""
    if proved.contribution is None:
        assert proved.reason is not None
        return Checked(proved.reason, 0, proved.seconds, 0.0)
    keys = worker_keys(spec)
    start = time.process_time()
    c = as_submitted(proved.contribution, sub, job.secret_key, keys.spec, job.seeds)
    ctx = RoundContext(genesis, keys, job.round, model_hash(job.global_layers, keys.spec),
                       parent=bytes(32))  # fmt: skip
    reason = check_contribution(c, ctx, {})
    return Checked(reason, len(c.proof), proved.seconds, time.process_time() - start)


# -- the journal -------------------------------------------------------------------------


_ENTRY = {"check": str, "valid": bool, "modelled": bool, "proof_bytes": int,
          "prove_s": (int, float), "check_s": (int, float)}  # fmt: skip
"""The fields a journal line must have, and their types (``reason`` is text or null)."""


def _entry(line: str) -> dict[str, Any] | None:
    """A journal line's verdict, or ``None`` for a line that is not one: cut short, not
    JSON, or without a field of :data:`_ENTRY` (or ``reason``) of the right type."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("reason", 0), str | None):
        return None
    for name, kind in _ENTRY.items():
        value = entry.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return None
    return entry


class Journal:
    """Every verdict of a run, one JSON line each in ``directory/proofs.jsonl``, appended as
    it arrives; read back on a rerun, so that an interrupted run resumes. A line that is
    not a verdict (cut short by the interruption, say) is skipped, and its contribution
    judged again; ``skipped`` counts them.

    A rerun takes the verdicts it finds as they are: whoever can write the output
    directory decides them, as whoever can write the key cache decides the keys. Give it
    the trust you give the code."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / JOURNAL
        self.entries: dict[str, dict[str, Any]] = {}
        self.resumed = self.skipped = 0
        text = self.path.read_text(errors="replace") if self.path.exists() else ""
        for line in text.splitlines():
            entry = _entry(line)
            if entry is None:
                self.skipped += 1
            else:
                self.entries[entry["check"]] = entry
        self.resumed = len(self.entries)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._file = open(self.path, "a")  # noqa: SIM115 (kept open for the run; closed by close())
        if text and not text.endswith("\n"):
            self._file.write("\n")  # end the line an interruption cut short

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self.entries.get(key)

    def record(self, entry: dict[str, Any]) -> bool:
        """Append ``entry`` unless its contribution is recorded already; ``True`` if new."""
        with self._lock:
            if entry["check"] in self.entries:
                return False
            self.entries[entry["check"]] = entry
            self._file.write(json.dumps(entry) + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())
            return True

    def close(self) -> None:
        self._file.close()


# -- the driver --------------------------------------------------------------------------


def _proof_key(spec: TrainingSpec, w: World, i: int, round: int, layers: Sequence[Layer]
               ) -> str:  # fmt: skip
    """The name of participant i's proof of a round: what it proves from, and nothing of
    the setting, so that settings that need the same proof share it."""
    return _digest("prove", spec, _secret(w, i), round, layers, w.slots[i].values(),
                   _salt(w, i), w.test.values())  # fmt: skip


def spec_digest(spec: TrainingSpec) -> str:
    """A short name for a spec (its keys' plugin's, on a cluster)."""
    return _digest(spec)[:16]


def _digest(*parts: object) -> str:
    """A task's name: SHA-256 of the repr of what it computes from (models as their
    flattened values), not a Poseidon hash: the driver names thousands of tasks, and it
    shares the machine with the workers."""
    text = repr([flatten(p) if isinstance(p, tuple | list) and p and isinstance(p[0], Layer)
                 else p for p in parts])  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class RealProofs:
    """The verdicts of :mod:`zkpot.experiments.robustness`'s ZKPoT systems from real
    proofs: a :data:`~zkpot.experiments.robustness.Verdicts` that submits each round's
    proving and checking to a Dask ``client`` and waits for them, recording each verdict
    in ``directory``'s :class:`Journal`. Several settings may call it at once, from
    threads (:func:`~zkpot.experiments.robustness.experiment`'s ``threads``).

    :meth:`prepare` makes the grid's keys and sends them to the workers; :meth:`report`
    says what was proven and whether any verdict disagreed with the modelled one.

    Args:
        client: a ``dask.distributed.Client``.
        directory: the run's output directory (the journal's, for resuming).
        cache_dir: where the local SRS and the proving keys are kept.
        progress: told the setup's lines and steps, then one step, ``"proofs"``: a unit
            per contribution judged (:mod:`zkpot.progress`).
    """

    def __init__(self, client: Any, directory: str | Path, *, cache_dir: str | Path,
                 progress: ProgressLike = None) -> None:  # fmt: skip
        self.client = client
        self.journal = Journal(directory)
        self.cache_dir = Path(cache_dir)
        self.progress = as_progress(progress)
        self.shipments: set[TrainingSpec] = set()  # the specs whose keys the workers have
        self.geneses: dict[tuple[str, TrainingSpec], Genesis] = {}
        self.proofs: dict[str, Any] = {}  # a proof's digest → its future
        self.lock = threading.Lock()
        self.judged = self.proved = self.shared = 0
        self.disagreements: list[dict[str, Any]] = []
        self.groups: dict[str, Counter[str]] = {}  # "dataset attack fraction system" → counts
        self.started = time.perf_counter()

    def prepare(self, grid: Grid, total: int | None = None) -> None:
        """Make every spec's keys (a local setup and the key cache: once per spec, ever)
        and send them to every worker; then start the ``"proofs"`` step, one unit per
        ZKPoT contribution of the grid (or ``total``, for a caller that judges others)."""
        from zkpot.experiments import cluster

        for spec in specs(grid):
            if spec in self.shipments:
                continue
            circuit = build(spec)
            size = srs_size(circuit.cs)
            self.progress.say(f"keys: {spec.sizes} network, {spec.test_rows} test rows"
                              + (f", averaging among {spec.participants}" if spec.averaged
                                 else "") + f": {circuit.cs.n_gates:,} rows")  # fmt: skip
            srs = local_setup.local_srs(self.cache_dir, size, progress=self.progress)
            keys = setup(spec, srs, cache_dir=self.cache_dir, circuit=circuit,
                         progress=self.progress)  # fmt: skip
            shipment = Shipment.of(keys)
            self.progress.say(f"keys: sending {len(shipment.key) / 1e6:.0f} MB to each worker")
            cluster.send_keys(self.client, shipment)
            self.shipments.add(spec)
        if total is None:
            total = len(grid.settings()) * 2 * grid.rounds * grid.participants
        self.progress.start("proofs", total, "proofs")

    def _genesis(self, w: World, spec: TrainingSpec) -> Genesis:
        s = w.setting
        key = (f"{s.dataset} {s.seed} {s.byzantine if s.attack == 'label-flip' else 0}", spec)
        with self.lock:
            found = self.geneses.get(key)
        if found is None:
            found = genesis(w, spec)
            with self.lock:
                self.geneses[key] = found
        return found

    def __call__(self, system: str, w: World, global_layers: list[Layer], round: int,
                 subs: list[Submission]) -> list[bool]:  # fmt: skip
        spec = spec_of(system, w)
        if spec not in self.shipments:
            raise InvalidInput(f"no keys for {system}'s statement: prepare() the grid first")
        g = self._genesis(w, spec)
        layers = tuple(global_layers)
        pending: dict[int, tuple[str, Any]] = {}
        verdicts: dict[int, dict[str, Any]] = {}
        for i, sub in enumerate(subs):
            proof_key = _proof_key(spec, w, i, round, layers)
            check_key = _digest("check", proof_key, g.hash, sub.claim, sub.model)
            entry = self.journal.get(check_key)
            if entry is not None:  # judged before the run was interrupted
                verdicts[i] = entry
                continue
            secret = _secret(w, i)
            job = Job(secret, round, layers, w.slots[i], _salt(w, i), w.test,
                      part.seeds(secret, round, g))  # fmt: skip
            with self.lock:
                proved = self.proofs.get(proof_key)
                if proved is None:
                    proved = self.proofs[proof_key] = self.client.submit(
                        prove, job, spec, key=f"prove-{proof_key}", pure=False
                    )
                    self.proved += 1
                else:
                    self.shared += 1
            future = self.client.submit(check, proved, sub, job, g, spec,
                                        key=f"check-{check_key}", pure=False)  # fmt: skip
            pending[i] = (check_key, future)
        for i, (check_key, future) in pending.items():
            result: Checked = future.result()
            entry = {"check": check_key, "setting": repr(w.setting), "system": system,
                     "round": round, "participant": i + 1, "valid": result.reason is None,
                     "reason": result.reason, "modelled": subs[i].true,
                     "proof_bytes": result.proof_bytes, "prove_s": round_s(result.prove_seconds),
                     "check_s": round_s(result.check_seconds)}  # fmt: skip
            self.journal.record(entry)
            verdicts[i] = entry
        with self.lock:
            group = self.groups.setdefault(
                f"{w.setting.dataset} {w.setting.attack} {w.setting.fraction} {system}",
                Counter(),
            )
            for i in range(len(subs)):
                self.judged += 1
                group["judged"] += 1
                group["refused"] += not verdicts[i]["valid"]
                if verdicts[i]["valid"] != subs[i].true:
                    self.disagreements.append(verdicts[i])
                    group["disagree"] += 1
            self.progress.advance(len(subs), f"{w.setting.dataset} {w.setting.attack} "
                                  f"{w.setting.fraction:.0%}: {system} round {round}")  # fmt: skip
        return [verdicts[i]["valid"] for i in range(len(subs))]

    def report(self) -> dict[str, Any]:
        """What the run proved and how long it took: contributions judged, proofs made
        (and shared between settings), verdicts taken from the journal, seconds of CPU per
        proof by spec, and every verdict that disagreed with the modelled one."""
        entries = list(self.journal.entries.values())
        by_spec: dict[str, list[float]] = {}
        for e in entries:
            if e["prove_s"]:
                by_spec.setdefault(e["system"], []).append(e["prove_s"])
        return {"proofs": "real", "judged": self.judged, "proved": self.proved,
                "shared": self.shared, "resumed": self.journal.resumed,
                "disagreements": self.disagreements,
                "groups": {k: dict(v) for k, v in sorted(self.groups.items())},
                "prove_s": {s: round_s(sum(v) / len(v)) for s, v in by_spec.items()},
                "proof_bytes": sorted({e["proof_bytes"] for e in entries if e["proof_bytes"]}),
                "cpu_hours": round(sum(e["prove_s"] + e["check_s"] for e in entries) / 3600, 3),
                "wall_s": round_s(time.perf_counter() - self.started),
                "workers": len(self.client.scheduler_info()["workers"])}  # fmt: skip

    def close(self) -> None:
        self.journal.close()


class ProofCount:
    """Modelled verdicts (:func:`~zkpot.experiments.robustness.modelled`) that count the
    proofs a run with real proofs would make: the contributions, and the distinct proofs
    per statement (:func:`spec_of`) once settings share theirs. What :func:`count` uses to
    say what a grid costs before running it."""

    def __init__(self) -> None:
        self.contributions = 0
        self.proofs: dict[TrainingSpec, set[str]] = {}
        self.lock = threading.Lock()

    def __call__(self, system: str, w: World, global_layers: list[Layer], round: int,
                 subs: list[Submission]) -> list[bool]:  # fmt: skip
        spec = spec_of(system, w)
        keys = {_proof_key(spec, w, i, round, global_layers) for i in range(len(subs))}
        with self.lock:
            self.contributions += len(subs)
            self.proofs.setdefault(spec, set()).update(keys)
        return [sub.true for sub in subs]


def count(grid: Grid, threads: int = 1) -> tuple[int, dict[TrainingSpec, int]]:
    """The contributions of ``grid``'s ZKPoT systems, and the distinct proofs they need per
    statement: a modelled run (the verdicts agree, so the rounds do too), no proof made."""
    from zkpot.experiments import robustness

    counter = ProofCount()
    robustness.experiment(grid=grid, verdicts=counter, threads=threads)
    return counter.contributions, {spec: len(keys) for spec, keys in counter.proofs.items()}


def agreement_table(real: dict[str, Any], modelled: dict[str, Any]) -> str:
    """Real proofs beside the model, per dataset, attack and Byzantine fraction: the ZKPoT
    contributions judged and refused (both rules together), the verdicts that disagree,
    and each rule's final accuracy (mean over seeds) from real proofs and modelled. A
    Markdown table."""
    finals = {(r["dataset"], r["attack"], r["fraction"], r["system"], source): r["mean"]
              for source, results in (("real", real), ("modelled", modelled))
              for r in results["summary"]}  # fmt: skip
    groups = real["proofs"]["groups"]
    lines = ["| data | attack | Byzantine | judged | refused | disagree | zkpot, real | "
             "modelled | zkpot-avg, real | modelled |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for dataset in real["datasets"]:
        for attack in sorted({r["attack"] for r in real["runs"]}, key=ATTACKS.index):
            for fraction in sorted({r["fraction"] for r in real["runs"]}):
                counts: Counter[str] = Counter()
                for system in ("zkpot", "zkpot-avg"):
                    counts.update(groups.get(f"{dataset} {attack} {fraction} {system}", {}))
                cells = [f"{finals[dataset, attack, fraction, system, source]:.3f}"
                         for system in ("zkpot", "zkpot-avg")
                         for source in ("real", "modelled")]  # fmt: skip
                lines.append(f"| {dataset.capitalize()} | {attack} | {fraction:.0%} | "
                             f"{counts['judged']} | {counts['refused']} | "
                             f"{counts['disagree']} | " + " | ".join(cells) + " |")  # fmt: skip
    return "\n".join(lines) + "\n"


def round_s(seconds: float) -> float:
    return round(seconds, 3)


def with_real_proofs(client: Any, directory: str | Path, grid: Grid,
                     run: Callable[[RealProofs], dict[str, Any]], *, cache_dir: str | Path,
                     progress: ProgressLike = None, total: int | None = None
                     ) -> dict[str, Any]:  # fmt: skip
    """``run(verdicts)`` with the verdicts of real proofs on ``client``'s cluster, the keys
    made for ``grid`` (:meth:`RealProofs.prepare`, with ``total`` contributions to judge):
    its results, with :meth:`RealProofs.report` under ``"proofs"``."""
    proofs = RealProofs(client, directory, cache_dir=cache_dir, progress=progress)
    try:
        proofs.prepare(grid, total)
        results = run(proofs)
        results["proofs"] = proofs.report()
    finally:
        proofs.close()
    return results


def run_experiment(client: Any, directory: str | Path, *, grid: Grid, cache_dir: str | Path,
                   progress: ProgressLike = None, say: Any = None) -> dict[str, Any]:  # fmt: skip
    """:func:`zkpot.experiments.robustness.experiment` on ``grid`` with real proofs
    (:func:`with_real_proofs`), every setting at once (each waits on its round's proofs)."""
    from zkpot.experiments import robustness

    def run(verdicts: RealProofs) -> dict[str, Any]:
        return robustness.experiment(grid=grid, say=say, verdicts=verdicts,
                                     threads=len(grid.settings()))  # fmt: skip

    return with_real_proofs(client, directory, grid, run, cache_dir=cache_dir,
                            progress=progress)  # fmt: skip


__all__ = [
    "JOURNAL",
    "LOADS",
    "Checked",
    "Job",
    "Journal",
    "ProofCount",
    "Proved",
    "RealProofs",
    "Shipment",
    "agreement_table",
    "as_submitted",
    "check",
    "count",
    "genesis",
    "loads",
    "prove",
    "receive",
    "run_experiment",
    "spec_of",
    "specs",
    "test_set",
    "with_real_proofs",
    "worker_keys",
]
