"""Lookup tables and lookup rows in circuits: what is a member, what is refused."""

from __future__ import annotations

import pytest

from zkpot.plonk import Circuit
from zkpot.plonk.circuit import InvalidValueError, R, UnsatisfiedConstraint
from zkpot.plonk.tables import MAX_TABLE_BITS, Table, TableError


def test_range_tables() -> None:
    for bits in (0, 1, 3, 8):
        table = Table.range(bits)
        assert len(table) == 1 << bits and table.columns == 1 and table.name == f"range{bits}"
        assert [row[0] for row in table.rows] == list(range(1 << bits))
        assert all(row[1:] == (0, 0) for row in table.rows)
    for bad in (-1, MAX_TABLE_BITS + 1, True, 2.0, "8"):
        with pytest.raises(TableError, match="range table"):
            Table.range(bad)  # type: ignore[arg-type]


def test_tables_from_rows_and_functions() -> None:
    relu = Table.function("relu", range(-2, 3), lambda x: max(x, 0))
    assert relu.rows == ((R - 2, 0, 0), (R - 1, 0, 0), (0, 0, 0), (1, 1, 0), (2, 2, 0))
    assert relu.columns == 2 and relu.contains((-1, 0, 0)) and not relu.contains((-1, 1, 0))
    triples = Table.of("xor", [(a, b, a ^ b) for a in range(2) for b in range(2)])
    assert triples.columns == 3 and triples.contains((1, 1, 0)) and not triples.contains((1, 1, 1))
    for rows, message in (([], "no rows"), ([(1,), (1, 2)], "same 1 to 3"),
                          ([(1, 2, 3, 4)], "same 1 to 3")):  # fmt: skip
        with pytest.raises(TableError, match=message):
            Table.of("bad", rows)


def lookup_circuit(table: Table, arity: int) -> tuple[Circuit, list]:
    c = Circuit()
    xs = [c.private_input(f"x{i}") for i in range(arity)]
    c.lookup(table, *xs)
    return c, xs


@pytest.mark.parametrize(
    "table", [Table.range(3), Table.function("sq", range(-3, 4), lambda x: x * x)]
)
def test_a_lookup_accepts_exactly_the_rows(table: Table) -> None:
    c, _ = lookup_circuit(table, table.columns)
    cs = c.compile()
    assert cs.has_lookups and cs.tables == (table,) and cs.gates[-1].table == 1
    members = {row[: table.columns] for row in table.rows}
    for x in range(-4, 10):
        for y in range(-1, 10) if table.columns == 2 else (None,):
            inputs = {"x0": x} if y is None else {"x0": x, "x1": y}
            key = tuple(v % R for v in inputs.values())
            if key in members:
                cs.solve(inputs)
            else:
                with pytest.raises(UnsatisfiedConstraint, match="not a row of the table"):
                    cs.solve(inputs)


def test_lookup_rows_are_named_and_pinned() -> None:
    c = Circuit()
    x = c.private_input("x")
    with c.scope("layer1"):
        c.lookup(Table.range(2), x + 1)
    cs = c.compile()
    gate = cs.gates[-1]
    assert gate.label == "layer1: lookup (v2) in range2"
    assert (gate.q_l, gate.q_r, gate.q_o, gate.q_m, gate.q_c) == (0, 0, 0, 0, 0)
    assert gate.b == gate.c == cs.zero_variable  # the unused wires hold 0
    # a cheating prover who writes another value into x + 1 breaks the addition gate,
    # one who writes 4 into both is stopped by the lookup
    w = cs.solve({"x": 2})
    with pytest.raises(UnsatisfiedConstraint, match="add x"):
        cs.check(cs.assign({"x": 2}, {gate.a: 1}))
    with pytest.raises(UnsatisfiedConstraint, match="not a row"):
        cs.check(cs.assign({"x": 3}))
    assert w[gate.a] == 3


def test_tables_are_registered_once_by_name() -> None:
    c = Circuit()
    x = c.private_input("x")
    c.lookup(Table.range(4), x)
    c.lookup(Table.range(4), x)
    c.lookup(Table.range(2), x - 12)
    cs = c.compile()
    assert [t.name for t in cs.tables] == ["range4", "range2"]
    assert [g.table for g in cs.gates if g.table] == [1, 1, 2]
    cs.solve({"x": 13})
    with pytest.raises(TableError, match="two different tables are named 'range4'"):
        c.lookup(Table.of("range4", [(0,)]), x)


def test_lookup_arguments() -> None:
    c = Circuit()
    x = c.private_input("x")
    with pytest.raises(TableError, match="takes 1 to 1 values, got 2"):
        c.lookup(Table.range(2), x, x)
    with pytest.raises(TableError, match="got 0"):
        c.lookup(Table.range(2))
    with pytest.raises(InvalidValueError, match="takes a Table"):
        c.lookup([(0,)], x)  # type: ignore[arg-type]
