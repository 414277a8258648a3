"""BLS signatures exactly as Ethereum's consensus layer makes them.

Boneh, Gorbunov, Wahby, Wee, Wood, Zhang, "BLS Signatures", draft-irtf-cfrg-bls-signature-05
(2022), ciphersuite ``BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`` (§4.2.3): the
proof-of-possession scheme (§3.3) in its minimal-pubkey-size variant (§2.1), public
keys in G1 (48 bytes), signatures in G2 (96 bytes), both in the compressed Zcash
encoding. The same bytes as py_ecc's ``G2ProofOfPossession``, which the Ethereum
consensus specifications call. With P₁ the generator of G1 and H = :func:`hash_to_G2`
under the ciphersuite's tag::

    pk = sk·P₁,     σ = sk·H(m),     valid  ⟺  e(P₁, σ) = e(pk, H(m))

since both sides are e(P₁, H(m))^sk. Signatures on one message add up: with
σ = Σ σᵢ and pk = Σ pkᵢ, e(P₁, σ) = e(pk, H(m)) still holds, so n signers cost one
verification (:func:`fast_aggregate_verify`). An adversary could then announce the
"rogue" key pk' = a·P₁ − pk_victim, whose sum with the victim's is a·P₁, and sign alone
for both; a proof of possession — a signature on the key itself, under a tag of its own
(:func:`pop_prove`) — shows the key's owner knows its secret, which a rogue key's does not.
Every key used with :func:`fast_aggregate_verify` must have had its proof checked
(:func:`pop_verify`); the draft leaves that to the caller, and so does this module.

Errors: verifiers return False for anything wrong with a key or a signature (wrong
length, not a canonical encoding, a point off the curve or outside its group, the
identity as a key) and raise :class:`~zkpot.errors.BlsError` (a ``ValueError``) only
when the call itself is wrong: a secret key that is not an int in 1 … r − 1, a message
that is not bytes, nothing to aggregate or a signature that does not decode.

Secrets are handled by plain Python ints: nothing here resists side channels (§5.4).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from zkpot.curve.bls12_381 import G1, G2, pairing_check
from zkpot.curve.encoding import decode_zcash
from zkpot.curve.hash_to_curve import hash_to_G2
from zkpot.errors import BlsError, InvalidInput

DST = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
"""The ciphersuite ID, the domain separation tag of hash_to_point (§4.2.3)."""

POP_DST = b"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
"""The tag of hash_pubkey_to_point, for proofs of possession (§3.3.1, §4.2.3)."""

PUBLIC_KEY_SIZE = 48
SIGNATURE_SIZE = 96
KEYGEN_SALT = hashlib.sha256(b"BLS-SIG-KEYGEN-SALT-").digest()
"""H("BLS-SIG-KEYGEN-SALT-"): the salt of the draft's version 4, py_ecc's (§2.3, §5.1)."""

_NEG_P1 = -G1.generator()
_BYTES = (bytes, bytearray)


# ------------------------------------------------------------ keys


def key_gen(ikm: bytes, key_info: bytes = b"", salt: bytes = KEYGEN_SALT) -> int:
    """A secret key 1 ≤ SK < r from secret keying material, by HKDF-SHA-256 (§2.3).

    Args:
        ikm: at least 32 secret, unguessable bytes.
        key_info: optional, to derive several keys from one ikm.
        salt: the draft's default is py_ecc's; change it only to match another system.

    Raises:
        BlsError: ikm shorter than 32 bytes, or an argument that is not bytes.
    """
    ikm, key_info = _message(ikm, "IKM"), _message(key_info, "key_info")
    salt = _message(salt, "salt")
    if len(ikm) < 32:
        raise BlsError(f"KeyGen needs at least 32 bytes of IKM, got {len(ikm)}")
    r = G1.ORDER
    length = -(-3 * (r - 1).bit_length() // 16)  # L = ceil(3·ceil(log₂ r) / 16) = 48
    while True:  # 1.
        prk = hmac.new(salt, ikm + b"\x00", hashlib.sha256).digest()  # 2. HKDF-Extract
        okm = _hkdf_expand(prk, key_info + length.to_bytes(2, "big"), length)  # 3.
        sk = int.from_bytes(okm, "big") % r  # 4.
        if sk != 0:  # 5.
            return sk  # 6.
        salt = hashlib.sha256(salt).digest()  # 7. (never reached in practice)


def _hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    """HKDF-Expand of RFC 5869: T(i) = HMAC(PRK, T(i − 1) ‖ info ‖ i), concatenated."""
    okm, block = b"", b""
    for i in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


def secret_to_public(sk: int) -> bytes:
    """SkToPk (§2.4): the 48-byte public key sk·P₁.

    Raises:
        BlsError: sk is not an int in 1 … r − 1.
    """
    xP = G1.generator() * _secret(sk)  # 1. xP = SK·P
    return xP.to_bytes()  # 2–3. PK = point_to_pubkey(xP)


def key_validate(pk: bytes) -> bool:
    """KeyValidate (§2.5): pk encodes a point of G1 other than the identity."""
    return _public_point(pk) is not None


# ------------------------------------------------------------ signing


def sign(sk: int, message: bytes) -> bytes:
    """Sign = CoreSign (§2.6): the 96-byte signature sk·H(message).

    Raises:
        BlsError: sk is not an int in 1 … r − 1, or message is not bytes.
    """
    return _core_sign(_secret(sk), _message(message), DST)


def _core_sign(sk: int, message: bytes, dst: bytes) -> bytes:
    Q = hash_to_G2(message, dst)  # 1. Q = hash_to_point(message)
    R = Q * sk  # 2. R = SK·Q
    return R.to_bytes()  # 3–4. signature = point_to_signature(R)


def pop_prove(sk: int) -> bytes:
    """PopProve (§3.3.2): a signature on one's own public key, under :data:`POP_DST`.

    Raises:
        BlsError: sk is not an int in 1 … r − 1.
    """
    pk = secret_to_public(sk)  # 1. PK = SkToPk(SK)
    return _core_sign(sk, pk, POP_DST)  # 2–5. Q = hash_pubkey_to_point(PK), proof = SK·Q


def aggregate(signatures: Sequence[bytes]) -> bytes:
    """Aggregate (§2.8): the sum of the signatures, as 96 bytes.

    As in the draft (and py_ecc), a signature here need only decode to a point of the
    curve; the verifier of the aggregate checks that the sum lies in G2.

    Raises:
        BlsError: no signatures, or one that is not the compressed encoding of a point on
            the curve of G2.
    """
    if isinstance(signatures, _BYTES) or len(signatures) < 1:  # precondition: n ≥ 1
        raise BlsError("aggregate needs a non-empty list of signatures")
    total = G2.identity()
    for i, signature in enumerate(signatures):  # 1–6. aggregate = Σ signature_to_point(sigᵢ)
        if not isinstance(signature, _BYTES) or len(signature) != SIGNATURE_SIZE:
            raise BlsError(f"signature {i} is not {SIGNATURE_SIZE} bytes")
        try:
            total = total + decode_zcash(G2, bytes(signature), subgroup=False)
        except InvalidInput as error:
            raise BlsError(f"signature {i} does not decode: {error}") from None
    return total.to_bytes()  # 7–8. signature = point_to_signature(aggregate)


# ------------------------------------------------------------ verifying


def verify(pk: bytes, message: bytes, signature: bytes) -> bool:
    """Verify = CoreVerify (§2.7): e(P₁, σ) = e(pk, H(message)).

    Raises:
        BlsError: message is not bytes (a bad key or signature gives False).
    """
    return _core_verify(_public_point(pk), _message(message), signature, DST)


def pop_verify(pk: bytes, proof: bytes) -> bool:
    """PopVerify (§3.3.3): proof is a signature on pk itself, under :data:`POP_DST`."""
    xP = _public_point(pk)
    return xP is not None and _core_verify(xP, bytes(pk), proof, POP_DST)


def _core_verify(xP: G1 | None, message: bytes, signature: bytes, dst: bytes) -> bool:
    """CoreVerify (§2.7), given xP = pubkey_to_point(PK), None if KeyValidate(PK) failed."""
    R = _signature_point(signature)  # 1–3. R = signature_to_point(σ), in G2
    if R is None or xP is None:  # 4–5. KeyValidate(PK)
        return False
    Q = hash_to_G2(message, dst)  # 6. Q = hash_to_point(message)
    # 7–9. C1 = e(xP, Q) == C2 = e(P₁, R), as one check: e(xP, Q) · e(−P₁, R) = 1
    return pairing_check([(xP, Q), (_NEG_P1, R)])


def aggregate_verify(pks: Sequence[bytes], messages: Sequence[bytes], signature: bytes) -> bool:
    """AggregateVerify = CoreAggregateVerify (§2.9, §3.3): e(P₁, σ) = Π e(pkᵢ, H(mᵢ)).

    n + 1 pairings, in one Miller loop and one final exponentiation. Messages may repeat:
    in the proof-of-possession scheme the keys' proofs, not distinct messages (the basic
    scheme's rule, §3.1.1), stop rogue keys — as in py_ecc and the consensus specs.

    Raises:
        BlsError: a message is not bytes (bad keys, a bad signature, no pairs or lists of
            different lengths give False).
    """
    messages = [_message(m) for m in messages]
    if len(pks) < 1 or len(pks) != len(messages):  # precondition: n ≥ 1
        return False
    R = _signature_point(signature)  # 1–3. R = signature_to_point(σ), in G2
    if R is None:
        return False
    pairs = []
    for pk, message in zip(pks, messages, strict=True):  # 5.
        xP = _public_point(pk)  # 6–7. KeyValidate(PKᵢ), xP = pubkey_to_point(PKᵢ)
        if xP is None:
            return False
        pairs.append((xP, hash_to_G2(message, DST)))  # 8–9. C1 = C1 · e(xP, H(mᵢ))
    # 10–11. C1 == C2 = e(P₁, R), as one check: Π e(xPᵢ, Qᵢ) · e(−P₁, R) = 1
    return pairing_check([*pairs, (_NEG_P1, R)])


def fast_aggregate_verify(pks: Sequence[bytes], message: bytes, signature: bytes) -> bool:
    """FastAggregateVerify (§3.3.4): n signatures on one message, checked as one.

    The keys are added, e(P₁, σ) = e(Σ pkᵢ, H(message)). Each key must be valid (as py_ecc
    and the consensus specs require) and must have had its proof of possession checked by
    the caller with :func:`pop_verify`.

    Raises:
        BlsError: message is not bytes (bad keys, a bad signature or no keys give False).
    """
    message = _message(message)
    if len(pks) < 1:  # precondition: n ≥ 1
        return False
    total = G1.identity()
    for pk in pks:  # 1–4. aggregate = Σ pubkey_to_point(PKᵢ), each key valid
        xP = _public_point(pk)
        if xP is None:
            return False
        total = total + xP
    # 5–6. CoreVerify(point_to_pubkey(aggregate), message, σ), whose KeyValidate is that the
    # sum is not the identity (a sum of points of G1 is in G1)
    return _core_verify(None if total.is_identity() else total, message, signature, DST)


# ------------------------------------------------------------ validation at the edge


def _secret(sk: object) -> int:
    if not isinstance(sk, int) or isinstance(sk, bool) or not 1 <= sk < G1.ORDER:
        raise BlsError("a secret key must be an int in 1 … r − 1")
    return sk


def _message(message: object, what: str = "message") -> bytes:
    if not isinstance(message, _BYTES):
        raise BlsError(f"{what} must be bytes, not {type(message).__name__}")
    return bytes(message)


def _public_point(pk: object) -> G1 | None:
    """pubkey_to_point and KeyValidate: the G1 point of a 48-byte key, None if invalid."""
    if not isinstance(pk, _BYTES) or len(pk) != PUBLIC_KEY_SIZE:
        return None
    try:
        point = G1.from_bytes(bytes(pk))  # canonical, on the curve, in G1
    except InvalidInput:
        return None
    return None if point.is_identity() else point


def _signature_point(signature: object) -> G2 | None:
    """signature_to_point and signature_subgroup_check: the G2 point, None if invalid."""
    if not isinstance(signature, _BYTES) or len(signature) != SIGNATURE_SIZE:
        return None
    try:
        return G2.from_bytes(bytes(signature))  # canonical, on the curve, in G2
    except InvalidInput:
        return None
