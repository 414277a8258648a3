"""What every extension field of the 2-3-2 tower shares: :class:`ExtensionField`.

The three levels, :class:`~zkpot.field.tower.QuadraticExtension` (Fq2),
:class:`~zkpot.field.tower.CubicExtension` (Fq6) and
:class:`~zkpot.field.tower.DodecicExtension` (Fq12), live in
:mod:`zkpot.field.tower` and supply the multiplication formulas; this module
supplies the rest. A curve module defines its tower in a few lines, e.g. for BN254::

    class Fq2(QuadraticExtension):   # Fq[u] / (u² + 1)
        BASE = Fq
    class Fq6(CubicExtension):       # Fq2[v] / (v³ − ξ), ξ = 9 + u
        BASE = Fq2
        XI = (9, 1)
    class Fq12(DodecicExtension):    # Fq6[w] / (w² − v)
        BASE = Fq6

Elements are immutable; their coefficients are kept as nested tuples of
canonical ints (see :mod:`zkpot.field.towerops`, whose kernels do the
arithmetic). Each class checks its own definition when it is created: u² + 1
irreducible (p ≡ 3 mod 4), ξ neither a square nor a cube in Fq2, and it
derives the Frobenius constants from p and ξ.

An element combines with ints, with elements of its own field and with
elements of the subfields below it in the same tower (``Fq12 * Fq2`` embeds
the Fq2 element). Anything else raises :class:`~zkpot.errors.FieldMismatchError`.
"""

from __future__ import annotations

import random as _random
from typing import Any, ClassVar, Self

from zkpot.errors import (
    FieldMismatchError,
    NonCanonicalError,
    NotASquareError,
    NotInvertibleError,
)
from zkpot.field.prime import ByteOrder, PrimeField, _decode_int, random_below, two_adic_split

Raw = Any  # a nested tuple of ints: Fq2T, Fq6T or Fq12T


class ExtensionField:
    """Common behaviour of Fq2, Fq6 and Fq12: everything but the multiplication formulas.

    Class attributes: ``BASE`` (the field one level down), ``PRIME_FIELD`` (Fq),
    ``MODULUS`` (the characteristic p), ``DEGREE`` (over Fq), ``ORDER`` (p^DEGREE),
    ``BYTE_LENGTH`` (DEGREE · Fq.BYTE_LENGTH).
    """

    __slots__ = ("_c",)

    BASE: ClassVar[Any]
    ARITY: ClassVar[int]  # coefficients over BASE
    PRIME_FIELD: ClassVar[type[PrimeField]]
    MODULUS: ClassVar[int]
    DEGREE: ClassVar[int]
    ORDER: ClassVar[int]
    BYTE_LENGTH: ClassVar[int]
    _SUBFIELDS: ClassVar[tuple[type, ...]]  # the fields below, BASE first
    _sqrt_params: ClassVar[tuple[int, int, Raw] | None] = None

    _c: Raw

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "BASE" not in cls.__dict__:
            return
        base = cls.BASE
        if isinstance(base, type) and issubclass(base, PrimeField):
            cls.PRIME_FIELD, cls._SUBFIELDS, base_degree = base, (base,), 1
        else:
            cls.PRIME_FIELD, cls._SUBFIELDS = base.PRIME_FIELD, (base, *base._SUBFIELDS)
            base_degree = base.DEGREE
        cls.MODULUS = cls.PRIME_FIELD.MODULUS
        cls.DEGREE = base_degree * cls.ARITY
        cls.ORDER = cls.MODULUS**cls.DEGREE
        cls.BYTE_LENGTH = cls.DEGREE * cls.PRIME_FIELD.BYTE_LENGTH
        cls._setup()

    @classmethod
    def _setup(cls) -> None:
        """Per-level checks and constants, run when a concrete subclass is created."""

    # -- hooks each level implements (on raw tuples) -------------------------

    @classmethod
    def _embed(cls, base_raw: Raw) -> Raw:
        """The raw form of a BASE element seen as an element of this field."""
        raise NotImplementedError

    @classmethod
    def _flatten(cls, a: Raw) -> list[int]:
        raise NotImplementedError

    @classmethod
    def _unflatten(cls, ints: list[int]) -> Raw:
        raise NotImplementedError

    @classmethod
    def _raw_add(cls, a: Raw, b: Raw) -> Raw:
        raise NotImplementedError

    @classmethod
    def _raw_neg(cls, a: Raw) -> Raw:
        raise NotImplementedError

    @classmethod
    def _raw_mul(cls, a: Raw, b: Raw) -> Raw:
        raise NotImplementedError

    @classmethod
    def _raw_sqr(cls, a: Raw) -> Raw:
        raise NotImplementedError

    @classmethod
    def _raw_inv(cls, a: Raw) -> Raw:
        raise NotImplementedError

    @classmethod
    def _raw_reduce(cls, a: Raw) -> Raw:
        raise NotImplementedError

    @classmethod
    def _raw_frobenius(cls, a: Raw, k: int) -> Raw:
        raise NotImplementedError

    # -- construction ------------------------------------------------------

    def __init__(self, *coeffs: Any) -> None:
        if len(coeffs) > self.ARITY:
            name = type(self).__name__
            raise TypeError(f"{name}() takes at most {self.ARITY} coefficients, got {len(coeffs)}")
        base = self.BASE
        raws = [_coerce_into(base, c) for c in coeffs]
        zero = _raw_zero(base)
        self._c = tuple(raws + [zero] * (self.ARITY - len(raws)))

    @classmethod
    def _new(cls, raw: Raw) -> Self:
        """Wrap a raw tuple already reduced into canonical ints (no checks)."""
        element = object.__new__(cls)
        element._c = raw
        return element

    @classmethod
    def zero(cls) -> Self:
        """The additive identity."""
        return cls._new(cls._from_int(0))

    @classmethod
    def one(cls) -> Self:
        """The multiplicative identity."""
        return cls._new(cls._from_int(1))

    @classmethod
    def random(cls, rng: Any = None) -> Self:
        """A uniformly random element (``rng`` as in :meth:`PrimeField.random`)."""
        p = cls.MODULUS
        return cls._new(cls._unflatten([random_below(p, rng) for _ in range(cls.DEGREE)]))

    @classmethod
    def from_flat(cls, ints: list[int]) -> Self:
        """The element with these DEGREE coefficients over Fq, in :meth:`flat` order.

        >>> from zkpot.field.bn254 import Fq2
        >>> Fq2.from_flat([3, -1]) == Fq2(3, -1)
        True
        """
        if len(ints) != cls.DEGREE:
            raise ValueError(f"{cls.__name__}.from_flat needs {cls.DEGREE} ints, got {len(ints)}")
        return cls._new(cls._unflatten([_coerce_into(cls.PRIME_FIELD, c) for c in ints]))

    @classmethod
    def _from_int(cls, n: int) -> Raw:
        return _coerce_into(cls, n)

    def _coerce(self, other: object) -> Raw | None:
        """The raw form of ``other`` in this field, or None if the other operand should try."""
        cls = type(self)
        if type(other) is cls:
            return other._c  # type: ignore[attr-defined]
        if isinstance(other, ExtensionField) and cls in type(other)._SUBFIELDS:
            return None  # other is the bigger field: let its reflected operator embed us
        if not isinstance(other, int | PrimeField | ExtensionField):
            return None  # not a number we know: Python then raises TypeError (or == is False)
        return _coerce_into(cls, other)

    # -- views -------------------------------------------------------------

    @property
    def coeffs(self) -> tuple[Any, ...]:
        """The coefficients over ``BASE``, as elements of ``BASE``."""
        return tuple(self.BASE._new(c) for c in self._c)

    def flat(self) -> list[int]:
        """All DEGREE coefficients over Fq as ints, in tower order (lowest first)."""
        return self._flatten(self._c)

    def polynomial_coefficients(self) -> list[int]:
        """This element in the flat basis 1, x, …, x^(d−1) of Fq[x]/(f(x)), lowest first.

        The tower is one field of degree d = DEGREE over Fq. With ξ = ξ₀ + ξ₁·u, its top
        generator x (u for Fq2, v for Fq6, w for Fq12) satisfies u = (x^(d/2) − ξ₀)/ξ₁
        (x = u for Fq2), so f(x) = (x^(d/2) − ξ₀)² + ξ₁². This is the representation of
        py_ecc's FQ2 and FQ12 (f = w¹² − 18w⁶ + 82 for BN254), and of sympy's
        polynomials modulo f, which the tests use as oracles.
        """
        flat, p = self.flat(), self.MODULUS
        if self.DEGREE == 2:
            return flat
        xi0, xi1 = self.XI  # type: ignore[attr-defined]
        inv_xi1 = pow(xi1, -1, p)
        half = self.DEGREE // 2
        # the Fq2 coefficient of x^e: Fq6 keeps v^i at flat[2i:2i+2]; Fq12 keeps a0's v^i
        # (= w^2i) at flat[2i:2i+2] and a1's v^i·w (= w^(2i+1)) at flat[6+2i:8+2i]
        if self.DEGREE == 6:
            pairs = {i: flat[2 * i : 2 * i + 2] for i in range(3)}
        else:
            pairs = {
                2 * i + j: flat[6 * j + 2 * i : 6 * j + 2 * i + 2] for j in (0, 1) for i in range(3)
            }
        out = [0] * self.DEGREE
        for e, (c0, c1) in pairs.items():
            scaled = c1 * inv_xi1  # c0 + c1·u = c0 + c1/ξ₁ · (x^half − ξ₀)
            out[e] += c0 - scaled * xi0
            out[e + half] += scaled
        return [c % p for c in out]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(c) for c in self.coeffs)})"

    def __bool__(self) -> bool:
        return any(self.flat())

    def is_zero(self) -> bool:
        """True for the element 0."""
        return not self

    def is_one(self) -> bool:
        """True for the element 1."""
        return self.flat() == [1] + [0] * (self.DEGREE - 1)

    # -- arithmetic --------------------------------------------------------

    def __add__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(self._raw_reduce(self._raw_add(self._c, b)))

    __radd__ = __add__

    def __neg__(self) -> Self:
        return self._new(self._raw_reduce(self._raw_neg(self._c)))

    def __pos__(self) -> Self:
        return self

    def __sub__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(self._raw_reduce(self._raw_add(self._c, self._raw_neg(b))))

    def __rsub__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(self._raw_reduce(self._raw_add(b, self._raw_neg(self._c))))

    def __mul__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(self._raw_mul(self._c, b))

    __rmul__ = __mul__

    def square(self) -> Self:
        """x², by the dedicated squaring formula (cheaper than x * x)."""
        return self._new(self._raw_sqr(self._c))

    def inverse(self) -> Self:
        """The multiplicative inverse.

        Raises:
            NotInvertibleError: for 0.
        """
        if not self:
            raise NotInvertibleError(f"{type(self).__name__}: 0 has no multiplicative inverse")
        return self._new(self._raw_inv(self._c))

    def __truediv__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self * self._new(b).inverse()

    def __rtruediv__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(b) * self.inverse()

    def __pow__(self, exponent: int) -> Self:
        """x^e by left-to-right square-and-multiply; a negative e inverts first."""
        if not isinstance(exponent, int):
            return NotImplemented
        base = self.inverse() if exponent < 0 else self
        a, result = base._c, self._from_int(1)
        for bit in bin(abs(exponent))[2:]:
            result = self._raw_sqr(result)
            if bit == "1":
                result = self._raw_mul(result, a)
        return self._new(result)

    def __eq__(self, other: object) -> bool:
        try:
            b = self._coerce(other)
        except FieldMismatchError:
            return False
        if b is None:
            return NotImplemented
        return self._c == b  # both canonical, so equal values have equal tuples

    def __hash__(self) -> int:
        flat = self.flat()
        if not any(flat[1:]):  # in the prime field: hash like the int, as == does
            return hash(flat[0])
        return hash(self._c)

    # -- Frobenius, conjugation, norm ----------------------------------------

    def frobenius(self, k: int = 1) -> Self:
        """The Frobenius map x ↦ x^(pᵏ), computed with precomputed constants, not a power."""
        return self._new(self._raw_frobenius(self._c, k % self.DEGREE))

    def norm(self) -> PrimeField:
        """The norm down to Fq: the product of the DEGREE Galois conjugates x^(pⁱ).

        It is multiplicative and lands in the prime field; x is a square exactly when
        its norm is (both say x^((q−1)/2) = 1, with q = p^DEGREE).
        """
        product = self._c
        for k in range(1, self.DEGREE):
            product = self._raw_mul(product, self._raw_frobenius(self._c, k))
        return self.PRIME_FIELD._new(self._flatten(product)[0])

    def is_square(self) -> bool:
        """True if x = y² for some y in this field (0 counts as a square)."""
        return self.norm().is_square()

    def sqrt(self) -> Self:
        """A square root (one of the two), by Tonelli–Shanks over q = p^DEGREE.

        Raises:
            NotASquareError: if x is not a square.
        """
        if not self:
            return self
        if not self.is_square():
            raise NotASquareError(f"{self!r} is not a square in {type(self).__name__}")
        s, t, z = self._tonelli_shanks_params()
        return self._tonelli_shanks(s, t, self._new(z))

    @classmethod
    def _tonelli_shanks_params(cls) -> tuple[int, int, Raw]:
        """(s, t, z) with q − 1 = 2^s · t and z a non-square; found once per class."""
        if cls.__dict__.get("_sqrt_params") is None:
            s, t = two_adic_split(cls.ORDER - 1)
            rng = _random.Random(0)  # a fixed seed: the same non-square every time
            z = cls.random(rng)
            while z.is_square():
                z = cls.random(rng)
            cls._sqrt_params = (s, t, z._c)
        return cls._sqrt_params  # type: ignore[return-value]

    def _tonelli_shanks(self, s: int, t: int, z: Self) -> Self:
        """Tonelli–Shanks; invariant x² = self · b, with b of order dividing 2^m."""
        m, c = s, z**t
        x, b = self ** ((t + 1) // 2), self**t
        while not b.is_one():
            i, b2 = 0, b  # least i with b^(2^i) = 1
            while not b2.is_one():
                b2, i = b2.square(), i + 1
            g = c ** (1 << (m - i - 1))
            x, c = x * g, g.square()
            b, m = b * c, i
        return x

    # -- encodings ---------------------------------------------------------

    def to_bytes(self, byteorder: ByteOrder = "big") -> bytes:
        """DEGREE canonical Fq encodings.

        Big-endian puts the highest coefficient first (so an Fq2 element a0 + a1·u
        is a1 ‖ a0, as EIP-197 and the Zcash BLS12-381 format order it); little-endian
        is the byte-reverse of big-endian (a0 first, each coefficient little-endian).
        """
        n = self.PRIME_FIELD.BYTE_LENGTH
        data = b"".join(c.to_bytes(n, "little") for c in self.flat())
        return data if byteorder == "little" else data[::-1]

    @classmethod
    def from_bytes(cls, data: bytes, byteorder: ByteOrder = "big") -> Self:
        """Decode :meth:`to_bytes` output.

        Raises:
            NonCanonicalError: wrong length, or a coefficient ≥ p.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"{cls.__name__}.from_bytes takes bytes, not {type(data).__name__}")
        if len(data) != cls.BYTE_LENGTH:
            raise NonCanonicalError(
                f"{cls.__name__} encoding must be {cls.BYTE_LENGTH} bytes, got {len(data)}"
            )
        little = bytes(data) if byteorder == "little" else bytes(data)[::-1]
        n, p, name = cls.PRIME_FIELD.BYTE_LENGTH, cls.MODULUS, cls.__name__
        ints = [
            _decode_int(little[i : i + n], p, n, "little", name) for i in range(0, len(little), n)
        ]
        return cls._new(cls._unflatten(ints))


def _raw_zero(field: Any) -> Raw:
    return 0 if issubclass(field, PrimeField) else field._from_int(0)


def _coerce_into(field: Any, value: object) -> Raw:
    """The raw form of ``value`` (an int or an element of ``field`` or of a subfield).

    Raises:
        FieldMismatchError: for an element of an unrelated field.
        TypeError: for anything that is not a field element or an int.
    """
    if isinstance(value, int):
        if issubclass(field, PrimeField):
            return value % field.MODULUS
        return field._embed(_coerce_into(field.BASE, value))
    if type(value) is field:
        return value._c if isinstance(value, ExtensionField) else value._value  # type: ignore[attr-defined]
    if issubclass(field, ExtensionField) and type(value) in field._SUBFIELDS:
        return field._embed(_coerce_into(field.BASE, value))
    if isinstance(value, PrimeField | ExtensionField):
        raise FieldMismatchError(
            f"cannot use an element of {type(value).__name__} as one of {field.__name__}"
        )
    raise TypeError(f"expected an int or a field element, got {type(value).__name__}")
