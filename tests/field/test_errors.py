"""Every error path of the field layer: a typed exception with a clear message."""

from __future__ import annotations

import pytest

from tests.field.strategies import ALL_FIELDS, field_id
from zkpot.errors import FieldMismatchError, NonCanonicalError, NotInvertibleError, ZkpotError
from zkpot.field import CubicExtension, QuadraticExtension, bls12_381, bn254, prime_field

fields = pytest.mark.parametrize("F", ALL_FIELDS, ids=field_id)


@fields
def test_zero_has_no_inverse(F) -> None:
    for attempt in (
        lambda: F.zero().inverse(),
        lambda: F.one() / F.zero(),
        lambda: F.one() / 0,
        lambda: 1 / F.zero(),
        lambda: F.zero() ** -1,
    ):
        with pytest.raises(NotInvertibleError, match="no multiplicative inverse"):
            attempt()


def test_not_invertible_is_both_zkpot_and_zero_division() -> None:
    with pytest.raises(ZeroDivisionError):
        bn254.Fr(0).inverse()
    with pytest.raises(ZkpotError):
        bn254.Fr(0).inverse()


@fields
def test_wrong_length_is_rejected(F) -> None:
    good = F.one().to_bytes()
    for data in (good[:-1], good + b"\x00", b""):
        with pytest.raises(NonCanonicalError, match=f"{F.BYTE_LENGTH} bytes"):
            F.from_bytes(data)


@fields
def test_values_not_below_the_modulus_are_rejected(F) -> None:
    n = F.BYTE_LENGTH // getattr(F, "DEGREE", 1)  # bytes per coefficient
    degree = getattr(F, "DEGREE", 1)
    for bad in (F.MODULUS, F.MODULUS + 1, 256**n - 1):
        for position in range(degree):  # a non-canonical coefficient anywhere is caught
            coefficients = [0] * degree
            coefficients[position] = bad
            little = b"".join(c.to_bytes(n, "little") for c in coefficients)
            with pytest.raises(NonCanonicalError, match="not canonical"):
                F.from_bytes(little, "little")
            with pytest.raises(NonCanonicalError, match="not canonical"):
                F.from_bytes(little[::-1], "big")


@fields
def test_from_bytes_wants_bytes(F) -> None:
    with pytest.raises(TypeError, match="bytes"):
        F.from_bytes("00" * F.BYTE_LENGTH)


def test_non_canonical_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        bn254.Fr.from_bytes(bn254.R.to_bytes(32, "big"))


def test_mixing_fields_is_rejected() -> None:
    cases = [
        lambda: bn254.Fr(1) + bn254.Fq(1),
        lambda: bn254.Fq(1) * bls12_381.Fq(1),
        lambda: bn254.Fr(bn254.Fq(1)),
        lambda: bn254.Fq2(1) + bls12_381.Fq2(1),
        lambda: bn254.Fq12.one() * bls12_381.Fq(2),
        lambda: bn254.Fq2(bn254.Fr(1)),
        lambda: bn254.Fq6(bls12_381.Fq2(1)),
    ]
    for case in cases:
        with pytest.raises(FieldMismatchError, match="cannot"):
            case()
    assert issubclass(FieldMismatchError, TypeError)


def test_elements_of_different_fields_are_unequal() -> None:
    assert bn254.Fr(1) != bn254.Fq(1)
    assert bn254.Fq2(1) != bls12_381.Fq2(1)


@pytest.mark.parametrize("F", ALL_FIELDS, ids=field_id)
def test_comparison_with_foreign_objects_is_false(F) -> None:
    one = F.one()
    for other in (None, "1", 1.0, [1], object()):
        assert (one == other) is False
        assert (one != other) is True
    assert one in [None, "x", F.one()]


def test_non_field_operands_are_type_errors() -> None:
    with pytest.raises(TypeError):
        bn254.Fr(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bn254.Fr(1) + 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        bn254.Fq2(1) * "u"  # type: ignore[operator]
    with pytest.raises(TypeError):
        bn254.Fq6(1.0)
    with pytest.raises(TypeError, match="at most 2"):
        bn254.Fq2(1, 2, 3)
    with pytest.raises(TypeError):
        bn254.Fr(2) ** 0.5  # type: ignore[operator]
    with pytest.raises(ValueError, match="12 ints"):
        bn254.Fq12.from_flat([1, 2])


def test_elements_are_immutable() -> None:
    x, y = bn254.Fr(3), bn254.Fq12.one()
    with pytest.raises(AttributeError):
        x.value = 4  # type: ignore[misc]
    with pytest.raises(AttributeError):
        x.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        y.c0 = bn254.Fq6.zero()  # type: ignore[misc]


def test_subfields_embed_into_the_tower() -> None:
    F = bn254
    a2, a6, a12 = F.Fq2(3, 4), F.Fq6(F.Fq2(1, 2), 0, F.Fq2(5)), F.Fq12.random()
    assert a12 * a2 == a2 * a12 == a12 * F.Fq12(F.Fq6(a2))
    assert a12 + a6 == a6 + a12 == a12 + F.Fq12(a6)
    assert F.Fq(2) * a12 == a12 * 2 == a12 + a12
    assert F.Fq2(F.Fq(7)) == 7 == F.Fq12(7)
    assert a6 - a12 == -(a12 - a6)
    assert a2 / a12 == F.Fq12(F.Fq6(a2)) / a12


def test_misconfigured_towers_are_rejected() -> None:
    F13 = prime_field("F13", 13)  # 13 ≡ 1 (mod 4): −1 is a square, u² + 1 factors
    with pytest.raises(ValueError, match="p ≡ 3"):
        type("BadFq2", (QuadraticExtension,), {"__slots__": (), "BASE": F13})
    with pytest.raises(ValueError, match="square"):  # ξ = 4 = 2² is a square
        type("BadFq6", (CubicExtension,), {"__slots__": (), "BASE": bn254.Fq2, "XI": (4, 0)})


def test_bad_modulus_is_rejected() -> None:
    with pytest.raises(ValueError, match="must be a prime"):
        prime_field("F1", 1)


def test_reprs_read_back() -> None:
    assert repr(bn254.Fr(-1)) == f"Fr({bn254.R - 1})"
    assert repr(bn254.Fq2(1, 2)) == "Fq2(1, 2)"
    assert repr(bn254.Fq6(1)) == "Fq6(Fq2(1, 0), Fq2(0, 0), Fq2(0, 0))"
    x = bls12_381.Fq12.random()
    assert eval(repr(x), vars(bls12_381)) == x
