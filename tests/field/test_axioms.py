"""One property suite, run against every field of both curves, prime and extension."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.field.strategies import ALL_FIELDS, elements, field_id, nonzero_elements
from zkpot.errors import NotASquareError

fields = pytest.mark.parametrize("F", ALL_FIELDS, ids=field_id)


def budget(F: type, cheap: int = 60) -> settings:
    """Fewer examples where one example is expensive (Fq12 exponentiations)."""
    degree = getattr(F, "DEGREE", 1)
    return settings(max_examples=cheap if degree < 6 else max(10, cheap // 4), deadline=None)


@fields
def test_ring_axioms(F: type) -> None:
    @budget(F)
    @given(elements(F), elements(F), elements(F))
    def check(a, b, c) -> None:
        assert (a + b) + c == a + (b + c)
        assert a + b == b + a
        assert a + F.zero() == a
        assert a + (-a) == F.zero()
        assert a - b == a + (-b)
        assert (a * b) * c == a * (b * c)
        assert a * b == b * a
        assert a * F.one() == a
        assert a * (b + c) == a * b + a * c
        assert a * F.zero() == F.zero()

    check()


@fields
def test_integers_embed(F: type) -> None:
    @budget(F)
    @given(elements(F), st.integers(-(2**300), 2**300))
    def check(a, n) -> None:
        assert a + n == a + F(n) == n + a
        assert a * n == a * F(n) == n * a
        assert a - n == -(n - a)
        assert F(n) == n  # equality with an int is congruence mod p
        assert hash(F(n)) == hash(n % F.MODULUS)

    check()


@fields
def test_inverse_and_division(F: type) -> None:
    @budget(F)
    @given(nonzero_elements(F), elements(F))
    def check(a, b) -> None:
        assert a * a.inverse() == F.one()
        assert (b / a) * a == b
        assert 1 / a == a.inverse()
        assert a**-1 == a.inverse()
        assert a**-3 == (a**3).inverse()

    check()


@fields
def test_powers(F: type) -> None:
    @budget(F)
    @given(elements(F), st.integers(0, 300), st.integers(0, 300))
    def check(a, m, n) -> None:
        assert a**0 == F.one()
        assert a ** (m + n) == a**m * a**n
        assert a.square() == a * a == a**2

    check()


@fields
def test_fermat_and_frobenius(F: type) -> None:
    """x ↦ x^p is computed from precomputed constants; it must equal the power."""
    p, degree = F.MODULUS, getattr(F, "DEGREE", 1)

    @budget(F, cheap=25)
    @given(elements(F), elements(F))
    def check(a, b) -> None:
        assert a.frobenius() == a**p
        assert a.frobenius(degree) == a  # x^(p^DEGREE) = x
        assert (a * b).frobenius() == a.frobenius() * b.frobenius()  # a field automorphism
        if degree > 1:
            assert a.frobenius(2) == a.frobenius().frobenius()
            assert a.frobenius(degree - 1).frobenius() == a

    check()


@fields
def test_sqrt_round_trip(F: type) -> None:
    @budget(F, cheap=40)
    @given(elements(F))
    def check(a) -> None:
        square = a * a
        assert square.is_square()
        root = square.sqrt()
        assert root * root == square
        assert root in (a, -a)

    check()


@fields
def test_non_squares_are_rejected(F: type) -> None:
    rng = random.Random(7)
    z = next(x for x in (F.random(rng) for _ in range(200)) if not x.is_square())

    @budget(F, cheap=20)
    @given(nonzero_elements(F))
    def check(a) -> None:
        non_square = a * a * z  # a square times a non-square
        assert not non_square.is_square()
        with pytest.raises(NotASquareError):
            non_square.sqrt()

    check()


@fields
def test_encoding_round_trip(F: type) -> None:
    @budget(F)
    @given(elements(F))
    def check(a) -> None:
        big, little = a.to_bytes(), a.to_bytes("little")
        assert len(big) == len(little) == F.BYTE_LENGTH
        assert little == big[::-1]
        assert F.from_bytes(big) == a
        assert F.from_bytes(little, "little") == a

    check()


@fields
def test_equal_elements_hash_equal(F: type) -> None:
    @budget(F)
    @given(elements(F))
    def check(a) -> None:
        b = F.from_bytes(a.to_bytes())
        assert a == b and hash(a) == hash(b)
        assert len({a, b, a + 0}) == 1

    check()
