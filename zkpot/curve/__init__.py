"""Elliptic-curve groups and pairings: BN254 and BLS12-381.

- :mod:`zkpot.curve.bn254`, :mod:`zkpot.curve.bls12_381` — each curve's ``G1``,
  ``G2``, ``pairing`` and ``pairing_check`` (and its fields ``Fq``, ``Fr``,
  ``Fq2``, ``Fq12``).
- :func:`msm` — multi-scalar multiplication Σ kᵢ·Pᵢ (Pippenger).
- :mod:`zkpot.curve.evm` — the BN254 precompiles of the EVM.
- :mod:`zkpot.curve.encoding` — point encodings (EIP-196/197, compressed, Zcash).

Invalid points and encodings raise :class:`InvalidInput` (a ``ValueError``).
"""

from zkpot.curve import bls12_381, bn254
from zkpot.curve.pippenger import msm
from zkpot.errors import InvalidInput

__all__ = ["InvalidInput", "bls12_381", "bn254", "msm"]
