"""Byzantine robustness: ZKPoT against the consensus rules the paper compares it with.

Every system runs the same federation: the same data split, the same fixed-point twin,
the same seeds. Each round, every participant trains ``steps`` SGD steps from the global
model on its registered rows and submits a model and a claimed accuracy; the systems
differ in what they check and what becomes the next global model:

- ``fedavg`` — federated averaging, no verification: the mean of all submitted models;
- ``claims`` — the leader is the highest *claimed* accuracy, unchecked; its model wins;
- ``learning`` — learning-based consensus: validators receive every model and count its
  correct test rows themselves; the best one wins (robust, but every model is seen);
- ``zkpot`` — a contribution counts only if its statement is true (the model is the
  training of the global model on the registered rows, and the claimed accuracy is the
  model's count); the best valid claim leads, and its reveal must open its commitment.

**ZKPoT's verification is modelled, not run.** Proving every contribution of every round
of every seed would take hours; instead a contribution is valid exactly when its statement
is true, which is what PLONK's soundness and the tests of :mod:`zkpot.ml` establish (every
cheat there fails to verify, and every constraint's removal has its forgery). The chain
tests run the same attacks with real proofs.

Byzantine participants (the last ``round(fraction · N)``) follow one ``attack``:

- ``label-flip`` — registers rows with flipped labels (k − 1 − y) and trains on them
  honestly: data poisoning, which a proof of training cannot see — only the accuracy
  proof keeps such a model from leading;
- ``random`` — submits random weights, claiming their true accuracy;
- ``scaled`` — boosts its update ten times (model replacement), claiming its accuracy;
- ``inflate`` — trains honestly and claims every test row correct;
- ``swap`` — trains honestly; as leader it swaps the global model for noise (in
  ``fedavg``, where there is no leader, it submits the noise).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.ml.datasets import Dataset, iris_split, split_dirichlet, standardize, train_test_split
from zkpot.ml.datasets import wine as wine_data
from zkpot.ml.fixedpoint import FixedPointOverflow
from zkpot.ml.model import Layer
from zkpot.ml.statement import (
    Rows,
    TrainingSpec,
    count_correct,
    data_slots,
    encode_test_set,
    train_round,
)
from zkpot.ml.task import first_model

SYSTEMS = ("fedavg", "claims", "learning", "zkpot")
ATTACKS = ("label-flip", "random", "scaled", "inflate", "swap")
DATASETS = ("iris", "wine")


@dataclass(frozen=True)
class Setting:
    """One run: the dataset, the federation, the attack, the schedule."""

    dataset: str = "iris"
    participants: int = 8
    fraction: float = 0.25
    attack: str = "inflate"
    rounds: int = 10
    seed: int = 0
    hidden: int = 8
    log2_batch: int = 3
    steps: int = 2
    log2_lr: int = 3
    alpha: float = 1.0

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise InvalidInput(f"dataset {self.dataset!r}: one of {', '.join(DATASETS)}")
        if self.attack not in ATTACKS:
            raise InvalidInput(f"attack {self.attack!r}: one of {', '.join(ATTACKS)}")
        if not 0 <= self.fraction <= 1 or not 1 <= self.participants <= 256:
            raise InvalidInput("a fraction in [0, 1] of 1 … 256 participants")

    @property
    def byzantine(self) -> int:
        """How many participants are Byzantine: the last ones."""
        return round(self.fraction * self.participants)


@dataclass(frozen=True, eq=False)
class World:
    """What every system of one setting shares: spec, data, first model, public test set."""

    setting: Setting
    spec: TrainingSpec
    slots: list[Rows]
    test: Rows
    first: list[Layer]


def world(setting: Setting) -> World:
    """Split the dataset (80/20 stratified, standardized; Dirichlet among participants) and
    register each participant's rows — flipped, for a label-flipping Byzantine one."""
    if setting.dataset == "iris":
        train, test = iris_split(seed=setting.seed)
    else:
        train, test = standardize(*train_test_split(wine_data(), 0.2, seed=setting.seed))
    spec = TrainingSpec(sizes=(train.n_features, setting.hidden, train.n_classes),
                        log2_batch=setting.log2_batch, steps=setting.steps,
                        test_rows=len(test), log2_lr=setting.log2_lr)  # fmt: skip
    parts = split_dirichlet(train, setting.participants, setting.alpha, seed=setting.seed)
    slots = []
    for i, part in enumerate(parts):
        if setting.attack == "label-flip" and i >= setting.participants - setting.byzantine:
            part = _flipped(part)
        slots.append(data_slots(part, spec)[0])
    return World(setting, spec, slots, encode_test_set(test, spec), first_model(spec, setting.seed))


def _flipped(data: Dataset) -> Dataset:
    return dataclasses.replace(data, y=(data.n_classes - 1 - data.y).astype(np.int64))


def _accuracy(layers: Sequence[Layer], w: World) -> int:
    """Correct test rows; 0 for a model whose values leave the fixed-point bound."""
    try:
        return count_correct(layers, w.test, w.spec)
    except FixedPointOverflow:
        return 0


def _train(layers: Sequence[Layer], slots: Rows, w: World) -> list[Layer] | None:
    """The participant's honest round, or ``None`` if training overflows (no proof exists)."""
    try:
        return train_round(layers, slots, w.spec)[0]
    except FixedPointOverflow:
        return None


def _noise(w: World, rng: np.random.Generator) -> list[Layer]:
    """Random weights and biases, uniform in ±4 on the spec's grid."""
    bound = 4 * w.spec.fmt.scale
    return [Layer(rng.integers(-bound, bound, layer.weight.shape),
                  rng.integers(-bound, bound, layer.bias.shape)) for layer in w.first]  # fmt: skip


@dataclass(frozen=True)
class Submission:
    """A participant's round: the model it submits, its claim, whether its statement is
    true (what ZKPoT verifies), and what it reveals if it leads."""

    model: list[Layer]
    claim: int
    true: bool
    reveal: list[Layer]


def submissions(w: World, global_layers: list[Layer], round: int) -> list[Submission]:
    """Every participant's submission in a round (the Byzantine ones by the attack)."""
    s, out = w.setting, []
    rng = np.random.default_rng([s.seed, round])
    first_byzantine = s.participants - s.byzantine
    for i, slots in enumerate(w.slots):
        trained = _train(global_layers, slots, w)
        honest = global_layers if trained is None else trained
        accuracy = _accuracy(honest, w)
        sub = Submission(honest, accuracy, trained is not None, honest)
        if i >= first_byzantine and s.attack != "label-flip":
            if s.attack == "random":
                noise = _noise(w, rng)
                sub = Submission(noise, _accuracy(noise, w), False, noise)
            elif s.attack == "scaled":
                boosted = [_boost(g, h) for g, h in zip(global_layers, honest, strict=True)]
                sub = Submission(boosted, _accuracy(boosted, w), False, boosted)
            elif s.attack == "inflate":
                sub = Submission(honest, w.spec.test_rows, accuracy == w.spec.test_rows, honest)
            elif s.attack == "swap":
                sub = dataclasses.replace(sub, reveal=_noise(w, rng))
        out.append(sub)
    return out


def _boost(before: Layer, after: Layer, factor: int = 10) -> Layer:
    """The update ``after − before`` made ``factor`` times larger (model replacement)."""
    return Layer(before.weight + factor * (after.weight - before.weight),
                 before.bias + factor * (after.bias - before.bias))  # fmt: skip


def _mean(models: Sequence[list[Layer]]) -> list[Layer]:
    return [Layer(np.floor_divide(sum(m[j].weight for m in models), len(models)),
                  np.floor_divide(sum(m[j].bias for m in models), len(models)))
            for j in range(len(models[0]))]  # fmt: skip


def _best(candidates: list[tuple[int, int]]) -> list[int]:
    """Indices by score, best first, ties to the lower index."""
    return [i for _, i in sorted(candidates, key=lambda c: (-c[0], c[1]))]


def step(
    system: str, w: World, global_layers: list[Layer], subs: list[Submission]
) -> tuple[list[Layer], int | None]:
    """The next global model under ``system``, and the leader (``None`` for fedavg or no
    valid contribution)."""
    if system == "fedavg":
        submitted = [sub.reveal if w.setting.attack == "swap" else sub.model for sub in subs]
        return _mean(submitted), None
    if system == "claims":
        leader = _best([(sub.claim, i) for i, sub in enumerate(subs)])[0]
        return subs[leader].reveal, leader
    if system == "learning":
        leader = _best([(_accuracy(sub.model, w), i) for i, sub in enumerate(subs)])[0]
        return subs[leader].model, leader  # the validators hold the model they evaluated
    if system == "zkpot":
        for leader in _best([(sub.claim, i) for i, sub in enumerate(subs) if sub.true]):
            if subs[leader].reveal is subs[leader].model:  # the reveal opens the commitment
                return subs[leader].model, leader
        return global_layers, None  # nobody valid: the round keeps the global model
    raise InvalidInput(f"system {system!r}: one of {', '.join(SYSTEMS)}")


@dataclass(frozen=True)
class Run:
    """One system's run: the global model's test accuracy before round 1 and after each
    round (correct rows of ``test_rows``), and each round's leader."""

    system: str
    setting: Setting
    accuracy: list[int]
    leaders: list[int | None]
    test_rows: int

    @property
    def byzantine_leads(self) -> int:
        """Rounds a Byzantine participant led."""
        first = self.setting.participants - self.setting.byzantine
        return sum(1 for leader in self.leaders if leader is not None and leader >= first)


def run(setting: Setting, systems: Sequence[str] = SYSTEMS) -> list[Run]:
    """Run every system on the setting; one :class:`Run` each."""
    w = world(setting)
    runs = []
    for system in systems:
        layers, accuracy, leaders = w.first, [_accuracy(w.first, w)], []
        for r in range(1, setting.rounds + 1):
            layers, leader = step(system, w, layers, submissions(w, layers, r))
            accuracy.append(_accuracy(layers, w))
            leaders.append(leader)
        runs.append(Run(system, setting, accuracy, leaders, w.spec.test_rows))
    return runs


__all__ = ["ATTACKS", "DATASETS", "SYSTEMS", "Run", "Setting", "Submission", "World", "run",
           "step", "submissions", "world"]  # fmt: skip
