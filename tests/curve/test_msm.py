"""Multi-scalar multiplication against the naive sum."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.curve.strategies import GROUPS, group_id
from zkpot.curve import bls12_381, bn254, msm
from zkpot.curve.pippenger import best_window, signed_digits
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
