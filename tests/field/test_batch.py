"""Montgomery batch inversion."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.errors import NotInvertibleError, ZkpotError
from zkpot.field import batch_inverse, bls12_381, bn254

R = bn254.R


@settings(max_examples=100)
@given(st.lists(st.integers(1, R - 1), max_size=40))
def test_matches_one_inverse_at_a_time(values) -> None:
    assert batch_inverse(values, R) == [pow(v, -1, R) for v in values]


def test_non_canonical_representatives_are_reduced() -> None:
    p = bls12_381.R
    assert batch_inverse([p + 2, -1], p) == [pow(2, -1, p), p - 1]


def test_empty() -> None:
    assert batch_inverse([], R) == []


def test_large_batch() -> None:
    values = list(range(1, 4097))
    inverses = batch_inverse(values, R)
    assert all(v * i % R == 1 for v, i in zip(values, inverses, strict=True))


@pytest.mark.parametrize("position", [0, 3, 9])
def test_zero_is_reported_with_its_index(position) -> None:
    values = list(range(1, 11))
    values[position] = R  # ≡ 0
    with pytest.raises(NotInvertibleError, match=rf"values\[{position}\]") as info:
        batch_inverse(values, R)
    assert isinstance(info.value, ZeroDivisionError) and isinstance(info.value, ZkpotError)


@given(st.integers(1, 2**300), st.sampled_from([7, 97, 2**61 - 1, (1 << 255) - 19]))
def test_inverse_mod_is_pow(a, p) -> None:
    from zkpot.field.prime import inverse_mod

    if a % p == 0:
        with pytest.raises(NotInvertibleError):
            inverse_mod(a, p)
    else:
        assert inverse_mod(a, p) == pow(a, -1, p)
        if (a - 2**301) % p:  # a negative a too
            assert inverse_mod(a - 2**301, p) == pow(a - 2**301, -1, p)
