"""Point encodings: byte layouts built by hand, agreement with py_ecc, and every decoder check.

Expected bytes are assembled here with ``int.to_bytes`` from affine coordinates that
py_ecc computes, never from zkpot's own encoder; BLS12-381 is also compared with
py_ecc's implementation of the Zcash format. Each check a decoder makes has a
negative test that expects :class:`~zkpot.curve.InvalidInput`.
"""

from __future__ import annotations

import functools
import itertools
import random

import py_ecc.optimized_bls12_381 as pb
import py_ecc.optimized_bn128 as pn
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.bls.point_compression import (
    compress_G1,
    compress_G2,
    decompress_G1,
    decompress_G2,
)

from zkpot.curve import InvalidInput, bls12_381, bn254, encoding
from zkpot.errors import ZkpotError

GROUPS = [bn254.G1, bn254.G2, bls12_381.G1, bls12_381.G2]
BN_GROUPS = [bn254.G1, bn254.G2]
BLS_GROUPS = [bls12_381.G1, bls12_381.G2]
G2_GROUPS = [bn254.G2, bls12_381.G2]
SUBGROUP_GROUPS = [bn254.G2, bls12_381.G1, bls12_381.G2]  # cofactor > 1


def group_id(G: type) -> str:
    return f"{G.__module__.rsplit('.', 1)[-1]}.{G.__name__}"


groups = pytest.mark.parametrize("G", GROUPS, ids=group_id)
bn_groups = pytest.mark.parametrize("G", BN_GROUPS, ids=group_id)
bls_groups = pytest.mark.parametrize("G", BLS_GROUPS, ids=group_id)
FEW = settings(max_examples=12, deadline=None)

# Curve constants, written down from the curve definitions (not read from zkpot.curve):
# BN254 E: y² = x³ + 3, E': y² = x³ + 3/(9 + u); BLS12-381 E: y² = x³ + 4, E': y² = x³ + 4(1 + u).
CURVE_B = {
    bn254.G1: bn254.Fq(3),
    bn254.G2: bn254.Fq2(3) / bn254.Fq2(9, 1),
    bls12_381.G1: bls12_381.Fq(4),
    bls12_381.G2: bls12_381.Fq2(4, 4),
}
PY_ECC = {  # the same group in py_ecc: (module, generator)
    bn254.G1: (pn, pn.G1),
    bn254.G2: (pn, pn.G2),
    bls12_381.G1: (pb, pb.G1),
    bls12_381.G2: (pb, pb.G2),
}
BLS_G1_GENERATOR_COMPRESSED = bytes.fromhex(
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
)
BLS_G2_GENERATOR_COMPRESSED = bytes.fromhex(
    "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e"
    "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"
)
SCALARS = [1, 2, 3, 0xDEADBEEF] + [random.Random(seed).randrange(1, 2**250) for seed in range(3)]
SCALAR_IDS = ["1", "2", "3", "0xdeadbeef", "random0", "random1", "random2"]


# ------------------------------------------------------------ helpers


def be(value: int, n: int) -> bytes:
    return value.to_bytes(n, "big")


def modulus(G: type) -> int:
    return G.FIELD.MODULUS


def width(G: type) -> int:
    """Bytes per Fq coefficient: 32 for BN254, 48 for BLS12-381."""
    return (modulus(G).bit_length() + 7) // 8


def degree(G: type) -> int:
    return 2 if G in G2_GROUPS else 1


def coeffs(element) -> list[int]:
    """The Fq coefficients of an Fq or Fq2 element as ints, real part first."""
    return element.flat() if hasattr(element, "flat") else [element.value]


def field_bytes(cs: list[int], n: int) -> bytes:
    """Big-endian, highest coefficient first: Fq2 x₀ + x₁·u is x₁ ‖ x₀."""
    return b"".join(be(c, n) for c in reversed(cs))


def larger(ys: list[int], p: int) -> bool:
    """y is the lexicographically larger root: the imaginary part decides unless it is 0."""
    deciding = ys[1] if len(ys) == 2 and ys[1] else ys[0]
    return deciding > (p - 1) // 2


def py_ecc_affine(pt) -> tuple[list[int], list[int]] | None:
    """py_ecc's point as affine coefficient lists (ints, real part first), None at infinity."""
    if pt[2] == pt[2].zero():
        return None
    x, y = (pn if isinstance(pt[0], (pn.FQ, pn.FQ2)) else pb).normalize(pt)

    def as_ints(e) -> list[int]:
        return [int(c) for c in e.coeffs] if hasattr(e, "coeffs") else [int(e.n)]

    return as_ints(x), as_ints(y)


def twin(G: type, k: int):
    """k·generator in zkpot and the affine coordinates of the same point computed by py_ecc."""
    module, generator = PY_ECC[G]
    return G.generator() * k, py_ecc_affine(module.multiply(generator, k))


def eip_by_hand(G: type, affine) -> bytes:
    n = width(G)
    if affine is None:
        return bytes(2 * n * degree(G))
    xs, ys = affine
    return field_bytes(xs, n) + field_bytes(ys, n)


def bn_compressed_by_hand(G: type, affine) -> bytes:
    n = width(G)
    if affine is None:
        return b"\x40" + bytes(n * degree(G) - 1)
    xs, ys = affine
    data = bytearray(field_bytes(xs, n))
    data[0] |= 0xC0 if larger(ys, modulus(G)) else 0x80
    return bytes(data)


def zcash_by_hand(G: type, affine, compressed: bool) -> bytes:
    n = width(G) * degree(G)
    if affine is None:
        return (b"\xc0" if compressed else b"\x40") + bytes((n if compressed else 2 * n) - 1)
    xs, ys = affine
    if not compressed:
        return field_bytes(xs, width(G)) + field_bytes(ys, width(G))
    data = bytearray(field_bytes(xs, width(G)))
    data[0] |= 0x80 | (0x20 if larger(ys, modulus(G)) else 0)
    return bytes(data)


def affine_ints(P) -> tuple[list[int], list[int]] | None:
    affine = P.to_affine()
    return None if affine is None else (coeffs(affine[0]), coeffs(affine[1]))


def with_flags(data: bytes, set_bits: int = 0, clear_bits: int = 0) -> bytes:
    return bytes([(data[0] | set_bits) & ~clear_bits & 0xFF]) + data[1:]


def euler_is_square(v: int, p: int) -> bool:
    return v % p == 0 or pow(v, (p - 1) // 2, p) == 1


def is_square(a) -> bool:
    """Euler's criterion in Fq; in Fq2, a is a square iff its norm a₀² + a₁² is one in Fq."""
    cs, p = coeffs(a), a.MODULUS
    return euler_is_square(cs[0] if len(cs) == 1 else cs[0] ** 2 + cs[1] ** 2, p)


def xs_from_one(G: type):
    """x = 1, 2, 3, … as elements of the group's coordinate field."""
    return (G.FIELD(k) for k in itertools.count(1))


@functools.cache
def x_off_the_curve(G: type):
    """The least x = 1, 2, … with x³ + b not a square: no curve point has this x."""
    return next(x for x in xs_from_one(G) if not is_square(x * x * x + CURVE_B[G]))


@functools.cache
def off_subgroup_point(G: type):
    """A point on the curve (x = 1, 2, …) that is not in the order-r subgroup."""
    for x in xs_from_one(G):
        rhs = x * x * x + CURVE_B[G]
        if not is_square(rhs):
            continue
        y = rhs.sqrt()
        assert y * y == rhs
        P = G(x, y, check=False)
        if not P.is_in_subgroup():
            assert P.is_on_curve()
            return P
    raise AssertionError("unreachable")


@functools.cache
def real_y_point(G: type):
    """A point of the twist E'(Fq2) whose y lies in Fq (imaginary part 0).

    y = y₀ ∈ Fq, x = ∛(y₀² − b'): with p² − 1 = 9t, gcd(3, t) = 1, an element c with
    c^t = 1 has the cube root c^(3⁻¹ mod t).
    """
    F = G.FIELD
    t = (modulus(G) ** 2 - 1) // 9
    assert t % 3 and 9 * t == modulus(G) ** 2 - 1
    for y0 in itertools.count(2):
        c = F(y0 * y0) - CURVE_B[G]
        if c**t == F(1):
            x = c ** pow(3, -1, t)
            assert x * x * x == c
            return G(x, F(y0), check=False)
    raise AssertionError("unreachable")


def cube_root(c: int, p: int) -> int | None:
    """A cube root of c modulo p (p − 1 = 9t, 3 ∤ t, as for both curves), or None."""
    t = (p - 1) // 9
    assert 9 * t == p - 1 and t % 3
    if pow(c, 3 * t, p) != 1:
        return None
    x0 = pow(c, pow(3, -1, t), p)  # x0³ = c·ζ with ζ in the group of order 3
    z = next(z for z in itertools.count(2) if pow(z, 3 * t, p) != 1)
    g = pow(z, t, p)  # generates the 3-Sylow subgroup, of order 9
    return next(x for i in range(9) if pow(x := x0 * pow(g, i, p) % p, 3, p) == c)


@functools.cache
def boundary_point(G: type):
    """The point of E(Fq) whose y is the largest value ≤ (p − 1)/2 that this search finds:
    y = (p − 1)/2 − k for k = 0, 1, … until y² − b is a cube. −P has y = (p + 1)/2 + k."""
    p, b = modulus(G), CURVE_B[G].value
    for k in range(100):
        y = (p - 1) // 2 - k
        x = cube_root((y * y - b) % p, p)
        if x is not None:
            return G(x, y, check=False)
    raise AssertionError("no point near (p - 1)/2")


def sample_points(G: type) -> list:
    g = G.generator()
    rng = random.Random(7)
    return [G.identity(), g, -g, g * 2, G.random(rng), G.random(rng)]


# ------------------------------------------------------------ sanity of the setup


def test_constants_agree_with_py_ecc() -> None:
    assert (modulus(bn254.G1), bn254.G1.ORDER) == (pn.field_modulus, pn.curve_order)
    assert (modulus(bls12_381.G1), bls12_381.G1.ORDER) == (pb.field_modulus, pb.curve_order)
    assert [width(G) for G in GROUPS] == [32, 32, 48, 48]
    for G in GROUPS:  # the hand-written b matches the generator of each group
        x, y = G.generator().to_affine()
        assert y * y == x * x * x + CURVE_B[G]
        assert py_ecc_affine(PY_ECC[G][1]) == affine_ints(G.generator())


# ------------------------------------------------------------ round trips


@groups
@pytest.mark.parametrize("compressed", [False, True], ids=["uncompressed", "compressed"])
def test_round_trip(G, compressed) -> None:
    n = width(G) * degree(G)
    for P in sample_points(G):
        data = P.to_bytes(compressed)
        assert len(data) == (n if compressed else 2 * n)
        assert G.from_bytes(data) == P
        assert G.from_bytes(bytearray(data)) == P
        assert G.from_bytes(memoryview(data)) == P


@groups
def test_default_form(G) -> None:
    n = width(G) * degree(G)
    P = G.generator() * 5
    if G in BN_GROUPS:  # EIP-196/197 uncompressed
        assert P.to_bytes() == P.to_bytes(False) == encoding.encode_uncompressed(P)
        assert len(P.to_bytes()) == 2 * n
        assert P.to_bytes(True) == encoding.encode_bn254_compressed(P)
    else:  # Zcash compressed
        assert P.to_bytes() == P.to_bytes(True) == encoding.encode_zcash(P)
        assert len(P.to_bytes()) == n
        assert P.to_bytes(False) == encoding.encode_zcash(P, compressed=False)


@bn_groups
def test_bn254_module_functions_round_trip(G) -> None:
    for P in sample_points(G):
        assert encoding.decode_uncompressed(G, encoding.encode_uncompressed(P)) == P
        assert encoding.decode_bn254_compressed(G, encoding.encode_bn254_compressed(P)) == P


@bls_groups
def test_zcash_module_functions_round_trip(G) -> None:
    for P in sample_points(G):
        for compressed in (False, True):
            assert encoding.decode_zcash(G, encoding.encode_zcash(P, compressed)) == P


@pytest.mark.parametrize("G", [bn254.G1, bls12_381.G1], ids=group_id)
def test_round_trip_property(G) -> None:
    @FEW
    @given(st.integers(1, G.ORDER - 1))
    def check(k: int) -> None:
        P = G.generator() * k
        for compressed in (False, True):
            assert G.from_bytes(P.to_bytes(compressed)) == P

    check()


# ------------------------------------------------------------ EIP-196/197 layout


def test_eip196_generator_bytes() -> None:
    expected = be(1, 32) + be(2, 32)  # the generator (1, 2)
    assert bn254.G1.generator().to_bytes() == expected
    assert bn254.G1.from_bytes(expected) == bn254.G1.generator()


def test_eip197_generator_bytes() -> None:
    # EIP-197's generator of G2, x = x_re + x_im·u, written x_im ‖ x_re ‖ y_im ‖ y_re
    x_re = 0x1800DEEF121F1E76426A00665E5C4479674322D4F75EDADD46DEBD5CD992F6ED
    x_im = 0x198E9393920D483A7260BFB731FB5D25F1AA493335A9E71297E485B7AEF312C2
    y_re = 0x12C85EA5DB8C6DEB4AAB71808DCB408FE3D1E7690C43D37B4CE6CC0166FA7DAA
    y_im = 0x090689D0585FF075EC9E99AD690C3395BC4B313370B38EF355ACDADCD122975B
    expected = be(x_im, 32) + be(x_re, 32) + be(y_im, 32) + be(y_re, 32)
    assert bn254.G2.generator().to_bytes() == expected
    assert bn254.G2.from_bytes(expected) == bn254.G2.generator()
    assert py_ecc_affine(pn.G2) == ([x_re, x_im], [y_re, y_im])


@bn_groups
@pytest.mark.parametrize("k", SCALARS, ids=SCALAR_IDS)
def test_eip_layout_by_hand(G, k) -> None:
    P, affine = twin(G, k)
    expected = eip_by_hand(G, affine)
    assert P.to_bytes(False) == expected
    assert G.from_bytes(expected) == P
    assert encoding.decode_uncompressed(G, expected) == P


@bn_groups
def test_eip_identity_is_all_zeros(G) -> None:
    n = 2 * width(G) * degree(G)
    assert G.identity().to_bytes() == bytes(n)
    assert G.from_bytes(bytes(n)) == G.identity()
    assert G.from_bytes(bytes(n)).is_identity()


# ------------------------------------------------------------ BN254 compressed


@bn_groups
@pytest.mark.parametrize("k", SCALARS, ids=SCALAR_IDS)
def test_bn254_compressed_layout_by_hand(G, k) -> None:
    P, affine = twin(G, k)
    expected = bn_compressed_by_hand(G, affine)
    assert len(expected) == width(G) * degree(G)
    assert P.to_bytes(True) == expected
    assert G.from_bytes(expected) == P
    assert encoding.decode_bn254_compressed(G, expected) == P


@bn_groups
def test_bn254_compressed_identity(G) -> None:
    expected = b"\x40" + bytes(width(G) * degree(G) - 1)
    assert G.identity().to_bytes(True) == expected
    assert G.from_bytes(expected) == G.identity()


@bn_groups
def test_bn254_compressed_flag_names_the_larger_root(G) -> None:
    p = modulus(G)
    for P in sample_points(G)[1:]:
        flags = {}
        for Q in (P, -P):
            data = Q.to_bytes(True)
            flags[data[0] >> 6] = Q
            ys = affine_ints(Q)[1]
            assert (data[0] >> 6 == 0b11) == larger(ys, p)
            assert G.from_bytes(data) == Q
            # flipping 0b10 <-> 0b11 selects the other root: −Q
            assert G.from_bytes(bytes([data[0] ^ 0x40]) + data[1:]) == -Q
        assert set(flags) == {0b10, 0b11}
        larger_y = affine_ints(flags[0b11])[1]
        smaller_y = affine_ints(flags[0b10])[1]
        deciding = 1 if len(larger_y) == 2 and larger_y[1] else 0
        assert larger_y[deciding] > smaller_y[deciding]
        assert larger_y[deciding] == p - smaller_y[deciding]


def test_bn254_g1_generator_takes_the_smaller_flag() -> None:
    # y = 2 is the smaller root of y² = 1 + 3, so the flag is 0b10
    assert bn254.G1.generator().to_bytes(True) == bytes([0x80]) + be(1, 32)[1:]
    assert (-bn254.G1.generator()).to_bytes(True) == bytes([0xC0]) + be(1, 32)[1:]


@pytest.mark.parametrize("G", G2_GROUPS, ids=group_id)
def test_real_y_is_decided_by_its_real_part(G) -> None:
    """When y has imaginary part 0 the real part decides which root is larger."""
    P = real_y_point(G)
    assert P.is_on_curve() and not P.is_in_subgroup()
    p = modulus(G)
    for Q in (P, -P):
        xs, ys = affine_ints(Q)
        assert ys[1] == 0
        is_larger = ys[0] > (p - 1) // 2
        if G is bn254.G2:
            data = encoding.encode_bn254_compressed(Q)
            assert data == bn_compressed_by_hand(G, (xs, ys))
            assert data[0] >> 6 == (0b11 if is_larger else 0b10)
        else:
            data = encoding.encode_zcash(Q, compressed=True)
            assert data == zcash_by_hand(G, (xs, ys), compressed=True)
            assert bool(data[0] & 0x20) == is_larger
            point = (pb.FQ2(xs), pb.FQ2(ys), pb.FQ2.one())
            z1, z2 = compress_G2(point)  # py_ecc checks the curve equation, not the subgroup
            assert be(z1, 48) + be(z2, 48) == data
            assert py_ecc_affine(decompress_G2((z1, z2))) == (xs, ys)
        # the decoder recovers this very root before the subgroup check rejects it
        with pytest.raises(InvalidInput, match="subgroup") as info:
            G.from_bytes(data)
        assert repr(Q) in str(info.value)


@pytest.mark.parametrize("G", [bn254.G1, bls12_381.G1], ids=group_id)
def test_larger_root_boundary_is_half_p(G) -> None:
    """y ≤ (p − 1)/2 is the smaller root, y ≥ (p + 1)/2 the larger, right at the boundary."""
    p = modulus(G)
    P = boundary_point(G)
    (x,), (y,) = affine_ints(P)
    assert P.is_on_curve() and (p - 1) // 2 - 10 < y <= (p - 1) // 2
    assert affine_ints(-P)[1] == [p - y] and p - y > (p - 1) // 2
    if G is bn254.G1:  # cofactor 1: a valid point, both roots decode
        assert P.to_bytes(True) == with_flags(be(x, 32), 0x80)
        assert (-P).to_bytes(True) == with_flags(be(x, 32), 0xC0)
        assert G.from_bytes(P.to_bytes(True)) == P
        assert G.from_bytes((-P).to_bytes(True)) == -P
        return
    for Q, sign in ((P, 0), (-P, 0x20)):
        data = encoding.encode_zcash(Q, compressed=True)
        assert data == with_flags(be(x, 48), 0x80 | sign)
        qy = affine_ints(Q)[1][0]
        assert be(compress_G1((pb.FQ(x), pb.FQ(qy), pb.FQ.one())), 48) == data  # py_ecc agrees
        assert py_ecc_affine(decompress_G1(int.from_bytes(data, "big"))) == ([x], [qy])
        with pytest.raises(InvalidInput, match="subgroup") as info:  # but it is not in G1
            G.from_bytes(data)
        assert repr(Q) in str(info.value)


# ------------------------------------------------------------ BLS12-381 (Zcash)


def test_zcash_generators_match_py_ecc_and_the_known_bytes() -> None:
    g1, g2 = bls12_381.G1.generator(), bls12_381.G2.generator()
    assert be(compress_G1(pb.G1), 48) == BLS_G1_GENERATOR_COMPRESSED
    z1, z2 = compress_G2(pb.G2)
    assert be(z1, 48) + be(z2, 48) == BLS_G2_GENERATOR_COMPRESSED
    assert g1.to_bytes() == BLS_G1_GENERATOR_COMPRESSED
    assert g2.to_bytes() == BLS_G2_GENERATOR_COMPRESSED
    assert bls12_381.G1.from_bytes(BLS_G1_GENERATOR_COMPRESSED) == g1
    assert bls12_381.G2.from_bytes(BLS_G2_GENERATOR_COMPRESSED) == g2
    # the uncompressed generator of G1: x ‖ y with no flags (x < 2³⁸¹)
    x, y = py_ecc_affine(pb.G1)
    assert g1.to_bytes(False) == be(x[0], 48) + be(y[0], 48)


@bls_groups
@pytest.mark.parametrize("k", SCALARS, ids=SCALAR_IDS)
def test_zcash_matches_py_ecc(G, k) -> None:
    P, affine = twin(G, k)
    module, generator = PY_ECC[G]
    point = module.multiply(generator, k)
    if G is bls12_381.G1:
        theirs = be(compress_G1(point), 48)
        decompressed = py_ecc_affine(decompress_G1(int.from_bytes(P.to_bytes(True), "big")))
    else:
        z1, z2 = compress_G2(point)
        theirs = be(z1, 48) + be(z2, 48)
        mine = P.to_bytes(True)
        decompressed = py_ecc_affine(
            decompress_G2((int.from_bytes(mine[:48], "big"), int.from_bytes(mine[48:], "big")))
        )
    assert P.to_bytes(True) == theirs == zcash_by_hand(G, affine, compressed=True)
    assert G.from_bytes(theirs) == P
    assert decompressed == affine == affine_ints(P)
    uncompressed = zcash_by_hand(G, affine, compressed=False)
    assert P.to_bytes(False) == uncompressed
    assert G.from_bytes(uncompressed) == P


def test_zcash_g1_matches_py_ecc_property() -> None:
    @FEW
    @given(st.integers(1, bls12_381.G1.ORDER - 1))
    def check(k: int) -> None:
        P = bls12_381.G1.generator() * k
        theirs = be(compress_G1(pb.multiply(pb.G1, k)), 48)
        assert P.to_bytes() == theirs
        assert bls12_381.G1.from_bytes(theirs) == P

    check()


def test_zcash_identity_matches_py_ecc() -> None:
    assert be(compress_G1(pb.Z1), 48) == b"\xc0" + bytes(47)
    z1, z2 = compress_G2(pb.Z2)
    assert be(z1, 48) + be(z2, 48) == b"\xc0" + bytes(95)
    for G in BLS_GROUPS:
        n = 48 * degree(G)
        identity = G.identity()
        assert identity.to_bytes(True) == b"\xc0" + bytes(n - 1)
        assert identity.to_bytes(False) == b"\x40" + bytes(2 * n - 1)
        assert G.from_bytes(b"\xc0" + bytes(n - 1)) == identity
        assert G.from_bytes(b"\x40" + bytes(2 * n - 1)) == identity


@bls_groups
def test_zcash_sign_flag_names_the_larger_root(G) -> None:
    p = modulus(G)
    for P in sample_points(G)[1:]:
        data, negated = P.to_bytes(True), (-P).to_bytes(True)
        assert data[0] ^ negated[0] == 0x20 and data[1:] == negated[1:]
        assert bool(data[0] & 0x20) == larger(affine_ints(P)[1], p)
        assert G.from_bytes(bytes([data[0] ^ 0x20]) + data[1:]) == -P
        assert data[0] & 0xC0 == 0x80  # compressed, not infinity
        assert P.to_bytes(False)[0] & 0xE0 == 0  # no flags at all when uncompressed


# ------------------------------------------------------------ negative: type and length


def decoders_of(G: type) -> list:
    """Every way to decode bytes into G."""
    if G in BN_GROUPS:
        return [
            G.from_bytes,
            functools.partial(encoding.decode_uncompressed, G),
            functools.partial(encoding.decode_bn254_compressed, G),
        ]
    return [G.from_bytes, functools.partial(encoding.decode_zcash, G)]


@groups
def test_non_bytes_is_a_type_error(G) -> None:
    n = width(G) * degree(G)
    for decode in decoders_of(G):
        for data in ("00" * n, "\x00" * n, [0] * (2 * n), list(bytes(n)), 0, None, 1.5):
            with pytest.raises(TypeError, match="bytes"):
                decode(data)


@bn_groups
def test_bn254_wrong_length(G) -> None:
    n = width(G) * degree(G)
    for data in (b"", b"\x00", bytes(n - 1), bytes(n + 1), bytes(2 * n - 1), bytes(2 * n + 1)):
        with pytest.raises(InvalidInput, match=f"{2 * n} bytes, got {len(data)}"):
            G.from_bytes(data)
        with pytest.raises(InvalidInput, match=f"{2 * n} bytes, got {len(data)}"):
            encoding.decode_uncompressed(G, data)
        with pytest.raises(InvalidInput, match=f"{n} bytes, got {len(data)}"):
            encoding.decode_bn254_compressed(G, data)
    # each explicit decoder wants its own length
    valid = G.generator().to_bytes(True)
    with pytest.raises(InvalidInput, match=f"{2 * n} bytes, got {n}"):
        encoding.decode_uncompressed(G, valid)
    with pytest.raises(InvalidInput, match=f"{n} bytes, got {2 * n}"):
        encoding.decode_bn254_compressed(G, G.generator().to_bytes(False))


@bls_groups
def test_zcash_wrong_length(G) -> None:
    n = 48 * degree(G)
    valid = G.generator().to_bytes(True)
    for length in (0, 1, n - 1, n + 1, 2 * n - 1, 2 * n + 1, 3 * n, 4 * n):
        data = (valid * 8)[:length]  # the compression flag set, as if truncated or padded
        for decode in decoders_of(G):
            with pytest.raises(InvalidInput, match=f"{n} or {2 * n} bytes, got {length}"):
                decode(data)


def test_g1_and_g2_lengths_do_not_mix() -> None:
    with pytest.raises(InvalidInput):
        bn254.G2.from_bytes(bn254.G1.generator().to_bytes())  # 64 bytes: a compressed G2?
    with pytest.raises(InvalidInput, match="128 bytes, got 32"):
        bn254.G2.from_bytes(bn254.G1.generator().to_bytes(True))
    with pytest.raises(InvalidInput, match="64 bytes, got 128"):
        bn254.G1.from_bytes(bn254.G2.generator().to_bytes())
    # a BLS12-381 G2 compressed point is 96 bytes, the length of an uncompressed G1 point
    with pytest.raises(InvalidInput, match="compression flag 1 but length 96"):
        bls12_381.G1.from_bytes(bls12_381.G2.generator().to_bytes(True))
    with pytest.raises(InvalidInput, match="compression flag 0 but length 96"):
        bls12_381.G2.from_bytes(bls12_381.G1.generator().to_bytes(False))


def test_invalid_input_is_a_value_error() -> None:
    assert issubclass(InvalidInput, ValueError) and issubclass(InvalidInput, ZkpotError)
    with pytest.raises(ValueError):
        bn254.G1.from_bytes(bytes(63))


# ------------------------------------------------------------ negative: coordinates ≥ p


def replace_coefficient(G: type, data: bytes, index: int, value: int) -> bytes:
    """data with its index-th Fq-sized slot (in byte order) replaced by value."""
    n = width(G)
    return data[: index * n] + be(value, n) + data[(index + 1) * n :]


@bn_groups
def test_eip_coordinate_not_below_p(G) -> None:
    p, n = modulus(G), width(G)
    valid = G.generator().to_bytes(False)
    for index in range(2 * degree(G)):  # every coefficient of x and of y
        for value in (p, p + 1, 2 ** (8 * n) - 1):
            data = replace_coefficient(G, valid, index, value)
            with pytest.raises(InvalidInput, match="not canonical"):
                G.from_bytes(data)
    # x = p, y = 0 is not the all-zero point at infinity either
    with pytest.raises(InvalidInput, match="not canonical"):
        G.from_bytes(be(p, n) + bytes(2 * n * degree(G) - n))


@bn_groups
def test_bn254_compressed_x_not_below_p(G) -> None:
    p, n = modulus(G), width(G)
    valid = G.generator().to_bytes(True)
    assert p < 2**254  # the top two bits are free for the flag
    for flag in (0x80, 0xC0):
        for value in (p, p + 1, 2**254 - 1):  # the highest coefficient, flag bits on top
            data = bytes([flag | value >> (8 * n - 8)]) + be(value, n)[1:]
            data += valid[n:]
            with pytest.raises(InvalidInput, match="not canonical"):
                G.from_bytes(data)
        if G is bn254.G2:  # the real part of x has no flag bits: any value ≥ p is caught
            for value in (p, 2**256 - 1):
                data = replace_coefficient(
                    G, with_flags(with_flags(valid, 0, 0xC0), flag), 1, value
                )
                with pytest.raises(InvalidInput, match="not canonical"):
                    G.from_bytes(data)


@bls_groups
def test_zcash_compressed_x_not_below_p(G) -> None:
    p, n = modulus(G), width(G)
    assert p < 2**381  # the top three bits are free for the flags
    valid = G.generator().to_bytes(True)
    for flags in (0x80, 0xA0):
        for value in (p, p + 1, 2**381 - 1):
            data = bytes([flags | value >> 376]) + be(value, n)[1:] + valid[n:]
            with pytest.raises(InvalidInput, match="not canonical"):
                G.from_bytes(data)
            with pytest.raises(ValueError):  # py_ecc agrees
                py_ecc_decompress(G, data)
        if G is bls12_381.G2:
            for value in (p, 2**384 - 1):  # the real part has no flag bits
                data = replace_coefficient(
                    G, with_flags(with_flags(valid, 0, 0x20), flags), 1, value
                )
                with pytest.raises(InvalidInput, match="not canonical"):
                    G.from_bytes(data)


def py_ecc_decompress(G: type, data: bytes):
    if G is bls12_381.G1:
        return decompress_G1(int.from_bytes(data, "big"))
    return decompress_G2((int.from_bytes(data[:48], "big"), int.from_bytes(data[48:], "big")))


@bls_groups
def test_zcash_uncompressed_coordinate_not_below_p(G) -> None:
    p, n = modulus(G), width(G)
    valid = G.generator().to_bytes(False)
    for index in range(2 * degree(G)):
        for value in (p, 2**381 - 1):
            data = replace_coefficient(G, valid, index, value)
            with pytest.raises(InvalidInput, match="not canonical"):
                G.from_bytes(data)
    for index in range(1, 2 * degree(G)):  # only the first byte carries flags
        data = replace_coefficient(G, valid, index, 2 ** (8 * n) - 1)
        with pytest.raises(InvalidInput, match="not canonical"):
            G.from_bytes(data)


# ------------------------------------------------------------ negative: not on the curve


@groups
def test_compressed_x_with_no_point_on_the_curve(G) -> None:
    x = x_off_the_curve(G)
    assert not (x * x * x + CURVE_B[G]).is_square()
    body = field_bytes(coeffs(x), width(G))
    flag_sets = [0x80, 0xC0] if G in BN_GROUPS else [0x80, 0xA0]
    for flags in flag_sets:
        data = with_flags(body, flags)
        with pytest.raises(InvalidInput, match="no point on the curve"):
            G.from_bytes(data)
        if G in BN_GROUPS:
            with pytest.raises(InvalidInput, match="no point on the curve"):
                encoding.decode_bn254_compressed(G, data)
        else:
            with pytest.raises(ValueError):  # py_ecc agrees
                py_ecc_decompress(G, data)


@groups
def test_uncompressed_point_off_the_curve(G) -> None:
    x, y = G.generator().to_affine()
    for bad_y in (y + 1, -y - 1, y * 2):
        data = field_bytes(coeffs(x), width(G)) + field_bytes(coeffs(bad_y), width(G))
        with pytest.raises(InvalidInput, match="not on the curve"):
            G.from_bytes(data)
    # a point with x off the curve and y = 0
    data = field_bytes(coeffs(x_off_the_curve(G)), width(G)) + bytes(width(G) * degree(G))
    with pytest.raises(InvalidInput, match="not on the curve"):
        G.from_bytes(data)


@bls_groups
def test_zcash_all_zero_is_not_the_point_at_infinity(G) -> None:
    n = 48 * degree(G)
    with pytest.raises(InvalidInput, match="not on the curve"):  # (0, 0) without the flag
        G.from_bytes(bytes(2 * n))
    with pytest.raises(InvalidInput, match="compression flag 0"):
        G.from_bytes(bytes(n))


# ------------------------------------------------------------ negative: not in the subgroup


@pytest.mark.parametrize("G", SUBGROUP_GROUPS, ids=group_id)
def test_on_curve_point_outside_the_subgroup(G) -> None:
    P = off_subgroup_point(G)
    assert P.is_on_curve() and not P.is_in_subgroup()
    xs, ys = affine_ints(P)
    x, y = P.to_affine()
    with pytest.raises(InvalidInput, match="subgroup"):
        G(x, y)
    if G in BN_GROUPS:
        compressed, other_root = bn_compressed_by_hand(G, (xs, ys)), 0x40  # 0b10 <-> 0b11
    else:
        compressed, other_root = zcash_by_hand(G, (xs, ys), compressed=True), 0x20
        # py_ecc does not check the subgroup: it accepts the point, zkpot must not
        decompressed = py_ecc_decompress(G, compressed)
        assert py_ecc_affine(decompressed) == (xs, ys)
    encodings = [
        eip_by_hand(G, (xs, ys)),
        compressed,
        bytes([compressed[0] ^ other_root]) + compressed[1:],
    ]
    assert len(set(encodings)) == 3  # uncompressed, and compressed with either root
    for data in encodings:
        with pytest.raises(InvalidInput, match="not in the subgroup"):
            G.from_bytes(data)


def test_bn254_g1_has_no_subgroup_to_leave() -> None:
    """G1 of BN254 has cofactor 1: any point on the curve decodes."""
    G = bn254.G1
    x = next(x for x in xs_from_one(G) if x != G.FIELD(1) and is_square(x * x * x + 3))
    y = (x * x * x + 3).sqrt()
    P = G(x, y)
    assert G.from_bytes(be(x.value, 32) + be(y.value, 32)) == P
    assert G.from_bytes(P.to_bytes(True)) == P


# ------------------------------------------------------------ negative: flags


@bn_groups
def test_bn254_flag_00_is_rejected(G) -> None:
    valid = G.generator().to_bytes(True)
    n = len(valid)
    for data in (with_flags(valid, 0, 0xC0), bytes(n), be(1, n)):
        assert data[0] >> 6 == 0
        with pytest.raises(InvalidInput, match="flag bits 00"):
            G.from_bytes(data)
        with pytest.raises(InvalidInput, match="flag bits 00"):
            encoding.decode_bn254_compressed(G, data)


@bn_groups
def test_bn254_infinity_flag_with_other_bits(G) -> None:
    n = width(G) * degree(G)
    infinity = b"\x40" + bytes(n - 1)
    bad = [
        b"\x41" + bytes(n - 1),
        b"\x7f" + b"\xff" * (n - 1),
        infinity[:-1] + b"\x01",
        with_flags(G.generator().to_bytes(True), 0x40, 0x80),  # 0b01 with x of the generator
    ]
    if G is bn254.G2:
        bad.append(infinity[: n // 2] + b"\x80" + bytes(n // 2 - 1))  # a bit in the real part
    for data in bad:
        assert data[0] >> 6 == 0b01
        with pytest.raises(InvalidInput, match="infinity flag with non-zero bits"):
            G.from_bytes(data)


@bls_groups
def test_zcash_infinity_flag_with_other_bits(G) -> None:
    n = 48 * degree(G)
    bad = [
        b"\xe0" + bytes(n - 1),  # compressed infinity with the sign flag
        b"\xc1" + bytes(n - 1),
        b"\xc0" + bytes(n - 2) + b"\x01",
        with_flags(G.generator().to_bytes(True), 0x40),
        b"\x60" + bytes(2 * n - 1),  # uncompressed infinity with the sign flag
        b"\x40" + bytes(2 * n - 2) + b"\x01",  # a bit in y
        b"\x40" + bytes(n - 1) + b"\x01" + bytes(n - 1),
        with_flags(G.generator().to_bytes(False), 0x40),
    ]
    for data in bad:
        with pytest.raises(InvalidInput, match="infinity flag with other bits set"):
            G.from_bytes(data)
    for data in bad[:4]:
        with pytest.raises(ValueError):  # py_ecc agrees on the compressed ones
            py_ecc_decompress(G, data)


@bls_groups
def test_zcash_compression_flag_must_match_the_length(G) -> None:
    n = 48 * degree(G)
    P = G.generator() * 3
    compressed, uncompressed = P.to_bytes(True), P.to_bytes(False)
    without = with_flags(compressed, 0, 0x80)
    with pytest.raises(InvalidInput, match=f"compression flag 0 but length {n}"):
        G.from_bytes(without)
    with pytest.raises(InvalidInput, match=f"compression flag 1 but length {2 * n}"):
        G.from_bytes(with_flags(uncompressed, 0x80))
    with pytest.raises(InvalidInput, match=f"compression flag 0 but length {n}"):
        G.from_bytes(b"\x40" + bytes(n - 1))  # infinity, but not marked compressed
    with pytest.raises(InvalidInput, match=f"compression flag 1 but length {2 * n}"):
        G.from_bytes(b"\xc0" + bytes(2 * n - 1))
    with pytest.raises(ValueError):  # py_ecc agrees
        py_ecc_decompress(G, without)


@bls_groups
def test_zcash_sign_flag_on_an_uncompressed_point(G) -> None:
    for P in (G.generator(), -G.generator()):
        data = with_flags(P.to_bytes(False), 0x20)
        with pytest.raises(InvalidInput, match="sign flag set in an uncompressed encoding"):
            G.from_bytes(data)
        with pytest.raises(InvalidInput, match="sign flag"):
            encoding.decode_zcash(G, data)
