"""Fq12 kernels that only pairings need: sparse line multiplication, cyclotomic squaring.

Plain-int kernels on the nested tuples of :mod:`zkpot.field.towerops`. The
tower basis of Fq12 over Fq2 is w⁰ … w⁵ (w² = v, w⁶ = ξ): an element
(a0, a1) of Fq6[w] has its Fq2 coefficients at

    a0 = (w⁰, w², w⁴),    a1 = (w¹, w³, w⁵).
"""

from __future__ import annotations

from zkpot.field.towerops import (
    Fq2T,
    Fq6T,
    Fq12T,
    fq2_add,
    fq2_mul,
    fq2_mul_by_xi,
    fq2_mul_scalar,
    fq2_reduce,
    fq2_sub,
    fq6_mul,
    fq12_karatsuba_combine,
)  # the Fq6 products below write the Fq2 arithmetic out on ints, as towerops.fq6_mul does


def fq6_mul_by_fq2(a: Fq6T, c: Fq2T) -> Fq6T:
    """(a0 + a1·v + a2·v²)·c for c ∈ Fq2: three Fq2 products, written out on ints."""
    (a0r, a0i), (a1r, a1i), (a2r, a2i) = a
    cr, ci = c
    t, s = a0r * cr, a0i * ci
    u0 = (t - s, (a0r + a0i) * (cr + ci) - t - s)
    t, s = a1r * cr, a1i * ci
    u1 = (t - s, (a1r + a1i) * (cr + ci) - t - s)
    t, s = a2r * cr, a2i * ci
    return (u0, u1, (t - s, (a2r + a2i) * (cr + ci) - t - s))


def _mul_by_01(a: Fq6T, b0: Fq2T, b1: Fq2T, xi: Fq2T) -> Fq6T:
    """(a0 + a1·v + a2·v²)(b0 + b1·v) in five Fq2 products (unreduced), on ints.

    c0 = a0b0 + ξ·a2b1,  c1 = (a0 + a1)(b0 + b1) − a0b0 − a1b1,  c2 = a1b1 + a2b0
    """
    (a0r, a0i), (a1r, a1i), (a2r, a2i) = a
    (b0r, b0i), (b1r, b1i) = b0, b1
    x0, x1 = xi
    t, s = a0r * b0r, a0i * b0i  # a0b0
    p0r, p0i = t - s, (a0r + a0i) * (b0r + b0i) - t - s
    t, s = a1r * b1r, a1i * b1i  # a1b1
    p1r, p1i = t - s, (a1r + a1i) * (b1r + b1i) - t - s
    t, s = a2r * b1r, a2i * b1i  # a2b1
    q0r, q0i = t - s, (a2r + a2i) * (b1r + b1i) - t - s
    t, s = a2r * b0r, a2i * b0i  # a2b0
    q1r, q1i = t - s, (a2r + a2i) * (b0r + b0i) - t - s
    cr, ci, dr, di = a0r + a1r, a0i + a1i, b0r + b1r, b0i + b1i  # (a0 + a1)(b0 + b1)
    t, s = cr * dr, ci * di
    mr, mi = t - s, (cr + ci) * (dr + di) - t - s
    return (
        (p0r + q0r * x0 - q0i * x1, p0i + q0r * x1 + q0i * x0),
        (mr - p0r - p1r, mi - p0i - p1i),
        (p1r + q1r, p1i + q1i),
    )


def fq12_mul_by_line(f: Fq12T, a: Fq2T, b0: Fq2T, b1: Fq2T, shift: int, xi: Fq2T, p: int) -> Fq12T:
    """f · ℓ for a line ℓ = a + w·vˢ·(b0 + b1·v): three non-zero Fq2 coefficients of twelve.

    D-type twists (BN254) have s = 0: ℓ = a + b0·w + b1·w³.
    M-type twists (BLS12-381) have s = 1: ℓ = a + b0·w³ + b1·w⁵.
    With ℓ = L0 + L1·w (L0 = a, L1 = vˢ(b0 + b1·v)) and f = f0 + f1·w, Karatsuba gives
      t0 = f0·a,  t1 = f1·L1,  c0 = t0 + v·t1,  c1 = (f0 + f1)(L0 + L1) − t0 − t1:
    13 Fq2 products for s = 0 and 14 for s = 1, against 18 for a full product.
    """
    (g0r, g0i), (g1r, g1i), (g2r, g2i) = f0 = f[0]
    (h0r, h0i), (h1r, h1i), (h2r, h2i) = f1 = f[1]
    t0 = fq6_mul_by_fq2(f0, a)
    t1 = _mul_by_01(f1, b0, b1, xi)
    s = ((g0r + h0r, g0i + h0i), (g1r + h1r, g1i + h1i), (g2r + h2r, g2i + h2i))  # f0 + f1
    if shift:
        (u0r, u0i), (u1r, u1i), (u2r, u2i) = t1  # t1 ← v·t1
        x0, x1 = xi
        t1 = ((u2r * x0 - u2i * x1, u2r * x1 + u2i * x0), (u0r, u0i), (u1r, u1i))
        t2 = fq6_mul(s, (a, b0, b1), xi)  # L0 + L1 = a + b0·v + b1·v²: no zero left
    else:
        t2 = _mul_by_01(s, (a[0] + b0[0], a[1] + b0[1]), b1, xi)  # L0 + L1 = (a + b0) + b1·v
    return fq12_karatsuba_combine(t0, t1, t2, xi, p)


def _fq4_sqr(a: Fq2T, b: Fq2T, xi: Fq2T) -> tuple[Fq2T, Fq2T]:
    """(a + b·y)² = (a² + ξ·b²) + 2ab·y in Fq4 = Fq2[y]/(y² − ξ), with two products."""
    t = fq2_mul(a, b)
    s = fq2_mul(fq2_add(a, b), fq2_add(a, fq2_mul_by_xi(b, xi)))
    return (fq2_sub(s, fq2_add(t, fq2_mul_by_xi(t, xi))), fq2_add(t, t))


def fq12_cyclotomic_sqr(f: Fq12T, xi: Fq2T, p: int) -> Fq12T:
    """f² for f in the cyclotomic subgroup (f^(p⁴ − p² + 1) = 1): Granger–Scott.

    Granger, Scott, "Faster Squaring in the Cyclotomic Subgroup of Sixth Degree
    Extensions" (PKC 2010). With y = w³ (y² = ξ) write f = A + B·w + C·w² over
    Fq4 = Fq2[y]: A = g0 + h1·y, B = h0 + g2·y, C = g1 + h2·y for f = (g, h).
    On the cyclotomic subgroup conjugation (y ↦ −y) is cheap to exploit:

      f² = (3A² − 2Ā) + (3y·C² + 2B̄)·w + (3B² − 2C̄)·w²

    — three Fq4 squarings (six Fq2 products) instead of a full Fq12 squaring.
    """
    (g0, g1, g2), (h0, h1, h2) = f
    t0, t1 = _fq4_sqr(g0, h1, xi)  # A²
    t2, t3 = _fq4_sqr(h0, g2, xi)  # B²
    t4, t5 = _fq4_sqr(g1, h2, xi)  # C²

    def three_minus_two(t: Fq2T, z: Fq2T) -> Fq2T:  # 3t − 2z
        return fq2_reduce(fq2_sub(fq2_mul_scalar(t, 3), fq2_mul_scalar(z, 2)), p)

    def three_plus_two(t: Fq2T, z: Fq2T) -> Fq2T:  # 3t + 2z
        return fq2_reduce(fq2_add(fq2_mul_scalar(t, 3), fq2_mul_scalar(z, 2)), p)

    new_g0 = three_minus_two(t0, g0)  # A: 3A² − 2Ā
    new_h1 = three_plus_two(t1, h1)
    new_h0 = three_plus_two(fq2_mul_by_xi(t5, xi), h0)  # B: 3y·C² + 2B̄, y·C² = ξt5 + t4·y
    new_g2 = three_minus_two(t4, g2)
    new_g1 = three_minus_two(t2, g1)  # C: 3B² − 2C̄
    new_h2 = three_plus_two(t3, h2)
    return ((new_g0, new_g1, new_g2), (new_h0, new_h1, new_h2))
