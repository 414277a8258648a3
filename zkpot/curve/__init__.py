"""Elliptic-curve groups and pairings: BN254 and BLS12-381.

- :mod:`zkpot.curve.bn254`, :mod:`zkpot.curve.bls12_381` — each curve's ``G1``,
  ``G2``, ``pairing`` and ``pairing_check`` (and its fields ``Fq``, ``Fr``,
  ``Fq2``, ``Fq12``).
- :func:`msm` — multi-scalar multiplication Σ kᵢ·Pᵢ (Pippenger).
- :mod:`zkpot.curve.evm` — the BN254 precompiles of the EVM.
- :mod:`zkpot.curve.encoding` — point encodings (EIP-196/197, compressed, Zcash).
- :mod:`zkpot.curve.hash_to_curve` — hashing to BLS12-381's G2 (RFC 9380).
- :mod:`zkpot.curve.bls` — BLS signatures as Ethereum's consensus layer makes them.

Invalid points and encodings raise :class:`InvalidInput` (a ``ValueError``).
"""

import importlib

from zkpot.curve import bls12_381, bn254
from zkpot.curve.pippenger import msm
from zkpot.errors import InvalidInput

__all__ = ["InvalidInput", "bls12_381", "bn254", "msm"]

_ON_FIRST_USE = ("bls", "hash_to_curve")  # loaded when first named, not with the package


def __getattr__(name: str) -> object:
    """``zkpot.curve.bls`` and ``zkpot.curve.hash_to_curve``, imported on first use (PEP 562)."""
    if name in _ON_FIRST_USE:
        return importlib.import_module(f"zkpot.curve.{name}")
    raise AttributeError(f"module 'zkpot.curve' has no attribute {name!r}")
