"""A validator killed and started again mid-height, at every step of it, on its SQLite file:
it never signs two different votes for one (height, view, kind), it keeps its lock in later
views, and the height still finalizes, with the block the others decided.

Validator 3 is a real :class:`~zkpot.chain.node.Node` on a file, driven message by message;
validators 0–2 are the test's (their votes signed here). The round's one participant leads
and equivocates: blocks A and B, both valid in every view — the temptation a restarted
validator that forgot its votes would fall for. A restart discards the node and builds a
new one on the same file, as ``zkpot node`` does after a kill; the peers then send their
messages of the round again (their resend timers), the tempting ones first.
"""

from __future__ import annotations

import pytest

from tests.chain.conftest import make_genesis
from zkpot.chain import participant as part
from zkpot.chain.consensus import PRECOMMIT, PREVOTE
from zkpot.chain.encoding import decode
from zkpot.chain.messages import Block, Vote
from zkpot.chain.node import Node, ParticipantRole, Timing, envelope
from zkpot.chain.store import ChainStore
from zkpot.curve import bls
from zkpot.ml.statement import model_hash
from zkpot.ml.task import demo_data_salt

VALIDATORS = [4000 + i for i in range(4)]
PARTICIPANT = 5000


@pytest.fixture(scope="module")
def chain(tiny_keys, tiny_task):
    """The genesis, the keys, the participant's contribution of round 1, and its two blocks."""
    role = ParticipantRole(PARTICIPANT, tiny_task.slots(1)[0], demo_data_salt(0, 1))
    genesis = make_genesis("restart test", tiny_task, VALIDATORS, [role])
    c, proven = part.contribute(tiny_keys, PARTICIPANT, round=1,
                                global_layers=genesis.global_model, data=role.data,
                                data_salt=role.data_salt, test=genesis.test,
                                model_salt=part.model_salt(PARTICIPANT, 1))  # fmt: skip
    public = bls.secret_to_public(PARTICIPANT)
    reveal = part.reveal(proven, public)
    blocks = [Block(1, genesis.hash, public, model_hash(reveal.model, genesis.spec), reveal.hash,
                    (c.hash,), timestamp) for timestamp in (1, 2)]  # fmt: skip
    return genesis, tiny_keys, c, reveal, blocks


class Harness:
    """Validator 3 on its file, and what every one of its lives sent."""

    def __init__(self, chain, path) -> None:
        self.genesis, self.keys, self.contribution, self.reveal, (self.a, self.b) = chain
        self.path, self.now = path, 0.0
        self.sent: list[bytes] = []  # by validator 3, in all its lives
        self.heard: list[bytes] = []  # the peers' messages, sent again after a restart
        self.node: Node | None = None
        self.restart()

    def restart(self) -> None:
        """Kill validator 3 (its memory is gone, its file stays) and start it again on the
        file, up to its cut-off."""
        if self.node is not None:
            self.node.store.close()
        self.node = Node(self.genesis, self.keys, ChainStore(self.path), validator=VALIDATORS[3],
                         timing=Timing(contribute=1.0))  # fmt: skip
        self.sent += self.node.start(self.now)
        self._feed(envelope("contribution", self.contribution.to_json()))
        self.at(self.now + 1.0)

    def at(self, now: float) -> None:
        self.now = now
        self.sent += self.node.tick(now)

    def _feed(self, data: bytes) -> None:
        self.now += 0.01
        self.sent += self.node.receive(self.now, data)

    def hear(self, data: bytes) -> None:
        """A peer's message."""
        if data not in self.heard:
            self.heard.append(data)
        self._feed(data)

    def resend(self) -> None:
        """The peers send their messages of the round again."""
        for data in self.heard:
            self._feed(data)

    def propose(self, block: Block, view: int, valid_round: int = -1) -> None:
        body = {"view": view, "valid_round": valid_round, "block": block.to_json(),
                "reveal": self.reveal.to_json(),
                "contributions": [self.contribution.to_json()]}  # fmt: skip
        self.hear(envelope("proposal", body))

    def vote(self, validator: int, kind: str, view: int, block: Block | None) -> None:
        value = None if block is None else block.hash
        unsigned = Vote(1, value, validator, b"", view, kind)
        signature = bls.sign(VALIDATORS[validator], unsigned.signing_bytes())
        self.hear(envelope("vote", Vote(1, value, validator, signature, view, kind).to_json()))

    def votes(self) -> dict[tuple[int, str], set[bytes | None]]:
        """Validator 3's votes, every one it sent in all its lives, by (view, kind)."""
        mine: dict[tuple[int, str], set[bytes | None]] = {}
        for data in self.sent:
            message = decode(data)
            body = message["body"]
            if message["type"] == "vote" and body["validator"] == 3:
                block = None if body["block"] is None else bytes.fromhex(body["block"])
                mine.setdefault((body["view"], body["kind"]), set()).add(block)
        return mine

    def assert_one_vote_per_step(self) -> None:
        assert all(len(values) == 1 for values in self.votes().values()), self.votes()

    def assert_final(self, block: Block) -> None:
        """The height is final with ``block`` (the one validators 0–2 decided), certified
        by a quorum that includes validator 3's precommit."""
        assert self.node.store.head() == (1, block.hash)
        _, certificate = self.node.store.block(1)
        assert len(certificate.signers) >= self.genesis.quorum and 3 in certificate.signers
        assert self.node._check_certificate(block, certificate) is None


@pytest.fixture
def h(chain, tmp_path) -> Harness:
    return Harness(chain, tmp_path / "validator3.sqlite")


def lock_on_a(h: Harness) -> None:
    """View 0: A proposed, prevoted by validators 0, 1 and 3; 3 precommits A (its lock)."""
    h.propose(h.a, 0)
    h.vote(2, PREVOTE, 0, h.b)  # validator 2 saw B first
    h.vote(0, PREVOTE, 0, h.a)
    h.vote(1, PREVOTE, 0, h.a)
    assert h.votes() == {(0, PREVOTE): {h.a.hash}, (0, PRECOMMIT): {h.a.hash}}


def fail_view_0(h: Harness) -> None:
    """Validator 0 precommits A, 1 and 2 nil: nothing decided; the timeout ends view 0."""
    h.vote(0, PRECOMMIT, 0, h.a)
    h.vote(1, PRECOMMIT, 0, None)
    h.vote(2, PRECOMMIT, 0, None)
    h.at(h.now + 1.5)


def test_restarted_after_its_prevote_it_does_not_prevote_the_other_block(h) -> None:
    h.propose(h.a, 0)
    assert h.votes() == {(0, PREVOTE): {h.a.hash}}
    h.restart()
    h.propose(h.b, 0)  # the leader's other block, first thing after the restart
    h.resend()
    h.assert_one_vote_per_step()
    for i in (0, 1):
        h.vote(i, PREVOTE, 0, h.a)
    for i in (0, 1):
        h.vote(i, PRECOMMIT, 0, h.a)
    h.assert_one_vote_per_step()
    assert h.votes()[0, PRECOMMIT] == {h.a.hash}
    h.assert_final(h.a)


def test_restarted_after_its_precommit_it_keeps_its_lock_in_the_next_view(h) -> None:
    lock_on_a(h)
    h.restart()
    fail_view_0(h)
    h.propose(h.b, 1)  # a fresh proposal of B in view 1: a locked validator prevotes nil
    h.assert_one_vote_per_step()
    assert h.votes()[1, PREVOTE] == {None}
    h.resend()  # … among them view 0's prevotes for A: A may be proposed again
    h.propose(h.a, 1, valid_round=0)
    for i in (0, 1, 2):
        h.vote(i, PREVOTE, 1, h.a)
    assert h.votes()[1, PRECOMMIT] == {h.a.hash}
    for i in (0, 1):
        h.vote(i, PRECOMMIT, 1, h.a)
    h.assert_one_vote_per_step()
    h.assert_final(h.a)


def test_restarted_after_a_view_change_while_locked_it_keeps_its_lock(h) -> None:
    lock_on_a(h)
    fail_view_0(h)
    h.propose(h.b, 1)
    assert h.votes()[1, PREVOTE] == {None}
    h.restart()  # in view 1, locked on A from view 0, after its nil prevote
    h.propose(h.b, 1)  # view 1's messages come first: a validator that forgot would
    h.vote(0, PREVOTE, 1, None)  # join view 1 (two validators are there) and prevote B
    h.vote(1, PREVOTE, 1, None)  # with its own, a quorum of nil prevotes: precommit nil
    h.assert_one_vote_per_step()
    assert h.votes()[1, PRECOMMIT] == {None}
    h.resend()
    h.vote(0, PRECOMMIT, 1, None)
    h.vote(1, PRECOMMIT, 1, None)
    h.at(h.now + 2.5)  # view 1 ends
    h.propose(h.b, 2)  # B, fresh, again: still locked on A
    h.assert_one_vote_per_step()
    assert h.votes()[2, PREVOTE] == {None}
    h.propose(h.a, 2, valid_round=0)
    for i in (0, 1, 2):
        h.vote(i, PREVOTE, 2, h.a)
    for i in (0, 1):
        h.vote(i, PRECOMMIT, 2, h.a)
    h.assert_one_vote_per_step()
    h.assert_final(h.a)


def test_restarted_at_every_step_of_a_height_it_votes_once_per_step_and_finalizes(h) -> None:
    """Before voting, after its prevote, after its precommit, after a view change while
    locked, after its precommit in the later view: a restart at each, one height."""
    h.restart()  # before voting
    h.propose(h.a, 0)
    h.restart()  # after its prevote
    h.propose(h.b, 0)
    h.resend()
    h.vote(2, PREVOTE, 0, h.b)
    h.vote(0, PREVOTE, 0, h.a)
    h.vote(1, PREVOTE, 0, h.a)
    assert h.votes()[0, PRECOMMIT] == {h.a.hash}
    h.restart()  # after its precommit, locked on A
    h.propose(h.b, 0)
    h.resend()
    fail_view_0(h)
    h.propose(h.b, 1)
    h.restart()  # after a view change while locked, after its nil prevote
    h.propose(h.b, 1)
    h.resend()
    h.propose(h.a, 1, valid_round=0)
    for i in (0, 1, 2):
        h.vote(i, PREVOTE, 1, h.a)
    h.restart()  # after its precommit for A in view 1
    h.propose(h.b, 1)
    h.resend()
    for i in (0, 1):
        h.vote(i, PRECOMMIT, 1, h.a)
    assert h.votes() == {(0, PREVOTE): {h.a.hash}, (0, PRECOMMIT): {h.a.hash},
                         (1, PREVOTE): {None}, (1, PRECOMMIT): {h.a.hash}}  # fmt: skip
    h.assert_final(h.a)


def test_the_node_never_signs_a_second_vote_for_a_step(h) -> None:
    """The guard under the consensus machine: asked for another value than the vote in the
    store, the node sends the stored vote again, says so, and tells the machine."""
    h.propose(h.a, 0)
    [stored] = h.node.store.votes_of(1, 3)
    again = h.node._signed_vote(0, PREVOTE, h.b.hash)
    assert Vote.from_json(again) == stored and h.node.store.votes_of(1, 3) == [stored]
    assert h.node.rejected[-1][0] == "this validator's prevote in view 0"
    assert h.node.consensus.prevotes[0][3] == {h.a.hash}
