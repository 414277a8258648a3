"""Lookup tables: fixed lists of rows that a circuit's wires may be required to match.

A *lookup* says "the values (a, b, c) on this row's three wires are one of the
rows of table T". That replaces many gates: 0 ≤ x < 2⁸ is one lookup in the
table of the 256 values 0…255, where bit decomposition costs 15 gates; and
y = ReLU(x) for x in a small window is one lookup in the table of pairs
(x, max(x, 0)). A table has one to three columns; a lookup of fewer values than
the table has columns fills the missing wires with 0, so a one-column table is
stored as rows (v, 0, 0).

Tables are fixed when the circuit is written: they become preprocessed columns
of the proving key, and the verifier knows them. The lookup argument that proves
the lookups (LogUp) is in :mod:`zkpot.plonk.lookup`.

>>> bits = Table.range(2)
>>> bits.rows
((0, 0, 0), (1, 0, 0), (2, 0, 0), (3, 0, 0))
>>> Table.function("square", range(3), lambda x: x * x).rows
((0, 0, 0), (1, 1, 0), (2, 4, 0))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from zkpot.plonk.constraints import CircuitError, R, field_int

MAX_TABLE_BITS = 20
"""The widest range table: 2²⁰ rows. A table is a preprocessed column as long as the domain."""


class TableError(CircuitError):
    """A table that cannot be built: no rows, too many columns, a name that is taken."""


@dataclass(frozen=True)
class Table:
    """A named, fixed table of rows of up to three field elements.

    Attributes:
        name: what errors and gate labels call it.
        rows: the rows, each padded to three canonical ints with 0.
        columns: how many columns the table was given (1 to 3).
    """

    name: str
    rows: tuple[tuple[int, int, int], ...]
    columns: int

    @classmethod
    def of(cls, name: str, rows: Iterable[Sequence[int]]) -> Table:
        """A table from its rows (ints of any sign, reduced mod r), all of one length 1–3.

        Raises:
            TableError: no rows, rows of different lengths, or more than three columns.
        """
        given = [tuple(row) for row in rows]
        if not given:
            raise TableError(f"table {name!r} has no rows")
        widths = {len(row) for row in given}
        if len(widths) != 1 or not 1 <= (width := widths.pop()) <= 3:
            raise TableError(f"table {name!r}: every row has the same 1 to 3 values")
        padded = tuple(
            tuple(field_int(v, f"table {name!r}") for v in (*row, 0, 0)[:3])  # type: ignore[misc]
            for row in given
        )
        return cls(name, padded, width)  # type: ignore[arg-type]

    @classmethod
    def range(cls, bits: int) -> Table:
        """The one-column table 0, 1, …, 2^bits − 1: a lookup in it proves 0 ≤ x < 2^bits."""
        if isinstance(bits, bool) or not isinstance(bits, int) or not 0 <= bits <= MAX_TABLE_BITS:
            raise TableError(f"a range table has 0 to {MAX_TABLE_BITS} bits, got {bits!r}")
        return cls(f"range{bits}", tuple((v, 0, 0) for v in range(1 << bits)), 1)

    @classmethod
    def function(cls, name: str, inputs: Iterable[int], f: Callable[[int], int]) -> Table:
        """The two-column table (x, f(x)) for x in ``inputs`` (signed ints allowed)."""
        return cls.of(name, [(x, f(x)) for x in inputs])

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def row_set(self) -> frozenset[tuple[int, int, int]]:
        """The rows as a set, for membership tests."""
        return frozenset(self.rows)

    def contains(self, row: Sequence[int]) -> bool:
        """Whether (a, b, c) mod r is a row of the table."""
        return tuple(v % R for v in row) in self.row_set


__all__ = ["MAX_TABLE_BITS", "Table", "TableError"]
