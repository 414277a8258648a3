"""BLS signatures (draft-irtf-cfrg-bls-signature-05, the POP ciphersuite) against py_ecc.

py_ecc's ``G2ProofOfPossession`` is what the Ethereum consensus specs call: keys,
signatures and aggregates must be the same bytes, and every verifier must give the same
answer. py_ecc takes ~0.2 s to sign and ~0.6 s to verify, so it is asked a few
questions only; the negative tests — one per check a verifier makes — run on zkpot alone.
"""

from __future__ import annotations

import functools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.bls import G2ProofOfPossession as py

from zkpot.curve import bls
from zkpot.curve.bls12_381 import G1, G2, Fq, Fq2, R
from zkpot.curve.encoding import encode_zcash
from zkpot.curve.hash_to_curve import hash_to_G2, map_to_curve
from zkpot.errors import BlsError, ZkpotError

FEW = settings(max_examples=3, deadline=None)
P_BYTES = Fq.MODULUS.to_bytes(48, "big")
secret_keys = st.one_of(st.sampled_from([1, 2, R - 1]), st.integers(1, R - 1))


@functools.cache
def signer(i: int) -> tuple[int, bytes]:
    """The i-th test signer's (sk, pk)."""
    sk = random.Random(i).randrange(1, R)
    return sk, bls.secret_to_public(sk)


@functools.cache
def signature(i: int, message: bytes) -> bytes:
    return bls.sign(signer(i)[0], message)


# ------------------------------------------------------------ malformed points


def off_curve_x(field, b):
    """The smallest x = 1, 2, … with x³ + b not a square: no point of the curve has it."""
    x = field(1)
    while (x**3 + b).is_square():
        x = x + 1
    return x


def compressed_x(x, larger: bool = False) -> bytes:
    data = bytearray(x.to_bytes())
    data[0] |= 0x80 | (0x20 if larger else 0)
    return bytes(data)


def outside_G1() -> bytes:
    """A point of E(Fq) outside G1 (the first x = 1, 2, … on the curve), compressed."""
    x = Fq(1)
    while not (x**3 + 4).is_square():
        x = x + 1
    point = G1(x, (x**3 + 4).sqrt(), check=False)
    assert not point.is_in_subgroup()
    return encode_zcash(point)


def outside_G2() -> bytes:
    """A point of E2(Fq2) outside G2 (the map to the curve before the cofactor), compressed."""
    point = G2(*map_to_curve(Fq2(1, 2)), check=False)
    assert point.is_on_curve() and not point.is_in_subgroup()
    return encode_zcash(point)


def bad_public_keys() -> dict[str, object]:
    _, pk = signer(0)
    return {
        "empty": b"",
        "47-bytes": pk[:-1],
        "49-bytes": pk + b"\x00",
        "uncompressed": G1.from_bytes(pk).to_bytes(compressed=False),
        "no-compression-flag": bytes([pk[0] & 0x7F]) + pk[1:],
        "infinity": bytes([0xC0]) + bytes(47),
        "infinity-with-sign": bytes([0xE0]) + bytes(47),
        "infinity-with-x": bytes([0xC0]) + bytes(46) + b"\x01",
        "x-equal-to-p": bytes([P_BYTES[0] | 0x80]) + P_BYTES[1:],
        "x-above-p": bytes([0x9F]) + b"\xff" * 47,
        "not-on-curve": compressed_x(off_curve_x(Fq, 4)),
        "not-in-G1": outside_G1(),
        "a-str": pk.hex(),
        "None": None,
    }


def bad_signatures() -> dict[str, object]:
    sig = signature(0, b"message")
    off_x = off_curve_x(Fq2, Fq2(4, 4))
    return {
        "empty": b"",
        "95-bytes": sig[:-1],
        "97-bytes": sig + b"\x00",
        "uncompressed": G2.from_bytes(sig).to_bytes(compressed=False),
        "no-compression-flag": bytes([sig[0] & 0x7F]) + sig[1:],
        "infinity": bytes([0xC0]) + bytes(95),
        "infinity-with-x": bytes([0xC0]) + bytes(94) + b"\x01",
        "x1-equal-to-p": bytes([P_BYTES[0] | 0x80]) + P_BYTES[1:] + bytes(48),
        "x0-equal-to-p": bytes([0x80]) + bytes(47) + P_BYTES,
        "not-on-curve": compressed_x(off_x),
        "not-in-G2": outside_G2(),
        "flags-on-second-half": sig[:48] + bytes([sig[48] | 0x80]) + sig[49:],
        "a-str": sig.hex(),
        "None": None,
    }


BAD_PKS = list(bad_public_keys())
BAD_SIGS = list(bad_signatures())


# ------------------------------------------------------------ byte for byte with py_ecc


@settings(max_examples=15, deadline=None)
@given(secret_keys)
def test_secret_to_public_matches_py_ecc(sk: int) -> None:
    pk = bls.secret_to_public(sk)
    assert pk == py.SkToPk(sk) and len(pk) == bls.PUBLIC_KEY_SIZE
    assert bls.key_validate(pk)


@FEW
@given(secret_keys, st.binary(max_size=64))
def test_sign_matches_py_ecc(sk: int, message: bytes) -> None:
    sig = bls.sign(sk, message)
    assert sig == py.Sign(sk, message) and len(sig) == bls.SIGNATURE_SIZE
    assert bls.verify(bls.secret_to_public(sk), message, sig)


@pytest.mark.parametrize("message", [b"", bytes(range(256)) * 8], ids=["empty", "2048-bytes"])
def test_sign_edge_messages_match_py_ecc(message: bytes) -> None:
    assert bls.sign(R - 1, message) == py.Sign(R - 1, message)


def test_verify_agrees_with_py_ecc() -> None:
    _, pk = signer(0)
    sig = signature(0, b"message")
    assert bls.verify(pk, b"message", sig) is py.Verify(pk, b"message", sig) is True
    assert bls.verify(pk, b"massage", sig) is py.Verify(pk, b"massage", sig) is False
    cases = [(pk, bad_signatures()["not-in-G2"]), (bad_public_keys()["infinity"], sig)]
    for key, sig_ in cases:
        assert bls.verify(key, b"message", sig_) is py.Verify(key, b"message", sig_) is False


@FEW
@given(st.binary(min_size=32, max_size=64), st.binary(max_size=16))
def test_key_gen_matches_py_ecc(ikm: bytes, key_info: bytes) -> None:
    sk = bls.key_gen(ikm, key_info)
    assert sk == py.KeyGen(ikm, key_info) and 1 <= sk < R


def test_key_gen_needs_32_bytes() -> None:
    with pytest.raises(BlsError, match="32 bytes"):
        bls.key_gen(bytes(31))
    with pytest.raises(BlsError):
        bls.key_gen("0" * 32)


def test_proof_of_possession_matches_py_ecc() -> None:
    sk, pk = signer(1)
    proof = bls.pop_prove(sk)
    assert proof == py.PopProve(sk)
    assert bls.pop_verify(pk, proof) is py.PopVerify(pk, proof) is True
    assert bls.pop_verify(signer(2)[1], proof) is False  # someone else's key
    assert bls.pop_verify(pk, signature(1, pk)) is False  # pk signed under the message tag


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_aggregate_matches_py_ecc(n: int) -> None:
    signatures = [signature(i, b"block root") for i in range(n)]
    assert bls.aggregate(signatures) == py.Aggregate(signatures)
    pks = [signer(i)[1] for i in range(n)]
    assert bls.fast_aggregate_verify(pks, b"block root", bls.aggregate(signatures))
    messages = [b"attestation %d" % i for i in range(n)]
    sig = bls.aggregate([signature(i, m) for i, m in enumerate(messages)])
    assert bls.aggregate_verify(pks, messages, sig)


def test_aggregate_verifiers_agree_with_py_ecc() -> None:
    pks = [signer(i)[1] for i in range(2)]
    same = bls.aggregate([signature(i, b"m") for i in range(2)])
    assert bls.fast_aggregate_verify(pks, b"m", same) is py.FastAggregateVerify(pks, b"m", same)
    messages = [b"m0", b"m1"]
    distinct = bls.aggregate([signature(i, m) for i, m in enumerate(messages)])
    assert bls.aggregate_verify(pks, messages, distinct) is True
    assert py.AggregateVerify(pks, messages, distinct) is True


def test_aggregate_of_points_outside_G2_is_py_ecc_s() -> None:
    """Aggregate only decodes (§2.8): a point on the curve outside G2 is added, as py_ecc does."""
    signatures = [signature(0, b"m"), bad_signatures()["not-in-G2"]]
    assert bls.aggregate(signatures) == py.Aggregate(signatures)
    infinity = bad_signatures()["infinity"]
    assert bls.aggregate([infinity]) == py.Aggregate([infinity]) == infinity


# ------------------------------------------------------------ what a verifier rejects


def test_wrong_message_key_or_signature() -> None:
    (_, pk0), (_, pk1) = signer(0), signer(1)
    sig0, sig1 = signature(0, b"message"), signature(1, b"message")
    assert bls.verify(pk0, b"message", sig0) and bls.verify(pk1, b"message", sig1)
    assert not bls.verify(pk0, b"message!", sig0)
    assert not bls.verify(pk1, b"message", sig0)  # wrong key
    assert not bls.verify(pk0, b"message", sig1)  # swapped signatures
    negated = bytes([sig0[0] ^ 0x20]) + sig0[1:]  # the sign flag flipped: −σ, still in G2
    assert not bls.verify(pk0, b"message", negated)
    assert not bls.verify(pk0, b"message", signature(0, b"other message"))


@pytest.mark.parametrize("name", BAD_PKS)
def test_malformed_public_keys_are_false(name: str) -> None:
    pk = bad_public_keys()[name]
    sig = signature(0, b"message")
    assert bls.key_validate(pk) is False
    assert bls.verify(pk, b"message", sig) is False
    assert bls.pop_verify(pk, sig) is False
    assert bls.fast_aggregate_verify([signer(0)[1], pk], b"message", sig) is False
    assert bls.aggregate_verify([pk], [b"message"], sig) is False


@pytest.mark.parametrize("name", BAD_SIGS)
def test_malformed_signatures_are_false(name: str) -> None:
    _, pk = signer(0)
    sig = bad_signatures()[name]
    assert bls.verify(pk, b"message", sig) is False
    assert bls.pop_verify(pk, sig) is False
    assert bls.fast_aggregate_verify([pk], b"message", sig) is False
    assert bls.aggregate_verify([pk], [b"message"], sig) is False


def test_malformed_signatures_do_not_aggregate() -> None:
    good = signature(0, b"m")
    for name, sig in bad_signatures().items():
        if name in ("not-in-G2", "infinity"):
            continue  # points of the curve: Aggregate takes them (above)
        with pytest.raises(BlsError):
            bls.aggregate([good, sig])


def test_the_identity_key_and_signature() -> None:
    """sk = 0 would give pk = O and σ = O for every message (§5.2): KeyValidate refuses pk."""
    infinity_pk, infinity_sig = bytes([0xC0]) + bytes(47), bytes([0xC0]) + bytes(95)
    assert not bls.verify(infinity_pk, b"anything", infinity_sig)
    assert not bls.verify(signer(0)[1], b"anything", infinity_sig)
    pk, minus_pk = signer(0)[1], (-G1.from_bytes(signer(0)[1])).to_bytes()
    assert not bls.fast_aggregate_verify([pk, minus_pk], b"anything", infinity_sig)  # Σ pk = O


def test_aggregate_verification_failures() -> None:
    pks = [signer(i)[1] for i in range(3)]
    messages = [b"a", b"b", b"c"]
    sig = bls.aggregate([signature(i, m) for i, m in enumerate(messages)])
    assert bls.aggregate_verify(pks, messages, sig)
    assert not bls.aggregate_verify(pks[:2], messages[:2], sig)  # a signer missing
    assert not bls.aggregate_verify(pks, messages[::-1], sig)  # messages swapped
    assert not bls.aggregate_verify(pks, messages[:2], sig)  # lists of different lengths
    assert not bls.aggregate_verify([], [], sig)  # n ≥ 1
    same = bls.aggregate([signature(i, b"a") for i in range(3)])
    assert bls.fast_aggregate_verify(pks, b"a", same)
    assert not bls.fast_aggregate_verify(pks[:2], b"a", same)
    assert not bls.fast_aggregate_verify(pks, b"b", same)
    assert not bls.fast_aggregate_verify([], b"a", same)
    twice = bls.aggregate([signature(0, b"a")] * 2)  # one key counted twice: its sum is 2·pk
    assert bls.fast_aggregate_verify([pks[0], pks[0]], b"a", twice)


def test_repeated_messages_are_accepted_as_in_the_pop_scheme() -> None:
    """The basic scheme's AggregateVerify refuses repeated messages (§3.1.1); the PoP scheme
    does not (§3.3: keys with checked proofs stop rogue keys instead), nor does py_ecc."""
    pks = [signer(i)[1] for i in range(2)]
    sig = bls.aggregate([signature(i, b"same") for i in range(2)])
    assert bls.aggregate_verify(pks, [b"same", b"same"], sig) is True
    assert py.AggregateVerify(pks, [b"same", b"same"], sig) is True


def test_a_rogue_key_forges_without_a_proof_of_possession() -> None:
    """pk' = a·P₁ − pk_victim makes Σ pk = a·P₁: the attacker alone "co-signs" for the
    victim. fast_aggregate_verify cannot see it; pop_verify refuses every proof for pk'."""
    _, victim = signer(0)
    a = 123456789
    rogue = (G1.generator() * a - G1.from_bytes(victim)).to_bytes()
    forged = (hash_to_G2(b"pay the attacker", bls.DST) * a).to_bytes()
    assert bls.key_validate(rogue)
    assert bls.fast_aggregate_verify([victim, rogue], b"pay the attacker", forged)  # the attack
    attempts = [bls.pop_prove(a), (hash_to_G2(rogue, bls.POP_DST) * a).to_bytes()]
    assert not any(bls.pop_verify(rogue, proof) for proof in attempts)


def test_verification_is_one_pairing_check(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = bls.pairing_check

    def counting(pairs):
        pairs = list(pairs)
        calls.append(len(pairs))
        return original(pairs)

    monkeypatch.setattr(bls, "pairing_check", counting)
    assert bls.verify(signer(0)[1], b"message", signature(0, b"message"))
    pks = [signer(i)[1] for i in range(3)]
    messages = [b"a", b"b", b"c"]
    sig = bls.aggregate([signature(i, m) for i, m in enumerate(messages)])
    assert bls.aggregate_verify(pks, messages, sig)
    assert calls == [2, 4]  # e(pk, H(m))·e(−P₁, σ); then n + 1 pairs, one final exponentiation


# ------------------------------------------------------------ errors for bad calls


@pytest.mark.parametrize("sk", [0, R, -1, R + 5, True, 1.0, "1", None], ids=repr)
def test_bad_secret_keys_raise(sk) -> None:
    for operation in (bls.secret_to_public, bls.pop_prove, lambda k: bls.sign(k, b"m")):
        with pytest.raises(BlsError) as caught:
            operation(sk)
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, ZkpotError)


@pytest.mark.parametrize("message", ["text", None, [1, 2]], ids=repr)
def test_messages_must_be_bytes(message) -> None:
    sk, pk = signer(0)
    sig = signature(0, b"m")
    calls = [
        lambda: bls.sign(sk, message),
        lambda: bls.verify(pk, message, sig),
        lambda: bls.fast_aggregate_verify([pk], message, sig),
        lambda: bls.aggregate_verify([pk], [message], sig),
    ]
    for call in calls:
        with pytest.raises(BlsError, match="must be bytes"):
            call()
    assert bls.verify(pk, bytearray(b"m"), sig)  # bytes-like is bytes


@pytest.mark.parametrize(
    "signatures", [[], (), b"\x00" * 96, [b"short"], [None]], ids=["[]", "()", "bytes", "5", "None"]
)
def test_aggregate_needs_signatures(signatures) -> None:
    with pytest.raises(BlsError):
        bls.aggregate(signatures)


def test_ciphersuite_constants() -> None:
    assert bls.DST == b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_" == py.DST
    assert bls.POP_DST == b"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_" == py.POP_TAG
    assert (bls.PUBLIC_KEY_SIZE, bls.SIGNATURE_SIZE) == (48, 96)
