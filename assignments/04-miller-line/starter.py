"""Assignment 4: the line functions of a Miller loop. Fill in the three bodies; keep the names.

Points are affine pairs (x, y) of field elements — Fq for G1, Fq2 for G2 on its twist
(zkpot.field.bn254.Fq, Fq2: +, −, *, /, ==) — or None for the point at infinity. The
three points of one call have coordinates in the same field.

Grade it with:  zkpot assignments check 4 my_lines.py
"""

from __future__ import annotations

from typing import Any

Point = tuple[Any, Any] | None


def line(T: Point, Q: Point, P: Point) -> Any:
    """The line through T and Q evaluated at P: (y_P − y_T) − λ·(x_P − x_T), λ the slope
    of the chord (T ≠ ±Q) or of the tangent at T (T = Q); for the vertical line (T = −Q,
    or the tangent at a point with y = 0) it is x_P − x_T.

    Raises:
        ValueError: if T, Q or P is None.
    """
    raise NotImplementedError


def double_step(T: Point, P: Point) -> tuple[Point, Any]:
    """(2T, the tangent at T evaluated at P): a Miller loop's step for a 0 bit."""
    raise NotImplementedError


def add_step(T: Point, Q: Point, P: Point) -> tuple[Point, Any]:
    """(T + Q, the line through T and Q evaluated at P): the extra step for a 1 bit."""
    raise NotImplementedError
