"""Prime fields GF(p): the integers modulo a prime p.

A prime field is a subclass of :class:`PrimeField` that sets ``MODULUS``;
:func:`prime_field` builds one in a line. Elements are immutable values::

    >>> F7 = prime_field("F7", 7)
    >>> F7(3) + F7(5)
    F7(1)
    >>> F7(3) / F7(5)          # 3 · 5⁻¹ = 3 · 3 = 9 ≡ 2 (mod 7)
    F7(2)
    >>> F7(-1)                 # every integer is reduced into [0, p)
    F7(6)

An element combines with Python ints (which are reduced first) and with
elements of the same field; combining two different fields raises
:class:`~zkpot.errors.FieldMismatchError`.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar, Literal, Self

from zkpot.errors import (
    FieldMismatchError,
    NonCanonicalError,
    NotASquareError,
    NotInvertibleError,
    RootOfUnityError,
)

ByteOrder = Literal["big", "little"]


def two_adic_split(n: int) -> tuple[int, int]:
    """Write a positive integer as n = 2^s · t with t odd; return ``(s, t)``.

    >>> two_adic_split(96)     # 96 = 2⁵ · 3
    (5, 3)
    """
    if n <= 0:
        raise ValueError(f"two_adic_split needs a positive integer, got {n}")
    s = (n & -n).bit_length() - 1
    return s, n >> s


def inverse_mod(a: int, p: int) -> int:
    """a⁻¹ mod p by the extended Euclidean algorithm: the readable version of
    ``pow(a, -1, p)``, which runs the same algorithm in C.

    Euclid's remainders r₀ = p, r₁ = a, rᵢ₊₁ = rᵢ₋₁ − qᵢ·rᵢ each satisfy rᵢ ≡ sᵢ·a (mod p)
    for the sᵢ carried beside them (s₀ = 0, s₁ = 1). They end at gcd(a, p) = 1 (p prime,
    a ≢ 0), so the s beside that 1 is a⁻¹.

    >>> inverse_mod(3, 7)      # 3·5 = 15 ≡ 1 (mod 7)
    5

    Raises:
        NotInvertibleError: if a ≡ 0 (mod p).
    """
    a %= p
    if a == 0:
        raise NotInvertibleError(f"{a} ≡ 0 (mod {p}) has no inverse")
    r0, r1, s0, s1 = p, a, 0, 1
    while r1:
        q = r0 // r1
        r0, r1, s0, s1 = r1, r0 - q * r1, s1, s0 - q * s1
    return s0 % p


def random_below(bound: int, rng: Any = None) -> int:
    """A uniform integer in [0, bound): from ``rng.randrange`` if given, else the OS's CSPRNG."""
    if rng is None:
        return secrets.randbelow(bound)
    return rng.randrange(bound)


class PrimeField:
    """An element of GF(p), p = ``MODULUS``. Subclass and set ``MODULUS`` (a prime).

    Class attributes, derived when the subclass is created:

    - ``MODULUS`` — the prime p.
    - ``BYTE_LENGTH`` — bytes in the canonical encoding, ⌈bits(p)/8⌉.
    - ``TWO_ADICITY`` — the largest s with 2^s | p − 1: the field has roots of
      unity of order 2^k exactly for k ≤ s.
    - ``MULTIPLICATIVE_GENERATOR`` — optional; a generator g of GF(p)* from which
      :meth:`root_of_unity` derives g^((p−1)/n).
    """

    __slots__ = ("_value",)

    MODULUS: ClassVar[int]
    BYTE_LENGTH: ClassVar[int]
    TWO_ADICITY: ClassVar[int]
    MULTIPLICATIVE_GENERATOR: ClassVar[int | None] = None
    _ODD_PART: ClassVar[int]  # t in p − 1 = 2^s · t
    _NONRESIDUE: ClassVar[int]  # the least quadratic non-residue, for Tonelli–Shanks

    _value: int

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "MODULUS" not in cls.__dict__:
            return
        p = cls.MODULUS
        if not isinstance(p, int) or p < 2:
            raise ValueError(f"{cls.__name__}.MODULUS must be a prime, got {p!r}")
        cls.BYTE_LENGTH = (p.bit_length() + 7) // 8
        cls.TWO_ADICITY, cls._ODD_PART = two_adic_split(p - 1) if p > 2 else (0, 1)
        if p > 2:
            z = 2
            while pow(z, (p - 1) // 2, p) != p - 1:  # Euler's criterion: z is a non-square
                z += 1
            cls._NONRESIDUE = z

    def __init__(self, value: int | PrimeField = 0) -> None:
        if isinstance(value, int):
            self._value = value % self.MODULUS
        elif type(value) is type(self):
            self._value = value._value
        elif isinstance(value, PrimeField):
            raise FieldMismatchError(
                f"cannot convert an element of {type(value).__name__} to {type(self).__name__}"
            )
        else:
            raise TypeError(f"{type(self).__name__}() takes an int, not {type(value).__name__}")

    # -- construction ------------------------------------------------------

    @classmethod
    def _new(cls, value: int) -> Self:
        """Wrap an int already known to lie in [0, p) (no reduction, no checks)."""
        element = object.__new__(cls)
        element._value = value
        return element

    @classmethod
    def zero(cls) -> Self:
        """The additive identity 0."""
        return cls._new(0)

    @classmethod
    def one(cls) -> Self:
        """The multiplicative identity 1."""
        return cls._new(1)

    @classmethod
    def random(cls, rng: Any = None) -> Self:
        """A uniformly random element.

        Args:
            rng: an object with ``randrange`` (e.g. ``random.Random(seed)``) for
                reproducible values; ``None`` draws from the OS's CSPRNG.
        """
        return cls._new(random_below(cls.MODULUS, rng))

    # -- conversion --------------------------------------------------------

    @property
    def value(self) -> int:
        """The canonical representative, an int in [0, p)."""
        return self._value

    def __int__(self) -> int:
        return self._value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._value})"

    def __bool__(self) -> bool:
        return self._value != 0

    def is_zero(self) -> bool:
        """True for the element 0."""
        return self._value == 0

    def is_one(self) -> bool:
        """True for the element 1."""
        return self._value == 1

    def _coerce(self, other: object) -> int | None:
        """The canonical int of ``other`` if it can enter arithmetic with ``self``."""
        if type(other) is type(self):
            return other._value  # type: ignore[attr-defined, no-any-return]
        if isinstance(other, int):
            return other % self.MODULUS
        if isinstance(other, PrimeField):
            raise FieldMismatchError(
                f"cannot combine {type(self).__name__} with {type(other).__name__}"
            )
        return None  # let the other operand try (e.g. an extension-field element)

    # -- arithmetic --------------------------------------------------------

    def __add__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        s = self._value + b
        p = self.MODULUS
        return self._new(s - p if s >= p else s)

    __radd__ = __add__

    def __sub__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        d = self._value - b
        return self._new(d + self.MODULUS if d < 0 else d)

    def __rsub__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        d = b - self._value
        return self._new(d + self.MODULUS if d < 0 else d)

    def __neg__(self) -> Self:
        return self._new((-self._value) % self.MODULUS)

    def __pos__(self) -> Self:
        return self

    def __mul__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(self._value * b % self.MODULUS)

    __rmul__ = __mul__

    def square(self) -> Self:
        """x², the same as x * x (the extension fields have a cheaper dedicated formula)."""
        return self._new(self._value * self._value % self.MODULUS)

    def __truediv__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(self._value * self._inverse_int(b) % self.MODULUS)

    def __rtruediv__(self, other: object) -> Self:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._new(b * self._inverse_int(self._value) % self.MODULUS)

    def __pow__(self, exponent: int) -> Self:
        if not isinstance(exponent, int):
            return NotImplemented
        if exponent < 0:
            return self._new(pow(self._inverse_int(self._value), -exponent, self.MODULUS))
        return self._new(pow(self._value, exponent, self.MODULUS))

    @classmethod
    def _inverse_int(cls, a: int) -> int:
        if a == 0:
            raise NotInvertibleError(f"{cls.__name__}: 0 has no multiplicative inverse")
        return pow(a, -1, cls.MODULUS)  # extended Euclid, in C

    def inverse(self) -> Self:
        """The multiplicative inverse x⁻¹, with x · x⁻¹ = 1.

        Raises:
            NotInvertibleError: for 0.
        """
        return self._new(self._inverse_int(self._value))

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self._value == other._value  # type: ignore[attr-defined, no-any-return]
        if isinstance(other, int):
            return self._value == other % self.MODULUS
        return NotImplemented

    def __hash__(self) -> int:
        # equal to hash(int(x)), so that Fr(3) == 3 and hash(Fr(3)) == hash(3) agree
        return hash(self._value)

    def frobenius(self, k: int = 1) -> Self:
        """x^(pᵏ), which is x itself in a prime field (Fermat's little theorem)."""
        return self

    # -- square roots ------------------------------------------------------

    def legendre(self) -> int:
        """The Legendre symbol (x | p): 1 for a non-zero square, −1 for a non-square, 0 for 0.

        Euler's criterion: x^((p−1)/2) is 1 for squares and −1 otherwise.
        """
        if self._value == 0:
            return 0
        e = pow(self._value, (self.MODULUS - 1) // 2, self.MODULUS)
        return 1 if e == 1 else -1

    def is_square(self) -> bool:
        """True if x = y² for some y in the field (0 counts as a square)."""
        return self.legendre() >= 0

    def sqrt(self) -> Self:
        """A square root y with y² = x: the one of the two in [0, (p − 1)/2].

        For p ≡ 3 (mod 4) it is x^((p+1)/4); otherwise Tonelli–Shanks.

        Raises:
            NotASquareError: if x is not a square.
        """
        a, p = self._value, self.MODULUS
        if a == 0:
            return self
        if p % 4 == 3:
            # (x^((p+1)/4))² = x^((p+1)/2) = x · x^((p−1)/2) = x exactly when x is a square
            y = pow(a, (p + 1) // 4, p)
            if y * y % p != a:
                raise NotASquareError(f"{self!r} is not a square in {type(self).__name__}")
        else:
            if self.legendre() != 1:
                raise NotASquareError(f"{self!r} is not a square in {type(self).__name__}")
            y = _tonelli_shanks_int(a, p, self.TWO_ADICITY, self._ODD_PART, self._NONRESIDUE)
        return self._new(min(y, p - y))

    # -- roots of unity ----------------------------------------------------

    @classmethod
    def root_of_unity(cls, n: int) -> Self:
        """A primitive n-th root of unity ω = g^((p−1)/n), g = ``MULTIPLICATIVE_GENERATOR``.

        ω has order exactly n: ωⁿ = 1 and ω^(n/2) = −1.

        Raises:
            RootOfUnityError: if n is not a power of two, exceeds 2^TWO_ADICITY, or
                the field declares no multiplicative generator.
        """
        if cls.MULTIPLICATIVE_GENERATOR is None:
            raise RootOfUnityError(f"{cls.__name__} declares no multiplicative generator")
        if not isinstance(n, int) or n < 1 or n & (n - 1):
            raise RootOfUnityError(f"root_of_unity(n) needs n a power of two, got {n!r}")
        if n.bit_length() - 1 > cls.TWO_ADICITY:
            raise RootOfUnityError(
                f"{cls.__name__} has roots of unity of order up to 2^{cls.TWO_ADICITY}, "
                f"not {n} = 2^{n.bit_length() - 1}"
            )
        p = cls.MODULUS
        return cls._new(pow(cls.MULTIPLICATIVE_GENERATOR, (p - 1) // n, p))

    # -- encodings ---------------------------------------------------------

    def to_bytes(self, byteorder: ByteOrder = "big") -> bytes:
        """The canonical encoding: ``BYTE_LENGTH`` bytes, big- or little-endian."""
        return self._value.to_bytes(self.BYTE_LENGTH, byteorder)

    @classmethod
    def from_bytes(cls, data: bytes, byteorder: ByteOrder = "big") -> Self:
        """Decode a canonical encoding.

        Raises:
            NonCanonicalError: if ``data`` is not ``BYTE_LENGTH`` bytes long or
                encodes a value ≥ p.
        """
        return cls._new(_decode_int(data, cls.MODULUS, cls.BYTE_LENGTH, byteorder, cls.__name__))


def _decode_int(data: bytes, p: int, length: int, byteorder: ByteOrder, name: str) -> int:
    """Decode one field element's canonical encoding, checking length and range."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"{name}.from_bytes takes bytes, not {type(data).__name__}")
    if len(data) != length:
        raise NonCanonicalError(f"{name} encoding must be {length} bytes, got {len(data)}")
    value = int.from_bytes(data, byteorder)
    if value >= p:
        raise NonCanonicalError(f"{name} encoding is not canonical: {value:#x} >= modulus {p:#x}")
    return value


def _tonelli_shanks_int(a: int, p: int, s: int, t: int, z: int) -> int:
    """Tonelli–Shanks on ints: a square root of the square a modulo p = 2^s · t + 1.

    ``z`` is a quadratic non-residue. Invariant: x² = a · b, and b has order
    dividing 2^m; each step multiplies in a power of c = z^t to halve b's order.
    """
    m, c = s, pow(z, t, p)
    x, b = pow(a, (t + 1) // 2, p), pow(a, t, p)
    while b != 1:
        i, b2 = 0, b  # least i with b^(2^i) = 1
        while b2 != 1:
            b2 = b2 * b2 % p
            i += 1
        g = pow(c, 1 << (m - i - 1), p)
        x, c = x * g % p, g * g % p
        b, m = b * c % p, i
    return x


def prime_field(name: str, modulus: int, generator: int | None = None) -> type[PrimeField]:
    """Build a prime-field class in one line.

    Args:
        name: the class name, used in ``repr`` and error messages.
        modulus: the prime p (not checked for primality here: tests do that).
        generator: optionally, a generator of GF(p)* for :meth:`PrimeField.root_of_unity`.

    >>> F13 = prime_field("F13", 13, generator=2)
    >>> F13.root_of_unity(4) ** 2
    F13(12)
    """
    namespace = {"__slots__": (), "MODULUS": modulus, "MULTIPLICATIVE_GENERATOR": generator}
    return type(name, (PrimeField,), namespace)
