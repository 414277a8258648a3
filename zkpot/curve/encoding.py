"""Point encodings: bytes in, points out, with every check a decoder owes its caller.

Three formats, all big-endian, Fq2 elements written imaginary part first
(x = x₀ + x₁·u is x₁ ‖ x₀):

**EIP-196/197 (BN254, uncompressed).** G1: x ‖ y, 64 bytes; G2: x ‖ y, 128 bytes.
The point at infinity is all zeros. This is what the EVM precompiles read.

**BN254 compressed** (the convention of gnark-crypto). G1: 32 bytes, G2: 64
bytes, holding x; p < 2²⁵⁴ leaves the top two bits of the first byte free for
a flag:

    0b10  y is the lexicographically smaller of the two roots
    0b11  y is the larger
    0b01  the point at infinity (every other bit zero)
    0b00  not a compressed point (rejected)

**BLS12-381 (Zcash; the IETF pairing-friendly-curves draft; EIP-4844).** G1:
48 bytes compressed or 96 uncompressed, G2: 96 or 192. Three flags in the top
bits of the first byte: bit 7 compression (set iff compressed), bit 6
infinity (then every other bit is zero), bit 5 sign (compressed only: y is the
lexicographically larger root).

"Lexicographically larger" compares y with −y as integers, Fq2 elements by
their imaginary part first (the real part when that is zero): y is larger when
its deciding coordinate exceeds (p − 1)/2.

Decoding checks the length, the flags, that every coordinate is canonical (< p),
that the point is on the curve, and that it is in the prime-order subgroup, and
raises :class:`~zkpot.errors.InvalidInput` naming what failed.
"""

from __future__ import annotations

from typing import Any

from zkpot.curve.point import CurvePoint
from zkpot.errors import InvalidInput, NotASquareError
from zkpot.field.prime import PrimeField


def _is_larger(y: Any) -> bool:
    """Is y the lexicographically larger of ±y? (Fq2: decided by the imaginary part first.)"""
    half = (y.MODULUS - 1) // 2
    if isinstance(y, PrimeField):
        return y.value > half
    c0, c1 = y.flat()
    return c1 > half if c1 else c0 > half


def _coordinate_bytes(group: type[CurvePoint]) -> int:
    return group.FIELD.BYTE_LENGTH  # 32 or 48 per Fq element, twice that for Fq2


def _read_coordinate(group: type[CurvePoint], data: bytes, what: str) -> Any:
    try:
        return group.FIELD.from_bytes(data)
    except ValueError as error:
        raise InvalidInput(f"{group.__name__} {what}: {error}") from None


def _checked(group: type[CurvePoint], x: Any, y: Any, subgroup: bool = True) -> CurvePoint:
    """The point (x, y), verified to be on the curve and (unless told not to) in the subgroup."""
    if subgroup:
        return group(x, y)  # raises InvalidInput with the reason
    P = group(x, y, check=False)
    if not P.is_on_curve():
        raise InvalidInput(f"({x}, {y}) is not on the curve of {group.__name__}")
    return P


def _decompress(group: type[CurvePoint], x: Any, larger: bool, subgroup: bool = True) -> CurvePoint:
    """The point with this x whose y is the larger (or smaller) root of x³ + b."""
    b = group.FIELD._new(group.KERNEL.b)
    try:
        y = (x * x * x + b).sqrt()
    except NotASquareError:
        raise InvalidInput(f"{group.__name__}: no point on the curve has x = {x!r}") from None
    if _is_larger(y) != larger:
        y = -y
    return _checked(group, x, y, subgroup)


# ------------------------------------------------------------ EIP-196 / 197


def encode_uncompressed(P: CurvePoint) -> bytes:
    """x ‖ y (EIP-196/197 for BN254); all zeros for the point at infinity."""
    n = _coordinate_bytes(type(P))
    affine = P.to_affine()
    if affine is None:
        return bytes(2 * n)
    return affine[0].to_bytes() + affine[1].to_bytes()


def decode_uncompressed(group: type[CurvePoint], data: bytes) -> CurvePoint:
    """Inverse of :func:`encode_uncompressed`, with all checks."""
    n = _coordinate_bytes(group)
    _expect_length(group, data, 2 * n)
    if not any(data):
        return group.identity()
    x = _read_coordinate(group, data[:n], "x")
    y = _read_coordinate(group, data[n:], "y")
    return _checked(group, x, y)


# ------------------------------------------------------------ BN254 compressed

_BN_SMALLER, _BN_LARGER, _BN_INFINITY = 0b10, 0b11, 0b01


def encode_bn254_compressed(P: CurvePoint) -> bytes:
    """x with the flag in the top two bits (see the module docstring)."""
    n = _coordinate_bytes(type(P))
    affine = P.to_affine()
    if affine is None:
        return bytes([_BN_INFINITY << 6]) + bytes(n - 1)
    x, y = affine
    data = bytearray(x.to_bytes())
    data[0] |= (_BN_LARGER if _is_larger(y) else _BN_SMALLER) << 6
    return bytes(data)


def decode_bn254_compressed(group: type[CurvePoint], data: bytes) -> CurvePoint:
    """Inverse of :func:`encode_bn254_compressed`, with all checks."""
    n = _coordinate_bytes(group)
    _expect_length(group, data, n)
    flag = data[0] >> 6
    body = bytes([data[0] & 0x3F]) + bytes(data[1:])
    if flag == _BN_INFINITY:
        if any(body):
            raise InvalidInput(f"{group.__name__}: infinity flag with non-zero bits")
        return group.identity()
    if flag == 0:
        raise InvalidInput(f"{group.__name__}: flag bits 00 do not mark a compressed point")
    x = _read_coordinate(group, body, "x")
    return _decompress(group, x, larger=flag == _BN_LARGER)


# ------------------------------------------------------------ BLS12-381 (Zcash)

_COMPRESSION, _INFINITY, _SIGN = 0x80, 0x40, 0x20


def encode_zcash(P: CurvePoint, compressed: bool = True) -> bytes:
    """The Zcash / IETF / EIP-4844 encoding of a BLS12-381 point."""
    n = _coordinate_bytes(type(P))
    affine = P.to_affine()
    flags = _COMPRESSION if compressed else 0
    if affine is None:
        return bytes([flags | _INFINITY]) + bytes((n if compressed else 2 * n) - 1)
    x, y = affine
    data = bytearray(x.to_bytes() if compressed else x.to_bytes() + y.to_bytes())
    if compressed and _is_larger(y):
        flags |= _SIGN
    data[0] |= flags
    return bytes(data)


def decode_zcash(group: type[CurvePoint], data: bytes, *, subgroup: bool = True) -> CurvePoint:
    """Inverse of :func:`encode_zcash` (the length says which form), with all checks.

    Args:
        subgroup: also check membership in the order-r group (``False`` only for
            points from a trusted source, such as a verified ceremony file).
    """
    n = _coordinate_bytes(group)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"{group.__name__} decoding takes bytes, not {type(data).__name__}")
    if len(data) not in (n, 2 * n):
        raise InvalidInput(
            f"{group.__name__} encoding must be {n} or {2 * n} bytes, got {len(data)}"
        )
    compressed = bool(data[0] & _COMPRESSION)
    if compressed != (len(data) == n):
        flag = int(compressed)
        raise InvalidInput(f"{group.__name__}: compression flag {flag} but length {len(data)}")
    infinity, sign = bool(data[0] & _INFINITY), bool(data[0] & _SIGN)
    body = bytes([data[0] & 0x1F]) + bytes(data[1:])
    if infinity:
        if sign or any(body):
            raise InvalidInput(f"{group.__name__}: infinity flag with other bits set")
        return group.identity()
    if compressed:
        return _decompress(group, _read_coordinate(group, body, "x"), sign, subgroup)
    if sign:
        raise InvalidInput(f"{group.__name__}: sign flag set in an uncompressed encoding")
    x = _read_coordinate(group, body[:n], "x")
    y = _read_coordinate(group, body[n:], "y")
    return _checked(group, x, y, subgroup)


def _expect_length(group: type[CurvePoint], data: bytes, n: int) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"{group.__name__} decoding takes bytes, not {type(data).__name__}")
    if len(data) != n:
        raise InvalidInput(f"{group.__name__} encoding must be {n} bytes, got {len(data)}")


# ------------------------------------------------------------ per-curve formats


class Bn254Format:
    """BN254's formats: EIP-196/197 uncompressed (the default) or the compressed form."""

    default_compressed = False

    def encode(self, P: CurvePoint, compressed: bool) -> bytes:
        return encode_bn254_compressed(P) if compressed else encode_uncompressed(P)

    def decode(self, group: type[CurvePoint], data: bytes) -> CurvePoint:
        """Uncompressed or compressed, told apart by the length."""
        if isinstance(data, bytes | bytearray | memoryview) and len(data) == _coordinate_bytes(
            group
        ):
            return decode_bn254_compressed(group, data)
        return decode_uncompressed(group, data)


class ZcashFormat:
    """BLS12-381's Zcash format: compressed (the default) or uncompressed."""

    default_compressed = True

    def encode(self, P: CurvePoint, compressed: bool) -> bytes:
        return encode_zcash(P, compressed)

    def decode(self, group: type[CurvePoint], data: bytes) -> CurvePoint:
        return decode_zcash(group, data)


BN254 = Bn254Format()
ZCASH = ZcashFormat()
