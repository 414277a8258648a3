"""KZG on BLS12-381 exactly as EIP-4844 specifies it ("proto-danksharding" blobs).

Follows the consensus specs' ``polynomial-commitments.md`` (Deneb): a **blob** is
4096 field elements of BLS12-381's Fr, 32 bytes each, big-endian — the
evaluations of a polynomial of degree < 4096 on the 4096th roots of unity
(ω = 7^((r−1)/4096)), in **bit-reversed** order. Its commitment is
Σ blobᵢ·[Lᵢ(τ)]₁ with the ceremony's Lagrange points; proofs open it at a point z,
either given or derived by Fiat–Shamir (SHA-256) from the blob and commitment.

Public functions take and return bytes and check every input (lengths, canonical
field elements, points on the curve and in G1) before any arithmetic: malformed
input raises ``ValueError`` (``InvalidInput`` or ``NonCanonicalError``); a proof
that does not verify returns ``False``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType

from zkpot.curve import bls12_381, msm
from zkpot.curve.encoding import decode_zcash
from zkpot.curve.point import CurvePoint
from zkpot.errors import InvalidInput, NonCanonicalError, TrustedSetupError
from zkpot.field.batch import batch_inverse
from zkpot.poly.domain import EvaluationDomain
from zkpot.poly.kzg import check_tau
from zkpot.poly.ntt import bit_reverse_permutation

BLS_MODULUS = bls12_381.R
FIELD_ELEMENTS_PER_BLOB = 4096
BYTES_PER_FIELD_ELEMENT = 32
BYTES_PER_BLOB = FIELD_ELEMENTS_PER_BLOB * BYTES_PER_FIELD_ELEMENT
BYTES_PER_COMMITMENT = BYTES_PER_PROOF = 48
FIAT_SHAMIR_PROTOCOL_DOMAIN = b"FSBLOBVERIFY_V1_"
RANDOM_CHALLENGE_KZG_BATCH_DOMAIN = b"RCKZGBATCH___V1_"
PRIMITIVE_ROOT_OF_UNITY = 7
G1_POINT_AT_INFINITY = b"\xc0" + bytes(47)


# ------------------------------------------------------------ the trusted setup


@dataclass(frozen=True, eq=False)
class TrustedSetup:
    """The Ethereum KZG ceremony's output, as ``trusted_setup.txt`` holds it.

    Attributes:
        g1_lagrange: [Lᵢ(τ)]₁ for the 4096 roots of unity, in the file's (natural) order.
        g2_monomial: [τʲ]₂ for j ≤ 64.
        g1_monomial: [τⁱ]₁ for i < 4096.
    """

    g1_lagrange: tuple[CurvePoint, ...]
    g2_monomial: tuple[CurvePoint, ...]
    g1_monomial: tuple[CurvePoint, ...]
    curve: ModuleType = bls12_381

    @cached_property
    def g1_lagrange_brp(self) -> list[CurvePoint]:
        """The Lagrange points in bit-reversed order, matching a blob's element order."""
        return bit_reverse_permutation(list(self.g1_lagrange))

    @cached_property
    def roots_of_unity_brp(self) -> list[int]:
        """ω⁰ … ω⁴⁰⁹⁵ in bit-reversed order, as the spec's ``compute_roots_of_unity`` + BRP.

        BLS12-381's Fr declares 7 (``PRIMITIVE_ROOT_OF_UNITY``) as its generator, so the
        domain's ω is the spec's.
        """
        domain = EvaluationDomain(len(self.g1_lagrange), bls12_381.Fr)
        return domain.bit_reverse(domain.roots())


def load_trusted_setup(path: str | Path, *, check: bool = True) -> TrustedSetup:
    """Read ``trusted_setup.txt``: the line 4096, the line 65, 4096 G1 Lagrange points,
    65 G2 monomial points, then 4096 G1 monomial points, each compressed hex.

    Args:
        check: verify that every point is in its prime-order group (about 0.8 ms per
            G1 point); ``False`` trusts the file after checking each point is on the curve.

    Raises:
        TrustedSetupError: a malformed file (a ``ValueError``): not text, counts, hex, or an
            invalid point (naming its line).
        OSError: the file cannot be read.
    """
    try:
        text = Path(path).read_text()
    except UnicodeDecodeError:
        raise TrustedSetupError(f"{path}: not a trusted_setup.txt (not text)") from None
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    try:
        n1, n2 = int(lines[0]), int(lines[1])
    except (IndexError, ValueError):
        raise TrustedSetupError(f"{path}: the first two lines must be the point counts") from None
    if n1 < 1 or n1 & (n1 - 1) or n2 < 2:
        raise TrustedSetupError(f"{path}: need 2^k G1 points and 2 G2 points at least")
    if len(lines) != 2 + 2 * n1 + n2:
        raise TrustedSetupError(f"{path}: expected 2 + {n1} + {n2} + {n1} lines, got {len(lines)}")

    def points(group: type[CurvePoint], start: int, count: int) -> tuple[CurvePoint, ...]:
        out = []
        for i in range(start, start + count):
            try:
                data = bytes.fromhex(lines[i].removeprefix("0x"))
                out.append(decode_zcash(group, data, subgroup=check))
            except ValueError as error:
                raise TrustedSetupError(f"{path}, line {i + 1}: {error}") from None
        return tuple(out)

    g1_lagrange = points(bls12_381.G1, 2, n1)
    g2_monomial = points(bls12_381.G2, 2 + n1, n2)
    g1_monomial = points(bls12_381.G1, 2 + n1 + n2, n1)
    return TrustedSetup(g1_lagrange, g2_monomial, g1_monomial)


def insecure_trusted_setup(
    tau: int, n: int = FIELD_ELEMENTS_PER_BLOB, g2_count: int = 65
) -> TrustedSetup:
    """A setup for a known τ, in the ceremony's shape. INSECURE: for tests and teaching.

    [Lᵢ(τ)]₁ are over the n-th roots of unity from 7, in natural order, as the file has them.

    Raises:
        TrustedSetupError: τ ≡ 0 mod r (every power but the first would be the point at
            infinity), or τ not an int.
    """
    from zkpot.curve.fixed_base import multiply_many

    r = BLS_MODULUS
    tau = check_tau(tau, r)
    powers = [1] * max(n, g2_count)
    for i in range(1, len(powers)):
        powers[i] = powers[i - 1] * tau % r
    lagrange = [int(L) for L in EvaluationDomain(n, bls12_381.Fr).lagrange_basis(tau)]
    g1 = multiply_many(bls12_381.G1.generator(), lagrange + powers[:n])
    g2 = multiply_many(bls12_381.G2.generator(), powers[:g2_count])
    return TrustedSetup(tuple(g1[:n]), tuple(g2), tuple(g1[n:]))


def write_trusted_setup(ts: TrustedSetup, path: str | Path) -> None:
    """Write ``ts`` in the ``trusted_setup.txt`` format that :func:`load_trusted_setup` reads."""
    lines = [str(len(ts.g1_lagrange)), str(len(ts.g2_monomial))]
    for P in (*ts.g1_lagrange, *ts.g2_monomial, *ts.g1_monomial):
        lines.append(P.to_bytes().hex())
    Path(path).write_text("\n".join(lines) + "\n")


# ------------------------------------------------------------ input validation


def bytes_to_bls_field(data: bytes) -> int:
    """A canonical 32-byte big-endian field element (≥ r is rejected)."""
    if not isinstance(data, bytes | bytearray) or len(data) != BYTES_PER_FIELD_ELEMENT:
        raise NonCanonicalError("a field element is 32 bytes")
    value = int.from_bytes(data, "big")
    if value >= BLS_MODULUS:
        raise NonCanonicalError(f"field element {value:#x} is not below the BLS modulus")
    return value


def bytes_to_kzg_point(data: bytes, what: str = "commitment") -> CurvePoint:
    """``validate_kzg_g1``: 48 compressed bytes of a G1 point (the point at infinity allowed)."""
    if not isinstance(data, bytes | bytearray) or len(data) != BYTES_PER_COMMITMENT:
        raise InvalidInput(f"a KZG {what} is 48 bytes")
    try:
        return decode_zcash(bls12_381.G1, bytes(data))
    except InvalidInput as error:
        raise InvalidInput(f"KZG {what}: {error}") from None


def blob_to_polynomial(blob: bytes) -> list[int]:
    """The blob's 4096 field elements (evaluations, in bit-reversed order)."""
    if not isinstance(blob, bytes | bytearray) or len(blob) != BYTES_PER_BLOB:
        raise InvalidInput(f"a blob is {BYTES_PER_BLOB} bytes")
    b = BYTES_PER_FIELD_ELEMENT
    return [bytes_to_bls_field(bytes(blob[i : i + b])) for i in range(0, BYTES_PER_BLOB, b)]


def hash_to_bls_field(data: bytes) -> int:
    """SHA-256, read big-endian, reduced modulo r."""
    return int.from_bytes(hashlib.sha256(data).digest(), "big") % BLS_MODULUS


def compute_challenge(blob: bytes, commitment: bytes) -> int:
    """z = H(domain ‖ 4096 as 16 bytes ‖ blob ‖ commitment): the Fiat–Shamir evaluation point."""
    degree_poly = FIELD_ELEMENTS_PER_BLOB.to_bytes(16, "big")
    return hash_to_bls_field(
        FIAT_SHAMIR_PROTOCOL_DOMAIN + degree_poly + bytes(blob) + bytes(commitment)
    )


# ------------------------------------------------------------ the mathematics


def evaluate_polynomial_in_evaluation_form(
    polynomial: Sequence[int], z: int, ts: TrustedSetup
) -> int:
    """p(z) from its values on the (bit-reversed) roots, by the barycentric formula:

    p(z) = (zⁿ − 1)/n · Σ pᵢ·ωᵢ/(z − ωᵢ),   or pᵢ if z = ωᵢ.
    """
    roots, r, n = ts.roots_of_unity_brp, BLS_MODULUS, len(polynomial)
    if z in roots:
        return polynomial[roots.index(z)]
    inverses = batch_inverse([(z - w) % r for w in roots], r)
    total = sum(f * w % r * d for f, w, d in zip(polynomial, roots, inverses, strict=True)) % r
    return total * (pow(z, n, r) - 1) * pow(n, -1, r) % r


def _quotient_at_root(polynomial: Sequence[int], y: int, m: int, roots: list[int]) -> int:
    """q(ωₘ) for q = (p − y)/(X − ωₘ) when z = ωₘ is itself a root:

    q(ωₘ) = Σ_{i≠m} (pᵢ − y)·ωᵢ / (ωₘ·(ωₘ − ωᵢ))   (the spec's compute_quotient_eval_within_domain).
    """
    r, z = BLS_MODULUS, roots[m]
    others = [i for i in range(len(roots)) if i != m]
    inverses = batch_inverse([z * (z - roots[i]) % r for i in others], r)
    return (
        sum((polynomial[i] - y) * roots[i] % r * d for i, d in zip(others, inverses, strict=True))
        % r
    )


def compute_kzg_proof_impl(
    polynomial: Sequence[int], z: int, ts: TrustedSetup
) -> tuple[CurvePoint, int]:
    """(π, y): the quotient (p − y)/(X − z) in evaluation form, committed in the Lagrange basis."""
    r, roots = BLS_MODULUS, ts.roots_of_unity_brp
    y = evaluate_polynomial_in_evaluation_form(polynomial, z, ts)
    denominators = [(w - z) % r for w in roots]
    inverses = batch_inverse([d if d else 1 for d in denominators], r)
    quotient = []
    for i, (value, d, inv) in enumerate(zip(polynomial, denominators, inverses, strict=True)):
        quotient.append(
            _quotient_at_root(polynomial, y, i, roots) if d == 0 else (value - y) * inv % r
        )
    return msm(ts.g1_lagrange_brp, quotient), y


def verify_kzg_proof_impl(
    commitment: CurvePoint, z: int, y: int, proof: CurvePoint, ts: TrustedSetup
) -> bool:
    """e(C − [y]₁, [1]₂) = e(π, [τ − z]₂), checked as e(C − [y]₁ + z·π, −[1]₂) · e(π, [τ]₂) = 1.

    The spec writes the check with [τ]₂ − z·[1]₂; moving z·π to the G1 side is the same
    equation (bilinearity) and saves a G2 scalar multiplication, four times dearer.
    """
    G1, G2 = bls12_381.G1.generator(), bls12_381.G2.generator()
    left = commitment - G1 * y + proof * z
    return bls12_381.pairing_check([(left, -G2), (proof, ts.g2_monomial[1])])


def compute_batch_challenge(
    commitments: Sequence[CurvePoint], zs: Sequence[int], ys: Sequence[int],
    proofs: Sequence[CurvePoint],
) -> int:  # fmt: skip
    """r = H(domain ‖ 4096 ‖ k ‖ (Cᵢ ‖ zᵢ ‖ yᵢ ‖ πᵢ)ᵢ), the batch's weight: after every opening."""
    data = RANDOM_CHALLENGE_KZG_BATCH_DOMAIN + FIELD_ELEMENTS_PER_BLOB.to_bytes(8, "big")
    data += len(commitments).to_bytes(8, "big")
    for C, z, y, pi in zip(commitments, zs, ys, proofs, strict=True):
        data += C.to_bytes() + z.to_bytes(32, "big") + y.to_bytes(32, "big") + pi.to_bytes()
    return hash_to_bls_field(data)


def verify_kzg_proof_batch(
    commitments: Sequence[CurvePoint], zs: Sequence[int], ys: Sequence[int],
    proofs: Sequence[CurvePoint], ts: TrustedSetup,
) -> bool:  # fmt: skip
    """All openings at once, combined with powers of a hashed challenge r.

    Each opening's check e(C − [y]₁, [1]₂) = e(π, [τ − z]₂) rearranges to
    e(π, [τ]₂) = e(C − [y]₁ + z·π, [1]₂); the weighted sum of all of them is

        e(Σ rⁱπᵢ, −[τ]₂) · e(Σ rⁱ(Cᵢ − [yᵢ]₁ + zᵢπᵢ), [1]₂) = 1.
    """
    q = BLS_MODULUS
    r = compute_batch_challenge(commitments, zs, ys, proofs)
    powers = [1] * len(commitments)
    for i in range(1, len(powers)):
        powers[i] = powers[i - 1] * r % q
    G1, G2 = bls12_381.G1.generator(), bls12_381.G2.generator()
    proof_lincomb = msm(list(proofs), powers)
    rhs_points = [*commitments, *proofs, G1]
    rhs_scalars = [*powers, *(z * w % q for z, w in zip(zs, powers, strict=True)),
                   -sum(y * w for y, w in zip(ys, powers, strict=True)) % q]  # fmt: skip
    return bls12_381.pairing_check(
        [(proof_lincomb, -ts.g2_monomial[1]), (msm(rhs_points, rhs_scalars), G2)]
    )


# ------------------------------------------------------------ the public functions


def blob_to_kzg_commitment(blob: bytes, ts: TrustedSetup) -> bytes:
    """The 48-byte commitment Σ blobᵢ·[Lᵢ(τ)]₁ (Lagrange points in bit-reversed order)."""
    return msm(ts.g1_lagrange_brp, blob_to_polynomial(blob)).to_bytes()


def compute_kzg_proof(blob: bytes, z: bytes, ts: TrustedSetup) -> tuple[bytes, bytes]:
    """(proof, y) for the blob's polynomial opened at the 32-byte point z."""
    polynomial = blob_to_polynomial(blob)
    proof, y = compute_kzg_proof_impl(polynomial, bytes_to_bls_field(z), ts)
    return proof.to_bytes(), y.to_bytes(32, "big")


def verify_kzg_proof(commitment: bytes, z: bytes, y: bytes, proof: bytes, ts: TrustedSetup) -> bool:
    """Does ``proof`` show that the committed polynomial takes the value y at z?"""
    return verify_kzg_proof_impl(
        bytes_to_kzg_point(commitment), bytes_to_bls_field(z), bytes_to_bls_field(y),
        bytes_to_kzg_point(proof, "proof"), ts,
    )  # fmt: skip


def compute_blob_kzg_proof(blob: bytes, commitment: bytes, ts: TrustedSetup) -> bytes:
    """The proof for the blob at its Fiat–Shamir point (the commitment is not recomputed)."""
    bytes_to_kzg_point(commitment)
    polynomial = blob_to_polynomial(blob)
    proof, _ = compute_kzg_proof_impl(polynomial, compute_challenge(blob, commitment), ts)
    return proof.to_bytes()


def verify_blob_kzg_proof(blob: bytes, commitment: bytes, proof: bytes, ts: TrustedSetup) -> bool:
    """Does ``proof`` open ``commitment`` to the blob at its Fiat–Shamir point?"""
    C = bytes_to_kzg_point(commitment)
    polynomial = blob_to_polynomial(blob)
    z = compute_challenge(blob, commitment)
    y = evaluate_polynomial_in_evaluation_form(polynomial, z, ts)
    return verify_kzg_proof_impl(C, z, y, bytes_to_kzg_point(proof, "proof"), ts)


def verify_blob_kzg_proof_batch(
    blobs: Sequence[bytes], commitments: Sequence[bytes], proofs: Sequence[bytes], ts: TrustedSetup
) -> bool:
    """All blob proofs with one pairing check (True for empty lists)."""
    if not len(blobs) == len(commitments) == len(proofs):
        raise InvalidInput("blobs, commitments and proofs must be as many")
    points, zs, ys, proof_points = [], [], [], []
    for blob, commitment, proof in zip(blobs, commitments, proofs, strict=True):
        points.append(bytes_to_kzg_point(commitment))
        polynomial = blob_to_polynomial(blob)
        zs.append(compute_challenge(blob, commitment))
        ys.append(evaluate_polynomial_in_evaluation_form(polynomial, zs[-1], ts))
        proof_points.append(bytes_to_kzg_point(proof, "proof"))
    if not points:
        return True
    return verify_kzg_proof_batch(points, zs, ys, proof_points, ts)
