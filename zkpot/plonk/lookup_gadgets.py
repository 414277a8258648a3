"""Gadgets by table lookup: range checks, signed ranges and the fixed-point rescale.

The same constraints as :mod:`zkpot.plonk.gadgets`, paid for with lookups into
range tables instead of bit decompositions, so that a circuit using them needs
PLONK's lookup configuration (:mod:`zkpot.plonk.lookup`). A value of ``bits`` bits
is cut into *limbs* of ``table_bits`` bits, each looked up in
``Table.range(table_bits)``, and a narrower top limb of w bits in
``Table.range(w)``, a table of its own width.

Why the top limb needs its own table: looking up ``2^(table_bits − w)·top`` in the
wide table instead would prove only that this product is below 2^table_bits *as a
field element*: top = v·2^−(table_bits − w) mod r passes for every v, and for most
v that is a huge element, which breaks the recomposition.

Rows, with 8-bit tables: ``assert_range`` of 16 bits 3 (bits: 31), of 24 bits 5
(bits: 47); the rescale at f = 16, B = 24 10 (bits: 81).

>>> from zkpot.plonk.circuit import Circuit
>>> c = Circuit()
>>> x = c.private_input("x")
>>> q = rescale(c, x, 4, 8, table_bits=4)     # ⌊x / 16⌋, |q| < 2⁷
>>> c.compile().solve({"x": -37})[q.index] == (-37 >> 4) % R
True
"""

from __future__ import annotations

from zkpot.plonk.circuit import MAX_BITS, Circuit, Operand, R, Variable, signed
from zkpot.plonk.gadgets import _check_width
from zkpot.plonk.tables import MAX_TABLE_BITS, Table


def limbs(c: Circuit, x: Operand, bits: int, table_bits: int) -> list[tuple[int, Variable]]:
    """Limbs of the canonical value of x, each looked up in a range table; *not recomposed*.

    Returns (2^(i·table_bits), limbᵢ) pairs, lowest first, for the caller's
    recomposition: the limbs prove 0 ≤ Σ 2^(i·t)·limbᵢ < 2^bits, and only that.
    Lookups: ⌈bits / table_bits⌉ (a narrower top limb in a table of its width).
    """
    _check_width(bits, MAX_BITS, "limbs")
    _check_width(table_bits, MAX_TABLE_BITS, "limbs' table_bits", low=1)
    x = c.as_variable(x)
    out = []
    for i, low in enumerate(range(0, bits, table_bits)):
        width = min(table_bits, bits - low)
        limb = c.hint(lambda v, low=low, width=width: (v >> low) & ((1 << width) - 1), x,
                      label=f"limb {i}", name=f"{x.name}[{i}]")  # fmt: skip
        c.lookup(Table.range(width), limb, label=f"limb {i} in range{width}")
        out.append((1 << low, limb))
    return out


def assert_range(c: Circuit, x: Operand, bits: int, table_bits: int = 8) -> None:
    """Constrain 0 ≤ x < 2^bits by limb lookups.

    Rows: ⌈bits / table_bits⌉ lookups and the recomposition Σ 2^(i·t)·limbᵢ = x
    (limbs + 1 terms: max(1, limbs − 1) rows).

    Soundness: each limb is an integer in [0, 2^width) (its lookup), so the sum is an
    integer in [0, 2^bits), below r for bits ≤ 253: the field equation makes x that
    integer. A value of x ≥ 2^bits has no such limbs.
    """
    x = c.as_variable(x)
    with c.scope(f"assert_range {x.name}"):
        parts = limbs(c, x, bits, table_bits)
        c.assert_linear([*parts, (-1, x)], label="Σ 2^(i·t)·limbᵢ = x")


def assert_signed_range(c: Circuit, x: Operand, bits: int, table_bits: int = 8) -> None:
    """Constrain −2^(bits−1) < x < 2^(bits−1) (``FixedPoint.check``'s bound) by lookups.

    Rows: the limbs of u = x + 2^(bits−1) on ``bits`` bits, the recomposition
    Σ 2^(i·t)·limbᵢ = x + 2^(bits−1), and one gate (x + 2^(bits−1))·inv = 1.

    Soundness: the limbs make x + 2^(bits−1) an integer U in [0, 2^bits); the last gate
    has a solution inv only for U ≠ 0. So x = U − 2^(bits−1) lies in
    (−2^(bits−1), 2^(bits−1)), exactly, as in :func:`zkpot.plonk.gadgets.assert_signed_range`.
    """
    _check_width(bits, MAX_BITS, "assert_signed_range", low=1)
    x = c.as_variable(x)
    with c.scope(f"assert_signed_range {x.name}"):
        _signed_limbs(c, x, bits, table_bits)


def _signed_limbs(c: Circuit, x: Variable, bits: int, table_bits: int) -> None:
    """Limbs of x + 2^(bits−1), their recomposition, and x + 2^(bits−1) ≠ 0 (one gate)."""
    half = 1 << (bits - 1)
    parts = limbs(c, c.hint(lambda v: (v + half) % R, x, label="u = x + 2^(bits−1)"),
                  bits, table_bits)  # fmt: skip
    # the hint above only feeds the limbs' hints; the gates below speak of x itself
    c.assert_linear([*parts, (-1, x)], -half, label="Σ 2^(i·t)·limbᵢ = x + 2^(bits−1)")
    inv = c.hint(lambda v: pow((v + half) % R, -1, R) if (v + half) % R else 0, x, label="inv")
    c.gate(x, inv, q_m=1, q_r=half, q_c=-1, label="(x + 2^(bits−1))·inv = 1")


def rescale(
    c: Circuit, x: Operand, frac_bits: int, bound_bits: int, table_bits: int = 8
) -> Variable:
    """q = ⌊x / 2^f⌋ for a signed x, with −2^(B−1) < q < 2^(B−1), by lookups.

    The integers of ``FixedPoint.rescale`` followed by ``FixedPoint.check`` on q, as
    :func:`zkpot.plonk.gadgets.rescale`; the remainder stays in its limbs. Rows: the
    limbs of rem (f bits) and of q + 2^(B−1) (B bits), the equation
    x = q·2^f + Σ 2^(i·t)·remᵢ (limbs + 2 terms), the recomposition of q + 2^(B−1),
    and the gate (q + 2^(B−1))·inv = 1. At f = 16, B = 24 with 8-bit tables:
    5 lookups + 2 + 2 + 1 = 10 rows.

    Soundness: the remainder's limbs make rem an integer in [0, 2^f), and q is an
    integer in (−2^(B−1), 2^(B−1)) (see :func:`assert_signed_range`); then
    q·2^f + rem is an integer of magnitude below 2^(B−1+f) ≤ r/2, the field
    equation makes x's signed value that integer, and floor division's quotient and
    remainder are unique. Without the remainder's limbs any q would do; without q's,
    any of 2^f field elements (see the other module's rescale).
    """
    _check_width(frac_bits, MAX_BITS - 1, "rescale's frac_bits")
    _check_width(bound_bits, MAX_BITS - frac_bits, "rescale's bound_bits", low=1)
    x = c.as_variable(x)
    with c.scope(f"rescale {x.name}"):
        q = c.hint(lambda v: signed(v) >> frac_bits, x, label="q = ⌊x / 2^f⌋")
        rem = c.hint(lambda v: signed(v) & ((1 << frac_bits) - 1), x, label="rem")
        parts = limbs(c, rem, frac_bits, table_bits)
        c.assert_linear([(1 << frac_bits, q), *parts, (-1, x)], label="x = q·2^f + rem")
        _signed_limbs(c, q, bound_bits, table_bits)
    return q


__all__ = ["assert_range", "assert_signed_range", "limbs", "rescale"]
