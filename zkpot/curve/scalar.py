"""Scalar multiplication k·P by the width-w non-adjacent form (wNAF).

Write k = Σ dᵢ·2ⁱ with every non-zero digit odd, |dᵢ| < 2^(w−1), and at least
w − 1 zeros after each non-zero digit. Then k·P takes about log₂k doublings
and log₂k / (w + 1) additions of precomputed odd multiples ±P, ±3P, …,
±(2^(w−1) − 1)P; negating a point is free, which is what the signs buy.
"""

from __future__ import annotations

from typing import Any


def wnaf(k: int, w: int) -> list[int]:
    """The width-w NAF digits of k ≥ 0, least significant first.

    >>> wnaf(7, 2)      # 7 = 8 − 1
    [-1, 0, 0, 1]
    """
    if k < 0:
        raise ValueError("wnaf needs k >= 0")
    digits = []
    half, full = 1 << (w - 1), 1 << w
    while k:
        if k & 1:
            d = k & (full - 1)  # k mod 2^w, then centred in (−2^(w−1), 2^(w−1))
            if d >= half:
                d -= full
            k -= d
        else:
            d = 0
        digits.append(d)
        k >>= 1
    return digits


def window_for(bits: int) -> int:
    """A window that balances the precomputation (2^(w−2) additions) against the main loop."""
    return 2 if bits < 8 else 3 if bits < 24 else 4 if bits < 80 else 5


def scalar_mul(kernel: Any, P: Any, k: int) -> Any:
    """k·P for a Jacobian point of ``kernel`` (an FqJacobian or Fq2Jacobian); any integer k."""
    if k == 0 or kernel.is_identity(P):
        return kernel.identity
    if k < 0:
        P, k = kernel.neg(P), -k
    w = window_for(k.bit_length())
    # the odd multiples P, 3P, 5P, …, (2^(w−1) − 1)P, made affine at once for cheaper additions
    twice = kernel.double(P)
    table = [P]
    for _ in range((1 << (w - 2)) - 1):
        table.append(kernel.add(table[-1], twice))
    affine = kernel.batch_to_affine(table)
    if any(a is None for a in affine):  # a point of tiny order: stay in Jacobian coordinates
        return _scalar_mul_jacobian(kernel, table, wnaf(k, w))
    negated = [(x, kernel.neg_y(y)) for x, y in affine]  # −(x, y) = (x, −y)
    result = kernel.identity
    for d in reversed(wnaf(k, w)):
        result = kernel.double(result)
        if d > 0:
            result = kernel.add_affine(result, *affine[d >> 1])
        elif d < 0:
            result = kernel.add_affine(result, *negated[(-d) >> 1])
    return result


def _scalar_mul_jacobian(kernel: Any, table: list[Any], digits: list[int]) -> Any:
    result = kernel.identity
    for d in reversed(digits):
        result = kernel.double(result)
        if d:
            Q = table[abs(d) >> 1]
            result = kernel.add(result, Q if d > 0 else kernel.neg(Q))
    return result
