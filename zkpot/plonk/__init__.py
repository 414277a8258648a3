"""The PLONK proof system, interoperable with snarkjs.

- :mod:`zkpot.plonk.circuit` (with :mod:`~zkpot.plonk.constraints` and
  :mod:`~zkpot.plonk.gadgets`) — write a circuit; compile it to gates and solve its witness.
- :func:`preprocess` (:mod:`~zkpot.plonk.keys`) — proving and verification keys from a
  circuit and a KZG SRS.
- :func:`prove` (:mod:`~zkpot.plonk.prover`), rounds 1–5 of the paper, zero-knowledge.
- :func:`verify` (:mod:`~zkpot.plonk.verifier`) and :class:`Proof` (480 bytes).
- :mod:`zkpot.plonk.snarkjs` — snarkjs's JSON formats, both ways.
"""

from zkpot.plonk import snarkjs
from zkpot.plonk.circuit import Circuit
from zkpot.plonk.keys import ProvingKey, VerificationKey, preprocess
from zkpot.plonk.proof import Proof
from zkpot.plonk.prover import prove
from zkpot.plonk.verifier import verify

__all__ = [
    "Circuit",
    "Proof",
    "ProvingKey",
    "VerificationKey",
    "preprocess",
    "prove",
    "snarkjs",
    "verify",
]
