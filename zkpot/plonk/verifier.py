"""The PLONK verifier: the paper's steps, as snarkjs 0.7 computes them.

Gabizon, Williamson, Ciobotaru, "PLONK" (ePrint 2019/953), section 8.3, "Verifier
algorithm", in the form with r₀ (the linearisation's constant term) and a combined
commitment [D]. It returns ``False`` for any proof or statement that does not
verify (a proof of the other configuration included: with lookups or without),
and raises only for arguments of the wrong types. In the lookup configuration the
lookup argument's terms (:func:`zkpot.plonk.lookup.verifier_terms`) join the same
single pairing check.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from zkpot.curve import bn254, msm
from zkpot.errors import ArgumentError, ArgumentTypeError, NotInvertibleError
from zkpot.field.batch import batch_inverse
from zkpot.field.bn254 import Fr
from zkpot.plonk import custom, lookup
from zkpot.plonk.constraints import field_int
from zkpot.plonk.custom import CustomProof
from zkpot.plonk.keys import ProvingKey, VerificationKey
from zkpot.plonk.lookup import LookupProof
from zkpot.plonk.proof import POINTS, SCALARS, Proof
from zkpot.plonk.transcript import Keccak256Transcripts, absorb_statement

R = bn254.R
_G1 = bn254.G1.generator()  # one object, so that a batch gathers its terms into one


def challenges(vk: VerificationKey, public: Sequence[int], proof: Proof) -> dict[str, int]:
    """Step 4: β, γ, α, ξ, v, u from the transcript, exactly as the prover drew them."""
    return challenges_many(vk, [public], [proof])[0]


def challenges_many(
    vk: VerificationKey, publics: Sequence[Sequence[int]], proofs: Sequence[Proof]
) -> list[dict[str, int]]:
    """:func:`challenges` for several proofs of one key, their transcripts replayed in step
    (:class:`~zkpot.plonk.transcript.Keccak256Transcripts`): about the cost of one.

    Raises:
        ValueError: if the proofs are not all of one configuration (with lookups or without,
            with custom gates or without).
    """
    t = Keccak256Transcripts(len(proofs))
    lookups = {vk.lookup is not None and p.lookup is not None for p in proofs}
    customs = {vk.custom is not None and p.custom is not None for p in proofs}
    if len(lookups) != 1 or len(customs) != 1:
        raise ValueError("challenges_many takes proofs of one configuration")
    lookup_part, custom_part = lookups.pop(), customs.pop()

    def each(name: str, part: str | None = None) -> list[Any]:
        """The named element of every proof (of its lookup or custom part)."""
        return [getattr(p if part is None else getattr(p, part), name) for p in proofs]

    def draw(name: str) -> list[int]:
        out[name] = t.challenges()
        return out[name]

    out: dict[str, list[int]] = {}
    absorb_statement(t, vk, publics)
    for name in ("A", "B", "C"):
        t.add_points(each(name))
    if lookup_part:
        t.add_points(each("M", "lookup"))
    beta = draw("beta")
    t.reset()
    t.add_scalars(beta)
    gamma = draw("gamma")
    if lookup_part:  # η = H(γ), θ = H(η)
        for name, previous in (("eta", "gamma"), ("theta", "eta")):
            t.reset()
            t.add_scalars(out[previous])
            draw(name)
    t.reset()
    t.add_scalars(beta)
    t.add_scalars(gamma)
    t.add_points(each("Z"))
    if lookup_part:
        t.add_points(each("Phi", "lookup"))
    alpha = draw("alpha")
    t.reset()
    t.add_scalars(alpha)
    for name in ("T1", "T2", "T3"):
        t.add_points(each(name))
    if custom_part:
        for name in ("T4", "T5"):
            t.add_points(each(name, "custom"))
    xi = draw("xi")
    t.reset()
    t.add_scalars(xi)
    for name in SCALARS:
        t.add_scalars(each(name))
    if lookup_part:
        for name in LookupProof.SCALARS:
            t.add_scalars(each(name, "lookup"))
    if custom_part:
        for name in CustomProof.SCALARS:
            t.add_scalars(each(name, "custom"))
    v = draw("v")
    t.reset()
    if lookup_part or custom_part:  # zkpot's own configurations chain u to everything before it
        t.add_scalars(v)
    t.add_points(each("Wxi"))
    t.add_points(each("Wxiw"))
    draw("u")
    return [dict(zip(out, values, strict=True)) for values in zip(*out.values(), strict=True)]


def verify(vk: VerificationKey, public: Sequence[int | Fr], proof: Proof) -> bool:
    """Does ``proof`` show that someone knows a witness for these public inputs?

    The public inputs are read as :func:`prove` reads them: ints of any sign and
    ``Fr`` elements, reduced mod r, so ``verify(vk, [-7], proof)`` checks the proof
    that ``prove(pk, {..., "out": -7})`` made.

    Returns:
        ``False`` for a proof that does not verify, or whose elements are not in G1
        and Fr.

    Raises:
        ArgumentTypeError: ``vk`` or ``proof`` of the wrong type, or ``public`` not a list.
        ArgumentError: not as many public inputs as the key declares.
        InvalidValueError: a public input that is not an int or an ``Fr``.
    """
    public = _arguments(vk, public, proof)
    if not _well_formed(vk, proof):
        return False
    try:
        terms = verifier_terms(vk, public, proof)
    except NotInvertibleError:  # ξ fell on a public row's root ωⁱ: reject (never by chance)
        return False
    # Step 12: e([W_ξ] + u[W_ξω], [τ]₂) = e(ξ[W_ξ] + uξω[W_ξω] + [F] − [E], [1]₂)
    return bn254.pairing_check([(-terms["left"], vk.X_2), (terms["right"], bn254.G2.generator())])


def _arguments(vk: object, public: object, proof: object) -> list[int]:
    """The public inputs as ints mod r, after checking the arguments' types (raises)."""
    if not isinstance(vk, VerificationKey):
        hint = ": preprocess returns (pk, vk)" if isinstance(vk, ProvingKey) else ""
        raise ArgumentTypeError(f"verify needs a VerificationKey, not {type(vk).__name__}{hint}")
    if not isinstance(proof, Proof):
        raise ArgumentTypeError(f"verify needs a Proof, not {type(proof).__name__}")
    if isinstance(public, str | bytes | Mapping) or not isinstance(public, Iterable):
        raise ArgumentTypeError(f"public inputs are a list, not {type(public).__name__}")
    values = list(public)
    if len(values) != vk.n_public:
        raise ArgumentError(
            f"expected {vk.n_public} public inputs (as the key declares), got {len(values)}"
        )
    return [field_int(x, f"public input {i}") for i, x in enumerate(values)]


def _well_formed(vk: VerificationKey, proof: Proof) -> bool:
    """Steps 1–3: the proof is of the key's configuration, its points are in G1 and its
    scalars in Fr (the public inputs are, by :func:`_arguments`)."""
    if (vk.lookup is None) != (proof.lookup is None) or (vk.custom is None) != (
        proof.custom is None
    ):
        return False  # a proof of another configuration (with or without lookups, custom gates)
    parts = [(proof, POINTS, SCALARS)]
    if proof.lookup is not None:
        if not isinstance(proof.lookup, LookupProof):
            return False
        parts.append((proof.lookup, LookupProof.POINTS, LookupProof.SCALARS))
    if proof.custom is not None:
        if not isinstance(proof.custom, CustomProof):
            return False
        parts.append((proof.custom, CustomProof.POINTS, CustomProof.SCALARS))
    for holder, points, scalars in parts:
        if any(type(getattr(holder, k)) is not bn254.G1 for k in points):
            return False
        if any(not isinstance(x := getattr(holder, k), int) or not 0 <= x < R for k in scalars):
            return False
    return True


def verify_batch(
    items: Sequence[tuple[VerificationKey, Sequence[int | Fr], Proof]], rng: Any = None
) -> bool:
    """Verify many proofs at once: ``True`` only if every one of them verifies.

    Each proof's final check is e(Lᵢ, [τ]₂) = e(Rᵢ, [1]₂), with Lᵢ = [W_ξ] + u[W_ξω] and Rᵢ
    the points step 12 gathers. With random 128-bit weights ρᵢ (ρ₀ = 1), the batch checks

        Π_g e(Σ_{i in g} ρᵢ·Lᵢ, [τ]₂ of g) = e(Σᵢ ρᵢ·Rᵢ, [1]₂)

    where g runs over the distinct SRSs (keys from one SRS share [τ]₂): one pairing per
    SRS plus one, and every Rᵢ's points in one multi-scalar multiplication with their
    scalars multiplied by ρᵢ — a key's points (selectors, permutation, tables) once
    each, their scalars summed over the key's proofs. A bad proof passes only if the
    weights happen to cancel its error: probability at most 2⁻¹²⁸ for weights the
    prover cannot predict. Keys may differ (several circuits in one batch).

    When it says ``False``, :func:`invalid_proofs` says which.

    Args:
        items: (verification key, public inputs, proof) triples.
        rng: a ``random.Random`` for reproducible weights (tests); by default the
            operating system's randomness (the weights must be unpredictable).

    Raises:
        ArgumentError: for an empty batch; otherwise what :func:`verify` raises.
    """
    items = list(items)
    if not items:
        raise ArgumentError("verify_batch needs at least one proof")
    checked = [(vk, _arguments(vk, public, proof), proof) for vk, public, proof in items]
    if not all(_well_formed(vk, proof) for vk, _, proof in checked):
        return False
    draw = rng.getrandbits if rng is not None else lambda bits: secrets.randbits(bits)
    # the transcripts of one key's proofs replayed in step (their Keccak states side by side)
    by_key: dict[int, list[int]] = {}
    for i, (vk, _, _) in enumerate(checked):
        by_key.setdefault(id(vk), []).append(i)
    drawn: list[dict[str, int]] = [{}] * len(checked)
    for positions in by_key.values():
        vk = checked[positions[0]][0]
        group = [checked[i] for i in positions]
        found = challenges_many(vk, [pub for _, pub, _ in group], [pf for _, _, pf in group])
        for i, ch in zip(positions, found, strict=True):
            drawn[i] = ch
    right: dict[int, tuple[Any, int]] = {}  # id(point) -> (point, Σ ρᵢ·kᵢ)
    left: dict[Any, tuple[list[Any], list[int]]] = {}
    for i, (vk, public, proof) in enumerate(checked):
        try:
            terms = verifier_terms(vk, public, proof, combine=False, ch=drawn[i])
        except NotInvertibleError:
            return False
        rho = 1 if i == 0 else draw(128) | 1
        for point, k in zip(terms["right_points"], terms["right_scalars"], strict=True):
            # a key's points are the same objects in every proof of that key: one term each
            _, total = right.get(id(point), (point, 0))
            right[id(point)] = (point, (total + k * rho) % R)
        group = left.setdefault(vk.X_2, ([], []))
        group[0].extend([proof.Wxi, proof.Wxiw])
        group[1].extend([rho, terms["u"] * rho % R])
    pairs = [(-msm(ps, ks), x2) for x2, (ps, ks) in left.items()]
    points, scalars = zip(*right.values(), strict=True)
    return bn254.pairing_check([*pairs, (msm(points, scalars), bn254.G2.generator())])


def invalid_proofs(items: Sequence[tuple[VerificationKey, Sequence[int | Fr], Proof]]) -> list[int]:
    """The positions in ``items`` of the proofs that do not verify, one by one (what to ask
    after :func:`verify_batch` says ``False``)."""
    return [i for i, (vk, public, proof) in enumerate(items) if not verify(vk, public, proof)]


def verifier_terms(
    vk: VerificationKey,
    public: Sequence[int],
    proof: Proof,
    *,
    combine: bool = True,
    ch: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Steps 4–11 for well-formed input: the challenges, Z_H(ξ), L₁(ξ), PI(ξ), r₀, and the
    pairing's two G1 arguments: left = [W_ξ] + u[W_ξω], right = ξ[W_ξ] + uξω[W_ξω] + [F] − [E].

    With ``combine=False`` the right side is not computed but returned as its points and
    scalars (``right_points``, ``right_scalars``), for :func:`verify_batch` to fold into
    one multi-scalar multiplication; ``ch`` are the challenges when the caller drew them
    already (:func:`challenges_many`).
    """
    if ch is None:
        ch = challenges(vk, public, proof)  # Step 4
    alpha, beta, gamma, xi, v, u = (ch[k] for k in ("alpha", "beta", "gamma", "xi", "v", "u"))
    a, b, c, s1, s2, zw = (getattr(proof, k) for k in SCALARS)
    n, omega = vk.n, vk.omega
    xin = pow(xi, n, R)
    zh = (xin - 1) % R  # Step 5: Z_H(ξ) = ξⁿ − 1
    # Step 6: Lᵢ(ξ) = ωⁱ(ξⁿ − 1)/(n(ξ − ωⁱ)) for the public rows (and L₁ = L at row 0)
    rows = max(1, vk.n_public)
    roots = [pow(omega, i, R) for i in range(rows)]
    inverses = batch_inverse([n * (xi - w) % R for w in roots], R)
    lagrange = [w * zh % R * d % R for w, d in zip(roots, inverses, strict=True)]
    l1 = lagrange[0]
    pi = -sum(x * lagrange[i] for i, x in enumerate(public)) % R  # Step 7: PI(ξ)
    alpha2 = alpha * alpha % R
    # Step 8: r₀, the linearisation polynomial's constant term
    perm = (a + beta * s1 + gamma) * (b + beta * s2 + gamma) % R
    r0 = (pi - l1 * alpha2 - perm * (c + gamma) % R * zw % R * alpha) % R
    # Steps 9–11: [D], [F] = [D] + v[A] + v²[B] + v³[C] + v⁴[Sσ₁] + v⁵[Sσ₂], [E] = e·[1]₁,
    # gathered with step 12's left side into one multi-scalar multiplication:
    # ξ[W_ξ] + uξω[W_ξω] + [F] − [E]
    bxi = beta * xi % R
    z_scalar = ((a + bxi + gamma) * (b + vk.k1 * bxi + gamma) % R * (c + vk.k2 * bxi + gamma)
                % R * alpha + l1 * alpha2 + u) % R  # fmt: skip
    s3_scalar = -perm * alpha % R * beta % R * zw % R
    vs = [v]
    for _ in range(10):
        vs.append(vs[-1] * v % R)  # v … v¹¹: the lookups' and the custom gates' openings
    extra_points, extra_scalars = [], []
    if vk.lookup is not None:
        r0_lookup, extra_points, extra_scalars, e_lookup = lookup.verifier_terms(
            vk.lookup, proof.lookup, ch, (a, b, c), l1, vs
        )
        r0 = (r0 + r0_lookup) % R
    e = (-r0 + vs[0] * a + vs[1] * b + vs[2] * c + vs[3] * s1 + vs[4] * s2 + u * zw) % R
    if vk.lookup is not None:
        e = (e + e_lookup) % R
    quotient = [proof.T1, proof.T2, proof.T3]
    if vk.custom is not None:  # their weights continue the powers of v after the lookups'
        lk = 1 if vk.lookup is not None else 0
        points_c, scalars_c, e_custom = custom.verifier_terms(
            vk.custom,
            proof.custom,
            ch,
            (a, b, c),
            (proof.A, proof.B, proof.C),
            vs[5 + 3 * lk : 8 + 3 * lk],
            vs[lk : lk + 3],
        )
        extra_points, extra_scalars = [*extra_points, *points_c], [*extra_scalars, *scalars_c]
        e = (e + e_custom) % R
        quotient += [proof.custom.T4, proof.custom.T5]
    points = [
        vk.Qm,
        vk.Ql,
        vk.Qr,
        vk.Qo,
        vk.Qc,
        proof.Z,
        vk.S3,
        *quotient,
        proof.A,
        proof.B,
        proof.C,
        vk.S1,
        vk.S2,
        _G1,
        proof.Wxi,
        proof.Wxiw,
        *extra_points,
    ]
    scalars = [a * b % R, a, b, c, 1, z_scalar, s3_scalar,
               *(-zh * pow(xin, i, R) % R for i in range(len(quotient))),  # −Z_H(ξ)·ξ^(i·n)
               *vs[:5], -e % R, xi, u * xi % R * omega % R, *extra_scalars]  # fmt: skip
    out = {**ch, "zh": zh, "l1": l1, "pi": pi, "r0": r0, "e": e}
    if not combine:
        return {**out, "right_points": points, "right_scalars": scalars}
    return {**out, "left": proof.Wxi + proof.Wxiw * u, "right": msm(points, scalars)}
