"""Hash functions and Fiat–Shamir transcripts.

- :mod:`zkpot.hash.keccak` — Keccak-f[1600], Keccak-256 (Ethereum's, snarkjs's) and SHA3-256.
- :mod:`zkpot.hash.poseidon` — Poseidon over BN254's Fr, circomlib-compatible, and commitments.
- :mod:`zkpot.hash.transcript` — a SHA-256 Fiat–Shamir transcript.

It builds on :mod:`zkpot.field` only.
"""

from zkpot.hash.keccak import Keccak256, keccak256, sha3_256
from zkpot.hash.poseidon import poseidon

__all__ = ["Keccak256", "keccak256", "poseidon", "sha3_256"]
