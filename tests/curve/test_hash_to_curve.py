"""Hashing to G2 (RFC 9380, BLS12381G2_XMD:SHA-256_SSWU_RO_): py_ecc agrees, constants derive.

The RFC's test vectors (Appendix J.10.1 for hash_to_curve and encode_to_curve, K.1 for
expand_message_xmd) are checked on their inputs — the messages and tags the RFC lists —
with py_ecc computing the expected outputs, so nothing is pasted from the RFC but inputs.
Every constant of the suite is checked for the property it is chosen for: Z by the
RFC's own search, the isogeny by mapping E2' onto E2 homomorphically, h_eff and ψ
against multiplication, and the ψ membership test of G2 against r·Q = O.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.bls.constants import G2_COFACTOR as PY_G2_COFACTOR
from py_ecc.bls.hash import expand_message_xmd as py_expand_message_xmd
from py_ecc.bls.hash_to_curve import hash_to_field_FQ2, map_to_curve_G2
from py_ecc.bls.hash_to_curve import hash_to_G2 as py_hash_to_G2
from py_ecc.fields import optimized_bls12_381_FQ2 as FQ2
from py_ecc.optimized_bls12_381 import constants as py_constants
from py_ecc.optimized_bls12_381 import multiply_clear_cofactor_G2, normalize

from zkpot.curve import InvalidInput, hash_to_curve
from zkpot.curve.bls12_381 import G2, G2_COFACTOR, psi, psi2
from zkpot.curve.hash_to_curve import (
    A_ISO,
    B_ISO,
    H_EFF,
    ISO_X_DEN,
    ISO_X_NUM,
    ISO_Y_DEN,
    ISO_Y_NUM,
    Z,
    clear_cofactor,
    encode_to_G2,
    expand_message_xmd,
    hash_to_field,
    hash_to_G2,
    iso_map,
    map_to_curve,
    map_to_curve_simple_swu,
    sgn0,
)
from zkpot.curve.scalar import scalar_mul
from zkpot.errors import ArgumentError, ArgumentTypeError, ZkpotError
from zkpot.field.bls12_381 import SEED, Fq2, P, R

FEW = settings(max_examples=10, deadline=None)
KERNEL = G2.KERNEL

# The inputs of RFC 9380's vectors (Appendices J.10.1 and K.1).
RFC_MESSAGES = [b"", b"abc", b"abcdef0123456789", b"q128_" + b"q" * 128, b"a512_" + b"a" * 512]
RFC_MESSAGE_IDS = ["empty", "abc", "abcdef0123456789", "q128", "a512"]
RO_DST = b"QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_"
NU_DST = b"QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_NU_"
EXPANDER_DST = b"QUUX-V01-CS02-with-expander-SHA256-128"
rfc_messages = pytest.mark.parametrize("msg", RFC_MESSAGES, ids=RFC_MESSAGE_IDS)

fq = st.integers(0, P - 1)
fq2 = st.builds(Fq2, fq, fq)


# ------------------------------------------------------------ helpers


def py_fq2(u: Fq2) -> FQ2:
    return FQ2(u.flat())


def py_affine(point) -> tuple:
    """py_ecc's projective point as ((x0, x1), (y0, y1)) ints."""
    x, y = normalize(point)
    return (tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))


def raw_affine(point: tuple[Fq2, Fq2]) -> tuple:
    return tuple(tuple(c.flat()) for c in point)


def on_E2(point: tuple[Fq2, Fq2]) -> bool:
    x, y = point
    return y**2 == x**3 + Fq2(4, 4)


def on_E2_iso(point: tuple[Fq2, Fq2]) -> bool:
    x, y = point
    return y**2 == x**3 + A_ISO * x + B_ISO


def jacobian(point: tuple[Fq2, Fq2]):
    return (point[0]._c, point[1]._c, (1, 0))


def random_E2_point(rng: random.Random):
    """A point of E2(Fq2), almost surely not in G2: the map of a random field element."""
    point = None
    while point is None:
        point = map_to_curve(Fq2(rng.randrange(P), rng.randrange(P)))
    return jacobian(point)


def in_G2_by_order(jac) -> bool:
    return KERNEL.is_identity(scalar_mul(KERNEL, jac, R))


# ------------------------------------------------------------ expand_message_xmd


@rfc_messages
@pytest.mark.parametrize("length", [0x20, 0x80])
def test_expand_message_xmd_on_the_rfc_inputs(msg: bytes, length: int) -> None:
    expected = py_expand_message_xmd(msg, EXPANDER_DST, length, hashlib.sha256)
    assert expand_message_xmd(msg, EXPANDER_DST, length) == expected


@FEW
@given(st.binary(max_size=300), st.binary(min_size=1, max_size=255), st.integers(0, 8160))
def test_expand_message_xmd_matches_py_ecc(msg: bytes, dst: bytes, length: int) -> None:
    expected = py_expand_message_xmd(msg, dst, length, hashlib.sha256)
    assert expand_message_xmd(msg, dst, length) == expected
    assert expand_message_xmd(bytearray(msg), memoryview(dst), length) == expected


@pytest.mark.parametrize(
    ("msg", "dst", "length"),
    [
        (b"m", b"D" * 256, 32),  # a DST over 255 bytes must be hashed first (§5.3.3)
        (b"m", b"", 32),  # tags must not be empty (§3.1)
        (b"m", b"DST", 255 * 32 + 1),  # ell > 255
        (b"m", b"DST", 65536),
        (b"m", b"DST", -1),
        (b"m", b"DST", 32.0),
    ],
    ids=["long-dst", "empty-dst", "ell-256", "len-65536", "negative", "float"],
)
def test_expand_message_xmd_rejects(msg, dst, length) -> None:
    with pytest.raises(ArgumentError) as caught:
        expand_message_xmd(msg, dst, length)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, ZkpotError)


@pytest.mark.parametrize(("msg", "dst"), [("text", b"DST"), (b"m", "DST"), (None, b"DST")])
def test_expand_message_xmd_takes_bytes(msg, dst) -> None:
    with pytest.raises(ArgumentTypeError):
        expand_message_xmd(msg, dst, 32)


def test_hash_to_field_parameters() -> None:
    assert hash_to_curve.L == 64  # ceil((381 + 128) / 8)
    assert hash_to_field(b"abc", 0, RO_DST) == []


@rfc_messages
@pytest.mark.parametrize(("count", "dst"), [(2, RO_DST), (1, NU_DST)], ids=["RO", "NU"])
def test_hash_to_field_matches_py_ecc(msg: bytes, count: int, dst: bytes) -> None:
    ours = hash_to_field(msg, count, dst)
    theirs = hash_to_field_FQ2(msg, count, dst, hashlib.sha256)
    assert [u.flat() for u in ours] == [[int(c) for c in u.coeffs] for u in theirs]


# ------------------------------------------------------------ sgn0 and the maps


@FEW
@given(fq2)
def test_sgn0_is_the_generic_definition(x: Fq2) -> None:
    sign, zero = 0, 1  # §4.1, the loop over the m = 2 coordinates
    for x_i in x.flat():
        sign = sign | (zero & (x_i % 2))
        zero = zero & (x_i == 0)
    assert sgn0(x) == sign


def test_sgn0_cases() -> None:
    cases = {(0, 0): 0, (1, 0): 1, (0, 1): 1, (2, 1): 0, (0, 2): 0, (-1, 1): 0}  # p − 1 is even
    assert {ab: sgn0(Fq2(*ab)) for ab in cases} == cases


@rfc_messages
def test_map_to_curve_matches_py_ecc_on_the_rfc_inputs(msg: bytes) -> None:
    for u in hash_to_field(msg, 2, RO_DST):
        assert raw_affine(map_to_curve(u)) == py_affine(map_to_curve_G2(py_fq2(u)))


@pytest.mark.parametrize("u", [Fq2(0), Fq2(1), Fq2(0, 1), Fq2(-1), Fq2(5, -7)], ids=str)
def test_map_to_curve_special_inputs(u: Fq2) -> None:
    """u = 0 is the exceptional case of step 3 (Z²u⁴ + Zu² = 0)."""
    assert raw_affine(map_to_curve(u)) == py_affine(map_to_curve_G2(py_fq2(u)))


@FEW
@given(fq2)
def test_map_to_curve_matches_py_ecc(u: Fq2) -> None:
    x, y = map_to_curve_simple_swu(u)
    assert on_E2_iso((x, y)) and sgn0(y) == sgn0(u)
    if u:
        assert map_to_curve_simple_swu(-u) == (x, -y)  # u and −u share x, not sgn0
    point = map_to_curve(u)
    assert on_E2(point)
    assert raw_affine(point) == py_affine(map_to_curve_G2(py_fq2(u)))


# ------------------------------------------------------------ the encodings


@rfc_messages
def test_hash_to_G2_matches_py_ecc_on_the_rfc_inputs(msg: bytes) -> None:
    ours = hash_to_G2(msg, RO_DST)
    assert ours.affine_raw() == py_affine(py_hash_to_G2(msg, RO_DST, hashlib.sha256))
    assert in_G2_by_order(ours._jac)


@pytest.mark.parametrize(
    "msg", [b"", b"\x00" * 3, bytes(range(256)) * 20], ids=["empty", "zeros", "5120-bytes"]
)
def test_hash_to_G2_matches_py_ecc_under_the_signature_tag(msg: bytes) -> None:
    dst = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
    assert hash_to_G2(msg, dst).affine_raw() == py_affine(py_hash_to_G2(msg, dst, hashlib.sha256))


@pytest.mark.parametrize("msg", RFC_MESSAGES[:3], ids=RFC_MESSAGE_IDS[:3])
def test_encode_to_G2_matches_py_ecc_pieces(msg: bytes) -> None:
    """encode_to_curve has no py_ecc function: its steps are composed from py_ecc's parts."""
    (u,) = hash_to_field_FQ2(msg, 1, NU_DST, hashlib.sha256)
    expected = py_affine(multiply_clear_cofactor_G2(map_to_curve_G2(u)))
    ours = encode_to_G2(msg, NU_DST)
    assert ours.affine_raw() == expected and ours.is_in_subgroup()


def test_hash_to_G2_separates_domains() -> None:
    assert hash_to_G2(b"m", b"tag A") != hash_to_G2(b"m", b"tag B")
    assert hash_to_G2(b"m", b"tag A") != encode_to_G2(b"m", b"tag A")


# ------------------------------------------------------------ the constants, derived


def test_A_B_and_Z() -> None:
    """§6.6.2's conditions on E2' and Z, and Z is the first candidate of Appendix H.2's search."""
    assert A_ISO and B_ISO  # simplified SWU needs A'·B' ≠ 0
    candidates = []  # find_z_sswu: ctr = I, I + 1, …, trying ctr and −ctr
    for k in range(3):
        candidates += [Fq2(k, 1), -Fq2(k, 1)]
    found = next(c for c in candidates if _sswu_criteria(c))
    assert found == Z == -Fq2(2, 1)
    root = Fq2(3, 4)  # the root finder finds one in (x − root)(x² + 1)
    assert _cubic_has_root([-root, Fq2(1), -root])


def _sswu_criteria(z: Fq2) -> bool:
    """The four criteria of §6.6.2 for Z, for g(x) = x³ + A'x + B' over Fq2."""
    if z.is_square() or z == -1:  # 1. non-square, 2. not −1
        return False
    if _cubic_has_root([B_ISO - z, A_ISO, Fq2(0)]):  # 3. g(x) − Z irreducible: a cubic is
        return False  # irreducible exactly when it has no root in the field
    x = B_ISO / (z * A_ISO)
    return (x**3 + A_ISO * x + B_ISO).is_square()  # 4. g(B/(ZA)) is a square


def _cubic_has_root(low: list[Fq2]) -> bool:
    """Does x³ + c₂x² + c₁x + c₀ (low = [c₀, c₁, c₂]) have a root in Fq2?

    It does iff gcd(f, x^q − x) ≠ 1, q = p²: x^q mod f by square-and-multiply, then the gcd.
    """

    def mulmod(a: list[Fq2], b: list[Fq2]) -> list[Fq2]:
        product = [Fq2(0)] * 5
        for i, ai in enumerate(a):
            for j, bj in enumerate(b):
                product[i + j] = product[i + j] + ai * bj
        for d in (4, 3):  # x³ ≡ −(c₂x² + c₁x + c₀)
            top, product[d] = product[d], Fq2(0)
            for k in range(3):
                product[d - 3 + k] = product[d - 3 + k] - top * low[k]
        return product[:3]

    power, base = [Fq2(1), Fq2(0), Fq2(0)], [Fq2(0), Fq2(1), Fq2(0)]
    for bit in bin(P * P)[2:]:
        power = mulmod(power, power)
        if bit == "1":
            power = mulmod(power, base)
    h = [power[0], power[1] - 1, power[2]]  # x^q − x mod f
    f = [*low, Fq2(1)]
    return _poly_gcd_degree(f, h) > 0


def _poly_gcd_degree(a: list[Fq2], b: list[Fq2]) -> int:
    """The degree of gcd(a, b), polynomials as coefficient lists, lowest first."""

    def trim(c: list[Fq2]) -> list[Fq2]:
        while c and not c[-1]:
            c = c[:-1]
        return c

    a, b = trim(a), trim(b)
    while b:
        while len(a) >= len(b):  # a ← a mod b
            factor, shift = a[-1] / b[-1], len(a) - len(b)
            a = trim([c - factor * b[i - shift] if i >= shift else c for i, c in enumerate(a)])
        a, b = b, a
    return len(a) - 1


def test_isogeny_denominators_vanish_on_a_3_torsion_point() -> None:
    """x_den = (x − c)², y_den = (x − c)³ with c the x of the kernel's points ±K of order 3:
    a root of the 3-division polynomial ψ₃(x) = 3x⁴ + 6A'x² + 12B'x − A'² of E2'."""
    c = -ISO_X_DEN[1] / 2
    assert list(ISO_X_DEN) == [c**2, -2 * c, Fq2(1)]
    assert list(ISO_Y_DEN) == [-(c**3), 3 * c**2, -3 * c, Fq2(1)]
    assert 3 * c**4 + 6 * A_ISO * c**2 + 12 * B_ISO * c - A_ISO**2 == 0
    assert iso_map(c, Fq2(1)) is None  # the exceptional case: the identity


def test_isogeny_constants_are_py_ecc_s() -> None:
    ours = [ISO_X_NUM, (*ISO_X_DEN, Fq2(0)), ISO_Y_NUM, ISO_Y_DEN]
    for mine, theirs in zip(ours, py_constants.ISO_3_MAP_COEFFICIENTS, strict=True):
        assert [c.flat() for c in mine] == [[int(x) for x in c.coeffs] for c in theirs]


@FEW
@given(fq2, fq2)
def test_iso_map_is_a_homomorphism_from_E2_iso_to_E2(u: Fq2, v: Fq2) -> None:
    P1, P2 = map_to_curve_simple_swu(u), map_to_curve_simple_swu(v)
    if P1[0] == P2[0]:
        return
    lam = (P2[1] - P1[1]) / (P2[0] - P1[0])  # P1 + P2 on E2' (affine chord, A' ≠ 0 is no matter)
    x3 = lam**2 - P1[0] - P2[0]
    S = (x3, lam * (P1[0] - x3) - P1[1])
    assert on_E2_iso(S)
    images = [iso_map(*Q) for Q in (P1, P2, S)]
    assert all(on_E2(Q) for Q in images)
    total = KERNEL.add(jacobian(images[0]), jacobian(images[1]))
    assert KERNEL.equal(total, jacobian(images[2]))


def test_cofactors() -> None:
    """h₂ = #E2(Fq2)/r from the seed, h_eff = 3(x² − 1)·h₂, and py_ecc's values."""
    assert G2_COFACTOR == py_constants.H_EFF_G2 // (3 * (SEED**2 - 1))
    assert H_EFF == py_constants.H_EFF_G2 and H_EFF.bit_length() == 636
    assert G2_COFACTOR == PY_G2_COFACTOR
    rng = random.Random(1)
    for _ in range(2):  # r·h₂ is the order of E2(Fq2): it kills every point
        assert KERNEL.is_identity(scalar_mul(KERNEL, random_E2_point(rng), R * G2_COFACTOR))


def test_clear_cofactor_is_multiplication_by_h_eff() -> None:
    rng = random.Random(2)
    for _ in range(3):
        point = random_E2_point(rng)
        assert not in_G2_by_order(point)
        cleared = clear_cofactor(point)
        assert KERNEL.equal(cleared, scalar_mul(KERNEL, point, H_EFF))
        assert in_G2_by_order(cleared)
    assert KERNEL.is_identity(clear_cofactor(KERNEL.identity))


# ------------------------------------------------------------ ψ and the membership test


def test_psi() -> None:
    """ψ maps E2 to itself, acts on G2 as multiplication by x (≡ p mod r), satisfies
    ψ² − tψ + p = 0 on all of E2(Fq2) (t = x + 1, the trace of Frobenius), and ψ² = psi2."""
    rng = random.Random(3)
    g = G2.generator()._jac
    assert KERNEL.equal(psi(g), scalar_mul(KERNEL, g, SEED))
    assert P % R == SEED % R
    for point in [random_E2_point(rng) for _ in range(2)] + [g]:
        image = KERNEL.to_affine(psi(point))
        assert KERNEL.on_curve(*image)
        assert KERNEL.equal(psi2(point), psi(psi(point)))
        t_psi = scalar_mul(KERNEL, psi(point), SEED + 1)
        p_point = scalar_mul(KERNEL, point, P)
        assert KERNEL.is_identity(KERNEL.add(KERNEL.add(psi2(point), KERNEL.neg(t_psi)), p_point))


@pytest.mark.parametrize("ell", [1, 13**2, 23**2, 2713, 11953, 262069])
def test_membership_test_agrees_with_the_order(ell: int) -> None:
    """Scott's ψ(Q) = [x]Q against r·Q = O: on points whose order divides a prime power
    ℓ ∥ h₂ (h₂ = 13²·23²·2713·11953·262069·q), alone and added to a point of G2, and (ℓ = 1)
    on a random point of E2."""
    rng = random.Random(ell)
    point = random_E2_point(rng)
    if ell > 1:
        assert G2_COFACTOR % ell == 0
        point = scalar_mul(KERNEL, point, R * G2_COFACTOR // ell)  # its order divides ℓ
        assert not KERNEL.is_identity(point)
        assert KERNEL.is_identity(scalar_mul(KERNEL, point, ell))
    for candidate in (point, KERNEL.add(point, G2.random(rng)._jac)):
        assert not in_G2_by_order(candidate)
        assert G2._from_jacobian(candidate).is_in_subgroup() is False
    good = G2.random(rng)
    assert good.is_in_subgroup() and G2.identity().is_in_subgroup()


def test_membership_is_what_decoding_checks() -> None:
    """A point on E2 outside G2 encodes, but does not decode."""
    point = G2._from_jacobian(random_E2_point(random.Random(5)))
    data = point.to_bytes()
    with pytest.raises(InvalidInput, match="not in the subgroup"):
        G2.from_bytes(data)
