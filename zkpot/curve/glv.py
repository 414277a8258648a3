"""GLV scalar multiplication on G1: half the doublings, by an endomorphism.

Gallant, Lambert, Vanstone, "Faster Point Multiplication on Elliptic Curves with
Efficient Endomorphisms" (CRYPTO 2001). On y² = x³ + b over Fq with p ≡ 1
(mod 3), β ∈ Fq with β³ = 1, β ≠ 1, gives the map φ(x, y) = (β·x, y): it
sends the curve to itself (the equation only sees x³) and acts on the
prime-order group G1 as multiplication by a cube root of unity λ mod r:
φ(P) = λ·P, for the price of one multiplication in Fq.

Write k ≡ k₁ + k₂·λ (mod r) with |k₁|, |k₂| ≈ √r (a short basis of the lattice
{(a, b) : a + b·λ ≡ 0 mod r}, found by the extended Euclidean algorithm on r
and λ, and Babai rounding). Then k·P = k₁·P + k₂·φ(P), two half-length
multiplications done together: one shared chain of ~128 doublings instead of
~254.

Everything here is derived from p, r and the generator when a curve module
builds its :class:`GLV`; the tests check each derived fact.
"""

from __future__ import annotations

from math import isqrt

from zkpot.curve.jacobian import FqJacobian, Jac
from zkpot.curve.scalar import scalar_mul, wnaf


def cube_roots_of_unity(n: int) -> tuple[int, int]:
    """The two non-trivial cube roots of unity modulo a prime n ≡ 1 (mod 3)."""
    if n % 3 != 1:
        raise ValueError("cube roots of unity need n ≡ 1 (mod 3)")
    for g in range(2, 1000):
        root = pow(g, (n - 1) // 3, n)
        if root != 1:
            return root, root * root % n
    raise ValueError("no cube root of unity found")  # pragma: no cover (some g < 1000 works)


def short_basis(r: int, lam: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Two short vectors (a, b) with a + b·λ ≡ 0 (mod r), by the extended Euclidean algorithm.

    The remainders rᵢ = sᵢ·r + tᵢ·λ give vectors (rᵢ, −tᵢ) of the lattice; around
    rᵢ ≈ √r both coordinates are about √r (GLV 2001, section 4).
    """
    bound = isqrt(r)
    r0, r1, t0, t1 = r, lam, 0, 1
    while r1 >= bound:
        q = r0 // r1
        r0, r1, t0, t1 = r1, r0 - q * r1, t1, t0 - q * t1
    # now r0 ≥ √r > r1: (r1, −t1) is short; its partner is the shorter of the neighbours
    v1 = (r1, -t1)
    q = r0 // r1
    r2, t2 = r0 - q * r1, t0 - q * t1
    v2 = min((r0, -t0), (r2, -t2), key=lambda v: v[0] ** 2 + v[1] ** 2)
    return v1, v2


def _round_div(n: int, d: int) -> int:
    """n/d rounded to the nearest integer (for d ≠ 0)."""
    if d < 0:
        n, d = -n, -d
    return (2 * n + d) // (2 * d)


class GLV:
    """The GLV decomposition and multiplication for one G1 group.

    Args:
        kernel: the group's Jacobian arithmetic (p and b).
        r: the group order.
        generator: affine coordinates of a point of order r, used to pair β with λ.
    """

    def __init__(self, kernel: FqJacobian, r: int, generator: tuple[int, int]) -> None:
        p = kernel.p
        self.kernel, self.r = kernel, r
        G = (generator[0], generator[1], 1)
        # choose the β (of two) and λ (of two) that match: φ(G) = λ·G
        for beta in cube_roots_of_unity(p):
            for lam in cube_roots_of_unity(r):
                if kernel.equal((beta * G[0] % p, G[1], 1), scalar_mul(kernel, G, lam)):
                    self.beta, self.lam = beta, lam
                    break
            else:
                continue
            break
        else:  # pragma: no cover (fails only for a curve without this endomorphism)
            raise ValueError("no (β, λ) pair with φ(G) = λ·G")
        self.v1, self.v2 = short_basis(r, self.lam)
        (a1, b1), (a2, b2) = self.v1, self.v2
        self.det = a1 * b2 - a2 * b1

    def decompose(self, k: int) -> tuple[int, int]:
        """(k₁, k₂) with k ≡ k₁ + k₂·λ (mod r), both about √r in size.

        Babai rounding: write (k, 0) = β₁·v₁ + β₂·v₂ over the rationals, round the βᵢ,
        and subtract that lattice vector.
        """
        (a1, b1), (a2, b2) = self.v1, self.v2
        c1 = _round_div(k * b2, self.det)
        c2 = _round_div(-k * b1, self.det)
        return k - c1 * a1 - c2 * a2, -c1 * b1 - c2 * b2

    def multiply(self, P: Jac, k: int) -> Jac:
        """k·P for P in G1 and 0 ≤ k < r: k₁·P + k₂·φ(P) with one doubling chain."""
        K = self.kernel
        if k == 0 or K.is_identity(P):
            return K.identity
        k1, k2 = self.decompose(k)
        w = 4
        # odd multiples P, 3P, …, 7P, affine; φ maps each (x, y) to (βx, y)
        twice = K.double(P)
        table = [P]
        for _ in range((1 << (w - 2)) - 1):
            table.append(K.add(table[-1], twice))
        affine = K.batch_to_affine(table)
        if any(a is None for a in affine):  # pragma: no cover (only for points of tiny order)
            return scalar_mul(K, P, k)
        p = K.p
        plus1 = [(x, y if k1 > 0 else -y % p) for x, y in affine]  # tables for ±P
        plus2 = [(self.beta * x % p, y if k2 > 0 else -y % p) for x, y in affine]  # ±φ(P)
        minus1 = [(x, -y % p) for x, y in plus1]
        minus2 = [(x, -y % p) for x, y in plus2]
        d1, d2 = wnaf(abs(k1), w), wnaf(abs(k2), w)
        length = max(len(d1), len(d2))
        d1 += [0] * (length - len(d1))
        d2 += [0] * (length - len(d2))
        result = K.identity
        for i in range(length - 1, -1, -1):
            result = K.double(result)
            for d, plus, minus in ((d1[i], plus1, minus1), (d2[i], plus2, minus2)):
                if d > 0:
                    result = K.add_affine(result, *plus[d >> 1])
                elif d < 0:
                    result = K.add_affine(result, *minus[(-d) >> 1])
        return result
