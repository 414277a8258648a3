"""Evaluation domains H = {1, ω, ω², …, ωⁿ⁻¹} and polynomials in evaluation form.

PLONK and KZG-with-blobs keep polynomials as their n values on H: adding and
multiplying is then pointwise, and the NTT moves between the two forms. An
:class:`Evaluations` vector knows its domain, and combining vectors of
different domains — or a vector with a coefficient-form
:class:`~zkpot.poly.polynomial.Polynomial` — raises an error, because it is
always a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from zkpot.errors import FieldMismatchError, RootOfUnityError
from zkpot.field import bn254
from zkpot.field.batch import batch_inverse
from zkpot.field.prime import PrimeField
from zkpot.poly.ntt import bit_reverse_permutation, intt, ntt
from zkpot.poly.polynomial import Polynomial, coefficient_ints


class EvaluationDomain:
    """The n-th roots of unity of a scalar field, n a power of two.

    ω = g^((r−1)/n) with g the field's ``MULTIPLICATIVE_GENERATOR`` (5 for BN254's Fr,
    as snarkjs; 7 for BLS12-381's, as EIP-4844). The coset gH uses the same g.

    >>> H = EvaluationDomain(4)
    >>> H.elements() == [1, H.omega, H.omega ** 2, H.omega ** 3]
    True
    """

    def __init__(self, n: int, field: type[PrimeField] = bn254.Fr) -> None:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1 or n & (n - 1):
            raise RootOfUnityError(f"a domain's size must be a power of two, got {n!r}")
        self.field, self.size, self.modulus = field, n, field.MODULUS
        self.omega = field.root_of_unity(n)  # raises beyond the 2-adicity
        self.coset_shift = field(field.MULTIPLICATIVE_GENERATOR)  # g: gH ∩ H = ∅
        p, w = self.modulus, int(self.omega)
        roots = [1] * n
        for i in range(1, n):
            roots[i] = roots[i - 1] * w % p
        self._roots = roots

    def __repr__(self) -> str:
        return f"EvaluationDomain({self.size}, {self.field.__name__})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EvaluationDomain):
            return NotImplemented
        return self.size == other.size and self.field is other.field

    def __hash__(self) -> int:
        return hash((self.size, self.field))

    def elements(self) -> list[PrimeField]:
        """ω⁰, ω¹, …, ωⁿ⁻¹ as field elements."""
        return [self.field(x) for x in self._roots]

    def roots(self) -> list[int]:
        """ω⁰ … ωⁿ⁻¹ as ints (a copy)."""
        return list(self._roots)

    # -- transforms ---------------------------------------------------------

    def ntt(self, coefficients: Sequence[int | PrimeField]) -> list[int]:
        """The values a(ωⁱ) of the polynomial with these ≤ n coefficients (zero-padded)."""
        return ntt(self._padded(coefficients), int(self.omega), self.modulus)

    def intt(self, evaluations: Sequence[int | PrimeField]) -> list[int]:
        """The n coefficients of the polynomial with these n values on the domain."""
        if len(evaluations) != self.size:
            raise ValueError(f"intt needs {self.size} values, got {len(evaluations)}")
        return intt(coefficient_ints(evaluations, self.field), int(self.omega), self.modulus)

    def coset_ntt(self, coefficients: Sequence[int | PrimeField]) -> list[int]:
        """The values a(g·ωⁱ) on the coset gH: scale aⱼ by gʲ, then an NTT."""
        p, g = self.modulus, int(self.coset_shift)
        scaled, power = [], 1
        for c in self._padded(coefficients):
            scaled.append(c * power % p)
            power = power * g % p
        return ntt(scaled, int(self.omega), p)

    def coset_intt(self, evaluations: Sequence[int | PrimeField]) -> list[int]:
        """Coefficients from values on the coset gH: an inverse NTT, then aⱼ·g⁻ʲ."""
        p, g_inv = self.modulus, pow(int(self.coset_shift), -1, self.modulus)
        coefficients, power, out = self.intt(evaluations), 1, []
        for c in coefficients:
            out.append(c * power % p)
            power = power * g_inv % p
        return out

    def _padded(self, coefficients: Sequence[int | PrimeField]) -> list[int]:
        ints = coefficient_ints(coefficients, self.field)
        if len(ints) > self.size:
            raise ValueError(f"{len(ints)} coefficients do not fit a domain of size {self.size}")
        return ints + [0] * (self.size - len(ints))

    # -- the vanishing polynomial and the Lagrange basis --------------------

    def vanishing_polynomial(self) -> Polynomial:
        """Z_H(X) = Xⁿ − 1, which is zero exactly on H."""
        return Polynomial([-1] + [0] * (self.size - 1) + [1], self.field)

    def evaluate_vanishing(self, z: int | PrimeField) -> PrimeField:
        """Z_H(z) = zⁿ − 1."""
        return self.field(self._scalar(z)) ** self.size - 1

    def _scalar(self, z: object) -> int:
        """z as a canonical int: an int or an element of this domain's field."""
        return coefficient_ints([z], self.field)[0]

    def lagrange_basis(self, z: int | PrimeField) -> list[PrimeField]:
        """[L₀(z), …, Lₙ₋₁(z)], with Lᵢ = 1 at ωⁱ and 0 elsewhere on H.

        Lᵢ(z) = ωⁱ·(zⁿ − 1) / (n·(z − ωⁱ)) for z ∉ H (one batch inversion for all i).
        """
        p, zi = self.modulus, self._scalar(z)
        if zi in self._index:
            return [self.field(int(i == self._index[zi])) for i in range(self.size)]
        numerator = (pow(zi, self.size, p) - 1) * pow(self.size, -1, p) % p
        inverses = batch_inverse([(zi - w) % p for w in self._roots], p)
        return [
            self.field(numerator * w % p * d % p)
            for w, d in zip(self._roots, inverses, strict=True)
        ]

    def lagrange(self, i: int, z: int | PrimeField) -> PrimeField:
        """Lᵢ(z) alone, for 0 ≤ i < n."""
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < self.size:
            raise IndexError(f"Lagrange index {i!r} is not in [0, {self.size})")
        p, zi, w = self.modulus, self._scalar(z), self._roots[i]
        if zi == w:
            return self.field(1)
        if zi in self._index:
            return self.field(0)
        return self.field((pow(zi, self.size, p) - 1) * w * pow(self.size * (zi - w), -1, p))

    @property
    def _index(self) -> dict[int, int]:
        """ωⁱ ↦ i, built on first use."""
        index = self.__dict__.get("_index_cache")
        if index is None:
            index = self.__dict__["_index_cache"] = {w: i for i, w in enumerate(self._roots)}
        return index

    def barycentric_evaluate(
        self, values: Sequence[int | PrimeField], z: int | PrimeField
    ) -> PrimeField:
        """The polynomial with these values on H, evaluated at z, without interpolating:

        f(z) = (zⁿ − 1)/n · Σᵢ fᵢ·ωⁱ/(z − ωⁱ)   (the barycentric formula), or fᵢ if z = ωⁱ.
        """
        ints = coefficient_ints(values, self.field)
        if len(ints) != self.size:
            raise ValueError(f"barycentric_evaluate needs {self.size} values, got {len(ints)}")
        return self.field(
            sum(f * L.value for f, L in zip(ints, self.lagrange_basis(z), strict=True))
        )

    def bit_reverse(self, values: Sequence[Any]) -> list[Any]:
        """The bit-reversal permutation of a length-n list (EIP-4844 stores blobs this way)."""
        if len(values) != self.size:
            raise ValueError(f"bit_reverse needs {self.size} values, got {len(values)}")
        return bit_reverse_permutation(list(values))


class Evaluations:
    """A polynomial in evaluation form: its values on a domain, lowest root first."""

    __slots__ = ("domain", "values")

    def __init__(self, values: Sequence[int | PrimeField], domain: EvaluationDomain) -> None:
        ints = coefficient_ints(values, domain.field)
        if len(ints) != domain.size:
            raise ValueError(f"{domain!r} needs {domain.size} values, got {len(ints)}")
        self.values, self.domain = ints, domain

    @classmethod
    def from_polynomial(cls, poly: Polynomial, domain: EvaluationDomain) -> Self:
        """The values of a polynomial of degree < n on the domain (an NTT)."""
        if poly.field is not domain.field:
            raise FieldMismatchError(f"{poly.field.__name__} polynomial on a {domain!r}")
        return cls(domain.ntt(poly.coeffs), domain)

    def interpolate(self) -> Polynomial:
        """The unique polynomial of degree < n with these values (an inverse NTT)."""
        return Polynomial(self.domain.intt(self.values), self.domain.field)

    def evaluate(self, z: int | PrimeField) -> PrimeField:
        """The value at any z, by the barycentric formula."""
        return self.domain.barycentric_evaluate(self.values, z)

    def _other(self, other: object) -> list[int] | None:
        if isinstance(other, Evaluations):
            if other.domain.field is not self.domain.field:
                ours, theirs = self.domain.field.__name__, other.domain.field.__name__
                raise FieldMismatchError(f"cannot combine evaluations over {ours} and {theirs}")
            if other.domain != self.domain:
                raise ValueError(
                    f"cannot combine evaluations on {self.domain!r} and {other.domain!r}"
                )
            return other.values
        if isinstance(other, Polynomial):
            raise TypeError("cannot combine evaluation form with coefficient form: convert one")
        return None

    def __add__(self, other: object) -> Evaluations:
        b = self._other(other)
        if b is None:
            return NotImplemented
        p = self.domain.modulus
        return Evaluations([(x + y) % p for x, y in zip(self.values, b, strict=True)], self.domain)

    def __sub__(self, other: object) -> Evaluations:
        b = self._other(other)
        if b is None:
            return NotImplemented
        p = self.domain.modulus
        return Evaluations([(x - y) % p for x, y in zip(self.values, b, strict=True)], self.domain)

    def __mul__(self, other: object) -> Evaluations:
        """Pointwise product (the product polynomial, if its degree stays below n), or a scalar."""
        p = self.domain.modulus
        if isinstance(other, int | PrimeField) and not isinstance(other, bool):
            k = coefficient_ints([other], self.domain.field)[0]
            return Evaluations([x * k % p for x in self.values], self.domain)
        b = self._other(other)
        if b is None:
            return NotImplemented
        return Evaluations([x * y % p for x, y in zip(self.values, b, strict=True)], self.domain)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluations):
            return NotImplemented
        return self.domain == other.domain and self.values == other.values

    __hash__ = None  # type: ignore[assignment]  (mutable-looking container of values)

    def __repr__(self) -> str:
        return (
            f"Evaluations({self.values[:4]}{'…' if self.domain.size > 4 else ''}, {self.domain!r})"
        )


# Module-level forms of the transforms, for worker processes: a task handed to
# zkpot.curve.parallel.PointTable.map travels by name and plain arguments.


def coset_values(
    size: int, coefficients: Sequence[int | PrimeField], field: type[PrimeField] = bn254.Fr
) -> list[int]:
    """``EvaluationDomain(size, field).coset_ntt(coefficients)``."""
    return EvaluationDomain(size, field).coset_ntt(coefficients)


def interpolate(
    size: int, values: Sequence[int | PrimeField], field: type[PrimeField] = bn254.Fr
) -> list[int]:
    """``EvaluationDomain(size, field).intt(values)``."""
    return EvaluationDomain(size, field).intt(values)
