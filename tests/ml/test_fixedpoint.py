"""Fixed-point arithmetic: rescale semantics, quantization error, bounds, field encoding."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zkpot.field import bn254
from zkpot.ml.fixedpoint import FixedPoint, FixedPointOverflow

FP = FixedPoint(frac_bits=12, bound_bits=48)
values = st.integers(-(2**46), 2**46)


@given(st.integers(-(2**120), 2**120), st.integers(0, 40))
def test_rescale_is_floor_division_with_a_non_negative_remainder(x, f) -> None:
    fp = FixedPoint(frac_bits=f, bound_bits=max(f + 2, 48))
    q, rem = fp.rescale(x)
    assert q == x // 2**f  # Python's // is the floor, for negative x too
    assert 0 <= rem < 2**f and q * 2**f + rem == x


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_quantization_error_is_at_most_half_a_step(x) -> None:
    v = FP.quantize(x)
    assert abs(FP.dequantize(v) - x) <= 0.5 / FP.scale + 1e-12 * abs(x)


def test_ties_round_toward_plus_infinity() -> None:
    fp = FixedPoint(frac_bits=0, bound_bits=16)
    assert [fp.quantize(x) for x in (-1.5, -0.5, 0.5, 1.5, 2.5)] == [-1, 0, 1, 2, 3]


@given(values, values)
def test_mul_rescales_the_product(a, b) -> None:
    if abs(a * b) >> FP.frac_bits >= FP.bound:
        with pytest.raises(FixedPointOverflow):
            FP.mul(a, b)
    else:
        assert FP.mul(a, b) == (a * b) // FP.scale


def test_dot_rescales_once_at_the_end() -> None:
    a, b = [3, 3, 3], [FP.scale // 2 + 1] * 3  # each product leaves a remainder
    assert FP.dot(a, b) == sum(x * y for x, y in zip(a, b, strict=True)) // FP.scale
    assert FP.dot(a, b) != sum(FP.mul(x, y) for x, y in zip(a, b, strict=True))
    with pytest.raises(ValueError, match="lengths"):
        FP.dot([1], [1, 2])


def test_overflow_names_the_layer_and_value() -> None:
    big = FP.bound - 1
    assert FP.check(big, "ok") == big
    with pytest.raises(FixedPointOverflow, match=r"layer 2 ReLU: value") as info:
        FP.check(FP.bound, "layer 2 ReLU")
    assert isinstance(info.value, OverflowError)
    with pytest.raises(FixedPointOverflow, match="quantize"):
        FP.quantize(2.0**40)
    with pytest.raises(FixedPointOverflow, match="dense"):
        FP.mul(big, big, where="dense")
    with pytest.raises(ValueError):
        FP.quantize(math.nan)


@given(values)
def test_field_encoding_round_trip(v) -> None:
    e = FP.to_field(v)
    assert 0 <= e < bn254.R
    assert e == (v if v >= 0 else bn254.R - abs(v))
    assert FP.from_field(e) == v


def test_field_elements_outside_the_bound_are_rejected() -> None:
    with pytest.raises(FixedPointOverflow):
        FP.from_field(FP.bound)  # a large positive element
    with pytest.raises(FixedPointOverflow):
        FP.from_field(bn254.R // 2)  # the middle of the field: neither small nor small-negative
    with pytest.raises(ValueError):
        FP.from_field(bn254.R)


def test_formats_that_could_wrap_the_field_are_refused() -> None:
    FixedPoint(frac_bits=16, bound_bits=110, max_terms=2**16)  # 2·109 + 16 = 234 < 253: fine
    with pytest.raises(ValueError, match="wrap"):
        FixedPoint(frac_bits=16, bound_bits=120, max_terms=2**16)
    with pytest.raises(ValueError, match="f < B"):
        FixedPoint(frac_bits=40, bound_bits=40)
