"""Cross-checks against independent implementations.

- galois for the prime fields (built with the primitive element given and
  ``verify=False``: verifying a 254-bit field's primitive element takes minutes);
- sympy for the tower: each level is also Fq[x]/(f(x)) for one polynomial f,
  so its products and inverses are polynomial products and inverses mod f;
- py_ecc's FQ2 and FQ12, which use exactly those flat representations.
"""

from __future__ import annotations

import galois
import numpy as np
import pytest
from hypothesis import given, settings
from py_ecc import optimized_bls12_381, optimized_bn128
from sympy import GF, Poly, symbols

from tests.field.strategies import elements, field_id, nonzero_elements
from zkpot.field import bls12_381, bn254

X = symbols("x")

# ------------------------------------------------------------- prime fields: galois

GALOIS = {  # field -> a multiplicative generator (checked in test_derivation.py)
    bn254.Fr: 5,
    bls12_381.Fr: 7,
    bn254.Fq: 3,
    bls12_381.Fq: 2,
}


@pytest.fixture(scope="module", params=list(GALOIS), ids=field_id)
def prime_pair(request):
    F = request.param
    return F, galois.GF(F.MODULUS, primitive_element=GALOIS[F], verify=False)


def test_prime_field_arithmetic_matches_galois(prime_pair) -> None:
    F, G = prime_pair

    @settings(max_examples=100, deadline=None)
    @given(elements(F), nonzero_elements(F))
    def check(a, b) -> None:
        ga, gb = G(int(a)), G(int(b))
        assert int(a + b) == int(ga + gb)
        assert int(a - b) == int(ga - gb)
        assert int(a * b) == int(ga * gb)
        assert int(a / b) == int(ga / gb)
        assert int(b.inverse()) == int(np.reciprocal(gb))
        assert int(a**12345) == int(ga**12345)
        assert a.is_square() == bool(ga.is_square())
        assert a.legendre() == galois.legendre_symbol(int(a), F.MODULUS)
        if a.is_square():
            assert int(a.sqrt()) == int(np.sqrt(G([int(a)]))[0])  # both: the smaller root

    check()


@pytest.mark.parametrize("F", [bn254.Fr, bls12_381.Fr], ids=field_id)
def test_roots_of_unity_match_galois(F) -> None:
    G = galois.GF(F.MODULUS, primitive_element=F.MULTIPLICATIVE_GENERATOR, verify=False)
    for k in (0, 1, 5, F.TWO_ADICITY):
        n = 1 << k
        assert int(F.root_of_unity(n)) == int(G.primitive_element ** ((F.MODULUS - 1) // n))


# ----------------------------------------------------------- the tower: sympy


def flat_polynomial(a) -> list[int]:
    """The element's coefficients in the flat basis of Fq[x]/(f(x)) (see the method)."""
    return a.polynomial_coefficients()


def defining_polynomial(F) -> Poly:
    """u² + 1 for Fq2; (x^(d/2) − ξ₀)² + ξ₁² for Fq6 (d = 6) and Fq12 (d = 12)."""
    domain = GF(F.MODULUS, symmetric=False)
    if F.DEGREE == 2:
        return Poly(X**2 + 1, X, domain=domain)
    xi0, xi1 = F.XI
    return Poly((X ** (F.DEGREE // 2) - xi0) ** 2 + xi1**2, X, domain=domain)


def as_poly(a) -> Poly:
    return Poly(list(reversed(flat_polynomial(a))), X, domain=GF(type(a).MODULUS, symmetric=False))


def coefficients(poly: Poly, degree: int) -> list[int]:
    c = [int(x) for x in reversed(poly.all_coeffs())]
    return c + [0] * (degree - len(c))


TOWER = [bn254.Fq2, bn254.Fq6, bn254.Fq12, bls12_381.Fq2, bls12_381.Fq6, bls12_381.Fq12]


@pytest.mark.parametrize("F", TOWER, ids=field_id)
def test_tower_matches_sympy_polynomials(F) -> None:
    f = defining_polynomial(F)
    assert f.is_irreducible  # the tower is a field exactly when f is irreducible

    @settings(max_examples=25, deadline=None)
    @given(elements(F), nonzero_elements(F))
    def check(a, b) -> None:
        pa, pb = as_poly(a), as_poly(b)
        assert flat_polynomial(a * b) == coefficients((pa * pb).rem(f), F.DEGREE)
        assert flat_polynomial(a.square()) == coefficients((pa * pa).rem(f), F.DEGREE)
        assert flat_polynomial(b.inverse()) == coefficients(pb.invert(f), F.DEGREE)
        assert flat_polynomial(a + b) == coefficients(pa + pb, F.DEGREE)

    check()


# --------------------------------------------------------------- py_ecc's FQ12

PY_ECC = [
    (bn254.Fq2, optimized_bn128.FQ2),
    (bn254.Fq12, optimized_bn128.FQ12),
    (bls12_381.Fq2, optimized_bls12_381.FQ2),
    (bls12_381.Fq12, optimized_bls12_381.FQ12),
]


@pytest.mark.parametrize(("F", "Ref"), PY_ECC, ids=lambda x: getattr(x, "__name__", ""))
def test_tower_matches_py_ecc(F, Ref) -> None:
    assert Ref.field_modulus == F.MODULUS
    assert defining_polynomial(F) == Poly(
        [1] + [c for c in reversed(Ref.one().modulus_coeffs)],
        X,
        domain=GF(F.MODULUS, symmetric=False),
    )

    @settings(max_examples=25, deadline=None)
    @given(elements(F), nonzero_elements(F))
    def check(a, b) -> None:
        ra, rb = Ref(flat_polynomial(a)), Ref(flat_polynomial(b))
        assert flat_polynomial(a * b) == [int(c) % F.MODULUS for c in (ra * rb).coeffs]
        assert flat_polynomial(b.inverse()) == [int(c) % F.MODULUS for c in rb.inv().coeffs]

    check()
