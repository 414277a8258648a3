"""A ZKPoT node: the round, message by message, as a state machine without I/O.

A node is a participant, a validator, or both (as the paper's clients are). It never
reads a clock or a socket: :meth:`Node.start`, :meth:`Node.receive` and
:meth:`Node.tick` take the time and return the messages to *broadcast*; the simulator
(:mod:`zkpot.chain.simulator`) and the network layer deliver them. Every message is
gossiped: a node passes on each message the first time it accepts it, so what one
honest node received every honest node eventually receives (Tendermint's assumption).

Round r (= height r), at a node whose last final block is r − 1:

1. **Contribute.** A participant trains on the global model, proves, signs and
   broadcasts its contribution (at once: its ``contribute`` timer is due when the round
   opens, so that whoever drives the node sees the round open before the proving). One
   that cannot train (its round would leave the fixed-point bound) sits the round out
   and says why (:attr:`Node.sat_out`); its node goes on validating.
2. **Check.** Every node checks each contribution (:func:`~zkpot.chain.rules.check_contribution`)
   and keeps the verdict — the reason, for a rejection — in its store.
3. **Cut-off.** ``Timing.contribute`` seconds after the round opened, the node starts the
   round's agreement (:mod:`zkpot.chain.consensus`): the turns to propose go down the
   ranking of the k contributions that arrived on time twice, then to the empty block
   (the validators propose it), and round again (:func:`~zkpot.chain.rules.proposer_of`).
   A participant whose turn it is proposes a block with every valid contribution it has,
   and its reveal. (Nodes that cut off different contributions rank them differently; a
   later view, whose acceptable proposers are all k, still finds one that proposes.)
4. **Agree.** Validators prevote and precommit; a quorum of one view's precommits
   finalizes the block. The node aggregates them into the certificate, stores the block,
   the certificate and the reveal, and the revealed model becomes the global model of
   round r + 1.

A node that falls behind (it was down, or partitioned) catches up from the final blocks
it receives: it asks for them with a ``sync`` message, and adopts one whose certificate
verifies *and* which passes the rules with the contributions that come with it
(:func:`~zkpot.chain.rules.check_final`).

A node survives a kill at any moment (the threat model's validator "may restart"): what it
must not forget is on disk before anyone hears of it — its final blocks with their reveals
and contributions, and each of its own votes, put in the store (:meth:`ChainStore.put_vote
<zkpot.chain.store.ChainStore.put_vote>`, fsynced) before the vote is sent. Started again
on its store, the node resumes after its last final block; at the cut-off it rebuilds the
height's agreement from its own votes of it (:meth:`Height.restore
<zkpot.chain.consensus.Height.restore>`): it sends them again, keeps the lock its
latest precommit for a block took, and resumes in the latest view it voted in. It never
signs a second vote for one (height, view, kind): before signing, it looks for one in the
store, and sends that one again if there is one. The rest — proposals, the other
validators' votes, the round's contributions — it learns again from its peers, who send
theirs again; only its own votes matter for safety (Tendermint's honest validators never
vote twice in a step, nor against their lock).

Messages get lost. Every ``Timing.resend`` seconds a node sends its own messages of the
round again — its contribution, proposals and votes — with a ``sync``: a peer that missed
one gets it again (a peer that has it drops the copy by its hash), and a peer that has
already finalized the round answers the sync with the final block. That keeps the chain
live under any loss rate below one, once partitions heal.

Messages on the wire are canonical JSON envelopes ``{"type": …, "body": …}`` of types
``contribution``, ``proposal``, ``vote``, ``final`` and ``sync``. Anything malformed is
rejected with a reason (:attr:`Node.rejected`) and the node carries on.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zkpot.chain import participant as part
from zkpot.chain.consensus import PRECOMMIT, PREVOTE, Action, Height, Timeouts
from zkpot.chain.encoding import MessageError, canonical, decode, fields, read_int
from zkpot.chain.genesis import Genesis
from zkpot.chain.messages import MAX_CONTRIBUTIONS, Block, Certificate, Contribution, Reveal, Vote
from zkpot.chain.rules import (
    NO_REVEAL,
    RoundContext,
    check_block,
    check_contributions,
    check_final,
    empty_block,
    proposer_of,
)
from zkpot.chain.store import ChainStore
from zkpot.curve import bls
from zkpot.errors import ZkpotError
from zkpot.ml.contribution import ContributionKeys, Proven
from zkpot.ml.model import Layer
from zkpot.ml.statement import Rows, model_hash

Prover = Callable[[int, Sequence[Layer]], tuple[Contribution, Proven]]
"""A participant's training and proving for (round, global model): message and secrets."""


@dataclass(frozen=True)
class Timing:
    """Seconds: the contribution window after a round opens, the consensus timeouts, and how
    often a node sends its own messages of the round again (``resend``)."""

    contribute: float = 10.0
    timeouts: Timeouts = field(default_factory=Timeouts)
    resend: float = 2.0


@dataclass
class ParticipantRole:
    """What makes a node a participant: its key, its data slots and their salt."""

    secret_key: int
    data: Rows
    data_salt: int


def envelope(kind: str, body: Any) -> bytes:
    """A wire message: the canonical JSON of ``{"type": kind, "body": body}``."""
    return canonical({"type": kind, "body": body})


class Node:
    """One node's chain logic (see the module docstring).

    Args:
        genesis: the chain's genesis.
        keys: the proof of training's keys for the genesis's spec.
        store: this node's store (its genesis is written if the store is new).
        validator: this node's validator secret key, if it is one.
        participant: this node's participant role, if it is one.
        prover: how the participant trains and proves (by default
            :func:`zkpot.chain.participant.contribute`); the simulator passes a cached one.
        timing: the contribution window and the consensus timeouts.
    """

    def __init__(
        self,
        genesis: Genesis,
        keys: ContributionKeys,
        store: ChainStore,
        *,
        validator: int | None = None,
        participant: ParticipantRole | None = None,
        prover: Prover | None = None,
        timing: Timing | None = None,
    ) -> None:
        genesis.test_opening()  # a node starts once the publisher has opened the test set
        self.genesis, self.keys, self.store = genesis, keys, store
        self.timing = timing or Timing()
        store.init_genesis(genesis)
        self.validator_key = validator
        self.index: int | None = None
        if validator is not None:
            public = bls.secret_to_public(validator)
            if public not in genesis.validators:
                raise ZkpotError("this validator key is not in the genesis")
            self.index = genesis.validators.index(public)
        self.participant = participant
        self.public_key = (
            None if participant is None else bls.secret_to_public(participant.secret_key)
        )
        self.prover = prover or self._prove
        self.rejected: list[tuple[str, str]] = []  # (what, why), newest last
        self.sat_out: list[tuple[int, str]] = []  # (round, why) this participant did not train
        self.timers: list[tuple[float, int, str, int, int]] = []  # when, #, kind, view, round
        self._timer_count = 0
        self.now = 0.0
        self._open_round()

    # -- the round ----------------------------------------------------------------------

    def _open_round(self) -> None:
        height, parent = self.store.head()
        self.round = height + 1
        self.parent = parent
        self.global_layers = self.global_model_after(height)
        current = model_hash(self.global_layers, self.genesis.spec)
        self.ctx = RoundContext(self.genesis, self.keys, self.round, current, parent)
        self.contributions: dict[bytes, Contribution] = {}
        self.valid: set[bytes] = set()  # valid contributions of this round
        self.on_time: set[bytes] = set()  # … that arrived before the cut-off
        self.accepted: dict[bytes, Contribution] = {}  # participant → its valid contribution
        self.blocks: dict[bytes, tuple[Block, Reveal | None]] = {}
        self.votes: dict[tuple[int, str, bytes | None], dict[int, Vote]] = {}
        self.mine: Proven | None = None
        self.own: list[bytes] = []  # this node's messages of the round, sent again on a timer
        self.seen: set[bytes] = set()  # the messages of the round handled; old ones are dropped
        self.consensus: Height | None = None
        self.early: list[tuple[str, Any]] = []  # proposals and votes before the cut-off
        replay, self.future = getattr(self, "future", []), []  # messages of the next round
        self._replay = replay

    def global_model_after(self, height: int) -> tuple[Layer, ...]:
        """The global model after block ``height``: its reveal's model (an empty block
        keeps the model of the block before it)."""
        while height > 0:
            stored = self.store.block(height)
            if stored is None:
                raise ZkpotError(f"the store lacks final block {height}")
            if stored[0].reveal != NO_REVEAL:
                reveal = self.store.reveal(stored[0].reveal)
                if reveal is None:
                    raise ZkpotError(f"the store lacks the reveal of final block {height}")
                return tuple(reveal.model)
            height -= 1
        return tuple(self.genesis.global_model)

    def start(self, now: float) -> list[bytes]:
        """Open the current round: set its timers — contribute at once (a participant), the
        cut-off, the resend — and handle what arrived for it early."""
        self.now = now
        out = [envelope("sync", {"height": self.round})]  # ask peers for blocks we lack
        if self.participant is not None:
            self._schedule(now, "contribute")
        self._schedule(now + self.timing.contribute, "cutoff")
        self._schedule(now + self.timing.resend, "resend")
        replay, self._replay = self._replay, []
        for data in replay:  # what arrived for this round while the node was finishing the last
            out += self.receive(now, data)
        return out

    def _contribute(self) -> list[bytes]:
        """Train, prove, sign and send this participant's contribution of the round.

        A participant that cannot train (its training leaves the fixed-point bound, say)
        sits the round out and says why (:attr:`rejected`); the node carries on."""
        try:
            message, self.mine = self.prover(self.round, self._training_model())
        except ZkpotError as error:
            self._reject(f"this participant's round {self.round}", f"sits it out: {error}")
            self.sat_out.append((self.round, str(error)))
            del self.sat_out[:-100]
            return []
        message = self._tamper(message)
        self.own.append(envelope("contribution", message.to_json()))
        return self._accept_contribution(message)

    def _later(self, height: int, raw: bytes) -> bool:
        """Keep a message of the next round for when it opens; True if it is not this round's."""
        if height == self.round + 1 and len(self.future) < 1000:
            self.future.append(raw)
            self.seen.discard(raw)
        return height != self.round

    def _training_model(self) -> Sequence[Layer]:
        """The model this participant trains from: the round's global model (a Byzantine
        node may choose another, :mod:`zkpot.chain.byzantine`)."""
        return self.global_layers

    def _tamper(self, message: Contribution) -> Contribution:
        """The contribution as sent: as proven (a Byzantine node may change it)."""
        return message

    def _prove(self, round: int, global_layers: Sequence[Layer]) -> tuple[Contribution, Proven]:
        role = self.participant
        assert role is not None  # only participants prove
        return part.contribute(self.keys, role.secret_key, round=round,
                               global_layers=global_layers, data=role.data,
                               data_salt=role.data_salt, test=self.genesis.test,
                               model_salt=part.model_salt(role.secret_key, round))  # fmt: skip

    # -- input ----------------------------------------------------------------------------

    def receive(self, now: float, data: bytes) -> list[bytes]:
        """Handle one wire message; returns what to broadcast (the message itself, relayed,
        when it is new and acceptable). Never raises for bad input: it is recorded in
        :attr:`rejected` with the reason."""
        self.now = now
        out = self.tick(now)
        key = bytes(data) if isinstance(data, bytes | bytearray) else b""  # the set hashes it
        if key in self.seen:
            return out
        try:
            message = decode(data)
            d = fields(message, ("type", "body"), "message")
            handler = (
                getattr(self, f"_on_{d['type']}", None) if isinstance(d["type"], str) else None
            )
            if handler is None:
                raise MessageError(f"unknown message type {d['type']!r:.40}")
            self.seen.add(key)
            out += handler(d["body"], data)
        except (ZkpotError, ValueError) as error:
            self._reject("message", str(error))
        return out

    def tick(self, now: float) -> list[bytes]:
        """Fire every timer that is due."""
        self.now = now
        out: list[bytes] = []
        while self.timers and self.timers[0][0] <= now:
            _, _, kind, view, round = heapq.heappop(self.timers)
            if round != self.round:
                continue  # a timer of a round that has ended
            if kind == "contribute" and self.mine is None:
                out += self._contribute()
            elif kind == "cutoff" and self.consensus is None:
                out += self._cutoff()
            elif kind == "resend":
                out += self.resend(now)
                self._schedule(now + self.timing.resend, "resend")
            elif self.consensus is not None and kind in ("propose", "prevote", "precommit"):
                out += self._act(self.consensus.on_timeout(kind, view))
        return out

    def resend(self, now: float) -> list[bytes]:
        """A sync for the current round, and this node's own messages of it (the resend
        timer sends them; so does a network node to a peer it has just reached)."""
        self.now = now
        return [envelope("sync", {"height": self.round}), *self.own]

    def next_timer(self) -> float | None:
        """When :meth:`tick` next has something to do."""
        return self.timers[0][0] if self.timers else None

    def _schedule(self, when: float, kind: str, view: int = 0) -> None:
        """A timer of this round (it is dropped if it fires after the round ended)."""
        self._timer_count += 1
        heapq.heappush(self.timers, (when, self._timer_count, kind, view, self.round))

    def _reject(self, what: str, why: str) -> None:
        self.rejected.append((what, why))
        del self.rejected[:-1000]  # a bounded log

    # -- contributions ------------------------------------------------------------------

    def _on_contribution(self, body: object, raw: bytes) -> list[bytes]:
        c = Contribution.from_json(body)
        if c.round == self.round + 1:
            self._later(c.round, raw)
            return []
        return self._accept_contribution(c, raw)

    def _accept_contribution(self, c: Contribution, raw: bytes | None = None) -> list[bytes]:
        return self._accept_contributions([c], [raw])

    def _accept_contributions(
        self, cs: Sequence[Contribution], raws: Sequence[bytes | None]
    ) -> list[bytes]:
        """Judge contributions, keep each verdict, relay them; several at once (those a
        proposal brings) have their proofs verified as one batch."""
        new: dict[bytes, tuple[Contribution, bytes]] = {}
        for c, raw in zip(cs, raws, strict=True):
            if c.round != self.round:
                self._reject(f"contribution for round {c.round}", f"this is round {self.round}")
            elif c.hash not in self.contributions and c.hash not in new:
                new[c.hash] = (c, raw or envelope("contribution", c.to_json()))
        if not new:
            return []
        fresh = [c for c, _ in new.values()]
        out: list[bytes] = []
        for c, reason in zip(fresh, check_contributions(fresh, self.ctx, self.accepted),
                             strict=True):  # fmt: skip
            self.contributions[c.hash] = c
            self.store.put_contribution(c, reason)
            out.append(new[c.hash][1])  # relayed even if invalid: every node judges it
            if reason is not None:
                self._reject(f"contribution of {c.participant.hex()[:12]}", reason)
                continue
            self.valid.add(c.hash)
            self.accepted[c.participant] = c
            if self.consensus is None:
                self.on_time.add(c.hash)
        return [*out, *self._recheck()]

    # -- consensus ------------------------------------------------------------------------

    def _cutoff(self) -> list[bytes]:
        """Start the round's agreement: from this validator's own votes of the round if the
        store holds some (the node was restarted mid-height: :meth:`Height.restore`), which
        go out again at once and with every resend."""
        n = len(self.genesis.validators)
        self.consensus = Height(n, self.index, self._valid, self._propose, self.timing.timeouts)
        mine = [] if self.index is None else self.store.votes_of(self.round, self.index)
        for vote in mine:
            self.votes.setdefault((vote.view, vote.kind, vote.block), {})[vote.validator] = vote
        out = [envelope("vote", vote.to_json()) for vote in mine]
        self.own += out
        out += self._act(self.consensus.restore((v.view, v.kind, v.block) for v in mine))
        early, self.early = self.early, []
        for kind, item in early:  # what came before the cut-off
            if self.consensus.decision is not None:
                break
            if kind == "proposal":
                out += self._act(self.consensus.on_proposal(*item))
            else:
                out += self._vote(item)
        return out

    def _ranked(self) -> list[Contribution]:
        return [self.contributions[h] for h in self.on_time]

    def _propose(self, view: int) -> bytes | None:
        """A block if this participant is the view's proposer by its own ranking; the empty
        block if it is a validator and the view is the empty block's turn."""
        turn = proposer_of(self._ranked(), view, self.parent)
        if turn is None:
            if self.index is None:
                return None
            empty = empty_block(self.ctx)
            self.blocks[empty.hash] = (empty, None)
            return empty.hash
        if self.mine is None or self.public_key is None or turn.participant != self.public_key:
            return None  # not this view's proposer, by this node's ranking
        reveal = part.reveal(self.mine, self.public_key)
        block = Block(self.round, self.parent, self.public_key,
                      model_hash(reveal.model, self.genesis.spec), reveal.hash,
                      tuple(sorted(self.valid)), int(self.now))  # fmt: skip
        self.blocks[block.hash] = (block, reveal)
        return block.hash

    def _valid(self, value: bytes) -> bool:
        entry = self.blocks.get(value)
        if entry is None or self.consensus is None:
            return False
        block, reveal = entry
        counted = self.on_time | set(block.contributions)
        verdict = check_block(block, reveal, self.ctx, self.contributions, counted & self.valid,
                              self.consensus.view)  # fmt: skip
        return verdict is None

    def _on_proposal(self, body: object, raw: bytes) -> list[bytes]:
        d = fields(body, ("view", "valid_round", "block", "reveal", "contributions"), "proposal")
        view = read_int(d["view"], "view", high=1 << 20)
        valid_round = read_int(d["valid_round"], "valid_round", low=-1, high=view - 1)
        block = Block.from_json(d["block"])
        if self._later(block.height, raw):
            return []
        reveal = None if d["reveal"] is None else Reveal.from_json(d["reveal"], self.genesis.spec)
        out = [raw]
        if not isinstance(d["contributions"], list) or len(d["contributions"]) > 1024:
            raise MessageError("proposal contributions: a list")
        brought = [Contribution.from_json(item) for item in d["contributions"]]
        out += self._accept_contributions(brought, [None] * len(brought))
        self.blocks.setdefault(block.hash, (block, reveal))
        if self.consensus is not None:
            out += self._act(self.consensus.on_proposal(view, block.hash, valid_round))
        else:
            self.early.append(("proposal", (view, block.hash, valid_round)))
        return out

    def _on_vote(self, body: object, raw: bytes) -> list[bytes]:
        vote = Vote.from_json(body)
        if self._later(vote.height, raw):
            return []
        if vote.validator >= len(self.genesis.validators):
            raise MessageError(f"no validator {vote.validator}")
        key = self.genesis.validators[vote.validator]
        if not bls.verify(key, vote.signing_bytes(), vote.signature):
            raise MessageError(f"a vote whose signature does not verify ({vote.validator})")
        self.votes.setdefault((vote.view, vote.kind, vote.block), {})[vote.validator] = vote
        if self.consensus is None:
            self.early.append(("vote", vote))
            return [raw]
        return [raw, *self._vote(vote)]

    def _vote(self, vote: Vote) -> list[bytes]:
        assert self.consensus is not None
        handler = self.consensus.on_prevote if vote.kind == PREVOTE else self.consensus.on_precommit
        return self._act(handler(vote.view, vote.validator, vote.block))

    def _recheck(self) -> list[bytes]:
        return [] if self.consensus is None else self._act(self.consensus.recheck())

    def _act(self, actions: list[Action]) -> list[bytes]:
        """Carry out what the consensus machine asks for."""
        out: list[bytes] = []
        for a in actions:
            if a.kind == "timeout":
                self._schedule(self.now + a.delay, a.step, a.view)
            elif a.kind == "propose":
                block, reveal = self.blocks[a.value]  # type: ignore[index]
                included = [self.contributions[h].to_json() for h in block.contributions]
                body = {"view": a.view, "valid_round": a.valid_round, "block": block.to_json(),
                        "reveal": None if reveal is None else reveal.to_json(),
                        "contributions": included}  # fmt: skip
                out.append(envelope("proposal", body))
                self.own.append(out[-1])
            elif a.kind in (PREVOTE, PRECOMMIT) and self.validator_key is not None:
                out.append(envelope("vote", self._signed_vote(a.view, a.kind, a.value)))
                self.own.append(out[-1])
            elif a.kind == "decide":
                out += self._finalize(a.value, a.view)  # type: ignore[arg-type]
        return out

    def _signed_vote(self, view: int, kind: str, value: bytes | None) -> dict[str, Any]:
        """This validator's vote, in the store *before* it is sent: its JSON body.

        A validator signs one vote per (height, view, kind), ever, across restarts: if the
        store holds one, that vote goes out again, whatever value is asked (the machine,
        restored from the store, does not ask for another; if it did, it would be told
        which vote was sent, and the refusal kept in :attr:`rejected`)."""
        assert self.index is not None and self.consensus is not None
        stored = [v for v in self.store.votes_of(self.round, self.index)
                  if (v.view, v.kind) == (view, kind)]  # fmt: skip
        if not stored:
            vote = self._sign(view, kind, value)
            self.store.put_vote(vote)  # synchronous: durable before it is sent
            return vote.to_json()
        vote = stored[0]
        if vote.block != value:
            self._reject(f"this validator's {kind} in view {view}",
                         "refused to sign a second one: its stored vote is sent again")  # fmt: skip
            self.consensus.remember(view, kind, vote.block)
        self.votes.setdefault((view, kind, vote.block), {})[vote.validator] = vote
        return vote.to_json()

    def _sign(self, view: int, kind: str, value: bytes | None) -> Vote:
        """A vote signed with this validator's key, kept for the certificate."""
        assert self.validator_key is not None and self.index is not None
        unsigned = Vote(self.round, value, self.index, b"", view, kind)
        vote = Vote(self.round, value, self.index,
                    bls.sign(self.validator_key, unsigned.signing_bytes()), view, kind)  # fmt: skip
        self.votes.setdefault((view, kind, value), {})[vote.validator] = vote
        return vote

    def _finalize(self, value: bytes, view: int) -> list[bytes]:
        block, reveal = self.blocks[value]
        signed = self.votes.get((view, PRECOMMIT, value), {})
        signers = tuple(sorted(signed))
        signature = bls.aggregate([signed[i].signature for i in signers])
        certificate = Certificate(block.height, block.hash, signers, signature, view)
        return self._commit(block, reveal, certificate)

    def _commit(self, block: Block, reveal: Reveal | None, certificate: Certificate) -> list[bytes]:
        if reveal is not None:
            self.store.put_reveal(reveal)
        self.store.finalize(block, certificate)
        final = envelope("final", self._final_body(block.height))  # (the store has every part)
        self._open_round()
        return [final, *self.start(self.now)]

    def _final_body(self, height: int) -> dict[str, Any] | None:
        """A final block as peers that catch up need it: with its certificate, its reveal
        and the contributions it includes (``None`` if the store lacks a part)."""
        stored = self.store.block(height)
        if stored is None:
            return None
        block, certificate = stored
        reveal = None if block.reveal == NO_REVEAL else self.store.reveal(block.reveal)
        included = [self.store.contribution(h) for h in block.contributions]
        if (reveal is None) != (block.reveal == NO_REVEAL) or None in included:
            return None
        return {"block": block.to_json(), "certificate": certificate.to_json(),
                "reveal": None if reveal is None else reveal.to_json(),
                "contributions": [c.to_json() for c in included if c is not None]}  # fmt: skip

    # -- catching up ---------------------------------------------------------------------

    def _on_final(self, body: object, raw: bytes) -> list[bytes]:
        """A final block from a peer: adopted once its certificate verifies *and* the block
        passes the rules (:func:`~zkpot.chain.rules.check_final`) — its contributions, its
        reveal, its global model — as a proposal would have to."""
        d = fields(body, ("block", "certificate", "reveal", "contributions"), "final block")
        block, certificate = Block.from_json(d["block"]), Certificate.from_json(d["certificate"])
        if block.height != self.round:
            self.seen.discard(raw)  # old news, or ahead: sync asks in order
            return []
        reveal = None if d["reveal"] is None else Reveal.from_json(d["reveal"], self.genesis.spec)
        items = d["contributions"]
        if not isinstance(items, list) or len(items) > MAX_CONTRIBUTIONS:
            raise MessageError(f"final contributions: a list of at most {MAX_CONTRIBUTIONS}")
        reason = self._check_certificate(block, certificate)
        if reason is None and block.parent != self.parent:
            reason = "the final block's parent is not our head"
        if reason is None and (None if reveal is None else reveal.hash) != (
            None if block.reveal == NO_REVEAL else block.reveal
        ):
            reason = "the final block's reveal is not the one it names"
        if reason is None:
            included = [Contribution.from_json(item) for item in items]
            reason = check_final(block, reveal, included, self.ctx, certificate.view)
        if reason is not None:
            raise MessageError(reason)
        for c in included:
            self.store.put_contribution(c, None)
        return [raw, *self._commit(block, reveal, certificate)]

    def _check_certificate(self, block: Block, certificate: Certificate) -> str | None:
        if (certificate.height, certificate.block) != (block.height, block.hash):
            return "the certificate is for another block"
        if len(certificate.signers) < self.genesis.quorum:
            return "the certificate has no quorum"
        if certificate.signers[-1] >= len(self.genesis.validators):
            return "the certificate names an unknown validator"
        keys = [self.genesis.validators[i] for i in certificate.signers]
        if not bls.fast_aggregate_verify(keys, certificate.message(), certificate.signature):
            return "the certificate's signature does not verify"
        return None

    def _on_sync(self, body: object, raw: bytes) -> list[bytes]:
        d = fields(body, ("height",), "sync")
        height = read_int(d["height"], "height", low=1)
        head, _ = self.store.head()
        self.seen.discard(raw)  # a sync is answered each time it is asked
        bodies = (self._final_body(h) for h in range(height, min(head, height + 16) + 1))
        return [envelope("final", body) for body in bodies if body is not None]


__all__ = ["Node", "ParticipantRole", "Prover", "Timing", "envelope"]
