"""Hash functions (to come).

This package will hold Keccak-256 (for the PLONK transcript, as snarkjs uses
it) and the Poseidon permutation over BN254's scalar field, compatible with
circomlib. It builds on :mod:`zkpot.field` only.
"""
