"""The PLONK prover: rounds 1 to 5 of the paper, zero-knowledge, snarkjs-compatible.

Gabizon, Williamson, Ciobotaru, "PLONK" (ePrint 2019/953), section 8.3, with the
transcript and the linearisation of snarkjs 0.7 (whose verifier checks these proofs).
Plain-int kernels: polynomials are lists of canonical ints mod r, lowest degree first.

Blinding (what each random bᵢ hides):
- a, b, c get (b₁X + b₂)·Z_H, (b₃X + b₄)·Z_H, (b₅X + b₆)·Z_H: unchanged on H, so the
  gates still hold, but their commitments and their values at ξ reveal nothing
  about the witness (two random coefficients cover the two points the verifier sees);
- z gets (b₇X² + b₈X + b₉)·Z_H (three: z is seen at ξ, ξω and in [Z]);
- the quotient's three parts share b₁₀, b₁₁ (t_lo + b₁₀Xⁿ, t_mid − b₁₀ + b₁₁Xⁿ,
  t_hi − b₁₁): the sum t(X) is unchanged, the parts' commitments are randomised.

In the lookup configuration (a circuit with lookup rows) each round also runs its
step of the lookup argument, L1 … L5 of :mod:`zkpot.plonk.lookup`: the
multiplicities m blinded with b₁₃, b₁₄ and the running sum φ with b₁₅, b₁₆, b₁₇.

**What runs where, and when.** The rounds say what the paper's steps compute and send,
and nothing of where it runs: each polynomial is stored by name in ``s.polys``; a round
sends ``s.commitment(name)``; round 3 works with ``s.on_coset(name)``, a polynomial's
values on the quotient's coset, and ``s.from_coset(values)``, back to coefficients. One
class at the end of this module, :class:`_Schedule`, decides the rest. Its table says,
for each polynomial, what the SRS's worker processes (:mod:`zkpot.curve.parallel`) start
as soon as it is stored: its commitment, at once, so that they commit to a while this
process interpolates b; its values on round 3's coset, which no later challenge changes,
queued behind the commitments the next challenge needs. This process waits only where
a round uses a result. The schedule changes no byte of the proof: with one worker
(``ZKPOT_WORKERS=1``) everything runs in this process, in the same order.
"""

from __future__ import annotations

import secrets
from collections import UserDict
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from zkpot.curve import bn254
from zkpot.curve.parallel import Pending, PointTable, table_for
from zkpot.curve.point import CurvePoint
from zkpot.errors import ArgumentTypeError, ZkpotError
from zkpot.field.batch import batch_inverse
from zkpot.plonk import custom, lookup
from zkpot.plonk.custom import CustomProof
from zkpot.plonk.keys import (
    ProvingKey,
    VerificationKey,
    commit_polynomials,
    extra_powers,
    quotient_factor,
    quotient_parts,
    submit_commitments,
)
from zkpot.plonk.lookup import LookupProof
from zkpot.plonk.proof import Proof
from zkpot.plonk.transcript import Keccak256Transcript, absorb_statement
from zkpot.poly.domain import EvaluationDomain, join_subcosets, next_row, subcoset_values
from zkpot.progress import QUIET, Progress

R = bn254.R


class ProverError(ZkpotError, ValueError):
    """The witness does not satisfy the circuit (the prover refuses to prove)."""


def _evaluate(coeffs: list[int], x: int) -> int:
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % R
    return acc


def _blind(coeffs: list[int], blinders: list[int], n: int) -> list[int]:
    """coeffs + (Σ bⱼXʲ)·(Xⁿ − 1): the values on H do not change."""
    out = coeffs + [0] * (len(blinders))
    for j, b in enumerate(blinders):
        out[j] = (out[j] - b) % R
        out[n + j] = (out[n + j] + b) % R
    return out


def _divide_linear(coeffs: list[int], z: int, check: bool = True) -> list[int]:
    """q with p(X) = q(X)·(X − z) + p(z); raises if p(z) ≠ 0 (the numerator must vanish)."""
    quotient, acc = [0] * (len(coeffs) - 1), 0
    for i in range(len(coeffs) - 1, 0, -1):
        acc = (acc * z + coeffs[i]) % R
        quotient[i - 1] = acc
    if check and (acc * z + coeffs[0]) % R:
        raise ProverError("an opening's numerator does not vanish at its point")
    return quotient


@dataclass
class _State:
    """Everything the rounds hand to each other."""

    pk: ProvingKey
    witness: list[int]
    public: list[int]
    transcript: Keccak256Transcript
    blinders: list[int]
    polys: MutableMapping[str, Any]  # by name; the quotient "t" is a list of its parts
    challenges: dict[str, int]
    evals: dict[str, int]
    check: bool = True  # refuse a witness that does not satisfy the circuit
    values: dict[str, list[int]] = field(default_factory=dict)  # columns on H kept for later
    sent: dict[str, CurvePoint] = field(default_factory=dict)  # the lookup's commitments
    schedule: _Schedule = field(init=False, repr=False)  # what the workers compute ahead

    def __post_init__(self) -> None:
        self.schedule = _Schedule(self)
        self.polys = _Polynomials(self.polys, self.schedule.stored)

    @property
    def lookups(self) -> bool:
        """Whether this is the lookup configuration (zkpot.plonk.lookup adds its steps)."""
        return self.pk.vk.lookup is not None

    @property
    def custom(self) -> bool:
        """Whether the circuit has custom gates (zkpot.plonk.custom adds its terms)."""
        return self.pk.vk.custom is not None

    def commitment(self, name: str) -> CurvePoint:
        """[p]₁ = p(τ)·[1]₁ for the polynomial ``s.polys[name]``: what a round sends."""
        return self.schedule.commitments(name)[0]

    def commitments(self, name: str) -> list[CurvePoint]:
        """The commitments to the parts of a polynomial sent in parts (the quotient, "t")."""
        return self.schedule.commitments(name)

    def on_coset(self, name: str) -> list[int]:
        """The values of the polynomial ``s.polys[name]`` on round 3's coset g·H₄ₙ (g·H₈ₙ
        with custom gates), in the order of its points g·ω₄ₙʲ."""
        return self.schedule.on_coset(name)

    def from_coset(self, values: list[int]) -> list[int]:
        """The coefficients of the polynomial with these values on round 3's coset."""
        return self.schedule.from_coset(values)


def _commit(pk: ProvingKey, coeffs: list[int]) -> CurvePoint:
    """[p]₁ for one polynomial, computed now: a helper for a course's own rounds (zkpot's
    rounds ask ``s.commitment``)."""
    return commit_polynomials(pk.srs, [coeffs])[0]


def _quotient_coset(pk: ProvingKey) -> tuple[int, EvaluationDomain]:
    """(factor, the domain of size factor·n) for round 3's coset: 4, or 8 with custom gates."""
    factor = quotient_factor(pk.vk)
    return factor, EvaluationDomain(factor * pk.domain.size, bn254.Fr)


def _public_polynomial(s: _State) -> None:
    """PI(X) = −Σ pubᵢ·Lᵢ(X) into ``s.polys["pi"]``, unless it is there: the interpolation
    of −pubᵢ on the first rows and 0 on the rest."""
    if "pi" not in s.polys:
        values = [0] * s.pk.domain.size
        for i, value in enumerate(s.public):
            values[i] = -value % R
        s.polys["pi"] = s.pk.domain.intt(values)


def prove(pk: ProvingKey, inputs: Mapping[str, Any], rng: Any = None) -> Proof:
    """A proof that the prover knows inputs satisfying the circuit, public inputs included.

    Args:
        pk: the proving key from :func:`~zkpot.plonk.keys.preprocess`.
        inputs: a value for every named input, public and private.
        rng: a ``random.Random`` for reproducible blinding (tests only); by default the
            blinders come from the OS's CSPRNG.

    Raises:
        ArgumentTypeError: ``pk`` is not a :class:`ProvingKey` (a verification key, say).
        ProverError / UnsatisfiedConstraint: the inputs do not satisfy the circuit.
        CircuitError: an input missing, unknown, or not an int or ``Fr``.
    """
    _check_key(pk)
    return prove_witness(pk, pk.cs.solve(inputs), rng)


def _check_key(pk: object) -> None:
    if isinstance(pk, VerificationKey):
        raise ArgumentTypeError("prove needs the ProvingKey: preprocess returns (pk, vk)")
    if not isinstance(pk, ProvingKey):
        raise ArgumentTypeError(f"prove needs a ProvingKey, not {type(pk).__name__}")


def prove_witness(
    pk: ProvingKey,
    witness: list[int],
    rng: Any = None,
    *,
    check: bool = True,
    progress: Progress | None = None,
) -> Proof:
    """A proof from a full witness (one int per variable), as :func:`prove` computes it.

    Args:
        check: refuse a witness that breaks a gate or a copy constraint (the default).
            ``check=False`` is for soundness tests only: it pushes on and produces a
            "proof" from a wrong witness, which the verifier must then reject.
        progress: the caller's step (:mod:`zkpot.progress`), advanced by one as each of
            the five rounds ends, its stage naming the round under way.
    """
    _check_key(pk)
    public = [witness[v] for _, v in pk.cs.public_inputs]
    draw = (lambda: secrets.randbelow(R)) if rng is None else (lambda: rng.randrange(R))
    # b₁ … b₁₂; b₁₃ … b₁₇ for the lookup argument; b₁₈, b₁₉ for the quotient's extra parts
    # b₂₀, b₂₁, b₂₂ for a third coefficient on a, b, c (custom gates open them at ξω)
    blinders = [draw() for _ in range(22 if pk.vk.custom is not None else
                                      17 if pk.vk.lookup is not None else 12)]  # fmt: skip
    state = _State(pk, witness, public, Keccak256Transcript(), blinders, {}, {}, {}, check)
    report = progress or QUIET
    report.advance(0, "round 1")
    A, B, C = round_1(state)
    report.advance(1, "round 2")
    Z = round_2(state)
    report.advance(1, "round 3")
    T1, T2, T3, *more = round_3(state)
    report.advance(1, "round 4")
    evals = round_4(state)
    report.advance(1, "round 5")
    Wxi, Wxiw = round_5(state)
    report.advance(1)
    e, extra, extra_custom = state.evals, None, None
    if state.lookups:
        extra = LookupProof(state.sent["M"], state.sent["Phi"], e["phi"], e["phiw"],
                            e["q_lookup"], e["q_table"])  # fmt: skip
    if state.custom:
        extra_custom = CustomProof(*more, *(e[k] for k in ("aw", "bw", "cw", "rc0", "rc1", "rc2")))
    return Proof(A, B, C, Z, T1, T2, T3, Wxi, Wxiw, *evals, lookup=extra, custom=extra_custom)


def round_1(s: _State) -> tuple[CurvePoint, CurvePoint, CurvePoint]:
    """Wire polynomials a, b, c from the witness, blinded; sends [a]₁, [b]₁, [c]₁."""
    pk, n = s.pk, s.pk.domain.size
    for wire, name in enumerate("abc"):
        values = [s.witness[row[wire]] for row in pk.rows]
        blinders = [s.blinders[2 * wire + 1], s.blinders[2 * wire]]
        if s.custom:  # a, b, c are opened at ξω too: a third random coefficient each
            blinders.append(s.blinders[19 + wire])
        s.polys[name] = _blind(pk.domain.intt(values), blinders, n)
    if s.lookups:  # L1: the multiplicities m; [m]₁ is sent beside [a]₁, [b]₁, [c]₁
        s.sent["M"] = lookup.prover_round_1(s, _blind)
    commitments = tuple(s.commitment(name) for name in "abc")
    t, vk = s.transcript, pk.vk
    absorb_statement(t, vk, [s.public])
    for P in commitments:
        t.add_point(P)
    if s.lookups:
        t.add_point(s.sent["M"])
    s.challenges["beta"] = t.challenge()
    t.reset()
    t.add_scalar(s.challenges["beta"])
    s.challenges["gamma"] = t.challenge()
    if s.lookups:
        lookup.draw_challenges(s)  # η, θ
    return commitments  # type: ignore[return-value]


def round_2(s: _State) -> CurvePoint:
    """The permutation accumulator z: z(ω⁰) = 1, z(ωⁱ⁺¹) = z(ωⁱ)·Π(w + β·id + γ)/Π(w + β·σ + γ)."""
    pk, n, beta, gamma = s.pk, s.pk.domain.size, s.challenges["beta"], s.challenges["gamma"]
    wires = [[s.witness[row[wire]] for row in pk.rows] for wire in range(3)]
    z = grand_product(wires, pk.sigma_values, pk.domain, pk.vk.k1, pk.vk.k2, beta, gamma)
    if s.check and z[n] != 1:
        raise ProverError("the witness breaks a copy constraint (the grand product is not 1)")
    s.polys["z"] = _blind(pk.domain.intt(z[:n]), [s.blinders[8], s.blinders[7], s.blinders[6]], n)
    if s.lookups:  # L2: the running sum φ; [φ]₁ is sent beside [z]₁ (θ and η follow from γ)
        s.sent["Phi"] = lookup.prover_round_2(s, _blind)
    Z = s.commitment("z")
    t = s.transcript
    t.reset()
    t.add_scalar(beta)
    t.add_scalar(gamma)
    t.add_point(Z)
    if s.lookups:
        t.add_point(s.sent["Phi"])
    s.challenges["alpha"] = t.challenge()
    return Z


def grand_product(
    wires: Sequence[Sequence[int]],
    sigma: Sequence[Sequence[int]],
    domain: EvaluationDomain,
    k1: int,
    k2: int,
    beta: int,
    gamma: int,
) -> list[int]:
    """The permutation argument's accumulator on H, and one value more.

    Row i's three wire values wᵢ (a, b, c) sit in the slots whose identities are ωⁱ,
    k₁ωⁱ and k₂ωⁱ, and the permutation sends them to the slots σ₁(ωⁱ), σ₂(ωⁱ), σ₃(ωⁱ)
    (:func:`~zkpot.plonk.keys.permutation`). With

        fᵢ = Π_wires (w + β·id + γ),   gᵢ = Π_wires (w + β·σ + γ),

    z₀ = 1 and zᵢ₊₁ = zᵢ·fᵢ/gᵢ. The returned list is z₀ … zₙ₋₁ — the values z(ωⁱ) the
    prover interpolates — and then zₙ = Π fᵢ/gᵢ, which is 1 for every β, γ exactly when
    each value equals the values of the slots the permutation links it to (else it is 1
    only for a negligible fraction of β, γ). One batch inversion for all the gᵢ.

    Args:
        wires: the values of a, b and c on each row (three lists of n).
        sigma: σ₁, σ₂, σ₃ on H (three lists of n).
        domain: H, of size n; k1, k2: the cosets' shifts; beta, gamma: the challenges.
    """
    p, n = domain.modulus, domain.size
    roots = domain.roots()
    ids = (roots, [k1 * w % p for w in roots], [k2 * w % p for w in roots])
    numerators, denominators = [1] * n, [1] * n
    for wire in range(3):
        values, identity, target = wires[wire], ids[wire], sigma[wire]
        for i in range(n):
            w = values[i]
            numerators[i] = numerators[i] * (w + beta * identity[i] + gamma) % p
            denominators[i] = denominators[i] * (w + beta * target[i] + gamma) % p
    inverses = batch_inverse(denominators, p)
    z = [1] * (n + 1)
    for i in range(n):
        z[i + 1] = z[i] * numerators[i] % p * inverses[i] % p
    return z


def round_3(s: _State) -> tuple[CurvePoint, ...]:
    """The quotient t = (gates + α·permutation + α²·(z − 1)L₁)/Z_H, on a coset of size 4n.

    With custom gates the coset has 8n points and t five parts (zkpot.plonk.custom).
    """
    pk, n = s.pk, s.pk.domain.size
    alpha, beta, gamma = (s.challenges[k] for k in ("alpha", "beta", "gamma"))
    (factor, big), parts = _quotient_coset(pk), quotient_parts(pk.vk)
    _public_polynomial(s)  # PI(X), if it is not made yet
    a, b, c, z, pi = (s.on_coset(name) for name in ("a", "b", "c", "z", "pi"))
    z_omega = next_row(z, factor)  # z(ωX)'s values are z's, rotated
    q = pk.coset  # selectors, σ and L₁ on the coset, from preprocessing
    s1, s2, s3, l1 = q["s1"], q["s2"], q["s3"], q["l1"]
    g = int(big.coset_shift)
    xs = [g * x % R for x in big.roots()]
    # Z_H(x) = xⁿ − 1 on the coset takes `factor` values (ω_{factor·n}ⁿ has that order)
    zh_inverse = batch_inverse([(pow(xs[j], n, R) - 1) % R for j in range(factor)], R)
    k1, k2, alpha2 = pk.vk.k1, pk.vk.k2, alpha * alpha % R
    extra = [0] * (factor * n)
    if s.lookups:  # L3: the running sum's constraint, from φ's and m's values on the coset
        extra = lookup.quotient_terms(s, a, b, c)
    if s.custom:  # q_5·a⁵ and the Poseidon rounds
        more = custom.quotient_terms(s, a, b, c)
        extra = [(x + y) % R for x, y in zip(extra, more, strict=True)]
    t = [0] * (factor * n)
    for j in range(factor * n):
        x, aj, bj, cj, zj = xs[j], a[j], b[j], c[j], z[j]
        gate = (aj * bj % R * q["q_m"][j] + aj * q["q_l"][j] + bj * q["q_r"][j]
                + cj * q["q_o"][j] + pi[j] + q["q_c"][j])  # fmt: skip
        bx = beta * x
        perm1 = (aj + bx + gamma) * (bj + k1 * bx + gamma) % R * (cj + k2 * bx + gamma) % R * zj
        perm2 = ((aj + beta * s1[j] + gamma) * (bj + beta * s2[j] + gamma) % R
                 * (cj + beta * s3[j] + gamma) % R * z_omega[j])  # fmt: skip
        numerator = (gate + alpha * ((perm1 - perm2) % R) + alpha2 * ((zj - 1) * l1[j] % R)
                     + extra[j])  # fmt: skip
        t[j] = numerator % R * zh_inverse[j % factor] % R
    t = s.from_coset(t)
    length = (parts - 1) * n + n + extra_powers(s.custom)  # the last part has n + 6 (or 10)
    if s.check and any(t[length:]):
        raise ProverError(
            "the quotient is not a polynomial: the witness does not satisfy the gates"
        )
    # t_lo + b₁₀Xⁿ, t_mid − b₁₀ + b₁₁Xⁿ, t_hi − b₁₁ (and so on for more parts): the sum
    # t(X) = Σ X^(i·n)·partᵢ is unchanged, each part's commitment randomised
    blind = [s.blinders[9], s.blinders[10], *s.blinders[17:19]][: parts - 1]
    pieces = []
    for i in range(parts):
        piece = t[i * n : (i + 1) * n] if i < parts - 1 else t[i * n : length]
        piece = [*piece, blind[i]] if i < parts - 1 else list(piece)
        if i:
            piece[0] = (piece[0] - blind[i - 1]) % R
        pieces.append(piece)
    s.polys["t"] = pieces
    s.polys.update(t_lo=pieces[0], t_mid=pieces[1], t_hi=pieces[2])
    commitments = tuple(s.commitments("t"))
    tr = s.transcript
    tr.reset()
    tr.add_scalar(alpha)
    for P in commitments:
        tr.add_point(P)
    s.challenges["xi"] = tr.challenge()
    return commitments  # type: ignore[return-value]


def round_4(s: _State) -> tuple[int, int, int, int, int, int]:
    """The evaluations ā, b̄, c̄, s̄σ₁, s̄σ₂ at ξ and z̄ω at ξω."""
    pk, xi = s.pk, s.challenges["xi"]
    s.evals = {
        "a": _evaluate(s.polys["a"], xi),
        "b": _evaluate(s.polys["b"], xi),
        "c": _evaluate(s.polys["c"], xi),
        "s1": _evaluate(pk.sigmas[0], xi),
        "s2": _evaluate(pk.sigmas[1], xi),
        "zw": _evaluate(s.polys["z"], xi * int(pk.domain.omega) % R),
    }
    names = ["a", "b", "c", "s1", "s2", "zw"]
    if s.lookups:  # L4: φ̄, φ̄ω, q̄_lookup, q̄_table
        lookup.evaluations(s, _evaluate)
        names += ["phi", "phiw", "q_lookup", "q_table"]
    if s.custom:  # a, b, c at ξω (the next row) and the round constants at ξ
        custom.evaluations(s, _evaluate)
        names += ["aw", "bw", "cw", "rc0", "rc1", "rc2"]
    t = s.transcript
    t.reset()
    t.add_scalar(xi)
    for k in names:
        t.add_scalar(s.evals[k])
    s.challenges["v"] = t.challenge()
    return tuple(s.evals[k] for k in ("a", "b", "c", "s1", "s2", "zw"))  # type: ignore[return-value]


def round_5(s: _State) -> tuple[CurvePoint, CurvePoint]:
    """The linearisation r(X) and the openings W_ξ = (r + Σ vⁱ(pᵢ − p̄ᵢ))/(X − ξ), W_ξω.

    W_ξω = (z − z̄ω + …)/(X − ξω) needs no r: it comes first.
    """
    pk, n, e = s.pk, s.pk.domain.size, s.evals
    alpha, beta, gamma, xi, v = (s.challenges[k] for k in ("alpha", "beta", "gamma", "xi", "v"))
    k1, k2 = pk.vk.k1, pk.vk.k2
    # at ξω: z − z̄ω, then (lookups) v·(φ − φ̄ω), then (custom) the next powers of v
    # times a − āω, b − b̄ω, c − c̄ω
    at_xiw = [(s.polys["z"], e["zw"])]
    if s.lookups:
        at_xiw.append((s.polys["phi"], e["phiw"]))
    if s.custom:
        at_xiw += custom.opened_at_xiw(s)
    z_shifted = [0] * max(len(poly) for poly, _ in at_xiw)
    power = 1
    for poly, value in at_xiw:
        for i, coef in enumerate(poly):
            z_shifted[i] = (z_shifted[i] + power * coef) % R
        z_shifted[0] = (z_shifted[0] - power * value) % R
        power = power * v % R
    s.polys["w_xiw"] = _divide_linear(z_shifted, xi * int(pk.domain.omega) % R, s.check)
    zh = (pow(xi, n, R) - 1) % R
    lagrange = pk.domain.lagrange_basis(xi)
    l1 = lagrange[0].value
    pi = -sum(value * lagrange[i].value for i, value in enumerate(s.public)) % R
    size = n + extra_powers(s.custom)
    r = [0] * size

    def add(coeffs: list[int], k: int) -> None:
        for i, c in enumerate(coeffs):
            r[i] = (r[i] + k * c) % R

    q = pk.selectors
    add(q["q_m"], e["a"] * e["b"])
    add(q["q_l"], e["a"])
    add(q["q_r"], e["b"])
    add(q["q_o"], e["c"])
    add(q["q_c"], 1)
    r[0] = (r[0] + pi) % R
    perm_z = (alpha * (e["a"] + beta * xi + gamma) % R * (e["b"] + beta * k1 * xi + gamma) % R
              * (e["c"] + beta * k2 * xi + gamma) + alpha * alpha % R * l1) % R  # fmt: skip
    add(s.polys["z"], perm_z)
    perm_s = alpha * (e["a"] + beta * e["s1"] + gamma) % R * (e["b"] + beta * e["s2"] + gamma) % R
    perm_s = perm_s * e["zw"] % R
    add(pk.sigmas[2], -perm_s * beta)  # −α(ā + βs̄₁ + γ)(b̄ + βs̄₂ + γ)·z̄ω·(c̄ + βSσ₃(X) + γ)
    r[0] = (r[0] - perm_s * (e["c"] + gamma) - alpha * alpha % R * l1) % R
    if s.lookups:  # L5: the running sum's constraint, linearised
        constant = lookup.linearisation_terms(s, add, l1)  # adds its X terms to r
        r[0] = (r[0] + constant) % R
    if s.custom:  # the selectors q_5, q_full, q_partial times their values at ξ
        custom.linearisation_terms(s, add)
    xin = pow(xi, n, R)
    for i, piece in enumerate(s.polys["t"]):  # −Z_H(ξ)·Σ ξ^(i·n)·tᵢ(X)
        add(piece, -zh * pow(xin, i, R))
    numerator = list(r)  # r + v(a − ā) + v²(b − b̄) + v³(c − c̄) + v⁴(Sσ₁ − s̄₁) + v⁵(Sσ₂ − s̄₂)
    power = 1
    opened = [(s.polys["a"], e["a"]), (s.polys["b"], e["b"]), (s.polys["c"], e["c"]),
              (pk.sigmas[0], e["s1"]), (pk.sigmas[1], e["s2"])]  # fmt: skip
    if s.lookups:  # L5: φ, q_lookup, q_table at ξ, weights v⁶, v⁷, v⁸
        opened += lookup.opened_at_xi(s)
    if s.custom:  # rc₀, rc₁, rc₂ at ξ, the next powers of v
        opened += custom.opened_at_xi(s)
    for poly, value in opened:
        power = power * v % R
        for i, coef in enumerate(poly):
            numerator[i] = (numerator[i] + power * coef) % R
        numerator[0] = (numerator[0] - power * value) % R
    s.polys["w_xi"] = _divide_linear(numerator, xi, s.check)
    return s.commitment("w_xi"), s.commitment("w_xiw")


# ------------------------------------------------------------------ what runs where, and when

COMMITMENT = "its commitment"
PARTS = "its parts' commitments, together"
ON_COSET = "its values on round 3's coset"


class _Schedule:
    """What the workers compute ahead of the rounds, and when this process waits for it.

    The table :attr:`AHEAD` says, for each polynomial the rounds make, what the SRS's
    workers start as soon as it is stored in ``s.polys``:

    - its commitment ([p]₁, or each part's for the quotient) joins the workers' queue at
      once, so that they commit to one polynomial while this process makes the next;
    - its values on round 3's coset wait on no later challenge, but only round 3 needs
      them: they are held back until this process first waits on the workers, and then
      queued in one batch *behind* every commitment queued so far, which the next
      challenge needs. Each polynomial is cut in one NTT per coset of H that makes up
      round 3's (:meth:`~zkpot.poly.domain.EvaluationDomain.subcoset_tasks`), so that
      both workers share even a single one.

    This process waits on the workers only where a round uses a result: a commitment it
    sends (:meth:`commitments`), values on the coset in round 3 (:meth:`on_coset`), and
    the quotient's coefficients (:meth:`from_coset`, its inverse NTTs, one per coset of
    H, on the workers). Before it first waits it makes what waits on nothing
    (:attr:`EARLY`), so that those values on the coset join the first batch. A round
    that asks for what is not started (a course's own rounds, say) has it started then.
    """

    # polynomial: what the workers start as soon as it is stored in s.polys
    AHEAD: ClassVar[dict[str, tuple[str, ...]]] = {
        "a": (COMMITMENT, ON_COSET),  # round 1: the wires
        "b": (COMMITMENT, ON_COSET),
        "c": (COMMITMENT, ON_COSET),
        "m": (COMMITMENT, ON_COSET),  # L1: the lookup's multiplicities
        "pi": (ON_COSET,),  # PI(X), made early (below)
        "z": (COMMITMENT, ON_COSET),  # round 2: the permutation's accumulator
        "phi": (COMMITMENT, ON_COSET),  # L2: the lookup's running sum
        "t": (PARTS,),  # round 3: the quotient
        "w_xiw": (COMMITMENT,),  # round 5 makes W_ξω first: committed while r is built
        "w_xi": (COMMITMENT,),
    }
    # made by this process just before it first waits, if no round has made it: PI(X)
    # waits on no message, and its values on the coset then join round 1's batch
    EARLY: ClassVar[dict[str, Callable[[_State], None]]] = {"pi": _public_polynomial}

    def __init__(self, s: _State) -> None:
        self.s = s
        self.committing: dict[str, Pending] = {}  # started commitments, by polynomial
        self.coset: dict[str, Pending] = {}  # started values on the coset
        self.held: list[str] = []  # values on the coset not started yet
        self._coset: tuple[int, EvaluationDomain] | None = None  # (factor, domain), once

    def stored(self, name: str) -> None:
        """``s.polys[name]`` is (newly) known: start what :attr:`AHEAD` says."""
        self.committing.pop(name, None)
        self.coset.pop(name, None)
        if name in self.held:
            self.held.remove(name)
        ahead = self.AHEAD.get(name, ())
        if COMMITMENT in ahead or PARTS in ahead:
            self._start_commitment(name)
        if ON_COSET in ahead:
            self.held.append(name)

    def commitments(self, name: str) -> list[CurvePoint]:
        """The commitment to ``s.polys[name]`` (to each part, for the quotient)."""
        if name not in self.committing:
            self._start_commitment(name)
        self._release()
        return self.committing[name].get()

    def on_coset(self, name: str) -> list[int]:
        """The values of ``s.polys[name]`` on round 3's coset."""
        if name not in self.coset and name not in self.held:
            self.held.append(name)
        self._release()
        return self.coset[name].get()

    def from_coset(self, values: list[int]) -> list[int]:
        """The coefficients of the polynomial with these values on round 3's coset."""
        factor, big = self._quotient_coset()
        return big.coset_intt_by_parts(values, factor, self._workers().map)

    def _workers(self) -> PointTable:
        return table_for(self.s.pk.srs, self.s.pk.srs.g1)

    def _quotient_coset(self) -> tuple[int, EvaluationDomain]:
        if self._coset is None:
            self._coset = _quotient_coset(self.s.pk)
        return self._coset

    def _start_commitment(self, name: str) -> None:
        polynomial = self.s.polys[name]
        parts = polynomial if PARTS in self.AHEAD.get(name, ()) else [polynomial]
        self.committing[name] = submit_commitments(self.s.pk.srs, parts)

    def _release(self) -> None:
        """Before this process waits: make what waits on nothing, then queue the values on
        the coset held back, behind every commitment queued so far."""
        for name, make in self.EARLY.items():
            if name not in self.s.polys:
                make(self.s)
        if not self.held:
            return
        names, self.held = self.held, []
        factor, big = self._quotient_coset()
        polys = self.s.polys
        tasks = [task for name in names for task in big.subcoset_tasks(polys[name], factor)]
        running = self._workers().submit([], subcoset_values, tasks)
        for i, name in enumerate(names):
            self.coset[name] = running.then(
                lambda results, i=i: join_subcosets(results[1][i * factor : (i + 1) * factor])
            )


class _Polynomials(UserDict[str, Any]):
    """The prover's polynomials by name, which tell the schedule of each one stored."""

    def __init__(self, polys: Mapping[str, Any], stored: Callable[[str], None]) -> None:
        self.stored = stored
        super().__init__(polys)

    def __setitem__(self, name: str, polynomial: Any) -> None:
        super().__setitem__(name, polynomial)
        self.stored(name)
