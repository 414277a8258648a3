"""The BN254 precompiles of the EVM, byte for byte: ECADD (0x06), ECMUL (0x07), ECPAIRING (0x08).

EIP-196 and EIP-197 define them on bytes:

- **ECADD**: 128 bytes in (two G1 points, EIP-196 encoding), 64 bytes out.
- **ECMUL**: 96 bytes in (a G1 point and a 256-bit big-endian scalar), 64 bytes out.
- **ECPAIRING**: k·192 bytes in (k pairs of a G1 point, 64 bytes, and a G2 point,
  128 bytes, imaginary parts first), 32 bytes out: 1 if Π e(Pᵢ, Qᵢ) = 1, else 0.
  Zero pairs is the empty product: 1.

ECADD and ECMUL pad short input with zeros on the right and ignore input past
their length; ECPAIRING rejects a length that is not a multiple of 192. A
coordinate ≥ p, a point off its curve, or a G2 point outside the order-r
subgroup is invalid input: the EVM call fails, and here
:class:`~zkpot.errors.InvalidInput` is raised.

>>> from zkpot.curve.evm import bn254_add
>>> generator = (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
>>> bn254_add(generator + bytes(64)) == generator      # G + O = G
True
"""

from __future__ import annotations

from zkpot.curve.bn254 import G1, G2, pairing_check
from zkpot.curve.encoding import decode_uncompressed, encode_uncompressed
from zkpot.errors import InvalidInput

PAIR_LENGTH = 192


def _fit(data: bytes, length: int) -> bytes:
    """Zero-pad on the right to ``length`` bytes and drop anything past it (EVM calldata)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"precompile input must be bytes, not {type(data).__name__}")
    data = bytes(data[:length])
    return data + bytes(length - len(data))


def bn254_add(data: bytes) -> bytes:
    """ECADD (0x06): the sum of two G1 points."""
    data = _fit(data, 128)
    P = decode_uncompressed(G1, data[:64])
    Q = decode_uncompressed(G1, data[64:])
    return encode_uncompressed(P + Q)


def bn254_mul(data: bytes) -> bytes:
    """ECMUL (0x07): a G1 point times a 256-bit scalar (any value; the group has order r)."""
    data = _fit(data, 96)
    P = decode_uncompressed(G1, data[:64])
    return encode_uncompressed(P * int.from_bytes(data[64:], "big"))


def bn254_pairing(data: bytes) -> bytes:
    """ECPAIRING (0x08): 32 bytes encoding 1 if Π e(Pᵢ, Qᵢ) = 1, else 0.

    Raises:
        InvalidInput: a length that is not a multiple of 192, or an invalid point.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"precompile input must be bytes, not {type(data).__name__}")
    if len(data) % PAIR_LENGTH:
        raise InvalidInput(f"pairing input must be a multiple of 192 bytes, got {len(data)}")
    pairs = []
    for start in range(0, len(data), PAIR_LENGTH):
        chunk = bytes(data[start : start + PAIR_LENGTH])
        pairs.append((decode_uncompressed(G1, chunk[:64]), decode_uncompressed(G2, chunk[64:])))
    return int(pairing_check(pairs)).to_bytes(32, "big")
