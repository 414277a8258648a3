"""A node's HTTP API: a few GET routes that show its chain as JSON, and a page to watch it.
What :class:`~zkpot.chain.network.NetworkNode` serves on ``--http``, with :mod:`asyncio`
and a small pool of threads — no dependency.

**Routes** (GET only, JSON):

- ``/status``: the node's height, round, view, head hash, peers connected, roles, and
  its label (its participant key's, else its validator key's);
- ``/genesis``: the genesis's name and hash, its registered participants in its order,
  each with its name (``p1``, ``p2``, …: :attr:`~zkpot.chain.genesis.Genesis.participant_names`)
  and its label (``p2 · 2f56fe87``: :meth:`~zkpot.chain.genesis.Genesis.label`), and its
  validators in order, each with its key, its name (``None`` for a validator that is not
  a participant) and its label;
- ``/blocks`` (``?since=H``, from height 1 by default): the final blocks from height H on,
  each with its certificate's signers, its global model's accuracy and its proposer's
  name and label (``None`` for the empty block); at most
  :data:`BLOCKS_PER_PAGE` (100) per answer, so ask again with ``since`` the last height
  + 1 until the answer is empty;
- ``/blocks/H``: one final block, its certificate and the revealed model's hash;
- ``/contributions/R``: round R's contributions, accepted or rejected with the reason,
  each with its participant's name and label;
- ``/``: a page to watch the chain (:func:`watch_page`) — blocks, contributions and
  their verdicts, leaders, validators, the global model's accuracy per round, every key
  shown by its label — drawn in the browser from the routes above, refreshed every 2 s.

**Whatever a client sends, the answer is bounded.** Anyone who can connect is an outsider
of the threat model (``DESIGN.md``): any bytes, at any rate. So a request line longer
than :data:`MAX_REQUEST_LINE` (8 KiB) is answered 414; more than :data:`MAX_HEADERS` header
lines or :data:`MAX_HEADER_BYTES` of them, 431; a malformed request line, 400; a method
other than GET, 405; a query parameter a route does not take, or a ``since`` that is not
a height, 400; a height or round that cannot exist (more than SQLite's INTEGER holds),
404. A request's head must arrive within :data:`HEAD_TIMEOUT` seconds, and at most
:data:`MAX_CONNECTIONS` connections are served at once (one more is closed at once). Any
other failure answers 500 with a JSON error and logs one line — never a traceback, never
an empty reply.

**Threads.** ``/status`` is answered on the event loop itself, from what the node holds
in memory (its round's context, read once: no store, no lock), so it answers at once
however busy the other routes are. The other routes read the store (safe to share between
threads, one short transaction at a time) on a pool of :data:`READERS` threads, so a
slow one delays only those queued behind it; they only read, so a page or a script
watching the node gets its answer while the node proves. A block's accuracy (the global
model after it, run on the public test rows) is computed once: final blocks never change,
so what a block shows is kept, by block hash, in a bounded cache, and ``/blocks`` decodes
only the blocks it does not hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from importlib import resources
from typing import Any

from zkpot.chain.genesis import Genesis
from zkpot.chain.messages import Block, Certificate
from zkpot.chain.node import Node
from zkpot.chain.rules import NOBODY
from zkpot.chain.store import StoreError
from zkpot.errors import ZkpotError
from zkpot.ml.statement import count_correct

MAX_REQUEST_LINE = 8 * 1024
"""Bytes of the request line at most (longer: 414); also the longest header line."""
MAX_HEADERS = 100
"""Header lines at most (more: 431)."""
MAX_HEADER_BYTES = 32 * 1024
"""Bytes of header lines at most (more: 431)."""
HEAD_TIMEOUT = 10.0
"""Seconds for the request's head to arrive, from the connection on."""
MAX_CONNECTIONS = 64
"""HTTP connections served at once; more are closed at once."""
READERS = 2
"""Threads that answer the routes that read the store."""
BLOCKS_PER_PAGE = 100
"""Blocks in one answer of ``/blocks`` at most."""
MAX_HEIGHT = 2**63 - 1
"""The largest height or round SQLite's INTEGER holds: a larger one cannot exist."""
CACHED_BLOCK_BYTES = 8 << 20
"""Bytes of JSON the cache of blocks shown keeps at most: some 14,000 blocks of a few
contributions, 120 of the largest (1,024 contributions)."""
LINGER = 1.0
"""Seconds an answer to an over-long request waits for the rest of it (read and dropped,
at most 1 MiB), so that the client reads the answer rather than a reset connection."""

ROUTES = ["/", "/status", "/genesis", "/blocks", "/blocks?since=H", "/blocks/H",
          "/contributions/R"]  # fmt: skip

PAGE_POLICY = (
    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
)
"""The watch page's Content-Security-Policy: its own inline script and style, requests to
this node only, and no image but the empty inline icon (so no request for /favicon.ico)."""

_NUMBER = re.compile(r"[0-9]{1,19}")


class HttpError(ZkpotError, ValueError):
    """A request the API refuses, with the HTTP status of the answer and the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class HttpApi:
    """The HTTP API of a node (see the module docstring).

    Args:
        node: the node whose chain it shows; only read, never changed.
        peers: how many peers are connected now (for ``/status``).
        log: called with a line of text for a failure a client caused.
    """

    def __init__(
        self,
        node: Node,
        peers: Callable[[], int] = lambda: 0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.node, self.peers = node, peers
        self.log = log or (lambda _: None)
        self.pool = ThreadPoolExecutor(READERS, thread_name_prefix="zkpot-http")
        self.server: asyncio.Server | None = None
        self.connections: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self._shown: dict[bytes, dict[str, Any]] = {}  # block hash → its block_json
        self._sizes: dict[bytes, int] = {}  # block hash → the size of its JSON
        self._cached = 0  # bytes of JSON in the cache
        self._lock = threading.Lock()
        genesis = node.genesis
        key = node.public_key or (None if node.index is None else genesis.validators[node.index])
        self._fixed = {"genesis": genesis.hash.hex(), "validator": node.index,
                       "participant": None if node.public_key is None else node.public_key.hex(),
                       "label": None if key is None else genesis.label(key),
                       "validators": len(genesis.validators),
                       "test_rows": genesis.spec.test_rows}  # fmt: skip
        self._genesis = genesis_json(genesis)

    # -- serving ---------------------------------------------------------------------------

    async def start(self, host: str, port: int) -> None:
        """Listen for HTTP on ``host:port`` (until :meth:`stop`)."""
        self.server = await asyncio.start_server(self._serve, host, port, limit=MAX_REQUEST_LINE)

    async def stop(self) -> None:
        """Stop listening, close every connection, and wait for the routes running."""
        if self.server is not None:
            self.server.close()
        handlers = list(self.connections)
        for writer in self.connections.values():
            writer.close()  # its handler reads the end of the stream and returns (cancelled, it
        await asyncio.gather(*handlers, return_exceptions=True)  # would log a traceback)
        await asyncio.to_thread(self.pool.shutdown, cancel_futures=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection: one request, one answer, closed."""
        if len(self.connections) >= MAX_CONNECTIONS:
            writer.write(_BUSY)
            writer.close()
            return
        task = asyncio.current_task()
        if task is not None:
            self.connections[task] = writer
            task.add_done_callback(lambda done: self.connections.pop(done, None))
        try:
            status, kind, payload = await self._answer(reader)
            writer.write(_response(status, kind, payload))
            await writer.drain()
            if status in (414, 431):  # the rest of the request is still coming
                await _discard(reader)
        except (TimeoutError, ConnectionError):
            pass  # the client was too slow, or left
        except Exception as error:  # the last resort: one line logged, not a traceback
            self.log(f"HTTP: {type(error).__name__}: {error}")
        finally:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, str, bytes]:
        """The answer to the request ``reader`` holds: (status, content type, body).

        Raises:
            TimeoutError: the request's head took longer than :data:`HEAD_TIMEOUT`.
            ConnectionError: the client closed the connection before a request.
        """
        try:
            async with asyncio.timeout(HEAD_TIMEOUT):
                target = await read_head(reader)
            if target == "/status":
                return _encode(200, self.status())  # on the event loop: it reads no store
            return await asyncio.get_running_loop().run_in_executor(self.pool, self.respond, target)
        except HttpError as error:
            return _encode(error.status, {"error": str(error)})
        except (TimeoutError, ConnectionError):
            raise
        except Exception as error:  # the last resort: one line logged, not a traceback
            self.log(f"HTTP: {type(error).__name__}: {error}")
            return _encode(500, {"error": f"the node failed to answer: {type(error).__name__}"})

    def respond(self, target: str) -> tuple[int, str, bytes]:
        """:meth:`route`'s answer, encoded (on a thread of the pool: a long JSON takes time)."""
        return _encode(*self.route(target))

    # -- the routes ------------------------------------------------------------------------

    def route(self, target: str) -> tuple[int, Any]:
        """The answer to a GET of ``target``: (status, JSON body), or the watch page's bytes
        for ``/``. It reads, never changes, the node."""
        path, _, query = target.partition("?")
        parts = [p for p in path.split("/") if p]
        try:
            params = _params(query, {"since"} if parts == ["blocks"] else set())
            if parts in ([], ["index.html"]):
                return 200, watch_page()
            if parts == ["status"]:
                return 200, self.status()
            if parts == ["genesis"]:
                return 200, self._genesis
            if parts == ["blocks"]:
                return 200, self.blocks(_since(params.get("since", "1")))
            if len(parts) == 2 and parts[0] in ("blocks", "contributions"):
                number = _number(parts[1])
                if number is not None and parts[0] == "contributions":
                    return 200, self.contributions(number)
                stored = None if number is None else self.node.store.block(number)
                if stored is not None:
                    return 200, self.block_json(*stored)
        except HttpError as error:
            return error.status, {"error": str(error)}
        return 404, {"error": f"no such resource: {target[:100]}", "routes": ROUTES}

    def status(self) -> dict[str, Any]:
        """The node's state, as ``/status`` shows it: only what the node holds in memory,
        each read once (the node's thread may replace it meanwhile)."""
        node = self.node
        context, consensus = node.ctx, node.consensus
        return {"height": context.round - 1, "head": context.parent.hex(), "round": context.round,
                "view": None if consensus is None else consensus.view,
                "peers": self.peers(), "rejected": len(node.rejected), **self._fixed}  # fmt: skip

    def blocks(self, since: int) -> list[dict[str, Any]]:
        """The final blocks from height ``since`` on, :data:`BLOCKS_PER_PAGE` at most: each
        from the cache if it is there (by the hash the store lists), else read and shown."""
        page = []
        for height, hash in self.node.store.block_hashes(since, BLOCKS_PER_PAGE):
            with self._lock:
                shown = self._shown.get(hash)
            if shown is None:
                stored = self.node.store.block(height)
                if stored is None or stored[0].hash != hash:
                    raise StoreError(f"block {height} changed while it was read")
                shown = self.block_json(*stored)
            page.append(shown)
        return page

    def contributions(self, round: int) -> list[dict[str, Any]]:
        """Round ``round``'s contributions, each with its verdict and its participant's name
        (``None`` for a key the genesis does not register) and label."""
        genesis = self.node.genesis
        return [{"participant": c.participant.hex(),
                 "name": genesis.participant_names.get(c.participant),
                 "label": genesis.label(c.participant), "accuracy": c.accuracy,
                 "hash": c.hash.hex(), "accepted": reason is None, "reason": reason}
                for c, reason in self.node.store.contributions(round)]  # fmt: skip

    def block_json(self, block: Block, certificate: Certificate) -> dict[str, Any]:
        """A final block as the API shows it: its fields, its hash, its certificate's signers,
        its proposer's name and label (both ``None`` for the empty block), and ``accuracy``:
        how many public test rows the new global model (the leader's reveal; after the
        empty block, the model before it) classifies correctly — ``None`` if the node lacks
        the reveal.

        Computed once per block: final blocks never change, so once its accuracy is known
        what it shows is kept, by block hash (the oldest dropped past
        :data:`CACHED_BLOCK_BYTES` of JSON in all); without it, shown again next time (the
        reveal may have come)."""
        with self._lock:
            shown = self._shown.get(block.hash)
        if shown is not None:
            return shown
        node, genesis = self.node, self.node.genesis
        revealed = node.store.reveal(block.reveal) is not None
        try:
            model = node.global_model_after(block.height)
            accuracy: int | None = count_correct(model, genesis.test, genesis.spec)
        except ZkpotError:
            accuracy = None
        empty = block.proposer == NOBODY
        shown = {**block.to_json(), "hash": block.hash.hex(),
                 "proposer_name": genesis.participant_names.get(block.proposer),
                 "proposer_label": None if empty else genesis.label(block.proposer),
                 "signers": list(certificate.signers), "view": certificate.view,
                 "revealed": revealed, "accuracy": accuracy}  # fmt: skip
        if accuracy is not None:
            self._keep(block.hash, shown)
        return shown

    def _keep(self, hash: bytes, shown: dict[str, Any]) -> None:
        """Cache what a block shows, within :data:`CACHED_BLOCK_BYTES` (its JSON's size)."""
        size = len(json.dumps(shown))
        with self._lock:
            if hash in self._shown:
                return
            self._shown[hash], self._sizes[hash] = shown, size
            self._cached += size
            while self._cached > CACHED_BLOCK_BYTES:
                oldest = next(iter(self._shown))
                del self._shown[oldest]
                self._cached -= self._sizes.pop(oldest)


def genesis_json(genesis: Genesis) -> dict[str, Any]:
    """What ``/genesis`` shows: the genesis's name and hash, its participants in its order
    and its validators in theirs, each key with its name and label (see the module
    docstring)."""

    def named(key: bytes) -> dict[str, Any]:
        return {"public_key": key.hex(), "name": genesis.participant_names.get(key),
                "label": genesis.label(key)}  # fmt: skip

    return {"name": genesis.name, "hash": genesis.hash.hex(),
            "participants": [named(p.public_key) for p in genesis.participants],
            "validators": [named(key) for key in genesis.validators]}  # fmt: skip


# -- reading a request ----------------------------------------------------------------------


async def read_head(reader: asyncio.StreamReader) -> str:
    """The target of the GET request whose head (request line and headers) ``reader``
    holds, read to its end; the headers are not needed, only bounded.

    Raises:
        HttpError: 414, 431, 400 or 405 (see the module docstring).
        ConnectionError: the stream ended before a request.
    """
    request = await _line(reader, 414, "the request line")
    if not request:
        raise ConnectionResetError("the client closed the connection before a request")
    count = size = 0
    while (header := await _line(reader, 431, "a header line")) not in (b"\r\n", b"\n", b""):
        count, size = count + 1, size + len(header)
        if count > MAX_HEADERS or size > MAX_HEADER_BYTES:
            raise HttpError(431, f"more than {MAX_HEADERS} header lines or "
                                 f"{MAX_HEADER_BYTES} bytes of them")  # fmt: skip
    parts = request.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/") or not parts[1].startswith("/"):
        raise HttpError(400, "a malformed request line")
    if parts[0] != "GET":
        raise HttpError(405, "only GET")
    return parts[1]


async def _line(reader: asyncio.StreamReader, status: int, what: str) -> bytes:
    """The next line, its newline included (at the end of the stream: what is left)."""
    try:
        return await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as end:
        return end.partial
    except asyncio.LimitOverrunError:
        raise HttpError(status, f"{what} is longer than {MAX_REQUEST_LINE} bytes") from None


def _params(query: str, allowed: set[str]) -> dict[str, str]:
    """A query's parameters (``a=1&b=2``).

    Raises:
        HttpError: 400 for a parameter not in ``allowed``, or given twice.
    """
    params: dict[str, str] = {}
    for item in filter(None, query.split("&")):
        name, _, value = item.partition("=")
        if name not in allowed:
            raise HttpError(400, f"no parameter {name[:40]!r} here (only {sorted(allowed)})")
        if name in params:
            raise HttpError(400, f"the parameter {name!r} twice")
        params[name] = value
    return params


def _number(text: str) -> int | None:
    """A height or round in a path: ``None`` for anything that cannot be one."""
    if _NUMBER.fullmatch(text) is None or int(text) > MAX_HEIGHT:
        return None
    return int(text)


def _since(text: str) -> int:
    """The ``since`` parameter: a height.

    Raises:
        HttpError: 400 for anything but a height in 0 … :data:`MAX_HEIGHT`.
    """
    number = _number(text)
    if number is None:
        raise HttpError(400, f"since must be a height, 0 … {MAX_HEIGHT}: not {text[:40]!r}")
    return number


async def _discard(reader: asyncio.StreamReader) -> None:
    """Read and drop what the client still sends, for :data:`LINGER` seconds and 1 MiB at
    most, or until it closes."""
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout(LINGER):
            left = 1 << 20
            while left > 0 and (chunk := await reader.read(min(left, 65536))):
                left -= len(chunk)


# -- writing an answer ----------------------------------------------------------------------


def _encode(status: int, body: Any) -> tuple[int, str, bytes]:
    """(status, content type, bytes) of a body: the watch page's bytes, or JSON."""
    if isinstance(body, bytes):
        return status, "text/html; charset=utf-8", body
    return status, "application/json", json.dumps(body, indent=1).encode()


def _response(status: int, kind: str, payload: bytes) -> bytes:
    """An HTTP/1.1 answer that closes the connection."""
    allow = "Allow: GET\r\n" if status == 405 else ""
    return (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: {kind}\r\n"
            f"Content-Security-Policy: {PAGE_POLICY}\r\n{allow}"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
            .encode() + payload)  # fmt: skip


_BUSY = _response(*_encode(503, {"error": f"more than {MAX_CONNECTIONS} connections"}))


@functools.cache
def watch_page() -> bytes:
    """The page a node serves at ``/`` (``zkpot/chain/watch.html``): the chain's blocks,
    each round's contributions with their verdicts, the leader, and the global model's
    accuracy per round as a chart, refreshed every 2 s from the JSON API."""
    return resources.files("zkpot.chain").joinpath("watch.html").read_bytes()


__all__ = ["BLOCKS_PER_PAGE", "PAGE_POLICY", "ROUTES", "HttpApi", "HttpError", "genesis_json",
           "read_head", "watch_page"]  # fmt: skip
