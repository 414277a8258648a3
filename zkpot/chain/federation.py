"""A whole federation from a seed: its genesis, its members, a simulated chain, a report.

What ``zkpot simulate`` and ``zkpot demo`` run, and what a course or an experiment
starts from. :func:`build` sets up N members on the Iris task — each one a participant
*and* a validator, as the paper's clients are — with the powers-of-tau ceremony at
genesis (every member contributes; the transcript's digest goes into the genesis);
:func:`run` runs them on the simulator (:mod:`zkpot.chain.simulator`) for R rounds and
reports each round the way every honest node's store records it.

Proofs are the slow part, and every participant of a round proves from the same global
model, so :class:`ParallelProver` proves a round's contributions in parallel, one process
per core (the keys are inherited when the worker processes fork, never copied per proof).

Keys and salts here derive from the seed, so that a run is reproducible. That makes them
public: a real participant draws its keys and salts at random and keeps them, and a real
publisher draws the test set's salt at random (:meth:`TestSet.new`) and keeps the rows
secret until the genesis is final.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from zkpot.chain import participant as part
from zkpot.chain.byzantine import ByzantineNode, parse_behaviour, replay_source
from zkpot.chain.genesis import Genesis, Registration, TestSet
from zkpot.chain.messages import Contribution
from zkpot.chain.node import Node, ParticipantRole, Prover, Timing
from zkpot.chain.rules import NO_REVEAL
from zkpot.chain.simulator import Simulation
from zkpot.chain.store import ChainStore
from zkpot.curve import bls, bls12_381
from zkpot.curve.parallel import can_fork, default_workers
from zkpot.errors import InvalidInput, ZkpotError
from zkpot.hash.keccak import keccak256
from zkpot.ml import aggregation as agg
from zkpot.ml.contribution import ContributionKeys, Proven, setup
from zkpot.ml.model import Layer
from zkpot.ml.statement import Rows, TrainingSpec, count_correct, data_commitment, model_hash
from zkpot.ml.task import Task, demo_data_salt, iris_task
from zkpot.plonk.keys import srs_size
from zkpot.poly import ceremony
from zkpot.poly.kzg import SRS
from zkpot.progress import ProgressLike, as_progress

DEMO_SPEC = TrainingSpec(sizes=(4, 4, 3), log2_batch=2, steps=1, test_rows=4, log2_lr=2)
"""The demo's and the simulator's task: a 4-4-3 network, one SGD step on 4 rows, 4 test
rows, learning rate 1/4. Its circuit has 3,837 rows (a domain of 2¹²): a proof in
seconds, so that a round of four participants fits in well under a minute."""

PARTICIPANT_BEHAVIOURS = ("inflate", "replay", "wrong-model", "stale", "duplicate",
                          "bad-reveal", "withhold", "equivocate")  # fmt: skip
"""The Byzantine participants ``simulate --byzantine K`` cycles through, in this order."""


@dataclass(frozen=True)
class Member:
    """One member of the federation: participant ``index`` (1-based: its place among the
    genesis's participants, so that its name ``p{index}`` is the genesis's name for its key,
    :attr:`~zkpot.chain.genesis.Genesis.participant_names`) and a validator.

    ``behaviour`` is ``None`` for an honest member, else one of
    :data:`zkpot.chain.byzantine.BEHAVIOURS`.
    """

    index: int
    secret_key: int
    role: ParticipantRole
    behaviour: str | None = None

    @property
    def name(self) -> str:
        return f"p{self.index}"

    @property
    def public_key(self) -> bytes:
        return bls.secret_to_public(self.secret_key)


@dataclass(frozen=True, eq=False)
class Federation:
    """A genesis, the keys of its spec, its members, the task they came from, and the
    ceremony's output (``None`` when the caller brought its own keys)."""

    genesis: Genesis
    keys: ContributionKeys
    members: tuple[Member, ...]
    task: Task
    ceremony: CeremonyOutput | None = None

    def member(self, public_key: bytes) -> Member | None:
        """The member with this BLS public key, or ``None``."""
        return next((m for m in self.members if m.public_key == public_key), None)

    def name(self, index: int) -> str:
        """Member ``index``'s name in the genesis (``p2``); a report's index 0 (the key of
        no member) as ``not a member``."""
        key = self._key(index)
        return "not a member" if key is None else self.genesis.participant_names[key]

    def label(self, index: int) -> str:
        """Member ``index`` as the terminal and the watch page show it, its name beside its
        key's first 8 hex digits (``p2 · 2f56fe87``:
        :meth:`~zkpot.chain.genesis.Genesis.label`); a report's index 0 as ``not a member``."""
        key = self._key(index)
        return "not a member" if key is None else self.genesis.label(key)

    def _key(self, index: int) -> bytes | None:
        return self.members[index - 1].public_key if 1 <= index <= len(self.members) else None


def member_key(seed: int, index: int) -> int:
    """Member ``index``'s BLS secret key, derived from the seed (public: see the module)."""
    digest = keccak256(f"zkpot federation key {seed} {index}".encode())
    return 1 + int.from_bytes(digest, "big") % (bls12_381.R - 1)


@dataclass(frozen=True, eq=False)
class CeremonyOutput:
    """What a powers-of-tau ceremony hands the nodes: its last contribution (whose powers
    are the SRS) and the transcript's digest before it, from which a node recomputes the
    transcript's digest (:func:`zkpot.poly.ceremony.verify_output`) and compares it with
    its genesis's."""

    previous: bytes
    last: ceremony.Contribution
    digest: bytes

    @property
    def srs(self) -> SRS:
        return SRS(ceremony.bn254, self.last.g1, self.last.g2)


def run_ceremony(size: int, names: Sequence[str], progress: ProgressLike = None) -> CeremonyOutput:
    """The powers-of-tau ceremony at genesis: each name contributes in turn, every
    contribution is verified; the output carries the transcript's digest. ``progress`` is
    told of each contribution's steps, its powers and its checks
    (:func:`zkpot.poly.ceremony.contribute`, :func:`~zkpot.poly.ceremony.verify_contribution`),
    and a line as each is verified."""
    report = as_progress(progress)
    if not names:
        raise InvalidInput("a ceremony needs one contributor at least")
    state = ceremony.start(size)
    for name in names:
        previous = state.digest
        contribution = ceremony.contribute(state, name, progress=report)
        state = ceremony.verify_contribution(state, contribution, progress=report)
        report.say(f"ceremony: {name} contributed and was verified")
    return CeremonyOutput(previous, contribution, state.digest)


def averaging(spec: TrainingSpec, n: int, reach: int | None = None) -> TrainingSpec:
    """``spec`` for private averaging among ``n`` members, each with 2·reach partners: by
    default as many as the circle allows, ⌊(n − 1)/2⌋ each way (every other member for an
    odd n), so that two selected members are rarely without a selected partner; fewer
    if there are too few members (:func:`zkpot.ml.aggregation.largest_reach`)."""
    reach = n if reach is None else reach
    return dataclasses.replace(spec, participants=n, reach=agg.largest_reach(n, reach))


def build(
    n: int,
    *,
    seed: int = 0,
    spec: TrainingSpec = DEMO_SPEC,
    byzantine: Sequence[str] = (),
    keys: ContributionKeys | None = None,
    ceremony_digest: bytes = bytes(32),
    cache_dir: str | os.PathLike[str] | None = None,
    progress: ProgressLike = None,
) -> Federation:
    """N members on Iris (Dirichlet split, :func:`zkpot.ml.task.iris_task`), the last
    ``len(byzantine)`` of them Byzantine with these behaviours (each a behaviour of
    :mod:`zkpot.chain.byzantine`, or a plan ``a+b+…``: one per round, in turn).

    Args:
        keys: the spec's keys, if the caller already has them (tests); by default the
            members run the ceremony (:func:`run_ceremony`) and the keys are preprocessed
            from its SRS, and ``ceremony_digest`` is the transcript's.
        cache_dir: where to keep the proving key (:func:`zkpot.ml.contribution.setup`).
        progress: told a line per step, and the ceremony's and the preprocessing's
            progress (:func:`run_ceremony`, :func:`zkpot.ml.contribution.setup`).

    Raises:
        InvalidInput: fewer than one member, more Byzantine members than members, or an
            unknown behaviour.
    """
    report = as_progress(progress)
    if not isinstance(n, int) or not 1 <= n <= 64:
        raise InvalidInput(f"a federation of 1 … 64 members, not {n!r}")
    if len(byzantine) > n:
        raise InvalidInput(f"{len(byzantine)} Byzantine members among {n}")
    for behaviour in byzantine:
        try:
            parse_behaviour(behaviour)
        except ValueError as error:
            raise InvalidInput(str(error)) from None
    task = iris_task(n, seed=seed, spec=spec)
    behaviours = [None] * (n - len(byzantine)) + list(byzantine)
    members = tuple(
        Member(i, member_key(seed, i), ParticipantRole(member_key(seed, i), task.slots(i)[0],
                                                       demo_data_salt(seed, i)), behaviours[i - 1])
        for i in range(1, n + 1)
    )  # fmt: skip
    output = None
    if keys is None:
        from zkpot.ml.training_circuit import build as build_circuit

        size = srs_size(build_circuit(spec).cs)
        report.say(f"ceremony: {n} members contribute powers of τ ({size:,} of them) in turn")
        output = run_ceremony(size, [m.name for m in members], report)
        srs, ceremony_digest = output.srs, output.digest
        report.say("keys: preprocessing the proof of training's circuit for the ceremony's SRS")
        keys = setup(spec, srs, cache_dir=cache_dir, progress=report)
    test = test_set(task, seed)
    commitments = [data_commitment(m.role.data, m.role.data_salt, spec) for m in members]
    genesis = Genesis(
        name=f"zkpot federation seed {seed}", spec=spec, test_commitment=test.commitment,
        global_model=tuple(task.global_layers), ceremony=ceremony_digest,
        validators=tuple(m.public_key for m in members),
        validator_pops=tuple(bls.pop_prove(m.secret_key) for m in members),
        participants=registrations([m.secret_key for m in members], commitments, spec),
    )  # fmt: skip
    # registration has closed with the genesis: now the publisher opens the test set
    return Federation(genesis.opened(test), keys, members, task, output)


def registrations(secret_keys: Sequence[int], data_commitments: Sequence[int],
                  spec: TrainingSpec) -> tuple[Registration, ...]:  # fmt: skip
    """The participants' registrations, in order, from their BLS secret keys and data
    commitments; for an averaging spec each registers its pair seeds' commitments with
    the partners this order gives it."""
    graph = agg.partners(len(secret_keys), spec.reach) if spec.averaged else {}
    keys = [bls.secret_to_public(k) for k in secret_keys]
    return tuple(Registration.of(k, commitment, [keys[j] for j in graph[i].all] if graph else ())
                 for i, (k, commitment) in enumerate(zip(secret_keys, data_commitments,
                                                         strict=True)))  # fmt: skip


def test_set(task: Task, seed: int) -> TestSet:
    """The task's public test rows and the salt of their commitment in the genesis (derived
    from the seed, like the members' keys: see the module docstring)."""
    salt = keccak256(f"zkpot federation test set salt {seed}".encode())
    return TestSet(task.test, salt)


# -- proving a round in parallel ---------------------------------------------------------

_KEYS: ContributionKeys | None = None  # the workers' keys, inherited when they fork


Job = tuple[int, int, tuple[Layer, ...], Rows, int, Rows, agg.Seeds | None]
"""A participant's round to prove: key, round, model, data, salt, test rows and seeds."""


def _prove(job: Job, keys: ContributionKeys | None = None) -> tuple[Contribution, Proven]:
    """One participant's round; in a worker, with the keys it inherited."""
    secret_key, round, layers, data, data_salt, test, seeds = job
    keys = keys or _KEYS
    assert keys is not None
    return part.contribute(keys, secret_key, round=round, global_layers=layers, data=data,
                           data_salt=data_salt, test=test, seeds=seeds,
                           model_salt=part.model_salt(secret_key, round))  # fmt: skip


def _attempt(
    job: Job, keys: ContributionKeys | None = None
) -> tuple[Contribution, Proven] | ZkpotError:
    """:func:`_prove`, or the reason the participant cannot (training out of the
    fixed-point bound, say), returned rather than raised so that it crosses processes."""
    try:
        return _prove(job, keys)
    except ZkpotError as error:
        return error


class ParallelProver:
    """Proves every member's contribution of a round at once, on ``workers`` processes.

    :meth:`prover` gives each member's node its :data:`~zkpot.chain.node.Prover`: the first
    node that asks for (round, global model) sets all members' proofs of it going, and
    each node then takes its own. ``workers=1`` (or a platform without ``fork``) proves
    one after another in this process; by default, ``ZKPOT_WORKERS`` or one per core
    (:func:`zkpot.curve.parallel.default_workers`).

    Args:
        progress: told of a step, ``"round R: proving"``, as a round's proofs start, its
            total the number of proofs, advanced as each proof is done (in the order they
            finish), with ``"pI proved"`` as its stage (:mod:`zkpot.progress`).
    """

    def __init__(
        self, federation: Federation, workers: int | None = None, progress: ProgressLike = None
    ) -> None:
        self.federation = federation
        self.workers = workers or default_workers()
        self.progress = as_progress(progress)
        # (round, model, member) → its contribution and secrets, or why it could not train
        self.done: dict[tuple[int, int, int], tuple[Contribution, Proven] | ZkpotError] = {}
        self.pool: Executor | None = None

    def prover(self, member: Member) -> Prover:
        def prove(round: int, layers: Sequence[Layer]) -> tuple[Contribution, Proven]:
            key = model_hash(layers, self.federation.genesis.spec)
            if (round, key, member.index) not in self.done:
                self._prove_all(round, key, tuple(layers))
            if (round, key, member.index) not in self.done:  # a model nobody else trains on
                job = self._job(member, round, tuple(layers))
                self.done[round, key, member.index] = _attempt(job, self.federation.keys)
            result = self.done[round, key, member.index]
            if isinstance(result, ZkpotError):
                raise result  # the member's node sits the round out, saying why
            return result

        return prove

    def _job(self, member: Member, round: int, layers: tuple[Layer, ...]) -> Job:
        genesis = self.federation.genesis
        return (member.secret_key, round, layers, member.role.data, member.role.data_salt,
                genesis.test, part.seeds(member.secret_key, round, genesis))  # fmt: skip

    def _askers(self, round: int, key: int) -> list[Member]:
        """The members that will ask for this round and model: everyone trains from the
        round's global model, but a ``wrong-model`` member from the genesis's (from round 2)."""
        stale = round > 1 and key == self.federation.genesis.model_hash
        return [m for m in self.federation.members if (m.behaviour == "wrong-model") == stale]

    def _prove_all(self, round: int, key: int, layers: tuple[Layer, ...]) -> None:
        jobs = {m.index: self._job(m, round, layers) for m in self._askers(round, key)}
        self.progress.start(f"round {round}: proving", len(jobs), "proofs")
        pool = self._pool()
        if pool is None:
            for index, job in jobs.items():
                self.done[round, key, index] = _attempt(job, self.federation.keys)
                self.progress.advance(1, f"p{index} proved")
            return
        futures = {pool.submit(_attempt, job): index for index, job in jobs.items()}
        for future in as_completed(futures):
            index = futures[future]
            self.done[round, key, index] = future.result()
            self.progress.advance(1, f"p{index} proved")

    def _pool(self) -> Executor | None:
        global _KEYS
        if self.workers == 1 or not can_fork():
            return None
        if self.pool is None:
            _KEYS = self.federation.keys  # set before the fork: the workers inherit it
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self.pool

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


# -- running it --------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """A contribution as the honest nodes judged it (``reason`` ``None``: accepted)."""

    participant: int
    byzantine: bool
    claimed_accuracy: int
    verified: bool
    reason: str | None


@dataclass(frozen=True)
class RoundReport:
    """One finalized round: its block, leader, the new global model's accuracy, verdicts.

    Accuracies count correct rows of the genesis's test set. ``layers`` is the new global
    model (the leader's reveal), for whoever wants to evaluate it further. A round that
    ended with the empty block (:func:`zkpot.chain.rules.empty_block`) has leader 0 and
    leader accuracy −1, and keeps the global model; ``sat_out`` lists the members that
    could not train in it, with why.
    """

    round: int
    leader: int
    leader_accuracy: int
    global_accuracy: int
    block: str
    contributions: tuple[Verdict, ...]
    layers: tuple[Layer, ...] = dataclasses.field(repr=False, compare=False, default=())
    sat_out: tuple[tuple[int, str], ...] = ()
    averaged: tuple[int, ...] | None = None
    left_out: tuple[tuple[int, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The report's JSON: ``zkpot simulate --report``'s format; for an averaging chain
        also who was averaged and who of the verified was left out, and why."""
        out = {"round": self.round, "leader": self.leader,
               "leader_accuracy": self.leader_accuracy,
               "global_accuracy": self.global_accuracy, "block": self.block,
               "contributions": [dataclasses.asdict(v) for v in self.contributions],
               "sat_out": [{"participant": i, "reason": r} for i, r in self.sat_out]}  # fmt: skip
        if self.averaged is not None:
            out["averaged"] = list(self.averaged)
            out["left_out"] = [{"participant": i, "reason": r} for i, r in self.left_out]
        return out


def simulate(
    federation: Federation,
    *,
    seed: int = 0,
    loss: float = 0.0,
    timing: Timing | None = None,
    prover: ParallelProver | None = None,
    last_round: int | None = None,
) -> Simulation:
    """The federation's nodes on a simulated network, ready to :meth:`~Simulation.run`.

    Args:
        last_round: the last round anyone proves. A node that finalizes it starts on the
            next round at once, and nobody will look at that round: past ``last_round``
            every member sits out, and no proof is made (they cost seconds each).
    """
    sim = Simulation(seed=seed, loss=loss)
    timing = timing or Timing(contribute=5.0)
    prover = prover or ParallelProver(federation, workers=1)
    honest = [m for m in federation.members if m.behaviour is None]
    for m in federation.members:
        prove = _until(prover.prover(m), last_round)
        options: dict[str, Any] = {"validator": m.secret_key, "participant": m.role,
                                   "prover": prove, "timing": timing}  # fmt: skip
        store = ChainStore(":memory:")
        if m.behaviour is None:
            node: Node = Node(federation.genesis, federation.keys, store, **options)
        else:
            victim = honest[0].name if honest else m.name
            node = ByzantineNode(federation.genesis, federation.keys, store,
                                 behaviour=m.behaviour, victim=replay_source(sim.nodes, victim),
                                 **options)  # fmt: skip
        sim.add(m.name, node)
    return sim


def _until(prove: Prover, last_round: int | None) -> Prover:
    """``prove``, refusing every round after ``last_round`` (``None``: no last round)."""
    if last_round is None:
        return prove

    def bounded(round: int, layers: Sequence[Layer]) -> tuple[Contribution, Proven]:
        if round > last_round:
            raise ZkpotError(f"the run ends at round {last_round}: round {round} is not proven")
        return prove(round, layers)

    return bounded


def report(
    federation: Federation,
    node: Node,
    height: int,
    sat_outs: Mapping[int, Sequence[tuple[int, str]]] | None = None,
) -> RoundReport:
    """Round ``height`` as this (honest) node's store records it; ``sat_outs`` maps a
    member's index to the (round, why) of the rounds it could not train in.

    Raises:
        ZkpotError: the node has not finalized that round.
    """
    stored = node.store.block(height)
    if stored is None:
        raise ZkpotError(f"round {height} is not final at this node")
    block, _ = stored
    model = node.global_model_after(height)
    spec, verdicts, sat_outs = federation.genesis.spec, [], sat_outs or {}
    leader_accuracy = -1
    sat_out = tuple((m.index, why) for m in federation.members
                    for round, why in sat_outs.get(m.index, []) if round == height)  # fmt: skip
    for c, reason in node.store.contributions(height):
        m = federation.member(c.participant)
        if c.participant == block.proposer and reason is None:
            leader_accuracy = c.accuracy
        verdicts.append(Verdict(m.index if m else 0, bool(m and m.behaviour), c.accuracy,
                                reason is None, reason))  # fmt: skip
    leader = federation.member(block.proposer)
    verdicts.sort(key=lambda v: (v.participant, not v.verified))
    averaged, left_out = _averaged(node, block, verdicts) if spec.averaged else (None, ())
    return RoundReport(height, leader.index if leader else 0, leader_accuracy,
                       count_correct(model, federation.genesis.test, spec),
                       block.hash.hex(), tuple(verdicts), model, sat_out, averaged,
                       left_out)  # fmt: skip


Reasons = tuple[tuple[int, str], ...]
"""(member index, why) pairs."""


def _averaged(
    node: Node, block: Any, verdicts: Sequence[Verdict]
) -> tuple[tuple[int, ...], Reasons]:
    """Who an averaging round's block averages (member indices) and, of the other verified
    contributions, why each was left out: below the quality rule, or its own seed not
    revealed (withheld, or it had no included partner)."""
    from zkpot.chain.messages import Aggregate

    aggregate = node.store.reveal(block.reveal) if block.reveal != NO_REVEAL else None
    averaged = tuple(i + 1 for i in aggregate.included) if isinstance(aggregate, Aggregate) else ()
    bar = count_correct(node.global_model_after(block.height - 1), node.genesis.test,
                        node.genesis.spec)  # fmt: skip
    verified = [v for v in verdicts if v.verified]
    accuracies = {v.participant - 1: v.claimed_accuracy for v in verified}
    chosen = {i + 1 for i in agg.averaged(accuracies, bar, node.genesis.partners)}
    left_out = []
    for v in verified:
        if v.participant in averaged:
            continue
        if v.participant not in chosen:
            why = f"the quality rule: {v.claimed_accuracy} correct, the global model {bar}"
        else:
            why = "its own seed was not revealed (withheld, or refused)"
        left_out.append((v.participant, why))
    return averaged, tuple(left_out)


def run(
    federation: Federation,
    rounds: int,
    *,
    seed: int = 0,
    loss: float = 0.0,
    prover: ParallelProver | None = None,
    on_round: Callable[[RoundReport], None] | None = None,
) -> list[RoundReport]:
    """Run ``rounds`` rounds on the simulator; one report per round (see :func:`report`),
    as the first honest node to finalize the round records it.

    Raises:
        ZkpotError: if the honest nodes do not finalize a round within 10,000 simulated
            seconds (with fewer than a third of them Byzantine, they do).
    """
    sim = simulate(federation, seed=seed, loss=loss, prover=prover, last_round=rounds)
    honest = [sim.nodes[m.name] for m in federation.members if m.behaviour is None]
    watched = honest or list(sim.nodes.values())
    reports: list[RoundReport] = []
    for height in range(1, rounds + 1):
        # stop at the first honest node to finalize, before it starts proving the next round
        sim.run(until=sim.now + 10_000,
                stop=lambda h=height: any(n.store.head()[0] >= h for n in watched))  # fmt: skip
        first = next((n for n in watched if n.store.head()[0] >= height), None)
        if first is None:
            raise ZkpotError(f"round {height} did not finalize")
        sat_outs = {m.index: sim.nodes[m.name].sat_out for m in federation.members}
        reports.append(report(federation, first, height, sat_outs))
        if on_round is not None:
            on_round(reports[-1])
    return reports


__all__ = ["DEMO_SPEC", "PARTICIPANT_BEHAVIOURS", "CeremonyOutput", "Federation", "Member",
           "ParallelProver", "RoundReport", "Verdict", "averaging", "build", "member_key",
           "registrations", "report", "run", "run_ceremony", "simulate",
           "test_set"]  # fmt: skip
