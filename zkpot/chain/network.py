"""A node on a real network: the :class:`~zkpot.chain.node.Node` state machine over TCP,
with a small HTTP JSON API. What ``zkpot node`` runs, one OS process per node.

Networking is Python's own :mod:`asyncio` — no dependency. The node's logic never touches
a socket (it takes messages and the time, and returns messages), so the network layer is
small: frames in, frames out, a clock, and a few GET routes. A framework (aiohttp,
FastAPI, libp2p) would bring more code than this module and nothing the protocol needs;
the standard library is also what a reader of the code already knows.

**Peers.** Each node listens on ``host:port`` and dials every peer it is given
(reconnecting when a peer is not up yet or goes away). It sends on the connections it
dialled and reads on the ones it accepted: a full mesh, one direction per connection.
A frame is a 4-byte big-endian length and that many bytes of a canonical JSON envelope;
a frame longer than :data:`~zkpot.chain.encoding.MAX_MESSAGE_BYTES` closes the
connection. What a node accepts it relays, so peers need not all know each other.

**One thread for the node.** Every call into the :class:`Node` goes through one worker
thread, in order: the event loop stays free to read and queue frames while the node
proves (seconds) or verifies, and the node is never entered twice at once. The HTTP API
answers on a thread of its own: it only reads (the store is safe to share between
threads, one short transaction at a time), so a page or a script watching the node gets
its answer while the node proves.

**HTTP API** (GET only, JSON):

- ``/status``: the node's height, round, view, head hash, peers connected, roles;
- ``/blocks`` (``?since=H``): the final blocks, each with its certificate's signers;
- ``/blocks/H``: one final block, its certificate and the revealed model's hash;
- ``/contributions/R``: round R's contributions, accepted or rejected with the reason;
- ``/``: a page to watch the chain (:func:`watch_page`) — blocks, contributions and
  their verdicts, leaders, the global model's accuracy per round — drawn in the browser
  from the routes above, refreshed every 2 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any

from zkpot.chain.encoding import MAX_MESSAGE_BYTES
from zkpot.chain.node import Node
from zkpot.errors import ZkpotError
from zkpot.ml.statement import count_correct

FRAME_HEADER = 4
TICK = 0.1
"""Seconds between the node's timer checks."""


def parse_address(text: str) -> tuple[str, int]:
    """``host:port`` as (host, port).

    Raises:
        ValueError: not of that form, or a port outside 1 … 65535.
    """
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected host:port, got {text!r}")
    return host, int(port)


def frame(data: bytes) -> bytes:
    """A message on the wire: its length (4 bytes, big-endian), then the message."""
    return len(data).to_bytes(FRAME_HEADER, "big") + data


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """The next frame's message.

    Raises:
        asyncio.IncompleteReadError: the peer closed the connection.
        ValueError: a frame longer than the largest message.
    """
    size = int.from_bytes(await reader.readexactly(FRAME_HEADER), "big")
    if size > MAX_MESSAGE_BYTES:
        raise ValueError(f"a frame of {size} bytes")
    return await reader.readexactly(size)


class NetworkNode:
    """Runs a :class:`Node` on TCP (see the module docstring).

    Args:
        node: the node's logic, on its store.
        listen: (host, port) for peers.
        peers: the peers' (host, port) to dial.
        http: (host, port) for the HTTP API, or ``None`` for none.
        log: called with a line of text for what happens (connections, final blocks).
    """

    def __init__(
        self,
        node: Node,
        listen: tuple[str, int],
        peers: Sequence[tuple[str, int]],
        http: tuple[str, int] | None = None,
        log: Any = None,
    ) -> None:
        self.node, self.listen, self.peers, self.http = node, listen, list(peers), http
        self.log = log or (lambda _: None)
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="zkpot-node")
        self.reader = ThreadPoolExecutor(1, thread_name_prefix="zkpot-http")  # reads only
        self.outbound: dict[tuple[str, int], asyncio.Queue[bytes]] = {}
        self.connected: set[tuple[str, int]] = set()
        self.stopping = asyncio.Event()
        self.closed = False
        self.accepted: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self.height = -1

    async def _call(self, method: Any, *args: Any) -> Any:
        """Run ``method(*args)`` on the node's thread (``ConnectionError`` once it stops)."""
        if self.closed:
            raise ConnectionError("the node is stopping")
        return await asyncio.get_running_loop().run_in_executor(self.worker, method, *args)

    def _send(self, messages: list[bytes]) -> None:
        for queue in self.outbound.values():
            for data in messages:
                if queue.qsize() < 10_000:  # a peer that is down for long misses messages
                    queue.put_nowait(data)  # (it catches up with a sync when it is back)

    async def _handle(self, method: Any, *args: Any) -> None:
        out = await self._call(method, time.time(), *args)
        self._send(out)
        height = await self._call(lambda: self.node.store.head()[0])
        if height != self.height:
            self.height = height
            self.log(f"height {height}")

    # -- peers ---------------------------------------------------------------------------

    async def _serve_peer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._track(writer)
        try:
            while True:
                data = await read_frame(reader)
                await self._handle(self.node.receive, data)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def _dial(self, address: tuple[str, int]) -> None:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.outbound[address] = queue
        while not self.stopping.is_set():
            try:
                _, writer = await asyncio.open_connection(*address)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            self.connected.add(address)
            self.log(f"connected to {address[0]}:{address[1]}")
            await self._handle(self.node.resend)  # what we sent so far, and a sync
            try:
                while True:
                    data = await queue.get()
                    writer.write(frame(data))
                    await writer.drain()
            except (ConnectionError, OSError):
                self.connected.discard(address)
                await asyncio.sleep(0.5)

    # -- the clock -------------------------------------------------------------------------

    async def _clock(self) -> None:
        with contextlib.suppress(ConnectionError):
            while not self.stopping.is_set():
                await self._handle(self.node.tick)
                await asyncio.sleep(TICK)

    # -- HTTP ------------------------------------------------------------------------------

    def _track(self, writer: asyncio.StreamWriter) -> None:
        """Remember an accepted connection and its handler, to close them when stopping."""
        task = asyncio.current_task()
        assert task is not None
        self.accepted[task] = writer
        task.add_done_callback(lambda done: self.accepted.pop(done, None))

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._track(writer)
        try:
            request = await asyncio.wait_for(reader.readline(), 10)
            while (await asyncio.wait_for(reader.readline(), 10)) not in (b"\r\n", b"\n", b""):
                pass  # headers: none is needed
            parts = request.decode("latin-1").split()
            if len(parts) != 3 or parts[0] != "GET":
                status, body = 405, {"error": "only GET"}
            else:
                loop = asyncio.get_running_loop()
                status, body = await loop.run_in_executor(self.reader, self.route, parts[1])
            if isinstance(body, bytes):  # the watch page
                payload, kind = body, "text/html; charset=utf-8"
            else:
                payload, kind = json.dumps(body, indent=1).encode(), "application/json"
            reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "")
            writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\n"
                         f"Content-Security-Policy: {PAGE_POLICY}\r\n"
                         f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
                         .encode() + payload)  # fmt: skip
            await writer.drain()
        except (TimeoutError, ConnectionError, UnicodeDecodeError):
            pass
        finally:
            writer.close()

    def route(self, target: str) -> tuple[int, Any]:
        """The HTTP API's answer to a GET of ``target``: (status, JSON body), or the watch
        page's bytes for ``/``. On the HTTP thread: it reads, never changes, the node."""
        path, _, query = target.partition("?")
        parts = [p for p in path.split("/") if p]
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        if parts in ([], ["index.html"]):
            return 200, watch_page()
        try:
            if parts == ["status"]:
                return 200, self.status()
            if parts == ["blocks"]:
                since = int(params.get("since", "1"))
                return 200, [block_json(self.node, b, c) for b, c in self.node.store.blocks(since)]
            if len(parts) == 2 and parts[0] == "blocks" and parts[1].isdigit():
                stored = self.node.store.block(int(parts[1]))
                if stored is not None:
                    return 200, block_json(self.node, *stored)
            if len(parts) == 2 and parts[0] == "contributions" and parts[1].isdigit():
                stored = self.node.store.contributions(int(parts[1]))
                return 200, [{"participant": c.participant.hex(), "accuracy": c.accuracy,
                              "hash": c.hash.hex(), "accepted": reason is None, "reason": reason}
                             for c, reason in stored]  # fmt: skip
        except ValueError:
            pass
        return 404, {"error": f"no such resource: {target[:100]}", "routes": ROUTES}

    def status(self) -> dict[str, Any]:
        """The node's state, as ``/status`` shows it."""
        n = self.node
        height, head = n.store.head()
        consensus = n.consensus  # read once: the node's thread may replace it meanwhile
        return {"height": height, "head": head.hex(), "round": n.round,
                "view": None if consensus is None else consensus.view,
                "genesis": n.genesis.hash.hex(), "validator": n.index,
                "participant": None if n.public_key is None else n.public_key.hex(),
                "peers": len(self.connected), "rejected": len(n.rejected),
                "validators": len(n.genesis.validators),
                "test_rows": n.genesis.spec.test_rows}  # fmt: skip

    # -- running ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Serve until :meth:`stop`; then close the store."""
        servers = [await asyncio.start_server(self._serve_peer, *self.listen)]
        if self.http is not None:
            servers.append(await asyncio.start_server(self._serve_http, *self.http))
        self.log(f"listening on {self.listen[0]}:{self.listen[1]}"
                 + (f", HTTP on {self.http[0]}:{self.http[1]}" if self.http else ""))  # fmt: skip
        await self._handle(self.node.start)
        tasks = [asyncio.create_task(self._dial(p)) for p in self.peers]
        tasks.append(asyncio.create_task(self._clock()))
        await self.stopping.wait()
        for server in servers:
            server.close()
        for task in tasks:
            task.cancel()
        handlers = list(self.accepted)
        for writer in self.accepted.values():
            writer.close()  # its handler reads the end of the stream and returns
        await asyncio.gather(*tasks, *handlers, return_exceptions=True)
        loop = asyncio.get_running_loop()
        close = loop.run_in_executor(self.worker, self.node.store.close)  # after queued calls
        self.closed = True
        with contextlib.suppress(Exception):
            await close
        self.worker.shutdown()
        self.reader.shutdown()
        self.log("stopped")

    def stop(self) -> None:
        """Ask :meth:`run` to finish (from the event loop's thread, e.g. a signal handler)."""
        self.stopping.set()


def block_json(node: Node, block: Any, certificate: Any) -> dict[str, Any]:
    """A final block as the API shows it: its fields, its hash, its certificate's signers,
    and ``accuracy``: how many public test rows the new global model (the leader's
    reveal; after the empty block, the model before it) classifies correctly — ``None``
    if the node lacks the reveal."""
    reveal = node.store.reveal(block.reveal)
    genesis = node.genesis
    try:
        model = node.global_model_after(block.height)
        accuracy: int | None = count_correct(model, genesis.test, genesis.spec)
    except ZkpotError:
        accuracy = None
    return {**block.to_json(), "hash": block.hash.hex(), "signers": list(certificate.signers),
            "view": certificate.view, "revealed": reveal is not None,
            "accuracy": accuracy}  # fmt: skip


ROUTES = ["/", "/status", "/blocks", "/blocks/H", "/contributions/R"]

PAGE_POLICY = (
    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
)
"""The watch page's Content-Security-Policy: its own inline script and style, requests to
this node only, and no image but the empty inline icon (so no request for /favicon.ico)."""


@functools.cache
def watch_page() -> bytes:
    """The page a node serves at ``/`` (``zkpot/chain/watch.html``): the chain's blocks,
    each round's contributions with their verdicts, the leader, and the global model's
    accuracy per round as a chart, refreshed every 2 s from the JSON API."""
    return resources.files("zkpot.chain").joinpath("watch.html").read_bytes()


__all__ = ["PAGE_POLICY", "NetworkNode", "block_json", "frame", "parse_address", "read_frame",
           "watch_page"]  # fmt: skip
