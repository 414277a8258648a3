"""Tendermint's state machine under random schedules: honest validators never decide different
blocks (safety), whatever the delays, losses and Byzantine votes; and they all decide once
the network settles (liveness), also when the first proposers withhold or equivocate."""

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
    nodes arrives eventually); after ``gst`` every message arrives within 0.5 s."""

    n: int
    byzantine: int
    seed: int
    proposers: int = 4
    gst: float = 20.0
    loss: float = 0.3
    withhold: set[int] = field(default_factory=set)  # views whose proposer stays silent
    equivocate: set[int] = field(default_factory=set)  # views whose proposer sends 2 blocks
    invalid: set[bytes] = field(default_factory=lambda: {b"junk"})

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.queue: list[tuple[float, int, int, tuple]] = []
        self.counter = 0
        self.now = 0.0
        self.nodes: dict[int, Height] = {}
        timeouts = Timeouts(propose=3, prevote=1, precommit=1, increment=1)
        for i in range(self.n + self.proposers):
            me = i if i < self.n else None
            self.nodes[i] = Height(self.n, me, self.valid, self.proposal_of(i), timeouts)
        self.decisions: dict[int, bytes] = {}
        self.seen: set[tuple[int, tuple]] = set()

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
                heapq.heappush(self.queue, (self.now + a.delay, self.counter, node,
                                            ("timeout", a.step, a.view)))  # fmt: skip
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
                actions = node.on_timeout(message[1], message[2])
            elif message[0] == "proposal":
                actions = node.on_proposal(*message[1:])
            elif message[0] == PREVOTE:
                actions = node.on_prevote(*message[1:])
            else:
                actions = node.on_precommit(*message[1:])
            self.act(dst, actions)
            if self.rng.random() < 0.01:
                self.byzantine_noise()
            if all(i in self.decisions for i in self.honest()):
                break


def check(net: Net) -> None:
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
