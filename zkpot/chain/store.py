"""A node's chain on disk: one SQLite file per node, written so that a kill loses nothing final.

The file holds one chain, fixed by its genesis, and five tables:

- ``meta``: the genesis (canonical JSON) and its hash;
- ``blocks``: the final blocks, one per height from 1 with no gap, each with its finality
  certificate and the address of its reveal;
- ``contributions``: every contribution the node has judged, with its verdict — ``reason``
  is NULL for an accepted one, the rejection's reason otherwise (a rejection is never
  silent); indexed by round;
- ``models``: the content-addressed model store, a reveal under its hash;
- ``votes``: validators' votes (prevotes and precommits of every view), keyed by
  (height, block, validator, the vote's hash). A validator's node puts each of its own
  votes here *before* sending it (:meth:`ChainStore.votes_of` reads them back): a node
  restarted mid-height votes again as it voted, and keeps the lock its precommit took
  (:mod:`zkpot.chain.node`), so that a restart never makes an honest validator equivocate.

Every object is stored as the canonical JSON of its message (:mod:`zkpot.chain.encoding`)
and read back through its ``from_json`` and ``hash``, so the file never holds anything but
encodings the network would accept. A row that does not decode, or whose key is not its
content's hash, raises :class:`StoreError` naming the row: corruption is loud.

Why the file survives a kill at any moment (:class:`ChainStore` sets both on opening):

- ``journal_mode=WAL``: a transaction is appended to the write-ahead log and becomes part
  of the database only with its commit frame, whose checksum covers the whole
  transaction. A process killed half-way through a commit leaves a torn tail, which
  recovery ignores: the database is as it was before that transaction, or after it, never
  in between. ``finalize`` is one transaction, so a block is either final with its
  certificate or absent.
- ``synchronous=FULL``: each commit is fsynced before ``finalize`` returns, so a block a
  node has announced as final stays final through a kill or a power cut.

A node restarted after a kill reopens the file and resumes from :meth:`ChainStore.head`:
the last final block, and, at the height after it, from its own votes (a vote, like a
block, is fsynced before the node sends it). ``finalize`` refuses a block other than the
one already final at a height, and refuses gaps, so a final block is never lost or changed.

The store does not check signatures, proofs or quorums: that is the consensus rules'
work (:mod:`zkpot.chain.rules`). It checks only what keeps the file one chain: a single
genesis, contiguous heights, each block's parent the block before it, and each
certificate naming its block.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

from zkpot.chain.encoding import MessageError, canonical, decode
from zkpot.chain.genesis import Genesis
from zkpot.chain.messages import Aggregate, Block, Certificate, Contribution, Reveal, Vote
from zkpot.errors import ArgumentError, ArgumentTypeError, ZkpotError

APPLICATION_ID = 0x7A6B7074
"""SQLite's ``application_id`` of a zkpot chain store ("zkpt" in ASCII)."""

SCHEMA_VERSION = 1
"""SQLite's ``user_version`` of the layout below; another version is refused."""

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE blocks (height INTEGER PRIMARY KEY CHECK (height >= 1), "
    "hash TEXT NOT NULL UNIQUE, block TEXT NOT NULL, certificate TEXT NOT NULL, "
    "reveal TEXT NOT NULL)",
    "CREATE TABLE contributions (hash TEXT PRIMARY KEY, round INTEGER NOT NULL, "
    "participant TEXT NOT NULL, json TEXT NOT NULL, "
    "reason TEXT CHECK (reason IS NULL OR length(reason) > 0))",  # NULL: accepted
    "CREATE INDEX contributions_by_round ON contributions (round)",
    "CREATE TABLE models (address TEXT PRIMARY KEY, json TEXT NOT NULL)",
    "CREATE TABLE votes (height INTEGER NOT NULL, block TEXT NOT NULL, "
    "validator INTEGER NOT NULL, hash TEXT NOT NULL, json TEXT NOT NULL, "
    "PRIMARY KEY (height, block, validator, hash))",  # block '' for nil
)
"""The tables (hashes, keys and addresses as lowercase hex, messages as canonical JSON)."""

_PAGE = 64
"""Blocks :meth:`ChainStore.blocks` reads per query."""

_BLOCK_COLUMNS = "height, hash, block, certificate, reveal"

T = TypeVar("T")


class StoreError(ZkpotError):
    """The chain store refused an operation or found its file corrupt: another genesis, a
    block conflicting with a final one, a gap in heights, a row that does not decode, a
    file that is not a zkpot chain store, or an error of SQLite itself."""


class _Message(Protocol):
    def to_json(self) -> dict[str, Any]: ...


class ChainStore:
    """One node's chain in one SQLite file (see the module docstring).

    Args:
        path: the database file, created if absent; ``":memory:"`` for a store that
            lives and dies with the object (tests).

    Every method is one short transaction on the store's single connection, guarded by a
    lock, so threads of one node may share the object. Use it as a context manager, or
    call :meth:`close`.

    Raises:
        StoreError: if the file is not a zkpot chain store or cannot be opened.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._genesis: Genesis | None = None
        with _sqlite_errors(self.path):
            self._conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
        try:
            self._open()
        except BaseException:
            self._conn.close()
            raise

    def _open(self) -> None:
        with _sqlite_errors(self.path):
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode not in ("wal", "memory"):
                raise StoreError(f"{self.path}: SQLite refused WAL mode (it is {mode!r})")
            self._conn.execute("PRAGMA synchronous = FULL")
        with self._write() as c:
            app = c.execute("PRAGMA application_id").fetchone()[0]
            version = c.execute("PRAGMA user_version").fetchone()[0]
            tables = c.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if (app, version, tables) == (0, 0, 0):  # a new, empty file
                for statement in _SCHEMA:
                    c.execute(statement)
                c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif (app, version) != (APPLICATION_ID, SCHEMA_VERSION):
                raise StoreError(f"{self.path}: not a zkpot chain store of schema "
                                 f"{SCHEMA_VERSION} (application_id {app}, "
                                 f"version {version})")  # fmt: skip

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _sqlite_errors(self.path):
            yield self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction that takes the write lock at once (``BEGIN IMMEDIATE``), so that
        what it reads cannot change before it writes; rolled back on any exception."""
        with self._lock, _sqlite_errors(self.path), self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            yield self._conn

    def close(self) -> None:
        """Close the connection (idempotent); every later call raises :class:`StoreError`."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ChainStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def __repr__(self) -> str:
        return f"ChainStore({self.path!r})"

    # -- the genesis -----------------------------------------------------------------------

    def init_genesis(self, genesis: Genesis) -> bool:
        """Fix the store's chain; returns whether it was new (the same genesis again is a
        no-op).

        Raises:
            StoreError: if the store already holds another genesis.
            MessageError: if the genesis does not survive its own encoding.
        """
        text = _encode(genesis, Genesis.from_json)
        with self._write() as c:
            row = c.execute("SELECT value FROM meta WHERE key = 'genesis_hash'").fetchone()
            if row is not None:
                if row[0] != genesis.hash.hex():
                    raise StoreError(f"{self.path} holds the chain of genesis {row[0]}, "
                                     f"not {genesis.hash.hex()}")  # fmt: skip
                return False
            c.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                          [("genesis", text), ("genesis_hash", genesis.hash.hex())])  # fmt: skip
        self._genesis = genesis
        return True

    def genesis(self) -> Genesis | None:
        """The store's genesis, or ``None`` before :meth:`init_genesis`."""
        if self._genesis is None:
            with self._read() as c:
                rows = dict(c.execute("SELECT key, value FROM meta").fetchall())
            if "genesis" not in rows:
                return None
            genesis = _decode(rows["genesis"], Genesis.from_json, "genesis")
            _same(genesis.hash, rows.get("genesis_hash"), "genesis")
            self._genesis = genesis
        return self._genesis

    def _chain(self) -> Genesis:
        genesis = self.genesis()
        if genesis is None:
            raise StoreError(f"{self.path} has no genesis yet: call init_genesis first")
        return genesis

    # -- contributions and their verdicts --------------------------------------------------

    def put_contribution(self, contribution: Contribution, reason: str | None) -> bool:
        """Record a contribution and its verdict: ``None`` if accepted, else the rejection's
        reason. The first verdict wins; returns whether the contribution was new.

        Raises:
            ArgumentError: for an empty reason (a rejection says why).
            MessageError: for a contribution the network would not accept (e.g. unsigned).
            StoreError: before :meth:`init_genesis`.
        """
        if reason is not None and not isinstance(reason, str):
            raise ArgumentTypeError(f"a reason is a string or None, not {type(reason).__name__}")
        if reason == "":
            raise ArgumentError("a rejection needs a reason: an empty string is none")
        self._chain()
        text = _encode(contribution, Contribution.from_json)
        with self._write() as c:
            done = c.execute(
                "INSERT OR IGNORE INTO contributions (hash, round, participant, json, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                (contribution.hash.hex(), contribution.round, contribution.participant.hex(),
                 text, reason),
            )  # fmt: skip
        return done.rowcount == 1

    def contributions(self, round: int) -> list[tuple[Contribution, str | None]]:
        """Round ``round``'s contributions in the order they were recorded, each with its
        verdict (``None``: accepted)."""
        with self._read() as c:
            rows = c.execute("SELECT hash, json, reason FROM contributions WHERE round = ? "
                             "ORDER BY rowid", (round,)).fetchall()  # fmt: skip
        return [(self._contribution(key, text), reason) for key, text, reason in rows]

    def contribution(self, hash: bytes) -> Contribution | None:
        """The contribution with this hash, or ``None``."""
        with self._read() as c:
            row = c.execute("SELECT hash, json FROM contributions WHERE hash = ?",
                            (hash.hex(),)).fetchone()  # fmt: skip
        return None if row is None else self._contribution(*row)

    @staticmethod
    def _contribution(key: str, text: object) -> Contribution:
        what = f"contribution {key}"
        contribution = _decode(text, Contribution.from_json, what)
        _same(contribution.hash, key, what)
        return contribution

    # -- the model store -------------------------------------------------------------------

    def _reader(self) -> Callable[[object], Reveal | Aggregate]:
        """How a stored reveal is read: an aggregate in an averaging chain."""
        chain = self._chain()
        if chain.spec.averaged:
            return lambda data: Aggregate.from_json(data, chain.spec, len(chain.participants))
        return lambda data: Reveal.from_json(data, chain.spec)

    def put_reveal(self, reveal: Reveal | Aggregate, address: bytes | None = None) -> bool:
        """Store a reveal (an aggregate, in an averaging chain) under its hash; returns
        whether it was new.

        Args:
            address: the address the reveal was fetched by, if any: it must be the
                reveal's hash.

        Raises:
            StoreError: if ``address`` is not the reveal's hash, or before
                :meth:`init_genesis` (a reveal is read with the genesis's spec).
            MessageError: for a model that does not fit the genesis's spec.
        """
        if address is not None and address != reveal.hash:
            raise StoreError(f"a reveal hashing to {reveal.hash.hex()} is not at {address.hex()}")
        text = _encode(reveal, self._reader())
        with self._write() as c:
            done = c.execute("INSERT OR IGNORE INTO models (address, json) VALUES (?, ?)",
                             (reveal.hash.hex(), text))  # fmt: skip
        return done.rowcount == 1

    def reveal(self, address: bytes) -> Reveal | Aggregate | None:
        """The reveal (or aggregate) stored at ``address``, or ``None``."""
        reader = self._reader()
        with self._read() as c:
            row = c.execute("SELECT json FROM models WHERE address = ?",
                            (address.hex(),)).fetchone()  # fmt: skip
        if row is None:
            return None
        what = f"reveal {address.hex()}"
        reveal = _decode(row[0], reader, what)
        _same(reveal.hash, address.hex(), what)
        return reveal

    # -- votes -----------------------------------------------------------------------------

    def put_vote(self, vote: Vote) -> bool:
        """Record a vote; returns whether it was new.

        Raises:
            MessageError: for a vote the network would not accept (e.g. unsigned).
            StoreError: before :meth:`init_genesis`.
        """
        self._chain()
        text = _encode(vote, Vote.from_json)
        with self._write() as c:
            block = "" if vote.block is None else vote.block.hex()
            row = (vote.height, block, vote.validator, vote.hash.hex(), text)
            done = c.execute("INSERT OR IGNORE INTO votes (height, block, validator, hash, json) "
                             "VALUES (?, ?, ?, ?, ?)", row)  # fmt: skip
        return done.rowcount == 1

    def votes_of(self, height: int, validator: int) -> list[Vote]:
        """Validator ``validator``'s votes at ``height`` (every view and kind), in the order
        they were put: a node reads its own, to vote again as it voted before a restart."""
        with self._read() as c:
            rows = c.execute("SELECT json FROM votes WHERE height = ? AND validator = ? "
                             "ORDER BY rowid", (height, validator)).fetchall()  # fmt: skip
        votes = []
        for (text,) in rows:
            what = f"a vote of validator {validator} at height {height}"
            vote = _decode(text, Vote.from_json, what)
            if (vote.height, vote.validator) != (height, validator):
                raise StoreError(f"{what} is corrupt: the row holds another vote")
            votes.append(vote)
        return votes

    def votes(self, height: int, block_hash: bytes) -> list[Vote]:
        """The votes for block ``block_hash`` at ``height`` (every view and kind), by
        validator index."""
        with self._read() as c:
            rows = c.execute("SELECT validator, json FROM votes WHERE height = ? "
                             "AND block = ? ORDER BY validator, hash",
                             (height, block_hash.hex())).fetchall()  # fmt: skip
        votes = []
        for validator, text in rows:
            what = f"vote of validator {validator} for block {height} {block_hash.hex()}"
            vote = _decode(text, Vote.from_json, what)
            if (vote.height, vote.block, vote.validator) != (height, block_hash, validator):
                raise StoreError(f"{what} is corrupt: the row holds another vote")
            votes.append(vote)
        return votes

    # -- final blocks ----------------------------------------------------------------------

    def finalize(self, block: Block, certificate: Certificate) -> bool:
        """Store a final block and its certificate, atomically; returns whether it was new
        (the block already final at its height again is a no-op).

        Raises:
            StoreError: if another block is final at this height (a final block is never
                changed), if the height is not head + 1 or the parent not the head's hash,
                if the certificate is for another block, or before :meth:`init_genesis`.
            MessageError: for a block or certificate the network would not accept.
        """
        genesis = self._chain()
        if (certificate.height, certificate.block) != (block.height, block.hash):
            raise StoreError(f"a certificate for block {certificate.height} "
                             f"{certificate.block.hex()} does not finalize block "
                             f"{block.height} {block.hash.hex()}")  # fmt: skip
        block_text = _encode(block, Block.from_json)
        certificate_text = _encode(certificate, Certificate.from_json)
        with self._write() as c:
            row = c.execute("SELECT hash FROM blocks WHERE height = ?", (block.height,)).fetchone()
            if row is not None:
                if row[0] == block.hash.hex():
                    return False
                raise StoreError(f"block {block.height} is final as {row[0]}: "
                                 f"{block.hash.hex()} cannot replace it")  # fmt: skip
            height, head = self._head(c, genesis)
            if block.height != height + 1:
                raise StoreError(f"block {block.height} does not follow the head, block {height}")
            if block.parent != head:
                raise StoreError(f"block {block.height}'s parent {block.parent.hex()} is not "
                                 f"block {height}, {head.hex()}")  # fmt: skip
            c.execute(f"INSERT INTO blocks ({_BLOCK_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
                      (block.height, block.hash.hex(), block_text, certificate_text,
                       block.reveal.hex()))  # fmt: skip
        return True

    def head(self) -> tuple[int, bytes]:
        """The last final block's height and hash; ``(0, genesis hash)`` before block 1.

        Raises:
            StoreError: before :meth:`init_genesis`.
        """
        genesis = self._chain()
        with self._read() as c:
            return self._head(c, genesis)

    @staticmethod
    def _head(c: sqlite3.Connection, genesis: Genesis) -> tuple[int, bytes]:
        row = c.execute("SELECT height, hash FROM blocks ORDER BY height DESC LIMIT 1").fetchone()
        if row is None:
            return 0, genesis.hash
        height, key = row
        return height, _unhex(key, f"block {height}")

    def block(self, height: int) -> tuple[Block, Certificate] | None:
        """The final block at ``height`` and its certificate, or ``None``."""
        with self._read() as c:
            row = c.execute(f"SELECT {_BLOCK_COLUMNS} FROM blocks WHERE height = ?",
                            (height,)).fetchone()  # fmt: skip
        return None if row is None else _block_row(*row)

    def block_hashes(self, since: int, count: int) -> list[tuple[int, bytes]]:
        """The heights and hashes of the final blocks from ``since`` on, ``count`` at most,
        as the store keeps them (cheap: no block is decoded, nor checked against its hash:
        :meth:`block` does that)."""
        with self._read() as c:
            rows = c.execute("SELECT height, hash FROM blocks WHERE height >= ? "
                             "ORDER BY height LIMIT ?", (since, count)).fetchall()  # fmt: skip
        return [(height, _unhex(key, f"block {height}")) for height, key in rows]

    def blocks(self, since: int = 1) -> Iterator[tuple[Block, Certificate]]:
        """The final blocks from height ``since`` on, in order, with their certificates.

        Reads a page of blocks at a time (the lock is not held between pages: final
        blocks never change, and later ones only add to the end).

        Raises:
            StoreError: for a row that does not decode, or a missing height.
        """
        expected = max(since, 1)
        while True:
            with self._read() as c:
                rows = c.execute(f"SELECT {_BLOCK_COLUMNS} FROM blocks "
                                 "WHERE height >= ? ORDER BY height LIMIT ?",
                                 (expected, _PAGE)).fetchall()  # fmt: skip
            for row in rows:
                if row[0] != expected:
                    raise StoreError(f"block {expected} is missing: the next one is {row[0]}")
                yield _block_row(*row)
                expected += 1
            if len(rows) < _PAGE:
                return


# -- encoding and decoding rows -------------------------------------------------------------


def _encode(message: _Message, parse: Callable[[object], _Message]) -> str:
    """The canonical JSON to store, after checking that it reads back as the same message:
    the store keeps nothing it could not return."""
    text = canonical(message.to_json())
    if canonical(parse(decode(text)).to_json()) != text:
        raise MessageError(f"a {type(message).__name__} that does not survive its encoding")
    return text.decode("ascii")


def _decode(text: object, parse: Callable[[object], T], what: str) -> T:
    """A message from a stored row.

    Raises:
        StoreError: naming the row, for anything but the canonical JSON of a valid message.
    """
    if not isinstance(text, str):
        raise StoreError(f"{what} is corrupt: {type(text).__name__} where JSON text belongs")
    try:
        return parse(decode(text.encode("utf-8")))
    except (ZkpotError, ValueError, TypeError, KeyError, IndexError) as error:
        raise StoreError(f"{what} is corrupt: {error}") from error


def _unhex(value: object, what: str) -> bytes:
    try:
        return bytes.fromhex(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StoreError(f"{what} is corrupt: its key {value!r:.80} is not hex") from None


def _same(hash: bytes, key: object, what: str) -> None:
    """The row's key is its content's hash (the content address)."""
    if hash.hex() != key:
        raise StoreError(f"{what} is corrupt: its content hashes to {hash.hex()}, not its key")


def _block_row(height: int, key: str, block_text: object, certificate_text: object,
               reveal: str) -> tuple[Block, Certificate]:  # fmt: skip
    what = f"block {height}"
    block = _decode(block_text, Block.from_json, what)
    if block.height != height or block.reveal.hex() != reveal:
        raise StoreError(f"{what} is corrupt: its JSON is block {block.height}'s")
    _same(block.hash, key, what)
    certificate = _decode(certificate_text, Certificate.from_json, f"{what}'s certificate")
    if (certificate.height, certificate.block) != (height, block.hash):
        raise StoreError(f"{what}'s certificate is corrupt: it finalizes another block")
    return block, certificate


@contextmanager
def _sqlite_errors(path: str) -> Iterator[None]:
    """SQLite's own errors (a locked, closed, full or malformed file) as StoreError."""
    try:
        yield
    except sqlite3.Error as error:
        raise StoreError(f"{path}: {type(error).__name__}: {error}") from error


__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "ChainStore", "StoreError"]
