"""The fixed-point arithmetic as circuit gadgets: the twin's integers, with a proof.

:class:`CircuitArithmetic` mirrors :class:`~zkpot.ml.model.FixedArithmetic` method by
method, so that a reader sees the numpy line and its circuit line side by side. Each
method takes and returns circuit variables holding exactly the integers the twin
computes (negative ones as r − |v|):

- ``linear``, ⌊(x·Wᵀ + b·2^f) / 2^f⌋: a dot product with the multiply-accumulate
  gate (the bias as one more term, times the constant 2^f), then the lookup
  rescale; k + 2 + 10 rows per output at f = 16, B = 24;
- ``relu``, (max(z, 0), z ≥ 0): the sign the rescale's range check found, times z;
  one row per value;
- ``output_error`` and ``step``, with the twin's error and weight bounds: the clip of
  δ to [−D, D] and the clamp of each new parameter to [−W, W] are
  :func:`~zkpot.plonk.lookup_gadgets.clamp` (7 rows each at f = 16, B = 24 for D = 1
  and 2⁻² ≤ W ≤ 2), which also puts the value in the bound;
- ``MLP.predict`` and ``MLP.correct``: :meth:`CircuitArithmetic.argmax` (ties to the
  lowest index, as numpy) and :meth:`CircuitArithmetic.correct`, the number of rows
  whose argmax is their label.

The rescale range-checks the quotient in ``FixedPoint.check``'s strict bound, so a
value the twin would refuse with ``FixedPointOverflow`` has no witness here.

>>> import numpy as np
>>> from zkpot.ml.fixedpoint import FixedPoint
>>> from zkpot.ml.model import FixedArithmetic, Layer
>>> from zkpot.plonk.circuit import Circuit, signed
>>> fmt = FixedPoint(frac_bits=8, bound_bits=16)
>>> layer = Layer(np.array([[300, -200]]), np.array([50]))
>>> x = np.array([[256, 128]])
>>> c = Circuit()
>>> arith = CircuitArithmetic(c, fmt, table_bits=8)
>>> xs = [c.private_input(f"x{i}") for i in range(2)]
>>> z, signs = arith.linear(xs, *arith.layer_inputs(c, layer, "l1"))
>>> w = c.compile().solve({"x0": 256, "x1": 128, "l1_w0_0": 300, "l1_w0_1": -200, "l1_b0": 50})
>>> signed(w[z[0].index]) == int(FixedArithmetic(fmt).linear(x, layer, (1, "z"))[0, 0])
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zkpot.ml.fixedpoint import FixedPoint
from zkpot.ml.model import Layer
from zkpot.plonk import lookup_gadgets
from zkpot.plonk.circuit import BitWidthError, Circuit, Operand, Variable
from zkpot.plonk.gadgets import is_equal


@dataclass
class CircuitArithmetic:
    """:class:`~zkpot.ml.model.FixedArithmetic`'s operations as gadgets of one circuit.

    Attributes:
        c: the circuit the gadgets write into.
        fmt: the fixed-point format (f fractional bits, the bound B).
        table_bits: the range tables' width for the rescales (8: 256-row tables); 0 checks
            ranges bit by bit instead (see :mod:`zkpot.plonk.lookup_gadgets`).
        weight_bound: as ``FixedArithmetic``'s, W·2^f (a power of two here): each step
            clamps the new parameters to [−W·2^f, W·2^f]; ``None`` for plain SGD.
        error_bound: as ``FixedArithmetic``'s, D·2^f (a power of two here): the output
            error is clipped to [−D·2^f, D·2^f]; ``None`` for the squared error's.

    Raises:
        BitWidthError: for a bound that is not a power of two below 2^(B−1).
    """

    c: Circuit
    fmt: FixedPoint
    table_bits: int = 8
    weight_bound: int | None = None
    error_bound: int | None = None

    def __post_init__(self) -> None:
        for name in ("weight_bound", "error_bound"):
            bound = getattr(self, name)
            if bound is not None and (
                not isinstance(bound, int) or bound < 1 or bound & (bound - 1)
                or bound >= self.fmt.bound
            ):  # fmt: skip
                raise BitWidthError(f"{name}: a power of two below 2^(B−1), got {bound!r}")

    def _clamp(self, v: Variable, bound: int) -> Variable:
        """min(max(v, −bound), bound) for a v below 2^B in magnitude: the difference or sum
        of two values in the bound (a parameter and its update; m·ŷ and 2^f·t)."""
        log2_bound = bound.bit_length() - 1
        return lookup_gadgets.clamp(self.c, v, log2_bound, self.fmt.bound_bits + 1, self.table_bits)

    def layer_inputs(
        self, c: Circuit, layer: Layer, name: str
    ) -> tuple[list[list[Variable]], list[Variable]]:
        """Private inputs for a layer's weights and biases.

        They are named ``{name}_w{j}_{i}`` and ``{name}_b{j}``. ``layer`` gives only the
        shape; the values come with the inputs at proving time.
        """
        outputs, inputs = layer.weight.shape
        weight = [[c.private_input(f"{name}_w{j}_{i}") for i in range(inputs)]
                  for j in range(outputs)]  # fmt: skip
        bias = [c.private_input(f"{name}_b{j}") for j in range(outputs)]
        return weight, bias

    def linear(
        self, x: Sequence[Variable], weight: Sequence[Sequence[Variable]], bias: Sequence[Variable]
    ) -> tuple[list[Variable], list[Variable]]:
        """(z, [z ≥ 0]) with z = ⌊(x·Wᵀ + b·2^f) / 2^f⌋, as ``FixedArithmetic.linear``.

        Per output: Σᵢ xᵢ·Wⱼᵢ + bⱼ·2^f by multiply-accumulate (k + 1 terms, k + 2 rows),
        then the lookup rescale (10 rows at f = 16, B = 24), whose range check also
        gives the sign that :meth:`relu` uses.
        """
        c, f = self.c, self.fmt.frac_bits
        scale = c.constant(1 << f)
        z, signs = [], []
        with c.scope("linear"):
            for j, (row, b) in enumerate(zip(weight, bias, strict=True)):
                total = c.dot([*x, b], [*row, scale], label=f"output {j}")
                q, sign = lookup_gadgets.rescale_with_sign(
                    c, total, f, self.fmt.bound_bits, self.table_bits
                )
                z.append(q)
                signs.append(sign)
        return z, signs

    def output_error(
        self, output: Sequence[Variable], onehot: Sequence[Variable], mask: Operand
    ) -> list[Variable]:
        """δ = m·(ŷ − t) for one row, clipped and checked: ``FixedArithmetic.output_error``.

        ``onehot`` holds the label's bits [y = j] and ``mask`` the row's bit m (0 for an
        empty slot, whose bits are all 0), so t = 2^f·[y = j] and δⱼ = m·ŷⱼ − 2^f·[y = j]:
        one multiplication, one subtraction, then with an error bound the clamp to
        [−D·2^f, D·2^f] (7 rows for D = 1 at f = 16, B = 24: 9 rows per output), without
        one the signed range check of ``FixedArithmetic.check`` (6 rows: 8 per output).

        The clamp's input is small, as it requires: ŷⱼ is a rescale's checked quotient, m
        and [y = j] are bits, so |δⱼ| < 2^(B−1) + 2^f ≤ 2^B.
        """
        c, fmt = self.c, self.fmt
        out = []
        with c.scope("output error"):
            for j, (y, t) in enumerate(zip(output, onehot, strict=True)):
                masked = c.mul(mask, y, label=f"m·ŷ{j}")
                delta = c.linear_combination([(1, masked), (-fmt.scale, t)], label=f"δ{j}")
                if self.error_bound is None:
                    lookup_gadgets.assert_signed_range(c, delta, fmt.bound_bits, self.table_bits)
                else:
                    delta = self._clamp(delta, self.error_bound)
                out.append(delta)
        return out

    def backprop(
        self,
        delta: Sequence[Variable],
        weight: Sequence[Sequence[Variable]],
        active: Sequence[Variable],
    ) -> list[Variable]:
        """⌊δ·W / 2^f⌋ ⊙ ReLU′ for one row: ``FixedArithmetic.backprop``.

        Per input i of the layer: Σⱼ δⱼ·Wⱼᵢ by multiply-accumulate (outputs + 1 rows), the
        lookup rescale (10 rows), and the product with the forward pass's sign bit (1 row).
        """
        c = self.c
        out = []
        with c.scope("backprop"):
            for i, bit in enumerate(active):
                column = [row[i] for row in weight]
                total = c.dot(list(delta), column, label=f"(δ·W){i}")
                back = lookup_gadgets.rescale(
                    c, total, self.fmt.frac_bits, self.fmt.bound_bits, self.table_bits
                )
                out.append(c.mul(bit, back, label=f"δ{i}·ReLU′"))
        return out

    def _round(self, v: Variable, bits: int) -> Variable:
        """⌊(v + 2^(bits−1)) / 2^bits⌋, bound-checked: ``FixedArithmetic._round``."""
        shifted = self.c.add_const(v, (1 << bits) >> 1, label="+ 2^(bits−1)")
        return lookup_gadgets.rescale(self.c, shifted, bits, self.fmt.bound_bits, self.table_bits)

    def gradient(
        self, deltas: Sequence[Sequence[Variable]], inputs: Sequence[Sequence[Variable]]
    ) -> tuple[list[list[Variable]], list[Variable]]:
        """The batch means of δ ⊗ input and of δ, rounded: ``FixedArithmetic.gradient``.

        ``deltas`` and ``inputs`` hold one list per row of the batch (2^m rows). Per weight:
        Σ_rows δⱼ·inputᵢ by multiply-accumulate (2^m + 1 rows) and the rounding rescale by
        2^(f + m) (1 + 11 rows at f = 16, m = 3); per bias: Σ_rows δⱼ (2^m − 1 rows) and
        the rounding rescale by 2^m (1 + 8 rows).

        Raises:
            BitWidthError: if the batch is not a power of two.
        """
        c, f = self.c, self.fmt.frac_bits
        batch = len(deltas)
        if batch < 1 or batch & (batch - 1) or len(inputs) != batch:
            raise BitWidthError(f"a batch of 2^m rows, got {batch} errors and {len(inputs)} inputs")
        log2_batch = batch.bit_length() - 1
        weight, bias = [], []
        with c.scope("gradient"):
            for j in range(len(deltas[0])):
                column = [row[j] for row in deltas]
                weight.append([
                    self._round(c.dot(column, [row[i] for row in inputs], label=f"Σ δ{j}·in{i}"),
                                f + log2_batch)
                    for i in range(len(inputs[0]))
                ])  # fmt: skip
                total = c.linear_combination([(1, d) for d in column], label=f"Σ δ{j}")
                bias.append(self._round(total, log2_batch))
        return weight, bias

    def step(
        self,
        weight: Sequence[Sequence[Variable]],
        bias: Sequence[Variable],
        grad: tuple[Sequence[Sequence[Variable]], Sequence[Variable]],
        log2_lr: int,
    ) -> tuple[list[list[Variable]], list[Variable]]:
        """W − round(g / 2^log2_lr), clamped and checked: ``FixedArithmetic.step``.

        Per parameter: the rounding rescale (9 rows at B = 24 and 1 ≤ log2_lr ≤ 8), one
        subtraction, then with a weight bound the clamp to [−W·2^f, W·2^f] (at f = 16,
        B = 24: 7 rows for 2⁻² ≤ W ≤ 2, 9 for W = 4 or 8, 13 below 2⁻², where its table
        would be long and hi is compared instead), without one the signed range check of
        the new value (6 rows): 17 rows per parameter for the default spec.

        The clamp's input is small, as it requires: the old parameter is in the bound (a
        global parameter's range check, or the previous step's clamp) and so is the
        update (its rescale's check), so their difference is below 2^B.
        """
        c = self.c

        def update(old: Variable, g: Variable, what: str) -> Variable:
            new = c.sub(old, self._round(g, log2_lr), label=f"{what} − lr·g")
            if self.weight_bound is None:
                lookup_gadgets.assert_signed_range(c, new, self.fmt.bound_bits, self.table_bits)
                return new
            return self._clamp(new, self.weight_bound)

        with c.scope("step"):
            new_weight = [
                [update(w, g, f"w{j}_{i}") for i, (w, g) in enumerate(zip(row, grow, strict=True))]
                for j, (row, grow) in enumerate(zip(weight, grad[0], strict=True))
            ]
            new_bias = [update(b, g, f"b{j}") for j, (b, g) in
                        enumerate(zip(bias, grad[1], strict=True))]  # fmt: skip
        return new_weight, new_bias

    def argmax(self, outputs: Sequence[Variable]) -> Variable:
        """The index of the largest output, ties to the lowest: ``MLP.predict`` for one row."""
        return lookup_gadgets.argmax(self.c, outputs, self.fmt.bound_bits, self.table_bits)

    def correct(self, outputs: Sequence[Sequence[Variable]], labels: Sequence[Operand]) -> Variable:
        """How many rows' argmax equals their label: ``MLP.correct``.

        Per row: :meth:`argmax`, then :func:`~zkpot.plonk.gadgets.is_equal` with the label
        (3 rows), and the flags summed in one linear chain.
        """
        with self.c.scope("correct"):
            flags = [is_equal(self.c, self.argmax(row), label)
                     for row, label in zip(outputs, labels, strict=True)]  # fmt: skip
            return self.c.linear_combination([(1, flag) for flag in flags], label="count")

    def relu(self, z: Sequence[Variable], signs: Sequence[Variable]) -> list[Variable]:
        """max(z, 0) = [z ≥ 0]·z, one row each: ``FixedArithmetic.relu``'s first half (the
        signs, its second half, are the rescale's)."""
        with self.c.scope("relu"):
            return [self.c.mul(s, v) for s, v in zip(signs, z, strict=True)]


__all__ = ["CircuitArithmetic"]
