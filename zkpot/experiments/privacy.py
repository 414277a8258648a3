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

from collections.abc import Sequence

import numpy as np

from zkpot.errors import InvalidInput
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


__all__ = ["invert_dense_update", "membership_auc", "reconstruction_error"]
