"""Plain-int kernels for the 2-3-2 extension tower Fq2 ⊂ Fq6 ⊂ Fq12.

Hot-loop code: elements are nested tuples of Python ints and nothing is reduced
mod p except by the ``*_reduce`` functions (lazy reduction: Python ints do not
overflow, so a whole Fq12 product is computed first and reduced once).

The tower, with ξ = ξ₀ + ξ₁·u a non-square and non-cube in Fq2::

    Fq2  = Fq[u]  / (u² + 1)     a = (a0, a1)         a0 + a1·u
    Fq6  = Fq2[v] / (v³ − ξ)     a = (a0, a1, a2)     a0 + a1·v + a2·v²,  ai ∈ Fq2
    Fq12 = Fq6[w] / (w² − v)     a = (a0, a1)         a0 + a1·w,          ai ∈ Fq6

Multiplication formulas are Karatsuba's and squarings Chung–Hasan's, as in
Devegili, Ó hÉigeartaigh, Scott, Dahab, "Multiplication and Squaring on
Pairing-Friendly Fields" (ePrint 2006/471). The readable element classes in
:mod:`zkpot.field.extension` call these; the tests check them against sympy.
"""

from __future__ import annotations

Fq2T = tuple[int, int]
Fq6T = tuple[Fq2T, Fq2T, Fq2T]
Fq12T = tuple[Fq6T, Fq6T]

# --------------------------------------------------------------------- Fq2


def fq2_add(a: Fq2T, b: Fq2T) -> Fq2T:
    return (a[0] + b[0], a[1] + b[1])


def fq2_sub(a: Fq2T, b: Fq2T) -> Fq2T:
    return (a[0] - b[0], a[1] - b[1])


def fq2_neg(a: Fq2T) -> Fq2T:
    return (-a[0], -a[1])


def fq2_mul(a: Fq2T, b: Fq2T) -> Fq2T:
    """(a0 + a1·u)(b0 + b1·u) = (a0b0 − a1b1) + ((a0 + a1)(b0 + b1) − a0b0 − a1b1)·u."""
    a0, a1 = a
    b0, b1 = b
    t0 = a0 * b0
    t1 = a1 * b1
    return (t0 - t1, (a0 + a1) * (b0 + b1) - t0 - t1)


def fq2_sqr(a: Fq2T) -> Fq2T:
    """(a0 + a1·u)² = (a0 + a1)(a0 − a1) + 2·a0·a1·u."""
    a0, a1 = a
    t = a0 * a1
    return ((a0 + a1) * (a0 - a1), t + t)


def fq2_mul_scalar(a: Fq2T, k: int) -> Fq2T:
    """Multiply by an element k of the base field Fq."""
    return (a[0] * k, a[1] * k)


def fq2_mul_by_xi(a: Fq2T, xi: Fq2T) -> Fq2T:
    """Multiply by the small constant ξ = ξ₀ + ξ₁·u (e.g. 9 + u): four small products."""
    a0, a1 = a
    x0, x1 = xi
    return (a0 * x0 - a1 * x1, a0 * x1 + a1 * x0)


def fq2_conj(a: Fq2T) -> Fq2T:
    """The conjugate a0 − a1·u, which is also the Frobenius map a ↦ a^p."""
    return (a[0], -a[1])


def fq2_reduce(a: Fq2T, p: int) -> Fq2T:
    return (a[0] % p, a[1] % p)


def fq2_inv(a: Fq2T, p: int) -> Fq2T:
    """(a0 + a1·u)⁻¹ = (a0 − a1·u) / (a0² + a1²); the caller makes sure a ≠ 0."""
    a0, a1 = a
    d = pow(a0 * a0 + a1 * a1, -1, p)
    return (a0 * d % p, -a1 * d % p)


# --------------------------------------------------------------------- Fq6


def fq6_add(a: Fq6T, b: Fq6T) -> Fq6T:
    return (fq2_add(a[0], b[0]), fq2_add(a[1], b[1]), fq2_add(a[2], b[2]))


def fq6_sub(a: Fq6T, b: Fq6T) -> Fq6T:
    return (fq2_sub(a[0], b[0]), fq2_sub(a[1], b[1]), fq2_sub(a[2], b[2]))


def fq6_neg(a: Fq6T) -> Fq6T:
    return (fq2_neg(a[0]), fq2_neg(a[1]), fq2_neg(a[2]))


def fq6_mul_by_v(a: Fq6T, xi: Fq2T) -> Fq6T:
    """(a0 + a1·v + a2·v²)·v = ξ·a2 + a0·v + a1·v², since v³ = ξ."""
    return (fq2_mul_by_xi(a[2], xi), a[0], a[1])


def fq6_mul(a: Fq6T, b: Fq6T, xi: Fq2T) -> Fq6T:
    """Karatsuba over Fq2: six Fq2 products instead of nine.

    With vᵢ = aᵢbᵢ:
      c0 = v0 + ξ·((a1 + a2)(b1 + b2) − v1 − v2)
      c1 = (a0 + a1)(b0 + b1) − v0 − v1 + ξ·v2
      c2 = (a0 + a2)(b0 + b2) − v0 − v2 + v1

    Every Fq12 product runs through here, so the Fq2 arithmetic is written out on
    ints (r = real part, i = u-part; each Fq2 product is fq2_mul's Karatsuba):
    calling fq2_mul and fq2_add would cost as much as the arithmetic itself.
    """
    (a0r, a0i), (a1r, a1i), (a2r, a2i) = a
    (b0r, b0i), (b1r, b1i), (b2r, b2i) = b
    x0, x1 = xi
    # vᵢ = aᵢ·bᵢ
    t, s = a0r * b0r, a0i * b0i
    v0r, v0i = t - s, (a0r + a0i) * (b0r + b0i) - t - s
    t, s = a1r * b1r, a1i * b1i
    v1r, v1i = t - s, (a1r + a1i) * (b1r + b1i) - t - s
    t, s = a2r * b2r, a2i * b2i
    v2r, v2i = t - s, (a2r + a2i) * (b2r + b2i) - t - s
    # m0 = (a1 + a2)(b1 + b2) − v1 − v2
    cr, ci, dr, di = a1r + a2r, a1i + a2i, b1r + b2r, b1i + b2i
    t, s = cr * dr, ci * di
    m0r, m0i = t - s - v1r - v2r, (cr + ci) * (dr + di) - t - s - v1i - v2i
    # m1 = (a0 + a1)(b0 + b1) − v0 − v1
    cr, ci, dr, di = a0r + a1r, a0i + a1i, b0r + b1r, b0i + b1i
    t, s = cr * dr, ci * di
    m1r, m1i = t - s - v0r - v1r, (cr + ci) * (dr + di) - t - s - v0i - v1i
    # m2 = (a0 + a2)(b0 + b2) − v0 − v2
    cr, ci, dr, di = a0r + a2r, a0i + a2i, b0r + b2r, b0i + b2i
    t, s = cr * dr, ci * di
    m2r, m2i = t - s - v0r - v2r, (cr + ci) * (dr + di) - t - s - v0i - v2i
    # c0 = v0 + ξ·m0,  c1 = m1 + ξ·v2,  c2 = m2 + v1
    return (
        (v0r + m0r * x0 - m0i * x1, v0i + m0r * x1 + m0i * x0),
        (m1r + v2r * x0 - v2i * x1, m1i + v2r * x1 + v2i * x0),
        (m2r + v1r, m2i + v1i),
    )


def fq6_sqr(a: Fq6T, xi: Fq2T) -> Fq6T:
    """Chung–Hasan squaring (CH-SQR2): two squarings and three products in Fq2.

    s0 = a0², s1 = 2·a0·a1, s2 = (a0 − a1 + a2)², s3 = 2·a1·a2, s4 = a2²
    c0 = s0 + ξ·s3,  c1 = s1 + ξ·s4,  c2 = s1 + s2 + s3 − s0 − s4
    """
    a0, a1, a2 = a
    s0 = fq2_sqr(a0)
    ab = fq2_mul(a0, a1)
    s1 = fq2_add(ab, ab)
    s2 = fq2_sqr(fq2_add(fq2_sub(a0, a1), a2))
    bc = fq2_mul(a1, a2)
    s3 = fq2_add(bc, bc)
    s4 = fq2_sqr(a2)
    return (
        fq2_add(s0, fq2_mul_by_xi(s3, xi)),
        fq2_add(s1, fq2_mul_by_xi(s4, xi)),
        fq2_sub(fq2_add(fq2_add(s1, s2), s3), fq2_add(s0, s4)),
    )


def fq6_reduce(a: Fq6T, p: int) -> Fq6T:
    (a0, a1), (a2, a3), (a4, a5) = a
    return ((a0 % p, a1 % p), (a2 % p, a3 % p), (a4 % p, a5 % p))


def fq6_inv(a: Fq6T, xi: Fq2T, p: int) -> Fq6T:
    """Inverse through the adjugate; the caller makes sure a ≠ 0.

    t0 = a0² − ξ·a1·a2,  t1 = ξ·a2² − a0·a1,  t2 = a1² − a0·a2
    a⁻¹ = (t0 + t1·v + t2·v²) / (a0·t0 + ξ·(a2·t1 + a1·t2))
    """
    a0, a1, a2 = a
    t0 = fq2_reduce(fq2_sub(fq2_sqr(a0), fq2_mul_by_xi(fq2_mul(a1, a2), xi)), p)
    t1 = fq2_reduce(fq2_sub(fq2_mul_by_xi(fq2_sqr(a2), xi), fq2_mul(a0, a1)), p)
    t2 = fq2_reduce(fq2_sub(fq2_sqr(a1), fq2_mul(a0, a2)), p)
    d = fq2_add(fq2_mul(a0, t0), fq2_mul_by_xi(fq2_add(fq2_mul(a2, t1), fq2_mul(a1, t2)), xi))
    d_inv = fq2_inv(fq2_reduce(d, p), p)
    return (
        fq2_reduce(fq2_mul(t0, d_inv), p),
        fq2_reduce(fq2_mul(t1, d_inv), p),
        fq2_reduce(fq2_mul(t2, d_inv), p),
    )


# -------------------------------------------------------------------- Fq12


def fq12_add(a: Fq12T, b: Fq12T) -> Fq12T:
    return (fq6_add(a[0], b[0]), fq6_add(a[1], b[1]))


def fq12_neg(a: Fq12T) -> Fq12T:
    return (fq6_neg(a[0]), fq6_neg(a[1]))


def fq12_conj(a: Fq12T) -> Fq12T:
    """a0 − a1·w: the map w ↦ −w, which is a ↦ a^(p⁶). On the unit circle it inverts."""
    return (a[0], fq6_neg(a[1]))


def fq12_mul(a: Fq12T, b: Fq12T, xi: Fq2T, p: int) -> Fq12T:
    """Karatsuba over Fq6: three Fq6 products (18 in Fq2, 54 in Fq). Returns it reduced.

    t0 = a0b0,  t1 = a1b1,  t2 = (a0 + a1)(b0 + b1)
    c0 = t0 + v·t1,  c1 = t2 − t0 − t1   (fq12_karatsuba_combine)
    """
    a0, a1 = a
    b0, b1 = b
    t0 = fq6_mul(a0, b0, xi)
    t1 = fq6_mul(a1, b1, xi)
    t2 = fq6_mul(fq6_add(a0, a1), fq6_add(b0, b1), xi)
    return fq12_karatsuba_combine(t0, t1, t2, xi, p)


def fq12_karatsuba_combine(t0: Fq6T, t1: Fq6T, t2: Fq6T, xi: Fq2T, p: int) -> Fq12T:
    """The last step of a Karatsuba product over Fq6, reduced: c0 = t0 + v·t1, c1 = t2 − t0 − t1.

    Here t0 = a0b0, t1 = a1b1, t2 = (a0 + a1)(b0 + b1), unreduced; v·t1 = (ξ·t1₂, t1₀, t1₁).
    Written out on ints and fused with the reduction mod p.
    """
    (p0r, p0i), (p1r, p1i), (p2r, p2i) = t0
    (q0r, q0i), (q1r, q1i), (q2r, q2i) = t1
    (s0r, s0i), (s1r, s1i), (s2r, s2i) = t2
    x0, x1 = xi
    return (
        (
            ((p0r + q2r * x0 - q2i * x1) % p, (p0i + q2r * x1 + q2i * x0) % p),
            ((p1r + q0r) % p, (p1i + q0i) % p),
            ((p2r + q1r) % p, (p2i + q1i) % p),
        ),
        (
            ((s0r - p0r - q0r) % p, (s0i - p0i - q0i) % p),
            ((s1r - p1r - q1r) % p, (s1i - p1i - q1i) % p),
            ((s2r - p2r - q2r) % p, (s2i - p2i - q2i) % p),
        ),
    )


def fq12_sqr(a: Fq12T, xi: Fq2T) -> Fq12T:
    """Complex squaring: two Fq6 products.

    t = a0·a1;  c0 = (a0 + a1)(a0 + v·a1) − t − v·t,  c1 = 2t
    """
    a0, a1 = a
    t = fq6_mul(a0, a1, xi)
    s = fq6_mul(fq6_add(a0, a1), fq6_add(a0, fq6_mul_by_v(a1, xi)), xi)
    return (fq6_sub(s, fq6_add(t, fq6_mul_by_v(t, xi))), fq6_add(t, t))


def fq12_reduce(a: Fq12T, p: int) -> Fq12T:
    return (fq6_reduce(a[0], p), fq6_reduce(a[1], p))


def fq12_inv(a: Fq12T, xi: Fq2T, p: int) -> Fq12T:
    """(a0 + a1·w)⁻¹ = (a0 − a1·w) / (a0² − v·a1²); the caller makes sure a ≠ 0."""
    a0, a1 = a
    d = fq6_reduce(fq6_sub(fq6_sqr(a0, xi), fq6_mul_by_v(fq6_sqr(a1, xi), xi)), p)
    d_inv = fq6_inv(d, xi, p)
    return fq12_mul(fq12_conj(a), (d_inv, ((0, 0), (0, 0), (0, 0))), xi, p)


# --------------------------------------------------------------- Frobenius
#
# With w⁶ = ξ, every element of Fq12 is Σ cₑ·wᵉ (e = 0…5, cₑ ∈ Fq2), and Fq6 ∋ v = w².
# (cₑ·wᵉ)^(pᵏ) = cₑ^(pᵏ) · wᵉ · w^(e(pᵏ−1)) = frobₖ(cₑ) · ξ^(e(pᵏ−1)/6) · wᵉ,
# so the Frobenius map needs only the constants γₖ,ₑ = ξ^(e(pᵏ−1)/6) ∈ Fq2
# (6 | pᵏ − 1 because p ≡ 1 mod 6) and a conjugation of cₑ when k is odd.


def frobenius_coefficients(xi: Fq2T, p: int) -> list[list[Fq2T]]:
    """The table `γ[k][e]` = ξ^(e(pᵏ − 1)/6) for k = 0…11 and e = 0…5, computed from ξ and p.

    γ₁,ₑ is one exponentiation; then γₖ,ₑ = ξ^(e(pᵏ⁻¹−1)/6 · p) · ξ^(e(p−1)/6)
    = conj(γₖ₋₁,ₑ) · γ₁,ₑ, since raising to the p-th power is conjugation in Fq2.
    """
    if (p - 1) % 6:
        raise ValueError("the Frobenius constants need p ≡ 1 (mod 6)")
    g1 = [fq2_pow(xi, e * (p - 1) // 6, p) for e in range(6)]
    table = [[(1, 0)] * 6, g1]
    for _ in range(2, 12):
        prev = table[-1]
        table.append([fq2_reduce(fq2_mul(fq2_conj(prev[e]), g1[e]), p) for e in range(6)])
    return table


def fq2_pow(a: Fq2T, e: int, p: int) -> Fq2T:
    """a^e in Fq2 for e ≥ 0, by left-to-right square-and-multiply."""
    result: Fq2T = (1, 0)
    for bit in bin(e)[2:]:
        result = fq2_reduce(fq2_sqr(result), p)
        if bit == "1":
            result = fq2_reduce(fq2_mul(result, a), p)
    return result


def fq2_frobenius(a: Fq2T, k: int, p: int) -> Fq2T:
    """a^(pᵏ): the identity for even k, conjugation for odd k."""
    return (a[0], -a[1] % p) if k & 1 else a


def _frobenius_of_fq6(a: Fq6T, k: int, gammas: list[Fq2T], p: int) -> Fq6T:
    """Σ frobₖ(aᵢ) · gammas[i] · vⁱ: the coefficient-wise part of both maps below."""
    return tuple(  # type: ignore[return-value]
        fq2_reduce(fq2_mul(fq2_frobenius(a[i], k, p), gammas[i]), p) for i in range(3)
    )


def fq6_frobenius(a: Fq6T, k: int, table: list[list[Fq2T]], p: int) -> Fq6T:
    """a^(pᵏ) = Σ frobₖ(aᵢ) · γₖ,₂ᵢ · vⁱ, since vⁱ = w²ⁱ."""
    return _frobenius_of_fq6(a, k, table[k % 12][0::2], p)


def fq12_frobenius(a: Fq12T, k: int, table: list[list[Fq2T]], p: int) -> Fq12T:
    """a^(pᵏ), with a0's vⁱ = w²ⁱ and a1's vⁱ·w = w²ⁱ⁺¹."""
    g = table[k % 12]
    return (_frobenius_of_fq6(a[0], k, g[0::2], p), _frobenius_of_fq6(a[1], k, g[1::2], p))
