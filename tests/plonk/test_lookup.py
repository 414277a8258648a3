"""The LogUp arithmetic: the identity (1) of zkpot.plonk.lookup, the running sum and its
constraint, on small tables worked by hand and on random ones."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.errors import NotInvertibleError
from zkpot.field.batch import batch_inverse
from zkpot.plonk.constraints import R
from zkpot.plonk.lookup import (
    LookupArgumentError,
    compress,
    constraint,
    multiplicities,
    running_sum,
    table_columns,
)
from zkpot.plonk.tables import Table

N = 8


def queries(rows: list[tuple[int, int, int, int]]) -> tuple[tuple, list[int]]:
    """The (a, b, c, q_table) columns of N rows, the given lookups first, then plain rows."""
    padded = rows + [(7, 7, 7, 0)] * (N - len(rows))  # arithmetic rows: any values, id 0
    columns = tuple([row[i] for row in padded] for i in range(4))
    return columns, [1] * len(rows) + [0] * (N - len(rows))


def test_the_four_entry_table_by_hand() -> None:
    """Table {0, 1, 2, 3}; lookups 1, 3, 3, 0: m = (1, 1, 0, 2), and (1) holds at any θ."""
    tables = table_columns([Table.range(2)], N)
    assert tables[0] == [0, 1, 2, 3, 0, 0, 0, 0] and tables[3] == [1] * N  # padded with row 0
    q, q_lookup = queries([(1, 0, 0, 1), (3, 0, 0, 1), (3, 0, 0, 1), (0, 0, 0, 1)])
    m = multiplicities(q, q_lookup, tables)
    assert m == [1, 1, 0, 2, 0, 0, 0, 0]
    theta = 1000
    # Σ 1/(θ − fᵢ) over the lookups = Σ mⱼ/(θ − tⱼ) over the table
    left = sum(pow(theta - f, -1, R) for f in (1, 3, 3, 0)) % R
    right = sum(mj * pow(theta - t, -1, R) for mj, t in zip(m, (0, 1, 2, 3), strict=False)) % R
    assert left == right


def honest(rng: random.Random, tables: list[Table], lookups: int):
    """Random lookups into the tables, with the columns, multiplicities and challenges."""
    rows = []
    for _ in range(lookups):
        k = rng.randrange(len(tables)) + 1
        rows.append((*rng.choice(tables[k - 1].rows), k))
    q, q_lookup = queries(rows)
    t_cols = table_columns(tables, N)
    return q, q_lookup, t_cols, multiplicities(q, q_lookup, t_cols)


def test_running_sum_returns_to_zero_and_its_constraint_vanishes_on_h() -> None:
    rng = random.Random(1)
    tables = [Table.range(2), Table.function("neg", range(2), lambda x: -x)]
    q, q_lookup, t_cols, m = honest(rng, tables, 5)
    eta, theta = rng.randrange(R), rng.randrange(R)
    f, t = compress(q, eta), compress(t_cols, eta)
    phi = running_sum(m, t, q_lookup, f, theta)
    assert phi[0] == 0 and len(phi) == N
    for i in range(N):  # cyclic: row N − 1's next is row 0
        assert constraint(phi[i], phi[(i + 1) % N], m[i], t[i], f[i], q_lookup[i], theta) == 0
    # the constraint is what the running sum's step says, cleared of denominators
    inverses = batch_inverse([theta - t[2], theta - f[2]], R)
    assert phi[3] == (phi[2] + m[2] * inverses[0] - q_lookup[2] * inverses[1]) % R


def test_the_table_number_counts() -> None:
    """(1, 1, 0) is a row of 'id' (table 2) but not of range2 (table 1), which has (1, 0, 0)."""
    tables = [Table.range(2), Table.function("id", range(2), lambda x: x)]
    t_cols = table_columns(tables, N)
    assert multiplicities(*queries([(1, 1, 0, 2)]), t_cols)[5] == 1  # row 5 = (1, 1, 0) of id
    with pytest.raises(LookupArgumentError, match=r"row 0 looks up \(1, 1, 0\).*table 1"):
        multiplicities(*queries([(1, 1, 0, 1)]), t_cols)
    with pytest.raises(LookupArgumentError, match="not in table 2"):
        multiplicities(*queries([(2, 2, 0, 2)]), t_cols)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 6), st.integers(0, 3))
def test_a_cheating_multiplicity_or_query_breaks_the_sum(
    seed: int, lookups: int, cheat: int
) -> None:
    """The running sum misses 0 for a query outside the table or a wrong count of one inside."""
    rng = random.Random(seed)
    q, q_lookup, t_cols, m = honest(rng, [Table.range(2)], lookups)
    eta, theta = rng.randrange(R), rng.randrange(R)
    if cheat == 1:  # one lookup moved outside the table, the counts kept
        q[0][0] = 4
    elif cheat == 2:  # one count moved to another table row
        j = m.index(next(x for x in m if x))
        m[j], m[(j + 1) % 4] = m[j] - 1, m[(j + 1) % 4] + 1
    elif cheat == 3:  # a plain row counted as a lookup
        q_lookup[N - 1] = 1
    f, t = compress(q, eta), compress(t_cols, eta)
    if cheat:
        with pytest.raises(LookupArgumentError, match="does not return to 0"):
            running_sum(m, t, q_lookup, f, theta)
    else:
        running_sum(m, t, q_lookup, f, theta)


def test_table_columns_errors_and_theta_on_a_value() -> None:
    with pytest.raises(LookupArgumentError, match="9 rows, more than the domain's 8"):
        table_columns([Table.range(3), Table.range(0)], 8)
    q, q_lookup, t_cols, m = honest(random.Random(2), [Table.range(2)], 2)
    t = compress(t_cols, 5)
    with pytest.raises(NotInvertibleError):
        running_sum(m, t, q_lookup, compress(q, 5), t[1])  # θ equal to a table value


def test_compress_is_horner_in_eta() -> None:
    columns = ([1, 2], [3, 4], [5, 6], [7, 8])
    assert compress(columns, 10) == [7531, 8642]
    assert compress(columns, -1) == [(1 - 3 + 5 - 7) % R, (2 - 4 + 6 - 8) % R]
