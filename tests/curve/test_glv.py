"""GLV: every derived constant, the decomposition, and the multiplication."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings

from tests.curve.strategies import CURVES, curve_id, scalars
from zkpot.curve.glv import cube_roots_of_unity, short_basis
from zkpot.curve.scalar import scalar_mul

curves = pytest.mark.parametrize("curve", CURVES, ids=curve_id)


@curves
def test_derived_constants(curve) -> None:
    glv = curve.G1.ENDOMORPHISM
    p, r = curve.P, curve.R
    assert pow(glv.beta, 3, p) == 1 and glv.beta != 1
    assert (glv.lam * glv.lam + glv.lam + 1) % r == 0  # a primitive cube root of unity mod r
    # φ(P) = (βx, y) is λ·P on G1
    P = curve.G1.random(random.Random(1))
    x, y = P.affine_raw()
    assert curve.G1(curve.Fq(glv.beta * x), curve.Fq(y)) == P * glv.lam
    # the basis vectors lie in the lattice {(a, b): a + bλ ≡ 0} and are short (≈ √r)
    for a, b in (glv.v1, glv.v2):
        assert (a + b * glv.lam) % r == 0
        assert max(abs(a), abs(b)).bit_length() <= r.bit_length() // 2 + 2
    assert abs(glv.det) == r  # a basis of the whole lattice, whose index is r


@curves
def test_decomposition(curve) -> None:
    glv = curve.G1.ENDOMORPHISM

    @settings(max_examples=200, deadline=None)
    @given(scalars(curve.R))
    def check(k) -> None:
        k1, k2 = glv.decompose(k)
        assert (k1 + k2 * glv.lam - k) % curve.R == 0
        assert max(abs(k1), abs(k2)).bit_length() <= curve.R.bit_length() // 2 + 2

    check()


@curves
def test_multiplication_matches_plain_wnaf(curve) -> None:
    G, rng = curve.G1, random.Random(2)
    P = G.random(rng)
    for k in [0, 1, 2, 3, curve.R - 1, *(rng.randrange(curve.R) for _ in range(10))]:
        expected = scalar_mul(G.KERNEL, P._jac, k)
        assert G.KERNEL.equal(G.ENDOMORPHISM.multiply(P._jac, k), expected), k
    assert G.ENDOMORPHISM.multiply(G.KERNEL.identity, 5) == G.KERNEL.identity


def test_cube_roots() -> None:
    assert sorted(cube_roots_of_unity(7)) == [2, 4]
    with pytest.raises(ValueError):
        cube_roots_of_unity(11)


def test_short_basis_small() -> None:
    r, lam = 103, 56  # 56² + 56 + 1 = 3193 = 31·103
    for a, b in short_basis(r, lam):
        assert (a + b * lam) % r == 0 and abs(a) < 20 and abs(b) < 20
