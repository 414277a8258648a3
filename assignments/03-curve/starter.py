"""Assignment 3: the group law of BN254's G1, y² = x³ + 3 over Fq. Keep the names.

A point is a pair (x, y) of Fq elements (zkpot.field.bn254.Fq: +, −, *, / and ==
work as in any field), or None for the point at infinity, the group's identity.

Grade it with:  zkpot assignments check 3 my_curve.py
"""

from __future__ import annotations

from typing import Any

Point = tuple[Any, Any] | None


def add(P: Point, Q: Point) -> Point:
    """P + Q by the chord-and-tangent law: every case (an identity, P = Q, P = −Q)."""
    raise NotImplementedError


def double(P: Point) -> Point:
    """2P, by the tangent at P."""
    raise NotImplementedError


def multiply(P: Point, k: int) -> Point:
    """k·P by double-and-add, for any int k (k < 0 multiplies −P; 0 gives None)."""
    raise NotImplementedError
