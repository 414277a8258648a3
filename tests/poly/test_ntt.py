"""The NTT kernel: against naive evaluation Σ aⱼ·ωⁱʲ and against galois.

galois's NTT is reached through ``np.fft.fft`` on a FieldArray of a field built
with its primitive element given: that is exactly what ``galois.ntt`` runs, but
``galois.ntt`` itself rebuilds ``GF(p)`` without the primitive element, which
factors p − 1 and takes minutes for a 255-bit p. The field's primitive element
(5 for BN254's r, 7 for BLS12-381's) is the g from which zkpot derives
ω = g^((p−1)/n), so both compute the same transform.
"""

from __future__ import annotations

import random

import galois
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.field.strategies import F_97, coefficient, field_id
from zkpot.errors import RootOfUnityError
from zkpot.field import bls12_381, bn254, prime_field
from zkpot.poly.ntt import bit_reverse_permutation, intt, ntt, ntt_in_place

SCALAR_FIELDS = [bn254.Fr, bls12_381.Fr]
scalar_fields = pytest.mark.parametrize("F", SCALAR_FIELDS, ids=field_id)
SIZES = [1 << k for k in range(11)]  # 1, 2, 4, …, 1024


def naive_dft(a: list[int], omega: int, p: int) -> list[int]:
    """âᵢ = Σⱼ aⱼ·ωⁱʲ, one sum per i (O(n²))."""
    out, wi = [], 1  # wi = ωⁱ
    for _ in range(len(a)):
        acc, wij = 0, 1  # wij = ωⁱʲ
        for c in a:
            acc += c * wij
            wij = wij * wi % p
        out.append(acc % p)
        wi = wi * omega % p
    return out


def random_vector(F, n: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    edges = [0, 1, F.MODULUS - 1]
    return [rng.choice(edges) if rng.random() < 0.1 else rng.randrange(F.MODULUS) for _ in range(n)]


@pytest.fixture(scope="module", params=SCALAR_FIELDS, ids=field_id)
def galois_pair(request):
    F = request.param
    return F, galois.GF(F.MODULUS, primitive_element=F.MULTIPLICATIVE_GENERATOR, verify=False)


# ------------------------------------------------------------- against oracles


@scalar_fields
@pytest.mark.parametrize("n", SIZES)
def test_ntt_matches_naive_evaluation(F, n) -> None:
    p, omega = F.MODULUS, int(F.root_of_unity(n))
    a = random_vector(F, n, seed=n)
    assert ntt(a, omega, p) == naive_dft(a, omega, p)


@scalar_fields
def test_zero_padded_inputs_skip_rounds_and_agree(F) -> None:
    """Every length of non-zero prefix (the NTT starts later for a short one), and zeros
    inside the prefix."""
    n = 64
    p, omega = F.MODULUS, int(F.root_of_unity(n))
    full = random_vector(F, n, seed=5)
    for length in range(n + 1):
        a = full[:length] + [0] * (n - length)
        assert ntt(a, omega, p) == naive_dft(a, omega, p), length
    holes = [0] * n
    holes[3] = holes[17] = 5
    assert ntt(holes, omega, p) == naive_dft(holes, omega, p)


def test_ntt_matches_naive_evaluation_in_a_small_field() -> None:
    # F97: 96 = 2⁵·3, so every size up to 32; all-ones and a delta as well as random vectors
    p = F_97.MODULUS
    for k in range(F_97.TWO_ADICITY + 1):
        n = 1 << k
        omega = int(F_97.root_of_unity(n))
        for a in ([1] * n, [0] * (n - 1) + [1], random_vector(F_97, n, seed=k)):
            assert ntt(a, omega, p) == naive_dft(a, omega, p)
            assert intt(ntt(a, omega, p), omega, p) == a


def test_ntt_matches_galois(galois_pair) -> None:
    F, G = galois_pair
    p = F.MODULUS
    for n in SIZES:
        a = random_vector(F, n, seed=1000 + n)
        omega = int(F.root_of_unity(n))
        expected = np.fft.fft(G(a))  # galois: X_k = Σⱼ xⱼ·ω^(jk), ω from the primitive element
        assert ntt(a, omega, p) == [int(v) for v in expected]
        assert intt([int(v) for v in expected], omega, p) == a
        assert [int(v) for v in np.fft.ifft(G(ntt(a, omega, p)))] == a


def test_galois_uses_the_same_roots_of_unity(galois_pair) -> None:
    F, G = galois_pair
    for k in (1, 2, 10, F.TWO_ADICITY):
        n = 1 << k
        assert int(G.primitive_element ** ((F.MODULUS - 1) // n)) == int(F.root_of_unity(n))


# ------------------------------------------------------------------ properties


@scalar_fields
def test_intt_inverts_ntt(F) -> None:
    p = F.MODULUS

    @settings(max_examples=30, deadline=None)
    @given(
        st.integers(0, 6).flatmap(
            lambda k: st.lists(coefficient(p), min_size=1 << k, max_size=1 << k)
        )
    )
    def check(a) -> None:
        omega = int(F.root_of_unity(len(a)))
        assert intt(ntt(a, omega, p), omega, p) == a
        assert ntt(intt(a, omega, p), omega, p) == a

    check()


@scalar_fields
def test_ntt_turns_cyclic_convolution_into_pointwise_product(F) -> None:
    p, n = F.MODULUS, 32
    omega = int(F.root_of_unity(n))
    a, b = random_vector(F, n, seed=1), random_vector(F, n, seed=2)
    cyclic = [0] * n  # (a ⊛ b)ₖ = Σ_{i+j ≡ k mod n} aᵢbⱼ
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            cyclic[(i + j) % n] = (cyclic[(i + j) % n] + x * y) % p
    fa, fb = ntt(a, omega, p), ntt(b, omega, p)
    assert ntt(cyclic, omega, p) == [x * y % p for x, y in zip(fa, fb, strict=True)]


@scalar_fields
def test_ntt_is_linear(F) -> None:
    p, n = F.MODULUS, 16
    omega = int(F.root_of_unity(n))
    a, b, k = random_vector(F, n, seed=3), random_vector(F, n, seed=4), 123456789
    combined = [(k * x + y) % p for x, y in zip(a, b, strict=True)]
    fa, fb = ntt(a, omega, p), ntt(b, omega, p)
    assert ntt(combined, omega, p) == [(k * x + y) % p for x, y in zip(fa, fb, strict=True)]


@scalar_fields
def test_known_small_transforms(F) -> None:
    p = F.MODULUS
    for n in (1, 2, 8, 64):
        omega = int(F.root_of_unity(n))
        # a constant polynomial has the same value everywhere; its values' inverse is a delta
        assert ntt([7] + [0] * (n - 1), omega, p) == [7] * n
        assert intt([7] * n, omega, p) == [7] + [0] * (n - 1)
        # X evaluates to the roots themselves: 1, ω, ω², …
        if n > 1:
            assert ntt([0, 1] + [0] * (n - 2), omega, p) == [pow(omega, i, p) for i in range(n)]
    assert ntt([3, 5], p - 1, p) == [8, p - 2]  # size 2: ω = −1, (a₀ + a₁, a₀ − a₁)


def test_ntt_leaves_its_input_alone_and_ntt_in_place_overwrites() -> None:
    p, omega = bn254.R, int(bn254.Fr.root_of_unity(8))
    a = list(range(8))
    out = ntt(a, omega, p)
    assert a == list(range(8))
    ntt_in_place(a, omega, p)
    assert a == out
    evaluations = list(out)
    assert intt(evaluations, omega, p) == list(range(8))
    assert evaluations == out


@pytest.mark.parametrize("n", [3, 5, 6, 12, 100])
def test_ntt_rejects_non_power_of_two_lengths(n) -> None:
    p, omega = bn254.R, int(bn254.Fr.root_of_unity(4))
    for transform in (ntt, intt):
        with pytest.raises(ValueError, match="power-of-two"):
            transform(list(range(n)), omega, p)


# ------------------------------------------------------------- bit reversal


def test_bit_reverse_permutation_known_cases() -> None:
    assert bit_reverse_permutation([0, 1, 2, 3, 4, 5, 6, 7]) == [0, 4, 2, 6, 1, 5, 3, 7]
    assert bit_reverse_permutation(["a"]) == ["a"]
    assert bit_reverse_permutation(["a", "b"]) == ["a", "b"]
    assert bit_reverse_permutation([0, 1, 2, 3]) == [0, 2, 1, 3]
    assert bit_reverse_permutation(list(range(16))) == [
        0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15,
    ]  # fmt: skip


@pytest.mark.parametrize("k", range(11))
def test_bit_reverse_permutation_moves_index_i_to_rev_i_and_is_an_involution(k) -> None:
    n = 1 << k
    values = [f"v{i}" for i in range(n)]
    permuted = bit_reverse_permutation(values)
    for i in range(n):
        rev = int(format(i, f"0{k}b")[::-1], 2) if k else 0
        assert permuted[rev] == values[i]
    assert sorted(permuted) == sorted(values)
    assert bit_reverse_permutation(permuted) == values
    assert values == [f"v{i}" for i in range(n)]  # the input is not modified


@pytest.mark.parametrize("n", [3, 5, 6, 7, 12, 1000])
def test_bit_reverse_permutation_rejects_non_power_of_two(n) -> None:
    with pytest.raises(ValueError, match=f"power-of-two length, got {n}"):
        bit_reverse_permutation(list(range(n)))


# ---------------------------------------------------------------- ω's order


@pytest.mark.parametrize("F", [*SCALAR_FIELDS, F_97], ids=field_id)
def test_omega_has_exact_order(F) -> None:
    p = F.MODULUS
    for k in range(F.TWO_ADICITY + 1):
        n = 1 << k
        omega = int(F.root_of_unity(n))
        assert pow(omega, n, p) == 1
        if n > 1:
            assert pow(omega, n // 2, p) == p - 1  # order exactly n, not a proper divisor
        if n > 1 and n <= 1024:
            powers = {pow(omega, i, p) for i in range(n)}
            assert len(powers) == n  # n distinct points


@scalar_fields
def test_no_roots_beyond_the_two_adicity(F) -> None:
    with pytest.raises(RootOfUnityError, match=f"2\\^{F.TWO_ADICITY}"):
        F.root_of_unity(1 << (F.TWO_ADICITY + 1))
    for bad in (0, 3, 6, -2):
        with pytest.raises(RootOfUnityError, match="power of two"):
            F.root_of_unity(bad)


def test_no_roots_without_a_generator() -> None:
    with pytest.raises(RootOfUnityError, match="no multiplicative generator"):
        prime_field("F13", 13).root_of_unity(4)
