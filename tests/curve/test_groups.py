"""The group law on G1 and G2 of both curves, against the textbook affine formulas."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.curve.strategies import GROUPS, group_id, scalars, small_scalars
from zkpot.curve import InvalidInput, bls12_381, bn254
from zkpot.curve.affine import affine_add, affine_double, affine_mul, affine_neg
from zkpot.curve.scalar import scalar_mul, wnaf
from zkpot.errors import FieldMismatchError

groups = pytest.mark.parametrize("G", GROUPS, ids=group_id)
FEW = settings(max_examples=15, deadline=None)


def affine_of(P):
    return P.to_affine()


@groups
def test_generator(G) -> None:
    g = G.generator()
    assert g.is_on_curve() and g.is_in_subgroup() and not g.is_identity()
    assert (g * G.ORDER).is_identity()
    assert G.identity().is_identity() and G.identity().is_on_curve()


@groups
def test_group_axioms(G) -> None:
    @FEW
    @given(scalars(G.ORDER), scalars(G.ORDER), scalars(G.ORDER))
    def check(a, b, c) -> None:
        g = G.generator()
        P, Q, R = g * a, g * b, g * c
        neutral = G.identity()
        assert (P + Q) + R == P + (Q + R)
        assert P + Q == Q + P
        assert P + neutral == P == neutral + P
        assert (P - P).is_identity() and (P + (-P)).is_identity()
        assert P.double() == P + P == 2 * P
        assert (P * 0).is_identity() and (neutral * a).is_identity()

    check()


@groups
def test_scalar_multiplication_is_linear(G) -> None:
    @FEW
    @given(scalars(G.ORDER), scalars(G.ORDER))
    def check(a, b) -> None:
        g = G.generator()
        assert g * a + g * b == g * ((a + b) % G.ORDER)
        assert (g * a) * b == g * (a * b % G.ORDER)
        assert g * (a + G.ORDER) == g * a  # scalars are taken mod r
        assert g * (-a) == -(g * a)
        assert G.SCALAR_FIELD(a) * g == g * a  # Fr scalars, on either side

    check()


@groups
def test_jacobian_kernel_matches_affine_reference(G) -> None:
    """Every fast formula against the textbook chord-and-tangent law."""

    @settings(max_examples=10, deadline=None)
    @given(st.integers(1, 2**40), st.integers(1, 2**40), small_scalars())
    def check(a, b, k) -> None:
        gen = G.generator()
        A, B = affine_mul(affine_of(gen), a), affine_mul(affine_of(gen), b)
        P, Q = gen * a, gen * b
        assert affine_of(P) == A and affine_of(Q) == B
        assert affine_of(P + Q) == affine_add(A, B)
        assert affine_of(P.double()) == affine_add(A, A) == affine_double(A)
        assert affine_of(P - Q) == affine_add(A, affine_neg(B))
        assert affine_of(P * k) == affine_mul(A, k)
        K = G.KERNEL
        x, y = P.affine_raw()
        assert affine_of(G._from_jacobian(K.add_affine(Q._jac, x, y))) == affine_add(B, A)

    check()


@groups
def test_special_cases_of_addition(G) -> None:
    K, P = G.KERNEL, G.random(random.Random(1))
    x, y = P.affine_raw()
    assert K.equal(K.add_affine(P._jac, x, y), K.double(P._jac))  # P + P through madd
    assert K.is_identity(K.add_affine(P._jac, x, K.neg_y(y)))  # P + (−P)
    assert K.equal(K.add_affine(K.identity, x, y), P._jac)  # O + P
    assert K.equal(K.add(P._jac, P._jac), K.double(P._jac))
    assert K.is_identity(K.add(P._jac, K.neg(P._jac)))
    assert K.is_identity(K.double(K.identity))


@groups
def test_wnaf_scalar_multiplication(G) -> None:
    K, P = G.KERNEL, G.random(random.Random(2))
    A = affine_of(P)
    for k in [0, 1, 2, 3, 7, 8, 15, 16, 31, 2**64 + 1, -5]:
        assert affine_of(G._from_jacobian(scalar_mul(K, P._jac, k))) == affine_mul(A, k)


@given(st.integers(0, 2**300), st.integers(2, 7))
def test_wnaf_digits(k, w) -> None:
    digits = wnaf(k, w)
    assert sum(d << i for i, d in enumerate(digits)) == k
    for i, d in enumerate(digits):
        assert d == 0 or (d % 2 == 1 and abs(d) < 2 ** (w - 1))
        if d:  # at least w − 1 zeros follow a non-zero digit
            assert all(e == 0 for e in digits[i + 1 : i + w])


def test_wnaf_rejects_negative() -> None:
    with pytest.raises(ValueError):
        wnaf(-1, 4)


@groups
def test_equality_and_hash(G) -> None:
    g = G.generator()
    P = g * 5
    Q = g * 2 + g * 3  # the same point, different Jacobian coordinates
    assert P == Q and hash(P) == hash(Q)
    assert g != P and len({P, Q, g}) == 2
    assert G.identity() == G.identity() * 7 and hash(G.identity()) == hash(
        G.identity() + G.identity()
    )
    assert (P == "P") is False


@groups
def test_to_affine_and_constructor(G) -> None:
    P = G.random(random.Random(3))
    x, y = P.to_affine()
    assert G(x, y) == P
    assert G.identity().to_affine() is None
    assert repr(G.identity()) == f"{G.__name__}.identity()"
    assert eval(repr(P), {G.__name__: G, G.FIELD.__name__: G.FIELD}) == P


@groups
def test_off_curve_points_are_rejected(G) -> None:
    x, y = G.generator().to_affine()
    with pytest.raises(InvalidInput, match="not on the curve"):
        G(x, y + 1)
    bad = G(x, y + 1, check=False)  # trusted construction skips the checks…
    assert not bad.is_on_curve()  # …and the predicates still tell the truth


def _curve_point_outside_the_group(G):
    """An on-curve point of E(Fq) or E'(Fq2) outside the order-r subgroup."""
    b = G.FIELD._new(G.KERNEL.b)
    for n in range(1, 100):
        x = G.FIELD(n)
        rhs = x * x * x + b
        if rhs.is_square():
            P = G(x, rhs.sqrt(), check=False)
            if not P.is_in_subgroup():
                return P
    raise AssertionError("no such point among small x")


@pytest.mark.parametrize("G", [bn254.G2, bls12_381.G1, bls12_381.G2], ids=group_id)
def test_points_outside_the_subgroup_are_rejected(G) -> None:
    P = _curve_point_outside_the_group(G)
    assert P.is_on_curve() and not P.is_in_subgroup()
    x, y = P.to_affine()
    with pytest.raises(InvalidInput, match="not in the subgroup"):
        G(x, y)


def test_bn254_g1_has_cofactor_one() -> None:
    # every point of E(Fq) is in G1: #E(Fq) = p + 1 − t = r with trace t = 6u² + 1
    u = bn254.SEED
    assert bn254.P + 1 - (6 * u * u + 1) == bn254.R
    P = bn254.G1(bn254.Fq(1), bn254.Fq(2))
    assert P.is_in_subgroup() and (P * bn254.R).is_identity()


def test_bls12_381_g1_cofactor() -> None:
    x = bls12_381.SEED
    assert bls12_381.P + 1 - (x + 1) == bls12_381.R * bls12_381.G1_COFACTOR  # trace t = x + 1
    P = _curve_point_outside_the_group(bls12_381.G1)
    assert (P * 1).is_on_curve()
    cleared = bls12_381.G1._from_jacobian(
        scalar_mul(bls12_381.G1.KERNEL, P._jac, bls12_381.G1_COFACTOR)
    )
    assert cleared.is_in_subgroup()  # multiplying by the cofactor lands in G1


def test_mixing_groups_is_rejected() -> None:
    cases = [
        lambda: bn254.G1.generator() + bn254.G2.generator(),
        lambda: bn254.G1.generator() - bls12_381.G1.generator(),
        lambda: bn254.G1.generator() * bls12_381.Fr(2),
        lambda: bn254.G1(bls12_381.Fq(1), bls12_381.Fq(2)),
        lambda: bn254.G2(bn254.Fq(1), bn254.Fq(2)),
    ]
    for case in cases:
        with pytest.raises(FieldMismatchError):
            case()
    with pytest.raises(TypeError):
        bn254.G1.generator() * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        bn254.G1.generator() * True  # type: ignore[operator]
    assert (bn254.G1.generator() == bn254.G2.generator()) is False


@groups
def test_line_values_vanish_on_the_lines_three_points(G) -> None:
    """ℓ_{T,Q} is zero at T, Q and −(T + Q); the tangent's at T and −2T; the vertical's at
    T and −T — and not at a point off the line."""
    from zkpot.curve.affine import line_value, miller_add_step, miller_double_step

    gen = affine_of(G.generator())
    T, Q, S = affine_mul(gen, 5), affine_mul(gen, 11), affine_mul(gen, 23)
    third = affine_neg(affine_add(T, Q))
    assert line_value(T, Q, T) == line_value(T, Q, Q) == line_value(T, Q, third) == 0
    assert line_value(T, Q, S) != 0
    assert line_value(T, T, T) == line_value(T, T, affine_neg(affine_double(T))) == 0
    assert line_value(T, affine_neg(T), S) == S[0] - T[0]
    assert miller_double_step(T, S) == (affine_double(T), line_value(T, T, S))
    assert miller_add_step(T, Q, S) == (affine_add(T, Q), line_value(T, Q, S))
    with pytest.raises(ValueError):
        line_value(None, Q, S)
