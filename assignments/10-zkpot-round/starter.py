"""Assignment 10: a ZKPoT validator's two decisions. Fill in the two bodies; keep the names.

A contribution (zkpot.chain.messages.Contribution) has the fields round, participant
(a BLS public key, bytes), global_model, data_commitment, accuracy, proof and
signature, and the methods signing_bytes(), statement(genesis) and decoded_proof().
The context (zkpot.chain.rules.RoundContext) has genesis, keys, round, global_model.
Useful: zkpot.curve.bls.verify(public_key, message, signature),
ctx.genesis.registration(public_key) (None if not registered; else .data_commitment),
zkpot.ml.contribution.contribution_error(keys, statement, proof) (None if the proof
verifies, else why not), zkpot.hash.keccak.keccak256.

Grade it with:  zkpot assignments check 10 my_validator.py
"""

from __future__ import annotations

from typing import Any


def check_contribution(c: Any, ctx: Any, accepted: dict[bytes, Any]) -> str | None:
    """Why contribution c is invalid in this round (a short reason), or None if it is
    valid. ``accepted`` maps each participant's key to the contribution already accepted
    from it this round. Check, cheapest first: the round; that the participant is
    registered; its signature; that it is its only contribution; the global model it
    trained from; its data commitment; and last, that its proof decodes and verifies
    (a proof that does not decode is a reason too, not a crash)."""
    raise NotImplementedError


def ranking(valid: list[Any], parent: bytes) -> list[Any]:
    """The valid contributions of the round after the block ``parent`` (its 32-byte hash),
    best first: the highest accuracy first, and among equal accuracies the smallest
    keccak256(parent + participant key) first. The leader is ranking(valid, parent)[0]."""
    raise NotImplementedError
