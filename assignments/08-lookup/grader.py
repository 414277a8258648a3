"""Grader of assignment 8: LogUp's compression, multiplicities and running sum."""

from __future__ import annotations

import random

import pytest

from zkpot.assignments import required
from zkpot.plonk import lookup
from zkpot.plonk.constraints import R


def setting(n: int, seed: int, lookups: int):
    """Two small tables (tagged 1 and 2), padded to n rows, and n query rows of which
    ``lookups`` look up table rows (the rest are zero rows with q_lookup = 0)."""
    rng = random.Random(seed)
    rows = [(x, x * x % 17, 0, 1) for x in range(6)] + [(x, 0, (x + 3) % 5, 2) for x in range(5)]
    rows += [rows[0]] * (n - len(rows))
    tables = tuple([row[k] for row in rows] for k in range(4))
    chosen = [rng.choice(rows[:11]) if i < lookups else (0, 0, 0, 0) for i in range(n)]
    rng.shuffle(chosen)
    q_lookup = [1 if row != (0, 0, 0, 0) else 0 for row in chosen]
    queries = tuple([row[k] for row in chosen] for k in range(4))
    return tables, queries, q_lookup


def test_compress(solution) -> None:
    compress = required(solution, "compress")
    rng = random.Random(1)
    for columns in (4, 1, 3):
        cols = [[rng.randrange(R) for _ in range(8)] for _ in range(columns)]
        eta = rng.randrange(R)
        got, want = compress(cols, eta), lookup.compress(cols, eta)
        assert got == want, f"compress of {columns} columns: expected {want[:2]}…, got {got[:2]}…"
    assert compress([[1], [2], [3], [4]], 10) == [4321], (
        "compress([[1], [2], [3], [4]], 10) is 4321"
    )


def test_multiplicities(solution) -> None:
    multiplicities = required(solution, "multiplicities")
    for n, lookups, seed in ((16, 10, 2), (32, 32, 3), (16, 0, 4)):
        tables, queries, q = setting(n, seed, lookups)
        got = multiplicities(queries, q, tables)
        want = lookup.multiplicities(queries, q, tables)
        assert got == want, (
            f"multiplicities, n = {n}, {lookups} lookups: expected {want}, got {got} "
            "(count each lookup at the first table row equal to it in all four columns)"
        )


def test_multiplicities_ignore_rows_that_are_not_lookups(solution) -> None:
    multiplicities = required(solution, "multiplicities")
    tables, queries, _q = setting(16, 5, 8)
    off = [0] * 16
    assert multiplicities(queries, off, tables) == [0] * 16, "rows with q_lookup = 0 count nothing"


def test_multiplicities_refuse_a_row_outside_the_table(solution) -> None:
    multiplicities = required(solution, "multiplicities")
    tables, queries, q = setting(16, 6, 5)
    i = q.index(1)
    queries[2][i] = (queries[2][i] + 1) % 5 + 7  # a third value no row of table 1 or 2 has
    with pytest.raises(ValueError):
        multiplicities(queries, q, tables)
        pytest.fail("multiplicities accepted a lookup row that is in no table")


def honest(n: int, seed: int, lookups: int):
    rng = random.Random(seed)
    tables, queries, q = setting(n, seed, lookups)
    eta, theta = rng.randrange(R), rng.randrange(R)
    m = lookup.multiplicities(queries, q, tables)
    return m, lookup.compress(tables, eta), q, lookup.compress(queries, eta), theta


def test_running_sum_matches_zkpot(solution) -> None:
    running_sum = required(solution, "running_sum")
    for n, lookups, seed in ((16, 10, 7), (32, 20, 8), (64, 64, 9)):
        m, t, q, f, theta = honest(n, seed, lookups)
        got = running_sum(m, t, q, f, theta)
        want = lookup.running_sum(m, t, q, f, theta)
        assert isinstance(got, list) and len(got) == n, f"running_sum should return n = {n} values"
        wrong = [i for i in range(n) if got[i] != want[i]]
        assert not wrong, (
            f"running_sum, n = {n}: φ[{wrong[0]}] should be {want[wrong[0]]}, got {got[wrong[0]]}"
        )


def test_running_sum_refuses_a_false_lookup(solution) -> None:
    running_sum = required(solution, "running_sum")
    m, t, q, f, theta = honest(16, 10, 8)
    i = q.index(1)
    f[i] = (f[i] + 1) % R  # the query no longer equals a table row
    with pytest.raises(ValueError):
        running_sum(m, t, q, f, theta)
        pytest.fail("running_sum returned although φ does not return to 0")
    m2, t2, q2, f2, theta2 = honest(16, 11, 8)
    j = m2.index(next(x for x in m2 if x))
    m2[j] += 1  # one multiplicity too many
    with pytest.raises(ValueError):
        running_sum(m2, t2, q2, f2, theta2)
        pytest.fail("running_sum returned with a wrong multiplicity")
