"""Dense polynomials over a prime field, in coefficient form.

A :class:`Polynomial` holds its coefficients lowest first as canonical ints
(trailing zeros removed, so the zero polynomial has none and degree −1), and the
field they live in (BN254's Fr unless told otherwise)::

    >>> p = Polynomial([5, 1, 0, 1])           # X³ + X + 5
    >>> p(3)
    Fr(35)
    >>> q, rem = p.divide_by_linear(3)        # p(X) = q(X)·(X − 3) + p(3)
    >>> rem == p(3) and q * Polynomial([-3, 1]) + rem == p
    True

Products of large polynomials go through the NTT (above ``NTT_THRESHOLD``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zkpot.errors import FieldMismatchError, NotInvertibleError
from zkpot.field import bn254
from zkpot.field.prime import PrimeField
from zkpot.poly.ntt import intt, ntt

NTT_THRESHOLD = 64
"""Multiply by NTT when both factors have at least this many coefficients."""


def coefficient_ints(values: Sequence[Any], field: type[PrimeField]) -> list[int]:
    """Canonical ints from ints or elements of ``field`` (elements of other fields are errors)."""
    p, out = field.MODULUS, []
    for v in values:
        if type(v) is field:
            out.append(v.value)
        elif isinstance(v, int) and not isinstance(v, bool):
            out.append(v % p)
        elif isinstance(v, PrimeField):
            raise FieldMismatchError(
                f"a {type(v).__name__} value where {field.__name__} was expected"
            )
        else:
            raise TypeError(f"expected ints or {field.__name__} elements, got {type(v).__name__}")
    return out


class Polynomial:
    """a(X) = Σ aᵢ·Xⁱ over ``field``; immutable."""

    __slots__ = ("_coeffs", "field")

    def __init__(
        self, coeffs: Sequence[int | PrimeField], field: type[PrimeField] = bn254.Fr
    ) -> None:
        ints = coefficient_ints(coeffs, field)
        while ints and ints[-1] == 0:
            ints.pop()
        self._coeffs: tuple[int, ...] = tuple(ints)
        self.field = field

    @classmethod
    def zero(cls, field: type[PrimeField] = bn254.Fr) -> Polynomial:
        return cls([], field)

    @classmethod
    def from_roots(
        cls, roots: Sequence[int | PrimeField], field: type[PrimeField] = bn254.Fr
    ) -> Polynomial:
        """Π (X − rᵢ)."""
        result = cls([1], field)
        for r in coefficient_ints(roots, field):
            result = result * cls([-r, 1], field)
        return result

    @classmethod
    def interpolate(
        cls,
        xs: Sequence[int | PrimeField],
        ys: Sequence[int | PrimeField],
        field: type[PrimeField] = bn254.Fr,
    ) -> Polynomial:
        """The polynomial of degree < n through n points (Lagrange's formula, O(n²)).

        Raises:
            ValueError: if the lengths differ or two xᵢ coincide.
        """
        xi, yi = coefficient_ints(xs, field), coefficient_ints(ys, field)
        if len(xi) != len(yi):
            raise ValueError(f"interpolate got {len(xi)} xs and {len(yi)} ys")
        if len(set(xi)) != len(xi):
            raise ValueError("interpolate needs distinct xs")
        p = field.MODULUS
        vanishing = cls.from_roots(xi, field)  # Π (X − xⱼ)
        result = cls.zero(field)
        for x, y in zip(xi, yi, strict=True):
            basis, _ = vanishing.divide_by_linear(x)  # Π_{j≠i} (X − xⱼ)
            scale = y * pow(basis.evaluate_int(x), -1, p) % p
            result = result + basis * scale
        return result

    # -- views -------------------------------------------------------------

    @property
    def coeffs(self) -> list[int]:
        """The coefficients, lowest first, as canonical ints; a fresh list each time."""
        return list(self._coeffs)

    @property
    def degree(self) -> int:
        """The degree; −1 for the zero polynomial."""
        return len(self._coeffs) - 1

    def is_zero(self) -> bool:
        return not self._coeffs

    def __repr__(self) -> str:
        return f"Polynomial({list(self._coeffs)}, {self.field.__name__})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Polynomial):
            return self.field is other.field and self._coeffs == other._coeffs
        if isinstance(other, int | PrimeField) and not isinstance(other, bool):
            if isinstance(other, PrimeField) and type(other) is not self.field:
                return False  # an element of another field, as Fr(1) == Fq(1) is False
            return self._coeffs == Polynomial([other], self.field)._coeffs
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def evaluate_int(self, x: int) -> int:
        """a(x) as an int, by Horner's rule: (((aₙ·x + aₙ₋₁)·x + …)·x + a₀."""
        p, acc = self.field.MODULUS, 0
        for c in reversed(self._coeffs):
            acc = (acc * x + c) % p
        return acc

    def __call__(self, x: int | PrimeField) -> PrimeField:
        """a(x) as a field element."""
        return self.field(self.evaluate_int(coefficient_ints([x], self.field)[0]))

    evaluate = __call__

    # -- arithmetic --------------------------------------------------------

    def _other(self, other: object) -> Polynomial | None:
        if isinstance(other, Polynomial):
            if other.field is not self.field:
                ours, theirs = self.field.__name__, other.field.__name__
                raise FieldMismatchError(f"cannot combine polynomials over {ours} and {theirs}")
            return other
        if isinstance(other, int | PrimeField) and not isinstance(other, bool):
            return Polynomial([other], self.field)
        return None

    def __add__(self, other: object) -> Polynomial:
        b = self._other(other)
        if b is None:
            return NotImplemented
        a, c = list(self._coeffs), list(b._coeffs)
        if len(a) < len(c):
            a, c = c, a
        return Polynomial(
            [x + y for x, y in zip(a, c + [0] * (len(a) - len(c)), strict=True)], self.field
        )

    __radd__ = __add__

    def __neg__(self) -> Polynomial:
        return Polynomial([-c for c in self._coeffs], self.field)

    def __sub__(self, other: object) -> Polynomial:
        b = self._other(other)
        if b is None:
            return NotImplemented
        return self + (-b)

    def __rsub__(self, other: object) -> Polynomial:
        b = self._other(other)
        if b is None:
            return NotImplemented
        return b - self

    def __mul__(self, other: object) -> Polynomial:
        b = self._other(other)
        if b is None:
            return NotImplemented
        a, c, p = list(self._coeffs), list(b._coeffs), self.field.MODULUS
        if not a or not c:
            return Polynomial([], self.field)
        if len(c) == 1:
            return Polynomial([x * c[0] for x in a], self.field)
        if min(len(a), len(c)) >= NTT_THRESHOLD:
            return Polynomial(_ntt_product(a, c, self.field), self.field)
        out = [0] * (len(a) + len(c) - 1)  # schoolbook
        for i, x in enumerate(a):
            if x:
                for j, y in enumerate(c):
                    out[i + j] += x * y
        return Polynomial([v % p for v in out], self.field)

    __rmul__ = __mul__

    def divide_by_linear(self, z: int | PrimeField) -> tuple[Polynomial, PrimeField]:
        """(q, a(z)) with a(X) = q(X)·(X − z) + a(z): synthetic division, O(n).

        The quotient's coefficients are Horner's partial sums: qᵢ₋₁ = aᵢ + z·qᵢ.
        """
        zi, p = coefficient_ints([z], self.field)[0], self.field.MODULUS
        if not self._coeffs:
            return Polynomial([], self.field), self.field(0)
        quotient = [0] * (len(self._coeffs) - 1)
        acc = 0
        for i in range(len(self._coeffs) - 1, 0, -1):
            acc = (acc * zi + self._coeffs[i]) % p
            quotient[i - 1] = acc
        remainder = (acc * zi + self._coeffs[0]) % p
        return Polynomial(quotient, self.field), self.field(remainder)

    def __divmod__(self, other: object) -> tuple[Polynomial, Polynomial]:
        """Long division: (q, r) with self = q·other + r and deg r < deg other."""
        b = self._other(other)
        if b is None:
            return NotImplemented
        if b.is_zero():
            raise NotInvertibleError("polynomial division by zero")
        p = self.field.MODULUS
        rem, d = list(self._coeffs), b._coeffs
        lead_inv = pow(d[-1], -1, p)
        quotient = [0] * max(0, len(rem) - len(d) + 1)
        for i in range(len(rem) - len(d), -1, -1):
            factor = rem[i + len(d) - 1] * lead_inv % p
            quotient[i] = factor
            if factor:
                for j, c in enumerate(d):
                    rem[i + j] = (rem[i + j] - factor * c) % p
        return Polynomial(quotient, self.field), Polynomial(rem[: len(d) - 1], self.field)

    def __floordiv__(self, other: object) -> Polynomial:
        return divmod(self, other)[0]

    def __mod__(self, other: object) -> Polynomial:
        return divmod(self, other)[1]


def _ntt_product(a: list[int], b: list[int], field: type[PrimeField]) -> list[int]:
    """a·b through the NTT: evaluate both on a domain of size ≥ deg + 1, multiply, interpolate."""
    p, size = field.MODULUS, 1
    while size < len(a) + len(b) - 1:
        size *= 2
    omega = int(field.root_of_unity(size))
    fa = ntt(a + [0] * (size - len(a)), omega, p)
    fb = ntt(b + [0] * (size - len(b)), omega, p)
    return intt([x * y % p for x, y in zip(fa, fb, strict=True)], omega, p)
