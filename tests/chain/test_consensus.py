"""Tendermint's state machine under random schedules: honest validators never decide different
blocks (safety), whatever the delays, losses, Byzantine votes and restarts; and they all decide
once the network settles (liveness), also when the first proposers withhold or equivocate."""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field

import pytest

from zkpot.chain.consensus import PRECOMMIT, PREVOTE, PROPOSE, Action, Height, Timeouts, quorum


@dataclass
class Net:
    """Validators 0 … n−1 (the first ``byzantine`` of them Byzantine) and proposers n …
    n + k − 1 (proposer n + v proposes in view v). Partial synchrony: before ``gst`` a
    message is delayed up to 5 s, or with probability ``loss`` held back until after
    ``gst`` (a node's gossip resends it: Tendermint assumes every message between honest
    nodes arrives eventually); after ``gst`` every message arrives within 0.5 s. With
    ``restarts`` > 0, that many times, after a random event, an honest validator is killed
    and started again from its own votes (:meth:`Height.restore`): its timers are gone, and
    the messages it had received come again from its peers."""

    n: int
    byzantine: int
    seed: int
    proposers: int = 4
    gst: float = 20.0
    loss: float = 0.3
    withhold: set[int] = field(default_factory=set)  # views whose proposer stays silent
    equivocate: set[int] = field(default_factory=set)  # views whose proposer sends 2 blocks
    invalid: set[bytes] = field(default_factory=lambda: {b"junk"})
    restarts: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.queue: list[tuple[float, int, int, tuple]] = []
        self.counter = 0
        self.now = 0.0
        self.nodes: dict[int, Height] = {}
        for i in range(self.n + self.proposers):
            self.nodes[i] = self.height(i)
        self.decisions: dict[int, bytes] = {}
        self.seen: set[tuple[int, tuple]] = set()
        self.cast: dict[int, list[tuple[int, str, bytes | None]]] = {i: [] for i in self.nodes}
        self.received: dict[int, list[tuple]] = {i: [] for i in self.nodes}
        self.epoch = dict.fromkeys(self.nodes, 0)  # a timer set before a restart is gone

    def height(self, i: int) -> Height:
        timeouts = Timeouts(propose=3, prevote=1, precommit=1, increment=1)
        return Height(self.n, i if i < self.n else None, self.valid, self.proposal_of(i), timeouts)

    def restart(self, i: int) -> None:
        """Kill validator i and start it again from the votes it cast."""
        self.epoch[i] += 1
        self.nodes[i] = self.height(i)
        for message in self.received[i]:  # peers send their messages again
            self.counter += 1
            heapq.heappush(self.queue, (self.now + self.rng.uniform(0, 0.5), self.counter, i,
                                        message))  # fmt: skip
        self.received[i] = []
        self.act(i, self.nodes[i].restore(self.cast[i]))

    def valid(self, value: bytes) -> bool:
        return value not in self.invalid

    def proposal_of(self, node: int):
        def propose(view: int) -> bytes | None:
            if node != self.n + view % self.proposers or view in self.withhold:
                return None
            return b"block-%d" % view

        return propose

    def honest(self) -> list[int]:
        return list(range(self.byzantine, self.n))

    def send(self, src: int, dst: int, message: tuple) -> None:
        before = self.now < self.gst
        delay = self.rng.uniform(0, 5.0 if before else 0.5)
        if before and self.rng.random() < self.loss:
            delay = self.gst - self.now + self.rng.uniform(0, 0.5)
        self.counter += 1
        heapq.heappush(self.queue, (self.now + delay, self.counter, dst, message))

    def broadcast(self, src: int, message: tuple) -> None:
        for dst in self.nodes:
            if dst != src:
                self.send(src, dst, message)

    def act(self, node: int, actions: list[Action]) -> None:
        for a in actions:
            if a.kind == "timeout":
                self.counter += 1
                timer = ("timeout", a.step, a.view, self.epoch[node])
                heapq.heappush(self.queue, (self.now + a.delay, self.counter, node, timer))
            elif a.kind == "decide":
                self.decisions[node] = a.value
            elif a.kind == "propose":
                if a.view in self.equivocate:
                    for dst in self.nodes:  # a different block to each half
                        value = a.value + (b"/x" if dst % 2 else b"/y")
                        self.send(node, dst, ("proposal", a.view, value, a.valid_round))
                else:
                    self.broadcast(node, ("proposal", a.view, a.value, a.valid_round))
            elif a.kind in (PREVOTE, PRECOMMIT) and node >= self.byzantine:
                self.cast[node].append((a.view, a.kind, a.value))
                self.broadcast(node, (a.kind, a.view, node, a.value))

    def byzantine_noise(self) -> None:
        """Byzantine validators vote for random values, differently to each node."""
        for b in range(self.byzantine):
            for dst in self.nodes:
                view = self.rng.randrange(0, 4)
                value = self.rng.choice([None, b"block-0", b"block-1", b"junk", b"block-0/x"])
                kind = self.rng.choice([PREVOTE, PRECOMMIT])
                self.send(b, dst, (kind, view, b, value))

    def run(self, until: float = 400.0) -> None:
        for i, node in self.nodes.items():
            self.act(i, node.start(0))
        self.byzantine_noise()
        while self.queue and self.now < until:
            self.now, _, dst, message = heapq.heappop(self.queue)
            node = self.nodes[dst]
            if message[0] != "timeout" and (dst, message) not in self.seen:
                # gossip: a node relays every message the first time it sees it, so that
                # what one honest node received, every honest node eventually receives
                self.seen.add((dst, message))
                self.broadcast(dst, message)
            if message[0] == "timeout":
                if message[3] != self.epoch[dst]:
                    continue
                actions = node.on_timeout(message[1], message[2])
            elif message[0] == "proposal":
                actions = node.on_proposal(*message[1:])
            elif message[0] == PREVOTE:
                actions = node.on_prevote(*message[1:])
            else:
                actions = node.on_precommit(*message[1:])
            if message[0] != "timeout":
                self.received[dst].append(message)
            self.act(dst, actions)
            if self.restarts and self.rng.random() < 0.02:
                self.restarts -= 1
                self.restart(self.rng.choice(self.honest()))
            if self.rng.random() < 0.01:
                self.byzantine_noise()
            if all(i in self.decisions for i in self.honest()):
                break


def check(net: Net) -> None:
    for i in net.honest():  # an honest validator never equivocates, restarted or not
        votes: dict[tuple[int, str], set[bytes | None]] = {}
        for view, kind, value in net.cast[i]:
            votes.setdefault((view, kind), set()).add(value)
        assert all(len(values) == 1 for values in votes.values()), ("equivocation", net.seed, i)
    decided = {net.decisions[i] for i in net.honest() if i in net.decisions}
    assert len(decided) <= 1, ("safety", net.seed, decided)
    assert all(i in net.decisions for i in net.honest()), ("liveness", net.seed, net.decisions)
    assert decided <= {b"block-%d" % v for v in range(20)} | {
        b"block-%d/%s" % (v, s) for v in range(20) for s in (b"x", b"y")
    }


@pytest.mark.parametrize("seed", range(40))
def test_safety_and_liveness_with_a_byzantine_validator_and_losses(seed: int) -> None:
    net = Net(n=4, byzantine=1, seed=seed)
    net.run()
    check(net)


@pytest.mark.parametrize("seed", range(25))
def test_withholding_and_equivocating_proposers_are_passed_over(seed: int) -> None:
    net = Net(n=7, byzantine=2, seed=seed, withhold={0}, equivocate={1})
    net.run()
    check(net)


@pytest.mark.parametrize("seed", range(10))
def test_no_decision_is_an_invalid_block(seed: int) -> None:
    net = Net(n=4, byzantine=1, seed=seed, invalid={b"junk", b"block-0"})
    net.run()
    check(net)
    assert all(v != b"block-0" for v in net.decisions.values())


@pytest.mark.parametrize("seed", range(20))
def test_validators_restarted_at_any_moment_never_equivocate_nor_break_their_locks(seed) -> None:
    """Honest validators killed and started again from their own votes, twelve times at
    random moments: no honest one casts two votes in one view and step, they never decide
    different blocks, and they all decide."""
    net = Net(n=4, byzantine=1, seed=seed, restarts=12, equivocate={0, 2})
    net.run(until=1000)
    check(net)
    assert sum(net.epoch.values()) > 0  # restarts happened before the decisions


def test_restore_votes_again_as_before_and_keeps_the_lock() -> None:
    """A validator restarted after prevoting and precommitting A in view 0 (so locked on
    it) and prevoting nil in view 1 waits in view 1 after its prevote; it prevotes nil for a
    fresh proposal of another block in view 2, and A again."""
    h = Height(4, 0, lambda v: True, lambda v: None)
    assert h.restore([(0, PREVOTE, b"A"), (0, PRECOMMIT, b"A"), (1, PREVOTE, None)]) == []
    assert (h.view, h.step, h.locked_value, h.locked_round) == (1, PREVOTE, b"A", 0)
    assert h.on_proposal(1, b"B") == []  # it prevoted in view 1: not again
    h.on_prevote(1, 1, None)
    actions = h.on_prevote(1, 2, None)  # with its own, a quorum of nil prevotes
    assert [(a.kind, a.value) for a in actions if a.kind != "timeout"] == [(PRECOMMIT, None)]
    h.on_precommit(1, 1, None)
    assert [a.kind for a in h.on_precommit(1, 2, None)] == ["timeout"]
    h.on_timeout(PRECOMMIT, 1)
    assert h.on_proposal(2, b"B") == [Action(PREVOTE, 2, None)]  # locked on A
    again = Height(4, 0, lambda v: True, lambda v: None)
    again.restore([(0, PREVOTE, b"A"), (0, PRECOMMIT, b"A"), (1, PREVOTE, None)])
    again.on_timeout(PRECOMMIT, 1)
    assert again.on_proposal(2, b"A") == [Action(PREVOTE, 2, b"A")]  # its locked block


def test_restore_after_a_precommit_waits_in_precommit_and_casts_nothing_new() -> None:
    h = Height(4, 0, lambda v: True, lambda v: None)
    h.restore([(0, PREVOTE, b"A"), (0, PRECOMMIT, b"A")])
    assert (h.view, h.step, h.locked_value, h.locked_round) == (0, PRECOMMIT, b"A", 0)
    assert h.on_proposal(0, b"B") == [] and h.on_proposal(0, b"A") == []
    for i in (1, 2):  # a quorum of prevotes for A, and then for B (one of 1, 2 equivocates)
        assert h.on_prevote(0, i, b"A") + h.on_prevote(0, i, b"B") in ([], [
            Action("timeout", 0, step=PREVOTE, delay=1.0)])  # fmt: skip
    assert h.on_precommit(0, 1, None) == [] and len(h.on_precommit(0, 2, b"A")) == 1  # timeout
    assert h.on_precommit(0, 3, b"A") == [Action("decide", 0, b"A")]


def test_restore_without_votes_is_a_start_and_without_a_validator_too() -> None:
    fresh, restored = (Height(4, 0, lambda v: True, lambda v: b"P") for _ in range(2))
    assert restored.restore([]) == fresh.start(0)
    watcher = Height(4, None, lambda v: True, lambda v: None)
    assert watcher.restore([(3, PREVOTE, b"A")]) == watcher.start(0) and watcher.view == 0


def test_without_a_quorum_nothing_is_decided() -> None:
    """Two of four validators silent: no quorum, no decision (and no wrong one)."""
    net = Net(n=4, byzantine=2, seed=1, gst=0)
    net.byzantine_noise = lambda: None  # the two Byzantine validators say nothing
    net.run(until=100)
    assert not {i: v for i, v in net.decisions.items() if i < net.n}


def test_a_decision_comes_with_a_quorum_certificate() -> None:
    net = Net(n=4, byzantine=0, seed=3, gst=0)
    net.run()
    node = net.nodes[0]
    signers = node.precommitters(node.decided_view, node.decision)
    assert len(signers) >= quorum(4)


def test_the_machine_ignores_nonsense() -> None:
    h = Height(4, 0, lambda v: True, lambda v: None)
    h.start(0)
    assert h.on_prevote(0, 9, b"x") == [] and h.on_precommit(-1, 1, b"x") == []
    assert h.on_proposal(0, b"x", valid_round=5) == []  # a valid round must be earlier
    assert h.on_timeout(PROPOSE, 7) == []  # a stale or future timeout
    assert quorum(4) == 3 and quorum(7) == 5 and quorum(1) == 1 and quorum(6) == 5
