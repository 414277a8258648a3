"""KZG polynomial commitments: commit, open, verify, and their batched forms.

Kate, Zaverucha, Goldberg, "Constant-Size Commitments to Polynomials and Their
Applications" (ASIACRYPT 2010). A structured reference string (SRS) holds
[τⁱ]₁ = τⁱ·G₁ for i < n and [1]₂, [τ]₂, for a τ nobody knows. Then

- **commit** to a(X) = Σ aᵢXⁱ: C = Σ aᵢ·[τⁱ]₁ = [a(τ)]₁ (one MSM);
- **open** at z: y = a(z) and π = [q(τ)]₁ with q(X) = (a(X) − y)/(X − z), a polynomial
  exactly because z is a root of a(X) − y;
- **verify**: a(X) − y = q(X)·(X − z) holds at τ, and the pairing checks it "in the
  exponent" without knowing τ:

      e(C − [y]₁, [1]₂) = e(π, [τ − z]₂)

Batching: several polynomials opened at one point z use one proof of
Σ γʲ·(aⱼ(X) − yⱼ)/(X − z), with γ a Fiat–Shamir challenge; openings at several
points are verified with one pairing check, combined with a random r:

    e(Σ rⁱ·(Cᵢ − [yᵢ]₁ + zᵢ·πᵢ), [1]₂) = e(Σ rⁱ·πᵢ, [τ]₂)

(each term rearranges e(Cᵢ − [yᵢ]₁, [1]₂) = e(πᵢ, [τ]₂ − zᵢ[1]₂)). The transcript
is the caller's: the prover and verifier pass transcripts that have absorbed the
same statement, and these functions add their own messages to it.

Every challenge is drawn after everything the prover sent before it: γ after the
point, the commitments and the values; r after all of that *and the proofs*. If r
came before the proofs, a prover knowing r would face one linear equation
Σ rⁱ·(Cᵢ − [yᵢ]₁ − (τ − zᵢ)·πᵢ) = 0 in several unknown πᵢ, and could solve it for
any false values with the public SRS alone (fix π₂, solve for π₁); the tests
carry out exactly that forgery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from zkpot.curve import bn254, msm
from zkpot.curve.fixed_base import multiply_many
from zkpot.curve.point import CurvePoint
from zkpot.errors import ArgumentError, ArgumentTypeError, TrustedSetupError, ZkpotError
from zkpot.field.prime import PrimeField
from zkpot.hash.transcript import Transcript
from zkpot.poly.domain import EvaluationDomain, Evaluations
from zkpot.poly.polynomial import Polynomial


class DegreeError(ZkpotError, ValueError):
    """A polynomial's degree exceeds what the SRS can commit to."""


def check_tau(tau: object, r: int) -> int:
    """τ as a canonical int mod r, refusing τ ≡ 0 (the powers would be the point at infinity).

    Raises:
        ArgumentTypeError: τ is not an int (or an element of the scalar field).
        TrustedSetupError: τ ≡ 0 mod r.
    """
    if isinstance(tau, PrimeField):
        tau = tau.value
    if isinstance(tau, bool) or not isinstance(tau, int):
        raise ArgumentTypeError(f"τ must be an int, not {type(tau).__name__} {tau!r}")
    if tau % r == 0:
        raise TrustedSetupError(
            "τ ≡ 0 mod r: every power but the first would be the point at infinity"
        )
    return tau % r


@dataclass(frozen=True, eq=False)
class SRS:
    """A KZG structured reference string.

    Attributes:
        curve: the curve module (``zkpot.curve.bn254`` or ``bls12_381``).
        g1: [τ⁰]₁, [τ¹]₁, …, [τⁿ⁻¹]₁ — commits to polynomials of degree < n.
        g2: [1]₂, [τ]₂ (and further powers if the setup provides them).
        g1_lagrange: [L₀(τ)]₁ … [Lₙ₋₁(τ)]₁ over the domain of size n, in natural
            order, if the setup provides them: commits to evaluation-form vectors.
    """

    curve: ModuleType
    g1: tuple[CurvePoint, ...]
    g2: tuple[CurvePoint, ...]
    g1_lagrange: tuple[CurvePoint, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.g1) < 1 or len(self.g2) < 2:
            raise TrustedSetupError("an SRS needs [1]₁ and [1]₂, [τ]₂ at least")
        if self.g1_lagrange is not None and len(self.g1_lagrange) & (len(self.g1_lagrange) - 1):
            raise TrustedSetupError("Lagrange points come on a domain whose size is a power of 2")

    @property
    def max_degree(self) -> int:
        """The largest degree this SRS commits to: len(g1) − 1."""
        return len(self.g1) - 1

    @classmethod
    def from_tau(
        cls, tau: int, size: int, curve: ModuleType = bn254, lagrange: bool = False
    ) -> SRS:
        """The SRS for a known τ. INSECURE: whoever knows τ can forge openings.

        For tests and teaching; real SRSs come from a ceremony (see
        :mod:`zkpot.poly.ceremony`) or a published file.

        Args:
            tau: τ, an int (reduced mod r) other than 0 mod r.
            size: n ≥ 1 powers in G1, for polynomials of degree < n (a power of two
                with ``lagrange=True``).
            curve: ``zkpot.curve.bn254`` (the default) or ``zkpot.curve.bls12_381``.
            lagrange: also compute [Lᵢ(τ)]₁ over the domain of size n.

        Raises:
            ArgumentTypeError: τ or n not an int.
            TrustedSetupError: τ ≡ 0 mod r, or n < 1.
        """
        r = curve.R
        tau = check_tau(tau, r)
        if isinstance(size, bool) or not isinstance(size, int):
            raise ArgumentTypeError(f"size must be an int, not {type(size).__name__} {size!r}")
        if size < 1:
            raise TrustedSetupError(f"an SRS needs one power of τ at least, got size = {size}")
        powers = [1] * size
        for i in range(1, size):
            powers[i] = powers[i - 1] * tau % r
        g1 = tuple(multiply_many(curve.G1.generator(), powers))
        g2 = (curve.G2.generator(), curve.G2.generator() * tau)
        lagrange_points = None
        if lagrange:
            basis = EvaluationDomain(size, curve.Fr).lagrange_basis(tau)
            lagrange_points = tuple(multiply_many(curve.G1.generator(), [int(L) for L in basis]))
        return cls(curve, g1, g2, lagrange_points)

    @classmethod
    def from_ptau(cls, path: str | Path) -> SRS:
        """Read a snarkjs / Hermez ``.ptau`` file (BN254), see :mod:`zkpot.poly.ptau`."""
        from zkpot.poly.ptau import read_ptau_srs

        return read_ptau_srs(path)

    @classmethod
    def from_eip4844(cls, path: str | Path) -> SRS:
        """Read an EIP-4844 ``trusted_setup.txt`` (BLS12-381).

        The file's Lagrange points are in natural domain order already (EIP-4844 itself
        bit-reverses them to match blobs), so they are taken as they are.
        """
        from zkpot.poly.eip4844 import load_trusted_setup

        setup = load_trusted_setup(path)
        return cls(setup.curve, setup.g1_monomial, setup.g2_monomial, setup.g1_lagrange)


# ------------------------------------------------------------------ single


def commit(srs: SRS, poly: Polynomial) -> CurvePoint:
    """C = [a(τ)]₁ = Σ aᵢ·[τⁱ]₁.

    Raises:
        DegreeError: deg a > ``srs.max_degree``.
    """
    _check_field(srs, poly)
    if poly.degree > srs.max_degree:
        raise DegreeError(f"degree {poly.degree} exceeds the SRS's maximum {srs.max_degree}")
    if poly.is_zero():
        return srs.curve.G1.identity()
    return msm(list(srs.g1[: len(poly.coeffs)]), poly.coeffs)


def commit_evaluations(srs: SRS, evaluations: Evaluations) -> CurvePoint:
    """C = Σ fᵢ·[Lᵢ(τ)]₁ for a polynomial given by its values on the SRS's domain."""
    if srs.g1_lagrange is None:
        raise TrustedSetupError("this SRS has no Lagrange-basis points")
    if (
        evaluations.domain.size != len(srs.g1_lagrange)
        or evaluations.domain.field is not srs.curve.Fr
    ):
        raise ArgumentError(f"the SRS's Lagrange points are for a domain of {len(srs.g1_lagrange)}")
    return msm(list(srs.g1_lagrange), evaluations.values)


def open(srs: SRS, poly: Polynomial, z: int) -> tuple[int, CurvePoint]:
    """(y, π): y = a(z) and π = [q(τ)]₁ with q = (a − y)/(X − z)."""
    quotient, y = poly.divide_by_linear(z)
    return y.value, commit(srs, quotient)


def verify(srs: SRS, commitment: CurvePoint, z: int, y: int, proof: CurvePoint) -> bool:
    """e(C − [y]₁, [1]₂) = e(π, [τ − z]₂), as one pairing-product check.

    Rearranged by bilinearity to e(C − [y]₁ + z·π, [1]₂) = e(π, [τ]₂), so that both scalar
    multiplications happen in G1 (cheaper than computing [τ − z]₂ in G2).
    """
    G1, one2, tau2 = srs.curve.G1.generator(), srs.g2[0], srs.g2[1]
    left = commitment - G1 * y + proof * z
    return srs.curve.pairing_check([(left, one2), (-proof, tau2)])


# ------------------------------------------------------------------ batched


@dataclass(frozen=True)
class Opening:
    """Several polynomials opened at one point z, with one proof."""

    z: int
    commitments: tuple[CurvePoint, ...]
    values: tuple[int, ...]
    proof: CurvePoint


def _absorb(
    transcript: Transcript, z: int, commitments: Sequence[CurvePoint], values: Sequence[int]
) -> int:
    transcript.append_int(b"z", z)
    for C, y in zip(commitments, values, strict=True):
        transcript.append(b"commitment", C.to_bytes())
        transcript.append_int(b"value", y)
    return transcript.challenge(b"gamma")


def batch_open(
    srs: SRS,
    polys: Sequence[Polynomial],
    z: int,
    transcript: Transcript,
    commitments: Sequence[CurvePoint] | None = None,
) -> Opening:
    """Open every polynomial at z with one proof of Σ γʲ·(aⱼ − yⱼ)/(X − z), γ from the transcript.

    The transcript absorbs z, the commitments (computed here unless given) and the
    values, draws γ, then absorbs the proof π.
    """
    if commitments is None:
        commitments = [commit(srs, a) for a in polys]
    values = [a(z).value for a in polys]
    gamma = _absorb(transcript, z, commitments, values)
    combined, power = Polynomial.zero(srs.curve.Fr), 1
    for a in polys:
        combined = combined + a * power
        power = power * gamma % srs.curve.R
    quotient, _ = combined.divide_by_linear(z)
    proof = commit(srs, quotient)
    transcript.append(b"proof", proof.to_bytes())
    return Opening(z % srs.curve.R, tuple(commitments), tuple(values), proof)


def batch_challenges(openings: Sequence[Opening], transcript: Transcript) -> tuple[list[int], int]:
    """(γ₁, …, γₖ; ρ): the verifier's replay of the prover's transcript.

    γᵢ follows opening i's point, commitments and values (and every earlier opening,
    proofs included); ρ follows all of them and every proof πᵢ.
    """
    gammas = []
    for o in openings:
        gammas.append(_absorb(transcript, o.z, o.commitments, o.values))
        transcript.append(b"proof", o.proof.to_bytes())
    return gammas, transcript.challenge(b"rho")  # after every πᵢ: no solving for them


def batch_verify(srs: SRS, openings: Sequence[Opening], transcript: Transcript) -> bool:
    """Check openings at several points with one pairing check (see the module docstring).

    The transcript must be in the state the prover's was in before the first
    :func:`batch_open`, and the openings in the same order.
    """
    if not openings:
        return True
    r = srs.curve.R
    G1 = srs.curve.G1.generator()
    points, scalars = [], []  # Σ ρⁱ·(Cᵢ − [yᵢ]₁ + zᵢ·πᵢ), built as one MSM
    proofs, proof_scalars = [], []
    combined_y = 0
    gammas, rho = batch_challenges(openings, transcript)
    weight = 1
    for o, gamma in zip(openings, gammas, strict=True):
        power = 1
        for C, y in zip(o.commitments, o.values, strict=True):
            points.append(C)
            scalars.append(weight * power % r)
            combined_y += weight * power * y
            power = power * gamma % r
        points.append(o.proof)
        scalars.append(weight * o.z % r)
        proofs.append(o.proof)
        proof_scalars.append(weight)
        weight = weight * rho % r
    points.append(G1)
    scalars.append(-combined_y % r)
    left = msm(points, scalars)
    right = msm(proofs, proof_scalars)
    # e(Σ ρⁱ·(Cᵢ − [yᵢ]₁ + zᵢ·πᵢ), [1]₂) = e(Σ ρⁱ·πᵢ, [τ]₂)
    return srs.curve.pairing_check([(left, srs.g2[0]), (-right, srs.g2[1])])


def _check_field(srs: SRS, poly: Polynomial) -> None:
    if poly.field is not srs.curve.Fr:
        raise ArgumentError(
            f"a {poly.field.__name__} polynomial for an SRS over {srs.curve.Fr.__name__}"
        )


__all__ = [
    "SRS",
    "DegreeError",
    "Opening",
    "batch_challenges",
    "batch_open",
    "batch_verify",
    "check_tau",
    "commit",
    "commit_evaluations",
    "open",
    "verify",
]  # fmt: skip
