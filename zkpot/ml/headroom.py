"""Headroom: every value of an honest round is bounded before any round is run.

The twin refuses a value outside the format's bound |v| < 2^(B−1)
(:class:`~zkpot.ml.fixedpoint.FixedPointOverflow`), and the circuit has no witness for
it. Plain SGD leaves the values of a round unbounded: a participant that registers
scaled data (the public test rows times six, still inside the format) can lead round 1
with a model from which no honest participant can train round 2 without overflowing,
and honest runs drift there too. A proof of training must not let one participant stop
the others, so zkpot bounds the training instead (:mod:`zkpot.ml.model`):

- the output error δ = m·(ŷ − t) is clipped to [−D, D] with D = 1 (:data:`ERROR_BOUND`):
  the Huber loss's gradient;
- every step is projected: each new weight and bias is clamped to [−W, W];
- every feature is clipped to [−X, X] when it is encoded
  (:func:`~zkpot.ml.statement.data_slots`, :func:`~zkpot.ml.statement.encode_test_set`).

W = 2^``log2_weight_bound`` and X = 2^``log2_data_bound`` are part of the
:class:`~zkpot.ml.statement.TrainingSpec`, which refuses W and X whose
:func:`worst_case` does not fit the format. **The argument**, that an honest participant
can always train:

1. *Every global model the chain can produce is in [−W, W].* The genesis's model is
   checked (:func:`model_error`); every later one is the new model of a proven
   contribution, whose last operation is the clamp to [−W, W], or the previous global
   model unchanged (a round that nobody leads).
2. *From any model in [−W, W], on data in [−X, X] with labels one-hot or empty slots,
   one SGD step stays inside the bounds of* :func:`worst_case`, layer by layer: each
   bound below is the largest magnitude its operation can produce from the bounds of its
   operands (intervals through monotone floors and roundings, products at the corners,
   a sum of 2^m rows at 2^m times one row's). The step ends with the clamp, which
   restores [−W, W], so the next step of the round starts where this one did: the bound
   does not depend on the number of steps.
3. *The test rows are in [−X, X]* (checked at genesis, :func:`rows_error`) and the new
   model in [−W, W]: the accuracy's forward pass is the training forward pass's bound.

So if every bound of :func:`worst_case` is below 2^(B−1), no honest round overflows, from
any global model the chain can reach. The bounds, on the integers at scale S = 2^f
(W, X, D included), with n₀ … n_L the widths, m = log₂ batch and k = log₂(1/lr):

=====================  ==============================================================
value                  bound
=====================  ==============================================================
pre-activation z_l     T_l = n_{l−1}·A_{l−1}·W + W·S bounds the sum before its rescale,
                       so z_l ∈ [⌊−T_l / S⌋, ⌊T_l / S⌋]; A₀ = X and the ReLU passes
                       A_l = ⌊T_l / S⌋ on
output error δ_L       [max(−D, min(⌊−T_L / S⌋ − S, 0)), min(D, max(⌊T_L / S⌋, 0))]
weight gradient        round(2^m·p / 2^(f+m)) for p the corner products of δ_l and the
                       layer's input interval ([−X, X] for the first, [0, A] after)
bias gradient          round(2^m·δ / 2^m): δ_l's interval itself
error δ_{l−1}          E = n_l·max|δ_l|·W; ⌊±E / S⌋, checked before the ReLU′ mask
                       (which then adds 0 to the interval)
update                 round(g / 2^k) of each gradient bound
new parameter          [−W, W], after the clamp
=====================  ==============================================================

Each bound is the exact image of its operands' intervals; the operands of a round are
not independent, so the whole is an upper bound, and a nearly tight one: the tests run
adversarial models and data (weights ±W aligned, features ±X, any labels) through the
twin, never exceed it, and reach at least 90 % of it at every site.

>>> from zkpot.ml.statement import TrainingSpec
>>> spec = TrainingSpec(sizes=(4, 4, 3), log2_batch=2, test_rows=4, log2_lr=2)
>>> spec.log2_weight_bound, spec.log2_data_bound           # W = 1, X = 4
(0, 2)
>>> site, peak = largest(worst_case(spec))
>>> site, peak / spec.fmt.scale                            # 4·4·1 + 1 = 17, then 4·17 + 1
((2, 'pre-activation'), 69.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.ml.model import Layer, Site

if TYPE_CHECKING:
    from zkpot.ml.statement import Rows, TrainingSpec

ERROR_BOUND = 1
"""D: the output error δ is clipped to [−D, D] (a real number; D·2^f in the integers)."""

LARGEST_LOG2_WEIGHT_BOUND = 3
"""The largest weight bound a spec picks by itself: W = 2³ = 8 (He-uniform weights of
the narrowest layer reach √6 ≈ 2.45; a larger W only spends headroom)."""

SMALLEST_LOG2_WEIGHT_BOUND = -6
"""The smallest weight bound a spec picks by itself, W = 2⁻⁶ (or 2^−f if f < 6): below
it the weights would be too coarse to learn, and a spec whose worst case does not fit
even then is refused."""


def _round(v: int, bits: int) -> int:
    """round(v / 2^bits), half up: ``FixedArithmetic._round``'s integers (monotone in v)."""
    return (v + ((1 << bits) >> 1)) >> bits


def worst_case(
    spec: TrainingSpec, *, log2_weight_bound: int | None = None, log2_data_bound: int | None = None
) -> dict[Site, int]:
    """The largest magnitude of every value of one honest round and of the test rows'
    forward pass, per site of :class:`~zkpot.ml.model.FixedArithmetic` (the module
    docstring's table); integers at the spec's scale.

    The bounds are the spec's unless given (the spec uses this to choose its own). The
    cost is O(layers), whatever the widths.
    """
    S, f = 1 << spec.frac_bits, spec.frac_bits
    m, k = spec.log2_batch, spec.log2_lr
    log2_w = spec.log2_weight_bound if log2_weight_bound is None else log2_weight_bound
    log2_x = spec.log2_data_bound if log2_data_bound is None else log2_data_bound
    W, X, D = 1 << (log2_w + f), 1 << (log2_x + f), ERROR_BOUND << f
    sizes, top = spec.sizes, len(spec.sizes) - 1
    peaks: dict[Site, int] = {(0, "input"): X}

    def record(site: Site, low: int, high: int) -> None:
        peaks[site] = max(peaks.get(site, 0), abs(low), abs(high))

    # forward: the interval of each layer's input, and the output ŷ
    inputs, largest_input = [(-X, X)], X
    for n, (fan_in, _) in enumerate(pairwise(sizes), 1):
        total = fan_in * largest_input * W + W * S  # |Σ x·w + b·2^f|
        low, high = -total >> f, total >> f  # the floor rescale of ±total
        record((n, "pre-activation"), low, high)
        inputs.append((0, high))  # ReLU: [0, ⌊T / S⌋]
        largest_input = high

    # the output error: m·(ŷ − t) with t ∈ {0, S}, m ∈ {0, 1}, clipped to [−D, D]
    delta = (max(-D, min(low - S, 0)), min(D, max(high, 0)))
    record((top, "output error"), *delta)

    grads: dict[int, tuple[tuple[int, int], tuple[int, int]]] = {}
    for n in range(top, 0, -1):
        lo_in, hi_in = inputs[n - 1]
        corners = [d * a for d in delta for a in (lo_in, hi_in)]
        weight = (_round(min(corners) << m, f + m), _round(max(corners) << m, f + m))
        bias = (_round(delta[0] << m, m), _round(delta[1] << m, m))
        record((n, "weight gradient"), *weight)
        record((n, "bias gradient"), *bias)
        grads[n] = (weight, bias)
        if n > 1:  # δ·W sent down through layer n (sizes[n] terms), checked before ReLU′
            total = sizes[n] * max(-delta[0], delta[1]) * W
            low, high = -total >> f, total >> f
            record((n - 1, "error"), low, high)
            delta = (min(low, 0), max(high, 0))

    for n, (weight, bias) in grads.items():
        record((n, "weight update"), *(_round(g, k) for g in weight))
        record((n, "bias update"), *(_round(g, k) for g in bias))
        record((n, "weight"), -W, W)  # clamped
        record((n, "bias"), -W, W)
    return peaks


def largest(peaks: dict[Site, int]) -> tuple[Site, int]:
    """The site with the largest bound, and the bound."""
    site = max(peaks, key=peaks.__getitem__)
    return site, peaks[site]


def fits(peaks: dict[Site, int], bound_bits: int) -> bool:
    """Whether every bound is below 2^(B−1)."""
    return largest(peaks)[1] < 1 << (bound_bits - 1)


def largest_weight_bound(spec: TrainingSpec, log2_data_bound: int) -> int | None:
    """The largest k in SMALLEST … LARGEST_LOG2_WEIGHT_BOUND (and k ≥ −f, on the grid)
    whose worst case at W = 2^k fits the spec's format, or ``None`` if none does."""
    smallest = max(SMALLEST_LOG2_WEIGHT_BOUND, -spec.frac_bits)
    for k in range(LARGEST_LOG2_WEIGHT_BOUND, smallest - 1, -1):
        peaks = worst_case(spec, log2_weight_bound=k, log2_data_bound=log2_data_bound)
        if fits(peaks, spec.bound_bits):
            return k
    return None


def checked_weight_bound(spec: TrainingSpec) -> int:
    """The spec's log₂ W, chosen by :func:`largest_weight_bound` if it is ``None``, once W
    and X are on the grid and inside the format and the worst case fits
    (``TrainingSpec.__post_init__``).

    Raises:
        InvalidInput: for a bound out of range, or a worst case that does not fit: the
            message names the value that would overflow and what to change.
    """
    f, B = spec.frac_bits, spec.bound_bits
    top = B - 2 - f  # 2^top·2^f = 2^(B−2) < 2^(B−1): the largest bound inside the format
    for name in ("log2_weight_bound", "log2_data_bound"):
        value = getattr(spec, name)
        if value is None and name == "log2_weight_bound":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not -f <= value <= top:
            raise InvalidInput(
                f"{name} must be an integer in −f … B − 2 − f = {-f} … {top} (a power of "
                f"two on the grid 2^−f, inside the bound 2^(B−1)), got {value!r}"
            )
    fix = ("a smaller log2_data_bound (X = 2^j), narrower layers, or more bound_bits (B) "
           "for the same frac_bits")  # fmt: skip
    if spec.log2_weight_bound is None:
        chosen = largest_weight_bound(spec, spec.log2_data_bound)
        if chosen is None:
            smallest = max(SMALLEST_LOG2_WEIGHT_BOUND, -f)
            peaks = worst_case(spec, log2_weight_bound=smallest)
            raise InvalidInput(
                f"no weight bound fits this spec: even at W = 2^{smallest}, "
                f"{describe(*largest(peaks), f)}, over the bound 2^{B - 1} of "
                f"bound_bits = {B}; use {fix}"
            )
        return chosen
    peaks = worst_case(spec)
    if not fits(peaks, B):
        chosen = largest_weight_bound(spec, spec.log2_data_bound)
        lower = (
            "" if chosen is None else f"log2_weight_bound ≤ {chosen} (or None to choose it), or "
        )
        raise InvalidInput(
            f"the worst case of a round at W = 2^{spec.log2_weight_bound}, "
            f"X = 2^{spec.log2_data_bound} does not fit: {describe(*largest(peaks), f)}, "
            f"over the bound 2^{B - 1} of bound_bits = {B}; use {lower}{fix}"
        )
    return spec.log2_weight_bound


def describe(site: Site, peak: int, frac_bits: int) -> str:
    """Where a bound is and how large, for error messages: ``layer 2 pre-activation
    reaches 2^26.1 (≈ 1092)``."""
    layer, what = site
    where = what if layer == 0 else f"layer {layer} {what}"
    real = f" (≈ {peak / (1 << frac_bits):.4g})" if peak.bit_length() < 1000 else ""
    return f"{where} reaches 2^{math.log2(max(peak, 1)):.1f}{real}"


# -- the checks the chain makes at genesis, and the clip of the first model -------------


def model_error(layers: Sequence[Layer], spec: TrainingSpec) -> str | None:
    """Why a model is not in [−W, W] (the first parameter outside), or ``None`` if it is."""
    bound = spec.weight_bound
    for n, layer in enumerate(layers, 1):
        for part, values in (("weight", layer.weight), ("bias", layer.bias)):
            values = np.asarray(values)
            if values.size and int(np.abs(values).max()) > bound:
                flat = int(np.argmax(np.abs(values)))
                index = tuple(int(i) for i in np.unravel_index(flat, values.shape))
                return (f"layer {n} {part} {list(index)} is {int(values[index])}, outside "
                        f"±{bound} (the weight bound W = 2^{spec.log2_weight_bound})")  # fmt: skip
    return None


def within_bounds(layers: Sequence[Layer], spec: TrainingSpec) -> bool:
    """Whether every weight and bias is in [−W, W]: a model honest participants can train
    from (a genesis model must be; every later global model is)."""
    return model_error(layers, spec) is None


def rows_error(rows: Rows, spec: TrainingSpec) -> str | None:
    """Why encoded rows have a feature outside [−X, X] (the first one), or ``None``."""
    x = np.asarray(rows.x)
    if x.size and int(np.abs(x).max()) > spec.data_bound:
        row, column = (int(i) for i in np.unravel_index(np.argmax(np.abs(x)), x.shape))
        return (f"row {row} feature {column} is {int(x[row, column])}, outside "
                f"±{spec.data_bound} (the data bound X = 2^{spec.log2_data_bound})")  # fmt: skip
    return None


def clip_layers(layers: Sequence[Layer], spec: TrainingSpec) -> list[Layer]:
    """Integer layers with every parameter clipped to [−W, W] (the first global model)."""
    bound = spec.weight_bound
    return [Layer(np.clip(layer.weight, -bound, bound), np.clip(layer.bias, -bound, bound))
            for layer in layers]  # fmt: skip


__all__ = ["ERROR_BOUND", "LARGEST_LOG2_WEIGHT_BOUND", "SMALLEST_LOG2_WEIGHT_BOUND",
           "checked_weight_bound", "clip_layers", "describe", "fits", "largest",
           "largest_weight_bound", "model_error", "rows_error", "within_bounds",
           "worst_case"]  # fmt: skip
