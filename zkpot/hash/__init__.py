"""Hash functions and Fiat–Shamir transcripts.

- :mod:`zkpot.hash.transcript` — a SHA-256 Fiat–Shamir transcript.

Keccak-256 (for PLONK's snarkjs-compatible transcript) and Poseidon (circomlib's
hash) are to come. It builds on :mod:`zkpot.field` only.
"""
