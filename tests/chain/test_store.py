"""The chain store: round trips, first verdicts, final blocks never changed, one genesis per
file, persistence, a writer killed with SIGKILL at random moments, and corruption that is
loud. The store checks no signature, so the objects here carry fake keys and signatures."""

from __future__ import annotations

import dataclasses
import functools
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zkpot.chain.encoding import MessageError, canonical
from zkpot.chain.genesis import Genesis, Registration, TestSet, unflatten
from zkpot.chain.messages import Block, Certificate, Contribution, Reveal, Vote
from zkpot.chain.store import ChainStore, StoreError
from zkpot.curve import bls
from zkpot.errors import ArgumentError
from zkpot.ml.statement import Rows, TrainingSpec

ROOT = Path(__file__).resolve().parents[2]
SPEC = TrainingSpec(sizes=(2, 3, 2), steps=1, log2_batch=1, test_rows=2)


TEST = TestSet(Rows(np.array([[1, -2], [3, 4]]), np.array([0, 1])), bytes(range(32)))


@functools.cache
def key(i: int) -> bytes:
    return bls.secret_to_public(i)


def make_genesis(name: str = "store test") -> Genesis:
    return Genesis(
        name=name, spec=SPEC, test_commitment=TEST.commitment,
        global_model=unflatten(list(range(-8, SPEC.n_params - 8)), SPEC),
        ceremony=bytes(range(32)), validators=tuple(key(i) for i in range(1, 5)),
        validator_pops=tuple(bls.pop_prove(i) for i in range(1, 5)),
        participants=tuple(Registration.of(10 + i, 1000 + i) for i in range(3)),
    ).opened(TEST)  # fmt: skip


def contribution(round: int, i: int, accuracy: int = 1) -> Contribution:
    return Contribution(round=round, participant=key(10 + i), global_model=5,
                        data_commitment=1000 + i, model_commitment=77 + i, accuracy=accuracy,
                        proof=bytes([i]) * 32, signature=bytes([i]) * 96)  # fmt: skip


def reveal(round: int, i: int = 0) -> Reveal:
    model = unflatten([round * (v - 5) for v in range(SPEC.n_params)], SPEC)
    return Reveal(round=round, participant=key(10 + i), model=model, salt=99 + round)


def make_block(height: int, parent: bytes, timestamp: int = 0) -> Block:
    return Block(height=height, parent=parent, proposer=key(10), global_model=height,
                 reveal=reveal(height).hash,
                 contributions=(contribution(height, 0).hash, contribution(height, 1).hash),
                 timestamp=timestamp or 1700000000 + height)  # fmt: skip


def certificate(block: Block) -> Certificate:
    return Certificate(block.height, block.hash, (0, 1, 2), bytes([block.height % 256]) * 96)


def next_block(store: ChainStore, timestamp: int = 0) -> tuple[Block, Certificate]:
    """The block that follows the store's head, and its certificate."""
    height, head = store.head()
    block = make_block(height + 1, head, timestamp)
    return block, certificate(block)


def grow(store: ChainStore, count: int) -> list[Block]:
    blocks = []
    for _ in range(count):
        block, cert = next_block(store)
        assert store.finalize(block, cert)
        blocks.append(block)
    return blocks


def j(message) -> bytes:
    return canonical(message.to_json())


@pytest.fixture
def store():
    with ChainStore(":memory:") as s:
        s.init_genesis(make_genesis())
        yield s


def check_chain(store: ChainStore) -> int:
    """The final blocks are 1 … head, each the child of the one before: returns head."""
    height, head = store.head()
    parent = store.genesis().hash
    for expected, (block, cert) in enumerate(store.blocks(), start=1):
        assert block.height == expected and block.parent == parent
        assert (cert.height, cert.block) == (expected, block.hash)
        parent = block.hash
    assert parent == head
    return height


# -- 1. round trips and verdicts --------------------------------------------------------------


def test_the_genesis_round_trips_and_a_second_init_is_a_no_op() -> None:
    with ChainStore(":memory:") as s:
        assert s.genesis() is None
        g = make_genesis()
        assert s.init_genesis(g) and not s.init_genesis(make_genesis())
        assert j(s.genesis()) == j(g) and s.head() == (0, g.hash)


def test_contributions_keep_their_verdicts_and_the_first_one_wins(store) -> None:
    accepted, rejected, later = contribution(1, 0), contribution(1, 1), contribution(2, 2)
    assert store.put_contribution(accepted, None)
    assert store.put_contribution(rejected, "invalid signature")
    assert store.put_contribution(later, "wrong round")
    got = store.contributions(1)
    assert [(j(c), reason) for c, reason in got] == [
        (j(accepted), None),
        (j(rejected), "invalid signature"),
    ]
    assert [reason for _, reason in store.contributions(2)] == ["wrong round"]
    assert store.contributions(3) == []
    # the first verdict wins, in either direction
    assert not store.put_contribution(accepted, "changed my mind")
    assert not store.put_contribution(rejected, None)
    assert [reason for _, reason in store.contributions(1)] == [None, "invalid signature"]
    assert j(store.contribution(rejected.hash)) == j(rejected)
    assert store.contribution(bytes(32)) is None


def test_a_rejection_says_why_and_unsigned_messages_are_refused(store) -> None:
    with pytest.raises(ArgumentError):
        store.put_contribution(contribution(1, 0), "")
    unsigned = dataclasses.replace(contribution(1, 0), signature=b"")
    with pytest.raises(MessageError):
        store.put_contribution(unsigned, None)
    with pytest.raises(MessageError):
        store.put_vote(Vote(1, bytes(32), 0))
    assert store.contributions(1) == [] and store.votes(1, bytes(32)) == []


def test_reveals_are_content_addressed(store) -> None:
    r = reveal(1)
    assert store.put_reveal(r, r.hash) and not store.put_reveal(r)
    assert j(store.reveal(r.hash)) == j(r)
    assert store.reveal(bytes(32)) is None
    other = reveal(2)
    with pytest.raises(StoreError, match="is not at"):
        store.put_reveal(other, r.hash)
    assert store.reveal(other.hash) is None
    too_big = Reveal(1, key(10), unflatten([1 << 40] * SPEC.n_params, SPEC), 1)
    with pytest.raises(MessageError):
        store.put_reveal(too_big)


def test_votes_are_kept_once_per_validator_and_block(store) -> None:
    a, b = bytes([1]) * 32, bytes([2]) * 32
    votes = [Vote(1, a, v, bytes([v]) * 96) for v in (2, 0, 1)]
    assert all(store.put_vote(v) for v in votes)
    assert not store.put_vote(votes[0]) and store.put_vote(Vote(1, b, 0, bytes(96)))
    assert [v.validator for v in store.votes(1, a)] == [0, 1, 2]
    assert [j(v) for v in store.votes(1, b)] == [j(Vote(1, b, 0, bytes(96)))]
    assert store.votes(2, a) == []


def test_a_validators_own_votes_read_back_in_the_order_they_were_put(store) -> None:
    """What a restarted validator reads to vote again as it voted (:mod:`zkpot.chain.node`)."""
    a = bytes([1]) * 32
    mine = [Vote(1, a, 2, bytes([1]) * 96, 0, "prevote"), Vote(1, None, 2, bytes([2]) * 96, 1),
            Vote(1, a, 2, bytes([3]) * 96, 0)]  # fmt: skip
    for vote in [*mine[:2], Vote(1, a, 1, bytes(96)), Vote(2, a, 2, bytes(96)), mine[2]]:
        store.put_vote(vote)
    assert [j(v) for v in store.votes_of(1, 2)] == [j(v) for v in mine]
    assert store.votes_of(1, 3) == [] and len(store.votes_of(2, 2)) == 1


# -- 2. finality --------------------------------------------------------------------------------


def test_blocks_finalize_in_order_and_read_back(store) -> None:
    assert store.head() == (0, store.genesis().hash) and store.block(1) is None
    blocks = grow(store, 3)
    assert store.head() == (3, blocks[-1].hash) and check_chain(store) == 3
    block, cert = store.block(2)
    assert j(block) == j(blocks[1]) and j(cert) == j(certificate(blocks[1]))
    assert [b.height for b, _ in store.blocks(since=2)] == [2, 3]
    assert list(store.blocks(since=4)) == [] and store.block(4) is None
    assert store.block_hashes(2, 5) == [(b.height, b.hash) for b, _ in store.blocks(since=2)]
    assert store.block_hashes(1, 1) == [(1, store.block(1)[0].hash)]
    assert store.block_hashes(4, 5) == []


def test_blocks_reads_page_by_page(store) -> None:
    grow(store, 70)  # more than a page of 64
    assert check_chain(store) == 70
    assert [b.height for b, _ in store.blocks(since=60)] == list(range(60, 71))


def test_the_same_block_again_is_a_no_op(store) -> None:
    block, cert = next_block(store)
    assert store.finalize(block, cert)
    assert not store.finalize(block, cert)
    assert not store.finalize(block, Certificate(1, block.hash, (1, 2, 3), bytes(96)))
    assert j(store.block(1)[1]) == j(cert)  # the first certificate stays
    assert store.head() == (1, block.hash)


def test_a_final_block_is_never_replaced(store) -> None:
    blocks = grow(store, 2)
    for height in (1, 2):
        rival = make_block(height, blocks[height - 1].parent, timestamp=42)
        with pytest.raises(StoreError, match=f"block {height} is final"):
            store.finalize(rival, certificate(rival))
        assert j(store.block(height)[0]) == j(blocks[height - 1])
    assert store.head() == (2, blocks[1].hash)


def test_heights_are_contiguous_and_parents_link(store) -> None:
    genesis_hash = store.genesis().hash
    gap = make_block(2, genesis_hash)
    with pytest.raises(StoreError, match="does not follow"):
        store.finalize(gap, certificate(gap))
    orphan = make_block(1, bytes(32))
    with pytest.raises(StoreError, match="parent"):
        store.finalize(orphan, certificate(orphan))
    block = make_block(1, genesis_hash)
    with pytest.raises(StoreError, match="certificate"):
        store.finalize(block, certificate(orphan))
    assert store.head() == (0, genesis_hash) and store.block(1) is None


def test_nothing_is_stored_before_the_genesis() -> None:
    with ChainStore(":memory:") as s:
        block = make_block(1, bytes(32))
        for call in (s.head, lambda: s.finalize(block, certificate(block)),
                     lambda: s.put_reveal(reveal(1)), lambda: s.reveal(bytes(32)),
                     lambda: s.put_contribution(contribution(1, 0), None),
                     lambda: s.put_vote(Vote(1, bytes(32), 0, bytes(96)))):  # fmt: skip
            with pytest.raises(StoreError, match="no genesis"):
                call()


# -- 3. one genesis per file --------------------------------------------------------------------


def test_another_genesis_in_the_same_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "chain.db"
    with ChainStore(path) as s:
        s.init_genesis(make_genesis())
        with pytest.raises(StoreError, match="holds the chain of genesis"):
            s.init_genesis(make_genesis("another chain"))
    with ChainStore(path) as s:
        with pytest.raises(StoreError, match="holds the chain of genesis"):
            s.init_genesis(make_genesis("another chain"))
        assert s.genesis().name == "store test"


# -- 4. persistence -----------------------------------------------------------------------------


def test_everything_survives_close_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "chain.db"
    with ChainStore(str(path)) as s:
        s.init_genesis(make_genesis())
        blocks = grow(s, 3)
        s.put_contribution(contribution(1, 0), None)
        s.put_contribution(contribution(1, 1), "proof does not verify")
        s.put_reveal(reveal(1))
        s.put_vote(Vote(1, blocks[0].hash, 3, bytes([3]) * 96))
    with ChainStore(path) as s:
        mode = s._conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert (mode, s._conn.execute("PRAGMA synchronous").fetchone()[0]) == ("wal", 2)
        assert j(s.genesis()) == j(make_genesis())
        assert s.head() == (3, blocks[-1].hash) and check_chain(s) == 3
        assert [(j(c), r) for c, r in s.contributions(1)] == [
            (j(contribution(1, 0)), None),
            (j(contribution(1, 1)), "proof does not verify"),
        ]
        assert j(s.reveal(reveal(1).hash)) == j(reveal(1))
        assert [v.validator for v in s.votes(1, blocks[0].hash)] == [3]
        grow(s, 1)
        assert s.head()[0] == 4


def test_a_file_that_is_not_a_chain_store_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database, but long enough to have a header. " * 4)
    with pytest.raises(StoreError):
        ChainStore(text)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE accounts (id INTEGER)")
    raw.close()
    with pytest.raises(StoreError, match="not a zkpot chain store"):
        ChainStore(other)


def test_a_closed_store_raises_a_store_error() -> None:
    with ChainStore(":memory:") as s:
        s.init_genesis(make_genesis())
    with pytest.raises(StoreError):
        s.head()
    s.close()  # idempotent


# -- 5. crash safety ----------------------------------------------------------------------------

WRITER = """
import sys
from tests.chain.test_store import next_block
from zkpot.chain.store import ChainStore

store = ChainStore(sys.argv[1])
while True:
    block, cert = next_block(store)
    store.finalize(block, cert)
    print(block.height, flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_writer_killed_at_random_moments_loses_no_final_block(tmp_path: Path) -> None:
    path = tmp_path / "chain.db"
    with ChainStore(path) as s:
        s.init_genesis(make_genesis())
    rng = random.Random()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run in range(3):
        delay = rng.uniform(0.02, 0.25)
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        try:
            first = writer.stdout.readline()  # a block is final: the writer is in its loop
            assert first, writer.stderr.read().decode()
            with pytest.raises(subprocess.TimeoutExpired):  # still writing after `delay`
                writer.wait(timeout=delay)
        finally:  # the kill lands anywhere: mid-fsync, mid-commit, between blocks
            writer.send_signal(signal.SIGKILL)
            writer.wait()
        acknowledged = [int(h) for h in (first + writer.stdout.read()).split()]
        writer.stdout.close()
        writer.stderr.close()
        assert writer.returncode == -signal.SIGKILL
        with ChainStore(path) as s:
            height = check_chain(s)  # a contiguous prefix, every row decodes
            # every block the writer saw final is there; at most the one in flight more
            last = acknowledged[-1]
            assert last <= height <= last + 1, (run, delay, last, height)
            block, cert = next_block(s)  # finalizing resumes from head + 1
            assert block.height == height + 1 and s.finalize(block, cert)
    with ChainStore(path) as s:
        assert check_chain(s) > 6


# -- 6. corruption is loud ----------------------------------------------------------------------

GARBAGE = ['{"garbage', "{}", 5, '{"b": 1, "a": 2}']


def corrupt(path: Path, sql: str, value: object) -> None:
    raw = sqlite3.connect(path)
    with raw:
        raw.execute(sql, (value,))
    raw.close()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "chain.db"
    with ChainStore(path) as s:
        s.init_genesis(make_genesis())
        grow(s, 2)
        s.put_contribution(contribution(1, 0), None)
        s.put_reveal(reveal(1))
        s.put_vote(Vote(1, bytes(32), 0, bytes(96)))
    return path


ROWS = {  # what to overwrite, how to read it back, and how the error names the row
    "genesis": ("UPDATE meta SET value = ? WHERE key = 'genesis'", lambda s: s.genesis(),
                "genesis"),
    "block": ("UPDATE blocks SET block = ? WHERE height = 1", lambda s: s.block(1), "block 1"),
    "blocks": ("UPDATE blocks SET block = ? WHERE height = 2", lambda s: list(s.blocks()),
               "block 2"),
    "certificate": ("UPDATE blocks SET certificate = ? WHERE height = 1",
                    lambda s: s.block(1), "block 1's certificate"),
    "contribution": ("UPDATE contributions SET json = ?",
                     lambda s: s.contributions(1), "contribution"),
    "reveal": ("UPDATE models SET json = ?", lambda s: s.reveal(reveal(1).hash), "reveal"),
    "vote": ("UPDATE votes SET json = ?", lambda s: s.votes(1, bytes(32)),
             "vote of validator 0"),
    "own vote": ("UPDATE votes SET json = ?", lambda s: s.votes_of(1, 0), "vote of validator 0"),
}  # fmt: skip


@pytest.mark.parametrize("garbage", GARBAGE)
@pytest.mark.parametrize("row", sorted(ROWS))
def test_a_corrupt_row_raises_naming_it(filled: Path, row: str, garbage: object) -> None:
    sql, read, name = ROWS[row]
    corrupt(filled, sql, garbage)
    with ChainStore(filled) as s, pytest.raises(StoreError, match=f"{name}.* is corrupt"):
        read(s)


def test_valid_json_in_the_wrong_row_is_corruption_too(filled: Path) -> None:
    with ChainStore(filled) as s:
        block_1, block_2 = j(s.block(1)[0]).decode(), j(s.block(2)[0]).decode()
        other = j(Vote(1, bytes(32), 1, bytes(96))).decode()
    corrupt(filled, "UPDATE blocks SET block = ? WHERE height = 2", block_1)
    corrupt(filled, "UPDATE votes SET json = ?", other)
    corrupt(filled, "UPDATE models SET json = ?", j(reveal(2)).decode())
    with ChainStore(filled) as s:
        for read in (lambda: s.block(2), lambda: s.votes(1, bytes(32)),
                     lambda: s.votes_of(1, 0), lambda: s.reveal(reveal(1).hash)):  # fmt: skip
            with pytest.raises(StoreError, match="is corrupt"):
                read()
    corrupt(filled, "UPDATE blocks SET block = ? WHERE height = 2", block_2)
    corrupt(filled, "UPDATE blocks SET hash = ? WHERE height = 2", "not hex")
    with ChainStore(filled) as s, pytest.raises(StoreError, match="block 2 is corrupt"):
        s.head()
    corrupt(filled, "DELETE FROM blocks WHERE height = ?", 1)
    with ChainStore(filled) as s, pytest.raises(StoreError, match="block 1 is missing"):
        list(s.blocks())
