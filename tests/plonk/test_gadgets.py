"""Gadgets: right answers for honest witnesses, and every cheat caught.

A cheating prover is modelled by ``ConstraintSystem.assign(inputs, overrides)``:
it writes chosen values into some variables and lets the hints compute the rest,
and ``check`` must reject the result. For range checks and comparisons we also
show that no witness at all exists for out-of-range inputs, exhaustively over
every boolean choice of the bits where the width is small.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.plonk.circuit import (
    MAX_BITS,
    BitWidthError,
    Circuit,
    ConstraintSystem,
    ForeignVariableError,
    R,
    UnsatisfiedConstraint,
    signed,
)
from zkpot.plonk.gadgets import (
    assert_boolean,
    assert_nonzero,
    assert_range,
    assert_signed_range,
    inverse,
    is_equal,
    is_negative,
    is_zero,
    less_than,
    rescale,
    select,
    to_bits,
)

scalars = st.integers(min_value=0, max_value=R - 1)
FAST = settings(max_examples=40, deadline=None)


def one_input(build) -> tuple[ConstraintSystem, object, int]:
    """A circuit with private input x and ``build(c, x)``; also how many gates it added."""
    c = Circuit()
    x = c.private_input("x")
    before = c.n_gates
    result = build(c, x)
    return c.compile(), result, c.n_gates - before


def to_bits_gates(n: int) -> int:
    """n boolean checks, then the recomposition chain (one gate even for n ≤ 2)."""
    return n + max(1, n - 1)


def rejects(cs: ConstraintSystem, witness: list[int], match: str | None = None) -> None:
    with pytest.raises(UnsatisfiedConstraint, match=match):
        cs.check(witness)


# -- assert_boolean ------------------------------------------------------------------


def test_assert_boolean() -> None:
    cs, _, gates = one_input(assert_boolean)
    assert gates == 1
    for value in (0, 1):
        cs.solve({"x": value})
    for value in (2, -1, R // 2, 1 + R // 2):
        with pytest.raises(UnsatisfiedConstraint, match="assert_boolean x"):
            cs.solve({"x": value})


# -- to_bits and assert_range ----------------------------------------------------------


@FAST
@given(data=st.data(), n=st.integers(0, 24))
def test_to_bits_little_endian(data: st.DataObject, n: int) -> None:
    x_value = data.draw(st.integers(0, 2**n - 1))
    cs, bits, gates = one_input(lambda c, x: to_bits(c, x, n))
    w = cs.solve({"x": x_value})
    assert [w[b.index] for b in bits] == [(x_value >> i) & 1 for i in range(n)]
    assert gates == to_bits_gates(n)
    if n >= 2:
        assert gates == 2 * n - 1


@FAST
@given(data=st.data(), n=st.integers(0, 24))
def test_assert_range_accepts_exactly_below_2_to_the_n(data: st.DataObject, n: int) -> None:
    cs, _, _ = one_input(lambda c, x: assert_range(c, x, n))
    x_value = data.draw(st.one_of(st.integers(0, 2 ** (n + 1)), scalars, st.integers(-(2**n), -1)))
    if 0 <= x_value < 2**n:
        cs.solve({"x": x_value})
    else:
        with pytest.raises(UnsatisfiedConstraint, match="to_bits x"):
            cs.solve({"x": x_value})


def test_assert_range_edges() -> None:
    cs, _, _ = one_input(lambda c, x: assert_range(c, x, 8))
    cs.solve({"x": 0})
    cs.solve({"x": 255})
    for bad in (256, 257, -1, R - 255):
        with pytest.raises(UnsatisfiedConstraint, match="Σ 2ⁱ·bᵢ = x"):
            cs.solve({"x": bad})


def test_assert_range_at_the_field_limit() -> None:
    cs, _, _ = one_input(lambda c, x: assert_range(c, x, MAX_BITS))
    cs.solve({"x": 2**MAX_BITS - 1})
    for bad in (2**MAX_BITS, R - 1):
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve({"x": bad})


def test_a_bit_set_to_two_is_caught() -> None:
    cs, bits, _ = one_input(lambda c, x: to_bits(c, x, 8))
    for i in range(8):
        w = cs.assign({"x": 0b1010_0110}, overrides={bits[i].index: 2})
        rejects(cs, w, match=rf"assert_boolean x\[{i}\]")


@pytest.mark.parametrize("x_value", [2**8, 2**8 + 5, 2**20 + 3, R - 1, R - 2**8])
def test_wrapped_bits_are_caught(x_value: int) -> None:
    """An x ≥ 2⁸ with bits that do recompose to it: bit 0 must carry x − (its low 8 bits)."""
    cs, bits, _ = one_input(lambda c, x: to_bits(c, x, 8))
    low = x_value % 2**8
    forged = {bits[0].index: (low & 1) + (x_value - low)}
    w = cs.assign({"x": x_value}, overrides=forged)
    total = sum(w[b.index] << i for i, b in enumerate(bits))
    assert total % R == x_value % R  # the recomposition holds…
    rejects(cs, w, match=r"assert_boolean x\[0\]")  # …but bit 0 is not a bit


@pytest.mark.parametrize("x_value", [8, 11, 15, R - 1, R - 8])
def test_out_of_range_has_no_witness(x_value: int) -> None:
    """Every boolean choice of the 3 bits of an x ≥ 2³ fails the recomposition (the one
    accumulator is determined by its gate, and non-boolean bits fail their own gates)."""
    cs, bits, _ = one_input(lambda c, x: to_bits(c, x, 3))
    for choice in itertools.product((0, 1), repeat=3):
        forged = {b.index: v for b, v in zip(bits, choice, strict=True)}
        rejects(cs, cs.assign({"x": x_value}, overrides=forged), match="Σ 2ⁱ·bᵢ = x")


# -- is_zero and is_equal ------------------------------------------------------------


@FAST
@given(x_value=st.one_of(scalars, st.just(0)))
def test_is_zero(x_value: int) -> None:
    cs, out, gates = one_input(is_zero)
    assert gates == 2
    assert cs.solve({"x": x_value})[out.index] == (x_value == 0)


@FAST
@given(x_value=scalars, y_value=st.one_of(scalars, st.just(0)))
def test_is_equal(x_value: int, y_value: int) -> None:
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    out = is_equal(c, x, y)
    w = c.compile().solve({"x": x_value, "y": y_value})
    assert w[out.index] == (x_value == y_value)
    assert c.compile().solve({"x": x_value, "y": x_value})[out.index] == 1


@pytest.mark.parametrize("x_value", [0, 1, 5, R - 1])
def test_is_zero_output_flipped_is_caught(x_value: int) -> None:
    cs, out, _ = one_input(is_zero)
    inv = out.index + 1  # the inverse hint is created right after out
    honest = cs.solve({"x": x_value})
    lie = 1 - honest[out.index]
    for inv_value in (0, 1, 2, honest[inv], pow(x_value, -1, R) if x_value else 7, R - 1):
        w = cs.assign({"x": x_value}, overrides={out.index: lie, inv: inv_value})
        rejects(cs, w, match="is_zero x")


def test_is_zero_needs_its_second_gate() -> None:
    """x ≠ 0 with out = 1, inv = 0 passes x·inv = 1 − out: only x·out = 0 catches it."""
    cs, out, _ = one_input(is_zero)
    w = cs.assign({"x": 5}, overrides={out.index: 1, out.index + 1: 0})
    rejects(cs, w, match="x·out = 0")


# -- inverse and assert_nonzero ------------------------------------------------------


@FAST
@given(x_value=st.integers(1, R - 1))
def test_inverse(x_value: int) -> None:
    cs, inv, gates = one_input(inverse)
    assert gates == 1
    assert cs.solve({"x": x_value})[inv.index] * x_value % R == 1


def test_wrong_inverse_is_caught() -> None:
    cs, inv, _ = one_input(inverse)
    honest = cs.solve({"x": 7})[inv.index]
    for wrong in (0, 1, honest + 1, R - honest):
        rejects(cs, cs.assign({"x": 7}, overrides={inv.index: wrong}), match="inverse x")


def test_zero_has_no_inverse_witness() -> None:
    for gadget in (inverse, assert_nonzero):
        cs, _, _ = one_input(gadget)
        cs.solve({"x": 3})
        with pytest.raises(UnsatisfiedConstraint, match=r"inverse x: x·inv = 1"):
            cs.solve({"x": 0})
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve({"x": R})


# -- select ------------------------------------------------------------------------

LAYOUTS = {  # name: (how x and y enter, gates added besides the inputs)
    "variables": (lambda c, x, y: (x, y), 4),
    "y constant": (lambda c, x, y: (x, 12345), 2),
    "x constant": (lambda c, x, y: (-7, y), 2),
    "y zero": (lambda c, x, y: (x, c.zero), 2),
    "both constant": (lambda c, x, y: (3, 4), 2),
}


def select_circuit(layout: str):
    c = Circuit()
    b, x, y = c.private_input("b"), c.private_input("x"), c.private_input("y")
    ops, expected_gates = LAYOUTS[layout]
    xo, yo = ops(c, x, y)
    xo, yo = c.as_variable(xo), c.as_variable(yo)  # constants get their gate here
    before = c.n_gates
    out = select(c, b, xo, yo)
    assert c.n_gates - before == expected_gates
    return c.compile(), out, xo, yo


@pytest.mark.parametrize("layout", LAYOUTS)
@FAST
@given(b=st.sampled_from([0, 1]), x_value=scalars, y_value=scalars)
def test_select(layout: str, b: int, x_value: int, y_value: int) -> None:
    cs, out, xo, yo = select_circuit(layout)
    w = cs.solve({"b": b, "x": x_value, "y": y_value})
    assert w[out.index] == (w[xo.index] if b else w[yo.index])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_select_cheats_are_caught(layout: str) -> None:
    cs, out, xo, yo = select_circuit(layout)
    inputs = {"b": 1, "x": 10, "y": 20}
    w = cs.solve(inputs)
    other = w[yo.index]
    assert other != w[out.index]
    rejects(cs, cs.assign(inputs, overrides={out.index: other}), match="select")  # wrong branch
    with pytest.raises(UnsatisfiedConstraint, match="assert_boolean b"):
        cs.solve({**inputs, "b": 2})
    # b = 2 with out = 2x − y satisfies the selection gates: only the boolean check stops it
    two = cs.assign({**inputs, "b": 2})
    assert two[out.index] == (2 * w[xo.index] - w[yo.index]) % R
    rejects(cs, two, match="assert_boolean b")


def test_relu() -> None:
    """ReLU from a sign bit, as the fixed-point layer will build it."""
    c = Circuit()
    x = c.private_input("x")
    relu = select(c, is_negative(c, x, 16), 0, x)
    cs = c.compile()
    for value in (-(2**16), -5, -1, 0, 1, 7, 2**16 - 1):
        assert signed(cs.solve({"x": value})[relu.index]) == max(value, 0)
    for bad in (2**16, -(2**16) - 1, R // 2):
        with pytest.raises(UnsatisfiedConstraint, match="less_than x<0"):
            cs.solve({"x": bad})


# -- less_than ------------------------------------------------------------------------


def lt_circuit(bits: int):
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    before = c.n_gates
    out = less_than(c, x, y, bits)
    assert c.n_gates - before == 2 * bits + 3 + (bits == 0)  # to_bits(d, 1) takes 2 gates
    return c.compile(), out


@FAST
@given(data=st.data(), bits=st.integers(0, 20))
def test_less_than(data: st.DataObject, bits: int) -> None:
    cs, out = lt_circuit(bits)
    below = st.integers(0, 2**bits - 1)
    x_value, y_value = data.draw(below), data.draw(below)
    w = cs.solve({"x": x_value, "y": y_value})
    assert w[out.index] == (x_value < y_value)
    assert w[out.index] in (0, 1)


@FAST
@given(data=st.data(), bits=st.integers(1, 20))
def test_less_than_is_a_signed_comparison_in_its_window(data: st.DataObject, bits: int) -> None:
    cs, out = lt_circuit(bits)
    delta = data.draw(st.integers(-(2**bits), 2**bits - 1))
    y_value = data.draw(scalars)
    w = cs.solve({"x": y_value + delta, "y": y_value})
    assert w[out.index] == (delta < 0)


def test_less_than_flipped_output_is_caught() -> None:
    cs, out = lt_circuit(8)
    for x_value, y_value in ((3, 200), (200, 3), (5, 5)):
        inputs = {"x": x_value, "y": y_value}
        honest = cs.solve(inputs)[out.index]
        rejects(cs, cs.assign(inputs, overrides={out.index: 1 - honest}), match="less_than x<y")
        top = next(i for i, name in enumerate(cs.names) if name.endswith("[8]"))  # d's top bit
        w = cs.assign(inputs, overrides={top: honest})  # out = 1 − top, recomputed from it
        assert w[out.index] == 1 - honest
        rejects(cs, w, match="to_bits")


@pytest.mark.parametrize(("x_value", "y_value"), [(12, 0), (0, 5), (2**40, 1), (0, R // 2)])
def test_less_than_out_of_window_has_no_witness(x_value: int, y_value: int) -> None:
    """bits = 2: d = 4 + x − y must be in [0, 8); no boolean choice of d's 3 bits fits."""
    cs, _ = lt_circuit(2)
    with pytest.raises(UnsatisfiedConstraint, match="to_bits"):
        cs.solve({"x": x_value, "y": y_value})
    bit_indices = [i for i, name in enumerate(cs.names) if "[" in name]
    assert len(bit_indices) == 3
    for choice in itertools.product((0, 1), repeat=3):
        forged = dict(zip(bit_indices, choice, strict=True))
        rejects(cs, cs.assign({"x": x_value, "y": y_value}, overrides=forged))


# -- assert_signed_range and rescale -------------------------------------------------------


@pytest.mark.parametrize("bits", [1, 2, 5])
def test_assert_signed_range_is_the_strict_bound(bits: int) -> None:
    """Exactly −2^(bits−1) < x < 2^(bits−1), FixedPoint.check's bound, and nothing else."""
    cs, _, gates = one_input(lambda c, x: assert_signed_range(c, x, bits))
    assert gates == 1 + to_bits_gates(bits) + 1  # the shift, to_bits, u ≠ 0
    half = 1 << (bits - 1)
    for value in range(-3 * half - 2, 3 * half + 2):
        if -half < value < half:
            cs.solve({"x": value})
        else:
            with pytest.raises(UnsatisfiedConstraint, match="assert_signed_range x"):
                cs.solve({"x": value})
    for value in (R // 2, R // 2 + 1, half + R // 2):  # far from zero on both sides
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve({"x": value})


def test_assert_signed_range_needs_the_nonzero_gate() -> None:
    """x = −2^(bits−1): u = 0 passes the bits; only the inverse gate refuses it."""
    cs, _, _ = one_input(lambda c, x: assert_signed_range(c, x, 8))
    with pytest.raises(UnsatisfiedConstraint, match=r"assert_signed_range x: inverse v2"):
        cs.solve({"x": -128})


def rescale_circuit(f: int, b: int) -> tuple[ConstraintSystem, object, object, int]:
    c = Circuit()
    x = c.private_input("x")
    before = c.n_gates
    q, rem = rescale(c, x, f, b)
    return c.compile(), q, rem, c.n_gates - before


@FAST
@given(data=st.data(), f=st.integers(0, 20), b=st.integers(1, 30))
def test_rescale_is_fixedpoint_floor_division(data: st.DataObject, f: int, b: int) -> None:
    from zkpot.ml.fixedpoint import FixedPoint, FixedPointOverflow

    half = 1 << (b - 1)
    x_value = data.draw(st.integers(-half << f, half << f))
    cs, q, rem, gates = rescale_circuit(f, b)
    assert gates == 1 + to_bits_gates(f) + 1 + to_bits_gates(b) + 1
    fp = FixedPoint(frac_bits=f, bound_bits=b) if f < b - 1 else None  # formats it accepts
    expected_q, expected_rem = divmod(x_value, 1 << f)
    if -half < expected_q < half:
        w = cs.solve({"x": x_value})
        assert (signed(w[q.index]), w[rem.index]) == (expected_q, expected_rem)
        if fp is not None:  # the same integers as the fixed-point twin, check included
            assert fp.rescale(x_value) == (expected_q, expected_rem)
            assert fp.check(expected_q, "q") == expected_q
    else:
        with pytest.raises(UnsatisfiedConstraint, match="rescale x"):
            cs.solve({"x": x_value})
        if fp is not None:
            with pytest.raises(FixedPointOverflow):
                fp.check(expected_q, "q")


def test_rescale_edges_and_negative_quotients() -> None:
    f, b = 4, 8
    cs, q, rem, _ = rescale_circuit(f, b)
    for x_value, expected in [(-1, (-1, 15)), (-16, (-1, 0)), (-17, (-2, 15)), (127 * 16 + 15,
                              (127, 15)), (-127 * 16, (-127, 0)), (0, (0, 0))]:  # fmt: skip
        w = cs.solve({"x": x_value})
        assert (signed(w[q.index]), w[rem.index]) == expected, x_value
    for x_value in (128 * 16, -127 * 16 - 1, -128 * 16):  # quotient 128, −128, −128
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve({"x": x_value})


def test_rescale_cheats_are_caught() -> None:
    """A remainder ≥ 2^f, a negative one, a quotient off by one, one outside the bound."""
    f, b = 4, 8
    cs, q, rem, _ = rescale_circuit(f, b)
    x_value = -37  # q = −3, rem = 11
    w = cs.solve({"x": x_value})
    qv, rv = signed(w[q.index]), w[rem.index]
    cheats = [  # (what the cheat writes, the check that catches it)
        ({q.index: qv - 1, rem.index: rv + 16}, "/to_bits"),  # rem ≥ 2^f
        ({q.index: qv + 1, rem.index: rv - 16}, "/to_bits"),  # rem < 0
        ({q.index: qv + 1}, r": x = q·2\^f \+ rem"),  # q off by one
        ({q.index: x_value * pow(16, -1, R), rem.index: 0}, "/assert_signed_range"),  # q huge
    ]
    for overrides, caught_by in cheats:
        rejects(cs, cs.assign({"x": x_value}, overrides), match=f"^gate .*rescale x{caught_by}")
    # a quotient just outside the bound: x = −128·16 has the witness q = −128, rem = 0
    w = cs.assign({"x": -128 * 16})
    assert signed(w[q.index]) == -128 and w[rem.index] == 0
    rejects(cs, w, match="assert_signed_range")


def test_rescale_widths() -> None:
    c = Circuit()
    x = c.private_input("x")
    with pytest.raises(BitWidthError, match=r"bound_bits takes a bit width in \[1, 237\]"):
        rescale(c, x, 16, 238)
    with pytest.raises(BitWidthError):
        rescale(c, x, 16, 0)
    with pytest.raises(BitWidthError):
        rescale(c, x, -1, 8)
    with pytest.raises(BitWidthError, match=r"\[1, 253\]"):
        assert_signed_range(c, x, 0)


# -- widths, composition, errors ----------------------------------------------------------


@pytest.mark.parametrize("n", [MAX_BITS + 1, 300, -1, 2.0, True, None, "8"])
def test_bit_widths_outside_the_field(n: object) -> None:
    c = Circuit()
    x = c.private_input("x")
    with pytest.raises(BitWidthError, match="bit width"):
        to_bits(c, x, n)  # type: ignore[arg-type]
    with pytest.raises(BitWidthError):
        assert_range(c, x, n)  # type: ignore[arg-type]
    with pytest.raises(BitWidthError, match=r"less_than takes a bit width in \[0, 252\]"):
        less_than(c, x, x, MAX_BITS)


def test_gadgets_reject_foreign_variables() -> None:
    c1, c2 = Circuit(), Circuit()
    x1, x2 = c1.private_input("x"), c2.private_input("x")
    for attempt in (
        lambda: assert_boolean(c1, x2),
        lambda: to_bits(c1, x2, 4),
        lambda: is_zero(c1, x2),
        lambda: inverse(c1, x2),
        lambda: select(c1, x1, x2, 0),
        lambda: less_than(c1, x1, x2, 4),
    ):
        with pytest.raises(ForeignVariableError):
            attempt()


def test_gadget_labels_nest_in_scopes() -> None:
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    with c.scope("layer1"):
        less_than(c, x, y, 4)
    cs = c.compile()
    assert any(g.label.startswith("layer1/less_than x<y/to_bits v") for g in cs.gates)
    with pytest.raises(UnsatisfiedConstraint, match="layer1/less_than x<y/to_bits"):
        cs.solve({"x": 100, "y": 0})
    assert max(len(line) for line in cs.table().splitlines()) <= 80
