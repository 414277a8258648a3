"""The curves' constants, derived from their seeds and checked with sympy."""

from __future__ import annotations

import pytest
import sympy

from zkpot.field import bls12_381, bn254
from zkpot.field.prime import two_adic_split


def test_bn254_primes_from_seed() -> None:
    u = 4965661367192848881
    assert u == bn254.SEED
    assert 36 * u**4 + 36 * u**3 + 24 * u**2 + 6 * u + 1 == bn254.P
    assert 36 * u**4 + 36 * u**3 + 18 * u**2 + 6 * u + 1 == bn254.R
    # the values every BN254 implementation uses (EIP-196)
    assert bn254.P == 21888242871839275222246405745257275088696311157297823662689037894645226208583
    assert bn254.R == 21888242871839275222246405745257275088548364400416034343698204186575808495617
    assert bn254.P.bit_length() == bn254.R.bit_length() == 254


def test_bls12_381_primes_from_seed() -> None:
    x = -0xD201000000010000
    assert x == bls12_381.SEED
    assert x**4 - x**2 + 1 == bls12_381.R
    assert (x - 1) ** 2 * bls12_381.R % 3 == 0  # the division by 3 is exact
    assert (x - 1) ** 2 * bls12_381.R // 3 + x == bls12_381.P
    assert bls12_381.R == 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
    assert bls12_381.P.bit_length() == 381 and bls12_381.R.bit_length() == 255


@pytest.mark.parametrize("curve", [bn254, bls12_381], ids=["bn254", "bls12_381"])
def test_moduli_are_prime(curve) -> None:
    assert sympy.isprime(curve.P)
    assert sympy.isprime(curve.R)
    assert curve.Fq.MODULUS == curve.P and curve.Fr.MODULUS == curve.R


@pytest.mark.parametrize(
    ("curve", "adicity", "generator"), [(bn254, 28, 5), (bls12_381, 32, 7)], ids=["bn254", "bls"]
)
def test_two_adicity_and_generator(curve, adicity, generator) -> None:
    r = curve.R
    assert adicity == curve.Fr.TWO_ADICITY
    assert two_adic_split(r - 1) == (adicity, (r - 1) >> adicity)
    assert generator == curve.Fr.MULTIPLICATIVE_GENERATOR
    # g generates Fr* exactly when g^((r−1)/q) ≠ 1 for every prime q dividing r − 1
    for q in sympy.factorint(r - 1):
        assert pow(generator, (r - 1) // q, r) != 1, q


# p − 1 for BLS12-381 takes sympy minutes to factor; the factors are checked here instead
BLS12_381_P_MINUS_1 = {
    2: 1, 3: 2, 11: 1, 23: 1, 47: 1, 10177: 1, 859267: 1, 52437899: 1,
    2584487767265781317813: 1,
    15778400344354997994418419698270088123916926905054652752758194827714659: 1,
}  # fmt: skip


@pytest.mark.parametrize(
    ("p", "generator", "factors"),
    [
        (bn254.P, 3, None),
        (bls12_381.P, 2, BLS12_381_P_MINUS_1),
    ],
    ids=["bn254", "bls12_381"],
)
def test_base_field_generators_used_by_the_oracles(p, generator, factors) -> None:
    if factors is None:
        factors = sympy.factorint(p - 1)
    product = 1
    for q, e in factors.items():
        assert sympy.isprime(q)
        product *= q**e
    assert product == p - 1
    for q in factors:
        assert pow(generator, (p - 1) // q, p) != 1, q


@pytest.mark.parametrize("curve", [bn254, bls12_381], ids=["bn254", "bls12_381"])
def test_tower_parameters(curve) -> None:
    p = curve.P
    assert p % 4 == 3  # −1 is not a square: u² + 1 is irreducible
    assert p % 6 == 1  # the Frobenius constants ξ^((p−1)/6) exist
    xi = curve.Fq2(*curve.Fq6.XI)
    assert not xi.is_square()
    assert xi ** ((p * p - 1) // 3) != 1  # not a cube
    # the Frobenius constants are the powers they claim to be
    for k in (1, 2, 3, 6, 11):
        for e in range(6):
            gamma = curve.Fq2(*curve.Fq6.FROBENIUS[k][e])
            assert gamma == xi ** (e * (p**k - 1) // 6)


def test_two_adic_split() -> None:
    assert two_adic_split(1) == (0, 1)
    assert two_adic_split(2**40 * 3) == (40, 3)
    with pytest.raises(ValueError):
        two_adic_split(0)
