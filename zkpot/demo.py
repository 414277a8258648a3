"""The guided tour behind ``zkpot demo``.

For now it tours the field layer; it grows, layer by layer, into the full ZKPoT
flow (train, prove, verify, reach consensus).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from zkpot.field import bn254


def _short(n: int) -> str:
    s = str(n)
    return s if len(s) <= 24 else f"{s[:10]}…{s[-10:]} ({n.bit_length()} bits)"


def field_tour(say: Callable[[str], None] = print, seed: int = 2024) -> None:
    """Print the field-layer tour: each value with what it means and a check that it holds."""
    u = bn254.SEED
    say("zkpot demo — a tour of the field layer (BN254)\n")

    say("1. The curve's primes, derived from one seed")
    say(f"   u = {u}")
    say(f"   p = 36u⁴ + 36u³ + 24u² + 6u + 1 = {bn254.P}")
    say(f"   r = 36u⁴ + 36u³ + 18u² + 6u + 1 = {bn254.R}")
    say("   p is the base field (point coordinates); r is the group order (circuits, scalars).\n")

    n = 1 << bn254.Fr.TWO_ADICITY
    w = bn254.root_of_unity(n)
    say(f"2. A root of unity of order 2^{bn254.Fr.TWO_ADICITY} in Fr")
    say(f"   r − 1 = 2^{bn254.Fr.TWO_ADICITY} · t with t odd, so Fr holds {n} roots of unity.")
    say(f"   ω = 5^((r − 1)/2^28) = {_short(int(w))}")
    say(f"   ω^(2^28) = {w**n}   and   ω^(2^27) = −1: {w ** (n // 2) == -1}")
    say("   PLONK evaluates its polynomials on the powers of such an ω (the NTT's domain).\n")

    two, three = bn254.Fq(2), bn254.Fq(3)
    root = two.sqrt()
    say("3. A square root in Fq (p ≡ 3 mod 4, so √a = a^((p+1)/4))")
    say(f"   Is 3 a square mod p? {three.is_square()} (Legendre symbol {three.legendre()})")
    say(f"   Is 2 a square mod p? {two.is_square()} (Legendre symbol {two.legendre()})")
    say(f"   √2 = {_short(int(root))};   (√2)² = {root * root}")
    say("   Decompressing a curve point needs exactly this: y = √(x³ + 3).\n")

    rng = random.Random(seed)
    a = bn254.Fq12.random(rng)
    a_inv = a.inverse()
    say("4. An inverse in Fq12 = Fq6[w]/(w² − v), Fq6 = Fq2[v]/(v³ − (9+u)), Fq2 = Fq[u]/(u²+1)")
    say(f"   a = a random element: 12 coordinates in Fq, the first {_short(a.flat()[0])}")
    say("   a⁻¹ = (a0 − a1·w)/(a0² − v·a1²): one inversion in Fq6, which needs one in Fq2,")
    say("   which needs one in Fq: an Fq12 inverse costs some products and a single Fq inverse.")
    say(f"   a · a⁻¹ == 1: {(a * a_inv).is_one()}")
    say("   Pairings take their values in Fq12; the next layer (curves) will build on this.")
