"""A node on a real network: the :class:`~zkpot.chain.node.Node` state machine over TCP,
with its HTTP JSON API (:mod:`zkpot.chain.api`). What ``zkpot node`` runs, one OS process
per node.

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
proves (seconds) or verifies, and the node is never entered twice at once.

**HTTP API**: :class:`~zkpot.chain.api.HttpApi` (its routes, its bounds and its threads are
in :mod:`zkpot.chain.api`), started and stopped with the node when ``http`` is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from zkpot.chain.api import HttpApi
from zkpot.chain.encoding import MAX_MESSAGE_BYTES
from zkpot.chain.node import Node

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
        self.api = HttpApi(node, lambda: len(self.connected), self.log)
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

    # -- accepted connections --------------------------------------------------------------

    def _track(self, writer: asyncio.StreamWriter) -> None:
        """Remember an accepted connection and its handler, to close them when stopping."""
        task = asyncio.current_task()
        assert task is not None
        self.accepted[task] = writer
        task.add_done_callback(lambda done: self.accepted.pop(done, None))

    # -- running ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Serve until :meth:`stop`; then close the store."""
        servers = [await asyncio.start_server(self._serve_peer, *self.listen)]
        if self.http is not None:
            await self.api.start(*self.http)
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
        await asyncio.gather(*tasks, *handlers, self.api.stop(), return_exceptions=True)
        loop = asyncio.get_running_loop()
        close = loop.run_in_executor(self.worker, self.node.store.close)  # after queued calls
        self.closed = True
        with contextlib.suppress(Exception):
            await close
        self.worker.shutdown()
        self.log("stopped")

    def stop(self) -> None:
        """Ask :meth:`run` to finish (from the event loop's thread, e.g. a signal handler)."""
        self.stopping.set()


__all__ = ["NetworkNode", "frame", "parse_address", "read_frame"]
