"""Dense polynomials: every operation against sympy's ``Poly`` over GF(r).

Interpolation is checked against an independent method: solving the Vandermonde
system with sympy's ``DomainMatrix`` over GF(r) (zkpot uses Lagrange's formula).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import GF, Poly, symbols
from sympy.polys.matrices import DomainMatrix

import zkpot.poly.polynomial as polynomial_module
from tests.field.strategies import coefficient, elements, field_id
from zkpot.errors import FieldMismatchError, NotInvertibleError, ZkpotError
from zkpot.field import bls12_381, bn254
from zkpot.poly.polynomial import NTT_THRESHOLD, Polynomial

X = symbols("x")
SCALAR_FIELDS = [bn254.Fr, bls12_381.Fr]
scalar_fields = pytest.mark.parametrize("F", SCALAR_FIELDS, ids=field_id)
R = bn254.R


# ------------------------------------------------------------------ helpers


def to_sympy(a: Polynomial) -> Poly:
    return Poly(list(reversed(a.coeffs)), X, domain=GF(a.field.MODULUS, symmetric=False))


def from_sympy(poly: Poly) -> list[int]:
    """Coefficients lowest first, as canonical ints, with no trailing zeros."""
    if poly.is_zero:
        return []
    return [int(c) for c in reversed(poly.all_coeffs())]


def polys(F, max_size: int = 12, min_size: int = 0) -> st.SearchStrategy[Polynomial]:
    """Polynomials over F, with trailing zeros now and then (they must be trimmed)."""
    return st.lists(coefficient(F.MODULUS), min_size=min_size, max_size=max_size).map(
        lambda c: Polynomial(c, F)
    )


def nonzero_polys(F, max_size: int = 8) -> st.SearchStrategy[Polynomial]:
    return polys(F, max_size, min_size=1).filter(lambda a: not a.is_zero())


def random_poly(F, size: int, seed: int) -> Polynomial:
    rng = random.Random(seed)
    return Polynomial([rng.randrange(F.MODULUS) for _ in range(size - 1)] + [1 + seed], F)


def vandermonde_solve(xs: list[int], ys: list[int], p: int) -> list[int]:
    """The coefficients c with Σⱼ cⱼ·xᵢʲ = yᵢ, by Gaussian elimination over GF(p)."""
    K, n = GF(p, symmetric=False), len(xs)
    V = DomainMatrix([[K(x) ** j for j in range(n)] for x in xs], (n, n), K)
    b = DomainMatrix([[K(y)] for y in ys], (n, 1), K)
    coeffs = [int(row[0]) for row in V.lu_solve(b).to_list()]
    while coeffs and coeffs[-1] == 0:
        coeffs.pop()
    return coeffs


# ------------------------------------------------------------- construction


@scalar_fields
def test_construction_trims_trailing_zeros(F) -> None:
    assert Polynomial([1, 2, 0, 0], F).coeffs == [1, 2]
    assert Polynomial([0, 0, 0], F).coeffs == []
    assert Polynomial([0, 0, 3], F).coeffs == [0, 0, 3]  # leading (low) zeros stay
    assert Polynomial([1, F.MODULUS], F).coeffs == [1]  # p ≡ 0 is trimmed too
    assert Polynomial([5, F(0)], F).degree == 0


@scalar_fields
def test_degree_and_zero(F) -> None:
    assert Polynomial([], F).degree == -1
    assert Polynomial.zero(F).degree == -1
    assert Polynomial.zero(F).is_zero()
    assert Polynomial.zero(F) == Polynomial([0, 0], F)
    assert not Polynomial([0, 1], F).is_zero()
    assert Polynomial([7], F).degree == 0
    assert Polynomial([1, 2, 3, 4], F).degree == 3
    assert Polynomial.zero(F).field is F


@scalar_fields
def test_construction_from_ints_and_elements(F) -> None:
    p = F.MODULUS
    from_ints = Polynomial([1, -1, p + 3, -p, 2 * p - 1], F)
    assert from_ints.coeffs == [1, p - 1, 3, 0, p - 1]
    from_elements = Polynomial([F(1), F(-1), F(3), F(0), F(-1)], F)
    assert from_elements == from_ints
    assert Polynomial([F(2), 3, F(4)], F).coeffs == [2, 3, 4]  # mixed
    assert Polynomial((1, 2), F).coeffs == [1, 2]  # any sequence
    assert all(0 <= c < p for c in from_ints.coeffs)


def test_default_field_is_bn254_fr() -> None:
    a = Polynomial([1, 2])
    assert a.field is bn254.Fr
    assert a(1) == bn254.Fr(3)
    assert type(a(1)) is bn254.Fr
    assert Polynomial.zero().field is bn254.Fr
    assert Polynomial.from_roots([1]).field is bn254.Fr
    assert Polynomial.interpolate([1], [2]).field is bn254.Fr


def test_repr() -> None:
    assert repr(Polynomial([1, 2])) == "Polynomial([1, 2], Fr)"
    assert repr(Polynomial([], bls12_381.Fr)) == "Polynomial([], Fr)"


def test_polynomials_are_unhashable() -> None:
    with pytest.raises(TypeError):
        hash(Polynomial([1]))


# ------------------------------------------------------------------- equality


@scalar_fields
def test_equality(F) -> None:
    a = Polynomial([1, 2, 3], F)
    assert a == Polynomial([1, 2, 3, 0], F)
    assert a != Polynomial([1, 2], F)
    assert a != Polynomial([1, 2, 4], F)
    # constants compare equal to ints and field elements
    assert Polynomial([5], F) == 5
    assert Polynomial([5], F) == 5 + F.MODULUS
    assert Polynomial([F.MODULUS - 1], F) == -1
    assert Polynomial([5], F) == F(5)
    assert Polynomial([], F) == 0
    assert Polynomial([], F) == F(0)
    assert 5 == Polynomial([5], F)  # noqa: SIM300  (the reflected comparison)
    assert Polynomial([5, 1], F) != 5
    assert Polynomial([5], F) != 6


def test_equality_across_fields_and_with_foreign_objects_is_false() -> None:
    assert Polynomial([1, 2], bn254.Fr) != Polynomial([1, 2], bls12_381.Fr)
    assert Polynomial([], bn254.Fr) != Polynomial([], bls12_381.Fr)
    a = Polynomial([1])
    for other in (None, "1", 1.0, [1], True, object()):
        assert (a == other) is False
        assert (a != other) is True


def test_equality_with_a_scalar_of_another_field_is_false() -> None:
    # as Fr(1) == Fq(1) is False, and Polynomial([1], Fr) == Polynomial([1], Fq)
    assert (Polynomial([1], bn254.Fr) == bn254.Fq(1)) is False
    assert (bn254.Fq(1) == Polynomial([1], bn254.Fr)) is False
    assert Polynomial([1], bn254.Fr) not in [bn254.Fq(1)]


def test_coefficients_cannot_be_changed_from_outside() -> None:
    a = Polynomial([1, 2, 3])
    a.coeffs.append(0)
    a.coeffs[0] = 9
    assert a.coeffs == [1, 2, 3] and a.degree == 2
    with pytest.raises(AttributeError):
        a.coeffs = [4]  # type: ignore[misc]


# --------------------------------------------------------- ring operations


@scalar_fields
def test_ring_operations_match_sympy(F) -> None:
    @settings(max_examples=40, deadline=None)
    @given(polys(F), polys(F))
    def check(a, b) -> None:
        sa, sb = to_sympy(a), to_sympy(b)
        assert (a + b).coeffs == from_sympy(sa + sb)
        assert (a - b).coeffs == from_sympy(sa - sb)
        assert (-a).coeffs == from_sympy(-sa)
        assert (a * b).coeffs == from_sympy(sa * sb)
        for result in (a + b, a - b, -a, a * b):
            assert result.field is F
            assert not result.coeffs or result.coeffs[-1] != 0

    check()


@scalar_fields
def test_cancellation_gives_the_zero_polynomial(F) -> None:
    a = Polynomial([1, 2, 3], F)
    b = Polynomial([4, 5, 3], F)
    assert (a - b).coeffs == [F.MODULUS - 3, F.MODULUS - 3]  # the X² terms cancel: trimmed
    assert (a - a).degree == -1
    assert (a + (-a)).is_zero()
    assert -Polynomial.zero(F) == Polynomial.zero(F)


@scalar_fields
def test_scalar_operands(F) -> None:
    a = Polynomial([1, 2, 3], F)
    assert a + 5 == 5 + a == Polynomial([6, 2, 3], F)
    assert a + F(5) == F(5) + a == Polynomial([6, 2, 3], F)
    assert a - 1 == Polynomial([0, 2, 3], F)
    assert 1 - a == Polynomial([0, -2, -3], F)
    assert F(1) - a == Polynomial([0, -2, -3], F)
    assert a * 3 == 3 * a == a * F(3) == F(3) * a == Polynomial([3, 6, 9], F)
    assert a * -1 == -a
    assert a * F.MODULUS == Polynomial.zero(F)
    assert (a * 0).degree == -1
    assert a * Polynomial([3], F) == a * 3
    assert Polynomial.zero(F) * a == Polynomial.zero(F)


@scalar_fields
def test_ring_laws(F) -> None:
    @settings(max_examples=20, deadline=None)
    @given(polys(F, 8), polys(F, 8), polys(F, 8))
    def check(a, b, c) -> None:
        assert a + b == b + a
        assert a * b == b * a
        assert (a + b) + c == a + (b + c)
        assert (a * b) * c == a * (b * c)
        assert a * (b + c) == a * b + a * c
        assert a - b == -(b - a)
        if not a.is_zero() and not b.is_zero():
            assert (a * b).degree == a.degree + b.degree

    check()


# ------------------------------------------------------- the NTT product path


@pytest.fixture
def ntt_calls(monkeypatch):
    """Records the sizes of every product that goes through the NTT."""
    calls: list[tuple[int, int]] = []
    real = polynomial_module._ntt_product

    def spy(a, b, field):
        calls.append((len(a), len(b)))
        return real(a, b, field)

    monkeypatch.setattr(polynomial_module, "_ntt_product", spy)
    return calls


def test_ntt_threshold_is_64() -> None:
    assert NTT_THRESHOLD == 64


@scalar_fields
@pytest.mark.parametrize(
    ("m", "n"), [(64, 64), (64, 65), (65, 64), (64, 66), (100, 130), (128, 129)]
)
def test_large_products_use_the_ntt_and_match_sympy(F, m, n, ntt_calls, monkeypatch) -> None:
    a, b = random_poly(F, m, seed=m), random_poly(F, n, seed=n + 1)
    product = a * b
    assert ntt_calls == [(m, n)]
    assert product.coeffs == from_sympy(to_sympy(a) * to_sympy(b))
    assert product.degree == m + n - 2
    monkeypatch.setattr(polynomial_module, "NTT_THRESHOLD", 10**9)  # force schoolbook
    assert a * b == product
    assert ntt_calls == [(m, n)]


@scalar_fields
def test_products_below_the_threshold_are_schoolbook(F, ntt_calls) -> None:
    a, b = random_poly(F, 63, seed=1), random_poly(F, 200, seed=2)
    assert (a * b).coeffs == from_sympy(to_sympy(a) * to_sympy(b))
    assert (b * a).coeffs == (a * b).coeffs
    assert random_poly(F, 200, seed=3) * 7 == Polynomial(
        [7 * c for c in random_poly(F, 200, seed=3).coeffs], F
    )
    assert ntt_calls == []


@scalar_fields
def test_ntt_product_with_cancellation_and_sparse_factors(F, ntt_calls) -> None:
    # (X⁶⁴ − 1)(X⁶⁴ + 1) = X¹²⁸ − 1: a product whose NTT values are mostly zero
    a = Polynomial([-1] + [0] * 63 + [1], F)
    b = Polynomial([1] + [0] * 63 + [1], F)
    assert a * b == Polynomial([-1] + [0] * 127 + [1], F)
    assert ntt_calls == [(65, 65)]


# ------------------------------------------------------------------- division


@scalar_fields
def test_divmod_matches_sympy(F) -> None:
    @settings(max_examples=40, deadline=None)
    @given(polys(F, 14), nonzero_polys(F))
    def check(a, b) -> None:
        q, r = divmod(a, b)
        sq, sr = divmod(to_sympy(a), to_sympy(b))
        assert q.coeffs == from_sympy(sq)
        assert r.coeffs == from_sympy(sr)
        assert a // b == q
        assert a % b == r
        assert q * b + r == a
        assert r.degree < b.degree or (r.is_zero() and b.degree == 0)

    check()


@scalar_fields
def test_exact_division(F) -> None:
    @settings(max_examples=20, deadline=None)
    @given(polys(F, 8), nonzero_polys(F, 6))
    def check(a, b) -> None:
        assert divmod(a * b, b) == (a, Polynomial.zero(F))

    check()


@scalar_fields
def test_division_edge_cases(F) -> None:
    a = Polynomial([1, 2, 3], F)
    big = Polynomial([0, 0, 0, 0, 1], F)
    assert divmod(a, big) == (Polynomial.zero(F), a)  # deg a < deg b
    assert divmod(Polynomial.zero(F), a) == (Polynomial.zero(F), Polynomial.zero(F))
    assert divmod(a, 2) == (a * F(2).inverse(), Polynomial.zero(F))  # by a constant
    assert a // F(3) == a * F(3).inverse()
    assert a % 3 == 0
    assert divmod(a, a) == (Polynomial([1], F), Polynomial.zero(F))
    # X⁴ ÷ (X² + 1) = X² − 1, remainder 1
    assert divmod(big, Polynomial([1, 0, 1], F)) == (Polynomial([-1, 0, 1], F), Polynomial([1], F))


@scalar_fields
def test_division_by_zero_is_not_invertible(F) -> None:
    a = Polynomial([1, 2, 3], F)
    for attempt in (
        lambda: divmod(a, Polynomial.zero(F)),
        lambda: a // Polynomial([0, 0], F),
        lambda: a % Polynomial([], F),
        lambda: a // 0,
        lambda: a % F(0),
        lambda: divmod(a, F.MODULUS),
        lambda: divmod(Polynomial.zero(F), Polynomial.zero(F)),
    ):
        with pytest.raises(NotInvertibleError, match="division by zero"):
            attempt()
    assert issubclass(NotInvertibleError, ZeroDivisionError)
    assert issubclass(NotInvertibleError, ZkpotError)


@scalar_fields
def test_divide_by_linear_matches_sympy(F) -> None:
    @settings(max_examples=40, deadline=None)
    @given(polys(F, 14), elements(F))
    def check(a, z) -> None:
        q, remainder = a.divide_by_linear(z)
        linear = Polynomial([-z, 1], F)  # X − z
        sq, sr = divmod(to_sympy(a), to_sympy(linear))
        assert q.coeffs == from_sympy(sq)
        assert type(remainder) is F
        assert int(remainder) == (int(sr.eval(0)) if not sr.is_zero else 0)
        assert remainder == a(z)
        assert q * linear + remainder == a  # a = q·(X − z) + a(z)
        assert a.divide_by_linear(int(z)) == (q, remainder)
        assert divmod(a, linear) == (q, Polynomial([remainder], F))

    check()


@scalar_fields
def test_divide_by_linear_edge_cases(F) -> None:
    q, r = Polynomial.zero(F).divide_by_linear(3)
    assert q == Polynomial.zero(F)
    assert r == F(0)
    assert type(r) is F
    q, r = Polynomial([9], F).divide_by_linear(3)
    assert (q, r) == (Polynomial.zero(F), F(9))
    # X³ + X + 5 = (X² + 3X + 10)(X − 3) + 35
    q, r = Polynomial([5, 1, 0, 1], F).divide_by_linear(3)
    assert q == Polynomial([10, 3, 1], F)
    assert r == F(35)
    # a root gives remainder zero; a negative z is reduced
    q, r = Polynomial.from_roots([2, -7], F).divide_by_linear(-7)
    assert (q, r) == (Polynomial([-2, 1], F), F(0))


# ----------------------------------------------------------------- evaluation


@scalar_fields
def test_evaluation_matches_sympy(F) -> None:
    @settings(max_examples=40, deadline=None)
    @given(polys(F, 14), elements(F))
    def check(a, x) -> None:
        expected = int(to_sympy(a).eval(int(x))) % F.MODULUS
        assert a(x) == F(expected)
        assert type(a(x)) is F
        assert a(int(x)) == a(x)
        assert a.evaluate(x) == a(x)
        assert a.evaluate_int(int(x)) == expected

    check()


@scalar_fields
def test_evaluation_reduces_its_argument(F) -> None:
    p = F.MODULUS
    a = Polynomial([5, 1, 0, 1], F)  # X³ + X + 5
    assert a(3) == F(35)
    assert a(3 + p) == F(35)
    assert a(-1) == F(3)
    assert a(p - 1) == F(3)
    assert a.evaluate_int(-1) == 3
    assert a.evaluate_int(3 + 5 * p) == 35
    assert a(0) == F(5)
    assert Polynomial.zero(F)(12345) == F(0)
    assert Polynomial([7], F)(F(-1)) == F(7)


@scalar_fields
def test_evaluation_is_a_ring_homomorphism(F) -> None:
    @settings(max_examples=25, deadline=None)
    @given(polys(F, 10), polys(F, 10), elements(F))
    def check(a, b, x) -> None:
        assert (a * b)(x) == a(x) * b(x)
        assert (a + b)(x) == a(x) + b(x)
        assert (a - b)(x) == a(x) - b(x)
        assert (-a)(x) == -a(x)
        assert (a * x)(x) == a(x) * x

    check()


@scalar_fields
def test_evaluation_of_a_large_ntt_product(F) -> None:
    a, b = random_poly(F, 90, seed=5), random_poly(F, 70, seed=6)
    for x in (0, 1, -1, 123456789, F.MODULUS - 2):
        assert (a * b)(x) == a(x) * b(x)


# -------------------------------------------------------- interpolation, roots


@scalar_fields
def test_interpolate_matches_a_vandermonde_solve(F) -> None:
    p = F.MODULUS

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(coefficient(p), min_size=1, max_size=10, unique=True).flatmap(
            lambda xs: st.tuples(
                st.just(xs), st.lists(coefficient(p), min_size=len(xs), max_size=len(xs))
            )
        )
    )
    def check(points) -> None:
        xs, ys = points
        a = Polynomial.interpolate(xs, ys, F)
        assert a.coeffs == vandermonde_solve(xs, ys, p)
        assert a.degree < len(xs)
        assert [a(x) for x in xs] == [F(y) for y in ys]
        assert Polynomial.interpolate([F(x) for x in xs], [F(y) for y in ys], F) == a

    check()


@scalar_fields
def test_interpolate_recovers_a_polynomial(F) -> None:
    @settings(max_examples=20, deadline=None)
    @given(polys(F, 12))
    def check(a) -> None:
        n = max(a.degree + 1, 1) + 2  # more points than needed still gives a back
        xs = [3 * i + 1 for i in range(n)]
        assert Polynomial.interpolate(xs, [a(x) for x in xs], F) == a

    check()


@scalar_fields
def test_interpolate_edge_cases(F) -> None:
    assert Polynomial.interpolate([], [], F) == Polynomial.zero(F)
    assert Polynomial.interpolate([5], [9], F) == Polynomial([9], F)
    assert Polynomial.interpolate([1, 2, 3], [0, 0, 0], F).is_zero()
    # a line through (−1, 0) and (1, 2): X + 1; negative xs are reduced
    assert Polynomial.interpolate([-1, 1], [0, 2], F) == Polynomial([1, 1], F)


@scalar_fields
def test_interpolate_rejects_bad_points(F) -> None:
    p = F.MODULUS
    with pytest.raises(ValueError, match="distinct"):
        Polynomial.interpolate([1, 2, 1], [4, 5, 6], F)
    with pytest.raises(ValueError, match="distinct"):
        Polynomial.interpolate([1, p + 1], [4, 5], F)  # equal modulo p
    with pytest.raises(ValueError, match="distinct"):
        Polynomial.interpolate([F(-1), p - 1], [4, 4], F)
    with pytest.raises(ValueError, match="2 xs and 3 ys"):
        Polynomial.interpolate([1, 2], [1, 2, 3], F)
    with pytest.raises(ValueError, match="3 xs and 2 ys"):
        Polynomial.interpolate([1, 2, 3], [1, 2], F)
    with pytest.raises(ValueError, match="0 xs and 1 ys"):
        Polynomial.interpolate([], [1], F)


@scalar_fields
def test_from_roots_matches_sympy(F) -> None:
    p = F.MODULUS
    K = GF(p, symmetric=False)

    @settings(max_examples=25, deadline=None)
    @given(st.lists(coefficient(p), max_size=10))
    def check(roots) -> None:
        a = Polynomial.from_roots(roots, F)
        expected = Poly(1, X, domain=K)
        for r in roots:
            expected = expected * Poly([1, -r], X, domain=K)
        assert a.coeffs == from_sympy(expected)
        assert a.degree == len(roots)
        assert a.coeffs[-1] == 1  # monic
        for r in roots:
            assert a(r) == 0
        assert Polynomial.from_roots([F(r) for r in roots], F) == a

    check()


@scalar_fields
def test_from_roots_edge_cases(F) -> None:
    assert Polynomial.from_roots([], F) == Polynomial([1], F)
    assert Polynomial.from_roots([3], F) == Polynomial([-3, 1], F)
    assert Polynomial.from_roots([2, 2], F) == Polynomial([4, -4, 1], F)  # repeated roots
    roots = list(range(70))  # long enough that the product grows past NTT_THRESHOLD
    a = Polynomial.from_roots(roots, F)
    assert a.degree == 70
    assert all(a(r) == 0 for r in (0, 1, 35, 69))
    assert a(70) != 0


# ------------------------------------------------------------------- errors


def test_mixing_fields_is_rejected() -> None:
    a, b = Polynomial([1, 2], bn254.Fr), Polynomial([1, 2], bls12_381.Fr)
    for attempt in (
        lambda: a + b,
        lambda: a - b,
        lambda: a * b,
        lambda: divmod(a, b),
        lambda: a // b,
        lambda: a % b,
        lambda: b + a,
    ):
        with pytest.raises(FieldMismatchError, match="cannot combine polynomials over Fr and Fr"):
            attempt()
    for attempt in (
        lambda: a + bls12_381.Fr(1),
        lambda: bls12_381.Fr(1) + a,
        lambda: a * bn254.Fq(2),
        lambda: bn254.Fq(2) * a,
        lambda: a - bn254.Fq(2),
        lambda: bn254.Fq(2) - a,
        lambda: a // bn254.Fq(2),
        lambda: a(bn254.Fq(1)),
        lambda: a.divide_by_linear(bls12_381.Fr(1)),
        lambda: Polynomial([1, bn254.Fq(1)]),
        lambda: Polynomial([bn254.Fr(1)], bls12_381.Fr),
        lambda: Polynomial.from_roots([bn254.Fq(1)]),
        lambda: Polynomial.interpolate([bn254.Fq(1)], [1]),
        lambda: Polynomial.interpolate([1], [bls12_381.Fr(1)]),
    ):
        with pytest.raises(FieldMismatchError, match="value where Fr was expected"):
            attempt()
    assert issubclass(FieldMismatchError, TypeError)


@pytest.mark.parametrize("bad", [True, False, 1.0, "1", None, b"\x01", [1]])
def test_bad_coefficient_types_are_type_errors(bad) -> None:
    with pytest.raises(TypeError, match="expected ints or Fr elements"):
        Polynomial([1, bad])
    with pytest.raises(TypeError, match="expected ints or Fr elements"):
        Polynomial.from_roots([bad])
    with pytest.raises(TypeError, match="expected ints or Fr elements"):
        Polynomial.interpolate([1, bad], [1, 2])
    with pytest.raises(TypeError, match="expected ints or Fr elements"):
        Polynomial([1, 2])(bad)
    with pytest.raises(TypeError, match="expected ints or Fr elements"):
        Polynomial([1, 2]).divide_by_linear(bad)


@pytest.mark.parametrize("bad", [True, 1.5, "x", None, [1, 2]])
def test_bad_operands_are_type_errors(bad) -> None:
    a = Polynomial([1, 2])
    for attempt in (
        lambda: a + bad,
        lambda: bad + a,
        lambda: a - bad,
        lambda: bad - a,
        lambda: a * bad,
        lambda: divmod(a, bad),
        lambda: a // bad,
        lambda: a % bad,
    ):
        with pytest.raises(TypeError):
            attempt()
    with pytest.raises(TypeError):
        Polynomial(5)  # type: ignore[arg-type]
