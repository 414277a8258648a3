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

``table_bits = 0`` asks for no tables: every limb is then one bit, constrained by
b·b − b = 0 instead of a lookup — the same gadgets by bit decomposition, for circuits
without the lookup configuration and for comparing the two (``zkpot cost``).

>>> from zkpot.plonk.circuit import Circuit
>>> c = Circuit()
>>> x = c.private_input("x")
>>> q = rescale(c, x, 4, 8, table_bits=4)     # ⌊x / 16⌋, |q| < 2⁷
>>> c.compile().solve({"x": -37})[q.index] == (-37 >> 4) % R
True
"""

from __future__ import annotations

from collections.abc import Sequence

from zkpot.plonk.circuit import MAX_BITS, BitWidthError, Circuit, Operand, R, Variable
from zkpot.plonk.gadgets import _check_width, assert_boolean, quotient_hints
from zkpot.plonk.tables import MAX_TABLE_BITS, Table


def limbs(c: Circuit, x: Operand, bits: int, table_bits: int) -> list[tuple[int, Variable]]:
    """Limbs of the canonical value of x, each looked up in a range table; *not recomposed*.

    Returns (2^(i·table_bits), limbᵢ) pairs, lowest first, for the caller's
    recomposition: the limbs prove 0 ≤ Σ 2^(i·t)·limbᵢ < 2^bits, and only that.
    Lookups: ⌈bits / table_bits⌉ (a narrower top limb in a table of its width). With
    ``table_bits = 0``: ``bits`` one-bit limbs, each b·b − b = 0 (one row).
    """
    _check_width(bits, MAX_BITS, "limbs")
    _check_width(table_bits, MAX_TABLE_BITS, "limbs' table_bits")
    x = c.as_variable(x)
    if table_bits == 0:
        return [(1 << i, b) for i, b in enumerate(_bits(c, x, bits))]
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


def _bits(c: Circuit, x: Variable, bits: int) -> list[Variable]:
    """The bits of x as hints, each constrained boolean (not recomposed)."""
    out = []
    for i in range(bits):
        b = c.hint(lambda v, i=i: (v >> i) & 1, x, label=f"bit {i}", name=f"{x.name}[{i}]")
        assert_boolean(c, b)
        out.append(b)
    return out


def _signed_limbs(c: Circuit, x: Variable, bits: int, table_bits: int) -> Variable:
    """Limbs of x + 2^(bits−1), their recomposition, x + 2^(bits−1) ≠ 0; returns [x ≥ 0].

    The top limb (w bits) is looked up with its top bit in the two-column table
    (k, ⌊k / 2^(w−1)⌋): that proves 0 ≤ k < 2^w, as its range table would, and
    gives the sign bit of x for no extra row, since x ≥ 0 ⟺ x + 2^(bits−1) ≥ 2^(bits−1).
    """
    half = 1 << (bits - 1)
    u = c.hint(lambda v: (v + half) % R, x, label="u = x + 2^(bits−1)")  # feeds the limbs' hints
    if table_bits == 0:  # bit by bit: the top bit is the sign
        parts = limbs(c, u, bits, 0)
        sign = parts[-1][1]
    else:
        low = (bits - 1) // table_bits * table_bits  # the top limb holds bit bits − 1
        width = bits - low
        parts = limbs(c, u, low, table_bits) if low else []
        top = c.hint(lambda v: v >> low, u, label="top limb", name=f"{x.name}[top]")
        sign = c.hint(lambda k: k >> (width - 1), top, label="sign", name=f"{x.name} ≥ 0")
        c.lookup(_top_bit_table(width), top, sign, label=f"top limb and sign in top{width}")
        parts.append((1 << low, top))
    # the gates speak of x itself: Σ 2^(i·t)·limbᵢ = x + 2^(bits−1), and that is not 0
    c.assert_linear([*parts, (-1, x)], -half, label="Σ 2^(i·t)·limbᵢ = x + 2^(bits−1)")
    inv = c.hint(lambda v: pow((v + half) % R, -1, R) if (v + half) % R else 0, x, label="inv")
    c.gate(x, inv, q_m=1, q_r=half, q_c=-1, label="(x + 2^(bits−1))·inv = 1")
    return sign


def _top_bit_table(width: int) -> Table:
    """(k, ⌊k / 2^(width−1)⌋) for 0 ≤ k < 2^width: a limb and its top bit."""
    return Table.function(f"top{width}", range(1 << width), lambda k: k >> (width - 1))


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
    return rescale_with_sign(c, x, frac_bits, bound_bits, table_bits)[0]


def rescale_with_sign(
    c: Circuit, x: Operand, frac_bits: int, bound_bits: int, table_bits: int = 8
) -> tuple[Variable, Variable]:
    """(q, [q ≥ 0]): :func:`rescale`, and the sign bit its range check finds, in the same rows."""
    x = c.as_variable(x)
    with c.scope(f"rescale {x.name}"):
        q, rem = quotient_hints(c, x, frac_bits, bound_bits)
        parts = limbs(c, rem, frac_bits, table_bits)
        c.assert_linear([(1 << frac_bits, q), *parts, (-1, x)], label="x = q·2^f + rem")
        sign = _signed_limbs(c, q, bound_bits, table_bits)
    return q, sign


def relu(c: Circuit, x: Operand, bits: int, table_bits: int = 8) -> tuple[Variable, Variable]:
    """(max(x, 0), [x ≥ 0]) for −2^(bits−1) < x < 2^(bits−1), which it also proves.

    ``FixedArithmetic.relu``'s pair: the value and the bit the backward pass uses. Rows:
    :func:`assert_signed_range` (its top limb's lookup gives the sign bit) and one
    multiplication out = sign·x. After a rescale, multiply by the sign
    :func:`rescale_with_sign` returns instead: one row.

    Soundness: the sign is the top bit of x + 2^(bits−1), fixed by the lookup of the
    pair (top limb, sign); out = sign·x is one gate.
    """
    _check_width(bits, MAX_BITS, "relu", low=1)
    x = c.as_variable(x)
    with c.scope(f"relu {x.name}"):
        sign = _signed_limbs(c, x, bits, table_bits)
        return c.mul(sign, x, label="ReLU = [x ≥ 0]·x"), sign


def argmax(c: Circuit, values: Sequence[Operand], bits: int, table_bits: int = 8) -> Variable:
    """The index of the largest of signed values |vᵢ| < 2^(bits−1); ties go to the lowest.

    ``FixedArithmetic``'s argmax (numpy's). A running maximum m and its index: for each
    next value, g = [vᵢ − m ≥ 1] (the sign of vᵢ − m − 1, on bits + 2 bits: the
    difference of two values is below 2^bits in magnitude), then m ← m + g·(vᵢ − m)
    and index ← index + g·(i − index). Strictly greater, so a tie keeps the lower index.
    """
    _check_width(bits, MAX_BITS - 2, "argmax", low=1)
    if not values:
        raise BitWidthError("argmax of no values")
    with c.scope("argmax"):
        best, index = c.as_variable(values[0]), c.constant(0)
        for i, v in enumerate(values[1:], start=1):
            d = c.sub(v, best, label=f"d{i} = v{i} − max")
            g = _signed_limbs(c, c.add_const(d, -1), bits + 2, table_bits)
            best = c.add(best, c.mul(g, d), label=f"max after v{i}")
            index = c.add(index, c.mul(g, c.sub(i, index)), label=f"index after v{i}")
    return index


__all__ = ["argmax", "assert_range", "assert_signed_range", "limbs", "relu", "rescale",
           "rescale_with_sign"]  # fmt: skip
