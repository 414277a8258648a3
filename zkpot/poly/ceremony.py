"""A multi-party powers-of-tau ceremony, safe as soon as one participant is honest.

Bowe, Gabizon, Miers, "Scalable Multi-party Computation for zk-SNARK Parameters in
the Random Beacon Model" (BGM17, ePrint 2017/1050), the "Powers of Tau" ceremony.

The state is the powers of a secret τ in both groups,

    [τ⁰]₁, [τ¹]₁, …, [τⁿ⁻¹]₁    and    [τ⁰]₂, [τ¹]₂, …, [τᵐ⁻¹]₂    (m = 2 by default),

starting from the generators (τ = 1). A participant draws a secret s and multiplies
every [τⁱ] by sⁱ, so that τ becomes τ' = τ·s without anyone learning τ'. After k
participants τ = s₁·s₂·…·sₖ: whoever wants it needs *every* sⱼ, so one participant
who forgets its secret makes the SRS safe.

A contribution publishes the new powers, its public key [s]₂ and a proof that it
knows s: a Schnorr proof in G2, made non-interactive by Fiat–Shamir,

    A = [k]₂ for a random k,   c = H(state digest, identity, new powers, [s]₂, A),
    z = k + c·s,               checked by  [z]₂ = A + c·[s]₂.

The challenge c follows every message the contribution publishes before z (the new
powers enter as one hash of them all), so the proof belongs to this contribution:
change any of its points and the proof no longer verifies.

The state digest hashes the whole transcript so far (the ceremony's label, curve and
sizes, then every earlier contribution), so a proof cannot be replayed under another
identity, in another round, or in a ceremony with another label.

Why not BGM17's own proof, R = s·H(identity, transcript) in G2 checked by
e([s]₁, H) = e([1]₁, R)? It needs H to be a real hash to the curve, a point whose
discrete logarithm nobody knows. With the teaching shortcut H = [h]₂ for a hashed
scalar h, anyone computes R = h·[s]₂ from the public key alone: the check would
prove nothing. Schnorr needs only a hash to a scalar, which :class:`Transcript` gives.

Verifying a contribution that turns [τ] into [τ'] (each failure raises
:class:`CeremonyError`, naming the contribution and the check):

0. structure: n G1 and m G2 points of the right groups, power 0 the generator,
   no point at infinity, a response z in [0, r);
1. the proof of knowledge of s, bound to the identity and the state digest;
2. the update keeps the previous τ: e([τ']₁, [1]₂) = e([τ]₁, [s]₂);
3. G2 agrees with G1: e([τ']₁, [1]₂) = e([1]₁, [τ']₂);
4. the G1 powers are successive powers of τ', for random ρᵢ of 128 bits:
   e(Σ ρᵢ[τ'ⁱ⁺¹]₁, [1]₂) = e(Σ ρᵢ[τ'ⁱ]₁, [τ']₂);
5. the higher G2 powers: e([τ'ʲ]₁, [1]₂) = e([1]₁, [τ'ʲ]₂) for 2 ≤ j < m.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from zkpot.curve import bn254, msm
from zkpot.curve.parallel import map_tasks
from zkpot.curve.point import CurvePoint
from zkpot.errors import ZkpotError
from zkpot.field.prime import random_below
from zkpot.hash.transcript import Transcript
from zkpot.poly.kzg import SRS
from zkpot.progress import Progress, ProgressLike, as_progress

Pair = tuple[CurvePoint, CurvePoint]  # (P, Q) ∈ G1 × G2, one side of e(P, Q) = e(P', Q')

DEFAULT_LABEL = b"zkpot powers of tau"
"""The ceremony's name, hashed into the first state digest: give each ceremony its own."""

PARALLEL_POWERS = 1024
"""The fewest powers a contribution computes on several cores (fewer: in this process)."""

RHO_BITS = 128
"""Bits of each random ρᵢ of check 4: a wrong power passes with probability ≤ 2⁻¹²⁸."""


class CeremonyError(ZkpotError, ValueError):
    """A contribution or a transcript failed verification, or a ceremony was set up wrongly."""


@dataclass(frozen=True, eq=False)
class Powers:
    """The ceremony's state: powers of the current τ, and a digest of how they came about.

    Attributes:
        curve: the curve module (``zkpot.curve.bn254`` or ``bls12_381``).
        g1: [τ⁰]₁, [τ¹]₁, …, [τⁿ⁻¹]₁.
        g2: [τ⁰]₂, [τ¹]₂, …, [τᵐ⁻¹]₂.
        digest: SHA-256 of the transcript that produced these powers; the next
            contribution's proof of knowledge is bound to it.
    """

    curve: ModuleType
    g1: tuple[CurvePoint, ...]
    g2: tuple[CurvePoint, ...]
    digest: bytes

    def to_srs(self) -> SRS:
        """The KZG structured reference string of these powers (no Lagrange points)."""
        return SRS(self.curve, self.g1, self.g2)


@dataclass(frozen=True, eq=False)
class Contribution:
    """What one participant publishes: new powers of τ' = τ·s and a proof that it knows s.

    Attributes:
        identity: who contributed (a ``str`` given to :func:`contribute` is UTF-8 encoded).
        g1: [τ'ⁱ]₁ = sⁱ·[τⁱ]₁ for i < n.
        g2: [τ'ʲ]₂ = sʲ·[τʲ]₂ for j < m.
        public_key: [s]₂.
        commitment: A = [k]₂, the Schnorr commitment.
        response: z = k + c·s mod r, the Schnorr response.
    """

    identity: bytes
    g1: tuple[CurvePoint, ...]
    g2: tuple[CurvePoint, ...]
    public_key: CurvePoint
    commitment: CurvePoint
    response: int


# ------------------------------------------------------------------ participants


def start(
    size: int, g2_size: int = 2, curve: ModuleType = bn254, label: bytes = DEFAULT_LABEL
) -> Powers:
    """The ceremony's initial state: n copies of [1]₁ and m of [1]₂, that is τ = 1.

    Args:
        size: n, the number of G1 powers (commits to polynomials of degree < n).
        g2_size: m, the number of G2 powers, 2 ≤ m ≤ n (KZG needs [1]₂ and [τ]₂).
        curve: ``zkpot.curve.bn254`` (the default) or ``zkpot.curve.bls12_381``.
        label: the ceremony's name, hashed into the state digest.

    Raises:
        CeremonyError: sizes outside 2 ≤ m ≤ n.
    """
    if not isinstance(size, int) or not isinstance(g2_size, int) or not 2 <= g2_size <= size:
        raise CeremonyError(f"need 2 ≤ g2_size ≤ size, got size={size!r}, g2_size={g2_size!r}")
    digest = _hash(
        b"zkpot ceremony start", bytes(label), curve.__name__.encode(), b"%d,%d" % (size, g2_size)
    )
    G1, G2 = curve.G1.generator(), curve.G2.generator()
    return Powers(curve, (G1,) * size, (G2,) * g2_size, digest)


def contribute(
    previous: Powers,
    identity: str | bytes,
    *,
    rng: Any = None,
    secret: int | None = None,
    progress: ProgressLike = None,
) -> Contribution:
    """Multiply τ by a fresh secret s and prove knowledge of s; then forget s.

    Args:
        previous: the state to build on (after verifying the transcript so far).
        identity: the participant's name, bound into the proof of knowledge.
        rng: an object with ``randrange`` for s and the Schnorr nonce k (tests only);
            by default both come from :mod:`secrets`.
        secret: s itself. INSECURE, like :meth:`SRS.from_tau`: for tests and teaching.
        progress: told of one step, ``"<identity> contributes"``, over the n + m powers,
            advanced as they are computed (:mod:`zkpot.progress`).

    Raises:
        CeremonyError: an empty identity, or a secret ≡ 0 (mod r).
    """
    curve, r = previous.curve, previous.curve.R
    name = _identity_bytes(identity)
    s = 1 + random_below(r - 1, rng) if secret is None else secret % r
    if s == 0:
        raise CeremonyError("the secret s must be non-zero modulo r: it would erase τ")
    report = as_progress(progress)
    report.start(f"{name.decode('utf-8', 'replace')} contributes",
                 len(previous.g1) + len(previous.g2), "powers")  # fmt: skip
    g1 = _multiply_powers(previous.g1, s, r, report, "G1")
    g2 = _multiply_powers(previous.g2, s, r, report, "G2")
    G2 = curve.G2.generator()
    public_key = G2 * s  # [s]₂
    k = 1 + random_below(r - 1, rng)
    commitment = G2 * k  # A = [k]₂
    c = _challenge(previous.digest, curve, name, _powers_digest(g1, g2), public_key, commitment)
    return Contribution(name, g1, g2, public_key, commitment, (k + c * s) % r)


def _multiply_powers(
    points: Sequence[CurvePoint], s: int, r: int, progress: Progress, group: str
) -> tuple[CurvePoint, ...]:
    """(sⁱ·Pᵢ)ᵢ: each point times the running power sⁱ (G1 multiplications use GLV).

    Cut into runs of consecutive points, computed on the machine's cores
    (:func:`zkpot.curve.parallel.map_tasks`; ``ZKPOT_WORKERS`` sets how many) when there
    are enough points to pay for the workers; ``progress`` advances by each run's points,
    its stage the ``group``.
    """
    n = len(points)
    run = max(64, -(-n // 16))
    runs = [(points[lo : lo + run], s, pow(s, lo, r), r) for lo in range(0, n, run)]
    workers = None if n >= PARALLEL_POWERS else 1
    progress.advance(0, group)
    parts = map_tasks(_multiply_run, runs, workers=workers,
                      each=lambda part: progress.advance(len(part), group))  # fmt: skip
    return tuple(P for part in parts for P in part)


def _multiply_run(points: Sequence[CurvePoint], s: int, first: int, r: int) -> list[CurvePoint]:
    """(first·sⁱ)·Pᵢ for the points of one run."""
    out, power = [], first
    for P in points:
        out.append(P * power)
        power = power * s % r
    return out


def _challenge(
    previous_digest: bytes,
    curve: ModuleType,
    identity: bytes,
    powers: bytes,
    public_key: CurvePoint,
    A: CurvePoint,
) -> int:
    """c = H(state digest, identity, new powers, [s]₂, A), the Schnorr challenge.

    ``powers`` is :func:`_powers_digest` of the contribution's G1 and G2 powers.
    """
    t = Transcript(b"zkpot ceremony: proof of knowledge", curve.R)
    t.append(b"previous state", previous_digest)
    t.append(b"identity", identity)
    t.append(b"new powers", powers)
    t.append(b"public key", public_key.to_bytes())
    t.append(b"commitment", A.to_bytes())
    return t.challenge(b"c")


# ------------------------------------------------------------------ verifiers


def verify_contribution(
    previous: Powers,
    contribution: Contribution,
    *,
    index: int | None = None,
    rng: Any = None,
    progress: ProgressLike = None,
) -> Powers:
    """Run checks 0–5 of the module docstring and return the state after the contribution.

    Args:
        previous: the verified state the contribution claims to build on.
        contribution: what the participant published.
        index: the contribution's position in the transcript (from 0), for messages.
        rng: source of the ρᵢ of check 4 (tests only); by default :mod:`secrets`.
        progress: told of one step, ``"checking <the contribution>"``, a unit per check
            (0 to 4, and 5 once per G2 power beyond [τ]₂), with the check under way as
            its stage (:mod:`zkpot.progress`).

    Raises:
        CeremonyError: naming the contribution and the check that failed.
    """
    curve, c = previous.curve, contribution
    where = "contribution" if index is None else f"contribution {index}"
    who = f"{where} by {_show(c.identity)}"
    report = as_progress(progress)
    report.start(f"checking {who}", 5 + len(previous.g2) - 2, "checks")

    def step(text: str) -> None:  # the check before is done, this one starts
        report.advance(1, text)

    def require(ok: bool, failure: str) -> None:
        if not ok:
            raise CeremonyError(f"{who}: {failure}")

    report.advance(0, "structure")
    _check_structure(previous, c, require)
    G2 = curve.G2.generator()
    tau, tau_new = previous.g1[1], c.g1[1]  # [τ]₁ and [τ']₁
    powers = _check_proof(previous.digest, c, curve, require, step)

    step("previous τ kept")  # 2. e([τ']₁, [1]₂) = e([τ]₁, [s]₂)
    require(
        _equal_pairings(curve, (tau_new, G2), (tau, c.public_key)),
        "the update does not include the previous τ: e([τ']₁, [1]₂) ≠ e([τ]₁, [s]₂)",
    )
    _check_powers(c, curve, require, step, rng)
    step("accepted")
    return Powers(curve, c.g1, c.g2, _next_digest(previous.digest, c, powers))


def verify_output(
    previous_digest: bytes, last: Contribution, curve: ModuleType = bn254, *, rng: Any = None
) -> bytes:
    """Check a ceremony's output as its last contribution publishes it, and return the
    transcript's digest: what a node compares with the digest its genesis names.

    The digest is computed from the output's own points (with the last contribution's
    proof and the digest before it), so an SRS file cannot claim a digest that is not its
    own. Checks 0, 1 and 3–5 of the module docstring run on the output; check 2 needs the
    state before the last contribution, which the digest fixes and whoever verified the
    whole transcript (:func:`verify_transcript`: the genesis's author) has checked.

    Raises:
        CeremonyError: naming the check that failed.
    """

    def require(ok: bool, failure: str) -> None:
        if not ok:
            raise CeremonyError(f"the ceremony's output: {failure}")

    def step(_text: str) -> None:
        pass

    require(isinstance(previous_digest, bytes) and len(previous_digest) == 32,
            "the previous digest is not 32 bytes")  # fmt: skip
    n, m = len(last.g1), len(last.g2)
    require(2 <= m <= n, f"{n} G1 and {m} G2 powers")
    G1, G2 = curve.G1.generator(), curve.G2.generator()
    _check_structure(Powers(curve, (G1,) * n, (G2,) * m, previous_digest), last, require)
    powers = _check_proof(previous_digest, last, curve, require, step)
    _check_powers(last, curve, require, step, rng)
    return _next_digest(previous_digest, last, powers)


def _check_proof(
    previous_digest: bytes,
    c: Contribution,
    curve: ModuleType,
    require: Callable[[bool, str], None],
    step: Callable[[str], None],
) -> bytes:
    """1. The proof of knowledge of s, bound to the identity and the state digest; returns
    the digest of the contribution's powers."""
    step("knowledge of s")  # 1. [z]₂ = A + c·[s]₂
    powers = _powers_digest(c.g1, c.g2)
    challenge = _challenge(previous_digest, curve, c.identity, powers, c.public_key,
                           c.commitment)  # fmt: skip
    require(
        curve.G2.generator() * c.response == c.commitment + c.public_key * challenge,
        "the proof of knowledge of s does not verify for this identity and round "
        "([z]₂ ≠ A + c·[s]₂)",
    )
    return powers


def _check_powers(
    c: Contribution,
    curve: ModuleType,
    require: Callable[[bool, str], None],
    step: Callable[[str], None],
    rng: Any,
) -> None:
    """3–5. The new powers are successive powers of one τ' in G1, and G2 agrees."""
    G1, G2 = curve.G1.generator(), curve.G2.generator()
    tau_new = c.g1[1]
    step("G2 power 1")  # 3. e([τ']₁, [1]₂) = e([1]₁, [τ']₂)
    require(
        _equal_pairings(curve, (tau_new, G2), (G1, c.g2[1])),
        "G2 power 1 disagrees with G1: e([τ']₁, [1]₂) ≠ e([1]₁, [τ']₂)",
    )

    n = len(c.g1)
    step("G1 powers (2 MSMs)")
    rho = [random_below(1 << RHO_BITS, rng) for _ in range(n - 1)]
    higher, lower = msm(c.g1[1:], rho), msm(c.g1[:-1], rho)
    # 4. e(Σ ρᵢ[τ'ⁱ⁺¹]₁, [1]₂) = e(Σ ρᵢ[τ'ⁱ]₁, [τ']₂)
    require(
        _equal_pairings(curve, (higher, G2), (lower, c.g2[1])),
        "the G1 powers are not successive powers of τ': "
        "e(Σ ρᵢ[τ'ⁱ⁺¹]₁, [1]₂) ≠ e(Σ ρᵢ[τ'ⁱ]₁, [τ']₂)",
    )

    for j in range(2, len(c.g2)):  # 5. e([τ'ʲ]₁, [1]₂) = e([1]₁, [τ'ʲ]₂)
        step(f"G2 power {j}")
        require(
            _equal_pairings(curve, (c.g1[j], G2), (G1, c.g2[j])),
            f"G2 power {j} disagrees with G1: e([τ'^{j}]₁, [1]₂) ≠ e([1]₁, [τ'^{j}]₂)",
        )


def verify_transcript(
    contributions: Sequence[Contribution],
    size: int,
    g2_size: int = 2,
    curve: ModuleType = bn254,
    *,
    label: bytes = DEFAULT_LABEL,
    rng: Any = None,
    progress: ProgressLike = None,
) -> SRS:
    """Verify every contribution in order, from the generators, and return the final SRS.

    Args:
        contributions: the transcript, first contribution first.
        size: the number of G1 powers, as given to :func:`start`.
        g2_size: the number of G2 powers, as given to :func:`start`.
        curve: the curve module, as given to :func:`start`.
        label: the ceremony's label, as given to :func:`start`.
        rng: the source of the verifier's random coefficients, as for
            :func:`verify_contribution`.
        progress: told of each contribution's step, as :func:`verify_contribution` tells it.

    Raises:
        CeremonyError: an empty transcript (τ = 1 is no secret), or the first
            contribution that fails, with its index, identity and the failed check.
    """
    if not contributions:
        raise CeremonyError("an empty transcript: the generators alone are the powers of τ = 1")
    state = start(size, g2_size, curve, label)
    for i, contribution in enumerate(contributions):
        state = verify_contribution(state, contribution, index=i, rng=rng, progress=progress)
    return state.to_srs()


def _check_structure(
    previous: Powers, c: Contribution, require: Callable[[bool, str], None]
) -> None:
    """0. lengths, groups, power 0 the generator, no point at infinity, z in [0, r)."""
    curve = previous.curve
    require(
        isinstance(c.identity, bytes) and len(c.identity) > 0, "the identity is empty or not bytes"
    )
    for name, group, points, expected in (
        ("G1", curve.G1, c.g1, len(previous.g1)),
        ("G2", curve.G2, c.g2, len(previous.g2)),
    ):
        require(len(points) == expected, f"expected {expected} {name} powers, got {len(points)}")
        for i, P in enumerate(points):
            require(type(P) is group, f"{name} power {i} is not a point of {_group_name(group)}")
            require(not P.is_identity(), f"{name} power {i} is the point at infinity")
        require(points[0] == group.generator(), f"{name} power 0 is not the generator [1]")
    for name, P in (("public key [s]₂", c.public_key), ("commitment A", c.commitment)):
        require(type(P) is curve.G2, f"the {name} is not a point of {_group_name(curve.G2)}")
    require(not c.public_key.is_identity(), "the public key [s]₂ is the point at infinity")
    require(
        isinstance(c.response, int) and 0 <= c.response < curve.R,
        "the response z is not an integer in [0, r)",
    )


def _equal_pairings(curve: ModuleType, left: Pair, right: Pair) -> bool:
    """e(P, Q) = e(P', Q'), as the one pairing-product check e(P, Q)·e(−P', Q') = 1."""
    (P, Q), (P2, Q2) = left, right
    return bool(curve.pairing_check([(P, Q), (-P2, Q2)]))


# ------------------------------------------------------------------ digests and names


def _powers_digest(g1: Sequence[CurvePoint], g2: Sequence[CurvePoint]) -> bytes:
    """H(every G1 power, every G2 power): what the challenge and the next digest absorb."""
    return _hash(b"zkpot ceremony powers", *(P.to_bytes() for P in (*g1, *g2)))


def _next_digest(previous_digest: bytes, c: Contribution, powers: bytes) -> bytes:
    """The digest of the transcript after c: H(previous digest, everything c published)."""
    return _hash(
        b"zkpot ceremony contribution",
        previous_digest,
        c.identity,
        powers,
        c.public_key.to_bytes(),
        c.commitment.to_bytes(),
        c.response.to_bytes(32, "big"),
    )


def _hash(*parts: bytes) -> bytes:
    """SHA-256 of the parts, each prefixed by its length so that no two lists collide."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.digest()


def _identity_bytes(identity: str | bytes) -> bytes:
    if isinstance(identity, str):
        identity = identity.encode("utf-8")
    if not isinstance(identity, bytes):
        raise TypeError(f"an identity is a str or bytes, not {type(identity).__name__}")
    if not identity:
        raise CeremonyError("an identity must not be empty: the proof of knowledge is bound to it")
    return identity


def _show(identity: object) -> str:
    return repr(identity.decode("utf-8", "replace") if isinstance(identity, bytes) else identity)


def _group_name(group: type[CurvePoint]) -> str:
    return f"{group.__module__.rsplit('.', 1)[-1]}.{group.__name__}"


__all__ = ["DEFAULT_LABEL", "CeremonyError", "Contribution", "Powers", "contribute", "start",
           "verify_contribution", "verify_output", "verify_transcript"]  # fmt: skip
