"""The three levels of the 2-3-2 tower: Fq2, Fq6 and Fq12, generic in p and ξ.

Each class turns the plain-int kernels of :mod:`zkpot.field.towerops` into the
hooks :class:`~zkpot.field.extension.ExtensionField` calls, and checks its
definition when a curve subclasses it: u² + 1 irreducible (p ≡ 3 mod 4), ξ
neither a square nor a cube in Fq2 (so v³ − ξ and w² − v are irreducible), and
the Frobenius constants derived from p and ξ.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from zkpot.errors import NotASquareError
from zkpot.field import towerops as T
from zkpot.field.extension import ExtensionField, Raw
from zkpot.field.prime import PrimeField


class QuadraticExtension(ExtensionField):
    """Fq2 = Fq[u] / (u² + 1), for p ≡ 3 (mod 4) so that −1 is not a square."""

    __slots__ = ()
    ARITY = 2

    @classmethod
    def _setup(cls) -> None:
        if cls.MODULUS % 4 != 3:
            raise ValueError(f"{cls.__name__}: u² + 1 is irreducible only when p ≡ 3 (mod 4)")

    @property
    def c0(self) -> PrimeField:
        """The real part a0 of a0 + a1·u."""
        return self.BASE._new(self._c[0])  # type: ignore[no-any-return]

    @property
    def c1(self) -> PrimeField:
        """The imaginary part a1 of a0 + a1·u."""
        return self.BASE._new(self._c[1])  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._c[0]}, {self._c[1]})"

    def conjugate(self) -> Self:
        """a0 − a1·u, equal to the Frobenius map x ↦ x^p."""
        return self._new(T.fq2_frobenius(self._c, 1, self.MODULUS))

    def sqrt(self) -> Self:
        """A square root, by the 'complex' method for p ≡ 3 (mod 4).

        With α = √(a0² + a1²) ∈ Fq (the norm is a square when x is), pick
        δ = (a0 ± α)/2 so that δ is a square in Fq; then x0 = √δ, x1 = a1/(2·x0)
        and (x0 + x1·u)² = a0 + a1·u.

        Raises:
            NotASquareError: if x is not a square.
        """
        fq = self.BASE
        a0, a1 = fq._new(self._c[0]), fq._new(self._c[1])
        if not a1:
            # a0 ∈ Fq: either a0 or −a0 is a square in Fq, since −1 is not one
            if a0.is_square():
                return type(self)(a0.sqrt(), 0)
            return type(self)(0, (-a0).sqrt())
        norm = a0 * a0 + a1 * a1
        if not norm.is_square():
            raise NotASquareError(f"{self!r} is not a square in {type(self).__name__}")
        alpha = norm.sqrt()
        delta = (a0 + alpha) / 2
        if not delta.is_square():
            delta = (a0 - alpha) / 2
        x0 = delta.sqrt()
        return type(self)(x0, a1 / (2 * x0))

    @classmethod
    def _embed(cls, base_raw: Raw) -> Raw:
        return (base_raw, 0)

    @classmethod
    def _flatten(cls, a: Raw) -> list[int]:
        return list(a)

    @classmethod
    def _unflatten(cls, ints: list[int]) -> Raw:
        return (ints[0], ints[1])

    _raw_add = staticmethod(T.fq2_add)  # type: ignore[assignment]
    _raw_neg = staticmethod(T.fq2_neg)  # type: ignore[assignment]

    @classmethod
    def _raw_reduce(cls, a: Raw) -> Raw:
        return T.fq2_reduce(a, cls.MODULUS)

    @classmethod
    def _raw_mul(cls, a: Raw, b: Raw) -> Raw:
        return T.fq2_reduce(T.fq2_mul(a, b), cls.MODULUS)

    @classmethod
    def _raw_sqr(cls, a: Raw) -> Raw:
        return T.fq2_reduce(T.fq2_sqr(a), cls.MODULUS)

    @classmethod
    def _raw_inv(cls, a: Raw) -> Raw:
        return T.fq2_inv(a, cls.MODULUS)

    @classmethod
    def _raw_frobenius(cls, a: Raw, k: int) -> Raw:
        return T.fq2_frobenius(a, k, cls.MODULUS)


class CubicExtension(ExtensionField):
    """Fq6 = Fq2[v] / (v³ − ξ); subclasses set ``XI = (ξ₀, ξ₁)`` for ξ = ξ₀ + ξ₁·u.

    ξ must be neither a square nor a cube in Fq2: then v³ − ξ is irreducible over
    Fq2 and w² − v is irreducible over Fq6 (w⁶ = ξ), so the whole tower is a field.
    """

    __slots__ = ()
    ARITY = 3
    XI: ClassVar[tuple[int, int]]
    FROBENIUS: ClassVar[list[list[tuple[int, int]]]]  # γ[k][e] = ξ^(e(pᵏ−1)/6)

    @classmethod
    def _setup(cls) -> None:
        p, xi = cls.MODULUS, cls.XI
        q = p * p
        if T.fq2_pow(xi, (q - 1) // 2, p) == (1, 0):
            raise ValueError(f"{cls.__name__}: ξ = {xi} is a square in Fq2")
        if T.fq2_pow(xi, (q - 1) // 3, p) == (1, 0):
            raise ValueError(f"{cls.__name__}: ξ = {xi} is a cube in Fq2")
        cls.FROBENIUS = T.frobenius_coefficients(xi, p)

    @property
    def c0(self) -> Any:
        return self.BASE._new(self._c[0])

    @property
    def c1(self) -> Any:
        return self.BASE._new(self._c[1])

    @property
    def c2(self) -> Any:
        return self.BASE._new(self._c[2])

    @classmethod
    def _embed(cls, base_raw: Raw) -> Raw:
        return (base_raw, (0, 0), (0, 0))

    @classmethod
    def _flatten(cls, a: Raw) -> list[int]:
        return [x for pair in a for x in pair]

    @classmethod
    def _unflatten(cls, ints: list[int]) -> Raw:
        return ((ints[0], ints[1]), (ints[2], ints[3]), (ints[4], ints[5]))

    _raw_add = staticmethod(T.fq6_add)  # type: ignore[assignment]
    _raw_neg = staticmethod(T.fq6_neg)  # type: ignore[assignment]

    @classmethod
    def _raw_reduce(cls, a: Raw) -> Raw:
        return T.fq6_reduce(a, cls.MODULUS)

    @classmethod
    def _raw_mul(cls, a: Raw, b: Raw) -> Raw:
        return T.fq6_reduce(T.fq6_mul(a, b, cls.XI), cls.MODULUS)

    @classmethod
    def _raw_sqr(cls, a: Raw) -> Raw:
        return T.fq6_reduce(T.fq6_sqr(a, cls.XI), cls.MODULUS)

    @classmethod
    def _raw_inv(cls, a: Raw) -> Raw:
        return T.fq6_inv(a, cls.XI, cls.MODULUS)

    @classmethod
    def _raw_frobenius(cls, a: Raw, k: int) -> Raw:
        return T.fq6_frobenius(a, k, cls.FROBENIUS, cls.MODULUS)


class DodecicExtension(ExtensionField):
    """Fq12 = Fq6[w] / (w² − v); ξ and the Frobenius constants come from ``BASE``."""

    __slots__ = ()
    ARITY = 2
    XI: ClassVar[tuple[int, int]]
    FROBENIUS: ClassVar[list[list[tuple[int, int]]]]

    @classmethod
    def _setup(cls) -> None:
        cls.XI = cls.BASE.XI
        cls.FROBENIUS = cls.BASE.FROBENIUS

    @property
    def c0(self) -> Any:
        return self.BASE._new(self._c[0])

    @property
    def c1(self) -> Any:
        return self.BASE._new(self._c[1])

    def conjugate(self) -> Self:
        """a0 − a1·w, equal to x ↦ x^(p⁶); on the cyclotomic subgroup it is the inverse."""
        return self._new(T.fq12_reduce(T.fq12_conj(self._c), self.MODULUS))

    @classmethod
    def _embed(cls, base_raw: Raw) -> Raw:
        return (base_raw, ((0, 0), (0, 0), (0, 0)))

    @classmethod
    def _flatten(cls, a: Raw) -> list[int]:
        return [x for half in a for pair in half for x in pair]

    @classmethod
    def _unflatten(cls, ints: list[int]) -> Raw:
        return (CubicExtension._unflatten(ints[:6]), CubicExtension._unflatten(ints[6:]))

    _raw_add = staticmethod(T.fq12_add)  # type: ignore[assignment]
    _raw_neg = staticmethod(T.fq12_neg)  # type: ignore[assignment]

    @classmethod
    def _raw_reduce(cls, a: Raw) -> Raw:
        return T.fq12_reduce(a, cls.MODULUS)

    @classmethod
    def _raw_mul(cls, a: Raw, b: Raw) -> Raw:
        return T.fq12_mul(a, b, cls.XI, cls.MODULUS)

    @classmethod
    def _raw_sqr(cls, a: Raw) -> Raw:
        return T.fq12_reduce(T.fq12_sqr(a, cls.XI), cls.MODULUS)

    @classmethod
    def _raw_inv(cls, a: Raw) -> Raw:
        return T.fq12_inv(a, cls.XI, cls.MODULUS)

    @classmethod
    def _raw_frobenius(cls, a: Raw, k: int) -> Raw:
        return T.fq12_frobenius(a, k, cls.FROBENIUS, cls.MODULUS)
