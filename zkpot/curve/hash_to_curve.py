"""Hashing to BLS12-381's G2: RFC 9380, suite ``BLS12381G2_XMD:SHA-256_SSWU_RO_``.

Faz-Hernández, Scott, Sullivan, Wahby, Wood, "Hashing to Elliptic Curves", RFC 9380
(2023). A message becomes a point of G2 whose discrete logarithm nobody knows — the
point a BLS signer multiplies by its secret key (:mod:`zkpot.curve.bls`). hash_to_curve (§3):

    1. u = hash_to_field(msg, 2)     two elements of Fq2 from SHA-256 (§5.2, §5.3.1)
    2. Q0 = map_to_curve(u[0])       simplified SWU onto a curve E2' 3-isogenous to E2,
    3. Q1 = map_to_curve(u[1])       then the isogeny to E2 (§6.6.2, §6.6.3)
    4. R = Q0 + Q1                   a point of E2(Fq2), not yet of G2
    5. P = clear_cofactor(R)         [h_eff]R, by the endomorphism ψ (Appendix G.3)
    6. return P

E2 is the twist y² = x³ + 4(1 + I) on which zkpot's G2 lives. Simplified SWU needs
A·B ≠ 0 and E2 has A = 0, so the map lands on E2': y² = x³ + A'·x + B' with
A' = 240·I, B' = 1012·(1 + I), and a 3-isogeny (Appendix E.3) carries the point to
E2 (§8.8.2 lists the suite's constants). Two maps summed, rather than one, make the
result indistinguishable from a random oracle's; :func:`encode_to_G2` is the
one-map encoding of the suite ``BLS12381G2_XMD:SHA-256_SSWU_NU_``.

SHA-256 is Python's :mod:`hashlib`: hashing is not among the primitives zkpot
writes itself. Elements of Fq2 are zkpot's readable
:class:`~zkpot.field.bls12_381.Fq2`; the scalar multiplications of step 5 run on
G2's plain-int Jacobian kernel. Nothing here is constant time (nothing in pure
Python is): the inputs are messages, not secrets.
"""

from __future__ import annotations

import hashlib

from zkpot.curve.bls12_381 import G2, G2_COFACTOR, psi, psi2
from zkpot.curve.jacobian import Jac
from zkpot.curve.scalar import scalar_mul
from zkpot.errors import ArgumentError, ArgumentTypeError
from zkpot.field.bls12_381 import SEED, Fq2, P

SECURITY_BITS = 128
"""k, the suite's target security level."""

L = -(-(P.bit_length() + SECURITY_BITS) // 8)
"""L = ceil((ceil(log₂ p) + k) / 8) = 64 bytes of hash per element of Fq (§5.2)."""

A_ISO = Fq2(0, 240)
"""A' = 240·I of E2': y² = x³ + A'·x + B' (§8.8.2)."""

B_ISO = Fq2(1012, 1012)
"""B' = 1012·(1 + I)."""

Z = Fq2(-2, -1)
"""Z = −(2 + I): a non-square with the other properties §6.6.2 asks for (the tests check
them, and that the search of Appendix H.2 returns it)."""

H_EFF = 3 * (SEED**2 - 1) * G2_COFACTOR
"""h_eff = 3(x² − 1)·h₂ (§8.8.2): clear_cofactor(P) = [h_eff]P, a multiple of the cofactor
h₂ = #E2(Fq2)/r chosen so that ψ computes it fast (Budroni–Pintore, §4.1)."""

# The 3-isogeny E2' → E2 of Appendix E.3, coefficients lowest degree first:
#   x = x_num(x') / x_den(x'),   y = y' · y_num(x') / y_den(x')
# (k_(i,j) of the RFC is the coefficient of x'^j in the i-th polynomial).
ISO_X_NUM = (
    Fq2(
        0x5C759507E8E333EBB5B7A9A47D7ED8532C52D39FD3A042A88B58423C50AE15D5C2638E343D9C71C6238AAAAAAAA97D6,
        0x5C759507E8E333EBB5B7A9A47D7ED8532C52D39FD3A042A88B58423C50AE15D5C2638E343D9C71C6238AAAAAAAA97D6,
    ),
    Fq2(
        0,
        0x11560BF17BAA99BC32126FCED787C88F984F87ADF7AE0C7F9A208C6B4F20A4181472AAA9CB8D555526A9FFFFFFFFC71A,
    ),
    Fq2(
        0x11560BF17BAA99BC32126FCED787C88F984F87ADF7AE0C7F9A208C6B4F20A4181472AAA9CB8D555526A9FFFFFFFFC71E,
        0x8AB05F8BDD54CDE190937E76BC3E447CC27C3D6FBD7063FCD104635A790520C0A395554E5C6AAAA9354FFFFFFFFE38D,
    ),
    Fq2(
        0x171D6541FA38CCFAED6DEA691F5FB614CB14B4E7F4E810AA22D6108F142B85757098E38D0F671C7188E2AAAAAAAA5ED1,
        0,
    ),
)
ISO_X_DEN = (
    Fq2(
        0,
        0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAA63,
    ),
    Fq2(
        0xC,
        0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAA9F,
    ),
    Fq2(1),
)
ISO_Y_NUM = (
    Fq2(
        0x1530477C7AB4113B59A4C18B076D11930F7DA5D4A07F649BF54439D87D27E500FC8C25EBF8C92F6812CFC71C71C6D706,
        0x1530477C7AB4113B59A4C18B076D11930F7DA5D4A07F649BF54439D87D27E500FC8C25EBF8C92F6812CFC71C71C6D706,
    ),
    Fq2(
        0,
        0x5C759507E8E333EBB5B7A9A47D7ED8532C52D39FD3A042A88B58423C50AE15D5C2638E343D9C71C6238AAAAAAAA97BE,
    ),
    Fq2(
        0x11560BF17BAA99BC32126FCED787C88F984F87ADF7AE0C7F9A208C6B4F20A4181472AAA9CB8D555526A9FFFFFFFFC71C,
        0x8AB05F8BDD54CDE190937E76BC3E447CC27C3D6FBD7063FCD104635A790520C0A395554E5C6AAAA9354FFFFFFFFE38F,
    ),
    Fq2(
        0x124C9AD43B6CF79BFBF7043DE3811AD0761B0F37A1E26286B0E977C69AA274524E79097A56DC4BD9E1B371C71C718B10,
        0,
    ),
)
ISO_Y_DEN = (
    Fq2(
        0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFA8FB,
        0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFA8FB,
    ),
    Fq2(
        0,
        0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFA9D3,
    ),
    Fq2(
        0x12,
        0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAA99,
    ),
    Fq2(1),
)

_BYTES = (bytes, bytearray, memoryview)


# ------------------------------------------------------------ §5: hashing to Fq2


def expand_message_xmd(msg: bytes, dst: bytes, len_in_bytes: int) -> bytes:
    """``len_in_bytes`` uniformly random bytes from msg and the domain separation tag (§5.3.1).

    With H = SHA-256 (b_in_bytes = 32 output bytes, s_in_bytes = 64 bytes a block):

        DST' = DST ‖ I2OSP(len(DST), 1)
        b₀ = H(Z_pad ‖ msg ‖ I2OSP(len_in_bytes, 2) ‖ 0x00 ‖ DST')
        b₁ = H(b₀ ‖ 0x01 ‖ DST'),   bᵢ = H((b₀ ⊕ bᵢ₋₁) ‖ I2OSP(i, 1) ‖ DST')
        uniform_bytes = the first len_in_bytes bytes of b₁ ‖ b₂ ‖ … ‖ b_ell

    >>> expand_message_xmd(b"abc", b"QUUX-V01-CS02-with-expander-SHA256-128", 32).hex()[:16]
    'd8ccab23b5985cce'

    Raises:
        ArgumentError: an empty DST or one over 255 bytes (§3.1, §5.3.3), or more than
            255 blocks or 65535 bytes asked for.
        ArgumentTypeError: msg or DST not bytes.
    """
    msg, dst = _octets(msg, "msg"), _octets(dst, "DST")
    if not 1 <= len(dst) <= 255:
        raise ArgumentError(f"a DST must be 1 to 255 bytes long, got {len(dst)} (RFC 9380 §5.3.3)")
    if not isinstance(len_in_bytes, int) or not 0 <= len_in_bytes <= 65535:
        raise ArgumentError(f"len_in_bytes must be an int in [0, 65535], got {len_in_bytes!r}")
    b_in_bytes, s_in_bytes = 32, 64
    ell = -(-len_in_bytes // b_in_bytes)  # 1. ell = ceil(len_in_bytes / b_in_bytes)
    if ell > 255:  # 2.
        raise ArgumentError(f"expand_message_xmd gives at most 255·32 bytes, not {len_in_bytes}")
    dst_prime = dst + bytes([len(dst)])  # 3.
    z_pad = bytes(s_in_bytes)  # 4.
    l_i_b_str = len_in_bytes.to_bytes(2, "big")  # 5.
    msg_prime = z_pad + msg + l_i_b_str + b"\x00" + dst_prime  # 6.
    b_0 = hashlib.sha256(msg_prime).digest()  # 7.
    b = [hashlib.sha256(b_0 + b"\x01" + dst_prime).digest()]  # 8.
    for i in range(2, ell + 1):  # 9–10.
        mixed = bytes(x ^ y for x, y in zip(b_0, b[-1], strict=True))
        b.append(hashlib.sha256(mixed + bytes([i]) + dst_prime).digest())
    return b"".join(b)[:len_in_bytes]  # 11–12.


def hash_to_field(msg: bytes, count: int, dst: bytes) -> list[Fq2]:
    """``count`` elements of Fq2, each from 2·L = 128 bytes of :func:`expand_message_xmd` (§5.2).

    An element's two coordinates (over the basis 1, I) are 64-byte big-endian integers taken
    modulo p: 128 bits more than p has, so the bias is below 2⁻¹²⁸.
    """
    m = 2  # the extension degree of Fq2
    len_in_bytes = count * m * L  # 1.
    uniform_bytes = expand_message_xmd(msg, dst, len_in_bytes)  # 2.
    u = []
    for i in range(count):  # 3.
        e = []
        for j in range(m):  # 4.
            elm_offset = L * (j + i * m)  # 5.
            tv = uniform_bytes[elm_offset : elm_offset + L]  # 6.
            e.append(int.from_bytes(tv, "big") % P)  # 7.
        u.append(Fq2(*e))  # 8.
    return u  # 9.


# ------------------------------------------------------------ §6: mapping to E2


def sgn0(x: Fq2) -> int:
    """The "sign" of x = x₀ + x₁·I (§4.1): x₀ mod 2, or x₁ mod 2 when x₀ = 0.

    >>> sgn0(Fq2(2, 1)), sgn0(Fq2(0, 1)), sgn0(Fq2(3, 0))
    (0, 1, 1)
    """
    x0, x1 = x.flat()
    sign_0, zero_0, sign_1 = x0 % 2, x0 == 0, x1 % 2
    return sign_0 | (zero_0 & sign_1)


def map_to_curve_simple_swu(u: Fq2) -> tuple[Fq2, Fq2]:
    """The simplified SWU map Fq2 → E2': y² = g'(x) = x³ + A'x + B' (§6.6.2).

    Of x₁ = −B'/A' · (1 + 1/(Z²u⁴ + Zu²)) and x₂ = Zu²·x₁, g'(x₂) = Z³u⁶·g'(x₁) and Z is not
    a square, so exactly one of g'(x₁), g'(x₂) is a square: that x, with the y whose sign
    is u's.
    """
    tv1 = Z**2 * u**4 + Z * u**2
    tv1 = tv1.inverse() if tv1 else tv1  # 1. tv1 = inv0(Z²u⁴ + Zu²)
    x1 = (-B_ISO / A_ISO) * (1 + tv1)  # 2.
    if not tv1:
        x1 = B_ISO / (Z * A_ISO)  # 3. the exceptional case (u = 0, …): g'(x1) is a square
    gx1 = x1**3 + A_ISO * x1 + B_ISO  # 4.
    x2 = Z * u**2 * x1  # 5.
    gx2 = x2**3 + A_ISO * x2 + B_ISO  # 6.
    if gx1.is_square():
        x, y = x1, gx1.sqrt()  # 7.
    else:
        x, y = x2, gx2.sqrt()  # 8.
    if sgn0(u) != sgn0(y):
        y = -y  # 9.
    return x, y  # 10.


def _horner(coefficients: tuple[Fq2, ...], x: Fq2) -> Fq2:
    """Σ cᵢ·xⁱ for coefficients listed lowest degree first."""
    result = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = result * x + c
    return result


def iso_map(x: Fq2, y: Fq2) -> tuple[Fq2, Fq2] | None:
    """The 3-isogeny E2' → E2 of Appendix E.3; None (the point at infinity) where a
    denominator vanishes, at the two points of E2' the isogeny sends to infinity."""
    x_den, y_den = _horner(ISO_X_DEN, x), _horner(ISO_Y_DEN, x)
    if not x_den or not y_den:
        return None
    return _horner(ISO_X_NUM, x) / x_den, y * _horner(ISO_Y_NUM, x) / y_den


def map_to_curve(u: Fq2) -> tuple[Fq2, Fq2] | None:
    """u ↦ a point of E2(Fq2), not yet of G2, as affine (x, y); None for infinity (§6.6.3)."""
    x_iso, y_iso = map_to_curve_simple_swu(u)  # 1. (x', y') is on E2'
    return iso_map(x_iso, y_iso)  # 2–3. (x, y) is on E2


# ------------------------------------------------------------ clearing the cofactor


def clear_cofactor(P: Jac) -> Jac:
    """[h_eff]P for a point P of E2(Fq2) in G2's Jacobian coordinates (Appendix G.3).

    Budroni–Pintore: [h_eff]P = [x² − x − 1]P + [x − 1]ψ(P) + ψ²(2P), with x the curve's
    seed: two 64-bit multiplications instead of one by the 636-bit h_eff.
    """
    kernel = G2.KERNEL
    c1 = SEED  # the BLS parameter x = −0xd201000000010000
    t1 = scalar_mul(kernel, P, c1)  # 1. t1 = c1·P
    t2 = psi(P)  # 2. t2 = ψ(P)
    t3 = kernel.double(P)  # 3. t3 = 2P
    t3 = psi2(t3)  # 4. t3 = ψ²(2P)
    t3 = kernel.add(t3, kernel.neg(t2))  # 5. t3 = t3 − t2
    t2 = kernel.add(t1, t2)  # 6. t2 = t1 + t2
    t2 = scalar_mul(kernel, t2, c1)  # 7. t2 = c1·t2
    t3 = kernel.add(t3, t2)  # 8. t3 = t3 + t2
    t3 = kernel.add(t3, kernel.neg(t1))  # 9. t3 = t3 − t1
    return kernel.add(t3, kernel.neg(P))  # 10–11. Q = t3 − P


# ------------------------------------------------------------ §3: the encodings


def hash_to_G2(msg: bytes, dst: bytes) -> G2:
    """hash_to_curve (§3) of the suite BLS12381G2_XMD:SHA-256_SSWU_RO_: a random oracle onto G2.

    Args:
        msg: the message, any bytes.
        dst: the domain separation tag, 1 to 255 bytes (BLS signatures use their
            ciphersuite's ID, e.g. ``b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"``).

    Raises:
        ArgumentError, ArgumentTypeError: see :func:`expand_message_xmd`.
    """
    u0, u1 = hash_to_field(msg, 2, dst)  # 1.
    Q0 = _jacobian(map_to_curve(u0))  # 2.
    Q1 = _jacobian(map_to_curve(u1))  # 3.
    R = G2.KERNEL.add(Q0, Q1)  # 4.
    return G2._from_jacobian(clear_cofactor(R))  # 5–6.


def encode_to_G2(msg: bytes, dst: bytes) -> G2:
    """encode_to_curve (§3) of the suite BLS12381G2_XMD:SHA-256_SSWU_NU_: one map, not two.

    Cheaper than :func:`hash_to_G2`, but its outputs are not uniform over G2 (§10.4): use it
    only where a "nonuniform encoding" is enough. BLS signatures use :func:`hash_to_G2`.
    """
    (u,) = hash_to_field(msg, 1, dst)  # 1.
    Q = _jacobian(map_to_curve(u))  # 2.
    return G2._from_jacobian(clear_cofactor(Q))  # 3–4.


def _jacobian(point: tuple[Fq2, Fq2] | None) -> Jac:
    """An affine point of E2 (or None, infinity) in G2's Jacobian coordinates."""
    if point is None:
        return G2.KERNEL.identity  # type: ignore[no-any-return]
    x, y = point
    return (x._c, y._c, (1, 0))


def _octets(data: object, what: str) -> bytes:
    if not isinstance(data, _BYTES):
        raise ArgumentTypeError(f"{what} must be bytes, not {type(data).__name__}")
    return bytes(data)
