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

**Admission.** Anyone may connect and send anything, so a message is checked, cheapest
check first, before it costs the node anything lasting — before it is stored, relayed,
or hashed with the chain's Keccak:

- a contribution must come from a registered participant and carry its valid signature
  (and a proof of at most ``MAX_PROOF_BYTES``, refused before its hex is read); only then
  is it judged, stored with its verdict and relayed. An outsider's contribution, or one
  that claims a participant it was not signed by, is rejected in memory only: no row, no
  relay. A participant gets at most :data:`MAX_STORED_PER_PARTICIPANT` rows a round;
- a vote must be signed by the validator it names; a proposal must build on the last
  final block, be proposed by a registered participant (or be the empty block), and
  bring no more contributions than there are participants, each admitted as above;
- a final block must carry a quorum certificate and pass the rules
  (:func:`~zkpot.chain.rules.check_final`).

A message that fails admission (:class:`Inadmissible`) is one no honest node sends, so it
counts against the peer that sent it (:class:`Peer`), and the network layer drops a peer
at :data:`STRIKES`. What the node keeps of messages within a round is bounded: handled
messages as 16-byte digests (:data:`MAX_SEEN`), next-round messages per peer and in all
(:data:`MAX_FUTURE_BYTES_PER_PEER`, :data:`MAX_FUTURE_BYTES`), proposed blocks, early
votes and votes per validator. A sync is answered to the peer that asked, at most once per
:data:`SYNC_INTERVAL`.

**Proving in the background.** A node driven by the network (``background=True``) does
not prove on its own thread: it hands the proof over as a job (:meth:`Node.take_job`) and
takes the outcome when it is ready (:meth:`Node.proven`), handling votes and final blocks
meanwhile. An outcome for a round that became final meanwhile is dropped: a node never
sends a contribution for a final round. A node that has just started, or has just
adopted a peer's final block, waits ``Timing.catch_up`` seconds for further final blocks
before it proves, so that a restarted node catches up first.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zkpot.chain import participant as part
from zkpot.chain.consensus import PRECOMMIT, PREVOTE, Action, Height, Timeouts
from zkpot.chain.encoding import (
    MAX_MESSAGE_BYTES,
    MessageError,
    canonical,
    decode,
    fields,
    read_int,
)
from zkpot.chain.genesis import Genesis
from zkpot.chain.messages import (
    MAX_CONTRIBUTIONS,
    Aggregate,
    Block,
    Certificate,
    Contribution,
    Reveal,
    Unmask,
    Vote,
)
from zkpot.chain.rules import (
    NO_REVEAL,
    NOBODY,
    RoundContext,
    check_block,
    check_contributions,
    check_final,
    check_unmask,
    eligible,
    empty_block,
    proposer_of,
)
from zkpot.chain.store import ChainStore
from zkpot.chain.unmasking import Unmasking
from zkpot.curve import bls
from zkpot.errors import ZkpotError
from zkpot.ml.contribution import ContributionKeys, Proven
from zkpot.ml.model import Layer
from zkpot.ml.statement import Rows, count_correct, model_hash

Prover = Callable[[int, Sequence[Layer]], tuple[Contribution, Proven]]
"""A participant's training and proving for (round, global model): message and secrets."""


@dataclass(frozen=True)
class Timing:
    """Seconds: the contribution window after a round opens, the consensus timeouts, how
    often a node sends its own messages of the round again (``resend``), how long a
    node that is catching up (just started, or just adopted a peer's final block) waits
    for more final blocks before it proves (``catch_up``, at most half the window), and,
    in an averaging chain, each of the two unmasking steps between the cut-off and the
    agreement (``unmask``, :mod:`zkpot.chain.unmasking`)."""

    contribute: float = 10.0
    timeouts: Timeouts = field(default_factory=Timeouts)
    resend: float = 2.0
    catch_up: float = 1.0
    unmask: float = 2.0


# What a node keeps of what others send it, per round: an outsider may send any bytes at any
# rate, so every store an outsider can reach is bounded (the module docstring, "Admission").
MAX_SEEN = 4096
"""Digests of handled messages remembered per round (the oldest are forgotten first)."""
MAX_FUTURE = 512
"""Messages of the next round kept for when it opens…"""
MAX_FUTURE_BYTES = 4 << 20
"""… and their bytes, in all …"""
MAX_FUTURE_BYTES_PER_PEER = 1 << 20
"""… and from one peer."""
MAX_BLOCKS = 64
"""Proposed blocks kept per round."""
MAX_EARLY = 4096
"""Proposals and votes kept per round before the cut-off."""
MAX_VOTES_PER_VALIDATOR = 256
"""Votes kept per validator and round (an honest one casts two per view)."""
MAX_UNMASKS_PER_PARTICIPANT = 4
"""Unmask messages admitted per participant and round: an honest one sends two (its own
seed, then pair seeds); more are dropped, not relayed."""
MAX_STORED_PER_PARTICIPANT = 2
"""Contributions stored per participant and round: its contribution, and one more as the
evidence that it sent two."""
STRIKES = 3
"""Inadmissible messages after which a driver drops the peer that sent them."""
SYNC_INTERVAL = 1.0
"""Seconds between two answers to one peer's sync requests."""


class Inadmissible(MessageError):
    """A message no honest peer sends: malformed, unsigned, from a key that is not
    registered, or beyond a bound. It is never stored or relayed, and it counts against
    the peer that sent it (:attr:`Peer.strikes`)."""


@dataclass(eq=False)
class Peer:
    """A peer as a node sees it: how to answer it alone, and what it has cost.

    The driver (:mod:`zkpot.chain.network`) makes one per connection and passes it with
    each message; the node answers a ``sync`` through ``reply`` only, counts the peer's
    inadmissible messages in ``strikes`` (the driver drops a peer at :data:`STRIKES`), and
    bounds what it keeps of the peer's next-round messages."""

    reply: Callable[[bytes], None] | None = None
    strikes: int = 0
    future_bytes: int = 0
    last_sync: float = float("-inf")


ProofOutcome = tuple[Contribution, Proven] | ZkpotError
"""What a participant's proving gives: its message and secrets, or why it cannot train."""


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
        background: prove in the background: the node does not call the prover itself
            but hands the driver a job (:meth:`take_job`) and takes its outcome
            (:meth:`proven`), so that votes and final blocks are handled while it proves
            (what :mod:`zkpot.chain.network` does; the simulator proves at once).
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
        background: bool = False,
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
        self.background = background
        self.job: tuple[int, Callable[[], ProofOutcome]] | None = None  # (round, job) to run
        self.behind = True  # just started, or just caught up: wait for more final blocks
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
        spec = self.genesis.spec
        current = model_hash(self.global_layers, spec)
        bar = count_correct(self.global_layers, self.genesis.test, spec) if spec.averaged else 0
        self.ctx = RoundContext(self.genesis, self.keys, self.round, current, parent, bar,
                                tuple(self.global_layers))  # fmt: skip
        self.unmasking = Unmasking(self.ctx) if spec.averaged else None
        self.revealed_own = False  # this participant revealed its own seed this round
        self.unmasks: dict[int, int] = {}  # participant index → its unmask messages admitted
        self.contributions: dict[bytes, Contribution] = {}
        self.valid: set[bytes] = set()  # valid contributions of this round
        self.on_time: set[bytes] = set()  # … that arrived before the cut-off
        self.accepted: dict[bytes, Contribution] = {}  # participant → its valid contribution
        self.blocks: dict[bytes, tuple[Block, Reveal | Aggregate | None]] = {}
        self.votes: dict[tuple[int, str, bytes | None], dict[int, Vote]] = {}
        self.mine: Proven | None = None
        self.own: list[bytes] = []  # this node's messages of the round, sent again on a timer
        self.seen: dict[bytes, None] = {}  # digests of the round's messages handled, in order
        self.stored: dict[bytes, int] = {}  # participant → its contributions stored this round
        self.vote_count: dict[int, int] = {}  # validator → its votes kept this round
        self.consensus: Height | None = None
        self.early: list[tuple[str, Any]] = []  # proposals and votes before the cut-off
        # messages of the next round, and from whom: kept (bounded) for when it opens
        replay, self.future = getattr(self, "future", []), []
        self.future_bytes = 0
        self._replay: list[tuple[bytes, Peer | None]] = replay
        self.peer: Peer | None = None  # who sent the message being handled

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
        if self.participant is not None:  # a node catching up first waits for final blocks
            wait = min(self.timing.catch_up, self.timing.contribute / 2) if self.behind else 0
            self._schedule(now + wait, "contribute")
        self._schedule(now + self.timing.contribute, "cutoff")
        self._schedule(now + self.timing.resend, "resend")
        replay, self._replay = self._replay, []
        for data, peer in replay:  # what arrived for this round while the last one ran
            if peer is not None:
                peer.future_bytes -= len(data)
            out += self.receive(now, data, peer)
        return out

    def _contribute(self) -> list[bytes]:
        """Train, prove, sign and send this participant's contribution of the round — or,
        proving in the background, hand the driver the job (:meth:`take_job`)."""
        round, model = self.round, tuple(self._training_model())

        def job() -> ProofOutcome:
            try:
                return self.prover(round, model)
            except ZkpotError as error:
                return error

        if self.background:
            self.job = (round, job)
            return []
        return self._contributed(job())

    def take_job(self) -> tuple[int, Callable[[], ProofOutcome]] | None:
        """The proof to make in the background, once: (round, a call that proves and
        returns the outcome). The driver runs it off the node's thread and hands the
        outcome to :meth:`proven`."""
        job, self.job = self.job, None
        return job

    def proven(self, now: float, round: int, outcome: ProofOutcome) -> list[bytes]:
        """A background proof's outcome for ``round``; dropped if the round is over (a
        final block came meanwhile): a node never sends a proof for a final round."""
        self.now = now
        out = self.tick(now)
        if round != self.round or self.mine is not None:
            self._reject(f"this participant's proof for round {round}", "the round is over")
            return out
        return out + self._contributed(outcome)

    def _contributed(self, outcome: ProofOutcome) -> list[bytes]:
        """Sign and send this participant's proven contribution. A participant that cannot
        train (its training leaves the fixed-point bound, say) sits the round out and says
        why (:attr:`rejected`); the node carries on."""
        if isinstance(outcome, ZkpotError):
            self._reject(f"this participant's round {self.round}", f"sits it out: {outcome}")
            self.sat_out.append((self.round, str(outcome)))
            del self.sat_out[:-100]
            return []
        message, self.mine = outcome
        message = self._tamper(message)
        self.own.append(envelope("contribution", message.to_json()))
        return self._accept_contribution(message)

    def _later(self, height: int, raw: bytes) -> bool:
        """Keep a message of the next round for when it opens — within the bounds, in all
        and per peer (one not kept comes again with the sender's resend); True if the
        message is not this round's."""
        if height == self.round + 1:
            size, peer = len(raw), self.peer
            room = len(self.future) < MAX_FUTURE and self.future_bytes + size <= MAX_FUTURE_BYTES
            if room and (peer is None or peer.future_bytes + size <= MAX_FUTURE_BYTES_PER_PEER):
                self.future.append((raw, peer))
                self.future_bytes += size
                if peer is not None:
                    peer.future_bytes += size
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
                               model_salt=part.model_salt(role.secret_key, round),
                               seeds=part.seeds(role.secret_key, round, self.genesis))  # fmt: skip

    # -- input ----------------------------------------------------------------------------

    def receive(self, now: float, data: bytes, peer: Peer | None = None) -> list[bytes]:
        """Handle one wire message from ``peer`` (``None``: a driver that does not tell
        peers apart, like the simulator); returns what to broadcast (the message itself,
        relayed, when it is new and acceptable). Never raises for bad input: it is
        recorded in :attr:`rejected` with the reason, and an inadmissible message counts
        against the peer (:class:`Inadmissible`)."""
        self.now = now
        out = self.tick(now)
        if not isinstance(data, bytes | bytearray) or len(data) > MAX_MESSAGE_BYTES:
            self._strike(peer, "message", "not bytes, or too long")
            return out
        data = bytes(data)
        key = _fingerprint(data)
        if key in self.seen:
            return out
        self.seen[key] = None  # a message is handled once a round, whatever its verdict
        if len(self.seen) > MAX_SEEN:
            del self.seen[next(iter(self.seen))]
        self.peer = peer
        try:
            message = decode(data)
            d = fields(message, ("type", "body"), "message")
            handler = (
                getattr(self, f"_on_{d['type']}", None) if isinstance(d["type"], str) else None
            )
            if handler is None:
                raise MessageError(f"unknown message type {d['type']!r:.40}")
            out += handler(d["body"], data)
        except (ZkpotError, ValueError) as error:
            self._strike(peer, "message", str(error))
        finally:
            self.peer = None
        return out

    def _forget(self, raw: bytes) -> None:
        """Handle this message again if it comes again (a sync, a block not yet due)."""
        self.seen.pop(_fingerprint(raw), None)

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
            elif kind == "pairs":
                out += self._reveal_pairs()
            elif kind == "agree" and self.consensus is None:
                out += self._agree()
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
        self.rejected.append((what, why[:200]))
        del self.rejected[:-1000]  # a bounded log

    def _strike(self, peer: Peer | None, what: str, why: str) -> None:
        """Reject a message that no honest peer sends, and count it against its sender."""
        self._reject(what, why)
        if peer is not None:
            peer.strikes += 1

    # -- contributions ------------------------------------------------------------------

    def _on_contribution(self, body: object, raw: bytes) -> list[bytes]:
        c = Contribution.from_json(body)
        if c.round not in (self.round, self.round + 1):
            self._reject(f"contribution for round {c.round}", f"this is round {self.round}")
            return []
        if self.genesis.registration(c.participant) is None:  # (before hashing anything)
            raise Inadmissible("a contribution from a key that is not registered")
        if c.round == self.round and c.hash in self.contributions:
            return []  # judged already (it came with a proposal)
        self._admit(c)
        if self._later(c.round, raw):
            return []
        return self._accept_contribution(c, raw)

    def _admit(self, c: Contribution) -> None:
        """Raise :class:`Inadmissible` unless ``c`` is signed by a registered participant
        that has not yet had its share of this round's store: checked before anything is
        stored or relayed, so an outsider's contribution never reaches the disk or a peer
        (an admitted contribution is stored with its verdict, accepted or not)."""
        if self.genesis.registration(c.participant) is None:
            raise Inadmissible("a contribution from a key that is not registered")
        if self.stored.get(c.participant, 0) >= MAX_STORED_PER_PARTICIPANT:
            raise Inadmissible("a third contribution from one participant in a round")
        if not bls.verify(c.participant, c.signing_bytes(), c.signature):
            raise Inadmissible("a contribution whose signature does not verify")

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
        verdicts = check_contributions(fresh, self.ctx, self.accepted, signature=False)
        for c, reason in zip(fresh, verdicts, strict=True):  # (signatures: checked on admission)
            self.contributions[c.hash] = c
            self.stored[c.participant] = self.stored.get(c.participant, 0) + 1
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
        """The contribution window has closed: start the agreement — in an averaging chain,
        the unmasking first (:mod:`zkpot.chain.unmasking`): this participant reveals its
        own seed now, pair seeds one ``Timing.unmask`` later, and the agreement starts
        one more later."""
        if self.unmasking is None:
            return self._agree()
        self._schedule(self.now + self.timing.unmask, "pairs")
        self._schedule(self.now + 2 * self.timing.unmask, "agree")
        i = None if self.public_key is None else self.genesis.index(self.public_key)
        if i is None or self.mine is None or not self.unmasking.reveals_own(i, self._eligible()):
            return []
        self.revealed_own = True
        return self._send_unmask(own=True)

    def _reveal_pairs(self) -> list[bytes]:
        """Step 2 of the unmasking: the seeds shared with partners whose own seed this
        participant has not seen (:meth:`Unmasking.reveals_pairs`)."""
        i = None if self.public_key is None else self.genesis.index(self.public_key)
        if i is None or self.unmasking is None or not self.revealed_own:
            return []
        partners = self.unmasking.reveals_pairs(i)
        return self._send_unmask(own=False, partners=partners) if partners else []

    def _send_unmask(self, *, own: bool, partners: Sequence[int] = ()) -> list[bytes]:
        assert self.participant is not None
        u = part.unmask(self.participant.secret_key, self.round, self.genesis, own=own,
                        partners=partners)  # fmt: skip
        u = self._tamper_unmask(u)
        if u is None:
            return []
        self.own.append(envelope("unmask", u.to_json()))
        return self.receive(self.now, self.own[-1])

    def _tamper_unmask(self, u: Unmask) -> Unmask | None:
        """The unmask as sent (a Byzantine node may change or withhold it)."""
        return u

    def _eligible(self) -> dict[int, Contribution]:
        """This round's valid contributions that the rule may average, by participant index
        (:func:`~zkpot.chain.rules.eligible`, among every valid one this node has: the
        set its block would carry)."""
        valid = {}
        for h in self.valid:
            i = self.genesis.index(self.contributions[h].participant)
            if i is not None:
                valid[i] = self.contributions[h]
        return {i: valid[i] for i in eligible(valid, self.ctx)}

    def _on_unmask(self, body: object, raw: bytes) -> list[bytes]:
        """A participant's revealed seeds: admitted if signed by a registered participant of
        an averaging chain; learnt if every seed opens its commitment."""
        u = Unmask.from_json(body, len(self.genesis.participants))
        if self._later(u.round, raw):
            return []
        i = self.genesis.index(u.participant)
        if self.unmasking is None or i is None:
            raise Inadmissible("an unmask from a key that is not an averaging participant")
        if self.unmasks.get(i, 0) >= MAX_UNMASKS_PER_PARTICIPANT:
            return []  # an honest participant sends two a round: this one floods
        if not bls.verify(u.participant, u.signing_bytes(), u.signature):
            raise Inadmissible("an unmask whose signature does not verify")
        mine = self.accepted.get(u.participant)
        if u.own is not None and mine is None:
            self._forget(raw)  # its contribution may come yet; the unmask comes again
            return []
        reason = check_unmask(u, self.ctx, None if mine is None else mine.own_commitment)
        if reason is not None:
            raise Inadmissible(f"an unmask of {self.genesis.label(u.participant)}: {reason}")
        self.unmasks[i] = self.unmasks.get(i, 0) + 1
        self.unmasking.learn(i, u)
        return [raw, *self._recheck()]

    def _agree(self) -> list[bytes]:
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
        reveal: Reveal | Aggregate | None
        if self.unmasking is not None:  # an averaging chain: the aggregate, if it can be made
            reveal = self.unmasking.aggregate(self._eligible())
            if reveal is None or self.genesis.index(self.public_key) not in reveal.included:
                return None
        else:
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
        block = Block.from_json(d["block"], len(self.genesis.participants))
        if self._later(block.height, raw):
            return []
        participants = len(self.genesis.participants)
        if block.parent != self.parent:
            raise Inadmissible("a proposal on another parent than the last final block")
        if block.proposer != NOBODY and self.genesis.registration(block.proposer) is None:
            raise Inadmissible("a proposal from a key that is not registered")
        items = d["contributions"]
        if not isinstance(items, list) or len(items) > participants:
            raise Inadmissible(f"proposal contributions: a list of at most {participants}")
        if block.hash not in self.blocks and len(self.blocks) >= MAX_BLOCKS:
            return []  # not kept (a bound); an honest proposer's comes again with its resend
        reveal = self._read_reveal(d["reveal"])
        brought = [Contribution.from_json(item) for item in items]
        brought = [c for c in brought if c.round != self.round or c.hash not in self.contributions]
        for c in brought:
            self._admit(c)
        out = [raw, *self._accept_contributions(brought, [None] * len(brought))]
        self.blocks.setdefault(block.hash, (block, reveal))
        if self.consensus is not None:
            out += self._act(self.consensus.on_proposal(view, block.hash, valid_round))
        elif len(self.early) < MAX_EARLY:
            self.early.append(("proposal", (view, block.hash, valid_round)))
        return out

    def _read_reveal(self, data: object) -> Reveal | Aggregate | None:
        """A proposal's or final block's reveal — an aggregate, in an averaging chain."""
        if data is None:
            return None
        if self.genesis.spec.averaged:
            return Aggregate.from_json(data, self.genesis.spec, len(self.genesis.participants))
        return Reveal.from_json(data, self.genesis.spec)

    def _on_vote(self, body: object, raw: bytes) -> list[bytes]:
        vote = Vote.from_json(body)
        if self._later(vote.height, raw):
            return []
        if vote.validator >= len(self.genesis.validators):
            raise Inadmissible(f"no validator {vote.validator}")
        if self.vote_count.get(vote.validator, 0) >= MAX_VOTES_PER_VALIDATOR:
            return []  # an honest validator casts two votes a view: this one floods
        key = self.genesis.validators[vote.validator]
        if not bls.verify(key, vote.signing_bytes(), vote.signature):
            raise Inadmissible(f"a vote whose signature does not verify ({vote.validator})")
        self.vote_count[vote.validator] = self.vote_count.get(vote.validator, 0) + 1
        self.votes.setdefault((vote.view, vote.kind, vote.block), {})[vote.validator] = vote
        if self.consensus is None:
            if len(self.early) < MAX_EARLY:
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
        self.behind = False  # this node saw its round decided: it is up to date
        block, reveal = self.blocks[value]
        signed = self.votes.get((view, PRECOMMIT, value), {})
        signers = tuple(sorted(signed))
        signature = bls.aggregate([signed[i].signature for i in signers])
        certificate = Certificate(block.height, block.hash, signers, signature, view)
        return self._commit(block, reveal, certificate)

    def _commit(
        self, block: Block, reveal: Reveal | Aggregate | None, certificate: Certificate
    ) -> list[bytes]:
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
        block = Block.from_json(d["block"], len(self.genesis.participants))
        certificate = Certificate.from_json(d["certificate"])
        if block.height != self.round:
            self._forget(raw)  # old news, or ahead: sync asks in order
            return []
        reveal = self._read_reveal(d["reveal"])
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
            raise Inadmissible(reason)
        for c in included:
            self.store.put_contribution(c, None)
        self.behind = True  # a peer was ahead: there may be more final blocks to adopt
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
        """A peer asks for the final blocks from ``height`` on: up to 16 of them, to that
        peer only (broadcast if the driver does not tell peers apart), at most once per
        :data:`SYNC_INTERVAL` per peer."""
        d = fields(body, ("height",), "sync")
        height = read_int(d["height"], "height", low=1)
        self._forget(raw)  # a sync is answered each time it is asked (within the rate)
        head, _ = self.store.head()
        peer = self.peer
        if height > head:
            return []  # nothing to answer with
        if peer is not None:
            if self.now - peer.last_sync < SYNC_INTERVAL:
                return []
            peer.last_sync = self.now
        bodies = (self._final_body(h) for h in range(height, min(head, height + 16) + 1))
        answers = [envelope("final", body) for body in bodies if body is not None]
        if peer is None or peer.reply is None:
            return answers
        for answer in answers:
            peer.reply(answer)
        return []


def _fingerprint(data: bytes) -> bytes:
    """A message's short digest, to recognise it when it comes again (BLAKE2b from the
    standard library: a local memo, not a commitment, and 1 MiB costs ~2 ms where the
    chain's own Keccak would cost seconds)."""
    return hashlib.blake2b(data, digest_size=16).digest()


__all__ = ["MAX_BLOCKS", "MAX_EARLY", "MAX_FUTURE", "MAX_FUTURE_BYTES", "MAX_FUTURE_BYTES_PER_PEER",
           "MAX_SEEN", "MAX_STORED_PER_PARTICIPANT", "MAX_UNMASKS_PER_PARTICIPANT",
           "MAX_VOTES_PER_VALIDATOR", "STRIKES",
           "SYNC_INTERVAL", "Inadmissible", "Node", "ParticipantRole", "Peer", "ProofOutcome",
           "Prover", "Timing", "envelope"]  # fmt: skip
