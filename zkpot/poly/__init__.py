"""Polynomials and commitments (to come).

This package will hold dense polynomials over Fr, evaluation domains and the
number-theoretic transform, KZG commitments, KZG exactly as EIP-4844 specifies
it, and a multi-party powers-of-tau ceremony. It builds on :mod:`zkpot.field`,
:mod:`zkpot.curve` and :mod:`zkpot.hash`.
"""
