"""Multi-scalar multiplication against the naive sum."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.curve.strategies import GROUPS, group_id
from zkpot.curve import bls12_381, bn254, msm
from zkpot.curve.pippenger import (
    add_pairs,
    best_window,
    digit_columns,
    glv_terms,
    msm_jacobian,
    signed_digits,
    sum_lists,
)
from zkpot.errors import ArgumentError, ArgumentTypeError, FieldMismatchError

groups = pytest.mark.parametrize("G", GROUPS, ids=group_id)


def naive(points, scalars):
    total = type(points[0]).identity()
    for P, k in zip(points, scalars, strict=True):
        total = total + P * k
    return total


@groups
@pytest.mark.parametrize("n", [1, 2, 3, 5, 40])
def test_matches_the_naive_sum(G, n) -> None:
    rng = random.Random(n)
    points = [G.random(rng) for _ in range(n)]
    scalars = [rng.randrange(G.ORDER) for _ in range(n)]
    assert msm(points, scalars) == naive(points, scalars)


@groups
def test_awkward_inputs(G) -> None:
    rng = random.Random(1)
    P, Q = G.random(rng), G.random(rng)
    neutral = G.identity()
    # repeated points, opposite points, the identity, zero and negative and huge scalars
    points = [P, P, -P, neutral, Q, Q, P, Q]
    scalars = [5, 5, 5, 9, 0, -1, G.ORDER + 3, G.SCALAR_FIELD(7)]
    expected = P * 5 + P * 5 - P * 5 + Q * 0 - Q + P * 3 + Q * 7
    assert msm(points, scalars) == expected
    assert msm([P, -P] * 10, [1] * 20).is_identity()
    assert msm([neutral], [1]).is_identity() and msm([P], [0]).is_identity()


def test_large_msm_g1() -> None:
    G, rng = bn254.G1, random.Random(3)
    base = [G.random(rng) for _ in range(16)]
    points = [base[i % 16] * (i + 1) for i in range(600)]
    scalars = [rng.randrange(G.ORDER) for _ in range(600)]
    assert msm(points, scalars) == naive(points, scalars)


def test_errors() -> None:
    P = bn254.G1.generator()
    with pytest.raises(ArgumentError, match="2 points but 1 scalars"):
        msm([P, P], [1])
    with pytest.raises(ArgumentError, match="at least one point"):
        msm([], [])
    with pytest.raises(FieldMismatchError):
        msm([P, bn254.G2.generator()], [1, 1])
    with pytest.raises(FieldMismatchError):
        msm([P], [bls12_381.Fr(1)])
    with pytest.raises(ArgumentTypeError):
        msm([P], [1.0])
    with pytest.raises(ArgumentTypeError):
        msm([1, 2], [1, 2])


@given(st.integers(0, 2**256), st.integers(1, 16))
def test_signed_digits_recombine(k, c) -> None:
    windows = (k.bit_length() + 1) // c + 1
    digits = signed_digits(k, c, windows)
    assert sum(d << (c * i) for i, d in enumerate(digits)) == k
    assert all(-(2 ** (c - 1)) <= d <= 2 ** (c - 1) for d in digits)


def test_signed_digits_overflow() -> None:
    with pytest.raises(ValueError):
        signed_digits(2**20, 4, 2)


def test_best_window_grows_with_size() -> None:
    windows = [best_window(n, 254) for n in (1, 16, 256, 4096, 65536)]
    assert windows == sorted(windows) and windows[0] >= 1 and windows[-1] > windows[0]


# -- the affine buckets and GLV, against the textbook Jacobian buckets ------------------

G1S = pytest.mark.parametrize("G", [bn254.G1, bls12_381.G1], ids=["bn254", "bls12_381"])


@G1S
@pytest.mark.parametrize("n", [3, 64, 700])
def test_affine_buckets_with_glv_match_the_jacobian_buckets(G, n) -> None:
    """700 points use windows of several bits, so buckets hold many points each."""
    rng = random.Random(n)
    base = [G.random(rng) for _ in range(8)]
    points = [base[i % 8] * (i + 1) for i in range(n)]
    scalars = [rng.randrange(G.ORDER) for _ in range(n)]
    assert msm(points, scalars) == msm_jacobian(points, scalars)
    assert msm(points, scalars)._jac[2] == 1  # normalized: encoding it needs no inversion


def test_affine_buckets_in_chunks_of_windows(monkeypatch) -> None:
    """Large MSMs sum a few windows' buckets at a time: here one window per chunk."""
    import zkpot.curve.pippenger as pippenger

    monkeypatch.setattr(pippenger, "CHUNK", 64)
    G, rng = bn254.G1, random.Random(6)
    points = [G.random(rng) for _ in range(100)]
    scalars = [rng.randrange(G.ORDER) for _ in range(100)]
    assert msm(points, scalars) == msm_jacobian(points, scalars)


@G1S
def test_affine_buckets_add_equal_and_opposite_points(G) -> None:
    """P + P (the tangent) and P + (−P) (infinity) inside a bucket, and small scalars that
    land many copies of one point in one bucket."""
    rng = random.Random(2)
    P, Q = G.random(rng), G.random(rng)
    points = [P, P, -P, Q, P, -Q, Q] * 30
    scalars = [rng.choice([1, 2, 3, G.ORDER - 1, G.ORDER - 2]) for _ in points]
    assert msm(points, scalars) == msm_jacobian(points, scalars) == naive(points, scalars)
    assert msm([P, -P] * 40, [7] * 80).is_identity()


@G1S
def test_glv_terms_recombine(G) -> None:
    """Σ |kᵢ|·(±Qᵢ) over the split terms is k·P, and every half is about √r."""
    glv = G.ENDOMORPHISM
    rng = random.Random(3)
    P = G.random(rng)
    for k in (1, 2, G.ORDER - 1, rng.randrange(G.ORDER), glv.lam):
        terms, bits = glv_terms(glv, [(P.affine_raw(), k)])
        assert bits <= G.ORDER.bit_length() // 2 + 2
        total = G.identity()
        for (x, y), half in terms:
            total = total + G(x, y) * half
        assert total == P * k


def test_add_pairs_and_sum_lists() -> None:
    G, kernel = bn254.G1, bn254.G1.KERNEL
    rng = random.Random(4)
    P, Q = G.random(rng), G.random(rng)
    a = lambda X: X.affine_raw()  # noqa: E731
    out = add_pairs(kernel.p, [a(P), a(P), a(P)], [a(Q), a(P), a(-P)])
    assert out == [a(P + Q), a(P * 2), None]
    lists = [[], [a(P)], [a(P), a(-P)], [a(P)] * 5, [a(Q), a(P), a(Q)]]
    sums = sum_lists(kernel.p, lists)
    assert sums == [None, a(P), None, a(P * 5), a(P + Q * 2)]


def test_add_pairs_block_by_block(monkeypatch) -> None:
    """More pairs than a block: each block shares an inversion, the sums stay in order, and
    a doubling or a P + (−P) in a later block takes the general path there."""
    from zkpot.curve import pippenger

    G, kernel = bn254.G1, bn254.G1.KERNEL
    rng = random.Random(6)
    monkeypatch.setattr(pippenger, "BLOCK", 4)
    points = [G.random(rng) for _ in range(11)]
    left = [P.affine_raw() for P in points]
    right = [P.affine_raw() for P in points[1:]] + [points[0].affine_raw()]
    right[6], right[9] = left[6], (-points[9]).affine_raw()
    expected = [(P + Q).affine_raw() for P, Q in zip(points, points[1:] + points[:1], strict=True)]
    expected[6], expected[9] = (points[6] * 2).affine_raw(), None
    assert add_pairs(kernel.p, left, right) == expected
    with pytest.raises(ValueError):
        add_pairs(kernel.p, left[:-1], right)
    with pytest.raises(ValueError):
        add_pairs(kernel.p, left, right[:-1])


@given(st.lists(st.integers(0, 2**254 - 1), min_size=1, max_size=20), st.integers(1, 16))
def test_digit_columns_are_signed_digits(scalars, c) -> None:
    windows = -(-255 // c)
    columns = digit_columns(scalars, c, windows)
    assert columns.shape == (windows, len(scalars))
    for i, k in enumerate(scalars):
        assert [int(d) for d in columns[:, i]] == signed_digits(k, c, windows)


def test_digit_columns_refuse_a_scalar_too_large() -> None:
    with pytest.raises(ValueError, match="too large"):
        digit_columns([2**20], 4, 5)  # 5 windows of 4 bits hold up to 2^19 with the borrow


def test_msm_leaves_the_garbage_collector_as_it_found_it() -> None:
    """msm pauses the cyclic collector while it allocates its tuples, and only then."""
    import gc

    G = bn254.G1.generator()
    points, scalars = [G * k for k in range(1, 9)], list(range(3, 11))
    assert gc.isenabled()
    msm(points, scalars)
    assert gc.isenabled()
    gc.disable()
    try:
        msm(points, scalars)
        assert not gc.isenabled()
    finally:
        gc.enable()
