"""Keccak-f[1600], the sponge, SHA3-256 against hashlib and Keccak-256 against published values."""

from __future__ import annotations

import array
import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.errors import ZkpotError
from zkpot.hash.keccak import (
    KECCAK_PAD,
    RHO_OFFSETS,
    ROUND_CONSTANTS,
    SHA3_PAD,
    HashInputTypeError,
    Keccak256,
    KeccakParameterError,
    KeccakSponge,
    keccak256,
    keccak_f1600,
    keccak_f1600_reference,
    sha3_256,
    sponge,
)

RATE = 136  # bytes, for Keccak-256 and SHA3-256

# ---------------------------------------------------------------------------
# The derived constants against the published tables
# ---------------------------------------------------------------------------

# The round constants RC[0..23] as the Keccak reference (§1.2) and every implementation list them.
PUBLISHED_ROUND_CONSTANTS = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]  # fmt: skip

# The rotation offsets r[x][y] of the Keccak reference (§1.2), one row per x.
PUBLISHED_RHO_OFFSETS = [
    [0, 36, 3, 41, 18],
    [1, 44, 10, 45, 2],
    [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56],
    [27, 20, 39, 8, 14],
]

# Keccak-f[1600] of the all-zero state (XKCP, KeccakF-1600-IntermediateValues.txt).
PUBLISHED_ZERO_STATE_IMAGE = [
    0xF1258F7940E1DDE7, 0x84D5CCF933C0478A, 0xD598261EA65AA9EE, 0xBD1547306F80494D,
    0x8B284E056253D057, 0xFF97A42D7F8E6FD4, 0x90FEE5A0A44647C4, 0x8C5BDA0CD6192E76,
    0xAD30A6F71B19059C, 0x30935AB7D08FFC64, 0xEB5AA93F2317D635, 0xA9A6E6260D712103,
    0x81A57C16DBCF555F, 0x43B831CD0347C826, 0x01F22F1A11A5569F, 0x05E5635A21D9AE61,
    0x64BEFEF28CC970F2, 0x613670957BC46611, 0xB87C5A554FD00ECB, 0x8C3EE88A1CCF32C8,
    0x940C7922AE3A2614, 0x1841F924A2C509E4, 0x16F53526E70465C2, 0x75F644E97F30A13B,
    0xEAF1FF7B5CECA249,
]  # fmt: skip


def test_round_constants_match_the_published_table() -> None:
    assert list(ROUND_CONSTANTS) == PUBLISHED_ROUND_CONSTANTS


def test_rho_offsets_match_the_published_table() -> None:
    for x in range(5):
        for y in range(5):
            assert RHO_OFFSETS[x + 5 * y] == PUBLISHED_RHO_OFFSETS[x][y], (x, y)


def test_permutation_of_the_zero_state() -> None:
    assert keccak_f1600([0] * 25) == PUBLISHED_ZERO_STATE_IMAGE
    assert keccak_f1600_reference([0] * 25) == PUBLISHED_ZERO_STATE_IMAGE
    assert keccak_f1600(PUBLISHED_ZERO_STATE_IMAGE)[0] == 0x2D5C954DF96ECB3C  # the second image


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=25, max_size=25))
def test_fused_kernel_equals_step_by_step_reference(lanes: list[int]) -> None:
    before = list(lanes)
    assert keccak_f1600(lanes) == keccak_f1600_reference(lanes)
    assert lanes == before  # the public function does not permute its argument in place


# ---------------------------------------------------------------------------
# The sponge against hashlib (SHA-3 and SHAKE share it with Keccak)
# ---------------------------------------------------------------------------


def _message(n: int) -> bytes:
    return bytes((7 + 11 * i) % 256 for i in range(n))


def test_sha3_256_equals_hashlib_on_every_length_up_to_three_blocks() -> None:
    for n in range(3 * RATE + 2):  # 0, …, 135, 136, 137, …, 271, 272, 273, …, 409
        m = _message(n)
        assert sha3_256(m) == hashlib.sha3_256(m).digest(), n


@pytest.mark.parametrize("blocks", [4, 7, 16])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_sha3_256_equals_hashlib_around_multiples_of_the_rate(blocks: int, delta: int) -> None:
    m = _message(blocks * RATE + delta)
    assert sha3_256(m) == hashlib.sha3_256(m).digest()


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=700))
def test_sha3_256_equals_hashlib(m: bytes) -> None:
    assert sha3_256(m) == hashlib.sha3_256(m).digest()


def test_sha3_256_of_one_megabyte() -> None:
    m = bytes(range(256)) * 4096  # 1 MiB
    assert sha3_256(m) == hashlib.sha3_256(m).digest()


@pytest.mark.parametrize(
    ("rate", "pad", "out_len", "oracle"),
    [
        (144, SHA3_PAD, 28, lambda m: hashlib.sha3_224(m).digest()),
        (104, SHA3_PAD, 48, lambda m: hashlib.sha3_384(m).digest()),
        (72, SHA3_PAD, 64, lambda m: hashlib.sha3_512(m).digest()),
        (168, 0x1F, 400, lambda m: hashlib.shake_128(m).digest(400)),  # squeezes three blocks
        (136, 0x1F, 137, lambda m: hashlib.shake_256(m).digest(137)),
        (136, 0x1F, 0, lambda m: hashlib.shake_256(m).digest(0)),
    ],
    ids=["sha3_224", "sha3_384", "sha3_512", "shake_128", "shake_256", "shake_256_empty"],
)
@settings(max_examples=20, deadline=None)
@given(m=st.binary(max_size=400))
def test_sponge_equals_hashlib_at_other_rates(
    m: bytes, rate: int, pad: int, out_len: int, oracle: Callable[[bytes], bytes]
) -> None:
    assert sponge(m, rate, pad, out_len) == oracle(m)


# ---------------------------------------------------------------------------
# Keccak-256: published values, and the same sponge as SHA3-256 but for one byte
# ---------------------------------------------------------------------------

# The 2040-bit message of the Keccak team's ShortMsgKAT (its last entry; two blocks).
KAT_2040 = bytes.fromhex(
    "3A3A819C48EFDE2AD914FBF00E18AB6BC4F14513AB27D0C178A188B61431E7F5"
    "623CB66B23346775D386B50E982C493ADBBFC54B9A3CD383382336A1A0B2150A"
    "15358F336D03AE18F666C7573D55C4FD181C29E6CCFDE63EA35F0ADF5885CFC0"
    "A3D84A2B2E4DD24496DB789E663170CEF74798AA1BBCD4574EA0BBA40489D764"
    "B2F83AADC66B148B4A0CD95246C127D5871C4F11418690A5DDF01246A0C80A43"
    "C70088B6183639DCFDA4125BD113A8F49EE23ED306FAAC576C3FB0C1E256671D"
    "817FC2534A52F5B439F72E424DE376F4C565CCA82307DD9EF76DA5B7C4EB7E08"
    "5172E328807C02D011FFBF33785378D79DC266F6A5BE6BB0E4A92ECEEBAEB1"
)

KECCAK256_KNOWN_ANSWERS = [
    (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
    (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
    (
        b"The quick brown fox jumps over the lazy dog",
        "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
    ),
    # ShortMsgKAT_256 of the Keccak submission: Len = 8, 16, 2040
    (b"\xcc", "eead6dbfc7340a56caedc044696a168870549a6a7f6f56961e84a54bd9970b8a"),
    (b"\x41\xfb", "a8eaceda4d47b3281a795ad9e1ea2122b407baf9aabcb9e18b5717b7873537d2"),
    (KAT_2040, "348fb774adc970a16b1105669442625e6adaa8257a89effdb5a802f161b862ea"),
    # the ERC-20 Transfer event's topic, in every Ethereum log of a token transfer
    (
        b"Transfer(address,address,uint256)",
        "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
    ),
]


@pytest.mark.parametrize(("message", "expected"), KECCAK256_KNOWN_ANSWERS)
def test_keccak256_known_answers(message: bytes, expected: str) -> None:
    assert keccak256(message).hex() == expected
    assert Keccak256(message).hexdigest() == expected


@pytest.mark.parametrize(
    ("signature", "selector"),
    [
        ("transfer(address,uint256)", "a9059cbb"),
        ("balanceOf(address)", "70a08231"),
        ("approve(address,uint256)", "095ea7b3"),
    ],
)
def test_keccak256_gives_the_erc20_function_selectors(signature: str, selector: str) -> None:
    assert keccak256(signature.encode())[:4].hex() == selector


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=600))
def test_keccak256_and_sha3_256_differ_only_by_the_pad_byte(m: bytes) -> None:
    assert keccak256(m) == sponge(m, RATE, KECCAK_PAD, 32) == sponge(m, RATE, 0x01, 32)
    assert sha3_256(m) == sponge(m, RATE, SHA3_PAD, 32) == sponge(m, RATE, 0x06, 32)
    assert keccak256(m) != sha3_256(m)


# ---------------------------------------------------------------------------
# Streaming
# ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_chunked_updates_equal_one_shot(data: st.DataObject) -> None:
    m = data.draw(st.binary(max_size=700))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(m)), max_size=8)))
    h = Keccak256()
    for start, end in zip([0, *cuts], [*cuts, len(m)], strict=True):
        h.update(m[start:end])
    assert h.digest() == keccak256(m)


def test_chunk_sizes_around_the_rate() -> None:
    m = _message(5 * RATE + 3)
    for size in (1, 7, RATE - 1, RATE, RATE + 1, 2 * RATE):
        h = Keccak256()
        for i in range(0, len(m), size):
            h.update(m[i : i + size])
        assert h.digest() == keccak256(m), size


def test_digest_does_not_disturb_further_updates() -> None:
    h = Keccak256(b"ab")
    assert h.digest() == h.digest() == keccak256(b"ab")
    h.update(b"c")
    assert h.digest() == keccak256(b"abc")
    long = _message(3 * RATE)
    h.update(long)
    assert h.digest() == keccak256(b"abc" + long)
    assert h.digest() == keccak256(b"abc" + long)


def test_copy_is_independent() -> None:
    h = Keccak256(_message(RATE + 5))
    g = h.copy()
    g.update(b"more")
    assert h.digest() == keccak256(_message(RATE + 5))
    assert g.digest() == keccak256(_message(RATE + 5) + b"more")


def test_hashlib_style_attributes() -> None:
    h = Keccak256()
    assert (h.digest_size, h.block_size, h.name) == (32, 136, "keccak-256")
    assert h.hexdigest() == keccak256(b"").hex()
    s = KeccakSponge(168, 0x1F, 64)
    s.update(b"abc")
    assert s.digest() == hashlib.shake_128(b"abc").digest(64)


def test_bytearray_and_memoryview_are_accepted() -> None:
    m = _message(300)
    assert keccak256(bytearray(m)) == keccak256(memoryview(m)) == keccak256(m)
    assert keccak256(memoryview(m)[5:200]) == keccak256(m[5:200])
    words = array.array("I", range(100))  # a memoryview of another format: its raw bytes
    assert keccak256(memoryview(words)) == keccak256(words.tobytes())
    h = Keccak256(bytearray(b"a"))
    h.update(memoryview(b"bc"))
    assert h.digest() == keccak256(b"abc")


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", 5, None, [1, 2, 3], array.array("B", b"abc")])
def test_non_bytes_input_is_refused(bad: object) -> None:
    for call in (keccak256, sha3_256, Keccak256, Keccak256().update):
        with pytest.raises(HashInputTypeError):
            call(bad)  # type: ignore[operator]
    with pytest.raises(TypeError):
        keccak256(bad)  # type: ignore[arg-type]
    with pytest.raises(ZkpotError):
        sponge(bad, RATE, KECCAK_PAD, 32)  # type: ignore[arg-type]


def test_str_input_error_suggests_encoding() -> None:
    with pytest.raises(HashInputTypeError, match="encode"):
        keccak256("abc")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rate", "pad", "out_len"),
    [
        (0, KECCAK_PAD, 32),
        (135, KECCAK_PAD, 32),
        (200, KECCAK_PAD, 32),
        (-8, KECCAK_PAD, 32),
        (RATE, 0x00, 32),
        (RATE, 0x80, 32),
        (RATE, 0x100, 32),
        (RATE, KECCAK_PAD, -1),
        (RATE, KECCAK_PAD, 32.0),
    ],
)
def test_bad_sponge_parameters_are_refused(rate: int, pad: int, out_len: int) -> None:
    with pytest.raises(KeccakParameterError):
        sponge(b"abc", rate, pad, out_len)
    with pytest.raises(ValueError):
        KeccakSponge(rate, pad, out_len)


@pytest.mark.parametrize("lanes", [[0] * 24, [0] * 26, [0] * 24 + [2**64], [-1] + [0] * 24])
def test_bad_permutation_states_are_refused(lanes: list[int]) -> None:
    with pytest.raises(KeccakParameterError):
        keccak_f1600(lanes)


# ---------------------------------------------------------------------------
# Many states side by side: digest_many against one digest at a time
# ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    k=st.integers(1, 9),
    length=st.integers(0, 300),
    prefix=st.binary(max_size=300),
    seed=st.integers(0, 2**32),
)
def test_digest_many_is_each_digest(k, length, prefix, seed) -> None:
    """Lengths around whole blocks, a prefix that leaves bytes in the buffer, and hashlib's
    SHA3-256 and SHAKE128 (whose 300-byte output squeezes twice) as the oracle."""
    import random

    rng = random.Random(seed)
    messages = [rng.randbytes(length) for _ in range(k)]
    start = Keccak256(prefix)
    assert start.digest_many(messages) == [keccak256(prefix + m) for m in messages]
    assert start.digest() == keccak256(prefix)  # the sponge itself is unchanged
    sha3 = KeccakSponge(RATE, SHA3_PAD, 32, prefix)
    assert sha3.digest_many(messages) == [hashlib.sha3_256(prefix + m).digest() for m in messages]
    shake = KeccakSponge(168, 0x1F, 300, prefix)
    expected = [hashlib.shake_128(prefix + m).digest(300) for m in messages]
    assert shake.digest_many(messages) == expected


def test_digest_many_edge_cases() -> None:
    assert Keccak256().digest_many([]) == []
    assert Keccak256().digest_many([b"", b""]) == [keccak256(b"")] * 2
    with pytest.raises(KeccakParameterError, match="one length"):
        Keccak256().digest_many([b"a", b"bc"])
    with pytest.raises(HashInputTypeError):
        Keccak256().digest_many(["text"])
