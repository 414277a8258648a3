"""Keccak-f[1600], the sponge on top of it, Keccak-256 (Ethereum, snarkjs) and SHA3-256.

Follows FIPS 202, *SHA-3 Standard: Permutation-Based Hash and Extendable-Output
Functions* (NIST, 2015): §3.1 for the state, §3.2 for the step mappings θ, ρ, π,
χ, ι, §4 for the sponge and §5.1 for pad10*1.

The state is 5 × 5 lanes of w = 64 bits. Lane A[x, y] is a Python int in
[0, 2⁶⁴), bit z of the int being bit A[x, y, z], and the 25 lanes sit in a flat
list at index x + 5y. The state's 200 bytes are the lanes in that order, each
little-endian, so a block of input XORs into the first rate/8 lanes.

Keccak-256 and SHA3-256 are the same sponge (rate 136 bytes, capacity 512 bits)
and differ only in the byte that starts the padding: the Keccak submission that
Ethereum and snarkjs adopted pads with 0x01, FIPS 202 first appends the domain
bits 01 and pads with 0x06.

>>> keccak256(b"").hex()
'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
>>> h = Keccak256()
>>> h.update(b"a"); h.update(b"bc")
>>> h.digest() == keccak256(b"abc")
True
"""

from __future__ import annotations

import copy
import functools
import struct
from collections.abc import Sequence
from typing import Self, TypeAlias

from zkpot.errors import ZkpotError

BytesLike: TypeAlias = bytes | bytearray | memoryview

LANES = 25  # 5 × 5 lanes …
LANE_BITS = 64  # … of w = 64 bits: b = 1600
ROUNDS = 24  # n_r = 12 + 2ℓ with ℓ = log₂ w = 6
KECCAK_PAD = 0x01  # the Keccak submission: pad10*1 alone
SHA3_PAD = 0x06  # FIPS 202: the domain bits 01, then pad10*1
_MASK = (1 << LANE_BITS) - 1


class HashInputTypeError(ZkpotError, TypeError):
    """Data to hash was not bytes-like (bytes, bytearray or memoryview), e.g. a str."""


class KeccakParameterError(ZkpotError, ValueError):
    """A sponge parameter (rate, pad byte, output length) or a permutation state is out of range."""


def _as_bytes(data: object) -> bytes:
    """The raw bytes of ``data``; a str or an int is refused rather than guessed at."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)  # a memoryview of any format: its raw bytes, as hashlib reads them
    hint = " (encode the text first, e.g. text.encode())" if isinstance(data, str) else ""
    raise HashInputTypeError(
        f"expected bytes, bytearray or memoryview, got {type(data).__name__}{hint}"
    )


# ---------------------------------------------------------------------------
# The constants, derived as FIPS 202 §3.2.2 and §3.2.5 define them
# ---------------------------------------------------------------------------


def rc(t: int) -> int:
    """The bit rc(t) of FIPS 202 Algorithm 5: the output of an LFSR after t steps.

    The LFSR multiplies by x modulo x⁸ + x⁶ + x⁵ + x⁴ + 1 over GF(2), so rc(t) is
    the constant term of xᵗ mod (x⁸ + x⁶ + x⁵ + x⁴ + 1); bit i of ``r`` is the
    coefficient of xⁱ (FIPS 202's R[i]). The polynomial is primitive: period 255.
    """
    r = 1  # R = 10000000
    for _ in range(t % 255):
        r <<= 1  # R = 0 ‖ R
        if r & 0x100:  # R[8] = 1: R[0], R[4], R[5], R[6] ⊕= R[8], and R = Trunc₈(R)
            r ^= 0x171  # 0x171 = x⁸ + x⁶ + x⁵ + x⁴ + 1
    return r & 1  # R[0]


def round_constant(ir: int) -> int:
    """RC for round ir (FIPS 202 Algorithm 6): RC[2ʲ − 1] = rc(j + 7·ir) for j = 0, …, 6."""
    return sum(rc(j + 7 * ir) << ((1 << j) - 1) for j in range(7))


def rho_offsets() -> tuple[int, ...]:
    """ρ's rotation offsets r[x, y] at index x + 5y (FIPS 202 Algorithm 2).

    Starting from (x, y) = (1, 0), step t = 0, …, 23 gives lane (x, y) the offset
    (t + 1)(t + 2)/2 mod 64 and moves to (y, (2x + 3y) mod 5); the walk visits
    every lane but A[0, 0], whose offset is 0.
    """
    offsets = [0] * LANES
    x, y = 1, 0
    for t in range(24):
        offsets[x + 5 * y] = (t + 1) * (t + 2) // 2 % LANE_BITS
        x, y = y, (2 * x + 3 * y) % 5
    return tuple(offsets)


ROUND_CONSTANTS: tuple[int, ...] = tuple(round_constant(ir) for ir in range(ROUNDS))
RHO_OFFSETS: tuple[int, ...] = rho_offsets()


# ---------------------------------------------------------------------------
# The step mappings, one function each, as FIPS 202 §3.2 writes them
# ---------------------------------------------------------------------------


def _rot(v: int, n: int) -> int:
    """ROT(v, n): lane v rotated by n positions toward the high bits (0 ≤ n < 64)."""
    return (v << n | v >> (LANE_BITS - n)) & _MASK


def theta(A: Sequence[int]) -> list[int]:
    """θ: every bit absorbs the parities of two neighbouring columns (Algorithm 1)."""
    C = [A[x] ^ A[x + 5] ^ A[x + 10] ^ A[x + 15] ^ A[x + 20] for x in range(5)]
    D = [C[(x - 1) % 5] ^ _rot(C[(x + 1) % 5], 1) for x in range(5)]
    return [A[x + 5 * y] ^ D[x] for y in range(5) for x in range(5)]  # A′[x, y] = A[x, y] ⊕ D[x]


def rho(A: Sequence[int]) -> list[int]:
    """ρ: lane A[x, y] rotated by r[x, y] (Algorithm 2)."""
    return [_rot(A[i], RHO_OFFSETS[i]) for i in range(LANES)]


def pi(A: Sequence[int]) -> list[int]:
    """π: the lanes rearranged, A′[x, y] = A[(x + 3y) mod 5, x] (Algorithm 3)."""
    return [A[(x + 3 * y) % 5 + 5 * x] for y in range(5) for x in range(5)]


def chi(A: Sequence[int]) -> list[int]:
    """χ: the only non-linear step, A′[x, y] = A[x, y] ⊕ (¬A[x + 1, y] ∧ A[x + 2, y]) (Algorithm 4).

    Python's ¬v is −v − 1, but its ∧ with a lane in [0, 2⁶⁴) stays in [0, 2⁶⁴).
    """
    return [
        A[x + 5 * y] ^ (~A[(x + 1) % 5 + 5 * y] & A[(x + 2) % 5 + 5 * y])
        for y in range(5)
        for x in range(5)
    ]


def iota(A: Sequence[int], ir: int) -> list[int]:
    """ι: A[0, 0] ⊕= RC[ir], which makes the rounds differ (Algorithm 6)."""
    return [A[0] ^ ROUND_CONSTANTS[ir], *A[1:]]


def keccak_f1600_reference(lanes: Sequence[int]) -> list[int]:
    """Keccak-f[1600] = Keccak-p[1600, 24] step by step: Rnd(A, ir) = ι(χ(π(ρ(θ(A)))), ir).

    The readable version that :func:`keccak_f1600` is tested against; no input checks.
    """
    A = list(lanes)
    for ir in range(ROUNDS):
        A = iota(chi(pi(rho(theta(A)))), ir)
    return A


# ---------------------------------------------------------------------------
# The permutation, fused and unrolled for speed
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _masks(k: int) -> tuple[list[int], list[int], list[int]]:
    """For k states side by side: high[r] and low[r], the bits [r, 64) and [0, r) of every
    64-bit slot (what ROT by r keeps of v ≪ r and of v ≫ (64 − r)), and the round
    constants repeated in every slot."""
    ones = sum(1 << (64 * j) for j in range(k))  # bit 0 of every slot
    high = [((1 << 64) - (1 << r)) * ones for r in range(64)]
    low = [((1 << r) - 1) * ones for r in range(64)]
    return high, low, [rc * ones for rc in ROUND_CONSTANTS]


def _permute(a: list[int], k: int = 1) -> None:
    """Keccak-f[1600] in place on k states at once: ``a[i]`` holds lane i of state j in its
    bits 64j … 64j + 63 (k = 1: a plain state).

    The five step mappings of each round are fused and written out lane by lane, with
    the 25 lanes in local variables (``aNN`` is A[x, y] for NN = x + 5y, ``bNN`` is B after
    θ, ρ and π). ⊕, ∧ and ¬ act on every state's bits in place, so k states cost little
    more than one (Python's ints are as wide as needed); a rotation within each 64-bit
    slot is two shifts, each masked to the bits that stay in their slot (:func:`_masks`).
    The reference above is the readable version; the tests check that the two agree.
    """
    high, low, constants = _masks(k)
    (
        a00, a01, a02, a03, a04,
        a05, a06, a07, a08, a09,
        a10, a11, a12, a13, a14,
        a15, a16, a17, a18, a19,
        a20, a21, a22, a23, a24,
    ) = a  # fmt: skip
    for rc_ir in constants:
        # θ: C[x] = A[x, 0] ⊕ … ⊕ A[x, 4], D[x] = C[x − 1] ⊕ ROT(C[x + 1], 1)
        c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
        c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
        c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
        c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
        c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
        d0 = c4 ^ ((c1 << 1) & high[1] | (c1 >> 63) & low[1])
        d1 = c0 ^ ((c2 << 1) & high[1] | (c2 >> 63) & low[1])
        d2 = c1 ^ ((c3 << 1) & high[1] | (c3 >> 63) & low[1])
        d3 = c2 ^ ((c4 << 1) & high[1] | (c4 >> 63) & low[1])
        d4 = c3 ^ ((c0 << 1) & high[1] | (c0 >> 63) & low[1])
        # θ, ρ and π: B[y, 2x + 3y] = ROT(A[x, y] ⊕ D[x], r[x, y])
        b00 = a00 ^ d0
        v = a01 ^ d1
        b10 = (v << 1) & high[1] | (v >> 63) & low[1]
        v = a02 ^ d2
        b20 = (v << 62) & high[62] | (v >> 2) & low[62]
        v = a03 ^ d3
        b05 = (v << 28) & high[28] | (v >> 36) & low[28]
        v = a04 ^ d4
        b15 = (v << 27) & high[27] | (v >> 37) & low[27]
        v = a05 ^ d0
        b16 = (v << 36) & high[36] | (v >> 28) & low[36]
        v = a06 ^ d1
        b01 = (v << 44) & high[44] | (v >> 20) & low[44]
        v = a07 ^ d2
        b11 = (v << 6) & high[6] | (v >> 58) & low[6]
        v = a08 ^ d3
        b21 = (v << 55) & high[55] | (v >> 9) & low[55]
        v = a09 ^ d4
        b06 = (v << 20) & high[20] | (v >> 44) & low[20]
        v = a10 ^ d0
        b07 = (v << 3) & high[3] | (v >> 61) & low[3]
        v = a11 ^ d1
        b17 = (v << 10) & high[10] | (v >> 54) & low[10]
        v = a12 ^ d2
        b02 = (v << 43) & high[43] | (v >> 21) & low[43]
        v = a13 ^ d3
        b12 = (v << 25) & high[25] | (v >> 39) & low[25]
        v = a14 ^ d4
        b22 = (v << 39) & high[39] | (v >> 25) & low[39]
        v = a15 ^ d0
        b23 = (v << 41) & high[41] | (v >> 23) & low[41]
        v = a16 ^ d1
        b08 = (v << 45) & high[45] | (v >> 19) & low[45]
        v = a17 ^ d2
        b18 = (v << 15) & high[15] | (v >> 49) & low[15]
        v = a18 ^ d3
        b03 = (v << 21) & high[21] | (v >> 43) & low[21]
        v = a19 ^ d4
        b13 = (v << 8) & high[8] | (v >> 56) & low[8]
        v = a20 ^ d0
        b14 = (v << 18) & high[18] | (v >> 46) & low[18]
        v = a21 ^ d1
        b24 = (v << 2) & high[2] | (v >> 62) & low[2]
        v = a22 ^ d2
        b09 = (v << 61) & high[61] | (v >> 3) & low[61]
        v = a23 ^ d3
        b19 = (v << 56) & high[56] | (v >> 8) & low[56]
        v = a24 ^ d4
        b04 = (v << 14) & high[14] | (v >> 50) & low[14]
        # χ: A[x, y] = B[x, y] ⊕ (¬B[x + 1, y] ∧ B[x + 2, y]); ι: A[0, 0] ⊕= RC[ir]
        a00 = b00 ^ (~b01 & b02) ^ rc_ir
        a01 = b01 ^ (~b02 & b03)
        a02 = b02 ^ (~b03 & b04)
        a03 = b03 ^ (~b04 & b00)
        a04 = b04 ^ (~b00 & b01)
        a05 = b05 ^ (~b06 & b07)
        a06 = b06 ^ (~b07 & b08)
        a07 = b07 ^ (~b08 & b09)
        a08 = b08 ^ (~b09 & b05)
        a09 = b09 ^ (~b05 & b06)
        a10 = b10 ^ (~b11 & b12)
        a11 = b11 ^ (~b12 & b13)
        a12 = b12 ^ (~b13 & b14)
        a13 = b13 ^ (~b14 & b10)
        a14 = b14 ^ (~b10 & b11)
        a15 = b15 ^ (~b16 & b17)
        a16 = b16 ^ (~b17 & b18)
        a17 = b17 ^ (~b18 & b19)
        a18 = b18 ^ (~b19 & b15)
        a19 = b19 ^ (~b15 & b16)
        a20 = b20 ^ (~b21 & b22)
        a21 = b21 ^ (~b22 & b23)
        a22 = b22 ^ (~b23 & b24)
        a23 = b23 ^ (~b24 & b20)
        a24 = b24 ^ (~b20 & b21)
    a[:] = (
        a00, a01, a02, a03, a04,
        a05, a06, a07, a08, a09,
        a10, a11, a12, a13, a14,
        a15, a16, a17, a18, a19,
        a20, a21, a22, a23, a24,
    )  # fmt: skip


def keccak_f1600(lanes: Sequence[int]) -> list[int]:
    """Apply Keccak-f[1600] to a state of 25 lanes; returns the new state.

    Args:
        lanes: A[x, y] at index x + 5y, each an int in [0, 2⁶⁴).

    Raises:
        KeccakParameterError: if there are not 25 lanes or one is not a 64-bit unsigned int.
    """
    a = list(lanes)
    if len(a) != LANES:
        raise KeccakParameterError(f"a Keccak-f[1600] state has 25 lanes, got {len(a)}")
    for i, v in enumerate(a):
        if not isinstance(v, int) or not 0 <= v <= _MASK:
            raise KeccakParameterError(f"lane {i} is not an int in [0, 2**64): {v!r}")
    _permute(a)
    return a


# ---------------------------------------------------------------------------
# The sponge (FIPS 202 §4, Algorithm 8) with pad10*1 (§5.1)
# ---------------------------------------------------------------------------


class KeccakSponge:
    """The sponge over Keccak-f[1600], fed incrementally like a :mod:`hashlib` object.

    Absorbs the input in blocks of ``rate_bytes`` bytes, pads the end with
    ``pad`` ‖ 0…0 ‖ 0x80 (pad10*1 after the domain bits, bytes read LSB first:
    0x01 for Keccak, 0x06 for SHA-3, 0x1F for SHAKE), then squeezes ``out_len``
    bytes, permuting again after every ``rate_bytes`` of output.

    Args:
        rate_bytes: the rate r/8, a multiple of 8 below 200 (136 for Keccak-256 and SHA3-256).
        pad: the first padding byte, in [0x01, 0x7F].
        out_len: the digest length d/8 in bytes.
        data: optional first input.

    Raises:
        KeccakParameterError: for a rate, pad byte or output length out of range.
        HashInputTypeError: if ``data`` is not bytes-like.
    """

    __slots__ = ("_buffer", "_lanes", "_pack", "_unpack", "digest_size", "pad", "rate_bytes")

    def __init__(self, rate_bytes: int, pad: int, out_len: int, data: BytesLike = b"") -> None:
        if not isinstance(rate_bytes, int) or rate_bytes % 8 or not 0 < rate_bytes < 200:
            raise KeccakParameterError(
                f"rate must be a multiple of 8 in [8, 192], got {rate_bytes}"
            )
        if not isinstance(pad, int) or not 0x01 <= pad <= 0x7F:
            raise KeccakParameterError(f"pad byte must be in [0x01, 0x7F], got {pad!r}")
        if not isinstance(out_len, int) or out_len < 0:
            raise KeccakParameterError(f"output length must be a non-negative int, got {out_len}")
        self.rate_bytes = rate_bytes
        self.pad = pad
        self.digest_size = out_len
        self._lanes = [0] * LANES  # S = 0^b
        self._buffer = bytearray()  # input not yet absorbed, always shorter than a block
        self._unpack = struct.Struct(f"<{rate_bytes // 8}Q").unpack_from  # a block as lanes
        self._pack = struct.Struct(f"<{rate_bytes // 8}Q").pack  # lanes as a block
        self.update(data)

    @property
    def block_size(self) -> int:
        """The rate in bytes, as :mod:`hashlib` names it."""
        return self.rate_bytes

    def _absorb(self, lanes: list[int], block: bytes | bytearray, offset: int) -> None:
        """S = f(S ⊕ (Pᵢ ‖ 0^c)) for the block at ``offset``."""
        for i, word in enumerate(self._unpack(block, offset)):
            lanes[i] ^= word
        _permute(lanes)

    def update(self, data: BytesLike) -> None:
        """Absorb more input.

        Raises:
            HashInputTypeError: if ``data`` is not bytes-like.
        """
        data = _as_bytes(data)
        rate, buffer = self.rate_bytes, self._buffer
        start = 0
        if buffer:  # complete the block begun by earlier input
            start = min(rate - len(buffer), len(data))
            buffer += data[:start]
            if len(buffer) < rate:
                return
            self._absorb(self._lanes, buffer, 0)
            buffer.clear()
        end = start + (len(data) - start) // rate * rate
        for offset in range(start, end, rate):  # whole blocks, read where they lie
            self._absorb(self._lanes, data, offset)
        buffer += data[end:]

    def digest(self) -> bytes:
        """Pad, finish absorbing and squeeze, on a copy of the state: updates may go on."""
        lanes = self._lanes.copy()
        block = bytearray(self.rate_bytes)
        block[: len(self._buffer)] = self._buffer
        block[len(self._buffer)] ^= self.pad  # the domain bits and pad10*1's first 1 …
        block[-1] ^= 0x80  # … and its last 1 (the same byte, 0x81 or 0x86, if one byte is left)
        self._absorb(lanes, block, 0)
        out = bytearray()
        while True:  # Z = Z ‖ Trunc_r(S) until |Z| ≥ d
            out += self._pack(*lanes[: self.rate_bytes // 8])
            if len(out) >= self.digest_size:
                return bytes(out[: self.digest_size])
            _permute(lanes)

    def digest_many(self, messages: Sequence[BytesLike]) -> list[bytes]:
        """The digests of (what this sponge absorbed) ‖ m for every message m, computed
        together: the messages' k states run side by side in the same ints through one
        permutation (:func:`_permute` with k), for little more than the cost of one.

        The sponge itself is unchanged. All messages must have one length (the states
        absorb their blocks in step).

        >>> start = Keccak256(b"common prefix, ")
        >>> start.digest_many([b"one", b"two"]) == [keccak256(b"common prefix, one"),
        ...                                         keccak256(b"common prefix, two")]
        True

        Raises:
            KeccakParameterError: if the messages differ in length.
            HashInputTypeError: if one is not bytes-like.
        """
        tails = [self._buffer + _as_bytes(m) for m in messages]
        if not tails:
            return []
        if any(len(t) != len(tails[0]) for t in tails):
            raise KeccakParameterError("digest_many needs messages of one length")
        k, rate, width = len(tails), self.rate_bytes, self.rate_bytes // 8
        padding = bytearray(rate - len(tails[0]) % rate)  # pad10*1, as in digest
        padding[0] ^= self.pad
        padding[-1] ^= 0x80
        blocks = [t + padding for t in tails]
        ones = sum(1 << (64 * j) for j in range(k))  # a lane times this repeats it in each slot
        lanes = [lane * ones for lane in self._lanes]
        for offset in range(0, len(blocks[0]), rate):
            for i in range(width):  # lane i of every state: their bytes side by side
                at = offset + 8 * i
                lanes[i] ^= int.from_bytes(b"".join(b[at : at + 8] for b in blocks), "little")
            _permute(lanes, k)
        out = [bytearray() for _ in range(k)]
        while True:
            for i in range(width):
                packed = lanes[i].to_bytes(8 * k, "little")
                for j in range(k):
                    out[j] += packed[8 * j : 8 * j + 8]
            if len(out[0]) >= self.digest_size:
                return [bytes(o[: self.digest_size]) for o in out]
            _permute(lanes, k)

    def hexdigest(self) -> str:
        """The digest in lowercase hexadecimal."""
        return self.digest().hex()

    def copy(self) -> Self:
        """An independent copy of the sponge, so that a common prefix is absorbed once."""
        clone = copy.copy(self)
        clone._lanes = self._lanes.copy()
        clone._buffer = self._buffer.copy()
        return clone


class Keccak256(KeccakSponge):
    """Streaming Keccak-256 as Ethereum and snarkjs compute it: rate 136, pad 0x01, 32 bytes."""

    __slots__ = ()
    name = "keccak-256"

    def __init__(self, data: BytesLike = b"") -> None:
        super().__init__(136, KECCAK_PAD, 32, data)


def sponge(data: BytesLike, rate_bytes: int, pad: int, out_len: int) -> bytes:
    """``SPONGE[Keccak-f[1600], pad10*1, r](M, d)`` for a message of whole bytes.

    >>> import hashlib
    >>> sponge(b"abc", 136, SHA3_PAD, 32) == hashlib.sha3_256(b"abc").digest()
    True

    Args:
        data: the message M.
        rate_bytes: the rate r/8, a multiple of 8 below 200.
        pad: the first padding byte: :data:`KECCAK_PAD`, :data:`SHA3_PAD`, or 0x1F for SHAKE.
        out_len: the output length d/8 in bytes; longer than the rate squeezes again.

    Raises:
        KeccakParameterError: for a rate, pad byte or output length out of range.
        HashInputTypeError: if ``data`` is not bytes-like.
    """
    return KeccakSponge(rate_bytes, pad, out_len, data).digest()


def keccak256(data: BytesLike) -> bytes:
    """Keccak-256: 32 bytes, as the EVM's KECCAK256 opcode and snarkjs's transcript compute it.

    >>> keccak256(b"transfer(address,uint256)")[:4].hex()  # an ERC-20 function selector
    'a9059cbb'

    Raises:
        HashInputTypeError: if ``data`` is not bytes-like.
    """
    return sponge(data, 136, KECCAK_PAD, 32)


def sha3_256(data: BytesLike) -> bytes:
    """SHA3-256 of FIPS 202, the same sponge as :func:`keccak256` with the pad byte 0x06.

    Raises:
        HashInputTypeError: if ``data`` is not bytes-like.
    """
    return sponge(data, 136, SHA3_PAD, 32)
