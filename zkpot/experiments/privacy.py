"""Privacy attacks on published models: what an observer learns about the training rows.

**Reconstruction from a dense layer's update.** The first layer computes z = W·x + b. One
SGD step on a single row moves it by

    ΔW = −lr · δ ⊗ x,    Δb = −lr · δ        (δ = ∂loss/∂z, one value per neuron),

so for every neuron j whose bias moved, ΔW[j, :] / Δb[j] = x: the row itself, exactly
(Phong et al., "Privacy-preserving deep learning via additively homomorphic encryption",
2017; Geiping et al., "Inverting gradients", 2020, §3). Whoever sees the model before and
after a one-row step sees the row. With a batch of B rows the ratio is a weighted mean of
the rows, Σₖ δₖⱼ xₖ / Σₖ δₖⱼ, one weighting per neuron: a neuron that only one row
activates still gives that row away, and the others give blends. :func:`invert_dense_update`
returns one estimate per neuron; :func:`reconstruction_error` says how close the best
estimate of each true row is.

In learning-based consensus every validator receives every local model, so it can run
this attack on every participant. In ZKPoT it sees commitments, proofs and accuracies,
and only the winner's revealed model: the attack still applies to the winner's update.
Under private averaging (``zkpot-avg``, :mod:`zkpot.ml.aggregation`) it sees each
included participant's model masked — uniformly random to anyone without the seeds, so
modelled here as revealing nothing — and the next global model, a step from the
average of the included models (:func:`zkpot.ml.aggregation.next_global`):
:func:`reconstruction_by_rule` runs the attack on each rule's published model, beside
one step over all the included rows together, the bound the average should not beat.

**Membership inference by loss** (Yeom et al., "Privacy risk in machine learning", 2018):
a model fits its training rows better than unseen rows, so a low loss suggests a member.
:func:`membership_auc` is the attack's AUC: 0.5 is a coin toss, 1.0 is certainty.

>>> import numpy as np
>>> from zkpot.ml.model import Layer
>>> before = Layer(np.zeros((2, 3)), np.zeros(2))
>>> x, delta, lr = np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1]), 0.25
>>> after = Layer(before.weight - lr * np.outer(delta, x), before.bias - lr * delta)
>>> invert_dense_update(before, after)[0]
array([ 1. , -2. ,  0.5])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.experiments import save_figure
from zkpot.ml.model import Layer


def invert_dense_update(before: Layer, after: Layer, *, scale: float = 1.0) -> np.ndarray:
    """One estimate of a training row per neuron whose bias moved: ΔW[j, :] / Δb[j].

    Args:
        before: the first layer before the step (float, or the integers of a fixed-point
            model: the ratio does not depend on the scale).
        after: the same layer after the step.
        scale: divide the estimates by this (the input encoding's scale, if the rows were
            encoded before the layer saw them; 1 for real inputs).

    Returns:
        An array of shape (neurons that moved, features), the neuron with the largest bias
        change first (the most reliable ratio).

    Raises:
        InvalidInput: layers of different shapes.
    """
    if before.weight.shape != after.weight.shape or before.bias.shape != after.bias.shape:
        raise InvalidInput("the two layers have different shapes")
    dw = np.asarray(after.weight, dtype=np.float64) - np.asarray(before.weight, dtype=np.float64)
    db = np.asarray(after.bias, dtype=np.float64) - np.asarray(before.bias, dtype=np.float64)
    moved = np.flatnonzero(db != 0)
    order = moved[np.argsort(-np.abs(db[moved]), kind="stable")]
    return dw[order] / db[order, None] / scale


def reconstruction_error(estimates: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each true row, the relative error ‖x̂ − x‖ / ‖x‖ of the closest estimate
    (``inf`` when there is no estimate)."""
    rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
    if len(estimates) == 0:
        return np.full(len(rows), np.inf)
    gaps = np.linalg.norm(estimates[None, :, :] - rows[:, None, :], axis=2)
    norms = np.maximum(np.linalg.norm(rows, axis=1), np.finfo(np.float64).tiny)
    return gaps.min(axis=1) / norms


def membership_auc(member_losses: Sequence[float], other_losses: Sequence[float]) -> float:
    """The AUC of "lower loss ⇒ member": the probability that a random member's loss is
    below a random non-member's (ties count one half). The Mann–Whitney statistic, by ranks.

    Raises:
        InvalidInput: an empty side.
    """
    members = np.asarray(member_losses, dtype=np.float64)
    others = np.asarray(other_losses, dtype=np.float64)
    if members.size == 0 or others.size == 0:
        raise InvalidInput("membership_auc needs losses of members and of non-members")
    scores = np.concatenate([-members, -others])  # a higher score says "member"
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # ties share their mean rank
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    u = ranks[: members.size].sum() - members.size * (members.size + 1) / 2
    return float(u / (members.size * others.size))


# -- the experiment -------------------------------------------------------------------------


def row_losses(layers: Sequence[Layer], rows: Any, spec: Any) -> np.ndarray:
    """½‖ŷ − t‖² per row (real units) of the fixed-point model: what the attacker scores."""
    from zkpot.ml.statement import fixed_model

    model = fixed_model(layers, spec)
    out = spec.fmt.dequantize_array(model.forward(rows.x).output)
    targets = np.eye(spec.n_classes)[rows.y]
    return 0.5 * np.sum((out - targets) ** 2, axis=1)


def reconstruction_by_batch(
    batches: Sequence[int] = (1, 2, 4, 8, 16), trials: int = 20, seed: int = 0
) -> list[dict[str, Any]]:
    """The dense-layer attack on one published step of the Iris twin, for each batch size:
    the median relative error of the best estimate of each row, and the share of rows
    recovered to 1 % — what one published update gives away."""
    from zkpot.ml.datasets import iris_split
    from zkpot.ml.statement import Rows, TrainingSpec, train_round
    from zkpot.ml.task import first_model

    train, _ = iris_split(seed=seed)
    rng = np.random.default_rng(seed)
    out = []
    for batch in batches:
        spec = TrainingSpec(sizes=(4, 8, 3), log2_batch=batch.bit_length() - 1, steps=1,
                            test_rows=1)  # fmt: skip
        errors = []
        for trial in range(trials):
            pick = rng.choice(len(train), batch, replace=False)
            x = spec.fmt.quantize_array(train.x[pick])
            layers = first_model(spec, seed + trial)
            after, _ = train_round(layers, Rows(x, train.y[pick].astype(np.int64)), spec)
            estimates = invert_dense_update(layers[0], after[0])
            errors.extend(reconstruction_error(estimates, spec.fmt.dequantize_array(x)))
        found = np.array(errors)
        out.append({"batch": batch, "rows": len(found), "median_error": float(np.median(found)),
                    "recovered": float(np.mean(found < 0.01))})  # fmt: skip
    return out


def published(w: Any, rule: str, rounds: int, verdicts: Any = None) -> list[tuple[Any, Any, Any]]:
    """What a rule publishes round by round, from its own run of the federation ``w``:
    (global model before, published model, the rows behind it) for each round that
    published a new model. ``zkpot``: the winner's revealed model and the winner's rows;
    ``zkpot-avg``: the next global model, a step from the average, and the rows of
    every included participant (a round that keeps its global model publishes nothing
    new). ``verdicts`` judges the contributions (:data:`~zkpot.experiments.robustness.Verdicts`:
    modelled by default, real proofs with :class:`zkpot.experiments.proving.RealProofs`)."""
    from zkpot.experiments.robustness import included, modelled, step, submissions
    from zkpot.ml.statement import Rows

    layers, out = w.first, []
    for r in range(1, rounds + 1):
        subs = submissions(w, layers, r)
        valid = (verdicts or modelled)(rule, w, layers, r, subs)
        subs = [dataclasses.replace(s, true=v) for s, v in zip(subs, valid, strict=True)]
        after, leader = step(rule, w, layers, subs)
        if rule == "zkpot":
            behind = [] if leader is None else [leader]
        else:
            behind = included(w, layers, subs)
        if after is not layers and behind:
            rows = [_filled(w.slots[i], w.spec.n_classes) for i in behind]
            out.append((layers, after, Rows(np.concatenate([r.x for r in rows]),
                                            np.concatenate([r.y for r in rows]))))  # fmt: skip
        layers = after
    return out


def one_step(before: Sequence[Layer], rows: Any, spec: Any) -> list[Layer]:
    """One step of ``spec``'s training from ``before`` over all ``rows`` as one batch (the
    next power of two, the rest of its slots empty)."""
    from zkpot.ml.statement import Rows, train_round

    spec = dataclasses.replace(spec, steps=1, log2_batch=(len(rows.y) - 1).bit_length())
    empty = spec.batch - len(rows.y)
    slots = Rows(np.vstack([rows.x, np.zeros((empty, spec.n_features), np.int64)]),
                 np.concatenate([rows.y, np.full(empty, spec.n_classes)]))  # fmt: skip
    return train_round(before, slots, spec)[0]


def reconstruction_by_rule(rounds: int = 10, seeds: int = 1, verdicts: Any = None
                           ) -> dict[str, dict[str, Any]]:  # fmt: skip
    """The dense-layer attack on what each rule publishes, on the Iris federation of
    :mod:`zkpot.experiments.robustness` (8 participants, none Byzantine), round by round,
    for seeds 0 … ``seeds`` − 1:

    - ``zkpot``: the winner's model against the winner's rows;
    - ``zkpot-avg``: the average against every included participant's rows;
    - ``union``: the bound — from the same global models, one step of the statement's
      training over all those included rows as one batch (the next power of two).

    For each, the models attacked, the rows behind them, the median relative error of
    each row's best estimate, and the shares recovered to 1 % and to 10 %. ``verdicts``
    as :func:`published`'s.
    """
    from zkpot.experiments.robustness import Setting, world

    found: dict[str, list[float]] = {"zkpot": [], "zkpot-avg": [], "union": []}
    models = {"zkpot": 0, "zkpot-avg": 0, "union": 0}
    for seed in range(seeds):
        w = world(Setting(fraction=0.0, rounds=rounds, seed=seed))
        for rule in ("zkpot", "zkpot-avg"):
            for before, after, rows in published(w, rule, rounds, verdicts):
                real = w.spec.fmt.dequantize_array(rows.x)
                found[rule].extend(reconstruction_error(invert_dense_update(before[0], after[0]),
                                                        real))  # fmt: skip
                models[rule] += 1
                if rule == "zkpot-avg":
                    union = one_step(before, rows, w.spec)
                    found["union"].extend(reconstruction_error(
                        invert_dense_update(before[0], union[0]), real))  # fmt: skip
                    models["union"] += 1
    return {rule: {"models": models[rule], "rows": len(errors),
                   "median_error": float(np.median(errors)) if errors else None,
                   "recovered": float(np.mean(np.array(errors) < 0.01)) if errors else 0.0,
                   "within_10": float(np.mean(np.array(errors) < 0.1)) if errors else 0.0}
            for rule, errors in found.items()}  # fmt: skip


def membership_by_system(rounds: int = 5, seed: int = 0, verdicts: Any = None
                         ) -> dict[str, float]:  # fmt: skip
    """Loss-threshold membership inference on what each system publishes, on the Iris
    federation of :mod:`zkpot.experiments.robustness` (no Byzantine participants):

    - ``learning``: every participant's local model, each against its own rows (members)
      and the held-out test rows (non-members);
    - ``zkpot``: only the winner's revealed model, against the winner's rows;
    - ``zkpot-avg``: only the next global model, a step from the average of the included
      models, against all their rows.

    Returns the mean AUC of each over the rounds, and how many models each attacked.
    ``verdicts`` as :func:`published`'s.
    """
    from zkpot.experiments.robustness import Setting, step, submissions, world

    w = world(Setting(fraction=0.0, rounds=rounds, seed=seed))
    spec, layers = w.spec, w.first
    learning = []
    for r in range(1, rounds + 1):
        subs = submissions(w, layers, r)
        for i, sub in enumerate(subs):
            members = _filled(w.slots[i], spec.n_classes)
            if len(members.y):
                learning.append(membership_auc(row_losses(sub.model, members, spec),
                                               row_losses(sub.model, w.test, spec)))  # fmt: skip
        layers, _ = step("learning", w, layers, subs)
    out: dict[str, Any] = {"learning": float(np.mean(learning)),
                           "learning_models_seen": len(learning)}  # fmt: skip
    for rule in ("zkpot", "zkpot-avg"):
        aucs = [membership_auc(row_losses(after, rows, spec), row_losses(after, w.test, spec))
                for _, after, rows in published(w, rule, rounds, verdicts)]  # fmt: skip
        out[rule] = float(np.mean(aucs)) if aucs else None
        out[f"{rule}_models_seen"] = len(aucs)
    return out


def _filled(slots: Any, n_classes: int) -> Any:
    """The slots that hold a row (an empty slot's label is the class count)."""
    from zkpot.ml.statement import Rows

    keep = slots.y < n_classes
    return Rows(slots.x[keep], slots.y[keep])


def grid(quick: bool = False) -> Any:
    """The federations the rule-by-rule attacks run (Iris, 8 participants, none
    Byzantine), as a :class:`~zkpot.experiments.robustness.Grid`: what a run with real
    proofs prepares keys for."""
    from zkpot.experiments.robustness import Grid

    return Grid(datasets=("iris",), attacks=("inflate",), fractions=(0.0,),
                seeds=1 if quick else 5, rounds=3 if quick else 20)  # fmt: skip


def experiment(*, quick: bool = False, verdicts: Any = None) -> dict[str, Any]:
    """Both attacks: reconstruction by batch size and by rule, membership inference by
    system. ``verdicts`` judges the ZKPoT rules' contributions (modelled by default)."""
    trials, g = 5 if quick else 50, grid(quick)
    return {"reconstruction": reconstruction_by_batch(trials=trials),
            "reconstruction_by_rule": reconstruction_by_rule(rounds=g.rounds, seeds=g.seeds,
                                                             verdicts=verdicts),
            "membership": membership_by_system(rounds=3 if quick else 10,
                                               verdicts=verdicts)}  # fmt: skip


def plot(results: dict[str, Any], directory: Any) -> list[Any]:
    """``privacy-reconstruction.png``: the share of rows one published step gives away, by
    batch size; and, where ``reconstruction_by_rule`` is in the results, what each rule's
    published models give away, at the mean number of rows behind one of them.

    Raises:
        ModuleNotFoundError: if matplotlib is not installed (``pip install zkpot[plots]``).
    """

    from zkpot.ml.report import pyplot

    plt = pyplot()
    rows = results["reconstruction"]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot([r["batch"] for r in rows], [r["recovered"] for r in rows], marker="o",
            label="one step of a batch")  # fmt: skip
    labels = {"zkpot": ("s", "the winner's model (zkpot)"),
              "zkpot-avg": ("D", "the average (zkpot-avg)"),
              "union": ("x", "one step over all included rows")}  # fmt: skip
    for rule, found in results.get("reconstruction_by_rule", {}).items():
        if found["models"]:
            marker, label = labels[rule]
            ax.plot([found["rows"] / found["models"]], [found["recovered"]], marker=marker,
                    linestyle="none", markersize=8, label=label)  # fmt: skip
    ax.legend(fontsize=7)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("rows behind the published update")
    ax.set_ylabel("rows recovered to 1 %")
    ax.set_ylim(0, 1.05)
    ax.set_title("Reconstruction from a dense layer's update (Iris, 4-8-3)")
    fig.tight_layout()
    return [save_figure(fig, directory, "privacy-reconstruction.png")]


__all__ = [
    "experiment",
    "grid",
    "invert_dense_update",
    "membership_auc",
    "membership_by_system",
    "one_step",
    "plot",
    "published",
    "reconstruction_by_batch",
    "reconstruction_by_rule",
    "reconstruction_error",
    "row_losses",
]  # fmt: skip
