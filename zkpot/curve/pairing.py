"""The optimal ate pairing e: G1 × G2 → GT ⊂ Fq12*, for BN and BLS12 curves.

Vercauteren, "Optimal Pairings" (IEEE Trans. IT, 2010). The pairing is

    e(P, Q) = f_{ℓ,Q}(P) ^ ((p¹² − 1)/r)

where f_{ℓ,Q} is the Miller function of the loop count ℓ (6u + 2 for BN254,
|x| for BLS12-381) and the exponent maps the result into the group of r-th
roots of unity. The Miller loop walks the bits of ℓ: each step doubles a point
T on the twist (and sometimes adds Q), and multiplies the line through those
points, evaluated at P, into the accumulator f.

Lines use homogeneous projective coordinates on the twist (no inversion per
step), following Costello, Lange, Naehrig, "Faster Pairing Computations on
Curves with High-Degree Twists" (PKC 2010) and Aranha, Karabina, Longa,
Gebotys, López, "Faster Explicit Formulas for Computing Pairings over Ordinary
Curves" (Eurocrypt 2011). The final exponentiation is exact — the same value as
raising to (p¹² − 1)/r — with the hard part (p⁴ − p² + 1)/r written in base p
and computed as a simultaneous power of Frobenius images (Straus's trick), each
squaring a cyclotomic one.

Plain-int kernel: points are raw tuples, Fq12 values nested tuples of ints.
"""

from __future__ import annotations

from typing import Literal

from zkpot.curve.fq12ops import fq12_cyclotomic_sqr, fq12_mul_by_line
from zkpot.curve.scalar import wnaf
from zkpot.field import towerops as T
from zkpot.field.towerops import Fq2T, Fq12T

Twist = Literal["D", "M"]
G1Affine = tuple[int, int]
G2Affine = tuple[Fq2T, Fq2T]
Line = tuple[Fq2T, Fq2T, Fq2T]  # (a, b0, b1) for fq12_mul_by_line
ONE12: Fq12T = (((1, 0), (0, 0), (0, 0)), ((0, 0), (0, 0), (0, 0)))


class OptimalAte:
    """The pairing of one curve: its parameters, the Miller loop and the final exponentiation.

    Args:
        p: the base-field prime; r: the group order.
        xi: ξ of the tower (Fq6 = Fq2[v]/(v³ − ξ)).
        twist_b: b' of the twist E': y² = x³ + b' over Fq2 on which G2 lives.
        twist: "D" (b' = b/ξ, untwisting (x, y) ↦ (x·w², y·w³), as BN254) or
            "M" (b' = b·ξ, untwisting (x, y) ↦ (x/w², y/w³), as BLS12-381).
        loop: the ate loop count ℓ > 0 (6u + 2, or |x|).
        negative_seed: conjugate f after the loop (BLS12-381's x < 0).
        frobenius_steps: add π(Q) and −π²(Q) after the loop (BN curves).
        frobenius_table: the table `γ[k][e]` = ξ^(e(pᵏ − 1)/6), from the field layer.
    """

    def __init__(
        self,
        *,
        p: int,
        r: int,
        xi: Fq2T,
        twist_b: Fq2T,
        twist: Twist,
        loop: int,
        negative_seed: bool,
        frobenius_steps: bool,
        frobenius_table: list[list[Fq2T]],
    ) -> None:
        if twist not in ("D", "M"):
            raise ValueError(f"twist must be 'D' or 'M', not {twist!r}")
        self.p, self.r, self.xi, self.twist = p, r, xi, twist
        self.b3 = T.fq2_reduce(T.fq2_mul_scalar(twist_b, 3), p)  # 3b'
        self.half = pow(2, -1, p)
        self.loop_digits = wnaf(loop, 2)[::-1]  # signed binary (NAF), most significant first
        self.negative_seed, self.frobenius_steps = negative_seed, frobenius_steps
        self.gamma = frobenius_table
        # the hard part (p⁴ − p² + 1)/r in base p: f^hard = Π frobᵢ(f)^(dᵢ)
        hard, rest = divmod(p**4 - p**2 + 1, r)
        if rest:
            raise ValueError("r does not divide p⁴ − p² + 1: not an embedding-degree-12 curve")
        self.hard_digits = []
        while hard:
            hard, digit = divmod(hard, p)
            self.hard_digits.append(digit)

    # -- lines -------------------------------------------------------------

    def _line(self, a: Fq2T, coeff_x: Fq2T, coeff_w3: Fq2T, yP: int) -> Line:
        """Place a line's three coefficients for the twist type.

        The line through points of the twist, evaluated at P = (xP, yP), is
        a·yP + c_x·w + c₃·w³ (D-type) or, times ξ, ξ·a·yP + c₃·w³ + c_x·w⁵ (M-type),
        with c_x already multiplied by xP.
        """
        a = T.fq2_mul_scalar(a, yP)
        if self.twist == "D":
            return (T.fq2_reduce(a, self.p), coeff_x, coeff_w3)
        return (T.fq2_reduce(T.fq2_mul_by_xi(a, self.xi), self.p), coeff_w3, coeff_x)

    def _double_step(self, Tp: tuple[Fq2T, Fq2T, Fq2T], P: G1Affine):
        """T ← 2T and the tangent line at T, evaluated at P.

        With T = (X : Y : Z), λ' = 3X²/(2YZ); times 2YZ the line is
        2YZ·yP − 3X²·xP·w + (Y² − 3b'Z²)·w³ (the curve equation removes the X³).
          X₃ = XY/2 · (Y² − 9b'Z²),  Y₃ = ((Y² + 9b'Z²)/2)² − 27b'²Z⁴,  Z₃ = 2Y³Z

        Every pair runs this once per bit, so the Fq2 arithmetic is written out on
        ints (r = real part, i = u-part; products by Karatsuba, squares as (a+b)(a−b)).
        """
        p, half = self.p, self.half
        (Xr, Xi), (Yr, Yi), (Zr, Zi) = Tp
        br, bi = self.b3
        t, s = Xr * Yr, Xi * Yi  # A = XY/2
        Ar, Ai = (t - s) * half % p, ((Xr + Xi) * (Yr + Yi) - t - s) * half % p
        Br, Bi = (Yr + Yi) * (Yr - Yi) % p, 2 * Yr * Yi % p  # B = Y²
        Cr, Ci = (Zr + Zi) * (Zr - Zi) % p, 2 * Zr * Zi % p  # C = Z²
        t, s = br * Cr, bi * Ci  # E = 3b'·C
        Er, Ei = (t - s) % p, ((br + bi) * (Cr + Ci) - t - s) % p
        Fr, Fi = 3 * Er, 3 * Ei  # F = 9b'Z²
        Dr, Di = Br - Fr, Bi - Fi  # X₃ = A·(B − F)
        t, s = Ar * Dr, Ai * Di
        X3 = ((t - s) % p, ((Ar + Ai) * (Dr + Di) - t - s) % p)
        Gr, Gi = (Br + Fr) * half % p, (Bi + Fi) * half % p  # G = (B + F)/2
        Y3 = (  # Y₃ = G² − 3E²
            ((Gr + Gi) * (Gr - Gi) - 3 * (Er + Ei) * (Er - Ei)) % p,
            (2 * Gr * Gi - 6 * Er * Ei) % p,
        )
        t, s = Yr * Zr, Yi * Zi  # H = 2YZ
        Hr, Hi = 2 * (t - s) % p, 2 * ((Yr + Yi) * (Zr + Zi) - t - s) % p
        t, s = Br * Hr, Bi * Hi  # Z₃ = B·H
        Z3 = ((t - s) % p, ((Br + Bi) * (Hr + Hi) - t - s) % p)
        k = -3 * P[0]  # the line's coefficients: −3X²·xP, Y² − 3b'Z², and H (times yP)
        x_coeff = ((Xr + Xi) * (Xr - Xi) * k % p, 2 * Xr * Xi * k % p)
        w3_coeff = ((Br - Er) % p, (Bi - Ei) % p)
        return (X3, Y3, Z3), self._line((Hr, Hi), x_coeff, w3_coeff, P[1])

    def _add_step(self, Tp: tuple[Fq2T, Fq2T, Fq2T], Q: G2Affine, P: G1Affine):
        """T ← T + Q (Q affine) and the line through T and Q, evaluated at P.

        θ = Y − yQ·Z, λ = X − xQ·Z (so the slope is θ/λ); times λ the line is
        λ·yP − θ·xP·w + (θ·xQ − λ·yQ)·w³.
          X₃ = λH,  Y₃ = θ(G − H) − Yλ³,  Z₃ = Zλ³,  with H = λ³ + Zθ² − 2Xλ², G = Xλ²

        Written out on ints like :meth:`_double_step`; ``mul`` is one Karatsuba Fq2 product.
        """
        p = self.p
        (Xr, Xi), (Yr, Yi), (Zr, Zi) = Tp
        (xr, xi), (yr, yi) = Q

        def mul(ar: int, ai: int, br: int, bi: int) -> tuple[int, int]:
            t, s = ar * br, ai * bi
            return (t - s) % p, ((ar + ai) * (br + bi) - t - s) % p

        yz, xz = mul(yr, yi, Zr, Zi), mul(xr, xi, Zr, Zi)
        th_r, th_i = (Yr - yz[0]) % p, (Yi - yz[1]) % p  # θ = Y − yQ·Z
        la_r, la_i = (Xr - xz[0]) % p, (Xi - xz[1]) % p  # λ = X − xQ·Z
        Cr, Ci = (th_r + th_i) * (th_r - th_i) % p, 2 * th_r * th_i % p  # C = θ²
        Dr, Di = (la_r + la_i) * (la_r - la_i) % p, 2 * la_r * la_i % p  # D = λ²
        Er, Ei = mul(la_r, la_i, Dr, Di)  # E = λ³
        Fr, Fi = mul(Zr, Zi, Cr, Ci)  # F = Z·θ²
        Gr, Gi = mul(Xr, Xi, Dr, Di)  # G = X·λ²
        Hr, Hi = (Er + Fr - 2 * Gr) % p, (Ei + Fi - 2 * Gi) % p  # H = E + F − 2G
        X3 = mul(la_r, la_i, Hr, Hi)
        a, b = mul(th_r, th_i, Gr - Hr, Gi - Hi)
        c, d = mul(Yr, Yi, Er, Ei)
        Y3 = ((a - c) % p, (b - d) % p)
        Z3 = mul(Zr, Zi, Er, Ei)
        k = -P[0]  # the line's coefficients: −θ·xP, θ·xQ − λ·yQ, and λ (times yP)
        x_coeff = (th_r * k % p, th_i * k % p)
        a, b = mul(th_r, th_i, xr, xi)
        c, d = mul(la_r, la_i, yr, yi)
        return (X3, Y3, Z3), self._line((la_r, la_i), x_coeff, ((a - c) % p, (b - d) % p), P[1])

    # -- Miller loop ---------------------------------------------------------

    def miller_loop(self, pairs: list[tuple[G1Affine, G2Affine]]) -> Fq12T:
        """Π f_{ℓ,Qᵢ}(Pᵢ): one shared accumulator, squared once per bit for all pairs.

        Points are affine and finite (pairs with a point at infinity contribute 1:
        the caller leaves them out).
        """
        p, xi = self.p, self.xi
        shift = 0 if self.twist == "D" else 1
        f = ONE12
        points = [(Q[0], Q[1], (1, 0)) for _, Q in pairs]
        negated = [(Q[0], T.fq2_reduce(T.fq2_neg(Q[1]), p)) for _, Q in pairs]
        for i, digit in enumerate(self.loop_digits[1:]):
            if i:
                f = T.fq12_sqr(f, xi)
                f = T.fq12_reduce(f, p)
            for j, (P, Q) in enumerate(pairs):
                points[j], line = self._double_step(points[j], P)
                f = fq12_mul_by_line(f, *line, shift, xi, p)
                if digit:
                    addend = Q if digit > 0 else negated[j]
                    points[j], line = self._add_step(points[j], addend, P)
                    f = fq12_mul_by_line(f, *line, shift, xi, p)
        if self.negative_seed:
            f = T.fq12_reduce(T.fq12_conj(f), p)  # f_{−ℓ} = 1/f_ℓ up to the final exponent
        if self.frobenius_steps:
            for j, (P, Q) in enumerate(pairs):
                q1 = self._frobenius_twist(Q, 1)
                x2, y2 = self._frobenius_twist(Q, 2)
                points[j], line = self._add_step(points[j], q1, P)
                f = fq12_mul_by_line(f, *line, shift, xi, p)
                _, line = self._add_step(points[j], (x2, T.fq2_reduce(T.fq2_neg(y2), p)), P)
                f = fq12_mul_by_line(f, *line, shift, xi, p)
        return f

    def _frobenius_twist(self, Q: G2Affine, k: int) -> G2Affine:
        """πᵏ(Q) on a D-type twist: (x^(pᵏ)·ξ^((pᵏ−1)/3), y^(pᵏ)·ξ^((pᵏ−1)/2)).

        Untwisted, x·w² ↦ x^(pᵏ)·w^(2pᵏ) = x^(pᵏ)·w²·ξ^((pᵏ−1)/3), since w⁶ = ξ; likewise y·w³.
        """
        p, g = self.p, self.gamma[k]
        x, y = (T.fq2_frobenius(c, k, p) for c in Q)
        return (_mul(x, g[2], p), _mul(y, g[3], p))

    # -- final exponentiation ----------------------------------------------

    def final_exponentiation(self, f: Fq12T) -> Fq12T:
        """f^((p¹² − 1)/r) = f^((p⁶ − 1)(p² + 1) · (p⁴ − p² + 1)/r).

        Easy part: f^(p⁶ − 1) = conj(f)/f, then ·^(p² + 1) with one Frobenius. The
        result lies in the cyclotomic subgroup, where the hard part's squarings are
        cyclotomic squarings.
        """
        p, xi, table = self.p, self.xi, self.gamma
        f = T.fq12_mul(T.fq12_conj(f), T.fq12_inv(f, xi, p), xi, p)  # f^(p⁶ − 1)
        f = T.fq12_mul(T.fq12_frobenius(f, 2, table, p), f, xi, p)  # ·^(p² + 1)
        # hard part: Π frobᵢ(f)^(dᵢ), all digits' bits consumed together (Straus)
        bases = [f] + [T.fq12_frobenius(f, i, table, p) for i in range(1, len(self.hard_digits))]
        products = [ONE12] * (1 << len(bases))  # products[m] = Π of the bases in mask m
        for mask in range(1, len(products)):
            low = mask & -mask
            rest = products[mask ^ low]
            base = bases[low.bit_length() - 1]
            products[mask] = base if rest is ONE12 else T.fq12_mul(rest, base, xi, p)
        result = ONE12
        for bit in range(max(d.bit_length() for d in self.hard_digits) - 1, -1, -1):
            result = fq12_cyclotomic_sqr(result, xi, p)
            mask = sum(((d >> bit) & 1) << i for i, d in enumerate(self.hard_digits))
            if mask:
                result = T.fq12_mul(result, products[mask], xi, p)
        return result

    def pairing_product(self, pairs: list[tuple[G1Affine | None, G2Affine | None]]) -> Fq12T:
        """Π e(Pᵢ, Qᵢ): one Miller loop over all pairs, one final exponentiation."""
        finite = [(P, Q) for P, Q in pairs if P is not None and Q is not None]
        if not finite:
            return ONE12
        return self.final_exponentiation(self.miller_loop(finite))


def _mul(a: Fq2T, b: Fq2T, p: int) -> Fq2T:
    return T.fq2_reduce(T.fq2_mul(a, b), p)
