"""Gadgets: booleans, bits, range checks, zero tests, selection, inverses, comparison, rescale.

Each gadget is a function that takes the circuit first, then its operands
(variables of that circuit, or ints and ``Fr`` values, which become constants),
and returns new variables. They are built from the circuit's public primitives
only — the arithmetic of :class:`~zkpot.plonk.circuit.Circuit`, ``gate`` and
``hint`` — so a new gadget (the fixed-point layer's division, say) is written
the same way.

Each docstring lists the gates the gadget adds and why they are sound: what a
cheating prover, who may write *any* value into *any* variable, still cannot do.
A hint is only a suggestion to the honest witness generator; the gates are the
whole of what is proved. Labels are prefixed with the gadget's name (see
:meth:`Circuit.scope <zkpot.plonk.circuit.Circuit.scope>`), so a failing gate says which
gadget it belongs to.

>>> from zkpot.plonk.circuit import Circuit
>>> c = Circuit()
>>> x = c.private_input("x")
>>> neg = is_negative(c, x, 8)               # x in [−2⁸, 2⁸)
>>> relu = select(c, neg, 0, x)              # max(x, 0)
>>> cs = c.compile()
>>> tuple(cs.solve({"x": v})[relu.index] for v in (-5, 0, 7))
(0, 0, 7)
"""

from __future__ import annotations

from collections.abc import Callable

from zkpot.plonk.circuit import (
    MAX_BITS,
    BitWidthError,
    Circuit,
    Operand,
    R,
    Variable,
    signed,
)


def assert_boolean(c: Circuit, x: Operand) -> None:
    """Constrain x ∈ {0, 1}.

    Gates (1): x·x − x = 0, on a = b = x.

    Soundness: x·x − x = x·(x − 1) is zero in a field only for x = 0 or x = 1.
    """
    x = c.as_variable(x)
    c.gate(x, x, q_m=1, q_l=-1, label=f"assert_boolean {x.name}")


def to_bits(c: Circuit, x: Operand, n: int) -> list[Variable]:
    """The n bits of x, little-endian (x = Σ 2ⁱ·bᵢ), proving 0 ≤ x < 2ⁿ.

    Gates (2n − 1 for n ≥ 2): bᵢ·bᵢ − bᵢ = 0 for each bit, then the recomposition
    Σ 2ⁱ·bᵢ − x = 0 as a chain of n − 1 linear gates (one gate for n ≤ 2).

    Soundness: each bᵢ is 0 or 1, so Σ 2ⁱ·bᵢ is an integer in [0, 2ⁿ); since
    n ≤ 253 and 2²⁵³ < r, the sum does not wrap around the field, and the field
    equation Σ 2ⁱ·bᵢ = x says that x's canonical value is that integer. A prover
    can neither pass an x ≥ 2ⁿ (its bits would have to be non-boolean, or
    the sum would differ) nor choose other bits for an x in range (binary
    representations are unique).

    Raises:
        BitWidthError: unless 0 ≤ n ≤ 253.
    """
    _check_width(n, MAX_BITS, "to_bits")
    x = c.as_variable(x)
    with c.scope(f"to_bits {x.name}"):
        bits = [c.hint(_bit(i), x, label=f"bit {i}", name=f"{x.name}[{i}]") for i in range(n)]
        for b in bits:
            assert_boolean(c, b)
        terms = [(1 << i, b) for i, b in enumerate(bits)]
        c.assert_linear([*terms, (-1, x)], label=f"Σ 2ⁱ·bᵢ = {x.name}")
    return bits


def assert_range(c: Circuit, x: Operand, bits: int) -> None:
    """Constrain 0 ≤ x < 2^bits: :func:`to_bits`, keeping only its constraints.

    Gates: 2·bits − 1 for bits ≥ 2; sound as to_bits is.

    Raises:
        BitWidthError: unless 0 ≤ bits ≤ 253.
    """
    to_bits(c, x, bits)


def is_zero(c: Circuit, x: Operand) -> Variable:
    """out = 1 if x = 0 else 0.

    Gates (2), with inv = x⁻¹ (or 0 when x = 0) a hint:

    - x·inv − 1 + out = 0, i.e. x·inv = 1 − out;
    - x·out = 0.

    Soundness: if x ≠ 0, the second gate forces out = 0 (and then the first
    forces inv = x⁻¹, which exists). If x = 0, the first reads 0 = 1 − out,
    forcing out = 1. Either way out is determined by x, whatever inv is.
    Without the second gate a prover could claim out = 1, inv = 0 for any x.
    """
    x = c.as_variable(x)
    with c.scope(f"is_zero {x.name}"):
        out = c.hint(lambda v: int(v == 0), x, label="out")
        inv = c.hint(_inverse_or_zero, x, label="inv")
        c.gate(x, inv, out, q_m=1, q_o=1, q_c=-1, label="x·inv = 1 − out")
        c.gate(x, out, q_m=1, label="x·out = 0")
    return out


def is_equal(c: Circuit, x: Operand, y: Operand) -> Variable:
    """out = 1 if x = y else 0: :func:`is_zero` of x − y (3 gates); sound as is_zero is."""
    return is_zero(c, c.sub(x, y))


def inverse(c: Circuit, x: Operand) -> Variable:
    """x⁻¹, proving x ≠ 0.

    Gates (1): x·inv − 1 = 0, with inv a hint.

    Soundness: x·inv = 1 has exactly one solution inv = x⁻¹ when x ≠ 0 and none
    when x = 0, so no witness exists for x = 0 (``solve`` reports this gate).
    """
    x = c.as_variable(x)
    inv = c.hint(_inverse_or_zero, x, label=f"inverse {x.name}")
    c.gate(x, inv, q_m=1, q_c=-1, label=f"inverse {x.name}: x·inv = 1")
    return inv


def assert_nonzero(c: Circuit, x: Operand) -> None:
    """Constrain x ≠ 0: :func:`inverse`, discarding the inverse (1 gate)."""
    inverse(c, x)


def select(c: Circuit, b: Operand, x: Operand, y: Operand) -> Variable:
    """out = x if b = 1 else y, that is out = b·x + (1 − b)·y, with b asserted boolean.

    Gates: 1 for :func:`assert_boolean`, then

    - y a constant k: one gate b·x − k·b + k − out = 0 (on a = b, b = x, c = out);
    - x a constant k: one gate k·b + y − b·y − out = 0 (on a = b, b = y, c = out);
    - otherwise three: d = x − y, t = b·d, out = t + y.

    Soundness: out = y + b·(x − y) is a polynomial identity in every layout, so
    out is determined by b, x, y; b ∈ {0, 1} makes it one of the two branches.
    Without the boolean check b = 2 would give out = 2x − y.
    """
    b, x, y = c.as_variable(b), c.as_variable(x), c.as_variable(y)
    with c.scope(f"select {b.name}?{x.name}:{y.name}"):
        assert_boolean(c, b)
        kx, ky = c.constant_value(x), c.constant_value(y)
        if ky is not None:
            out = c.hint(_choose, b, x, y, label="out")
            c.gate(b, x, out, q_m=1, q_l=-ky, q_c=ky, q_o=-1, label="out = b·x + (1 − b)·k")
        elif kx is not None:
            out = c.hint(_choose, b, x, y, label="out")
            c.gate(b, y, out, q_l=kx, q_r=1, q_m=-1, q_o=-1, label="out = b·k + (1 − b)·y")
        else:
            out = c.add(c.mul(b, c.sub(x, y)), y, label="out = b·(x − y) + y")
    return out


def less_than(c: Circuit, x: Operand, y: Operand, bits: int) -> Variable:
    """out = 1 if x < y else 0, for x and y known to lie in [0, 2^bits).

    The caller must ensure that range (e.g. with :func:`assert_range`); this
    gadget does not check it. Gates (2·bits + 3 for bits ≥ 1): d = 2^bits + x − y,
    then :func:`to_bits` of d on bits + 1 bits, then out = 1 − (top bit of d).

    Soundness: for x, y in [0, 2^bits), the integer 2^bits + x − y lies in
    (0, 2^(bits+1)), which does not wrap since bits + 1 ≤ 253; its top bit,
    proved by to_bits, is 1 exactly when x ≥ y. More generally the gates are
    satisfiable exactly when x − y ≡ δ (mod r) for an integer δ in
    [−2^bits, 2^bits), and then out = [δ < 0]: a signed comparison (see
    :func:`is_negative`). Otherwise no witness exists.

    Raises:
        BitWidthError: unless 0 ≤ bits ≤ 252.
    """
    _check_width(bits, MAX_BITS - 1, "less_than")
    with c.scope(f"less_than {_name(x)}<{_name(y)}"):  # constants fold into d's gate
        d = c.linear_combination([(1, x), (-1, y)], 1 << bits, label="d = 2^bits + x − y")
        top = to_bits(c, d, bits + 1)[bits]
        return c.linear_combination([(-1, top)], 1, label="out = 1 − top bit")


def is_negative(c: Circuit, x: Operand, bits: int) -> Variable:
    """out = 1 if x < 0, for x a signed value in [−2^bits, 2^bits) (negatives are r − |x|).

    This is ``less_than(x, 0, bits)`` (2·bits + 3 gates), whose gates hold for
    such x only; a ReLU is then ``select(c, is_negative(c, x, k), 0, x)``.
    """
    return less_than(c, x, 0, bits)


def assert_signed_range(c: Circuit, x: Operand, bits: int) -> None:
    """Constrain −2^(bits−1) < x < 2^(bits−1), for x signed (negatives are r − |x|).

    The strict bound is exactly the one ``FixedPoint.check`` enforces with
    ``bound_bits = bits``. Gates (2·bits + 1 for bits ≥ 2): u = x + 2^(bits−1),
    :func:`to_bits` of u on ``bits`` bits, then u ≠ 0 (:func:`assert_nonzero`).

    Soundness: to_bits proves that u's canonical value is an integer in
    [0, 2^bits), and the inverse gate removes 0, so x = u − 2^(bits−1) is an
    integer in (−2^(bits−1), 2^(bits−1)); x ↦ u is one-to-one, so no other field
    element passes. Why not ``assert_range(x, bits)``: it rejects every negative
    x, whose canonical value r − |x| is far above 2^bits. Why the u ≠ 0 gate:
    without it x = −2^(bits−1) passes, one value more than ``FixedPoint.check``
    allows.

    Raises:
        BitWidthError: unless 1 ≤ bits ≤ 253.
    """
    _check_width(bits, MAX_BITS, "assert_signed_range", low=1)
    with c.scope(f"assert_signed_range {_name(x)}"):
        u = c.linear_combination([(1, x)], 1 << (bits - 1), label="u = x + 2^(bits−1)")
        to_bits(c, u, bits)
        assert_nonzero(c, u)


def rescale(c: Circuit, x: Operand, frac_bits: int, bound_bits: int) -> tuple[Variable, Variable]:
    """(q, rem) = (⌊x / 2^f⌋, x mod 2^f) for a signed x, with −2^(B−1) < q < 2^(B−1).

    The fixed-point rescale of :mod:`zkpot.ml.fixedpoint` (f = ``frac_bits``,
    B = ``bound_bits``): the same integers as ``FixedPoint.rescale`` followed by
    ``FixedPoint.check`` on the quotient, and no witness for an x whose quotient
    that check refuses. q and rem are hints; the gates are

    1. x = q·2^f + rem (one gate);
    2. 0 ≤ rem < 2^f: :func:`assert_range` (2f − 1 gates);
    3. −2^(B−1) < q < 2^(B−1): :func:`assert_signed_range` (2B + 1 gates).

    Soundness: with 2 and 3, the integer q·2^f + rem lies in
    (−2^(B−1+f), 2^(B−1+f)), within (−r/2, r/2) because f + B ≤ 253. Gate 1 then
    says that x's signed value *is* that integer, and floor division's quotient
    and remainder are unique. Each check is needed:

    - without 3, every rem in [0, 2^f) works: q = (x − rem)·2^(−f) mod r satisfies
      gate 1, because 2^f is invertible mod r. A prover picks its "quotient"
      among 2^f field elements, all but one of them huge;
    - without 2, any q works, with rem = x − q·2^f;
    - with ``assert_range(q, B)`` in place of 3, no negative quotient can be proven.

    Raises:
        BitWidthError: unless f ≥ 0, B ≥ 1 and f + B ≤ 253.
    """
    x = c.as_variable(x)
    with c.scope(f"rescale {x.name}"):
        q, rem = quotient_hints(c, x, frac_bits, bound_bits)
        c.assert_linear([(1 << frac_bits, q), (1, rem), (-1, x)], label="x = q·2^f + rem")
        assert_range(c, rem, frac_bits)
        assert_signed_range(c, q, bound_bits)
    return q, rem


# -- hints (what the honest prover computes; the gates above check it) ------------


def quotient_hints(
    c: Circuit, x: Variable, frac_bits: int, bound_bits: int
) -> tuple[Variable, Variable]:
    """(q, rem) = (⌊x / 2^f⌋, x mod 2^f) of x's signed value, as hints: no gate.

    Both rescale gadgets (by bits, by lookups) start here and differ in how they
    check the pair. Raises BitWidthError unless f ≥ 0, B ≥ 1 and f + B ≤ 253.
    """
    _check_width(frac_bits, MAX_BITS - 1, "rescale's frac_bits")
    _check_width(bound_bits, MAX_BITS - frac_bits, "rescale's bound_bits", low=1)
    q = c.hint(lambda v: signed(v) >> frac_bits, x, label="q = ⌊x / 2^f⌋")
    rem = c.hint(lambda v: signed(v) & ((1 << frac_bits) - 1), x, label="rem = x mod 2^f")
    return q, rem


def _bit(i: int) -> Callable[[int], int]:
    """The hint for bit i of a canonical value."""

    def compute(v: int) -> int:
        return (v >> i) & 1

    return compute


def _inverse_or_zero(v: int) -> int:
    """v⁻¹, or 0 for v = 0 (then the gate, not the hint, reports the problem)."""
    return pow(v, -1, R) if v else 0


def _choose(b: int, x: int, y: int) -> int:
    return (b * x + (1 - b) * y) % R


def _name(x: Operand) -> str:
    return x.name if isinstance(x, Variable) else str(x)


def _check_width(n: object, limit: int, what: str, low: int = 0) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or not low <= n <= limit:
        raise BitWidthError(
            f"{what} takes a bit width in [{low}, {limit}] (wider values wrap around r), got {n!r}"
        )
