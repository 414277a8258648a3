"""Assignment 9: the fixed-point rescale gadget, and a forgery. Keep the names.

zkpot.plonk.Circuit builds circuits; zkpot.plonk.gadgets has assert_range(c, v, bits)
(0 ≤ v < 2^bits) and assert_signed_range(c, v, bits) (−2^(bits−1) < v < 2^(bits−1)),
and quotient_hints(c, x, f, B), which makes the prover's hints q = ⌊x/2^f⌋ and
rem = x mod 2^f (of x's signed value) WITHOUT any gate.

Grade it with:  zkpot assignments check 9 my_rescale.py
"""

from __future__ import annotations

from typing import Any


def rescale(c: Any, x: Any, frac_bits: int, bound_bits: int) -> tuple[Any, Any]:
    """Add to circuit c the gates that make (q, rem) = (⌊x / 2^f⌋, x mod 2^f) for x's
    signed value, with −2^(B−1) < q < 2^(B−1) (f = frac_bits, B = bound_bits); return
    the two variables. A prover must find no witness for any other pair."""
    raise NotImplementedError


def forge(x: int, frac_bits: int, bound_bits: int) -> tuple[int, int]:
    """(q, rem) for the field element x that satisfy x = q·2^f + rem (mod r) and
    0 ≤ rem < 2^f — everything zkpot.plonk.exploits.rescale_without_quotient_range
    checks — but with q ≠ ⌊x / 2^f⌋. The grader proves and verifies with them."""
    raise NotImplementedError
