"""Assignment 1: inverses in a prime field. Fill in the two bodies; keep the names.

Grade it with:  zkpot assignments check 1 starter.py   (your copy's path)
"""

from __future__ import annotations


def inverse(a: int, p: int) -> int:
    """a⁻¹ mod p, the x in [0, p) with a·x ≡ 1 (mod p), by the extended Euclidean algorithm.

    a may be any int (negative, or larger than p). Do not call pow(a, -1, p).

    Raises:
        ZeroDivisionError: if a ≡ 0 (mod p).
    """
    raise NotImplementedError


def batch_inverse(values: list[int], p: int) -> list[int]:
    """[v⁻¹ mod p for v in values] with ONE call to inverse() and about 3 products a value
    (Montgomery's trick): prefix products, one inversion of the whole product, then a
    backward pass.

    Raises:
        ZeroDivisionError: if some value ≡ 0 (mod p).
    """
    raise NotImplementedError
