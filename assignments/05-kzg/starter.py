"""Assignment 5: KZG polynomial commitments. Fill in the three bodies; keep the names.

An SRS (zkpot.poly.kzg.SRS) holds srs.g1 = ([τ⁰]₁, [τ¹]₁, …), srs.g2 = ([1]₂, [τ]₂)
and srs.curve (zkpot.curve.bn254 or bls12_381: its G1, G2, R and pairing_check).
A Polynomial (zkpot.poly.polynomial) has .coeffs (ints mod r, lowest first) and
.degree; zkpot.curve.msm(points, scalars) is Σ kᵢ·Pᵢ.

Grade it with:  zkpot assignments check 5 my_kzg.py
"""

from __future__ import annotations

from typing import Any


def commit(srs: Any, poly: Any) -> Any:
    """C = [a(τ)]₁ = Σ aᵢ·[τⁱ]₁, the identity of G1 for the zero polynomial.

    Raises:
        ValueError: if the degree exceeds srs.max_degree.
    """
    raise NotImplementedError


def open(srs: Any, poly: Any, z: int) -> tuple[int, Any]:
    """(y, π): y = a(z) as an int in [0, r), and π = [q(τ)]₁ for the quotient
    q(X) = (a(X) − y)/(X − z)."""
    raise NotImplementedError


def verify(srs: Any, commitment: Any, z: int, y: int, proof: Any) -> bool:
    """Whether e(C − [y]₁, [1]₂) = e(π, [τ − z]₂): True for an honest opening, False
    for any other (y, π)."""
    raise NotImplementedError
