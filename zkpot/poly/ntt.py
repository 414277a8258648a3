"""The number-theoretic transform: evaluation at all n-th roots of unity in O(n log n).

Plain-int kernel: vectors are lists of canonical ints modulo p.

For a polynomial a(X) = Σ aⱼXʲ of size n = 2ᵏ and ω of order n, the NTT computes
âᵢ = a(ωⁱ) for i = 0 … n − 1. Cooley–Tukey splits a(X) = a_even(X²) + X·a_odd(X²):
ω² has order n/2, so both halves are NTTs of size n/2, and

    a(ωⁱ) = a_even(ω²ⁱ) + ωⁱ·a_odd(ω²ⁱ),   a(ωⁱ⁺ⁿᐟ²) = a_even(ω²ⁱ) − ωⁱ·a_odd(ω²ⁱ)

(ω^(n/2) = −1). The iterative form below permutes the input into bit-reversed
order once, then runs log₂ n rounds of these "butterflies" in place.
"""

from __future__ import annotations


def bit_reverse_permutation(values: list) -> list:
    """The list reordered so that index i moves to index rev(i) (its log₂ n bits reversed).

    >>> bit_reverse_permutation([0, 1, 2, 3, 4, 5, 6, 7])
    [0, 4, 2, 6, 1, 5, 3, 7]
    """
    n = len(values)
    if n < 1 or n & (n - 1):
        raise ValueError(f"bit reversal needs a power-of-two length, got {n}")
    bits = n.bit_length() - 1
    return [values[int(f"{i:0{bits}b}"[::-1], 2) if bits else 0] for i in range(n)]


def ntt_in_place(a: list[int], omega: int, p: int) -> None:
    """Overwrite a (coefficients, lowest first) with its evaluations a(ω⁰), …, a(ωⁿ⁻¹).

    Each round's butterflies run as list comprehensions over long slices of a: the
    blocks' contiguous halves when blocks are long, and otherwise, for each twiddle,
    every block's element at that offset (a strided slice). Only the product v·ω is
    reduced mod p: u ± v stays unreduced, growing by less than p a round, and one
    reduction at the end makes every value canonical.
    """
    n = len(a)
    # Zero padding: if only a[:m] can be non-zero (m = n/2ˢ), the bit-reversed input holds
    # them at every 2ˢ-th position, and the first s rounds only copy each across its block
    # of 2ˢ (u ± v·w with v = 0). Start from that state: a coset NTT of a polynomial of
    # degree < n/4 skips two rounds of its log₂ n.
    m = n
    while m > 1 and not any(a[m // 2 : m]):
        m //= 2
    spread = n // m
    a[:] = [x for x in bit_reverse_permutation(a[:m]) for _ in range(spread)]
    half = spread
    while half < n:
        # twiddles of this round: the (2·half)-th roots of unity w⁰ … w^(half−1)
        w_step = pow(omega, n // (2 * half), p)
        twiddles = [1] * half
        for j in range(1, half):
            twiddles[j] = twiddles[j - 1] * w_step % p
        step = 2 * half
        if half >= n // step:  # few long blocks: [start, start + half) and the next half
            for start in range(0, n, step):
                mid, end = start + half, start + step
                u = a[start:mid]
                v = [x * w % p for x, w in zip(a[mid:end], twiddles, strict=True)]
                a[start:mid] = [x + y for x, y in zip(u, v, strict=True)]
                a[mid:end] = [x - y for x, y in zip(u, v, strict=True)]
        else:  # many short blocks: offset j of every block at once, one twiddle each
            for j, w in enumerate(twiddles):
                u = a[j::step]
                v = [x * w % p for x in a[j + half :: step]]
                a[j::step] = [x + y for x, y in zip(u, v, strict=True)]
                a[j + half :: step] = [x - y for x, y in zip(u, v, strict=True)]
        half = step
    a[:] = [x % p for x in a]


def ntt(coefficients: list[int], omega: int, p: int) -> list[int]:
    """Evaluations at the powers of ω (a new list)."""
    out = list(coefficients)
    ntt_in_place(out, omega, p)
    return out


def intt(evaluations: list[int], omega: int, p: int) -> list[int]:
    """Coefficients from evaluations at the powers of ω: the NTT with ω⁻¹, divided by n."""
    out = list(evaluations)
    ntt_in_place(out, pow(omega, -1, p), p)
    n_inv = pow(len(out), -1, p)
    return [x * n_inv % p for x in out]
