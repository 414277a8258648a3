"""Assignment 2: the number-theoretic transform. Fill in the three bodies; keep the names.

Grade it with:  zkpot assignments check 2 my_ntt.py
"""

from __future__ import annotations


def bit_reverse(values: list) -> list:
    """A new list in which the element at index i moves to index rev(i), the log₂ n bits
    of i reversed (n = len(values), a power of two). bit_reverse([0, 1, 2, 3]) is
    [0, 2, 1, 3].

    Raises:
        ValueError: if the length is not a power of two.
    """
    raise NotImplementedError


def ntt(coefficients: list[int], omega: int, p: int) -> list[int]:
    """[a(ω⁰), a(ω¹), …, a(ωⁿ⁻¹)] for a(X) = Σ aⱼXʲ, n = len(coefficients) a power of two
    and ω a primitive n-th root of unity mod p: O(n log n) (Cooley–Tukey), values in
    [0, p). The input list is left unchanged."""
    raise NotImplementedError


def intt(evaluations: list[int], omega: int, p: int) -> list[int]:
    """The coefficients of the polynomial with these values at ω⁰, …, ωⁿ⁻¹: the NTT with
    ω⁻¹, divided by n."""
    raise NotImplementedError
