"""Points of G1 and G2: immutable group elements, generic in the curve.

A curve module makes its groups by subclassing :class:`CurvePoint` with its
parameters (the coordinate field, the Jacobian kernel with p and b, the group
order, the generator). Points combine with ``+``, ``-``, unary ``-`` and ``*``
by an int or an element of the scalar field Fr; they compare with ``==`` and
hash by their affine coordinates.

Constructing a point from coordinates checks that it is on the curve and in
the prime-order subgroup, and raises :class:`~zkpot.errors.InvalidInput`
otherwise, so every point a program holds is a group element; scalars are then
taken modulo the group order r.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from zkpot.curve.jacobian import Jac
from zkpot.curve.scalar import scalar_mul
from zkpot.errors import FieldMismatchError, InvalidInput
from zkpot.field.prime import PrimeField, random_below


class CurvePoint:
    """A point of a prime-order group on y² = x³ + b; subclasses supply the parameters.

    Class attributes: ``FIELD`` (the coordinates' field, Fq or Fq2),
    ``SCALAR_FIELD`` (Fr), ``ORDER`` (r), ``KERNEL`` (the Jacobian arithmetic),
    ``GENERATOR_AFFINE`` (the generator's raw affine coordinates).
    """

    __slots__ = ("_jac",)

    FIELD: ClassVar[Any]
    SCALAR_FIELD: ClassVar[type[PrimeField]]
    ORDER: ClassVar[int]
    KERNEL: ClassVar[Any]
    GENERATOR_AFFINE: ClassVar[tuple[Any, Any]]
    COFACTOR_ONE: ClassVar[bool] = False  # every curve point is in the group (BN254's G1)
    ENCODING: ClassVar[Any]  # a format of zkpot.curve.encoding
    ENDOMORPHISM: ClassVar[Any] = None  # a zkpot.curve.glv.GLV, for G1
    SUBGROUP_TEST: ClassVar[Any] = None  # a faster membership test P ↦ bool, where one is known

    _jac: Jac

    def __init__(self, x: Any, y: Any, *, check: bool = True) -> None:
        """The affine point (x, y), with x and y elements of ``FIELD`` (or ints).

        Args:
            check: verify that the point is on the curve and in the subgroup of
                order r (a scalar multiplication). Pass ``False`` only for
                coordinates you already trust.

        Raises:
            InvalidInput: the point is not on the curve, or not in the subgroup.
        """
        xr, yr = self._raw(x), self._raw(y)
        self._jac = (xr, yr, self.KERNEL.one)
        if check:
            if not self.KERNEL.on_curve(xr, yr):
                raise InvalidInput(f"({x}, {y}) is not on the curve of {type(self).__name__}")
            if not self.is_in_subgroup():
                raise InvalidInput(f"{self!r} is on the curve but not in the subgroup of order r")

    @classmethod
    def _raw(cls, value: Any) -> Any:
        """The raw coordinate (an int for Fq, a pair of ints for Fq2)."""
        field = cls.FIELD
        if isinstance(value, int):
            value = field(value)
        if type(value) is not field:
            got = type(value).__name__
            raise FieldMismatchError(f"{cls.__name__} coordinates are {field.__name__}, not {got}")
        return value._value if isinstance(value, PrimeField) else value._c

    @classmethod
    def _from_jacobian(cls, jac: Jac) -> Self:
        point = object.__new__(cls)
        point._jac = jac
        return point

    @classmethod
    def identity(cls) -> Self:
        """The point at infinity O, the group's neutral element."""
        return cls._from_jacobian(cls.KERNEL.identity)

    @classmethod
    def generator(cls) -> Self:
        """The conventional generator of the group."""
        x, y = cls.GENERATOR_AFFINE
        return cls._from_jacobian((x, y, cls.KERNEL.one))

    @classmethod
    def random(cls, rng: Any = None) -> Self:
        """k·G for a uniform k in [1, r) (``rng`` as in :meth:`PrimeField.random`)."""
        return cls.generator() * (1 + random_below(cls.ORDER - 1, rng))

    # -- predicates --------------------------------------------------------

    def is_identity(self) -> bool:
        """True for the point at infinity."""
        return self.KERNEL.is_identity(self._jac)

    def is_on_curve(self) -> bool:
        """True if the point satisfies the curve equation (the point at infinity does)."""
        affine = self.KERNEL.to_affine(self._jac)
        return affine is None or self.KERNEL.on_curve(*affine)

    def is_in_subgroup(self) -> bool:
        """True if r·P = O: the point lies in the prime-order group.

        Computed as a scalar multiplication, except where the curve's whole group has
        prime order (``COFACTOR_ONE``), where being on the curve is enough, and where the
        curve module supplies a faster equivalent test (``SUBGROUP_TEST``).
        """
        if self.COFACTOR_ONE:
            return self.is_on_curve()
        if self.SUBGROUP_TEST is not None:
            return bool(self.SUBGROUP_TEST(self._jac))
        return self.KERNEL.is_identity(scalar_mul(self.KERNEL, self._jac, self.ORDER))

    # -- views -------------------------------------------------------------

    def to_affine(self) -> tuple[Any, Any] | None:
        """(x, y) as ``FIELD`` elements, or None for the point at infinity."""
        affine = self.KERNEL.to_affine(self._jac)
        if affine is None:
            return None
        return (self.FIELD._new(affine[0]), self.FIELD._new(affine[1]))

    def affine_raw(self) -> tuple[Any, Any] | None:
        """The affine coordinates as raw ints (G1) or pairs of ints (G2); None at infinity."""
        return self.KERNEL.to_affine(self._jac)  # type: ignore[no-any-return]

    def to_bytes(self, compressed: bool | None = None) -> bytes:
        """The curve's standard encoding (see :mod:`zkpot.curve.encoding`).

        BN254 defaults to EIP-196/197 uncompressed, BLS12-381 to Zcash compressed.
        """
        if compressed is None:
            compressed = self.ENCODING.default_compressed
        return self.ENCODING.encode(self, compressed)  # type: ignore[no-any-return]

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        """Decode either form of the curve's encoding, checking canonical coordinates,
        the curve equation and subgroup membership.

        Raises:
            InvalidInput: for any encoding that is not a valid group element.
        """
        return cls.ENCODING.decode(cls, data)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        affine = self.to_affine()
        if affine is None:
            return f"{type(self).__name__}.identity()"
        return f"{type(self).__name__}({affine[0]!r}, {affine[1]!r})"

    # -- the group law -----------------------------------------------------

    def _same_group(self, other: object) -> CurvePoint | None:
        if type(other) is type(self):
            return other  # type: ignore[return-value]
        if isinstance(other, CurvePoint):
            mine, theirs = type(self).__name__, type(other).__name__
            raise FieldMismatchError(f"cannot combine a point of {mine} with one of {theirs}")
        return None

    def __add__(self, other: object) -> Self:
        Q = self._same_group(other)
        if Q is None:
            return NotImplemented
        return self._from_jacobian(self.KERNEL.add(self._jac, Q._jac))

    def __neg__(self) -> Self:
        return self._from_jacobian(self.KERNEL.neg(self._jac))

    def __sub__(self, other: object) -> Self:
        Q = self._same_group(other)
        if Q is None:
            return NotImplemented
        return self._from_jacobian(self.KERNEL.add(self._jac, self.KERNEL.neg(Q._jac)))

    def double(self) -> Self:
        """2P, by the doubling formula."""
        return self._from_jacobian(self.KERNEL.double(self._jac))

    @classmethod
    def scalar(cls, k: object) -> int | None:
        """k as an int in [0, r): from an int (reduced mod r) or this group's Fr.

        Returns None for anything else; raises for an element of another field.
        """
        if isinstance(k, PrimeField):
            if type(k) is not cls.SCALAR_FIELD:
                theirs, ours = type(k).__name__, cls.SCALAR_FIELD.__name__
                raise FieldMismatchError(f"{cls.__name__} scalars are {ours}, not {theirs}")
            return k.value
        if isinstance(k, int) and not isinstance(k, bool):
            return k % cls.ORDER
        return None

    def __mul__(self, scalar: object) -> Self:
        """k·P for an int or an Fr element k, taken modulo the group order r."""
        k = self.scalar(scalar)
        if k is None:
            return NotImplemented
        if self.ENDOMORPHISM is not None:  # GLV: valid because the point is in the group
            return self._from_jacobian(self.ENDOMORPHISM.multiply(self._jac, k))
        return self._from_jacobian(scalar_mul(self.KERNEL, self._jac, k))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.KERNEL.equal(self._jac, other._jac)  # type: ignore[attr-defined, no-any-return]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.affine_raw()))
