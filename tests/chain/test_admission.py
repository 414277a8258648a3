"""A node on a hostile network: what an outsider sends is checked before it costs anything,
is never stored or relayed, and what the node keeps of it is bounded; syncs are answered to
the asker alone, at a bounded rate; and a proof made in the background is never sent for a
round that is already final."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.chain.test_node import PARTICIPANTS, VALIDATORS, chain, heads, network, provers
from zkpot.chain.encoding import MessageError
from zkpot.chain.messages import MAX_PROOF_BYTES, Block, Contribution
from zkpot.chain.node import (
    MAX_FUTURE_BYTES,
    MAX_FUTURE_BYTES_PER_PEER,
    MAX_SEEN,
    SYNC_INTERVAL,
    Node,
    Peer,
    Timing,
    envelope,
)
from zkpot.chain.rules import NO_REVEAL, NOBODY
from zkpot.chain.store import ChainStore
from zkpot.curve import bls

__all__ = ["chain", "provers"]  # fixtures, shared with test_node

OUTSIDER = 987_654_321


def signed(c: Contribution, secret_key: int) -> Contribution:
    unsigned = replace(c, participant=bls.secret_to_public(secret_key), signature=b"")
    return replace(unsigned, signature=bls.sign(secret_key, unsigned.signing_bytes()))


@pytest.fixture(scope="module")
def two_rounds(chain, provers):
    """A simulated network after two final blocks (its nodes' stores answer syncs)."""
    sim = network(chain, provers)
    sim.run(200.0, stop=lambda: min(h for h, _ in heads(sim)) >= 2)
    assert min(h for h, _ in heads(sim)) >= 2
    return sim


def watcher(chain, **options) -> Node:
    genesis, keys, _ = chain
    node = Node(genesis, keys, ChainStore(":memory:"), validator=VALIDATORS[3], **options)
    node.start(0.0)
    return node


def test_an_outsiders_contributions_are_never_stored_or_relayed(chain, provers) -> None:
    """Today's attack: contributions signed by a key that is not registered, and ones that
    claim a registered participant with a signature that does not verify, went into every
    node's store ("p1 rejected" rows p1 never sent) and were relayed. Now they are refused
    on admission, in memory only, and count against the peer that sent them."""
    genesis, _, _ = chain
    node = watcher(chain)
    honest, _ = provers[0](1, genesis.global_model)
    forged = signed(honest, OUTSIDER)  # a valid signature, by a key nobody registered
    claimed = replace(honest, accuracy=0)  # p1's key, a signature over other fields
    peer = Peer()
    for c in (forged, claimed):
        assert node.receive(0.5, envelope("contribution", c.to_json()), peer) == []
    assert node.store.contributions(1) == [] and peer.strikes == 2
    reasons = " / ".join(why for _, why in node.rejected)
    assert "not registered" in reasons and "signature does not verify" in reasons
    sent = envelope("contribution", honest.to_json())
    assert sent in node.receive(0.6, sent, peer)  # the real one is judged, kept and relayed
    assert [reason for _, reason in node.store.contributions(1)] == [None]
    assert peer.strikes == 2


def test_a_participant_floods_its_own_signed_contributions_and_two_are_kept(chain, provers):
    """A registered participant may sign as many contributions as it likes: the store keeps
    its first and one more (the evidence that it sent two), the rest are refused unread."""
    genesis, _, _ = chain
    node = watcher(chain)
    honest, _ = provers[0](1, genesis.global_model)
    peer = Peer()
    for k in (1, 2, 3):  # (another model commitment: a proof that does not verify)
        c = signed(replace(honest, model_commitment=honest.model_commitment + k), PARTICIPANTS[0])
        node.receive(0.5, envelope("contribution", c.to_json()), peer)
    stored = node.store.contributions(1)
    assert len(stored) == 2 and all(reason is not None for _, reason in stored)
    assert peer.strikes == 1 and "third contribution" in node.rejected[-1][1]


def test_a_proofs_length_is_refused_before_its_hex_is_read(chain, provers) -> None:
    genesis, _, _ = chain
    honest, _ = provers[0](1, genesis.global_model)
    body = honest.to_json()
    Contribution.from_json({**body, "proof": "ab" * MAX_PROOF_BYTES})  # the most allowed
    with pytest.raises(MessageError, match=f"at most {MAX_PROOF_BYTES} bytes"):
        Contribution.from_json({**body, "proof": "zz" * (MAX_PROOF_BYTES + 1)})


def test_what_the_node_remembers_of_junk_is_bounded(chain) -> None:
    """``seen`` held the raw bytes of every message of the round; now a bounded set of
    16-byte digests."""
    node = watcher(chain)
    peer = Peer()
    for i in range(MAX_SEEN + 100):
        node.receive(0.5, b'{"junk":%d}' % i, peer)
    assert len(node.seen) == MAX_SEEN and {len(key) for key in node.seen} == {16}
    assert peer.strikes == MAX_SEEN + 100 and len(node.rejected) == 1000


def next_round_proposal(node: Node, padding: int) -> bytes:
    """A proposal for the next round (unchecked until that round opens), made large."""
    block = Block(node.round + 1, bytes(32), NOBODY, 0, NO_REVEAL, (), padding)
    body = {"view": 0, "valid_round": -1, "block": block.to_json(), "reveal": None,
            "contributions": ["a" * 200_000]}  # fmt: skip
    return envelope("proposal", body)


def test_next_round_messages_are_kept_within_bounds_per_peer_and_in_all(chain) -> None:
    """``future`` kept up to 1000 messages of 1 MiB (RSS 154 → 492 MB); now at most
    MAX_FUTURE_BYTES_PER_PEER from one peer and MAX_FUTURE_BYTES in all."""
    node = watcher(chain)
    one = Peer()
    for i in range(20):
        node.receive(0.5, next_round_proposal(node, i), one)
    assert 0 < one.future_bytes <= MAX_FUTURE_BYTES_PER_PEER
    assert one.future_bytes + 200_500 > MAX_FUTURE_BYTES_PER_PEER  # it was full
    many = [Peer() for _ in range(30)]
    for i, peer in enumerate(many):
        for j in range(3):
            node.receive(0.5, next_round_proposal(node, 100 * i + j + 100), peer)
    assert node.future_bytes <= MAX_FUTURE_BYTES
    assert node.future_bytes == sum(len(raw) for raw, _ in node.future)
    assert node.future_bytes == one.future_bytes + sum(p.future_bytes for p in many)
    assert one.strikes == 0  # a message for the next round is not an offence


def test_a_sync_is_answered_to_the_asker_alone_and_at_a_bounded_rate(two_rounds) -> None:
    """Sync answers (up to 16 final blocks) went to every peer, for every request: 48 KB of
    requests cost a round 3.7 minutes. Now: to the asker only, once per SYNC_INTERVAL."""
    node = two_rounds.nodes["node0"]
    sync = envelope("sync", {"height": 1})
    answers: list[bytes] = []
    peer = Peer(reply=answers.append)
    now = two_rounds.now + 100
    out = node.receive(now, sync, peer)
    assert all(b'"type":"final"' not in m for m in out)  # nothing broadcast
    assert len(answers) >= 2 and all(b'"type":"final"' in a for a in answers)
    for dt in (0.1, 0.5, SYNC_INTERVAL * 0.9):  # asked again too soon: not answered
        out = node.receive(now + dt, sync, peer)
        assert all(b'"type":"final"' not in m for m in out)
    assert len(answers) == 2
    node.receive(now + SYNC_INTERVAL, sync, peer)
    assert len(answers) == 4
    other = Peer(reply=[].append)  # another peer has its own rate
    node.receive(now + SYNC_INTERVAL, sync, other)
    assert other.last_sync == now + SYNC_INTERVAL
    out = node.receive(now + 3 * SYNC_INTERVAL, sync)  # a driver without peers: broadcast
    assert sum(b'"type":"final"' in m for m in out) >= 2


def test_catch_up_comes_before_proving_and_a_stale_proof_is_never_sent(
    chain, provers, two_rounds
) -> None:
    """A restarted node proved for stale rounds and stayed behind. Now it waits
    ``Timing.catch_up`` for final blocks before it proves, and proves in the background:
    a proof that finishes after its round became final is dropped, never sent."""
    genesis, keys, roles = chain
    source = two_rounds.nodes["node0"]
    finals = [envelope("final", source._final_body(h)) for h in (1, 2)]
    node = Node(genesis, keys, ChainStore(":memory:"), participant=roles[1], prover=provers[1],
                timing=Timing(contribute=5.0, catch_up=1.0), background=True)  # fmt: skip
    node.start(0.0)
    assert node.tick(0.5) == [] and node.take_job() is None  # it waits for final blocks
    node.receive(0.6, finals[0])
    assert node.round == 2
    node.tick(1.7)
    round, job = node.take_job()
    assert round == 2 and node.take_job() is None  # never a job for round 1, final already
    outcome = job()
    node.receive(1.8, finals[1])  # round 2 became final while it proved
    assert node.round == 3
    assert node.proven(2.0, round, outcome) == []
    assert node.rejected[-1] == ("this participant's proof for round 2", "the round is over")
    assert node.own == [] and node.mine is None  # nothing of it was sent, or will be
