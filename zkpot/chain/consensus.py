"""Agreement on one block per height: Tendermint's algorithm, as a pure state machine.

Buchman, Kwon and Milosevic, "The latest gossip on BFT consensus" (arXiv 1807.04938),
Algorithm 1, for one height. n validators, at most f Byzantine with n ≥ 3f + 1; a
*quorum* is 2f + 1 of them (for n not of the form 3f + 1: more than two thirds,
⌊2n/3⌋ + 1). Each height runs in *views* (the paper's rounds; "round" is the ZKPoT
round here, which is the height). In view v:

1. **Propose.** The view's proposer broadcasts a value: a block it made, or — if it has
   seen a quorum of prevotes for a block in an earlier view — that block again
   (``valid_round``), so that a block some validators are locked on can still win.
2. **Prevote.** A validator prevotes for the proposal if the block is valid and it is not
   locked on another block (or has seen the proposal win a quorum of prevotes in a view
   at least as late as its lock); otherwise it prevotes nil. No proposal before the
   timeout: nil.
3. **Precommit.** On a quorum of prevotes for a block in this view it *locks* on the block
   and precommits it; on a quorum of nil prevotes it precommits nil; on a quorum of
   mixed prevotes, after a timeout, nil.
4. **Decide.** A quorum of precommits for a block in *one* view decides it: that is the
   finality certificate. A quorum of precommits that decides nothing, after a timeout,
   starts view v + 1; so does seeing f + 1 validators already in a later view.

**Safety** (no two honest validators decide different blocks at one height) holds
under any message delays and losses: a decision in view v needs a quorum of
precommits, hence a quorum of validators locked on the block; any two quorums share
an honest validator, which will not prevote another block unless a quorum prevoted it
in a later view, which the locked quorum prevents. **Liveness** holds once messages
arrive within the timeouts (which grow with the view) and a view's proposer is honest.

ZKPoT's twist is who proposes: not a validator but the round's best participant,
the only one who can reveal its model. The turns go down the ranking of the
contributions twice, then to the empty block, and round again: a leader that
withholds is passed over after a timeout, and a round always ends. A block is
acceptable in view v if its proposer is among the v + 1 best (the node's rule,
:func:`zkpot.chain.rules.check_block`). This module does not know any of that: it sees
values as opaque ids, asks ``valid(value)`` and proposes what ``propose(view)`` returns.

The machine never reads a clock or a socket: events go in (:meth:`Height.start`,
:meth:`on_proposal`, :meth:`on_prevote`, :meth:`on_precommit`, :meth:`on_timeout`) and
actions come out (broadcast a vote or a proposal, schedule a timeout, decide). The node
(:mod:`zkpot.chain.node`) signs and sends them; the simulator and the tests drive it
with any schedule they like.

**Restarts.** The safety argument assumes that an honest validator never casts two votes
in one view and step, and never forgets its lock — also when it is killed and started
again mid-height. Its node keeps each of its votes on disk before sending it, and a
restarted node rebuilds the machine with :meth:`Height.restore` from those votes: they
are cast again, never otherwise; the lock is the latest precommit for a block (the
paper's lines 36–43 lock when they precommit); and the machine resumes in the latest
view it voted in, at the step after its last vote. Nothing else needs keeping: proposals
and other validators' votes come again from peers, who send theirs again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

NIL = None
"""A vote for no block."""

PROPOSE, PREVOTE, PRECOMMIT = "propose", "prevote", "precommit"


@dataclass(frozen=True)
class Action:
    """What the state machine asks its node to do.

    ``kind`` is ``"propose"`` (value, valid_round), ``"prevote"`` / ``"precommit"``
    (value or ``None``), ``"timeout"`` (step, after ``delay`` seconds) or ``"decide"``
    (value, with ``view`` the view whose precommits decide it).
    """

    kind: str
    view: int
    value: bytes | None = None
    valid_round: int = -1
    step: str = ""
    delay: float = 0.0


@dataclass(frozen=True)
class Timeouts:
    """Timeout of each step in view v: ``base + v·increment`` seconds (they grow, so that
    after the network settles some view is long enough)."""

    propose: float = 3.0
    prevote: float = 1.0
    precommit: float = 1.0
    increment: float = 1.0

    def of(self, step: str, view: int) -> float:
        return getattr(self, step) + view * self.increment


def quorum(n: int) -> int:
    """Votes that make a quorum among n validators: more than two thirds, ⌊2n/3⌋ + 1."""
    return 2 * n // 3 + 1


MAX_PROPOSALS = 16
"""Proposals kept per view: a flood from Byzantine participants cannot grow the state."""

MAX_VOTES = 64
"""Distinct votes kept per validator, view and step (an honest validator casts one; a
Byzantine one that casts more than this in a view may delay, never break, agreement)."""


@dataclass
class Height:
    """Tendermint's state for one height (see the module docstring).

    Args:
        n: the number of validators.
        me: this node's validator index, or ``None`` for a node that only watches (a
            participant that is not a validator still follows the views, to propose).
        valid: whether a value (a block id) is a valid block; may be asked again later
            (a block whose parts arrive late becomes valid: call :meth:`recheck`).
        propose: this node's proposal for a view, ``None`` if it is not that view's
            proposer; called at the start of every view.

    Several proposals may arrive in a view (participants rank the round's contributions
    from what each has seen); a validator prevotes for the first *valid* one, and a
    proposal counts for the lock and the decision whatever order it arrived in.
    """

    n: int
    me: int | None
    valid: Callable[[bytes], bool]
    propose: Callable[[int], bytes | None]
    timeouts: Timeouts = field(default_factory=Timeouts)

    view: int = 0
    step: str = PROPOSE
    locked_value: bytes | None = None
    locked_round: int = -1
    valid_value: bytes | None = None
    valid_round: int = -1
    decision: bytes | None = None
    decided_view: int = -1
    proposals: dict[int, list[tuple[bytes, int]]] = field(default_factory=dict)
    prevotes: dict[int, dict[int, set[bytes | None]]] = field(default_factory=dict)
    precommits: dict[int, dict[int, set[bytes | None]]] = field(default_factory=dict)
    _done: set[tuple[str, int]] = field(default_factory=set)

    # -- events -------------------------------------------------------------------------

    def start(self, view: int = 0) -> list[Action]:
        """StartRound(view): propose if this node is the view's proposer, else wait."""
        self.view, self.step = view, PROPOSE
        out: list[Action] = []
        if self.valid_value is not None:  # a block that won a quorum of prevotes: again
            out.append(Action("propose", view, self.valid_value, valid_round=self.valid_round))
        elif (mine := self.propose(view)) is not None:
            out.append(Action("propose", view, mine))
        out.append(Action("timeout", view, step=PROPOSE, delay=self.timeouts.of(PROPOSE, view)))
        return out + self._react()

    def restore(self, own: Iterable[tuple[int, str, bytes | None]]) -> list[Action]:
        """Start this height again after a restart, from this validator's own votes of it:
        (view, kind, value) triples, as its node kept them. With none, :meth:`start` (0).

        Each vote is remembered (:meth:`remember`), so that it is cast again and never
        otherwise, and the lock is the latest precommit for a block's. The machine resumes
        in the latest view it voted in, waiting at the step after its vote there: in
        PREVOTE if it prevoted, in PRECOMMIT if it precommitted. The timeouts it waits for
        are set again by the rules, as its peers' votes come again."""
        votes = list(own)
        if self.me is None or not votes:
            return self.start(0)
        for view, kind, value in votes:
            self.remember(view, kind, value)
        self.view = max(view for view, _, _ in votes)
        self.step = PRECOMMIT if self.me in self.precommits.get(self.view, {}) else PREVOTE
        return self._react()

    def remember(self, view: int, kind: str, value: bytes | None) -> None:
        """This validator's vote of ``kind`` in ``view`` is ``value``: the one it signed (a
        restored vote, or one its node sent in place of another). A precommit for a block
        locks on it (lines 36–43), unless the lock is from a later view."""
        if self.me is None:
            return
        box = self.prevotes if kind == PREVOTE else self.precommits
        box.setdefault(view, {})[self.me] = {value}
        if kind == PRECOMMIT and value is not None and view >= self.locked_round:
            self.locked_value, self.locked_round = value, view

    def on_proposal(self, view: int, value: bytes, valid_round: int = -1) -> list[Action]:
        """A proposal for ``view``; ``valid_round`` ≥ 0 for a block re-proposed because a
        quorum prevoted it in that earlier view."""
        if self.decision is not None or view < 0 or not -1 <= valid_round < view:
            return []
        kept = self.proposals.setdefault(view, [])
        if (value, valid_round) not in kept and len(kept) < MAX_PROPOSALS:
            kept.append((value, valid_round))
        return self._react()

    def on_prevote(self, view: int, validator: int, value: bytes | None) -> list[Action]:
        """A validator's prevote (the node has checked its signature)."""
        return self._vote(self.prevotes, view, validator, value)

    def on_precommit(self, view: int, validator: int, value: bytes | None) -> list[Action]:
        """A validator's precommit (the node has checked its signature)."""
        return self._vote(self.precommits, view, validator, value)

    def on_timeout(self, step: str, view: int) -> list[Action]:
        """A scheduled timeout fired (stale ones are ignored)."""
        if self.decision is not None or view != self.view:
            return []
        if step == PROPOSE and self.step == PROPOSE:  # lines 57–60
            self.step = PREVOTE
            return [*self._cast(PREVOTE, NIL), *self._react()]
        if step == PREVOTE and self.step == PREVOTE:  # lines 61–64
            self.step = PRECOMMIT
            return [*self._cast(PRECOMMIT, NIL), *self._react()]
        if step == PRECOMMIT:  # lines 65–67
            return self.start(view + 1)
        return []

    def recheck(self) -> list[Action]:
        """Re-evaluate the rules after ``valid`` may have changed (a block's parts arrived)."""
        return [] if self.decision is not None else self._react()

    def precommitters(self, view: int, value: bytes) -> list[int]:
        """The validators whose precommits in ``view`` are for ``value`` (a certificate's)."""
        return sorted(i for i, vs in self.precommits.get(view, {}).items() if value in vs)

    # -- the rules ----------------------------------------------------------------------

    def _vote(self, box, view: int, validator: int, value: bytes | None) -> list[Action]:
        """Record a vote. A Byzantine validator may vote twice in a view (equivocate): each of
        its votes counts toward its value, at most ``MAX_VOTES`` of them. That keeps safety
        — two quorums in one view share more than f validators, so an honest one — and
        lets every honest node count the votes another honest node decided with."""
        if self.decision is not None or not 0 <= validator < self.n or view < 0:
            return []
        votes = box.setdefault(view, {}).setdefault(validator, set())
        if value in votes or len(votes) >= MAX_VOTES:
            return []
        votes.add(value)
        return self._react()

    @staticmethod
    def _total(box, view: int) -> int:
        """Validators with any vote in the view."""
        return len(box.get(view, {}))

    @staticmethod
    def _count(box, view: int, value: bytes | None) -> int:
        """Validators with a vote for ``value`` in the view."""
        return sum(1 for votes in box.get(view, {}).values() if value in votes)

    def _cast(self, kind: str, value: bytes | None) -> list[Action]:
        """This node's vote: broadcast it, and count it as received. One vote per view and
        step: if it has one already (a restored vote), that one goes out again."""
        if self.me is None:
            return []
        box = self.prevotes if kind == PREVOTE else self.precommits
        mine = box.setdefault(self.view, {}).setdefault(self.me, set())
        if not mine:
            mine.add(value)
        return [Action(kind, self.view, next(iter(mine)))]

    def _once(self, rule: str, view: int) -> bool:
        """True the first time a rule fires in a view ("for the first time" in the paper)."""
        if (rule, view) in self._done:
            return False
        self._done.add((rule, view))
        return True

    def _react(self) -> list[Action]:
        """Apply every rule whose condition holds, until none does."""
        out: list[Action] = []
        while True:
            fired, actions = self._rule()
            out += actions
            if not fired:
                return out

    def _rule(self) -> tuple[bool, list[Action]]:
        """Apply the first rule whose condition holds: (whether one did, its actions)."""
        q, v = quorum(self.n), self.view
        if self.decision is not None:
            return False, []
        # decide: a proposal and a quorum of precommits for it in one view (lines 49–54)
        for w, kept in self.proposals.items():
            for value, _ in kept:
                if self._count(self.precommits, w, value) >= q and self.valid(value):
                    self.decision, self.decided_view = value, w
                    return True, [Action("decide", w, value)]
        if self.step == PROPOSE:
            for value, vr in self.proposals.get(v, []):
                if vr == -1:  # lines 22–27
                    lock_ok = self.locked_round == -1 or self.locked_value == value
                elif self._count(self.prevotes, vr, value) >= q:  # lines 28–33
                    lock_ok = self.locked_round <= vr or self.locked_value == value
                else:
                    continue  # a re-proposal whose quorum this node has not seen (yet)
                if lock_ok and self.valid(value):
                    self.step = PREVOTE
                    return True, self._cast(PREVOTE, value)
            # a fresh proposal of another block than the one this node is locked on: nil
            if any(vr == -1 and self.locked_round != -1 and self.locked_value != value
                   for value, vr in self.proposals.get(v, [])):  # fmt: skip
                self.step = PREVOTE
                return True, self._cast(PREVOTE, NIL)
        if self.step == PREVOTE and self._total(self.prevotes, v) >= q and self._once("pv", v):
            return True, [Action("timeout", v, step=PREVOTE, delay=self.timeouts.of(PREVOTE, v))]
        if self.step in (PREVOTE, PRECOMMIT):  # lines 36–43
            for value, _ in self.proposals.get(v, []):
                if (self._count(self.prevotes, v, value) >= q and self.valid(value)
                        and self._once("lock", v)):  # fmt: skip
                    out = []
                    if self.step == PREVOTE:
                        self.locked_value, self.locked_round = value, v
                        self.step = PRECOMMIT
                        out = self._cast(PRECOMMIT, value)
                    self.valid_value, self.valid_round = value, v
                    return True, out
        # a quorum of prevotes for a block in a view this node has already left: still the
        # block to propose again. The paper updates validValue only in the current view;
        # here proposers are participants that follow the views from outside, and may
        # learn of a view's quorum late (safety does not rest on validValue, only on locks)
        for w in range(self.valid_round + 1, v):
            for value, _ in self.proposals.get(w, []):
                if self._count(self.prevotes, w, value) >= q and self.valid(value):
                    self.valid_value, self.valid_round = value, w
                    return True, []
        if self.step == PREVOTE and self._count(self.prevotes, v, NIL) >= q:  # lines 44–46
            self.step = PRECOMMIT
            return True, self._cast(PRECOMMIT, NIL)
        if self._total(self.precommits, v) >= q and self._once("pc", v):  # lines 47–48
            delay = self.timeouts.of(PRECOMMIT, v)
            return True, [Action("timeout", v, step=PRECOMMIT, delay=delay)]
        # catch up: f + 1 validators already in a later view (lines 55–56)
        for w in sorted({*self.prevotes, *self.precommits} - set(range(v + 1)), reverse=True):
            senders = set(self.prevotes.get(w, {})) | set(self.precommits.get(w, {}))
            if len(senders) >= self.n - q + 1:
                return True, self.start(w)
        return False, []


__all__ = ["MAX_PROPOSALS", "NIL", "PRECOMMIT", "PREVOTE", "PROPOSE", "Action", "Height",
           "Timeouts", "quorum"]  # fmt: skip
