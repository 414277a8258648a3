"""Evaluation domains H = {ωⁱ} and polynomials in evaluation form.

The oracles are direct evaluation (Horner, itself checked against sympy in
test_polynomial.py), Lagrange interpolation, and galois's NTT (``np.fft.fft`` on
a FieldArray; see test_ntt.py for why not ``galois.ntt``).
"""

from __future__ import annotations

import random

import galois
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.field.strategies import F_97, coefficient, elements, field_id
from zkpot.errors import FieldMismatchError, RootOfUnityError
from zkpot.field import bls12_381, bn254, prime_field
from zkpot.poly.domain import EvaluationDomain, Evaluations
from zkpot.poly.ntt import bit_reverse_permutation
from zkpot.poly.polynomial import Polynomial

SCALAR_FIELDS = [bn254.Fr, bls12_381.Fr]
scalar_fields = pytest.mark.parametrize("F", SCALAR_FIELDS, ids=field_id)
DOMAINS = [(F, n) for F in SCALAR_FIELDS for n in (1, 2, 4, 8, 32)] + [(F_97, 8), (F_97, 32)]
domains = pytest.mark.parametrize(
    ("F", "n"), DOMAINS, ids=[f"{field_id(F)}-{n}" for F, n in DOMAINS]
)


def random_ints(F, count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(F.MODULUS) for _ in range(count)]


def outside(H: EvaluationDomain, seed: int) -> list[int]:
    """Points not in H: the coset shift, small ints and random values."""
    rng, roots = random.Random(seed), set(H.roots())
    candidates = [int(H.coset_shift), 2, 3, H.modulus - 2, *random_ints(H.field, 4, seed)]
    if H.modulus > 1000:
        candidates.append(rng.randrange(H.modulus))
    return [z for z in candidates if z not in roots]


@pytest.fixture(scope="module")
def blob_domain() -> EvaluationDomain:
    """BLS12-381's domain of 4096: EIP-4844's blob domain."""
    return EvaluationDomain(4096, bls12_381.Fr)


# ------------------------------------------------------------------ the domain


@domains
def test_elements_are_the_powers_of_omega(F, n) -> None:
    H = EvaluationDomain(n, F)
    assert H.size == n
    assert H.field is F
    assert H.modulus == F.MODULUS
    assert H.omega == F.root_of_unity(n)
    assert type(H.omega) is F
    elements_ = H.elements()
    assert elements_ == [H.omega**i for i in range(n)]
    assert all(type(w) is F for w in elements_)
    assert H.roots() == [int(w) for w in elements_]
    assert len(set(H.roots())) == n  # n distinct points
    assert all(w**n == 1 for w in elements_)
    roots = H.roots()
    roots.append(0)
    assert len(H.roots()) == n  # roots() is a copy


def test_default_field_is_bn254_fr() -> None:
    H = EvaluationDomain(4)
    assert H.field is bn254.Fr
    assert EvaluationDomain(4, bn254.Fr) == H


def test_generators_are_those_of_snarkjs_and_eip4844(blob_domain) -> None:
    r = bn254.R
    H = EvaluationDomain(1024, bn254.Fr)
    assert H.coset_shift == bn254.Fr(5)
    assert int(H.omega) == pow(5, (r - 1) // 1024, r)
    r = bls12_381.R
    assert blob_domain.coset_shift == bls12_381.Fr(7)
    assert int(blob_domain.omega) == pow(7, (r - 1) // 4096, r)
    assert blob_domain.omega**2048 == -1  # order exactly 4096


def test_domain_equality_hash_and_repr() -> None:
    a, b = EvaluationDomain(8, bn254.Fr), EvaluationDomain(8, bn254.Fr)
    assert a == b
    assert hash(a) == hash(b)
    assert a != EvaluationDomain(4, bn254.Fr)
    assert a != EvaluationDomain(8, bls12_381.Fr)
    assert a != 8
    assert len({a, b, EvaluationDomain(4, bn254.Fr)}) == 2
    assert repr(a) == "EvaluationDomain(8, Fr)"


@pytest.mark.parametrize("n", [0, -1, -4, 3, 6, 12, 100, 4.0, "8", None])
def test_domain_size_must_be_a_power_of_two(n) -> None:
    with pytest.raises(RootOfUnityError, match="power of two"):
        EvaluationDomain(n, bn254.Fr)
    assert issubclass(RootOfUnityError, ValueError)


@scalar_fields
def test_domain_size_beyond_the_two_adicity_is_rejected(F) -> None:
    for n in (1 << (F.TWO_ADICITY + 1), 1 << (F.TWO_ADICITY + 5)):
        with pytest.raises(RootOfUnityError, match=f"up to 2\\^{F.TWO_ADICITY}"):
            EvaluationDomain(n, F)


def test_domain_needs_a_field_with_a_generator() -> None:
    with pytest.raises(RootOfUnityError, match="no multiplicative generator"):
        EvaluationDomain(4, prime_field("F13", 13))
    with pytest.raises(RootOfUnityError, match="up to 2\\^5"):
        EvaluationDomain(64, F_97)  # 96 = 2⁵·3


# -------------------------------------------------------------- the transforms


@domains
def test_ntt_evaluates_on_the_domain_and_intt_inverts_it(F, n) -> None:
    H = EvaluationDomain(n, F)
    for size in {0, 1, n // 2, n}:  # fewer coefficients are zero-padded
        coeffs = random_ints(F, size, seed=size)
        a = Polynomial(coeffs, F)
        values = H.ntt(coeffs)
        assert values == [a.evaluate_int(w) for w in H.roots()]
        assert H.intt(values) == coeffs + [0] * (n - size)
        assert H.ntt([F(c) for c in coeffs]) == values  # elements work too
    assert H.intt([F(3)] * n) == [3] + [0] * (n - 1)


@scalar_fields
def test_domain_ntt_matches_galois(F) -> None:
    G = galois.GF(F.MODULUS, primitive_element=F.MULTIPLICATIVE_GENERATOR, verify=False)
    for n in (1, 16, 256):
        H = EvaluationDomain(n, F)
        coeffs = random_ints(F, n, seed=n)
        assert H.ntt(coeffs) == [int(v) for v in np.fft.fft(G(coeffs))]
        assert H.intt(coeffs) == [int(v) for v in np.fft.ifft(G(coeffs))]


@domains
def test_coset_ntt_evaluates_on_the_coset(F, n) -> None:
    H = EvaluationDomain(n, F)
    g = H.coset_shift
    assert g == F(F.MULTIPLICATIVE_GENERATOR)
    coset = [g * w for w in H.elements()]
    assert not set(map(int, coset)) & set(H.roots())  # gH ∩ H = ∅
    for size in {1, n // 2 or 1, n}:
        coeffs = random_ints(F, size, seed=7 * size)
        a = Polynomial(coeffs, F)
        values = H.coset_ntt(coeffs)
        assert values == [int(a(x)) for x in coset]
        assert H.coset_intt(values) == coeffs + [0] * (n - size)
        assert H.coset_ntt(H.coset_intt(values)) == values
        assert H.coset_intt([F(v) for v in values]) == H.coset_intt(values)


@domains
def test_the_coset_transforms_by_parts_are_the_whole_ones(F, n) -> None:
    """The four-step split: one transform per coset sₖH_(n/parts), and a last step."""
    H = EvaluationDomain(n, F)
    for parts in [k for k in (1, 2, 4, 8) if k <= n]:
        for size in {0, 1, n // 2 or 1, n - 1 or 1, n}:
            coeffs = random_ints(F, size, seed=11 * size + parts)
            values = H.coset_ntt(coeffs)
            assert H.coset_ntt_by_parts(coeffs, parts) == values, (parts, size)
            assert H.coset_intt_by_parts(values, parts) == coeffs + [0] * (n - size)
            ran = []

            def run(function, arguments, ran=ran):
                ran.append(len(arguments))
                return [function(*args) for args in arguments]

            assert H.coset_ntt_by_parts(coeffs, parts, run) == values
            assert H.coset_intt_by_parts([F(v) for v in values], parts, run) == H.coset_intt(values)
            assert ran == [parts, parts]  # the parts' transforms went through `run`


@scalar_fields
def test_subcoset_values_fold_a_polynomial_longer_than_the_coset(F) -> None:
    """f of degree ≥ n on s·H_n: the coefficients of degree m, m + n, … share ωⁱᵐ."""
    from zkpot.poly.domain import subcoset_coefficients, subcoset_values

    H, s = EvaluationDomain(8, F), 7
    coeffs = random_ints(F, 21, seed=3)
    f = Polynomial(coeffs, F)
    values = subcoset_values(8, s, coeffs, F)
    assert values == [int(f(F(s) * w)) for w in H.elements()]
    folded = subcoset_coefficients(8, s, values, F)  # Σ_q f_(m+8q)·s^(8q)
    sn = pow(s, 8, F.MODULUS)
    assert folded == [sum(coeffs[m + 8 * q] * pow(sn, q, F.MODULUS) for q in range(3)
                          if m + 8 * q < 21) % F.MODULUS for m in range(8)]  # fmt: skip


def test_parts_must_split_the_domain() -> None:
    H = EvaluationDomain(8)
    for parts in (0, 3, 16, 2.0):
        with pytest.raises(ValueError, match="parts do not split"):
            H.coset_ntt_by_parts([1, 2], parts)
        with pytest.raises(ValueError, match="parts do not split"):
            H.coset_intt_by_parts([1] * 8, parts)
    with pytest.raises(ValueError, match="needs 8 values"):
        H.coset_intt_by_parts([1] * 7, 2)


@scalar_fields
@pytest.mark.parametrize(("n", "factor"), [(1, 4), (2, 4), (8, 4), (8, 8), (32, 4)])
def test_next_row_is_the_coset_values_of_f_of_omega_x(F, n, factor) -> None:
    """f(ωX) on the coset of factor·n is f's values there rotated by factor: no NTT."""
    from zkpot.poly.domain import next_row

    H, big = EvaluationDomain(n, F), EvaluationDomain(factor * n, F)
    w, p = int(H.omega), F.MODULUS
    coeffs = random_ints(F, n + 2, seed=n)
    shifted = [c * pow(w, i, p) % p for i, c in enumerate(coeffs)]  # f(ωX)
    assert next_row(big.coset_ntt(coeffs), factor) == big.coset_ntt(shifted)


@domains
def test_too_many_coefficients_or_wrong_lengths_are_rejected(F, n) -> None:
    H = EvaluationDomain(n, F)
    too_many = list(range(1, n + 2))
    with pytest.raises(ValueError, match=f"{n + 1} coefficients do not fit a domain of size {n}"):
        H.ntt(too_many)
    with pytest.raises(ValueError, match="do not fit"):
        H.coset_ntt(too_many)
    for length in {0, n - 1, n + 1} - {n}:
        with pytest.raises(ValueError, match=f"intt needs {n} values, got {length}"):
            H.intt([1] * length)
        with pytest.raises(ValueError, match=f"intt needs {n} values, got {length}"):
            H.coset_intt([1] * length)
        with pytest.raises(ValueError, match=f"barycentric_evaluate needs {n} values"):
            H.barycentric_evaluate([1] * length, 5)
        with pytest.raises(ValueError, match=f"bit_reverse needs {n} values, got {length}"):
            H.bit_reverse([1] * length)


def test_transforms_reject_foreign_and_bad_elements() -> None:
    H = EvaluationDomain(4, bn254.Fr)
    for transform in (H.ntt, H.intt, H.coset_ntt, H.coset_intt):
        with pytest.raises(FieldMismatchError, match="Fr value where Fr was expected"):
            transform([1, 2, 3, bls12_381.Fr(4)])
        with pytest.raises(FieldMismatchError, match="Fq value where Fr"):
            transform([bn254.Fq(1), 2, 3, 4])
        for bad in (True, 1.0, "1", None):
            with pytest.raises(TypeError, match="expected ints or Fr elements"):
                transform([1, 2, 3, bad])
    with pytest.raises(FieldMismatchError):
        H.barycentric_evaluate([1, 2, 3, bls12_381.Fr(4)], 5)
    for point_user in (H.evaluate_vanishing, H.lagrange_basis, lambda z: H.lagrange(0, z)):
        with pytest.raises(FieldMismatchError):
            point_user(bls12_381.Fr(5))
        with pytest.raises(TypeError):
            point_user(1.5)


@domains
def test_bit_reverse(F, n) -> None:
    H = EvaluationDomain(n, F)
    values = list(range(n))
    assert H.bit_reverse(values) == bit_reverse_permutation(values)
    assert H.bit_reverse(H.bit_reverse(values)) == values
    assert H.bit_reverse(tuple(values)) == bit_reverse_permutation(values)
    if n == 8:
        assert H.bit_reverse(values) == [0, 4, 2, 6, 1, 5, 3, 7]


def test_blob_domain_transforms(blob_domain) -> None:
    F, H = bls12_381.Fr, blob_domain
    coeffs = random_ints(F, 4096, seed=4844)
    values = H.ntt(coeffs)
    a = Polynomial(coeffs, F)
    roots = H.roots()
    for i in (0, 1, 2048, 4095):
        assert values[i] == a.evaluate_int(roots[i])
    assert H.intt(values) == coeffs
    z = 0x1234567890ABCDEF
    assert H.barycentric_evaluate(values, z) == a(z)
    # EIP-4844 keeps blobs in bit-reversed order of the domain
    brp_roots = H.bit_reverse(roots)
    assert brp_roots[:4] == [roots[0], roots[2048], roots[1024], roots[3072]]


# --------------------------------------------- the vanishing polynomial Z_H


@domains
def test_vanishing_polynomial(F, n) -> None:
    H = EvaluationDomain(n, F)
    Z = H.vanishing_polynomial()
    assert Polynomial([-1] + [0] * (n - 1) + [1], F) == Z  # Xⁿ − 1
    assert Z.field is F
    assert Z.degree == n
    assert all(Z(w) == 0 for w in H.elements())
    g = H.coset_shift
    assert all(Z(g * w) != 0 for w in H.elements())
    assert Polynomial.from_roots(H.elements(), F) == Z  # Π (X − ωⁱ)
    assert {Z(g * w) for w in H.elements()} == {g**n - 1}  # Z_H is constant gⁿ − 1 on gH
    for z in [*outside(H, seed=n), *H.roots()]:
        assert H.evaluate_vanishing(z) == Z(z)
        assert H.evaluate_vanishing(F(z)) == Z(z)
        assert type(H.evaluate_vanishing(z)) is F


@domains
def test_vanishing_polynomial_divides_what_is_zero_on_h(F, n) -> None:
    H = EvaluationDomain(n, F)
    q = Polynomial(random_ints(F, 5, seed=n), F)
    Z = H.vanishing_polynomial()
    assert divmod(q * Z, Z) == (q, Polynomial.zero(F))
    assert Evaluations.from_polynomial((q * Z) % Z, H) == Evaluations([0] * n, H)


# ------------------------------------------------------- the Lagrange basis


@domains
def test_lagrange_basis_on_the_domain_is_the_identity(F, n) -> None:
    H = EvaluationDomain(n, F)
    for j, w in enumerate(H.elements()):
        basis = H.lagrange_basis(w)
        assert basis == [F(int(i == j)) for i in range(n)]  # Lᵢ(ωʲ) = δᵢⱼ
        assert all(type(L) is F for L in basis)
        assert H.lagrange_basis(int(w)) == basis
        assert [H.lagrange(i, w) for i in range(n)] == basis


@domains
def test_lagrange_basis_outside_the_domain(F, n) -> None:
    H = EvaluationDomain(n, F)
    units = [Evaluations([int(i == j) for j in range(n)], H).interpolate() for i in range(n)]
    for z in outside(H, seed=n):
        basis = H.lagrange_basis(z)
        assert sum(basis, F(0)) == 1  # Σ Lᵢ(z) = 1
        assert basis == [H.lagrange(i, z) for i in range(n)]
        assert basis == [L(z) for L in units]  # Lᵢ is the interpolant of the unit vector eᵢ
        assert H.lagrange_basis(F(z)) == basis
        # Σ ωⁱ·Lᵢ(z) = z for n > 1: the basis reproduces the polynomial X
        if n > 1:
            assert sum((w * L for w, L in zip(H.elements(), basis, strict=True)), F(0)) == z


@domains
def test_lagrange_basis_matches_generic_interpolation(F, n) -> None:
    H = EvaluationDomain(n, F)
    z = outside(H, seed=3)[-1]
    for i in range(n):
        L = Polynomial.interpolate(H.roots(), [int(i == j) for j in range(n)], F)
        assert H.lagrange(i, z) == L(z)


# ---------------------------------------------------- barycentric evaluation


@domains
def test_barycentric_evaluate_agrees_with_interpolate_then_evaluate(F, n) -> None:
    H = EvaluationDomain(n, F)
    values = random_ints(F, n, seed=11 * n)
    a = Polynomial(H.intt(values), F)
    for z in [*outside(H, seed=n), *H.roots()]:
        assert H.barycentric_evaluate(values, z) == a(z)
        assert H.barycentric_evaluate([F(v) for v in values], F(z)) == a(z)
        assert type(H.barycentric_evaluate(values, z)) is F
    for i, w in enumerate(H.roots()):
        assert H.barycentric_evaluate(values, w) == F(values[i])


@scalar_fields
def test_barycentric_evaluate_property(F) -> None:
    H = EvaluationDomain(16, F)

    @settings(max_examples=25, deadline=None)
    @given(st.lists(coefficient(F.MODULUS), min_size=16, max_size=16), elements(F))
    def check(values, z) -> None:
        expected = Polynomial(H.intt(values), F)(z)
        assert H.barycentric_evaluate(values, z) == expected
        assert Evaluations(values, H).evaluate(z) == expected

    check()


# ------------------------------------------------------------- Evaluations


@domains
def test_evaluations_round_trip(F, n) -> None:
    H = EvaluationDomain(n, F)
    a = Polynomial(random_ints(F, n, seed=n), F)
    e = Evaluations.from_polynomial(a, H)
    assert isinstance(e, Evaluations)
    assert e.domain is H
    assert e.values == H.ntt(a.coeffs)
    assert e.values == [int(a(w)) for w in H.elements()]
    assert e.interpolate() == a
    assert e.interpolate().field is F
    assert Evaluations.from_polynomial(e.interpolate(), H) == e
    low = Polynomial([1, 2][:n], F)  # a low-degree polynomial is padded
    assert Evaluations.from_polynomial(low, H).interpolate() == low
    assert Evaluations.from_polynomial(Polynomial.zero(F), H).values == [0] * n


@scalar_fields
def test_evaluations_round_trip_property(F) -> None:
    H = EvaluationDomain(8, F)

    @settings(max_examples=25, deadline=None)
    @given(st.lists(coefficient(F.MODULUS), max_size=8))
    def check(coeffs) -> None:
        a = Polynomial(coeffs, F)
        e = Evaluations.from_polynomial(a, H)
        assert e.interpolate() == a
        assert Evaluations(e.values, H) == e

    check()


@domains
def test_evaluations_arithmetic(F, n) -> None:
    H = EvaluationDomain(n, F)
    p = F.MODULUS
    half = max(n // 2, 1)  # deg a + deg b < n: the pointwise product is the product polynomial
    a = Polynomial(random_ints(F, half, seed=1), F)
    b = Polynomial(random_ints(F, n - half + 1 if n > 1 else 1, seed=2), F)
    ea, eb = Evaluations.from_polynomial(a, H), Evaluations.from_polynomial(b, H)
    assert (ea + eb).interpolate() == a + b
    assert (ea - eb).interpolate() == a - b
    assert (ea - ea).values == [0] * n
    assert (ea + eb).values == [(x + y) % p for x, y in zip(ea.values, eb.values, strict=True)]
    assert (ea * eb).values == [x * y % p for x, y in zip(ea.values, eb.values, strict=True)]
    assert (ea * eb).interpolate() == a * b
    assert ea * 3 == 3 * ea == ea * F(3) == F(3) * ea == Evaluations.from_polynomial(a * 3, H)
    assert ea * -1 == ea * (p - 1)
    assert (ea * 0).values == [0] * n
    for result in (ea + eb, ea - eb, ea * eb, ea * 5):
        assert isinstance(result, Evaluations)
        assert result.domain == H
        assert all(0 <= v < p for v in result.values)


@pytest.mark.parametrize(
    ("F", "n"), [(bn254.Fr, 2), (bls12_381.Fr, 8), (F_97, 32)], ids=["bn254-2", "bls-8", "F97-32"]
)
def test_pointwise_product_wraps_around_when_the_degree_is_too_high(F, n) -> None:
    H = EvaluationDomain(n, F)
    a = Polynomial([0] * (n - 1) + [1], F)  # Xⁿ⁻¹ · X = Xⁿ ≡ 1 on H
    e = Evaluations.from_polynomial(a, H) * Evaluations.from_polynomial(Polynomial([0, 1], F), H)
    assert e.interpolate() == Polynomial([1], F)  # the product mod Xⁿ − 1


@domains
def test_evaluations_evaluate(F, n) -> None:
    H = EvaluationDomain(n, F)
    a = Polynomial(random_ints(F, n, seed=5), F)
    e = Evaluations.from_polynomial(a, H)
    for z in [*outside(H, seed=n), *H.roots()[:3]]:
        assert e.evaluate(z) == a(z)
        assert e.evaluate(F(z)) == a(z)


def test_evaluations_equality_and_repr() -> None:
    H4, H8 = EvaluationDomain(4), EvaluationDomain(8)
    e = Evaluations([1, 2, 3, 4], H4)
    assert e == Evaluations([1, 2, 3, 4], EvaluationDomain(4))
    assert e == Evaluations([bn254.Fr(1), 2, 3 + bn254.R, -bn254.R + 4], H4)  # reduced
    assert e != Evaluations([1, 2, 3, 5], H4)
    assert e != Evaluations([1, 2, 3, 4], EvaluationDomain(4, bls12_381.Fr))
    assert Evaluations([1] * 8, H8) != Evaluations([1] * 4, H4)
    assert e != Polynomial([1, 2, 3, 4])  # different forms are never equal
    assert e != [1, 2, 3, 4]
    assert e != 1
    with pytest.raises(TypeError):
        hash(e)
    assert repr(e) == "Evaluations([1, 2, 3, 4], EvaluationDomain(4, Fr))"
    assert repr(Evaluations(range(8), H8)) == (
        "Evaluations([0, 1, 2, 3]…, EvaluationDomain(8, Fr))"
    )


# ------------------------------------------------------ Evaluations: errors


@pytest.mark.parametrize("length", [0, 3, 5, 8])
def test_evaluations_need_exactly_n_values(length) -> None:
    H = EvaluationDomain(4)
    with pytest.raises(
        ValueError, match=f"EvaluationDomain\\(4, Fr\\) needs 4 values, got {length}"
    ):
        Evaluations([1] * length, H)


def test_from_polynomial_rejects_high_degree_and_foreign_fields() -> None:
    H = EvaluationDomain(4, bn254.Fr)
    with pytest.raises(ValueError, match="5 coefficients do not fit a domain of size 4"):
        Evaluations.from_polynomial(Polynomial([1, 2, 3, 4, 5]), H)
    with pytest.raises(FieldMismatchError, match="Fr polynomial on a EvaluationDomain"):
        Evaluations.from_polynomial(Polynomial([1, 2], bls12_381.Fr), H)


def test_evaluations_reject_foreign_and_bad_values() -> None:
    H = EvaluationDomain(4, bn254.Fr)
    with pytest.raises(FieldMismatchError):
        Evaluations([1, 2, 3, bls12_381.Fr(4)], H)
    with pytest.raises(FieldMismatchError):
        Evaluations([1, 2, 3, 4], H) * bls12_381.Fr(2)
    with pytest.raises(FieldMismatchError):
        bn254.Fq(2) * Evaluations([1, 2, 3, 4], H)
    for bad in (True, 1.5, "1", None):
        with pytest.raises(TypeError, match="expected ints or Fr elements"):
            Evaluations([1, 2, 3, bad], H)


def test_mixing_domains_of_different_sizes_is_rejected() -> None:
    e4 = Evaluations([1, 2, 3, 4], EvaluationDomain(4))
    e8 = Evaluations(list(range(8)), EvaluationDomain(8))
    for attempt in (lambda: e4 + e8, lambda: e4 - e8, lambda: e4 * e8, lambda: e8 * e4):
        with pytest.raises(ValueError, match="cannot combine evaluations on EvaluationDomain"):
            attempt()


def test_mixing_domains_of_different_fields_is_rejected() -> None:
    bn = Evaluations([1, 2, 3, 4], EvaluationDomain(4, bn254.Fr))
    bls = Evaluations([1, 2, 3, 4], EvaluationDomain(4, bls12_381.Fr))
    # the library raises ValueError (as for sizes); FieldMismatchError would also be right
    for attempt in (lambda: bn + bls, lambda: bn - bls, lambda: bn * bls, lambda: bls + bn):
        with pytest.raises((ValueError, FieldMismatchError), match="cannot combine"):
            attempt()


def test_combining_with_coefficient_form_is_a_type_error() -> None:
    e = Evaluations([1, 2, 3, 4], EvaluationDomain(4))
    a = Polynomial([1, 2, 3, 4])
    for attempt in (lambda: e + a, lambda: e - a, lambda: e * a, lambda: a * e):
        with pytest.raises(TypeError, match="evaluation form with coefficient form"):
            attempt()
    for attempt in (lambda: a + e, lambda: a - e):
        with pytest.raises(TypeError):
            attempt()


@pytest.mark.parametrize("bad", [True, 1.5, "x", None, [1, 2, 3, 4]])
def test_bad_operands_are_type_errors(bad) -> None:
    e = Evaluations([1, 2, 3, 4], EvaluationDomain(4))
    for attempt in (
        lambda: e + bad,
        lambda: bad + e,
        lambda: e - bad,
        lambda: bad - e,
        lambda: e * bad,
        lambda: bad * e,
    ):
        with pytest.raises(TypeError):
            attempt()
    with pytest.raises(TypeError):
        e + 1  # scalars add only through a polynomial or a constant vector


def test_strict_arguments() -> None:
    """Out-of-range indices, booleans, empty lists and cross-field vectors are refused."""
    from zkpot.errors import FieldMismatchError, RootOfUnityError
    from zkpot.field import bls12_381
    from zkpot.poly.ntt import bit_reverse_permutation

    H = EvaluationDomain(8)
    for i in (8, -1, True, 2.0):
        with pytest.raises(IndexError):
            H.lagrange(i, 5)  # type: ignore[arg-type]
    with pytest.raises(RootOfUnityError):
        EvaluationDomain(True)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        bit_reverse_permutation([])
    other = Evaluations([1] * 8, EvaluationDomain(8, bls12_381.Fr))
    with pytest.raises(FieldMismatchError):
        Evaluations([1] * 8, H) + other
    with pytest.raises(TypeError):
        H.evaluate_vanishing(True)  # type: ignore[arg-type]
