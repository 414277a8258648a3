"""A node on a real network: the :class:`~zkpot.chain.node.Node` state machine over TCP,
with its HTTP JSON API (:mod:`zkpot.chain.api`). What ``zkpot node`` runs, one OS process
per node.

Networking is Python's own :mod:`asyncio` — no dependency. The node's logic never touches
a socket (it takes messages and the time, and returns messages), so the network layer is
small: frames in, frames out, a clock, and a few GET routes. A framework (aiohttp,
FastAPI, libp2p) would bring more code than this module and nothing the protocol needs;
the standard library is also what a reader of the code already knows.

**Peers.** Each node listens on ``host:port`` and dials every peer it is given
(reconnecting when a peer is not up yet or goes away). It sends its messages on the
connections it dialled and reads its peers' on the ones it accepted: a full mesh. The
one message answered to its sender alone — the final blocks a ``sync`` asks for — goes
back on the connection the sync came on, and the dialling node reads it there. A frame
is a 4-byte big-endian length and that many bytes of a canonical JSON envelope.

**A hostile network.** Anyone may connect to the peer port and send anything, so every
connection is bounded (the figures are this module's constants):

- a frame longer than :data:`~zkpot.chain.encoding.MAX_MESSAGE_BYTES` closes the
  connection; so does a frame that has not arrived in full :data:`FRAME_TIMEOUT` seconds
  after its header, and a connection silent for :data:`IDLE_TIMEOUT` seconds (honest
  peers send something every ``Timing.resend`` seconds);
- at most :data:`MAX_PEER_CONNECTIONS` accepted connections: a new one beyond that
  closes the one that has been silent longest; and at most :data:`MAX_HELD_BYTES` of
  frames being read or handled, over all connections: a frame beyond that closes its
  connection (so the memory an outsider can hold is bounded, not connections × 1 MiB);
- a peer that sends :data:`~zkpot.chain.node.STRIKES` messages no honest node sends
  (malformed, unsigned, from an unregistered key: :class:`~zkpot.chain.node.Inadmissible`)
  is disconnected; the node itself never stores or relays such a message, and bounds what
  it keeps of the rest (:mod:`zkpot.chain.node`);
- a socket that connects to itself (which TCP allows when a dialled port is in the
  kernel's ephemeral range and nobody listens on it) is closed at once;
- an error that repeats is logged once, then once a minute with its count.

**Threads.** Every call into the :class:`Node` goes through one worker thread, in order,
so that the node is never entered twice at once; each call is short (a message, a
timer). Proving is not: the node hands it over as a job (:meth:`Node.take_job`), which
runs on a thread of its own, and its outcome comes back as one more call
(:meth:`Node.proven`). So votes and final blocks are handled while the node proves, and
a stop request is served in seconds.

**HTTP API**: :class:`~zkpot.chain.api.HttpApi` (its routes, its bounds and its threads are
in :mod:`zkpot.chain.api`), started and stopped with the node when ``http`` is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from zkpot.chain.api import HttpApi
from zkpot.chain.encoding import MAX_MESSAGE_BYTES
from zkpot.chain.node import STRIKES, Node, Peer, ProofOutcome

FRAME_HEADER = 4
TICK = 0.1
"""Seconds between the node's timer checks."""
IDLE_TIMEOUT = 60.0
"""Seconds a peer connection may stay silent before it is closed."""
FRAME_TIMEOUT = 10.0
"""Seconds a frame may take to arrive in full once its header has."""
MAX_PEER_CONNECTIONS = 64
"""Accepted peer connections at once."""
MAX_REPLIES = 64
"""Answers queued for one peer (beyond that they are dropped: it asks again)."""
MAX_HELD_BYTES = 16 << 20
"""Bytes of frames being read or waiting for the node, over all peer connections: a frame
that would pass it closes its connection (an honest peer dials again and resends)."""


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


async def read_size(reader: asyncio.StreamReader, idle: float | None = None) -> int:
    """The next frame's length, waiting at most ``idle`` seconds for it (``None``: no limit).

    Raises:
        asyncio.IncompleteReadError: the peer closed the connection.
        TimeoutError: the limit passed.
        ValueError: a frame longer than the largest message.
    """
    size = int.from_bytes(await asyncio.wait_for(reader.readexactly(FRAME_HEADER), idle), "big")
    if size > MAX_MESSAGE_BYTES:
        raise ValueError(f"a frame of {size} bytes")
    return size


async def read_frame(
    reader: asyncio.StreamReader, idle: float | None = None, body: float | None = None
) -> bytes:
    """The next frame's message, waiting at most ``idle`` seconds for its header and
    ``body`` seconds for the rest (``None``: no limit); raises as :func:`read_size`."""
    size = await read_size(reader, idle)
    return await asyncio.wait_for(reader.readexactly(size), body)


class Budget:
    """Bytes that frames may hold at once, over all connections (:data:`MAX_HELD_BYTES`)."""

    def __init__(self, total: int) -> None:
        self.total = self.left = total

    @contextlib.contextmanager
    def hold(self, size: int) -> Iterator[None]:
        """Hold ``size`` bytes while the block runs.

        Raises:
            ValueError: they would pass the total.
        """
        if size > self.left:
            raise ValueError(f"busy: {self.total - self.left} of {self.total} bytes held")
        self.left -= size
        try:
            yield
        finally:
            self.left += size


class Repeats:
    """A log that says a repeated line once, then at most once a minute with its count
    (a flood of bad connections must not fill the disk with the same line)."""

    def __init__(self, log: Callable[[str], None], every: float = 60.0) -> None:
        self.log, self.every = log, every
        self.counts: dict[str, list[float]] = {}  # line → [repeats since said, when said]

    def __call__(self, line: str) -> None:
        now = time.monotonic()
        entry = self.counts.get(line)
        if entry is None:
            if len(self.counts) > 1000:
                self.counts.clear()
            self.counts[line] = [0, now]
            self.log(line)
            return
        entry[0] += 1
        if now - entry[1] >= self.every:
            self.log(f"{line} (again {int(entry[0])} times in {now - entry[1]:.0f} s)")
            entry[:] = [0, now]


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
        self.node, self.listen, self.http = node, listen, http
        self.peers = [p for p in peers if p != listen]  # (dialling oneself is no peer)
        self.log = log or (lambda _: None)
        self.repeats = Repeats(self.log)
        node.background = True  # proofs run on a thread of their own (the module docstring)
        self.job: tuple[int, Callable[[], ProofOutcome]] | None = None  # the next to run
        self.prover: threading.Thread | None = None
        self.inbound: dict[asyncio.Task[Any], tuple[asyncio.StreamWriter, list[float]]] = {}
        self.held = Budget(MAX_HELD_BYTES)
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
        """One call into the node on its thread; send what it returns, start the proof it
        asks for, and log a new height."""
        out, job, height = await self._call(self._step, method, *args)
        self._send(out)
        if job is not None:
            self.job = job  # a newer round's proof replaces one not yet started
            self._prove()
        if height != self.height:
            self.height = height
            self.log(f"height {height}")

    def _step(self, method: Any, *args: Any) -> tuple[list[bytes], Any, int]:
        """On the node's thread: the call, the proof it leaves to run, the height."""
        out = method(time.time(), *args)
        return out, self.node.take_job(), self.node.store.head()[0]

    # -- proving ---------------------------------------------------------------------------

    def _prove(self) -> None:
        """Run the waiting proof on the prover thread, unless one is running (it starts
        when that one is done). A daemon thread: stopping never waits for a proof."""
        if self.job is None or self.closed or (self.prover and self.prover.is_alive()):
            return
        (round, job), self.job = self.job, None
        loop = asyncio.get_running_loop()

        def run() -> None:
            start = time.monotonic()
            outcome = job()
            self.log(f"proved for round {round} in {time.monotonic() - start:.1f} s")
            with contextlib.suppress(RuntimeError):  # the loop has closed: stopping
                asyncio.run_coroutine_threadsafe(self._proven(round, outcome), loop)

        self.prover = threading.Thread(target=run, name=f"zkpot-prover-{round}", daemon=True)
        self.prover.start()

    async def _proven(self, round: int, outcome: ProofOutcome) -> None:
        with contextlib.suppress(ConnectionError):  # stopping
            await self._handle(self.node.proven, round, outcome)
        self._prove()  # the next round's, if one waits

    # -- peers ---------------------------------------------------------------------------

    def _replier(self, queue: asyncio.Queue[bytes]) -> Callable[[bytes], None]:
        """A peer's ``reply``: from the node's thread, queue a frame on its connection."""
        loop = asyncio.get_running_loop()

        def put(data: bytes) -> None:
            if queue.qsize() < MAX_REPLIES:
                loop.call_soon_threadsafe(queue.put_nowait, data)

        return put

    async def _read_peer(self, reader: asyncio.StreamReader, peer: Peer, last: list[float],
                         name: str, idle: bool = True) -> None:  # fmt: skip
        """Frames from a peer into the node, until the connection ends, a limit passes (the
        silence limit only if ``idle``) or the peer has struck out."""
        try:
            while True:
                size = await read_size(reader, IDLE_TIMEOUT if idle else None)
                with self.held.hold(size):  # until the node has handled it
                    data = await asyncio.wait_for(reader.readexactly(size), FRAME_TIMEOUT)
                    last[0] = time.monotonic()
                    await self._handle(self.node.receive, data, peer)
                if peer.strikes >= STRIKES:
                    self.repeats(f"dropped {name}: {peer.strikes} messages no honest node sends")
                    return
        except TimeoutError:
            self.repeats(f"closed {name}: silent, or a frame too slow")
        except ValueError as error:
            self.repeats(f"closed {name}: {error}")
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass

    async def _write_queue(self, writer: asyncio.StreamWriter, queue: asyncio.Queue[bytes]) -> None:
        """Frames from a queue onto a connection, until the connection fails."""
        with contextlib.suppress(ConnectionError, OSError):
            while True:
                data = await queue.get()
                writer.write(frame(data))
                await writer.drain()

    async def _serve_peer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """An accepted connection: read the peer's frames, answer its syncs on it."""
        self._track(writer)
        task = asyncio.current_task()
        assert task is not None
        last = [time.monotonic()]
        if len(self.inbound) >= MAX_PEER_CONNECTIONS:  # make room: close the most silent
            oldest = min(self.inbound, key=lambda t: self.inbound[t][1][0])
            self.inbound[oldest][0].close()
            self.repeats(f"over {MAX_PEER_CONNECTIONS} peer connections: closed the most silent")
        self.inbound[task] = (writer, last)
        replies: asyncio.Queue[bytes] = asyncio.Queue()
        sender = asyncio.create_task(self._write_queue(writer, replies))
        try:
            await self._read_peer(reader, Peer(reply=self._replier(replies)), last, "a peer")
        finally:
            self.inbound.pop(task, None)
            sender.cancel()
            writer.close()

    async def _dial(self, address: tuple[str, int]) -> None:
        """Keep a connection to a peer: send it our messages, read its answers."""
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.outbound[address] = queue
        name = f"{address[0]}:{address[1]}"
        while not self.stopping.is_set():
            try:
                reader, writer = await asyncio.open_connection(*address)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            if _self_connected(writer):
                writer.close()
                self.repeats(f"dialling {name} connected to itself (nobody listens there): closed")
                await asyncio.sleep(0.5)
                continue
            self.connected.add(address)
            self.log(f"connected to {name}")
            await self._handle(self.node.resend)  # what we sent so far, and a sync
            peer = Peer(reply=self._replier(queue))
            # (a peer we dial only answers our syncs: silence is normal there)
            reading = asyncio.create_task(self._read_peer(reader, peer, [0.0], name, idle=False))
            sending = asyncio.create_task(self._write_queue(writer, queue))
            try:
                await asyncio.wait([reading, sending], return_when=asyncio.FIRST_COMPLETED)
            finally:
                reading.cancel()
                sending.cancel()
                writer.close()
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
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _, context: self.repeats(str(context.get("message"))))
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
        close = loop.run_in_executor(self.worker, self.node.store.close)  # after queued calls
        self.closed = True
        with contextlib.suppress(Exception):
            await close
        self.worker.shutdown()
        self.log("stopped")

    def stop(self) -> None:
        """Ask :meth:`run` to finish (from the event loop's thread, e.g. a signal handler)."""
        self.stopping.set()


def _self_connected(writer: asyncio.StreamWriter) -> bool:
    """Whether a dialled socket is connected to itself (same local and remote address)."""
    sock = writer.get_extra_info("socket")
    try:
        return sock is not None and sock.getsockname() == sock.getpeername()
    except OSError:
        return False


__all__ = ["FRAME_TIMEOUT", "IDLE_TIMEOUT", "MAX_HELD_BYTES", "MAX_PEER_CONNECTIONS",
           "Budget", "NetworkNode", "Repeats", "frame", "parse_address", "read_frame",
           "read_size"]  # fmt: skip
