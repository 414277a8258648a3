"""The consensus rules: when a contribution is valid, who leads a round, when a block is.

A validator judges round r knowing the genesis, the proof of training's verification
key and the hash of the global model round r starts from (the last final block's).
Every function here returns the *reason* something is invalid, or ``None``: nodes keep
the reasons, and a rejection is never silent.

**A contribution** (:func:`check_contribution`) is valid when, cheapest check first:

1. it is for this round;
2. its participant is registered in the genesis;
3. the participant's BLS signature verifies over it;
4. it is the participant's only contribution this round (a second one, even valid, is
   refused: one participant, one voice);
5. it trained from this round's global model;
6. its data commitment is the one the participant registered;
7. its proof decodes and verifies for the statement these fields make (the accuracy
   among them, the test set from the genesis).

**The leader** (:func:`ranking`) is the best verified accuracy. Ties break by the
smallest Keccak-256 of (round, public key): deterministic, the same at every node, and
not the same participant every round.

**A block** for round r (:func:`check_block`) is valid in consensus view v when its
height is r, its parent is the last final block, its proposer is among the v + 1 best
contributions the validator knows (view 0 belongs to the best; each timeout passes the
lead on, so a leader that withholds is replaced), the reveal opens the proposer's
model commitment, the new global model is the revealed model's hash, and every
contribution it includes is valid.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from zkpot.chain.genesis import Genesis
from zkpot.chain.messages import Block, Contribution, Reveal
from zkpot.curve import bls
from zkpot.errors import InvalidInput
from zkpot.hash.keccak import keccak256
from zkpot.ml.contribution import ContributionKeys, contribution_error, contribution_errors
from zkpot.ml.statement import model_commitment, model_hash


@dataclass(frozen=True, eq=False)
class RoundContext:
    """What a validator knows when it judges round ``round``."""

    genesis: Genesis
    keys: ContributionKeys
    round: int
    global_model: int
    parent: bytes


def check_contribution(
    c: Contribution,
    ctx: RoundContext,
    accepted: Mapping[bytes, Contribution],
    *,
    proof: bool = True,
) -> str | None:
    """Why ``c`` is invalid in this round, or ``None``; ``accepted`` maps each participant's
    key to the contribution already accepted from it this round. With ``proof=False``,
    every check but the proof's verification (:func:`check_contributions` batches those)."""
    if c.round != ctx.round:
        return f"round {c.round}: this is round {ctx.round}"
    registration = ctx.genesis.registration(c.participant)
    if registration is None:
        return "the participant is not registered"
    if not bls.verify(c.participant, c.signing_bytes(), c.signature):
        return "the signature does not verify"
    earlier = accepted.get(c.participant)
    if earlier is not None:
        same = earlier.hash == c.hash
        return "already received" if same else "a second contribution from this participant"
    if c.global_model != ctx.global_model:
        return "trained from another global model"
    if c.data_commitment != registration.data_commitment:
        return "the data commitment is not the registered one"
    try:
        statement, decoded = c.statement(ctx.genesis), c.decoded_proof()
    except (InvalidInput, ValueError) as error:
        return f"malformed: {error}"
    if not proof:
        return None
    return contribution_error(ctx.keys, statement, decoded)


def check_contributions(
    cs: Sequence[Contribution], ctx: RoundContext, accepted: Mapping[bytes, Contribution]
) -> list[str | None]:
    """:func:`check_contribution` of each of ``cs`` in turn — each one valid counting as
    accepted for the next — with the proofs of those that pass every other check
    verified as one batch (:func:`zkpot.ml.contribution.contribution_errors`). The
    verdicts are the ones checking them one by one would give: if the batch fails, they
    are checked one by one."""
    seen, reasons, passed = dict(accepted), [], []
    for c in cs:
        reason = check_contribution(c, ctx, seen, proof=False)
        reasons.append(reason)
        if reason is None:
            seen[c.participant] = c
            passed.append((c.statement(ctx.genesis), c.decoded_proof()))
    if all(r is None for r in contribution_errors(ctx.keys, passed)):
        return reasons
    seen, reasons = dict(accepted), []
    for c in cs:
        reasons.append(check_contribution(c, ctx, seen))
        if reasons[-1] is None:
            seen[c.participant] = c
    return reasons


def tiebreak(round: int, participant: bytes) -> bytes:
    """Keccak-256 of the round (8 bytes) and the key: the smaller leads among equals."""
    return keccak256(round.to_bytes(8, "big") + participant)


def ranking(valid: Collection[Contribution]) -> list[Contribution]:
    """Valid contributions of one round, best first: accuracy down, then the tiebreak up."""
    return sorted(valid, key=lambda c: (-c.accuracy, tiebreak(c.round, c.participant)))


def proposers(valid: Collection[Contribution], view: int) -> list[Contribution]:
    """The contributions that may propose in ``view``: the ``view + 1`` best.

    View 0 belongs to the best; each timeout passes the lead to the next best, and a
    block from a better participant stays acceptable (it may be proposed again because a
    quorum prevoted it), so the set only grows.
    """
    return ranking(valid)[: view + 1]


def check_reveal(reveal: Reveal, leader: Contribution, ctx: RoundContext) -> str | None:
    """Why the reveal does not open the leader's commitment, or ``None``."""
    if reveal.round != leader.round or reveal.participant != leader.participant:
        return "the reveal is for another round or participant"
    spec = ctx.genesis.spec
    if model_commitment(reveal.model, reveal.salt, spec) != leader.model_commitment:
        return "the revealed model does not open the model commitment"
    return None


def check_block(
    block: Block,
    reveal: Reveal | None,
    ctx: RoundContext,
    known: Mapping[bytes, Contribution],
    valid: Collection[bytes],
    view: int = 0,
) -> str | None:
    """Why ``block`` is not a block this validator would vote for in ``view``, or ``None``.

    Args:
        reveal: the reveal the block names (``None`` if the node does not have it).
        known: contributions by hash (the node's, and those that came with the block).
        valid: the hashes among them that passed :func:`check_contribution` and count for
            the ranking (those on time, and the block's own).
        view: the consensus view; its proposer must be among the ``view + 1`` best.
    """
    if block.height != ctx.round:
        return f"height {block.height}: this is round {ctx.round}"
    if block.parent != ctx.parent:
        return "the parent is not the last final block"
    missing = [h for h in block.contributions if h not in valid]
    if missing:
        return f"includes {len(missing)} contribution(s) this node has not verified as valid"
    mine = [known[h] for h in valid if known[h].round == ctx.round]
    leader = next((c for c in proposers(mine, view) if c.participant == block.proposer), None)
    if leader is None:
        return f"the proposer is not among the {view + 1} best valid contribution(s)"
    if leader.hash not in block.contributions:
        return "the block does not include its proposer's contribution"
    if reveal is None or reveal.hash != block.reveal:
        return "the reveal is missing"
    reason = check_reveal(reveal, leader, ctx)
    if reason is not None:
        return reason
    if block.global_model != model_hash(reveal.model, ctx.genesis.spec):
        return "the global model is not the revealed model's hash"
    return None


__all__ = ["RoundContext", "check_block", "check_contribution", "check_contributions",
           "check_reveal", "proposers", "ranking", "tiebreak"]  # fmt: skip
