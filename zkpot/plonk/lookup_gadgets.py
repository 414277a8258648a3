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
(bits: 47); the rescale at f = 16, B = 24 10 (bits: 81); the clamp of a 25-bit value
to [−1, 1] at f = 16 7 (bits: 57).

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
from typing import NamedTuple

from zkpot.plonk.circuit import MAX_BITS, BitWidthError, Circuit, Operand, R, Variable
from zkpot.plonk.constraints import signed
from zkpot.plonk.gadgets import _check_width, assert_boolean, is_zero, quotient_hints
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


class ClampLayout(NamedTuple):
    """How :func:`clamp` splits v + K = lo + 2^q·hi, and how it reads hi."""

    q: int
    """lo's width: 0 ≤ lo < 2^q."""
    low: int
    """The least hi that |v| < 2^(bits−1) allows."""
    high: int
    """The largest."""
    table: bool
    """Whether (hi, in, s) is looked up in a table of the rows low … high (else hi's signed
    range gives its sign, and ``is_zero`` gives in)."""


def clamp_layout(log2_bound: int, bits: int, table_bits: int) -> ClampLayout:
    """:func:`clamp`'s choice, the first of: q = log₂(2K) rounded down to a multiple of t
    (one limb fewer, N ≤ 4) with a table; q = log₂(2K) with a table; q = log₂(2K) without.
    A table is used only with lookups (t > 0) and when it has at most 4·2^t + 1 rows."""
    bound, p = 1 << log2_bound, log2_bound + 1
    largest = (1 << (bits - 1)) - 1
    longest = (4 << table_bits) + 1 if table_bits else 0
    fewer_limbs = table_bits and p > table_bits and p % table_bits <= 2
    for q in [p - p % table_bits, p] if fewer_limbs else [p]:
        low, high = (bound - largest) >> q, (bound + largest) >> q
        if high - low + 1 <= longest:
            return ClampLayout(q, low, high, True)
    return ClampLayout(p, (bound - largest) >> p, (bound + largest) >> p, False)


def clamp(c: Circuit, v: Operand, log2_bound: int, bits: int, table_bits: int = 8) -> Variable:
    """min(max(v, −K), K) with K = 2^log2_bound, for a v the caller knows is small:
    |v| < 2^(bits−1) must already follow from the circuit's other constraints.

    ``FixedArithmetic``'s clamps: the projected step's [−W, W] and the output error's
    [−D, D]. With 2K = N·2^q (N a power of two), write

        v + K = lo + 2^q·hi,   0 ≤ lo < 2^q,

    so that −K ≤ v < K exactly when 0 ≤ hi < N, v ≥ K when hi ≥ N and v < −K when
    hi < 0. lo is proven in range by its limbs. hi decides in = [0 ≤ hi < N] and
    s = 0, K or −K, and the output is in·v + s. How hi is read (:func:`clamp_layout`):

    - *by a table*, when it is short (at most 4·2^t + 1 rows): (hi, in, s) is looked up
      in the three-column table over every hi that |v| < 2^(bits−1) allows. q is log₂(2K),
      or that rounded down to a multiple of t when this saves a limb (N = 2 or 4): at
      f = 16, B = 24 a clamp to [−1, 1] has q = 16, N = 2, a table of 513 rows. Rows:
      ⌈q / t⌉ limbs, the lookup, the equation (⌈q / t⌉ + 2 terms: ⌈q / t⌉ rows), in·v
      and the sum: 2·⌈q / t⌉ + 3 (7 for q = 16, t = 8).
    - *by comparison* otherwise, and bit by bit (t = 0): q = log₂(2K), N = 1; hi's signed
      range check gives its sign, :func:`~zkpot.plonk.gadgets.is_zero` gives in, and
      s = K·(2·[hi ≥ 0] − 1 − in): the signed range and 5 more rows than a table.

    Soundness: lo is an integer in [0, 2^q) and hi a small integer (its table's range, or
    its signed range), so lo + 2^q·hi is an integer far below r/2 in magnitude; so is
    v + K, by the caller's constraints. Equal mod r, they are equal as integers, and
    (lo, hi) is floor division's unique quotient and remainder: hi, and so in and s, are
    the honest ones. Then in·v + s is v, K or −K as the clamp says, and always in [−K, K].
    Without lo's limbs any hi would do (lo = v + K − 2^q·hi); without the table's lookup,
    in and s would be free, and in·v + s any value.

    Raises:
        BitWidthError: unless 0 ≤ log2_bound and log2_bound + 2 ≤ bits.
    """
    _check_width(bits, MAX_BITS, "clamp", low=2)
    if isinstance(log2_bound, bool) or not isinstance(log2_bound, int):
        raise BitWidthError(f"clamp: log2_bound must be an integer, got {log2_bound!r}")
    if not 0 <= log2_bound <= bits - 2:
        raise BitWidthError(f"clamp: need 0 ≤ log2_bound ≤ bits − 2, got {log2_bound}, {bits}")
    v = c.as_variable(v)
    bound = 1 << log2_bound
    q, low, high, by_table = clamp_layout(log2_bound, bits, table_bits)
    inside_count = (2 * bound) >> q  # N: the values of hi for which v is inside

    def decide(h: int) -> tuple[int, int]:  # (in, s) for hi = h
        if 0 <= h < inside_count:
            return 1, 0
        return 0, bound if h > 0 else -bound

    with c.scope(f"clamp {v.name} to ±2^{log2_bound}"):
        lo = c.hint(lambda x: (signed(x) + bound) & ((1 << q) - 1), v, label="lo")
        hi = c.hint(lambda x: ((signed(x) + bound) >> q) % R, v, label="hi")
        parts = limbs(c, lo, q, table_bits)  # 0 ≤ lo < 2^q
        if by_table:
            inside = c.hint(lambda h: decide(signed(h))[0], hi, label="in")
            shift = c.hint(lambda h: decide(signed(h))[1] % R, hi, label="s")
            name = f"clamp{log2_bound}_{bits}_{q}"
            table = Table.of(name, [(h, *decide(h)) for h in range(low, high + 1)])
            c.lookup(table, hi, inside, shift, label=f"(hi, in, s) in {name}")
        else:  # N = 1: hi in its signed range, its sign, [hi = 0]
            hi_bits = max(abs(low), abs(high)).bit_length() + 1
            positive = _signed_limbs(c, hi, hi_bits, table_bits)
            inside = is_zero(c, hi)
            shift = c.linear_combination([(2 * bound, positive), (-bound, inside)], -bound,
                                         label="s = K·(2·[hi ≥ 0] − 1 − in)")  # fmt: skip
        c.assert_linear([*parts, (1 << q, hi), (-1, v)], -bound, label="v + K = lo + 2^q·hi")
        kept = c.mul(inside, v, label="in·v")
        return c.add(kept, shift, label="clamped = in·v + s")


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


__all__ = ["ClampLayout", "argmax", "assert_range", "assert_signed_range", "clamp", "clamp_layout",
           "limbs", "relu", "rescale", "rescale_with_sign"]  # fmt: skip
