"""Fixed-point numbers: the exact integer arithmetic a circuit can prove.

A circuit computes in the field Fr, so a neural network inside one must use
integers. A real number x is stored as the signed integer v = round(x·2^f): the
*scale* 2^f fixes f fractional bits. Adding two values is adding integers;
multiplying gives a value at scale 2^(2f), brought back by a **rescale**

    a·b = q·2^f + rem,   q = ⌊a·b / 2^f⌋,   0 ≤ rem < 2^f

— floor division, with a remainder that is never negative. A circuit takes q
and rem as witnesses and checks three things (the gadget
:func:`zkpot.plonk.gadgets.rescale`):

1. a·b = q·2^f + rem;
2. 0 ≤ rem < 2^f, a range check on f bits;
3. −2^(B−1) < q < 2^(B−1), exactly :meth:`FixedPoint.check`'s bound: a B-bit
   range check on q + 2^(B−1) and q + 2^(B−1) ≠ 0.

Both range checks are needed. With the remainder's alone, every rem in
[0, 2^f) satisfies the equation with q = (a·b − rem)·2^(−f) mod r (2^f is
invertible mod r), so a proof of a wrong quotient verifies. A B-bit range check
on q itself would reject every negative q, stored as r − |q|. With both, the two
sides are integers far below r/2 in magnitude, so equal mod r means equal, and q
is the floor. A dot product rescales once, at the end, not per term (one pair
of range checks instead of k, and less rounding).

Negative values live in the field as r − |v|. Every value must satisfy
|v| < 2^(B−1) for a declared bound B, chosen so that no intermediate (a product,
or a sum of products) can reach r/2 and wrap around the field; a value beyond
the bound raises :class:`FixedPointOverflow` naming where it happened — a silent
wrap would make the circuit prove something other than the network computed.

>>> fp = FixedPoint(frac_bits=8)
>>> a, b = fp.quantize(1.5), fp.quantize(-2.25)
>>> a, b
(384, -576)
>>> fp.dequantize(fp.mul(a, b))
-3.375
>>> fp.rescale(-577)          # −577 = −3·256 + 191: floor, non-negative remainder
(-3, 191)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from zkpot.errors import ZkpotError
from zkpot.field import bn254

DEFAULT_FRAC_BITS = 16
"""f: 16 fractional bits (a resolution of 2⁻¹⁶ ≈ 1.5·10⁻⁵)."""

DEFAULT_BOUND_BITS = 24
"""B: values satisfy |v| < 2²³ — real numbers below 2²³⁻ᶠ = 128 in magnitude at f = 16.

Small enough that a dot product of up to 2¹⁶ products of bounded values stays below
2⁶² and numpy's int64 computes it exactly (see :meth:`FixedPoint.fits_int64`); a circuit
range-checks each value in 24 bits. Wider formats work too, on Python integers."""

DEFAULT_MAX_TERMS = 1 << 16
"""The longest dot product the bound must leave room for before its single rescale."""


class FixedPointOverflow(ZkpotError, OverflowError):
    """A value left the declared bound |v| < 2^(B−1)."""


@dataclass(frozen=True)
class FixedPoint:
    """A fixed-point format: f fractional bits, values bounded by |v| < 2^(B−1).

    Args:
        frac_bits: f, the scale is 2^f.
        bound_bits: B, the declared bound on every stored value.
        modulus: the field the values are encoded in (BN254's r by default).
        max_terms: the longest dot product to allow for.

    Raises:
        ValueError: if f or B are out of range, or if a dot product of ``max_terms``
            products of bounded values could reach half the modulus (the field would wrap).
    """

    frac_bits: int = DEFAULT_FRAC_BITS
    bound_bits: int = DEFAULT_BOUND_BITS
    modulus: int = bn254.R
    max_terms: int = DEFAULT_MAX_TERMS

    def __post_init__(self) -> None:
        if not 0 <= self.frac_bits < self.bound_bits - 1:
            raise ValueError(f"need 0 ≤ f < B − 1, got f = {self.frac_bits}, B = {self.bound_bits}")
        worst = 2 * (self.bound_bits - 1) + math.ceil(math.log2(max(self.max_terms, 1)))
        if worst >= self.modulus.bit_length() - 1:
            raise ValueError(
                f"B = {self.bound_bits} lets a dot product of {self.max_terms} terms reach "
                f"2^{worst}, beyond half the field: the encoding would wrap"
            )

    @property
    def scale(self) -> int:
        """2^f."""
        return 1 << self.frac_bits

    @property
    def bound(self) -> int:
        """2^(B−1): every value v satisfies |v| < bound."""
        return 1 << (self.bound_bits - 1)

    # -- real numbers in and out ------------------------------------------------

    def quantize(self, x: float) -> int:
        """round(x·2^f), ties toward +∞ (⌊x·2^f + ½⌋), so −0.5 ↦ 0 and 0.5 ↦ 1 at f = 0.

        Raises:
            FixedPointOverflow: if the result is outside the bound.
            ValueError: for NaN or infinity.
        """
        if not math.isfinite(x):
            raise ValueError(f"cannot quantize {x}")
        return self.check(math.floor(x * self.scale + 0.5), "quantize")

    def dequantize(self, v: int) -> float:
        """v / 2^f."""
        return v / self.scale

    # -- arithmetic ---------------------------------------------------------

    def rescale(self, x: int) -> tuple[int, int]:
        """(q, rem) with x = q·2^f + rem, q = ⌊x/2^f⌋ and 0 ≤ rem < 2^f (floor semantics)."""
        q = x >> self.frac_bits  # an arithmetic shift: the floor, for negative x too
        return q, x - (q << self.frac_bits)

    def mul(self, a: int, b: int, where: str = "mul") -> int:
        """⌊a·b / 2^f⌋, checked against the bound."""
        return self.check(self.rescale(a * b)[0], where)

    def dot(self, a: Sequence[int], b: Sequence[int], where: str = "dot") -> int:
        """⌊Σ aᵢ·bᵢ / 2^f⌋: one rescale for the whole sum."""
        if len(a) != len(b):
            raise ValueError(f"{where}: vectors of lengths {len(a)} and {len(b)}")
        if len(a) > self.max_terms:
            raise ValueError(f"{where}: {len(a)} terms exceed max_terms = {self.max_terms}")
        return self.check(self.rescale(sum(x * y for x, y in zip(a, b, strict=True)))[0], where)

    def check(self, v: int, where: str) -> int:
        """v itself if |v| < 2^(B−1).

        Raises:
            FixedPointOverflow: naming ``where`` and the value.
        """
        if not -self.bound < v < self.bound:
            approx, limit = f"{self.dequantize(v):.6g}", self.bound_bits - 1
            raise FixedPointOverflow(f"{where}: value {v} (≈ {approx}) is outside ±2^{limit}")
        return v

    # -- arrays -----------------------------------------------------------------

    @property
    def dtype(self) -> type:
        """How arrays of this format are stored: ``np.int64`` if B ≤ 62, else Python ints
        (``object``). Every stored value is below 2^(B−1) ≤ 2⁶¹ in magnitude, so the sum or
        difference of two of them, plus a rounding constant, still fits int64."""
        return np.int64 if self.bound_bits <= 62 else object

    def fits_int64(self, terms: int) -> bool:
        """Whether a sum of ``terms`` products of bounded values is exact in int64.

        Each factor is below 2^(B−1) in magnitude, so the sum is below
        terms·2^(2B−2); int64 holds every integer of magnitude below 2⁶³. When this
        returns False the arithmetic must run on Python integers, which never overflow.
        """
        return terms << (2 * (self.bound_bits - 1)) <= 1 << 63

    def quantize_array(self, x: np.ndarray, where: str = "quantize") -> np.ndarray:
        """:meth:`quantize` applied to every entry (exact while |x·2^f| < 2⁵²).

        Raises:
            FixedPointOverflow: naming ``where``, the index and the value.
            ValueError: for NaN or infinite entries.
        """
        x = np.asarray(x, dtype=np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{where}: cannot quantize NaN or infinity")
        rounded = np.floor(x * self.scale + 0.5)
        self.check_array(rounded, where)  # on the floats: they are whole numbers already
        if self.dtype is object:
            return np.array([int(v) for v in rounded.flat], dtype=object).reshape(rounded.shape)
        return rounded.astype(np.int64)

    def dequantize_array(self, v: np.ndarray) -> np.ndarray:
        """v / 2^f for every entry, as float64."""
        return np.asarray(v).astype(np.float64) / self.scale

    def rescale_array(
        self, x: np.ndarray, bits: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`rescale` of every entry: (q, rem) with x = q·2^bits + rem, 0 ≤ rem < 2^bits.

        ``bits`` defaults to f; a larger shift divides by a further power of two in the
        same floor (⌊⌊x/2^a⌋/2^b⌋ = ⌊x/2^(a+b)⌋, so one rescale can do both).
        """
        bits = self.frac_bits if bits is None else bits
        q = x >> bits  # arithmetic shift on int64 and on Python ints alike: the floor
        return q, x - (q << bits)

    def check_array(self, v: np.ndarray, where: str) -> int:
        """The largest |entry| of v, if it is below 2^(B−1).

        Raises:
            FixedPointOverflow: naming ``where``, the index and the value of the largest entry.
        """
        if v.size == 0:
            return 0
        magnitudes = np.abs(v)
        index = np.unravel_index(np.argmax(magnitudes), v.shape)
        peak = int(magnitudes[index])
        if peak >= self.bound:
            self.check(int(v[index]), f"{where} {_index(index)}")
        return peak

    # -- the field encoding ---------------------------------------------------

    def to_field(self, v: int) -> int:
        """The field element of v: v itself for v ≥ 0, r − |v| for v < 0."""
        return self.check(v, "to_field") % self.modulus

    def from_field(self, e: int) -> int:
        """The signed value of a field element (the inverse of :meth:`to_field`).

        Raises:
            FixedPointOverflow: if e encodes a value outside the bound.
        """
        if not 0 <= e < self.modulus:
            raise ValueError(f"{e} is not a canonical field element")
        v = e if e <= self.modulus // 2 else e - self.modulus
        return self.check(v, "from_field")


def _index(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"
