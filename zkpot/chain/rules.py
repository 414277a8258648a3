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
smallest Keccak-256 of (the parent block's hash, public key): deterministic, the same at
every node, not the same participant every round — and unknown to everyone until the
previous block is final, so that no participant can grind a key at registration that
wins the ties of the first rounds (with round numbers in its place, one could).

**A block** for round r (:func:`check_block`) is valid in consensus view v when its
height is r, its parent is the last final block, its proposer is among the v + 1 best
contributions the validator knows (view 0 belongs to the best; each timeout passes the
lead on, so a leader that withholds is replaced), the reveal opens the proposer's
model commitment, the new global model is the revealed model's hash, and every
contribution it includes is valid.

**The empty block** (:func:`empty_block`) ends a round that no contribution can lead —
none was valid, every participant sat out, or every leader withheld: no proposer, no
contributions, no reveal, the global model unchanged. With k valid contributions it is
acceptable from view 2k on, once each of them has had two turns (nodes whose windows
closed on different contributions rank them differently; the second pass is where they
agree on a real block, so the empty one should not come before it). The turns
(:func:`proposer_of`) go down the ranking twice, then to the empty block, proposed by
the validators, and round again. So a round always ends, and the chain's height keeps
growing whatever the participants do.

**A final block** that a node did not see decided (it catches up from a peer) is
checked by the same rules (:func:`check_final`): its contributions come with it and
must all be valid, and the block must be one that honest validators could have voted
for — a certificate alone is not enough.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from zkpot.chain.genesis import PUBLIC_KEY_BYTES, Genesis, unflatten
from zkpot.chain.messages import Aggregate, Block, Contribution, Reveal, Unmask
from zkpot.curve import bls
from zkpot.errors import InvalidInput
from zkpot.hash.keccak import keccak256
from zkpot.ml import aggregation as agg
from zkpot.ml.contribution import ContributionKeys, contribution_error, contribution_errors
from zkpot.ml.model import Layer
from zkpot.ml.statement import flatten, model_commitment, model_hash


@dataclass(frozen=True, eq=False)
class RoundContext:
    """What a validator knows when it judges round ``round``: for an averaging chain also
    the global model's accuracy on the test rows (the quality rule's bar) and the global
    model itself (the next one is a step from it)."""

    genesis: Genesis
    keys: ContributionKeys
    round: int
    global_model: int
    parent: bytes
    global_accuracy: int = 0
    global_layers: tuple[Layer, ...] = ()


def check_contribution(
    c: Contribution,
    ctx: RoundContext,
    accepted: Mapping[bytes, Contribution],
    *,
    proof: bool = True,
    signature: bool = True,
) -> str | None:
    """Why ``c`` is invalid in this round, or ``None``; ``accepted`` maps each participant's
    key to the contribution already accepted from it this round. With ``proof=False``,
    every check but the proof's verification (:func:`check_contributions` batches those);
    with ``signature=False``, every check but the signature's (a node checks it when it
    admits the message, before anything else: :meth:`zkpot.chain.node.Node.receive`)."""
    if c.round != ctx.round:
        return f"round {c.round}: this is round {ctx.round}"
    registration = ctx.genesis.registration(c.participant)
    if registration is None:
        return "the participant is not registered"
    if signature and not bls.verify(c.participant, c.signing_bytes(), c.signature):
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
    cs: Sequence[Contribution],
    ctx: RoundContext,
    accepted: Mapping[bytes, Contribution],
    *,
    signature: bool = True,
) -> list[str | None]:
    """:func:`check_contribution` of each of ``cs`` in turn — each one valid counting as
    accepted for the next — with the proofs of those that pass every other check
    verified as one batch (:func:`zkpot.ml.contribution.contribution_errors`). The
    verdicts are the ones checking them one by one would give: if the batch fails, they
    are checked one by one."""
    seen, reasons, passed = dict(accepted), [], []
    for c in cs:
        reason = check_contribution(c, ctx, seen, proof=False, signature=signature)
        reasons.append(reason)
        if reason is None:
            seen[c.participant] = c
            passed.append((c.statement(ctx.genesis), c.decoded_proof()))
    if all(r is None for r in contribution_errors(ctx.keys, passed)):
        return reasons
    seen, reasons = dict(accepted), []
    for c in cs:
        reasons.append(check_contribution(c, ctx, seen, signature=signature))
        if reasons[-1] is None:
            seen[c.participant] = c
    return reasons


# -- private averaging -------------------------------------------------------------------


def eligible(contributions: Mapping[int, Contribution], ctx: RoundContext) -> set[int]:
    """Which of a round's *valid* contributions (by participant index) the rule may average:
    :func:`zkpot.ml.aggregation.averaged` on their proven accuracies, the global model's
    and the partner graph."""
    accuracies = {i: c.accuracy for i, c in contributions.items()}
    return set(agg.averaged(accuracies, ctx.global_accuracy, ctx.genesis.partners))


def check_unmask(u: Unmask, ctx: RoundContext, own_commitment: int | None) -> str | None:
    """Why a participant's revealed seeds are wrong, or ``None``: the own seed must open
    ``own_commitment`` (its contribution's; ``None`` if the node has none from it), each
    pair seed the genesis's commitment for that pair of partners."""
    if u.round != ctx.round:
        return f"round {u.round}: this is round {ctx.round}"
    genesis = ctx.genesis
    i = genesis.index(u.participant)
    if i is None or not genesis.spec.averaged:
        return "not a participant of an averaging chain"
    if u.own is not None and (own_commitment is None
                              or agg.seed_commitment(u.own) != own_commitment):  # fmt: skip
        return "the own seed does not open the contribution's commitment"
    for j, seed in u.pairs:
        if j not in genesis.partners[i].all:
            return f"p{j + 1} is not a partner"
        if agg.seed_commitment(seed) != genesis.pair_commitment(i, j):
            return f"the seed shared with p{j + 1} does not open the registered commitment"
    return None


def needed_pairs(included: Collection[int], genesis: Genesis) -> list[tuple[int, int]]:
    """The pairs (i, j) whose seed must be revealed to open the sum over ``included``: an
    included participant i and each partner j of it left out. No other pair seed may be
    revealed: one between two included participants would unmask both."""
    return sorted((i, j) for i in included for j in genesis.partners[i].all if j not in included)


def aggregate(
    ctx: RoundContext,
    contributions: Mapping[int, Contribution],
    own: Mapping[int, int],
    pairs: Mapping[tuple[int, int], int],
) -> Aggregate:
    """The aggregate of the included participants (the keys of ``contributions``, by index)
    with their revealed own seeds and the needed pair seeds: the masked sum opened and
    averaged (:func:`zkpot.ml.aggregation.unmask`, ``unpack_sum``, ``average_models``'s
    rounding), and the next global model a step from the current one to that average
    (:func:`zkpot.ml.aggregation.server_step`, chosen on the genesis's test rows).

    Raises:
        InvalidInput: a seed is missing, or the sum does not open (a wrong seed).
    """
    genesis, spec = ctx.genesis, ctx.genesis.spec
    included = sorted(contributions)
    needed = needed_pairs(included, genesis)
    missing = [(i, j) for i, j in needed if (i, j) not in pairs]
    if missing or any(i not in own for i in included):
        raise InvalidInput(f"seeds are missing: {len(missing)} pair(s), or an own seed")
    total = agg.unmask({i: contributions[i].masked for i in included}, ctx.round, own,
                       {ij: pairs[ij] for ij in needed}, genesis.partners)  # fmt: skip
    sums = agg.unpack_sum(total, len(included), spec.n_params, spec.bound_bits,
                          spec.participants)  # fmt: skip
    average = unflatten(agg.average(sums, len(included)), spec)
    model = tuple(agg.server_step(ctx.global_layers, average, spec, genesis.test))
    return Aggregate(ctx.round, tuple(included), tuple(own[i] for i in included),
                     tuple((i, j, pairs[i, j]) for i, j in needed), model)  # fmt: skip


def check_aggregate(a: Aggregate, ctx: RoundContext,
                    contributions: Mapping[int, Contribution]) -> str | None:  # fmt: skip
    """Why an aggregate is not one the rules allow, or ``None``.

    ``contributions`` are the valid contributions the block includes, by participant
    index. The included set must be at least :data:`~zkpot.ml.aggregation.MIN_INCLUDED`
    of them, each chosen by the rule among them (:func:`eligible`) and (with pair masks)
    with an included partner — else its revealed pair seeds would unmask it; each own
    seed must open its contribution's commitment, the pair seeds must be exactly the
    needed ones
    (:func:`needed_pairs`), each opening the registered commitment; and the model must be
    the step from the global model to the average they open
    (:func:`zkpot.ml.aggregation.server_step`).
    """
    genesis = ctx.genesis
    if a.round != ctx.round:
        return f"an aggregate of round {a.round}: this is round {ctx.round}"
    if len(a.included) < agg.MIN_INCLUDED:
        return f"an average of {len(a.included)}: at least {agg.MIN_INCLUDED} are averaged"
    if len(a.own) != len(a.included):
        return "not one own seed per included participant"
    chosen = eligible(contributions, ctx)
    for i, seed in zip(a.included, a.own, strict=True):
        c = contributions.get(i)
        if c is None:
            return f"p{i + 1} is included without a valid contribution in the block"
        if i not in chosen:
            return f"p{i + 1} is included, and the quality rule leaves it out ({c.accuracy} " \
                   f"correct, the global model {ctx.global_accuracy})"  # fmt: skip
        if agg.seed_commitment(seed) != c.own_commitment:
            return f"p{i + 1}'s own seed does not open its commitment"
        if genesis.partners[i].all and not set(genesis.partners[i].all) & set(a.included):
            return f"p{i + 1} is included without an included partner"
    if [(i, j) for i, j, _ in a.pairs] != needed_pairs(a.included, genesis):
        return "the revealed pair seeds are not exactly those of the partners left out"
    for i, j, seed in a.pairs:
        if agg.seed_commitment(seed) != genesis.pair_commitment(i, j):
            return f"the seed of p{i + 1} and p{j + 1} does not open the registered commitment"
    try:
        expected = aggregate(ctx, {i: contributions[i] for i in a.included},
                             dict(zip(a.included, a.own, strict=True)),
                             {(i, j): s for i, j, s in a.pairs})  # fmt: skip
    except InvalidInput as error:
        return f"the masked sum does not open: {error}"
    if [flatten(expected.model)] != [flatten(a.model)]:
        return "the model is not the average of the included contributions"
    return None


NOBODY = bytes(PUBLIC_KEY_BYTES)
"""The proposer field of the empty block: no participant's key."""

NO_REVEAL = bytes(32)
"""The reveal field of the empty block: it reveals nothing."""


def tiebreak(parent: bytes, participant: bytes) -> bytes:
    """Keccak-256 of the parent block's hash and the key: the smaller leads among equals."""
    return keccak256(parent + participant)


def ranking(valid: Collection[Contribution], parent: bytes) -> list[Contribution]:
    """Valid contributions of the round after ``parent``, best first: accuracy down, then
    the tiebreak up."""
    return sorted(valid, key=lambda c: (-c.accuracy, tiebreak(parent, c.participant)))


def proposers(valid: Collection[Contribution], view: int, parent: bytes) -> list[Contribution]:
    """The contributions that may propose in ``view``: the ``view + 1`` best.

    View 0 belongs to the best; each timeout passes the lead to the next best, and a
    block from a better participant stays acceptable (it may be proposed again because a
    quorum prevoted it), so the set only grows.
    """
    return ranking(valid, parent)[: view + 1]


def proposer_of(valid: Collection[Contribution], view: int, parent: bytes) -> Contribution | None:
    """Whose turn it is to propose in ``view``, among k valid contributions: the turns go
    down the ranking twice, then to the empty block (``None``), and round again: slot
    s = v mod (2k + 1) is the (s mod k + 1)-th best for s < 2k."""
    ranked = ranking(valid, parent)
    slot = view % (2 * len(ranked) + 1)
    return ranked[slot % len(ranked)] if slot < 2 * len(ranked) else None


def empty_block(ctx: RoundContext) -> Block:
    """The round's empty block: no proposer, no contribution, no reveal, the global model
    unchanged; every validator makes the same one."""
    return Block(ctx.round, ctx.parent, NOBODY, ctx.global_model, NO_REVEAL, (), 0)


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
    reveal: Reveal | Aggregate | None,
    ctx: RoundContext,
    known: Mapping[bytes, Contribution],
    valid: Collection[bytes],
    view: int = 0,
) -> str | None:
    """Why ``block`` is not a block this validator would vote for in ``view``, or ``None``.

    Args:
        reveal: the reveal the block names (``None`` if the node does not have it); in an
            averaging chain, the aggregate (:func:`check_aggregate`), whose included
            participants must count the proposer.
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
    if block.proposer == NOBODY:
        if block != empty_block(ctx):
            return "a block without a proposer that is not the round's empty block"
        if view < 2 * len(mine):
            return f"the empty block in view {view}, before {len(mine)} valid contributions' turns"
        return None
    best = proposers(mine, view, ctx.parent)
    leader = next((c for c in best if c.participant == block.proposer), None)
    if leader is None:
        return f"the proposer is not among the {view + 1} best valid contribution(s)"
    if leader.hash not in block.contributions:
        return "the block does not include its proposer's contribution"
    if reveal is None or reveal.hash != block.reveal:
        return "the reveal is missing"
    if ctx.genesis.spec.averaged:
        return _check_averaged(block, reveal, ctx, [known[h] for h in block.contributions], leader)
    if not isinstance(reveal, Reveal):
        return "an aggregate in a chain of the winner rule"
    reason = check_reveal(reveal, leader, ctx)
    if reason is not None:
        return reason
    if block.global_model != model_hash(reveal.model, ctx.genesis.spec):
        return "the global model is not the revealed model's hash"
    return None


def _check_averaged(
    block: Block,
    a: Reveal | Aggregate,
    ctx: RoundContext,
    included: Sequence[Contribution],
    leader: Contribution,
) -> str | None:
    """:func:`check_block`'s part for an averaging chain: the block's aggregate."""
    if not isinstance(a, Aggregate):
        return "a reveal in an averaging chain: its model would be published"
    genesis = ctx.genesis
    by_index = {genesis.index(c.participant): c for c in included}
    if genesis.index(leader.participant) not in a.included:
        return "the proposer is not among the averaged"
    reason = check_aggregate(a, ctx, {i: c for i, c in by_index.items() if i is not None})
    if reason is not None:
        return reason
    if block.global_model != model_hash(a.model, genesis.spec):
        return "the global model is not the aggregate's hash"
    return None


def check_final(
    block: Block,
    reveal: Reveal | Aggregate | None,
    contributions: Sequence[Contribution],
    ctx: RoundContext,
    view: int,
) -> str | None:
    """Why a final block that came with its certificate is not one honest validators could
    have voted for in ``view``, or ``None``.

    The node checking it did not take part in the round: it knows only what came with the
    block. Every contribution the block includes must come with it and be valid (their
    proofs verified as one batch), and the block must pass :func:`check_block` with those
    contributions as all the node knows — the proposer among the ``view + 1`` best of
    them (it was among the best of the more an honest validator knew), the reveal opening
    its model commitment, the global model the revealed model's hash.
    """
    hashes = [c.hash for c in contributions]
    if sorted(hashes) != sorted(block.contributions):
        return "the final block does not come with exactly the contributions it includes"
    for c, reason in zip(contributions, check_contributions(contributions, ctx, {}),
                         strict=True):  # fmt: skip
        if reason is not None:
            who = c.participant.hex()[:8]
            return f"the final block includes an invalid contribution of {who}: {reason}"
    known = {c.hash: c for c in contributions}
    reason = check_block(block, reveal, ctx, known, set(known), view)
    return None if reason is None else f"the final block breaks the rules: {reason}"


__all__ = ["NOBODY", "NO_REVEAL", "RoundContext", "aggregate", "check_aggregate", "check_block",
           "check_contribution", "check_contributions", "check_final", "check_reveal",
           "check_unmask", "eligible", "empty_block", "needed_pairs", "proposer_of", "proposers",
           "ranking", "tiebreak"]  # fmt: skip
