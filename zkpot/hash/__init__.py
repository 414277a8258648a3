"""Hash functions and Fiat–Shamir transcripts.

- :mod:`zkpot.hash.keccak` — Keccak-f[1600], Keccak-256 (Ethereum's, snarkjs's) and SHA3-256.
- :mod:`zkpot.hash.transcript` — a SHA-256 Fiat–Shamir transcript.

Poseidon (circomlib's hash) is to come. It builds on :mod:`zkpot.field` only.
"""

from zkpot.hash.keccak import Keccak256, keccak256, sha3_256

__all__ = ["Keccak256", "keccak256", "sha3_256"]
