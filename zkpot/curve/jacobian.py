"""Jacobian-coordinate kernels for y² = x³ + b: G1 on ints mod p, G2 on Fq2 tuples.

Plain-int kernels: a point is a tuple (X, Y, Z) standing for the affine point
(X/Z², Y/Z³), with Z = 0 for the point at infinity; coordinates are canonical
ints (G1) or pairs of canonical ints (G2, see :mod:`zkpot.field.towerops`).

The formulas are the Explicit-Formulas Database's for short Weierstrass curves
with a = 0 (hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html):
``dbl-2009-l`` (doubling), ``add-2007-bl`` (addition) and ``madd-2007-bl``
(addition of an affine point, Z₂ = 1). The two classes below are the same
formulas over two coordinate fields; the tests check both against the
textbook affine formulas of :mod:`zkpot.curve.affine`.
"""

from __future__ import annotations

from typing import Any

from zkpot.field import towerops as T
from zkpot.field.batch import batch_inverse

Jac = tuple[Any, Any, Any]


class FqJacobian:
    """Jacobian arithmetic on a curve over Fq (G1): coordinates are ints mod p."""

    def __init__(self, p: int, b: int) -> None:
        self.p, self.b = p, b
        self.zero, self.one = 0, 1
        self.identity: Jac = (1, 1, 0)

    def is_identity(self, P: Jac) -> bool:
        return P[2] == 0

    def neg(self, P: Jac) -> Jac:
        return (P[0], -P[1] % self.p, P[2])

    def neg_y(self, y: int) -> int:
        return -y % self.p

    def double(self, P: Jac) -> Jac:
        """dbl-2009-l: 2M + 5S."""
        X, Y, Z = P
        if Z == 0 or Y == 0:
            return self.identity
        p = self.p
        A = X * X % p
        B = Y * Y % p
        C = B * B % p
        D = 2 * ((X + B) ** 2 - A - C) % p
        E = 3 * A
        F = E * E % p
        X3 = (F - 2 * D) % p
        return (X3, (E * (D - X3) - 8 * C) % p, 2 * Y * Z % p)

    def add(self, P: Jac, Q: Jac) -> Jac:
        """add-2007-bl: 11M + 5S; falls back to doubling when P = Q."""
        X1, Y1, Z1 = P
        X2, Y2, Z2 = Q
        if Z1 == 0:
            return Q
        if Z2 == 0:
            return P
        p = self.p
        Z1Z1 = Z1 * Z1 % p
        Z2Z2 = Z2 * Z2 % p
        U1 = X1 * Z2Z2 % p
        U2 = X2 * Z1Z1 % p
        S1 = Y1 * Z2 * Z2Z2 % p
        S2 = Y2 * Z1 * Z1Z1 % p
        H = (U2 - U1) % p
        r = 2 * (S2 - S1) % p
        if H == 0:
            return self.double(P) if r == 0 else self.identity  # P = Q, or P = −Q
        I = 4 * H * H % p  # noqa: E741 (the EFD's name)
        J = H * I % p
        V = U1 * I % p
        X3 = (r * r - J - 2 * V) % p
        Y3 = (r * (V - X3) - 2 * S1 * J) % p
        Z3 = ((Z1 + Z2) ** 2 - Z1Z1 - Z2Z2) * H % p
        return (X3, Y3, Z3)

    def add_affine(self, P: Jac, x2: int, y2: int) -> Jac:
        """madd-2007-bl: P + (x2, y2) with the second point affine: 7M + 4S."""
        X1, Y1, Z1 = P
        if Z1 == 0:
            return (x2, y2, 1)
        p = self.p
        Z1Z1 = Z1 * Z1 % p
        U2 = x2 * Z1Z1 % p
        S2 = y2 * Z1 * Z1Z1 % p
        H = (U2 - X1) % p
        r = 2 * (S2 - Y1) % p
        if H == 0:
            return self.double(P) if r == 0 else self.identity
        HH = H * H % p
        I = 4 * HH  # noqa: E741
        J = H * I % p
        V = X1 * I % p
        X3 = (r * r - J - 2 * V) % p
        Y3 = (r * (V - X3) - 2 * Y1 * J) % p
        Z3 = ((Z1 + H) ** 2 - Z1Z1 - HH) % p
        return (X3, Y3, Z3)

    def equal(self, P: Jac, Q: Jac) -> bool:
        """X1·Z2² = X2·Z1² and Y1·Z2³ = Y2·Z1³ (or both at infinity)."""
        (X1, Y1, Z1), (X2, Y2, Z2), p = P, Q, self.p
        if Z1 == 0 or Z2 == 0:
            return Z1 == Z2 == 0
        Z1Z1, Z2Z2 = Z1 * Z1 % p, Z2 * Z2 % p
        return (X1 * Z2Z2 - X2 * Z1Z1) % p == 0 and (Y1 * Z2Z2 * Z2 - Y2 * Z1Z1 * Z1) % p == 0

    def to_affine(self, P: Jac) -> tuple[int, int] | None:
        """(X/Z², Y/Z³), or None at infinity."""
        X, Y, Z = P
        if Z == 0:
            return None
        if Z == 1:
            return (X, Y)
        p = self.p
        zi = pow(Z, -1, p)
        zi2 = zi * zi % p
        return (X * zi2 % p, Y * zi2 * zi % p)

    def normalize(self, P: Jac) -> Jac:
        """The same point with Z = 1 (or the identity): later conversions cost nothing."""
        affine = self.to_affine(P)
        return self.identity if affine is None else (affine[0], affine[1], 1)

    def batch_to_affine(self, points: list[Jac]) -> list[tuple[int, int] | None]:
        """Many points to affine with one inversion (Montgomery's trick); points with Z = 1
        are affine already."""
        p = self.p
        out: list[tuple[int, int] | None] = [None] * len(points)
        scaled = []
        for i, (X, Y, Z) in enumerate(points):
            if Z == 1:
                out[i] = (X, Y)
            elif Z != 0:
                scaled.append(i)
        inverses = batch_inverse([points[i][2] for i in scaled], p)
        for i, zi in zip(scaled, inverses, strict=True):
            X, Y, _ = points[i]
            zi2 = zi * zi % p
            out[i] = (X * zi2 % p, Y * zi2 * zi % p)
        return out

    def on_curve(self, x: int, y: int) -> bool:
        """y² = x³ + b for affine coordinates."""
        return (y * y - x * x * x - self.b) % self.p == 0


class Fq2Jacobian:
    """Jacobian arithmetic on a curve over Fq2 (G2 on the twist): the formulas of FqJacobian."""

    def __init__(self, p: int, b: T.Fq2T) -> None:
        self.p, self.b = p, b
        self.zero, self.one = (0, 0), (1, 0)
        self.identity: Jac = ((1, 0), (1, 0), (0, 0))

    def _r(self, a: T.Fq2T) -> T.Fq2T:
        return T.fq2_reduce(a, self.p)

    def _mul(self, a: T.Fq2T, b: T.Fq2T) -> T.Fq2T:
        return T.fq2_reduce(T.fq2_mul(a, b), self.p)

    def _sqr(self, a: T.Fq2T) -> T.Fq2T:
        return T.fq2_reduce(T.fq2_sqr(a), self.p)

    def is_identity(self, P: Jac) -> bool:
        return P[2] == (0, 0)

    def neg(self, P: Jac) -> Jac:
        return (P[0], self.neg_y(P[1]), P[2])

    def neg_y(self, y: T.Fq2T) -> T.Fq2T:
        return self._r(T.fq2_neg(y))

    def double(self, P: Jac) -> Jac:
        """dbl-2009-l over Fq2."""
        X, Y, Z = P
        if Z == (0, 0) or Y == (0, 0):
            return self.identity
        mul, sqr, add, sub, k = self._mul, self._sqr, T.fq2_add, T.fq2_sub, T.fq2_mul_scalar
        A = sqr(X)
        B = sqr(Y)
        C = sqr(B)
        D = self._r(k(sub(sqr(add(X, B)), add(A, C)), 2))
        E = k(A, 3)
        F = sqr(E)
        X3 = self._r(sub(F, k(D, 2)))
        Y3 = self._r(sub(mul(E, sub(D, X3)), k(C, 8)))
        return (X3, Y3, self._r(k(mul(Y, Z), 2)))

    def add(self, P: Jac, Q: Jac) -> Jac:
        """add-2007-bl over Fq2."""
        X1, Y1, Z1 = P
        X2, Y2, Z2 = Q
        if Z1 == (0, 0):
            return Q
        if Z2 == (0, 0):
            return P
        mul, sqr, add, sub, k = self._mul, self._sqr, T.fq2_add, T.fq2_sub, T.fq2_mul_scalar
        Z1Z1 = sqr(Z1)
        Z2Z2 = sqr(Z2)
        U1 = mul(X1, Z2Z2)
        U2 = mul(X2, Z1Z1)
        S1 = mul(mul(Y1, Z2), Z2Z2)
        S2 = mul(mul(Y2, Z1), Z1Z1)
        H = self._r(sub(U2, U1))
        r = self._r(k(sub(S2, S1), 2))
        if H == (0, 0):
            return self.double(P) if r == (0, 0) else self.identity
        I = sqr(k(H, 2))  # noqa: E741
        J = mul(H, I)
        V = mul(U1, I)
        X3 = self._r(sub(sqr(r), add(J, k(V, 2))))
        Y3 = self._r(sub(mul(r, sub(V, X3)), k(mul(S1, J), 2)))
        Z3 = mul(sub(sqr(add(Z1, Z2)), add(Z1Z1, Z2Z2)), H)
        return (X3, Y3, Z3)

    def add_affine(self, P: Jac, x2: T.Fq2T, y2: T.Fq2T) -> Jac:
        """madd-2007-bl over Fq2."""
        return self.add(P, (x2, y2, (1, 0)))

    def equal(self, P: Jac, Q: Jac) -> bool:
        (X1, Y1, Z1), (X2, Y2, Z2) = P, Q
        if Z1 == (0, 0) or Z2 == (0, 0):
            return Z1 == Z2 == (0, 0)
        mul, sqr = self._mul, self._sqr
        Z1Z1, Z2Z2 = sqr(Z1), sqr(Z2)
        return mul(X1, Z2Z2) == mul(X2, Z1Z1) and mul(mul(Y1, Z2Z2), Z2) == mul(mul(Y2, Z1Z1), Z1)

    def to_affine(self, P: Jac) -> tuple[T.Fq2T, T.Fq2T] | None:
        X, Y, Z = P
        if Z == (0, 0):
            return None
        zi = T.fq2_inv(Z, self.p)
        zi2 = self._sqr(zi)
        return (self._mul(X, zi2), self._mul(self._mul(Y, zi2), zi))

    def normalize(self, P: Jac) -> Jac:
        affine = self.to_affine(P)
        return self.identity if affine is None else (affine[0], affine[1], self.one)

    def batch_to_affine(self, points: list[Jac]) -> list[tuple[T.Fq2T, T.Fq2T] | None]:
        return [self.to_affine(P) for P in points]

    def on_curve(self, x: T.Fq2T, y: T.Fq2T) -> bool:
        rhs = T.fq2_add(T.fq2_mul(self._sqr(x), x), self.b)
        return self._r(T.fq2_sub(T.fq2_sqr(y), rhs)) == (0, 0)
