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

This module holds the argument's arithmetic on plain ints mod r (the hot loops'
kernels); the prover and the verifier call it from their rounds.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkpot.errors import ZkpotError
from zkpot.field.batch import batch_inverse
from zkpot.plonk.constraints import R
from zkpot.plonk.tables import Table

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


def multiplicities(queries: Columns, q_lookup: Sequence[int], tables: Columns) -> list[int]:
    """mⱼ: how many lookup rows hold table row j (counted at the row's first place).

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


__all__ = [
    "Columns",
    "LookupArgumentError",
    "compress",
    "constraint",
    "multiplicities",
    "running_sum",
    "table_columns",
]
