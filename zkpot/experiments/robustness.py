"""Byzantine robustness: ZKPoT against the consensus rules the paper compares it with.

Every system runs the same federation: the same data split, the same fixed-point twin,
the same seeds. Each round, every participant trains from the global model on its
registered rows exactly as the default statement proves it (:data:`STATEMENT`, that is
``TrainingSpec()``: its steps, batch and learning rate, for every system) and submits a
model and a claimed accuracy; the systems differ in what they check and what becomes the
next global model:

- ``fedavg`` — federated averaging, no verification: the mean of all submitted models;
- ``claims`` — the leader is the highest *claimed* accuracy, unchecked; its model wins;
- ``learning`` — learning-based consensus: validators receive every model and count its
  correct test rows themselves; the best one wins (robust, but every model is seen);
- ``zkpot`` — a contribution counts only if its statement is true (the model is the
  training of the global model on the registered rows, and the claimed accuracy is the
  model's count); the best valid claim leads, and its reveal must open its commitment;
- ``zkpot-avg`` — private federated averaging (issue 28): of the same valid
  contributions, the averaging rule selects those at least as accurate as the global
  model, or the better half when fewer than two are (:func:`zkpot.ml.aggregation.select`),
  and the next global model steps one, two or four times their average's update from the
  current one, whichever classifies the most public test rows, within [−W, W]
  (:func:`zkpot.ml.aggregation.next_global`); only with fewer than two
  valid contributions does the round keep its global model. The validators compute the
  average from the masked models, so the leader (the best valid claim, still reported)
  reveals nothing and chooses nothing.

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
- ``scaled`` — boosts its update ten times (model replacement, inside the format),
  claiming its accuracy;
- ``inflate`` — trains honestly and claims every test row correct;
- ``swap`` — trains honestly; as leader it swaps the global model for noise (in
  ``fedavg``, where there is no leader, it submits the noise; in ``zkpot-avg`` nobody
  reveals, so the swap has nothing to act on).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.ml.aggregation import (
    Partners,
    average_models,
    averaged,
    largest_reach,
    next_global,
    partners,
)
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

SYSTEMS = ("fedavg", "claims", "learning", "zkpot", "zkpot-avg")
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
    alpha: float = 1.0
    test_rows: int | None = None
    """The first this many rows of the test split are the public test set (all by default)."""

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise InvalidInput(f"dataset {self.dataset!r}: one of {', '.join(DATASETS)}")
        if self.attack not in ATTACKS:
            raise InvalidInput(f"attack {self.attack!r}: one of {', '.join(ATTACKS)}")
        if not 0 <= self.fraction <= 1 or not 1 <= self.participants <= 256:
            raise InvalidInput("a fraction in [0, 1] of 1 … 256 participants")
        if self.test_rows is not None and self.test_rows < 1:
            raise InvalidInput(f"test rows: one at least, not {self.test_rows}")

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

    @property
    def graph(self) -> dict[int, Partners]:
        """The partner graph an averaging chain of these participants has by default
        (:func:`zkpot.chain.federation.averaging`: the largest reach)."""
        n = self.setting.participants
        return partners(n, largest_reach(n, n))


def split(dataset: str, seed: int, test_rows: int | None = None) -> tuple[Dataset, Dataset]:
    """The dataset split 80/20, stratified, standardized with the training statistics;
    with ``test_rows``, only the first that many rows of the (shuffled) test split."""
    if dataset == "iris":
        train, test = iris_split(seed=seed)
    else:
        train, test = standardize(*train_test_split(wine_data(), 0.2, seed=seed))
    if test_rows is not None:
        test = dataclasses.replace(test, x=test.x[:test_rows], y=test.y[:test_rows])
    return train, test


def central_model(rows: Dataset, sizes: Sequence[int], *, log2_lr: int, seed: int) -> Any:
    """A float MLP trained on all the rows for 100 epochs (batches of 8): what pooling the
    data would reach, the ceiling the demo and the figures compare with."""
    from zkpot.ml.model import MLP, FloatArithmetic, initial_layers
    from zkpot.ml.train import Schedule, train

    model = MLP(initial_layers(sizes, seed=seed), FloatArithmetic())
    train(model, rows, Schedule(epochs=100, log2_lr=log2_lr, log2_batch=3, seed=seed))
    return model


STATEMENT = TrainingSpec()
"""The default statement: every system's local training takes its steps, batch and
learning rate, so that each round is what one contribution can prove."""


def statement_spec(features: int, hidden: int, classes: int, test_rows: int) -> TrainingSpec:
    """The default statement's schedule (:data:`STATEMENT`: steps, batch, learning rate,
    bounds) for a network of these widths and a test set of ``test_rows`` rows."""
    return dataclasses.replace(STATEMENT, sizes=(features, hidden, classes),
                               test_rows=test_rows, log2_weight_bound=None)  # fmt: skip


def world(setting: Setting) -> World:
    """Split the dataset (80/20 stratified, standardized; Dirichlet among participants) and
    register each participant's rows — flipped, for a label-flipping Byzantine one."""
    train, test = split(setting.dataset, setting.seed, setting.test_rows)
    spec = statement_spec(train.n_features, setting.hidden, train.n_classes, len(test))
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
                boosted = [_boost(g, h, w.spec.fmt.bound - 1)
                           for g, h in zip(global_layers, honest, strict=True)]  # fmt: skip
                sub = Submission(boosted, _accuracy(boosted, w), False, boosted)
            elif s.attack == "inflate":
                sub = Submission(honest, w.spec.test_rows, accuracy == w.spec.test_rows, honest)
            elif s.attack == "swap":
                sub = dataclasses.replace(sub, reveal=_noise(w, rng))
        out.append(sub)
    return out


def _boost(before: Layer, after: Layer, largest: int, factor: int = 10) -> Layer:
    """The update ``after − before`` made ``factor`` times larger (model replacement), each
    value kept within ±``largest``: a model outside the format cannot be committed."""

    def boosted(old: np.ndarray, new: np.ndarray) -> np.ndarray:
        return np.clip(old + factor * (new - old), -largest, largest)

    return Layer(boosted(before.weight, after.weight), boosted(before.bias, after.bias))


def _mean(models: Sequence[list[Layer]]) -> list[Layer]:
    """The mean of the models, rounded to nearest as the averaging rule's
    (:func:`zkpot.ml.aggregation.average_models`)."""
    return list(models[0]) if len(models) == 1 else average_models(models)


def _best(candidates: list[tuple[int, int]]) -> list[int]:
    """Indices by score, best first, ties to the lower index."""
    return [i for _, i in sorted(candidates, key=lambda c: (-c[0], c[1]))]


def included(w: World, global_layers: list[Layer], subs: Sequence[Submission]) -> list[int]:
    """The contributions ``zkpot-avg`` averages: of the true statements, those that
    :func:`zkpot.ml.aggregation.select` picks by their proven accuracies and the global
    model's count (public: every validator recomputes it on the public test rows), with
    the next best joining while two picked are not partners
    (:func:`zkpot.ml.aggregation.averaged`, on the chain's partner graph for the
    federation, :data:`World.graph`)."""
    valid = {i: sub.claim for i, sub in enumerate(subs) if sub.true}
    return averaged(valid, _accuracy(global_layers, w), w.graph)


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
    if system == "zkpot-avg":
        valid = [i for i, sub in enumerate(subs) if sub.true]
        leader = _best([(subs[i].claim, i) for i in valid])[0] if valid else None
        chosen = included(w, global_layers, subs)
        if not chosen:
            return global_layers, leader  # too few to average without publishing one
        return next_global(global_layers, [subs[i].model for i in chosen], w.spec, w.test), leader
    raise InvalidInput(f"system {system!r}: one of {', '.join(SYSTEMS)}")


@dataclass(frozen=True)
class Run:
    """One system's run: the global model's test accuracy before round 1 and after each
    round (correct rows of ``test_rows``), each round's leader, the rows proven by then
    (:func:`rows_proven`; 0 before round 1), the rows adopted by then (:func:`rows_adopted`),
    and how many rounds kept the global model."""

    system: str
    setting: Setting
    accuracy: list[int]
    leaders: list[int | None]
    test_rows: int
    proven: list[int]
    adopted: list[int]
    kept: int

    @property
    def byzantine_leads(self) -> int:
        """Rounds a Byzantine participant led."""
        first = self.setting.participants - self.setting.byzantine
        return sum(1 for leader in self.leaders if leader is not None and leader >= first)


def rows_proven(w: World, subs: Sequence[Submission]) -> int:
    """The registered rows that a round's true statements prove training on: each valid
    contribution's filled slots (at most the statement's steps × batch), summed. Every
    participant proves every round, so the winner rule and the average prove the same
    rows; they differ in how many of them reach the next global model."""
    k = w.spec.n_classes
    return sum(int(np.sum(w.slots[i].y < k)) for i, sub in enumerate(subs) if sub.true)


def rows_adopted(system: str, w: World, global_layers: list[Layer],
                 subs: Sequence[Submission], leader: int | None, kept: bool) -> int:  # fmt: skip
    """The registered rows behind the round's next global model: the winner's for the
    leader rules, every included contribution's for ``zkpot-avg``, every participant's
    for ``fedavg``; 0 for a round that kept the global model."""
    k = w.spec.n_classes
    if kept:
        return 0
    behind = (range(len(subs)) if system == "fedavg"
              else included(w, global_layers, subs) if system == "zkpot-avg"
              else [] if leader is None else [leader])  # fmt: skip
    return sum(int(np.sum(w.slots[i].y < k)) for i in behind)


Verdicts = Callable[[str, World, list[Layer], int, list[Submission]], list[bool]]
"""Which of a round's submissions a ZKPoT system counts as valid: ``(system, world,
global model, round, submissions)`` → one verdict per submission, in order."""


def modelled(system: str, w: World, global_layers: list[Layer], round: int,
             subs: list[Submission]) -> list[bool]:  # fmt: skip
    """The modelled verdicts: a contribution is valid exactly when its statement is true
    (see the module docstring; :mod:`zkpot.experiments.proving` runs the proofs instead)."""
    return [sub.true for sub in subs]


def run(setting: Setting, systems: Sequence[str] = SYSTEMS, verdicts: Verdicts = modelled
        ) -> list[Run]:  # fmt: skip
    """Run every system on the setting; one :class:`Run` each. ``verdicts`` judges the
    ZKPoT systems' contributions (:func:`modelled` by default)."""
    w = world(setting)
    runs = []
    for system in systems:
        layers, accuracy, leaders, kept = w.first, [_accuracy(w.first, w)], [], 0
        proven, adopted = [0], [0]
        for r in range(1, setting.rounds + 1):
            subs = submissions(w, layers, r)
            if system.startswith("zkpot"):
                valid = verdicts(system, w, layers, r, subs)
                subs = [dataclasses.replace(s, true=v) for s, v in zip(subs, valid, strict=True)]
            after, leader = step(system, w, layers, subs)
            kept += after is layers
            proven.append(proven[-1] + rows_proven(w, subs))
            adopted.append(adopted[-1] + rows_adopted(system, w, layers, subs, leader,
                                                      after is layers))  # fmt: skip
            layers = after
            accuracy.append(_accuracy(layers, w))
            leaders.append(leader)
        runs.append(Run(system, setting, accuracy, leaders, w.spec.test_rows, proven, adopted,
                        kept))  # fmt: skip
    return runs


# -- the experiment: every dataset, attack, fraction and seed ----------------------------

FRACTIONS = (0.0, 0.25, 0.5)

STYLE = {"fedavg": {"linestyle": "-"}, "claims": {"linestyle": "--"},
         "learning": {"linestyle": "-."}, "zkpot": {"linestyle": "-", "linewidth": 2.5,
                                                    "alpha": 0.6},
         "zkpot-avg": {"linestyle": ":", "linewidth": 2.5, "color": "black"}}  # fmt: skip
"""Line styles that keep overlapping curves visible (with no attacker, three coincide)."""


def float_ceiling(setting: Setting) -> int:
    """Correct test rows of a float network of the same shape trained centrally on all the
    participants' rows (what pooling the data would reach): the figures' ceiling."""
    rows, test = split(setting.dataset, setting.seed, setting.test_rows)
    sizes = (rows.n_features, setting.hidden, rows.n_classes)
    model = central_model(rows, sizes, log2_lr=STATEMENT.log2_lr, seed=setting.seed)
    return model.correct(test.x, test.y)


@dataclass(frozen=True)
class Grid:
    """The settings an experiment runs: every dataset × attack × fraction × seed, each for
    ``rounds`` rounds of ``participants`` participants training a network with ``hidden``
    hidden units, judged on the first ``test_rows`` test rows (all by default)."""

    datasets: tuple[str, ...] = DATASETS
    attacks: tuple[str, ...] = ATTACKS
    fractions: tuple[float, ...] = FRACTIONS
    seeds: int = 5
    rounds: int = 20
    participants: int = 8
    hidden: int = 8
    test_rows: int | None = None

    def settings(self) -> list[Setting]:
        """Every setting, dataset by dataset, then attack, fraction and seed."""
        return [Setting(dataset=d, participants=self.participants, fraction=f, attack=a,
                        rounds=self.rounds, seed=seed, hidden=self.hidden,
                        test_rows=self.test_rows)
                for d in self.datasets for a in self.attacks for f in self.fractions
                for seed in range(self.seeds)]  # fmt: skip


FULL = Grid()
"""The experiments page's grid: Iris and Wine, every attack, 0/25/50 % Byzantine, 5 seeds
of 20 rounds, 8 participants, the 4-8-3 and 13-8-3 networks on every test row."""

QUICK = Grid(datasets=("iris",), seeds=1, rounds=4, participants=4, hidden=4, test_rows=12)
"""``--quick``: Iris only, every attack and fraction, 1 seed of 4 rounds, 4 participants
(one Byzantine at 25 %, two at 50 %), a 4-4-3 network judged on 12 test rows. Modelled,
seconds. With real proofs (:mod:`zkpot.experiments.proving`): 480 contributions, which
need 90 distinct proofs (settings share most: the runs with no Byzantine participant are
the same under every attack, and every setting's round 1 starts from the same model), of
circuits of 2¹³ rows (about 17 s a proof on one core here), so that the run ends within
30 minutes on two cores."""


def experiment(
    *,
    quick: bool = False,
    seeds: int | None = None,
    rounds: int | None = None,
    say: Any = None,
    grid: Grid | None = None,
    verdicts: Verdicts = modelled,
    threads: int = 1,
) -> dict[str, Any]:
    """Every system under every attack, fraction and dataset, over several seeds: the
    global model's accuracy per round, and the final accuracies' mean and spread.

    ``grid`` is :data:`FULL` by default, :data:`QUICK` with ``quick``; ``seeds`` and
    ``rounds`` override its own. The training is the default statement's
    (:data:`STATEMENT`), recorded under ``spec``. ``verdicts`` judges the ZKPoT systems'
    contributions; with ``threads`` > 1 that many settings run at once (for verdicts that
    wait on proofs elsewhere; the modelled ones gain nothing from threads).
    """
    say = say or (lambda _: None)
    grid = grid or (QUICK if quick else FULL)
    grid = dataclasses.replace(grid, seeds=seeds or grid.seeds, rounds=rounds or grid.rounds)
    out: dict[str, Any] = {"seeds": grid.seeds, "rounds": grid.rounds,
                           "participants": grid.participants, "datasets": list(grid.datasets),
                           "hidden": grid.hidden, "test_rows": grid.test_rows,
                           "systems": list(SYSTEMS), "runs": [], "ceiling": {},
                           "spec": {"steps": STATEMENT.steps, "batch": STATEMENT.batch,
                                    "log2_lr": STATEMENT.log2_lr}}  # fmt: skip
    for dataset in grid.datasets:
        out["ceiling"][dataset] = [float_ceiling(Setting(dataset=dataset, seed=s,
                                                         hidden=grid.hidden,
                                                         test_rows=grid.test_rows))
                                   for s in range(grid.seeds)]  # fmt: skip
    settings = grid.settings()
    with ThreadPoolExecutor(max(1, threads)) as pool:
        done = pool.map(lambda setting: run(setting, verdicts=verdicts), settings)
        for setting, runs in zip(settings, done, strict=True):
            for r in runs:
                row = {"dataset": setting.dataset, "attack": setting.attack,
                       "fraction": setting.fraction, "seed": setting.seed, "system": r.system,
                       "test_rows": r.test_rows, "accuracy": r.accuracy, "rounds_kept": r.kept,
                       "byzantine_leads": r.byzantine_leads}  # fmt: skip
                if r.system.startswith("zkpot"):  # per round, not cumulative
                    row["rows_proven"] = list(np.diff(r.proven).tolist())
                    row["rows_adopted"] = list(np.diff(r.adopted).tolist())
                out["runs"].append(row)
            if setting.seed == grid.seeds - 1:
                say(f"{setting.dataset}, {setting.attack}, {setting.fraction:.0%} Byzantine: "
                    "done")  # fmt: skip
    out["summary"] = summary(out["runs"])
    return out


def datasets(results: dict[str, Any]) -> list[str]:
    """The datasets a run of :func:`experiment` covers (both, for a run that predates the
    record)."""
    return list(results.get("datasets", DATASETS))


def summary(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Final accuracy (a fraction of the test rows) per dataset, attack, fraction and
    system: mean and standard deviation over seeds."""
    groups: dict[tuple[str, str, float, str], list[float]] = {}
    for r in runs:
        key = (r["dataset"], r["attack"], r["fraction"], r["system"])
        groups.setdefault(key, []).append(r["accuracy"][-1] / r["test_rows"])
    return [{"dataset": d, "attack": a, "fraction": f, "system": s,
             "mean": float(np.mean(v)), "std": float(np.std(v)), "seeds": len(v)}
            for (d, a, f, s), v in groups.items()]  # fmt: skip


def plot(results: dict[str, Any], directory: str | Path) -> list[Path]:
    """One PNG per dataset: a grid of attacks × fractions, the mean global accuracy per
    round for each system, and the float ceiling as a dashed line.

    Raises:
        ModuleNotFoundError: if matplotlib is not installed (``pip install zkpot[plots]``).
    """
    from zkpot.ml.report import pyplot

    plt = pyplot()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    attacks = [a for a in ATTACKS if any(r["attack"] == a for r in results["runs"])]
    fractions = sorted({r["fraction"] for r in results["runs"]})
    for dataset in datasets(results):
        fig, axes = plt.subplots(len(attacks), len(fractions), figsize=(10, 12), sharex=True,
                                 sharey=True, squeeze=False)  # fmt: skip
        ceiling = float(np.mean(results["ceiling"][dataset]))
        for i, attack in enumerate(attacks):
            for j, fraction in enumerate(fractions):
                ax = axes[i][j]
                for system in SYSTEMS:
                    curves = [np.array(r["accuracy"]) / r["test_rows"] for r in results["runs"]
                              if (r["dataset"], r["attack"], r["fraction"], r["system"])
                              == (dataset, attack, fraction, system)]  # fmt: skip
                    ax.plot(np.mean(curves, axis=0), label=system, **STYLE[system])
                test_rows = next(r["test_rows"] for r in results["runs"] if r["dataset"] == dataset)
                ax.axhline(
                    ceiling / test_rows, color="gray", linestyle="--", label="float, central"
                )
                ax.set_title(f"{attack}, {fraction:.0%} Byzantine", fontsize=9)
                ax.set_ylim(0, 1.05)
                if j == 0:
                    ax.set_ylabel("test accuracy")
                if i == len(attacks) - 1:
                    ax.set_xlabel("round")
        axes[0][0].legend(fontsize=7)
        fig.suptitle(f"{dataset}: the global model per round (mean of {results['seeds']} seeds)")
        fig.tight_layout()
        path = directory / f"byzantine-{dataset}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


__all__ = [
    "ATTACKS",
    "DATASETS",
    "FRACTIONS",
    "FULL",
    "QUICK",
    "STATEMENT",
    "SYSTEMS",
    "Grid",
    "Run",
    "Setting",
    "Submission",
    "Verdicts",
    "World",
    "central_model",
    "datasets",
    "experiment",
    "float_ceiling",
    "included",
    "modelled",
    "plot",
    "rows_adopted",
    "rows_proven",
    "run",
    "split",
    "statement_spec",
    "step",
    "submissions",
    "summary",
    "world",
]  # fmt: skip
