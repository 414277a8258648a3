"""Finite fields: prime fields GF(p) and the 2-3-2 extension tower Fq2 ⊂ Fq6 ⊂ Fq12.

- :mod:`zkpot.field.prime` — :class:`PrimeField`, :func:`prime_field`.
- :mod:`zkpot.field.extension` — :class:`ExtensionField`, what the levels share.
- :mod:`zkpot.field.tower` — Fq2, Fq6, Fq12, generic in p and ξ.
- :mod:`zkpot.field.towerops` — the plain-int kernels the tower runs on.
- :mod:`zkpot.field.batch` — :func:`batch_inverse` (Montgomery's trick).
- :mod:`zkpot.field.bn254`, :mod:`zkpot.field.bls12_381` — the two curves' fields.
"""

from zkpot.field.batch import batch_inverse
from zkpot.field.extension import ExtensionField
from zkpot.field.prime import PrimeField, prime_field
from zkpot.field.tower import CubicExtension, DodecicExtension, QuadraticExtension

__all__ = [
    "CubicExtension",
    "DodecicExtension",
    "ExtensionField",
    "PrimeField",
    "QuadraticExtension",
    "batch_inverse",
    "prime_field",
]
