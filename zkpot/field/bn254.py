"""The fields of BN254 (alt_bn128): the curve of Ethereum's precompiles, snarkjs and circom.

BN254 is a Barreto–Naehrig curve: its base-field prime p and group order r are
polynomials in one seed u (Barreto, Naehrig, "Pairing-Friendly Elliptic Curves
of Prime Order", SAC 2005)::

    p = 36u⁴ + 36u³ + 24u² + 6u + 1
    r = 36u⁴ + 36u³ + 18u² + 6u + 1,      u = 4965661367192848881

The tower is Fq2 = Fq[u]/(u² + 1), Fq6 = Fq2[v]/(v³ − (9 + u)), Fq12 = Fq6[w]/(w² − v).

>>> from zkpot.field.bn254 import Fr
>>> Fr(5) + Fr(-1) == Fr(4)
True
"""

from __future__ import annotations

from zkpot.field.prime import PrimeField
from zkpot.field.tower import CubicExtension, DodecicExtension, QuadraticExtension

SEED = 4965661367192848881
"""The BN parameter u (also written x or t in the literature)."""

P = 36 * SEED**4 + 36 * SEED**3 + 24 * SEED**2 + 6 * SEED + 1
"""The base-field prime p, a 254-bit number."""

R = 36 * SEED**4 + 36 * SEED**3 + 18 * SEED**2 + 6 * SEED + 1
"""The prime order r of G1, G2 and GT: the scalar field's modulus."""


class Fq(PrimeField):
    """The base field GF(p): coordinates of points on BN254 live here."""

    __slots__ = ()
    MODULUS = P


class Fr(PrimeField):
    """The scalar field GF(r): circuits, witnesses and polynomials live here.

    r − 1 = 2²⁸ · t, so Fr has roots of unity of every order 2ᵏ with k ≤ 28; they
    are derived from the generator 5, as snarkjs derives them.
    """

    __slots__ = ()
    MODULUS = R
    MULTIPLICATIVE_GENERATOR = 5


class Fq2(QuadraticExtension):
    """Fq2 = Fq[u] / (u² + 1)."""

    __slots__ = ()
    BASE = Fq


class Fq6(CubicExtension):
    """Fq6 = Fq2[v] / (v³ − ξ) with ξ = 9 + u."""

    __slots__ = ()
    BASE = Fq2
    XI = (9, 1)


class Fq12(DodecicExtension):
    """Fq12 = Fq6[w] / (w² − v): the field in which pairings take their values."""

    __slots__ = ()
    BASE = Fq6


root_of_unity = Fr.root_of_unity
