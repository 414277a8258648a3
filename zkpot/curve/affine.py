"""The textbook chord-and-tangent law on y² = x³ + b, in affine coordinates.

This is the readable reference: coordinates are field elements (``Fq`` for G1,
``Fq2`` for G2), a point is ``(x, y)`` or ``None`` for the point at infinity,
and every line is the formula from the textbook. The fast code
(:mod:`zkpot.curve.jacobian`) is tested against it; nothing fast calls it.
"""

from __future__ import annotations

from typing import Any

AffinePoint = tuple[Any, Any] | None


def affine_add(P: AffinePoint, Q: AffinePoint) -> AffinePoint:
    """P + Q: draw the line through P and Q, take its third intersection, reflect it."""
    if P is None:
        return Q
    if Q is None:
        return P
    (x1, y1), (x2, y2) = P, Q
    if x1 == x2:
        if y1 == -y2:  # vertical line (also P = Q with y = 0): the sum is at infinity
            return None
        return affine_double(P)  # P = Q
    slope = (y2 - y1) / (x2 - x1)  # the chord
    x3 = slope * slope - x1 - x2
    return (x3, slope * (x1 - x3) - y1)


def affine_double(P: AffinePoint) -> AffinePoint:
    """2P: the tangent at P, slope 3x²/(2y) (the derivative of y² = x³ + b), its third
    intersection reflected; at infinity when y = 0 (a vertical tangent)."""
    if P is None:
        return None
    x, y = P
    if y == 0:
        return None
    slope = 3 * x * x / (2 * y)
    x3 = slope * slope - 2 * x
    return (x3, slope * (x - x3) - y)


def affine_neg(P: AffinePoint) -> AffinePoint:
    """−(x, y) = (x, −y): the reflection in the x-axis."""
    return None if P is None else (P[0], -P[1])


def affine_mul(P: AffinePoint, k: int) -> AffinePoint:
    """k·P by double-and-add, from the most significant bit (k may be negative)."""
    if k < 0:
        return affine_mul(affine_neg(P), -k)
    result: AffinePoint = None
    for bit in bin(k)[2:]:
        result = affine_add(result, result)
        if bit == "1":
            result = affine_add(result, P)
    return result


def line_value(T: AffinePoint, Q: AffinePoint, P: AffinePoint) -> Any:
    """The line through T and Q, evaluated at P: what a Miller loop multiplies in.

    ℓ(P) = (y_P − y_T) − λ·(x_P − x_T), with λ the chord's slope, or the tangent's when
    T = Q; when T = −Q (also the tangent at a point with y = 0) the line is vertical and
    ℓ(P) = x_P − x_T. ℓ vanishes at T, at Q and at −(T + Q), the line's third point.
    T, Q and P are finite points with coordinates in one field.
    """
    if T is None or Q is None or P is None:
        raise ValueError("a line through or at the point at infinity is not defined here")
    (xT, yT), (xQ, yQ), (xP, yP) = T, Q, P
    if xT == xQ and yT == -yQ:
        return xP - xT
    slope = 3 * xT * xT / (2 * yT) if xT == xQ else (yQ - yT) / (xQ - xT)
    return (yP - yT) - slope * (xP - xT)


def miller_double_step(T: AffinePoint, P: AffinePoint) -> tuple[AffinePoint, Any]:
    """(2T, ℓ_{T,T}(P)): a Miller loop's doubling step, the tangent at T evaluated at P."""
    return affine_double(T), line_value(T, T, P)


def miller_add_step(T: AffinePoint, Q: AffinePoint, P: AffinePoint) -> tuple[AffinePoint, Any]:
    """(T + Q, ℓ_{T,Q}(P)): a Miller loop's addition step."""
    return affine_add(T, Q), line_value(T, Q, P)
