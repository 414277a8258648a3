"""Roots of unity of the scalar fields."""

from __future__ import annotations

import pytest

from tests.field.strategies import F_97, field_id
from zkpot.errors import RootOfUnityError
from zkpot.field import bls12_381, bn254

SCALAR_FIELDS = [bn254.Fr, bls12_381.Fr, F_97]


@pytest.mark.parametrize("F", SCALAR_FIELDS, ids=field_id)
def test_roots_have_exact_order(F) -> None:
    for k in range(F.TWO_ADICITY + 1):
        n = 1 << k
        w = F.root_of_unity(n)
        assert w**n == 1
        if n > 1:
            assert w ** (n // 2) == -1  # so the order is exactly n, not a divisor


@pytest.mark.parametrize("F", SCALAR_FIELDS, ids=field_id)
def test_roots_are_consistent_across_orders(F) -> None:
    # the 2n-th root squared is the n-th root: domains of different sizes nest
    for k in range(1, F.TWO_ADICITY + 1):
        assert F.root_of_unity(1 << k).square() == F.root_of_unity(1 << (k - 1))


def test_bn254_root_is_the_one_snarkjs_uses() -> None:
    # ffjavascript's bn128 Fr: w[28] = 5^((r − 1) / 2^28)
    r = bn254.R
    assert int(bn254.root_of_unity(2**28)) == pow(5, (r - 1) >> 28, r)
    assert int(bn254.root_of_unity(2**28)) == (
        19103219067921713944291392827692070036145651957329286315305642004821462161904
    )


def test_bls12_381_root_is_the_one_eip4844_uses() -> None:
    # EIP-4844: PRIMITIVE_ROOT_OF_UNITY = 7, root of order 4096 = 7^((r − 1) / 4096)
    r = bls12_381.R
    assert int(bls12_381.root_of_unity(4096)) == pow(7, (r - 1) // 4096, r)


@pytest.mark.parametrize("n", [0, -4, 3, 12, 2**29, 2.0, "8"])
def test_bad_orders_are_rejected(n) -> None:
    with pytest.raises(RootOfUnityError, match=r"power of two|2\^28"):
        bn254.Fr.root_of_unity(n)


def test_beyond_two_adicity_names_the_limit() -> None:
    with pytest.raises(RootOfUnityError, match=r"2\^32"):
        bls12_381.Fr.root_of_unity(2**33)


def test_field_without_generator() -> None:
    with pytest.raises(RootOfUnityError, match="no multiplicative generator"):
        bn254.Fq.root_of_unity(2)


def test_is_a_value_error() -> None:
    assert issubclass(RootOfUnityError, ValueError)
