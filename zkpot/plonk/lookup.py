"""The LogUp lookup argument: every looked-up row is a row of its table.

Haböck, "Multivariate lookups based on logarithmic derivatives" (ePrint 2022/1530),
in the univariate form that fits PLONK's domain H = {1, ω, …, ωⁿ⁻¹}.

**The identity.** Let f₀, f₁, … be the looked-up values and t₀, t₁, … the table,
and let mⱼ count how often tⱼ is looked up. Then every fᵢ is in the table exactly
when, as rational functions of X,

    Σᵢ 1/(X − fᵢ) = Σⱼ mⱼ/(X − tⱼ)                                        (1)

(Haböck, Lemma 5, for fewer lookups than the field's characteristic): both sides
are sums of simple poles, and a pole at a value outside the table cannot cancel.
The verifier checks (1) at one random point θ.

**Rows and columns.** A lookup row i of the circuit holds (aᵢ, bᵢ, cᵢ) on its wires
and its table's number kᵢ in a fixed column q_table; q_lookup is 1 on lookup rows
and 0 elsewhere. The tables are concatenated into four fixed columns T₀, T₁, T₂, T_id
(three values and the table's number), padded to n rows by repeating the first row.
A challenge η compresses a row to one field element, so that the table's number and
all three columns count:

    fᵢ = aᵢ + η·bᵢ + η²·cᵢ + η³·kᵢ,      tⱼ = T₀ⱼ + η·T₁ⱼ + η²·T₂ⱼ + η³·T_idⱼ.

**The running sum.** φ(ω⁰) = 0 and, on every row,

    φ(ωⁱ⁺¹) = φ(ωⁱ) + mᵢ/(θ − tᵢ) − q_lookupᵢ/(θ − fᵢ),

so that φ returns to 0 after the last row exactly when (1) holds at θ. Cleared of
denominators, the two constraints the quotient checks on H are

    (φ(ωX) − φ(X))·(θ − t(X))·(θ − f(X)) − m(X)·(θ − f(X)) + q_lookup(X)·(θ − t(X)) = 0
    L₁(X)·φ(X) = 0.

**Why LogUp and not plookup.** Plookup (Gabizon, Williamson 2020) proves the same
with a sorted copy of queries and table, split in two polynomials, and a grand
product: three new commitments and a sort. LogUp needs two (the multiplicities m and
the running sum φ), no sorting, and its constraint has the degree of PLONK's own
permutation term, so the quotient stays on the same coset of size 4n.

**In the protocol** (the lookup configuration of :mod:`zkpot.plonk`), the argument
adds one step to each of the prover's rounds, named L1 … L5 after the round:

- L1. commit to the multiplicities m, blinded by (b₁X + b₂)·Z_H, and send [m]₁ with
  [a]₁, [b]₁, [c]₁; after β and γ, draw η (compression) and θ (LogUp's point);
- L2. commit to the running sum φ, blinded by (b₃X² + b₄X + b₅)·Z_H (it is opened at
  ξ and ξω), and send [φ]₁ with [z]₁;
- L3. add α³·(the running-sum constraint) + α⁴·L₁·φ to the quotient's numerator;
- L4. send φ̄ = φ(ξ), φ̄ω = φ(ξω), q̄_lookup = q_lookup(ξ), q̄_table = q_table(ξ);
- L5. add α³·(K·(θ − t(X)) − (θ − f̄)·m(X)) + α⁴·L₁(ξ)·φ̄, with
  K = (φ̄ω − φ̄)(θ − f̄) + q̄_lookup and f̄ = ā + η·b̄ + η²·c̄ + η³·q̄_table, to the
  linearisation; open φ, q_lookup, q_table at ξ (weights v⁶, v⁷, v⁸) and φ at ξω
  (weight v, beside z).

The verifier mirrors each step (:func:`verifier_terms`). The functions that work
on whole columns use plain ints mod r (the hot loops' kernels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from zkpot.curve.point import CurvePoint
from zkpot.errors import ZkpotError
from zkpot.field.batch import batch_inverse
from zkpot.plonk.constraints import R
from zkpot.plonk.tables import Table
from zkpot.poly.domain import next_row

FIXED = ("t0", "t1", "t2", "tid", "q_lookup", "q_table")
"""The lookup configuration's fixed columns: the tables (4) and the two selectors."""

Columns = tuple[list[int], list[int], list[int], list[int]]
"""Four columns of n values: (T₀, T₁, T₂, T_id) for the tables, (a, b, c, q_table) for queries."""


class LookupArgumentError(ZkpotError, ValueError):
    """A looked-up row is not a row of its table (the prover refuses to prove)."""


def table_columns(tables: Sequence[Table], n: int) -> Columns:
    """T₀, T₁, T₂, T_id: every table's rows in order, table k's tagged k, padded to n rows.

    Padding repeats the first row, which changes nothing: a repeated row is counted
    with multiplicity 0.

    Raises:
        LookupArgumentError: the tables have more rows than the domain (n).
    """
    rows = [(*row, k) for k, table in enumerate(tables, start=1) for row in table.rows]
    if len(rows) > n:
        raise LookupArgumentError(f"the tables have {len(rows)} rows, more than the domain's {n}")
    rows += [rows[0]] * (n - len(rows)) if rows else [(0, 0, 0, 0)] * n
    return tuple([row[i] for row in rows] for i in range(4))  # type: ignore[return-value]


def compress(columns: Sequence[Sequence[int]], eta: int) -> list[int]:
    """col₀ + η·col₁ + η²·col₂ + η³·col₃, row by row (plain ints mod r)."""
    out = [0] * len(columns[0])
    for column in reversed(columns):  # Horner in η
        out = [(acc * eta + x) % R for acc, x in zip(out, column, strict=True)]
    return out


def multiplicities(
    queries: Columns, q_lookup: Sequence[int], tables: Columns, *, strict: bool = True
) -> list[int]:
    """mⱼ: how many lookup rows hold table row j (counted at the row's first place).

    Args:
        strict: refuse a lookup row that is in no table (``False`` skips it: a
            cheating prover's multiplicities, for soundness tests).

    Raises:
        LookupArgumentError: naming the first lookup row that is in no table.
    """
    first: dict[tuple[int, ...], int] = {}
    for j, row in enumerate(zip(*tables, strict=True)):
        first.setdefault(row, j)
    m = [0] * len(tables[0])
    for i, row in enumerate(zip(*queries, strict=True)):
        if q_lookup[i]:
            j = first.get(row)
            if j is None and not strict:
                continue
            if j is None:
                raise LookupArgumentError(
                    f"row {i} looks up {row[:3]}, which is not in table {row[3]}"
                )
            m[j] += 1
    return m


def running_sum(m: Sequence[int], t: Sequence[int], q_lookup: Sequence[int],
                f: Sequence[int], theta: int) -> list[int]:  # fmt: skip
    """φ on H: φ₀ = 0, φᵢ₊₁ = φᵢ + mᵢ/(θ − tᵢ) − q_lookupᵢ/(θ − fᵢ) (one batch inversion).

    Raises:
        LookupArgumentError: φ does not return to 0 (some lookup is not in its table).
        NotInvertibleError: θ equals a table or query value (probability below 2n/r).
    """
    n = len(m)
    inverses = batch_inverse([(theta - x) % R for x in (*t, *f)], R)  # raises if θ = tᵢ or fᵢ
    phi = [0] * (n + 1)
    for i in range(n):
        phi[i + 1] = (phi[i] + m[i] * inverses[i] - q_lookup[i] * inverses[n + i]) % R
    if phi[n]:
        raise LookupArgumentError("the lookups' running sum does not return to 0")
    return phi[:n]


def constraint(phi: int, phi_next: int, m: int, t: int, f: int, q_lookup: int, theta: int) -> int:
    """(φ(ωx) − φ(x))(θ − t)(θ − f) − m(θ − f) + q_lookup(θ − t) at one point: 0 on H."""
    return ((phi_next - phi) * (theta - t) % R * (theta - f) - m * (theta - f)
            + q_lookup * (theta - t)) % R  # fmt: skip


# ------------------------------------------------------------------ keys and proofs


@dataclass(frozen=True, eq=False)
class LookupKey:
    """The verification key's lookup part: commitments to the six fixed columns."""

    T0: CurvePoint  # [T₀]₁ … the tables' three value columns
    T1: CurvePoint
    T2: CurvePoint
    Tid: CurvePoint  # [T_id]₁: each table row's table number
    Qlookup: CurvePoint  # [q_lookup]₁: 1 on lookup rows
    Qtable: CurvePoint  # [q_table]₁: the table number on lookup rows

    POINTS = ("T0", "T1", "T2", "Tid", "Qlookup", "Qtable")


@dataclass(frozen=True)
class LookupProof:
    """What the lookup argument adds to a proof: two commitments and four evaluations."""

    M: CurvePoint  # [m]₁, the multiplicities (L1)
    Phi: CurvePoint  # [φ]₁, the running sum (L2)
    eval_phi: int  # φ(ξ) (L4)
    eval_phiw: int  # φ(ξω)
    eval_qlookup: int  # q_lookup(ξ)
    eval_qtable: int  # q_table(ξ)

    POINTS = ("M", "Phi")
    SCALARS = ("eval_phi", "eval_phiw", "eval_qlookup", "eval_qtable")

    def replace(self, **changes: object) -> LookupProof:
        """A copy with some fields changed (tests tamper with proofs this way)."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        current.update(changes)
        return LookupProof(**current)  # type: ignore[arg-type]


# ------------------------------------------------------------------ the prover's steps


def prover_round_1(s: Any, blind: Any) -> CurvePoint:
    """L1: the multiplicities m on H, blinded; returns [m]₁ (sent beside [a], [b], [c])."""
    pk, n = s.pk, s.pk.domain.size
    queries = tuple([s.witness[row[w]] for row in pk.rows] for w in range(3))
    fixed = pk.lookup_values
    tables = tuple(fixed[k] for k in ("t0", "t1", "t2", "tid"))
    m = multiplicities((*queries, fixed["q_table"]), fixed["q_lookup"], tables,  # type: ignore[arg-type]
                       strict=s.check)  # fmt: skip
    s.values["m"] = m
    s.polys["m"] = blind(pk.domain.intt(m), s.blinders[12:14], n)
    return s.commitment("m")


def draw_challenges(s: Any) -> None:
    """η and θ, after γ: η = H(γ), θ = H(η) (the transcript chains through γ)."""
    t = s.transcript
    for name, previous in (("eta", "gamma"), ("theta", "eta")):
        t.reset()
        t.add_scalar(s.challenges[previous])
        s.challenges[name] = t.challenge()


def prover_round_2(s: Any, blind: Any) -> CurvePoint:
    """L2: the running sum φ on H, blinded by three coefficients; returns [φ]₁."""
    pk, n, ch = s.pk, s.pk.domain.size, s.challenges
    fixed = pk.lookup_values
    queries = [[s.witness[row[w]] for row in pk.rows] for w in range(3)]
    f = compress((*queries, fixed["q_table"]), ch["eta"])
    t = compress([fixed[k] for k in ("t0", "t1", "t2", "tid")], ch["eta"])
    m = s.values["m"]
    if s.check:
        phi = running_sum(m, t, fixed["q_lookup"], f, ch["theta"])
    else:  # a cheating prover's φ: the steps as they come, whether or not they return to 0
        phi = _steps(m, t, fixed["q_lookup"], f, ch["theta"])
    s.values["phi"] = phi
    s.polys["phi"] = blind(pk.domain.intt(phi), s.blinders[14:17], n)
    return s.commitment("phi")


def _steps(m: Sequence[int], t: Sequence[int], q: Sequence[int], f: Sequence[int],
           theta: int) -> list[int]:  # fmt: skip
    """φ₀ = 0, φᵢ₊₁ = φᵢ + mᵢ/(θ − tᵢ) − qᵢ/(θ − fᵢ), unchecked (for soundness tests)."""
    n = len(m)
    inverses = batch_inverse([(theta - x) % R for x in (*t, *f)], R)
    phi = [0] * n
    for i in range(n - 1):
        phi[i + 1] = (phi[i] + m[i] * inverses[i] - q[i] * inverses[n + i]) % R
    return phi


def quotient_terms(s: Any, a: list[int], b: list[int], c: list[int]) -> list[int]:
    """L3: α³·(running-sum constraint) + α⁴·L₁·φ on the coset of size 4n.

    φ's and m's values there are ``s.on_coset("phi")`` and ``s.on_coset("m")``; φ(ωX)'s
    are φ's, rotated (:func:`~zkpot.poly.domain.next_row`).
    """
    pk, ch, q = s.pk, s.challenges, s.pk.coset
    alpha, eta, theta = ch["alpha"], ch["eta"], ch["theta"]
    alpha3 = pow(alpha, 3, R)
    alpha4 = alpha3 * alpha % R
    phi = s.on_coset("phi")
    phi_next = next_row(phi, len(phi) // pk.domain.size)
    m = s.on_coset("m")
    f = compress((a, b, c, q["q_table"]), eta)
    t = compress([q[k] for k in ("t0", "t1", "t2", "tid")], eta)
    return [(alpha3 * constraint(phi[j], phi_next[j], m[j], t[j], f[j], q["q_lookup"][j], theta)
             + alpha4 * q["l1"][j] % R * phi[j]) % R for j in range(len(phi))]  # fmt: skip


def evaluations(s: Any, evaluate: Any) -> None:
    """L4: φ̄, φ̄ω, q̄_lookup, q̄_table into ``s.evals``."""
    pk, xi = s.pk, s.challenges["xi"]
    s.evals["phi"] = evaluate(s.polys["phi"], xi)
    s.evals["phiw"] = evaluate(s.polys["phi"], xi * int(pk.domain.omega) % R)
    s.evals["q_lookup"] = evaluate(pk.selectors["q_lookup"], xi)
    s.evals["q_table"] = evaluate(pk.selectors["q_table"], xi)


def linearisation_terms(s: Any, add: Any, l1: int) -> int:
    """L5: adds α³·(K·(θ − t(X)) − (θ − f̄)·m(X)) to r via ``add``; returns its constant part.

    The constant is α³·K·θ + α⁴·L₁(ξ)·φ̄, with K = (φ̄ω − φ̄)(θ − f̄) + q̄_lookup.
    """
    pk, e, ch = s.pk, s.evals, s.challenges
    alpha3 = pow(ch["alpha"], 3, R)
    k, theta_minus_f = _k(e["a"], e["b"], e["c"], e["phi"], e["phiw"], e["q_lookup"],
                          e["q_table"], ch["eta"], ch["theta"])  # fmt: skip
    eta_powers = (1, ch["eta"], ch["eta"] ** 2 % R, pow(ch["eta"], 3, R))
    for column, power in zip(("t0", "t1", "t2", "tid"), eta_powers, strict=True):
        add(pk.selectors[column], -alpha3 * k * power)
    add(s.polys["m"], -alpha3 * theta_minus_f)
    return (alpha3 * k % R * ch["theta"] + alpha3 * ch["alpha"] % R * l1 % R * e["phi"]) % R


def _k(a: int, b: int, c: int, phi: int, phiw: int, q_lookup: int, q_table: int, eta: int,
       theta: int) -> tuple[int, int]:  # fmt: skip
    """(K, θ − f̄): K = (φ̄ω − φ̄)(θ − f̄) + q̄_lookup, f̄ = ā + η·b̄ + η²·c̄ + η³·q̄_table."""
    f = compress(([a], [b], [c], [q_table]), eta)[0]
    theta_minus_f = (theta - f) % R
    return ((phiw - phi) * theta_minus_f + q_lookup) % R, theta_minus_f


def opened_at_xi(s: Any) -> list[tuple[list[int], int]]:
    """L5: (polynomial, value) pairs W_ξ also opens, after the base's five: φ, q_lookup, q_table."""
    pk, e = s.pk, s.evals
    return [(s.polys["phi"], e["phi"]), (pk.selectors["q_lookup"], e["q_lookup"]),
            (pk.selectors["q_table"], e["q_table"])]  # fmt: skip


# ------------------------------------------------------------------ the verifier's steps


def verifier_terms(key: LookupKey, proof: LookupProof, ch: dict[str, int], evals: Sequence[int],
                   l1: int, powers_of_v: Sequence[int]) -> tuple[int, list, list, int]:  # fmt: skip
    """What the lookup argument adds to the verifier's checks (steps 8–11).

    Returns (r₀'s lookup part, points, scalars for [F] − [E]'s commitments, e's lookup
    part). ``evals`` are ā, b̄, c̄; ``powers_of_v`` are v … v⁸.
    """
    a, b, c = evals
    alpha3 = pow(ch["alpha"], 3, R)
    k, theta_minus_f = _k(a, b, c, proof.eval_phi, proof.eval_phiw, proof.eval_qlookup,
                          proof.eval_qtable, ch["eta"], ch["theta"])  # fmt: skip
    r0 = (alpha3 * k % R * ch["theta"] + alpha3 * ch["alpha"] % R * l1 % R * proof.eval_phi) % R
    eta = ch["eta"]
    v, u = powers_of_v, ch["u"]
    points = [key.T0, key.T1, key.T2, key.Tid, proof.M, proof.Phi, key.Qlookup, key.Qtable]
    scalars = [-alpha3 * k % R * pow(eta, i, R) % R for i in range(4)]  # −α³K·t(X)
    scalars += [-alpha3 * theta_minus_f % R,  # −α³(θ − f̄)·m(X)
                (v[5] + u * v[0]) % R,  # φ at ξ (weight v⁶) and at ξω (weight v, times u)
                v[6], v[7]]  # fmt: skip
    e = (v[5] * proof.eval_phi + v[6] * proof.eval_qlookup + v[7] * proof.eval_qtable
         + u * v[0] % R * proof.eval_phiw) % R  # fmt: skip
    return r0, points, scalars, e


__all__ = [
    "FIXED",
    "Columns",
    "LookupArgumentError",
    "LookupKey",
    "LookupProof",
    "compress",
    "constraint",
    "multiplicities",
    "running_sum",
    "table_columns",
]
