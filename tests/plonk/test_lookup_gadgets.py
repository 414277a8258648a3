"""Gadgets by lookup: the same sets as the bit-decomposition gadgets, in fewer rows, and
every cheat of the known failures of this field caught, in a proof too."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.ml.fixedpoint import FixedPoint
from zkpot.plonk import Circuit, preprocess, prove, verify
from zkpot.plonk import gadgets as bits_gadgets
from zkpot.plonk import lookup_gadgets as lg
from zkpot.plonk.circuit import R, UnsatisfiedConstraint, signed
from zkpot.plonk.keys import srs_size
from zkpot.plonk.prover import prove_witness
from zkpot.poly.kzg import SRS

FAST = settings(max_examples=30, deadline=None)


def one_input(build):
    c = Circuit()
    x = c.private_input("x")
    before = c.n_gates
    out = build(c, x)
    return c, c.compile(), out, c.n_gates - before


def accepted(cs, value: int) -> bool:
    try:
        cs.solve({"x": value})
    except UnsatisfiedConstraint:
        return False
    return True


@pytest.mark.parametrize(("bits", "table_bits"), [(5, 2), (4, 4), (6, 3), (1, 3), (0, 2), (5, 0)])
def test_assert_range_accepts_exactly_below_2_to_the_bits(bits: int, table_bits: int) -> None:
    _, cs, _, _ = one_input(lambda c, x: lg.assert_range(c, x, bits, table_bits))
    for value in range(-40, 80):
        assert accepted(cs, value) == (0 <= value < 1 << bits), value
    assert not accepted(cs, R // 2) and not accepted(cs, (1 << bits) + R // 3)


@pytest.mark.parametrize(("bits", "table_bits"), [(5, 2), (4, 4), (6, 3), (1, 1), (5, 0), (1, 0)])
def test_assert_signed_range_is_the_strict_bound(bits: int, table_bits: int) -> None:
    _, cs, _, _ = one_input(lambda c, x: lg.assert_signed_range(c, x, bits, table_bits))
    half = 1 << (bits - 1)
    for value in range(-3 * half - 3, 3 * half + 3):
        assert accepted(cs, value) == (-half < value < half), value


def test_rows_against_bit_decomposition() -> None:
    """The figures of the module docstring, measured."""
    rows = {name: one_input(build)[3] for name, build in {
        "range16": lambda c, x: lg.assert_range(c, x, 16),
        "range24": lambda c, x: lg.assert_range(c, x, 24),
        "rescale": lambda c, x: lg.rescale(c, x, 16, 24),
        "bits range16": lambda c, x: bits_gadgets.assert_range(c, x, 16),
        "bits range24": lambda c, x: bits_gadgets.assert_range(c, x, 24),
        "bits rescale": lambda c, x: bits_gadgets.rescale(c, x, 16, 24),
        "table_bits=0 range24": lambda c, x: lg.assert_range(c, x, 24, 0),
        "table_bits=0 signed24": lambda c, x: lg.assert_signed_range(c, x, 24, 0),
        "bits signed24": lambda c, x: bits_gadgets.assert_signed_range(c, x, 24),
    }.items()}  # fmt: skip
    assert rows == {"range16": 3, "range24": 5, "rescale": 10,
                    "bits range16": 31, "bits range24": 47, "bits rescale": 81,
                    "table_bits=0 range24": 47, "table_bits=0 signed24": 48,
                    "bits signed24": 49}  # fmt: skip


@FAST
@given(data=st.data(), f=st.integers(0, 12), b=st.integers(2, 14), t=st.integers(0, 6))
def test_rescale_is_fixedpoint_floor_division(data, f: int, b: int, t: int) -> None:
    half = 1 << (b - 1)
    x_value = data.draw(st.integers(-half << f, half << f))
    _, cs, q, _ = one_input(lambda c, x: lg.rescale(c, x, f, b, table_bits=t))
    expected = x_value >> f
    if -half < expected < half:
        assert signed(cs.solve({"x": x_value})[q.index]) == expected
        if f < b - 1:
            assert FixedPoint(frac_bits=f, bound_bits=b).rescale(x_value)[0] == expected
    else:
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve({"x": x_value})


def test_the_known_failures_cannot_be_proven() -> None:
    """A remainder ≥ 2^f, a negative remainder, a quotient off by one or just outside
    the bound: a cheating prover who writes any value into q and the limbs fails."""
    f, b = 4, 8
    _, cs, q, _ = one_input(lambda c, x: lg.rescale(c, x, f, b, table_bits=2))
    rem_limbs = [g.a for g in cs.gates if g.table][:2]  # the remainder's come first
    x_value = -37  # q = −3, rem = 11 = (3, 2) in 2-bit limbs

    def cheat(q_value: int, rem_value: int | None) -> list[int]:
        overrides = {q.index: q_value}
        if rem_value is not None:  # write the remainder's limbs as a cheater would
            overrides.update({rem_limbs[0]: rem_value % R, rem_limbs[1]: 0})
        return cs.assign({"x": x_value}, overrides)

    honest = cs.solve({"x": x_value})
    assert signed(honest[q.index]) == -3
    for q_value, rem_value in ((-4, 27), (-2, -5), (-2, None), (-4, None)):
        with pytest.raises(UnsatisfiedConstraint):
            cs.check(cheat(q_value, rem_value))
    # negative quotients are proven, down to −(2^(B−1) − 1), and no further
    assert signed(cs.solve({"x": -127 * 16})[q.index]) == -127
    with pytest.raises(UnsatisfiedConstraint, match="inv = 1"):
        cs.solve({"x": -128 * 16})  # q = −128: the bits pass, the nonzero gate does not
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve({"x": 128 * 16})


def test_a_rescale_proof_and_a_forged_one() -> None:
    """The lookup configuration proves q = ⌊x / 2^f⌋ and refuses the field-element quotient
    that a remainder-only check would accept."""
    c = Circuit()
    x, q_out = c.public_input("x"), c.public_input("q")
    q = lg.rescale(c, x, 4, 8, table_bits=4)
    c.assert_equal(q, q_out)
    pk, vk = preprocess(c, SRS.from_tau(99, srs_size(c)))
    rng = random.Random(4)
    for x_value in (1000, -1000, -1, 127 * 16 + 15):
        p = prove(pk, {"x": x_value, "q": x_value >> 4}, rng=rng)
        assert verify(vk, [x_value, x_value >> 4], p)
    forged_q = 1000 * pow(16, -1, R) % R
    witness = pk.cs.assign({"x": 1000, "q": forged_q}, {q.index: forged_q})
    assert not verify(vk, [1000, forged_q], prove_witness(pk, witness, rng=rng, check=False))


@FAST
@given(st.lists(st.integers(-127, 127), min_size=1, max_size=5))
def test_argmax_is_numpys_ties_to_the_lowest_index(values: list[int]) -> None:
    import numpy as np

    c = Circuit()
    xs = [c.private_input(f"x{i}") for i in range(len(values))]
    index = lg.argmax(c, xs, 8, table_bits=4)
    cs = c.compile()
    assert cs.solve({f"x{i}": v for i, v in enumerate(values)})[index.index] == np.argmax(values)


@FAST
@given(st.integers(-(2**11) + 1, 2**11 - 1))
def test_relu_and_its_sign_bit_are_fixedarithmetic_s(value: int) -> None:
    """The pair FixedArithmetic.relu returns: max(z, 0) and the bit z ≥ 0."""
    import numpy as np

    from zkpot.ml.model import FixedArithmetic

    _, cs, (out, sign), _ = one_input(lambda c, x: lg.relu(c, x, 12, table_bits=5))
    w = cs.solve({"x": value})
    expected, bits = FixedArithmetic(FixedPoint(frac_bits=4, bound_bits=12)).relu(
        np.array([value]), ("test", 1, "relu")
    )
    assert (signed(w[out.index]), w[sign.index]) == (int(expected[0]), int(bits[0]))


def test_a_flipped_sign_or_index_is_caught() -> None:
    """A cheater who writes the other sign bit, or another argmax index, is refused."""
    _, cs, (_, sign), _ = one_input(lambda c, x: lg.relu(c, x, 12, table_bits=5))
    for value in (-3, 5):
        flipped = cs.assign({"x": value}, {sign.index: 1 - (value >= 0)})
        with pytest.raises(UnsatisfiedConstraint, match="top limb and sign"):
            cs.check(flipped)
    c = Circuit()
    xs = [c.private_input(f"x{i}") for i in range(3)]
    index = lg.argmax(c, xs, 8, table_bits=4)
    cs = c.compile()
    inputs = {"x0": 1, "x1": 9, "x2": 4}
    assert cs.solve(inputs)[index.index] == 1
    for wrong in (0, 2):
        with pytest.raises(UnsatisfiedConstraint):
            cs.check(cs.assign(inputs, {index.index: wrong}))
    # the comparison bits are pinned by their lookups: claiming 4 > 9 fails there
    g2 = max(v for v, name in enumerate(cs.names) if name.endswith("≥ 0"))  # 4 > 9 ?
    with pytest.raises(UnsatisfiedConstraint, match="top limb and sign"):
        cs.check(cs.assign(inputs, {g2: 1}))


def test_rescale_with_sign_gives_the_sign_in_the_same_rows() -> None:
    c = Circuit()
    x = c.private_input("x")
    before = c.n_gates
    q, sign = lg.rescale_with_sign(c, x, 16, 24)
    assert c.n_gates - before == 10
    cs = c.compile()
    for value in (-(2**20), -1, 0, 2**20 + 5):
        w = cs.solve({"x": value})
        assert (signed(w[q.index]), w[sign.index]) == (value >> 16, int(value >> 16 >= 0))


# -- the clamp -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("log2_bound", "bits", "table_bits"),
    [(2, 8, 4), (4, 9, 4), (3, 9, 4), (0, 5, 2), (1, 12, 3), (2, 12, 0), (4, 9, 0), (5, 7, 8)],
)
def test_clamp_is_min_max_for_every_small_value(log2_bound: int, bits: int, table_bits: int):
    """Every v with |v| < 2^(bits−1), by table (q rounded down or not) or by comparison."""
    layout = lg.clamp_layout(log2_bound, bits, table_bits)
    _, cs, out, _ = one_input(lambda c, x: lg.clamp(c, x, log2_bound, bits, table_bits))
    bound, half = 1 << log2_bound, 1 << (bits - 1)
    for value in range(-half + 1, half):
        w = cs.solve({"x": value})
        assert signed(w[out.index]) == max(-bound, min(bound, value)), (value, layout)


def test_clamp_layouts_and_rows() -> None:
    """At f = 16, B = 24 (values below 2^24): [−1, 1] and [−1/2, 1/2] by 513-row tables in 7
    rows; [−2^−6, 2^−6] by comparison, its table would have 16,385 rows."""
    assert lg.clamp_layout(16, 25, 8) == (16, -255, 256, True)  # N = 2: one limb fewer
    assert lg.clamp_layout(15, 25, 8) == (16, -256, 256, True)
    assert lg.clamp_layout(10, 25, 8) == (11, -8192, 8192, False)
    assert lg.clamp_layout(16, 25, 0) == (17, -128, 128, False)
    for log2_bound, rows in ((16, 7), (15, 7), (19, 9), (10, 13)):
        assert one_input(lambda c, x, e=log2_bound: lg.clamp(c, x, e, 25))[3] == rows


def test_a_clamp_that_is_not_the_clamp_is_caught() -> None:
    """Keeping v = 40 past K = 16 (in = 1, s = 0) breaks the table's lookup; moving hi to
    0 instead breaks lo's limbs' equation; either kept output is refused."""
    _, cs, out, _ = one_input(lambda c, x: lg.clamp(c, x, 4, 9, table_bits=4))
    labels = {h.label.rsplit(": ", 1)[-1]: i for i, h in enumerate(cs.hints) if h}
    assert signed(cs.solve({"x": 40})[out.index]) == 16
    kept = cs.assign({"x": 40}, {labels["in"]: 1, labels["s"]: 0})
    assert signed(kept[out.index]) == 40
    with pytest.raises(UnsatisfiedConstraint, match=r"\(hi, in, s\) in clamp4_9_4"):
        cs.check(kept)
    moved = cs.assign({"x": 40}, {labels["hi"]: 0, labels["lo"]: 56, labels["in"]: 1,
                                  labels["s"]: 0})  # fmt: skip
    assert signed(moved[out.index]) == 40
    with pytest.raises(UnsatisfiedConstraint, match=r"v \+ K = lo \+ 2\^q·hi"):
        cs.check(moved)
