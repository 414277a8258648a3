"""Polynomials and commitments.

- :mod:`zkpot.poly.polynomial` — dense polynomials over a scalar field.
- :mod:`zkpot.poly.ntt`, :mod:`zkpot.poly.domain` — the NTT, evaluation domains and
  polynomials in evaluation form.
- :mod:`zkpot.poly.kzg` — KZG commitments (SRS, commit, open, verify, batched).
- :mod:`zkpot.poly.eip4844` — KZG exactly as EIP-4844 specifies it.
- :mod:`zkpot.poly.ptau`, :mod:`zkpot.poly.ceremony` — snarkjs's powers-of-tau files and
  zkpot's own multi-party ceremony.

It builds on :mod:`zkpot.field`, :mod:`zkpot.curve` and :mod:`zkpot.hash`.
"""
