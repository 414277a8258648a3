"""The PLONK proof system (to come).

This package will hold the circuit builder and its gadgets, witness
generation, preprocessing, the Fiat–Shamir transcript, a zero-knowledge prover
(rounds 1 to 5 of the paper), the verifier, proof encoding and
interoperability with snarkjs. It builds on every layer below it.
"""
