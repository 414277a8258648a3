"""Elliptic-curve groups and pairings (to come).

This package will hold the short-Weierstrass groups G1 and G2 of BN254 and
BLS12-381, scalar multiplication, Pippenger's multi-scalar multiplication, the
optimal ate pairing, point encodings and the EVM precompile semantics
(EIP-196, EIP-197). It builds on :mod:`zkpot.field` only.
"""
