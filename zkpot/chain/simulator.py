"""Many nodes in one process, on a simulated network, deterministic from a seed.

Time is virtual: the simulation jumps from event to event (a message arriving, a node's
timer), so a run of many rounds takes as long as its proofs take to compute, not as long
as its timeouts. Every message a node broadcasts goes to every other node that is up,
each copy after its own random delay; the network can lose messages, and *partitions*
(sets of nodes that cannot reach each other) can be set and healed. Nodes relay what they
accept (gossip), so a message lost on one link usually arrives by another.

>>> sim = Simulation(seed=1)
>>> sim.now
0.0
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from zkpot.chain.node import Node


@dataclass
class Simulation:
    """A simulated network of nodes (see the module docstring).

    Attributes:
        seed: seeds every random choice: delays, losses.
        delay: each message copy is delayed uniformly within (low, high) seconds.
        loss: the probability that a copy is lost.
    """

    seed: int = 0
    delay: tuple[float, float] = (0.05, 0.5)
    loss: float = 0.0
    nodes: dict[str, Node] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)
    partition: list[set[str]] = field(default_factory=list)
    now: float = 0.0
    sent: int = 0
    log: list[tuple[float, str, bytes]] = field(default_factory=list)
    unstarted: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.queue: list[tuple[float, int, str, bytes | None]] = []
        self._count = 0

    def add(self, name: str, node: Node) -> None:
        """Add a node; it starts when the simulation next runs (all added nodes together)."""
        self.nodes[name] = node
        self.unstarted.append(name)

    def restart(self, name: str, node: Node) -> None:
        """Bring a node that was down back, as a new process on its old store."""
        self.down.discard(name)
        self.add(name, node)

    def reachable(self, a: str, b: str) -> bool:
        """Whether a message from a can reach b now (both up, not split by the partition)."""
        if a in self.down or b in self.down:
            return False
        return not self.partition or any(a in side and b in side for side in self.partition)

    def split(self, *sides: Collection[str]) -> None:
        """Partition the network into these sides (every node in one); ``heal`` undoes it."""
        self.partition = [set(side) for side in sides]

    def heal(self) -> None:
        self.partition = []

    def _send(self, src: str, messages: list[bytes]) -> None:
        for data in messages:
            self.log.append((self.now, src, data))
            for dst in self.nodes:
                if dst == src or not self.reachable(src, dst) or self.rng.random() < self.loss:
                    continue
                self._count += 1
                self.sent += 1
                when = self.now + self.rng.uniform(*self.delay)
                heapq.heappush(self.queue, (when, self._count, dst, data))

    def _wake(self, name: str) -> None:
        """Schedule the node's next timer as an event."""
        when = self.nodes[name].next_timer()
        if when is not None:
            self._count += 1
            heapq.heappush(self.queue, (when, self._count, name, None))

    def run(self, until: float, stop: Callable[[], bool] | None = None) -> None:
        """Process events up to virtual time ``until``, or until ``stop()`` holds."""
        starting, self.unstarted = self.unstarted, []
        for name in starting:
            self._send(name, self.nodes[name].start(self.now))
            self._wake(name)
        while self.queue and self.queue[0][0] <= until:
            self.now, _, name, data = heapq.heappop(self.queue)
            if name in self.down:
                continue
            node = self.nodes[name]
            out = node.tick(self.now) if data is None else node.receive(self.now, data)
            self._send(name, out)
            self._wake(name)
            if stop is not None and stop():
                return
        self.now = max(self.now, until) if not self.queue else self.now


__all__ = ["Simulation"]
