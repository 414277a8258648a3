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
    fq6_add,
    fq6_mul,
    fq6_mul_by_v,
    fq6_sub,
)


def fq6_mul_by_fq2(a: Fq6T, c: Fq2T) -> Fq6T:
    """(a0 + a1·v + a2·v²)·c for c ∈ Fq2: three Fq2 products (unreduced)."""
    return (fq2_mul(a[0], c), fq2_mul(a[1], c), fq2_mul(a[2], c))


def _mul_by_01(a: Fq6T, b0: Fq2T, b1: Fq2T, xi: Fq2T) -> Fq6T:
    """(a0 + a1·v + a2·v²)(b0 + b1·v) in five Fq2 products (unreduced).

    c0 = a0b0 + ξ·a2b1,  c1 = (a0 + a1)(b0 + b1) − a0b0 − a1b1,  c2 = a1b1 + a2b0
    """
    a0, a1, a2 = a
    t0 = fq2_mul(a0, b0)
    t1 = fq2_mul(a1, b1)
    return (
        fq2_add(t0, fq2_mul_by_xi(fq2_mul(a2, b1), xi)),
        fq2_sub(fq2_mul(fq2_add(a0, a1), fq2_add(b0, b1)), fq2_add(t0, t1)),
        fq2_add(t1, fq2_mul(a2, b0)),
    )


def fq12_mul_by_line(f: Fq12T, a: Fq2T, b0: Fq2T, b1: Fq2T, shift: int, xi: Fq2T, p: int) -> Fq12T:
    """f · ℓ for a line ℓ = a + w·vˢ·(b0 + b1·v): three non-zero Fq2 coefficients of twelve.

    D-type twists (BN254) have s = 0: ℓ = a + b0·w + b1·w³.
    M-type twists (BLS12-381) have s = 1: ℓ = a + b0·w³ + b1·w⁵.
    With ℓ = L0 + L1·w (L0 = a, L1 = vˢ(b0 + b1·v)) and f = f0 + f1·w, Karatsuba gives
      t0 = f0·a,  t1 = f1·L1,  c0 = t0 + v·t1,  c1 = (f0 + f1)(L0 + L1) − t0 − t1:
    13 Fq2 products for s = 0 and 14 for s = 1, against 18 for a full product.
    """
    f0, f1 = f
    t0 = fq6_mul_by_fq2(f0, a)
    t1 = _mul_by_01(f1, b0, b1, xi)
    s = fq6_add(f0, f1)
    if shift:
        t1 = fq6_mul_by_v(t1, xi)
        t2 = fq6_mul(s, (a, b0, b1), xi)  # L0 + L1 = a + b0·v + b1·v²: no zero left
    else:
        t2 = _mul_by_01(s, fq2_add(a, b0), b1, xi)  # L0 + L1 = (a + b0) + b1·v
    c0 = fq6_add(t0, fq6_mul_by_v(t1, xi))
    c1 = fq6_sub(t2, fq6_add(t0, t1))
    return (_reduce6(c0, p), _reduce6(c1, p))


def _reduce6(a: Fq6T, p: int) -> Fq6T:
    return (fq2_reduce(a[0], p), fq2_reduce(a[1], p), fq2_reduce(a[2], p))


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
