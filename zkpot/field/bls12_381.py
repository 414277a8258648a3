"""The fields of BLS12-381: the curve of EIP-4844, Ethereum's consensus layer and Zcash.

BLS12-381 is a Barreto–Lynn–Scott curve of embedding degree 12 (Bowe, "BLS12-381:
New zk-SNARK Elliptic Curve Construction", 2017). Its primes are polynomials in
the seed x::

    r = x⁴ − x² + 1
    p = (x − 1)² · r / 3 + x,      x = −0xd201000000010000

The tower is Fq2 = Fq[u]/(u² + 1), Fq6 = Fq2[v]/(v³ − (1 + u)), Fq12 = Fq6[w]/(w² − v).
"""

from __future__ import annotations

from zkpot.field.prime import PrimeField
from zkpot.field.tower import CubicExtension, DodecicExtension, QuadraticExtension

SEED = -0xD201000000010000
"""The BLS parameter x; it is negative, and has low Hamming weight for a fast Miller loop."""

R = SEED**4 - SEED**2 + 1
"""The prime order r of G1, G2 and GT: the scalar field's modulus (255 bits)."""

P = (SEED - 1) ** 2 * R // 3 + SEED
"""The base-field prime p, a 381-bit number."""


class Fq(PrimeField):
    """The base field GF(p)."""

    __slots__ = ()
    MODULUS = P


class Fr(PrimeField):
    """The scalar field GF(r); r − 1 = 2³² · t, roots of unity derived from 7 as in EIP-4844."""

    __slots__ = ()
    MODULUS = R
    MULTIPLICATIVE_GENERATOR = 7


class Fq2(QuadraticExtension):
    """Fq2 = Fq[u] / (u² + 1)."""

    __slots__ = ()
    BASE = Fq


class Fq6(CubicExtension):
    """Fq6 = Fq2[v] / (v³ − ξ) with ξ = 1 + u."""

    __slots__ = ()
    BASE = Fq2
    XI = (1, 1)


class Fq12(DodecicExtension):
    """Fq12 = Fq6[w] / (w² − v)."""

    __slots__ = ()
    BASE = Fq6


root_of_unity = Fr.root_of_unity
