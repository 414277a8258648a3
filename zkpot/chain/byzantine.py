"""Byzantine participants, for the simulator, the tests and the experiments.

Each behaviour is a :class:`ByzantineNode`: a :class:`~zkpot.chain.node.Node` that
cheats in one way the consensus rules must catch.

- ``inflate``: claims one more correct test row than it proved (and signs the claim);
- ``replay``: sends an honest participant's proof under its own key and data commitment;
- ``stale``: sends, in round r, its own contribution of the first round again;
- ``wrong-model``: trains every round from the genesis's model, not the current one;
- ``duplicate``: sends a second, different and equally valid contribution in the same round;
- ``withhold``: proves honestly, and when it leads, proposes nothing;
- ``bad-reveal``: when it leads, reveals a model that does not open its commitment;
- ``equivocate``: when it leads, proposes two different blocks in the same view;
- ``double-vote``: a Byzantine *validator*: with each of its votes it also signs the
  opposite one (nil for a block, every block it knows for nil), in every view;
- ``garbage``: also sends malformed and oversized messages;
- ``withhold-seed`` (an averaging chain): proves honestly, then never reveals its own seed;
- ``wrong-seed`` (an averaging chain): reveals an own seed that does not open its commitment.

In an averaging chain the last two are left out of the average: their partners reveal the
seeds they share with them, and the others are averaged (:mod:`zkpot.chain.unmasking`).

None of them is ever accepted: the contribution is rejected with a reason, or the block
is refused and the next best participant proposes after a timeout.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from zkpot.chain import participant as part
from zkpot.chain.consensus import PRECOMMIT, PREVOTE
from zkpot.chain.encoding import MAX_MESSAGE_BYTES
from zkpot.chain.messages import Contribution, Reveal, Unmask
from zkpot.chain.node import Node, envelope
from zkpot.curve import bls
from zkpot.ml.model import Layer

BEHAVIOURS = ("inflate", "replay", "stale", "wrong-model", "duplicate", "withhold",
              "bad-reveal", "equivocate", "double-vote", "garbage", "withhold-seed",
              "wrong-seed")  # fmt: skip

GARBAGE = (
    b"not json",
    b'{"type":"vote","body":{"height":1}}',
    b'{"body":{},"type":"nonsense"}',
    b"[" * 100_000,
    b" " * (MAX_MESSAGE_BYTES + 1),
    envelope("contribution", {"round": -1}),
)
"""Messages an honest node must reject, and carry on."""


class ByzantineNode(Node):
    """A node that cheats by ``behaviour`` (one of :data:`BEHAVIOURS`, or a plan of them
    joined by ``+``: one per round, in turn).

    Args:
        behaviour: how it cheats.
        victim: for ``replay``, a function returning an honest contribution of the round
            to steal (the simulator's view of the network), or ``None`` if there is none yet.
        **kwargs: as for :class:`~zkpot.chain.node.Node`.
    """

    def __init__(self, *args: Any, behaviour: str, victim: Any = None, **kwargs: Any) -> None:
        self.plan = parse_behaviour(behaviour)
        self.victim = victim
        self.first: Contribution | None = None
        super().__init__(*args, **kwargs)

    @property
    def behaviour(self) -> str:
        """How it cheats this round: a plan ``a+b+c`` cheats by a in round 1, b in round 2,
        c in round 3, a again in round 4, …"""
        round = getattr(self, "round", 1)
        return self.plan[(round - 1) % len(self.plan)]

    # -- the contribution -----------------------------------------------------------------

    def _contribute(self) -> list[bytes]:
        out = super()._contribute()
        assert self.participant is not None
        key = self.participant.secret_key
        extra: list[Contribution] = []
        if self.behaviour == "duplicate" and self.mine is not None:
            # a second proof, as valid as the first (another model salt): whichever of the
            # two a node receives first it accepts, and the other is one voice too many
            role, salt = self.participant, part.model_salt(key, self.round) + 1
            second, _ = part.contribute(self.keys, key, round=self.round,
                                        global_layers=self._training_model(), data=role.data,
                                        data_salt=role.data_salt, test=self.genesis.test,
                                        model_salt=salt)  # fmt: skip
            extra.append(second)
        if self.behaviour == "garbage":
            out += list(GARBAGE)
        return out + [envelope("contribution", c.to_json()) for c in extra]

    def _training_model(self) -> Sequence[Layer]:
        if self.behaviour == "wrong-model":
            return self.genesis.global_model
        return super()._training_model()

    def _tamper(self, message: Contribution) -> Contribution:
        assert self.participant is not None
        key = self.participant.secret_key
        if self.first is None:
            self.first = message
        if self.behaviour == "inflate":
            return part.sign(dataclasses.replace(message, accuracy=message.accuracy + 1), key)
        if self.behaviour == "stale" and message.round > 1:
            return self.first
        if self.behaviour == "replay":
            stolen = self.victim(message.round) if self.victim is not None else None
            if stolen is not None:
                fields = {"participant": message.participant,
                          "data_commitment": message.data_commitment}  # fmt: skip
                return part.sign(dataclasses.replace(stolen, **fields), key)
        return message

    def _tamper_unmask(self, u: Unmask) -> Unmask | None:
        if u.own is None or self.behaviour not in ("withhold-seed", "wrong-seed"):
            return u
        if self.behaviour == "withhold-seed":
            return None
        assert self.participant is not None
        wrong = dataclasses.replace(u, own=u.own + 1)
        return dataclasses.replace(wrong, signature=bls.sign(self.participant.secret_key,
                                                             wrong.signing_bytes()))  # fmt: skip

    # -- leading ----------------------------------------------------------------------------

    def _propose(self, view: int) -> bytes | None:
        value = super()._propose(view)
        if value is None or self.behaviour not in ("withhold", "bad-reveal", "equivocate"):
            return value
        if self.blocks[value][1] is None:  # the empty block: every validator proposes it
            return value
        if self.behaviour == "withhold":
            self.blocks.pop(value, None)
            return None
        block, reveal = self.blocks[value]
        assert reveal is not None
        if self.behaviour == "bad-reveal":
            fake = Reveal(reveal.round, reveal.participant, reveal.model, reveal.salt + 1)
            block = dataclasses.replace(block, reveal=fake.hash)
            self.blocks[block.hash] = (block, fake)
            return block.hash
        # equivocate: a second block, and the proposal of the first goes out too
        other = dataclasses.replace(block, timestamp=block.timestamp + 1)
        self.blocks[other.hash] = (other, reveal)
        self._twin = other.hash
        return value

    def _act(self, actions: list) -> list[bytes]:
        out = super()._act(actions)
        if self.behaviour == "double-vote" and self.validator_key is not None:
            for a in actions:
                if a.kind in (PREVOTE, PRECOMMIT):
                    others = [None] if a.value is not None else list(self.blocks)
                    for value in others:
                        vote = self._sign(a.view, a.kind, value)  # past the store's guard
                        out.append(envelope("vote", vote.to_json()))
        twin = getattr(self, "_twin", None)
        if twin is not None:
            self._twin = None
            block, reveal = self.blocks[twin]
            included = [self.contributions[h].to_json() for h in block.contributions]
            body = {"view": 0, "valid_round": -1, "block": block.to_json(),
                    "reveal": None if reveal is None else reveal.to_json(),
                    "contributions": included}  # fmt: skip
            out.append(envelope("proposal", body))
        return out


def parse_behaviour(text: str) -> tuple[str, ...]:
    """A behaviour, or a plan of them joined by ``+`` (one per round, in turn).

    Raises:
        ValueError: for a name not in :data:`BEHAVIOURS`.
    """
    plan = tuple(text.split("+")) if isinstance(text, str) else ()
    unknown = [name for name in plan if name not in BEHAVIOURS] or ([] if plan else [text])
    if unknown:
        raise ValueError(f"unknown behaviour {unknown[0]!r}; one of {', '.join(BEHAVIOURS)}")
    return plan


def replay_source(nodes: dict[str, Node], victim: str) -> Any:
    """For ``replay``: the victim's contribution of a round, once the victim has made it."""

    def steal(round: int) -> Contribution | None:
        node = nodes.get(victim)
        if node is None or node.mine is None or node.round != round:
            return None
        assert node.participant is not None
        return part.message(node.mine, node.participant.secret_key)

    return steal


__all__ = ["BEHAVIOURS", "GARBAGE", "ByzantineNode", "parse_behaviour", "replay_source"]
