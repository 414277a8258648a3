"""A PLONK proof: nine G1 commitments and six evaluations, the same size for every circuit.

In the lookup configuration (:mod:`zkpot.plonk.lookup`) two commitments and four
evaluations follow: 672 bytes, again whatever the circuit. The length says which
configuration a proof belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from zkpot.curve import bn254
from zkpot.curve.encoding import decode_bn254_compressed, encode_bn254_compressed
from zkpot.curve.point import CurvePoint
from zkpot.errors import InvalidInput, NonCanonicalError
from zkpot.plonk.custom import CustomProof
from zkpot.plonk.lookup import LookupProof

POINTS = ("A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw")
SCALARS = ("eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw")
PROOF_BYTES = 32 * (len(POINTS) + len(SCALARS))
LOOKUP_PROOF_BYTES = PROOF_BYTES + 32 * (len(LookupProof.POINTS) + len(LookupProof.SCALARS))
CUSTOM_EXTRA = 32 * (len(CustomProof.POINTS) + len(CustomProof.SCALARS))
CUSTOM_PROOF_BYTES = PROOF_BYTES + CUSTOM_EXTRA


@dataclass(frozen=True)
class Proof:
    """What the prover sends, named as snarkjs names it.

    Attributes:
        A, B, C: [a(τ)]₁, [b(τ)]₁, [c(τ)]₁ — the wire polynomials (round 1).
        Z: [z(τ)]₁ — the permutation accumulator (round 2).
        T1, T2, T3: [t_lo(τ)]₁, [t_mid(τ)]₁, [t_hi(τ)]₁ — the quotient in three parts (round 3).
        eval_a, eval_b, eval_c: ā = a(ξ), b̄ = b(ξ), c̄ = c(ξ) (round 4).
        eval_s1, eval_s2: s̄σ₁ = Sσ₁(ξ), s̄σ₂ = Sσ₂(ξ) (round 4).
        eval_zw: z̄ω = z(ξω) (round 4).
        Wxi, Wxiw: [W_ξ(τ)]₁, [W_ξω(τ)]₁ — the opening proofs at ξ and ξω (round 5).
        lookup: the lookup argument's part (:class:`~zkpot.plonk.lookup.LookupProof`), or
            ``None`` in snarkjs's configuration.
    """

    A: CurvePoint
    B: CurvePoint
    C: CurvePoint
    Z: CurvePoint
    T1: CurvePoint
    T2: CurvePoint
    T3: CurvePoint
    Wxi: CurvePoint
    Wxiw: CurvePoint
    eval_a: int
    eval_b: int
    eval_c: int
    eval_s1: int
    eval_s2: int
    eval_zw: int
    lookup: LookupProof | None = None
    custom: CustomProof | None = None

    def to_bytes(self) -> bytes:
        """480 bytes: the nine points compressed (32 bytes each), then the six scalars;
        in the lookup configuration 192 more: [m], [φ], then φ̄, φ̄ω, q̄_lookup, q̄_table."""
        parts = [(self, POINTS, SCALARS)]
        if self.lookup is not None:
            parts.append((self.lookup, LookupProof.POINTS, LookupProof.SCALARS))
        if self.custom is not None:
            parts.append((self.custom, CustomProof.POINTS, CustomProof.SCALARS))
        out = b""
        for holder, points, scalars in parts:
            out += b"".join(encode_bn254_compressed(getattr(holder, name)) for name in points)
            out += b"".join(getattr(holder, name).to_bytes(32, "big") for name in scalars)
        return out

    @classmethod
    def from_bytes(cls, data: bytes) -> Proof:
        """Parse :meth:`to_bytes`, checking every point (on the curve) and scalar (< r).

        Raises:
            InvalidInput: wrong length or an invalid point.
            NonCanonicalError: a scalar ≥ r.
        """
        size = len(data) if isinstance(data, bytes | bytearray) else -1
        configurations = {PROOF_BYTES: (False, False), LOOKUP_PROOF_BYTES: (True, False),
                          CUSTOM_PROOF_BYTES: (False, True),
                          LOOKUP_PROOF_BYTES + CUSTOM_EXTRA: (True, True)}  # fmt: skip
        lookups, custom = configurations.get(size, (None, None))
        if lookups is None:
            raise InvalidInput(
                f"a PLONK proof is {PROOF_BYTES} bytes ({LOOKUP_PROOF_BYTES} with lookups, "
                f"{CUSTOM_PROOF_BYTES} with custom gates, {LOOKUP_PROOF_BYTES + CUSTOM_EXTRA} "
                "with both)"
            )
        values = _decode(bytes(data[:PROOF_BYTES]), POINTS, SCALARS)
        offset = PROOF_BYTES
        if lookups:
            extra = _decode(bytes(data[offset:LOOKUP_PROOF_BYTES]), LookupProof.POINTS,
                            LookupProof.SCALARS)  # fmt: skip
            values["lookup"] = LookupProof(**extra)  # type: ignore[arg-type]
            offset = LOOKUP_PROOF_BYTES
        if custom:
            extra = _decode(bytes(data[offset:]), CustomProof.POINTS, CustomProof.SCALARS)
            values["custom"] = CustomProof(**extra)  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    def replace(self, **changes: object) -> Proof:
        """A copy with some fields changed (tests use it to tamper with proofs)."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        current.update(changes)
        return Proof(**current)  # type: ignore[arg-type]


def _decode(data: bytes, points: tuple[str, ...], scalars: tuple[str, ...]) -> dict[str, object]:
    """Compressed points (each checked on the curve), then scalars (each checked below r)."""
    values: dict[str, object] = {}
    for i, name in enumerate(points):
        values[name] = decode_bn254_compressed(bn254.G1, data[32 * i : 32 * i + 32])
    offset = 32 * len(points)
    for i, name in enumerate(scalars):
        value = int.from_bytes(data[offset + 32 * i : offset + 32 * i + 32], "big")
        if value >= bn254.R:
            raise NonCanonicalError(f"proof scalar {name} is not below r")
        values[name] = value
    return values
