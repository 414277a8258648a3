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
from zkpot.plonk.circuit import Circuit, Operand, Variable
from zkpot.plonk.gadgets import is_equal


@dataclass
class CircuitArithmetic:
    """:class:`~zkpot.ml.model.FixedArithmetic`'s operations as gadgets of one circuit.

    Attributes:
        c: the circuit the gadgets write into.
        fmt: the fixed-point format (f fractional bits, the bound B).
        table_bits: the range tables' width for the rescales (8: 256-row tables).
    """

    c: Circuit
    fmt: FixedPoint
    table_bits: int = 8

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
