"""How many rows a spec's circuit has, by formula, before anything is built.

:func:`~zkpot.ml.training_circuit.build` lays out one gate per row, and a spec's numbers
(layer widths up to 4096, 1024 steps, 4096 test rows) are enough to ask it for about 10¹⁵
rows: memory runs out long before the circuit is done. A spec read from a file is
untrusted input, so the command line checks its size first, with :func:`estimate_rows`:
an upper bound of the rows, computed from the spec by the formulas below in a fraction
of a millisecond, and refuses a spec over :data:`MAX_ROWS` (:func:`check_size`) before
it builds anything.

The formulas count the gates each gadget lays out, as its code does (t the range
tables' width, t = 0 bit by bit; L(b) the limbs of a b-bit range, ⌈b / t⌉ or b):

==========================  ===============================================================
gadget                      rows
==========================  ===============================================================
range check, b bits         L(b) + max(1, L(b) − 1)
signed range, b bits        t > 0: l + 1 + max(1, l) + 1, l = ⌊(b − 1) / t⌋ full limbs
                            and a top limb; t = 0: 2·b
rescale by 2^f              L(f) + max(1, L(f)) + signed range of B bits
rounding rescale by 2^b     1 (none for b = 0) + rescale by 2^b
dot product of n terms      n + 1 (multiply-accumulate, then the sum)
sum of n terms              n − 1
one output of ``linear``    dot product of inputs + 1 terms, rescale by 2^f
one-hot label, k classes    3 per class (2 for class 0), the mask's sum, one gate
argmax of k outputs         (k − 1)·(7 + signed range of B + 2 bits)
clamp to ±2^e (B + 1 bits)  by its table: 2·L(q) + 3, lo's q bits (``clamp_layout``); by
                            comparison (t = 0, or a table longer than 4·2^t + 1 rows):
                            2·L(q) + signed range of h bits + 5, h for hi
Poseidon commitment of V    66 per permutation (65 round gates and the output), one
values in E elements        permutation per two elements and one more, V gates to add
                            the packed elements to the state, and the final equality
==========================  ===============================================================

and :func:`estimate_rows` adds them up part by part as ``build`` builds them, with one
row per public input and an allowance for the gates of constants
(:data:`CONSTANT_ROWS`). The tests compare it with the built circuit for specs of every
shape: never below, and within a few rows of it (2 % at most; 9 rows over the default
spec's 15,448).

The domain must also hold the lookup tables (a table of 2^w rows for each width w a
range check uses, and each clamp's table of hi), so the estimate is the larger of the two.
"""

from __future__ import annotations

from itertools import pairwise

from zkpot.errors import InvalidInput
from zkpot.ml.statement import FIELDS, TrainingSpec
from zkpot.plonk.lookup_gadgets import clamp_layout

MAX_ROWS = 1 << 16
"""The largest circuit the command line builds: 2¹⁶ rows, the largest domain the project
benchmarks (a proof in about 45 s, preprocessing in 35 s and 833 MB on two cores). The
default spec has 15,448 rows; four SGD steps fit 2¹⁵."""

POSEIDON_ROWS = 66
"""Rows of one permutation with the round gate: 65 rounds and the output row."""

CONSTANT_ROWS = 16
"""An allowance for the gates that pin constants (the scale 2^f, the salts, the sponge's
tag and lengths): fewer than 16 in every circuit ``build`` lays out."""


class CircuitTooLarge(InvalidInput):
    """A spec whose circuit would exceed :data:`MAX_ROWS` rows."""


def estimate_rows(spec: TrainingSpec) -> int:
    """An upper bound of the rows of ``build(spec)``'s domain: the public inputs and the
    gates, or the lookup tables where they are more (see the module docstring)."""
    if not isinstance(spec, TrainingSpec):
        raise InvalidInput(f"estimate_rows takes a TrainingSpec, not {type(spec).__name__}")
    return max(len(FIELDS) + _gates(spec), _table_rows(spec))


def check_size(spec: TrainingSpec, limit: int = MAX_ROWS) -> int:
    """The spec's :func:`estimate_rows`, or :class:`CircuitTooLarge` if it exceeds ``limit``."""
    rows = estimate_rows(spec)
    if rows > limit:
        raise CircuitTooLarge(
            f"the spec's circuit would have about {rows:,} rows, more than the limit of "
            f"{limit:,} (2^{limit.bit_length() - 1}): refused before building it"
        )
    return rows


# -- the gadgets -------------------------------------------------------------------------


def _limbs(bits: int, t: int) -> int:
    """Rows (and limbs) of ``lookup_gadgets.limbs``: one lookup, or one boolean gate, each."""
    return bits if t == 0 else -(-bits // t)


def _range(bits: int, t: int) -> int:
    """``assert_range``: the limbs and their recomposition."""
    limbs = _limbs(bits, t)
    return limbs + max(1, limbs - 1)


def _signed(bits: int, t: int) -> int:
    """``assert_signed_range``: limbs of x + 2^(bits−1), their recomposition, and ≠ 0."""
    if t == 0:
        return bits + max(1, bits - 1) + 1
    full = (bits - 1) // t  # the top limb (and sign) is one lookup more
    return full + 1 + max(1, full) + 1


def _rescale(bits: int, bound: int, t: int) -> int:
    """``rescale``: the remainder's limbs, x = q·2^f + rem, and q's signed range."""
    limbs = _limbs(bits, t)
    return limbs + max(1, limbs) + _signed(bound, t)


def _round(bits: int, bound: int, t: int) -> int:
    """``CircuitArithmetic._round``: + 2^(bits−1) (no gate for bits = 0), then the rescale."""
    return (1 if bits else 0) + _rescale(bits, bound, t)


def _clamp(log2_bound: int, bits: int, t: int) -> int:
    """``lookup_gadgets.clamp``: lo's limbs, the equation, in·v and the sum, and either the
    lookup of (hi, in, s) or hi's signed range, is_zero and s."""
    q, low, high, by_table = clamp_layout(log2_bound, bits, t)
    if by_table:
        return 2 * _limbs(q, t) + 3
    hi_bits = max(abs(low), abs(high)).bit_length() + 1
    return 2 * _limbs(q, t) + _signed(hi_bits, t) + 5


def _commit(values: int, spec: TrainingSpec) -> int:
    """``_commit``: the sponge over the packed values, and the equality with the input."""
    elements = -(-values // spec.per_element)
    permutations = 1 + -(-elements // 2)
    return POSEIDON_ROWS * permutations + values + 1


# -- the parts ---------------------------------------------------------------------------


def _gates(spec: TrainingSpec) -> int:
    """The gates of ``build(spec)``, part by part as it lays them out."""
    B, f, t = spec.bound_bits, spec.frac_bits, spec.table_bits
    d, k, batch, m = spec.n_features, spec.n_classes, spec.batch, spec.log2_batch
    layers = list(pairwise(spec.sizes))  # (inputs, outputs) of each layer
    signed = _signed(B, t)
    clip = _clamp(spec.error_bound.bit_length() - 1, B + 1, t)  # δ to [−D, D]
    clamp = _clamp(spec.weight_bound.bit_length() - 1, B + 1, t)  # a parameter to [−W, W]

    def forward() -> int:  # one row through the network: linear (and ReLU but last)
        rows = sum(o * (i + 2 + _rescale(f, B, t)) for i, o in layers)
        return rows + sum(o for _, o in layers[:-1])

    gates = 1 + CONSTANT_ROWS  # the constant-0 gate, and the constants
    gates += spec.n_params * signed + _commit(spec.n_params, spec)  # the global model
    onehot = 3 * k - 1 + k - 1 + 1 if k > 1 else 3  # [y = j] (2 rows for j = 0), m, (1 − m)·(y − k)
    gates += spec.capacity * (d * signed + onehot) + _commit(spec.capacity * (d + 1), spec)
    backward = k * (2 + clip) * batch  # the output errors
    for n, (i, o) in enumerate(layers):
        backward += o * (i * (batch + 1 + _round(f + m, B, t)) + batch - 1 + _round(m, B, t))
        if n:  # back through layer n to the one before
            backward += batch * i * (o + 1 + _rescale(f, B, t) + 1)
    update = spec.n_params * (_round(spec.log2_lr, B, t) + 1 + clamp)
    gates += spec.steps * (batch * forward() + backward + update)
    gates += _commit(spec.n_params, spec)  # the model commitment
    labels = _range(max(1, (k - 1).bit_length()), t)
    gates += spec.test_rows * (d * signed + labels) + _commit(spec.test_rows * (d + 1), spec)
    argmax = (k - 1) * (7 + _signed(B + 2, t))
    gates += spec.test_rows * (forward() + argmax + 3) + spec.test_rows - 1 + 1  # count = accuracy
    return gates


def _table_rows(spec: TrainingSpec) -> int:
    """Rows of the lookup tables: 2^w for each range table range{w} and top-bit table
    top{w} a range check of the circuit uses, and the rows of each clamp's table (none
    bit by bit)."""
    t = spec.table_bits
    if t == 0:
        return 0
    ranges: set[int] = set()
    tops: set[int] = set()
    clamps, signed_bits = {}, []
    for bound in (spec.error_bound, spec.weight_bound):
        q, low, high, by_table = clamp_layout(bound.bit_length() - 1, spec.bound_bits + 1, t)
        clamps[bound] = (q, high - low + 1 if by_table else 0)
        if not by_table:  # hi's signed range instead
            signed_bits.append(max(abs(low), abs(high)).bit_length() + 1)
    for bits in (spec.frac_bits, spec.frac_bits + spec.log2_batch, spec.log2_batch,
                 spec.log2_lr, max(1, (spec.n_classes - 1).bit_length()),
                 *(q for q, _ in clamps.values())):  # fmt: skip
        if bits >= t:
            ranges.add(t)
        if bits % t:
            ranges.add(bits % t)
    signed = [spec.bound_bits] + ([spec.bound_bits + 2] if spec.n_classes > 1 else [])
    for bits in signed + signed_bits:  # values in the bound; argmax's differences; clamps' hi
        low = (bits - 1) // t * t
        if low:
            ranges.add(t)
        tops.add(bits - low)
    clamp_rows = sum(rows for _, rows in clamps.values())
    return sum(1 << w for w in ranges) + sum(1 << w for w in tops) + clamp_rows


__all__ = ["CONSTANT_ROWS", "MAX_ROWS", "POSEIDON_ROWS", "CircuitTooLarge", "check_size",
           "estimate_rows"]  # fmt: skip
