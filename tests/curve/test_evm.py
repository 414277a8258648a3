"""The BN254 precompiles ECADD, ECMUL and ECPAIRING (EIP-196, EIP-197), byte for byte.

Expected outputs come from py_ecc's ``optimized_bn128`` and are encoded here with
``int.to_bytes``; pairing vectors rest on bilinearity (e(aP, bQ) = e(abP, Q)).
"""

from __future__ import annotations

import functools
import itertools
import random

import py_ecc.optimized_bn128 as pn
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.curve import InvalidInput, bn254
from zkpot.curve.evm import bn254_add, bn254_mul, bn254_pairing

P_MOD = pn.field_modulus
R = pn.curve_order
FEW = settings(max_examples=15, deadline=None)
ONE, ZERO = (1).to_bytes(32, "big"), bytes(32)
rng = random.Random(196197)
A, B, C = (rng.randrange(2, R) for _ in range(3))


# ------------------------------------------------------------ helpers


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def g1(pt) -> bytes:
    """EIP-196: x ‖ y, 64 bytes; (0, 0) for the point at infinity."""
    if pn.is_inf(pt):
        return bytes(64)
    x, y = pn.normalize(pt)
    return word(int(x.n)) + word(int(y.n))


def g2(pt) -> bytes:
    """EIP-197: x_im ‖ x_re ‖ y_im ‖ y_re, 128 bytes; all zeros for the point at infinity."""
    if pn.is_inf(pt):
        return bytes(128)
    x, y = pn.normalize(pt)
    (x_re, x_im), (y_re, y_im) = x.coeffs, y.coeffs
    return word(int(x_im)) + word(int(x_re)) + word(int(y_im)) + word(int(y_re))


def g1_mul(k: int):
    return pn.multiply(pn.G1, k % R)


def g2_mul(k: int):
    return pn.multiply(pn.G2, k % R)


O1, O2 = bytes(64), bytes(128)
GEN1, GEN2 = g1(pn.G1), g2(pn.G2)


def replace_word(data: bytes, index: int, value: int) -> bytes:
    return data[: 32 * index] + word(value) + data[32 * (index + 1) :]


@functools.cache
def off_subgroup_g2() -> bytes:
    """The encoding of a point on the twist y² = x³ + 3/(9 + u) outside the order-r subgroup.

    x = 1, 2, 3, … until x³ + b' is a square; py_ecc confirms it is on the curve and
    that r times it is not the point at infinity.
    """
    Fq2 = bn254.Fq2
    twist_b = Fq2(3) / Fq2(9, 1)
    for k in itertools.count(1):
        x = Fq2(k)
        rhs = x * x * x + twist_b
        c0, c1 = rhs.flat()
        if pow(c0 * c0 + c1 * c1, (P_MOD - 1) // 2, P_MOD) != 1:  # the norm is not a square
            continue
        y = rhs.sqrt()
        point = (pn.FQ2(x.flat()), pn.FQ2(y.flat()), pn.FQ2.one())
        assert pn.is_on_curve(point, pn.b2)
        if not pn.is_inf(pn.multiply(point, R)):
            return g2(point)
    raise AssertionError("unreachable")


# ------------------------------------------------------------ ECADD


def test_docstring_example() -> None:
    generator = (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    assert g1(pn.G1) == generator
    assert bn254_add(generator + bytes(64)) == generator  # G + O = G
    assert bn254_add(GEN1 + O1) == GEN1


ADD_CASES = {
    "G+G": (pn.G1, pn.G1),
    "G+2G": (pn.G1, g1_mul(2)),
    "aP+bP": (g1_mul(A), g1_mul(B)),
    "P+P": (g1_mul(A), g1_mul(A)),
    "P+(-P)": (g1_mul(A), pn.neg(g1_mul(A))),
    "O+P": (pn.Z1, g1_mul(B)),
    "P+O": (g1_mul(B), pn.Z1),
    "O+O": (pn.Z1, pn.Z1),
    "(r-1)G+G": (g1_mul(R - 1), pn.G1),
    "(r-1)G+2G": (g1_mul(R - 1), g1_mul(2)),
}


@pytest.mark.parametrize("left, right", ADD_CASES.values(), ids=ADD_CASES.keys())
def test_add(left, right) -> None:
    expected = g1(pn.add(left, right))
    assert len(expected) == 64
    assert bn254_add(g1(left) + g1(right)) == expected
    assert bn254_add(g1(right) + g1(left)) == expected


def test_add_known_values() -> None:
    double = word(0x030644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD3) + word(
        0x15ED738C0E0A7C92E7845F96B2AE9C0A68A6A449E3538FC7FF3EBF7A5A18A2C4
    )  # 2·(1, 2)
    assert g1(g1_mul(2)) == double
    assert bn254_add(GEN1 + GEN1) == double
    assert bn254_add(GEN1 + word(1) + word(P_MOD - 2)) == O1  # G + (−G) = O, −G = (1, p − 2)


def test_add_property() -> None:
    @FEW
    @given(st.integers(0, R - 1), st.integers(0, R - 1))
    def check(a: int, b: int) -> None:
        assert bn254_add(g1(g1_mul(a)) + g1(g1_mul(b))) == g1(g1_mul(a + b))

    check()


# ------------------------------------------------------------ ECMUL

MUL_SCALARS = {
    "0": 0,
    "1": 1,
    "2": 2,
    "3": 3,
    "r-1": R - 1,
    "r": R,
    "r+1": R + 1,
    "2r": 2 * R,
    "p": P_MOD,
    "2^255": 2**255,
    "2^256-1": 2**256 - 1,
    "a": A,
    "b": B,
}


@pytest.mark.parametrize("k", MUL_SCALARS.values(), ids=MUL_SCALARS.keys())
@pytest.mark.parametrize("point", [pn.G1, g1_mul(C)], ids=["G", "cG"])
def test_mul(point, k) -> None:
    expected = g1(pn.multiply(point, k % R))
    assert bn254_mul(g1(point) + word(k)) == expected


def test_mul_edges_by_hand() -> None:
    x, y = GEN1[:32], int.from_bytes(GEN1[32:], "big")
    assert bn254_mul(GEN1 + word(0)) == O1
    assert bn254_mul(GEN1 + word(1)) == GEN1
    assert bn254_mul(GEN1 + word(R)) == O1
    assert bn254_mul(GEN1 + word(R - 1)) == x + word(P_MOD - y)  # −G
    assert bn254_mul(GEN1 + word(R + 1)) == GEN1


@pytest.mark.parametrize("k", [0, 1, 2, R - 1, R, 2**256 - 1])
def test_mul_of_the_point_at_infinity(k) -> None:
    assert bn254_mul(O1 + word(k)) == O1


def test_mul_property() -> None:
    @FEW
    @given(st.integers(0, R - 1), st.integers(0, 2**256 - 1))
    def check(a: int, k: int) -> None:
        assert bn254_mul(g1(g1_mul(a)) + word(k)) == g1(g1_mul(a * k))

    check()


# ------------------------------------------------------------ ECPAIRING


def pairs(*items) -> bytes:
    return b"".join(g1(P) + g2(Q) for P, Q in items)


TRUE_CASES = {
    "e(aP,bQ)e(-abP,Q)": pairs((g1_mul(A), g2_mul(B)), (g1_mul(-A * B), pn.G2)),
    "e(P,Q)e(-P,Q)": pairs((pn.G1, pn.G2), (pn.neg(pn.G1), pn.G2)),
    "e(aP,Q)e(P,-aQ)": pairs((g1_mul(A), pn.G2), (pn.G1, pn.neg(g2_mul(A)))),
    "three pairs": pairs((g1_mul(A), pn.G2), (g1_mul(B), pn.G2), (g1_mul(-(A + B)), pn.G2)),
    "with identities": pairs(
        (pn.Z1, g2_mul(C)),
        (g1_mul(A), g2_mul(B)),
        (g1_mul(C), pn.Z2),
        (g1_mul(-A * B), pn.G2),
        (pn.Z1, pn.Z2),
    ),
    "(O,Q)": pairs((pn.Z1, pn.G2)),
    "(P,O)": pairs((pn.G1, pn.Z2)),
    "(O,O)": pairs((pn.Z1, pn.Z2)),
    "empty": b"",
}
FALSE_CASES = {
    "e(P,Q)": pairs((pn.G1, pn.G2)),
    "e(aP,bQ)": pairs((g1_mul(A), g2_mul(B))),
    "e(P,Q)e(P,Q)": pairs((pn.G1, pn.G2), (pn.G1, pn.G2)),
    "e(aP,bQ)e(-(ab+1)P,Q)": pairs((g1_mul(A), g2_mul(B)), (g1_mul(-A * B - 1), pn.G2)),
    "true pair and one more": pairs(
        (g1_mul(A), g2_mul(B)), (g1_mul(-A * B), pn.G2), (pn.G1, pn.G2)
    ),
    "with identities": pairs((pn.Z1, pn.G2), (g1_mul(A), pn.G2), (pn.G1, pn.Z2)),
}


@pytest.mark.parametrize("data", TRUE_CASES.values(), ids=TRUE_CASES.keys())
def test_pairing_true(data) -> None:
    assert len(data) % 192 == 0
    assert bn254_pairing(data) == ONE == word(1)


@pytest.mark.parametrize("data", FALSE_CASES.values(), ids=FALSE_CASES.keys())
def test_pairing_false(data) -> None:
    assert bn254_pairing(data) == ZERO == bytes(32)


def test_pairing_by_hand_coordinates() -> None:
    # (1, 2) and EIP-197's generator of G2, x_im ‖ x_re ‖ y_im ‖ y_re
    q = (
        word(0x198E9393920D483A7260BFB731FB5D25F1AA493335A9E71297E485B7AEF312C2)
        + word(0x1800DEEF121F1E76426A00665E5C4479674322D4F75EDADD46DEBD5CD992F6ED)
        + word(0x090689D0585FF075EC9E99AD690C3395BC4B313370B38EF355ACDADCD122975B)
        + word(0x12C85EA5DB8C6DEB4AAB71808DCB408FE3D1E7690C43D37B4CE6CC0166FA7DAA)
    )
    assert q == GEN2
    minus_g = word(1) + word(P_MOD - 2)
    assert bn254_pairing(GEN1 + q + minus_g + q) == ONE
    assert bn254_pairing(GEN1 + q + GEN1 + q) == ZERO
    assert bn254_pairing(GEN1 + q) == ZERO


# ------------------------------------------------------------ input length and padding


def test_add_pads_short_input_with_zeros() -> None:
    assert bn254_add(b"") == O1
    assert bn254_add(GEN1) == GEN1  # the second point is (0, 0)
    P = g1(g1_mul(A))
    for cut in range(64, 129, 16):
        assert bn254_add((P + O1)[:cut]) == P
    # padding is on the right: (1, 2) cut to 63 bytes reads as (1, 0), off the curve
    with pytest.raises(InvalidInput, match="not on the curve"):
        bn254_add(GEN1[:63])


def test_add_ignores_input_past_128_bytes() -> None:
    P, Q = g1(g1_mul(A)), g1(g1_mul(B))
    expected = bn254_add(P + Q)
    for tail in (b"\x00", b"\xff", b"\xff" * 64, word(P_MOD) * 3, bytes(1000)):
        assert bn254_add(P + Q + tail) == expected


def test_mul_pads_short_input_with_zeros() -> None:
    assert bn254_mul(b"") == O1
    assert bn254_mul(GEN1) == O1  # scalar 0
    assert bn254_mul(GEN1 + b"\x01") == g1(g1_mul(2**248))  # 0x01 then 31 zero bytes
    assert bn254_mul(GEN1 + word(3)[:31]) == O1  # 00…00 (the 03 dropped) is 0
    assert bn254_mul(GEN1 + b"\x02" + bytes(30)) == g1(g1_mul(2**249))
    with pytest.raises(InvalidInput, match="not on the curve"):
        bn254_mul(GEN1[:63])


def test_mul_ignores_input_past_96_bytes() -> None:
    P = g1(g1_mul(A))
    expected = g1(g1_mul(A * B))
    for tail in (b"\x01", b"\xff" * 32, word(P_MOD) + word(2**256 - 1), bytes(500)):
        assert bn254_mul(P + word(B) + tail) == expected


@pytest.mark.parametrize("length", [1, 32, 64, 128, 191, 193, 200, 383, 385])
def test_pairing_length_must_be_a_multiple_of_192(length) -> None:
    data = (pairs((pn.G1, pn.G2), (pn.neg(pn.G1), pn.G2)) * 2)[:length]
    with pytest.raises(InvalidInput, match=f"multiple of 192 bytes, got {length}"):
        bn254_pairing(data)


def test_pairing_does_not_pad() -> None:
    with pytest.raises(InvalidInput, match="multiple of 192"):
        bn254_pairing(GEN1)  # a lone G1 point
    assert bn254_pairing(bytes(192)) == ONE
    assert bn254_pairing(bytes(192 * 3)) == ONE
    with pytest.raises(InvalidInput, match="multiple of 192"):
        bn254_pairing(bytes(192 * 3 + 1))


# ------------------------------------------------------------ invalid points

NON_CANONICAL, OFF_CURVE = "not canonical", "not on the curve"
BAD_G1 = {  # name: (64 bytes, what the error says)
    "x=p": (word(P_MOD) + word(2), NON_CANONICAL),
    "y=p": (word(1) + word(P_MOD), NON_CANONICAL),
    "x=p+1": (word(P_MOD + 1) + word(2), NON_CANONICAL),
    "y=p+2": (word(1) + word(P_MOD + 2), NON_CANONICAL),  # ≡ 2, but not the canonical form
    "x=2^256-1": (word(2**256 - 1) + word(2), NON_CANONICAL),
    "y=2^256-1": (word(1) + word(2**256 - 1), NON_CANONICAL),
    "(0,p)": (word(0) + word(P_MOD), NON_CANONICAL),
    "(1,3)": (word(1) + word(3), OFF_CURVE),
    "(0,1)": (word(0) + word(1), OFF_CURVE),
    "(1,0)": (word(1) + word(0), OFF_CURVE),
    "(2,2)": (word(2) + word(2), OFF_CURVE),
}


@pytest.mark.parametrize("name", BAD_G1)
def test_add_rejects_invalid_points(name) -> None:
    (bad, reason), good = BAD_G1[name], g1(g1_mul(A))
    for data in (bad + good, good + bad, bad + O1, O1 + bad, bad + bad):
        with pytest.raises(InvalidInput, match=reason):
            bn254_add(data)


@pytest.mark.parametrize("name", BAD_G1)
def test_mul_rejects_invalid_points(name) -> None:
    bad, reason = BAD_G1[name]
    for k in (0, 1, R, 2**256 - 1):  # even the scalar 0 does not excuse the point
        with pytest.raises(InvalidInput, match=reason):
            bn254_mul(bad + word(k))


@pytest.mark.parametrize("name", BAD_G1)
def test_pairing_rejects_invalid_g1_points(name) -> None:
    bad, reason = BAD_G1[name]
    valid = pairs((pn.G1, pn.G2), (pn.neg(pn.G1), pn.G2))
    # a G2 point at infinity does not excuse an invalid G1 point, nor does its position
    for data in (bad + GEN2, bad + O2, valid + bad + GEN2, bad + O2 + valid):
        with pytest.raises(InvalidInput, match=reason):
            bn254_pairing(data)


def bad_g2_cases() -> dict[str, tuple[bytes, str]]:
    cases = {}
    for index, name in enumerate(["x_im", "x_re", "y_im", "y_re"]):
        for value, label in ((P_MOD, "p"), (2**256 - 1, "2^256-1")):
            cases[f"{name}={label}"] = (replace_word(GEN2, index, value), "not canonical")
    gen = GEN2
    cases["y_re+1"] = (replace_word(gen, 3, int.from_bytes(gen[96:], "big") + 1), OFF_CURVE)
    cases["real part first"] = (gen[32:64] + gen[:32] + gen[96:] + gen[64:96], OFF_CURVE)
    cases["x only"] = (gen[:64] + bytes(64), OFF_CURVE)
    cases["y only"] = (bytes(64) + gen[64:], OFF_CURVE)
    cases["one zero word"] = (bytes(96) + word(1), OFF_CURVE)
    cases["not in the subgroup"] = (off_subgroup_g2(), "not in the subgroup")
    return cases


BAD_G2 = bad_g2_cases()


@pytest.mark.parametrize("name", BAD_G2)
def test_pairing_rejects_invalid_g2_points(name) -> None:
    bad, reason = BAD_G2[name]
    valid = pairs((pn.G1, pn.G2), (pn.neg(pn.G1), pn.G2))
    # a G1 point at infinity does not excuse an invalid G2 point, nor does its position
    for data in (GEN1 + bad, O1 + bad, valid + O1 + bad, O1 + bad + valid):
        assert len(data) % 192 == 0
        with pytest.raises(InvalidInput, match=reason):
            bn254_pairing(data)


def test_off_subgroup_g2_point_is_on_the_twist() -> None:
    data = off_subgroup_g2()
    words = [int.from_bytes(data[i : i + 32], "big") for i in range(0, 128, 32)]
    x, y = bn254.Fq2(words[1], words[0]), bn254.Fq2(words[3], words[2])
    point = bn254.G2(x, y, check=False)
    assert point.is_on_curve() and not point.is_in_subgroup()


# ------------------------------------------------------------ input types


def test_non_bytes_is_a_type_error() -> None:
    for precompile in (bn254_add, bn254_mul, bn254_pairing):
        for data in (GEN1.hex(), "", list(GEN1), None, 0, 1.5):
            with pytest.raises(TypeError, match="bytes"):
                precompile(data)


def test_bytes_like_input_is_accepted() -> None:
    P, Q = g1(g1_mul(A)), g1(g1_mul(B))
    expected_add, expected_mul = g1(pn.add(g1_mul(A), g1_mul(B))), g1(g1_mul(A * B))
    true_pairing = TRUE_CASES["e(aP,bQ)e(-abP,Q)"]
    for wrap in (bytes, bytearray, memoryview):
        assert bn254_add(wrap(P + Q)) == expected_add
        assert bn254_mul(wrap(P + word(B))) == expected_mul
        assert bn254_pairing(wrap(true_pairing)) == ONE
    assert isinstance(bn254_add(bytearray(P + Q)), bytes)
    assert isinstance(bn254_pairing(memoryview(b"")), bytes)
