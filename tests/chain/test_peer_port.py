"""The peer port under attack, on loopback: half frames and silent connections time out, the
number of connections is capped, a peer that sends what no honest node sends is dropped, a
socket connected to itself is recognised, and a repeated error is logged once."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

import pytest

from tests.chain.conftest import make_genesis
from zkpot.chain import network
from zkpot.chain.network import NetworkNode, Repeats, frame, read_frame
from zkpot.chain.node import STRIKES, Node
from zkpot.chain.store import ChainStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tiny_keys, tiny_task, test: Callable[[tuple[str, int], list[str]], Awaitable[None]]):
    """Run a watching node's network layer on loopback while ``test(address, log)`` runs."""
    genesis = make_genesis("peer port", tiny_task, [21, 22, 23, 24], [])
    node = Node(genesis, tiny_keys, ChainStore(":memory:"), validator=21)
    address, lines = ("127.0.0.1", free_port()), []
    net = NetworkNode(node, address, [], log=lines.append)

    async def main() -> None:
        running = asyncio.create_task(net.run())
        for _ in range(100):
            if any(line.startswith("listening") for line in lines):
                break
            await asyncio.sleep(0.05)
        try:
            await test(address, lines)
        finally:
            net.stop()
            await asyncio.wait_for(running, 10)

    asyncio.run(main())
    return lines


async def closed(reader: asyncio.StreamReader, within: float) -> bool:
    """Whether the node closes the connection within ``within`` seconds."""
    try:
        return await asyncio.wait_for(reader.read(1 << 16), within) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True


def test_a_half_frame_is_dropped_after_the_frame_timeout(tiny_keys, tiny_task, monkeypatch):
    """200 half frames were held for 94 s; now a frame not complete FRAME_TIMEOUT seconds
    after its header closes its connection, and so does silence for IDLE_TIMEOUT."""
    monkeypatch.setattr(network, "FRAME_TIMEOUT", 0.5)
    monkeypatch.setattr(network, "IDLE_TIMEOUT", 1.0)

    async def test(address, lines) -> None:
        half_reader, half = await asyncio.open_connection(*address)
        half.write(frame(b"x" * 100)[:50])
        silent_reader, _ = await asyncio.open_connection(*address)
        assert await closed(half_reader, 3.0)
        assert await closed(silent_reader, 3.0)

    lines = serve(tiny_keys, tiny_task, test)
    assert any("silent, or a frame too slow" in line for line in lines)


def test_connections_beyond_the_cap_close_the_most_silent(tiny_keys, tiny_task, monkeypatch):
    monkeypatch.setattr(network, "MAX_PEER_CONNECTIONS", 3)

    async def test(address, lines) -> None:
        readers, writers = [], []  # (a writer dropped would close its connection)
        for _ in range(5):
            reader, writer = await asyncio.open_connection(*address)
            readers.append(reader)
            writers.append(writer)
            await asyncio.sleep(0.1)
        assert [await closed(r, 1.0) for r in readers] == [True, True, False, False, False]

    lines = serve(tiny_keys, tiny_task, test)
    assert sum("peer connections: closed the most silent" in line for line in lines) == 1


def test_a_peer_that_sends_what_no_honest_node_sends_is_dropped(tiny_keys, tiny_task) -> None:
    async def test(address, lines) -> None:
        for k in range(2):  # twice: the second time the log does not repeat the line
            reader, writer = await asyncio.open_connection(*address)  # (kept: it stays open)
            for i in range(STRIKES):  # (new junk: a message seen before is not judged again)
                writer.write(frame(b'{"junk":%d}' % (10 * k + i)))
            assert await closed(reader, 5.0)

    lines = serve(tiny_keys, tiny_task, test)
    assert sum("messages no honest node sends" in line for line in lines) == 1


def test_a_socket_connected_to_itself_is_recognised() -> None:
    """TCP lets a socket dialling a free port of the ephemeral range connect to itself (a
    peer redialling a dead node did; the restarted node then could not listen)."""

    async def test() -> None:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.connect(s.getsockname())  # simultaneous open with itself
        _, writer = await asyncio.open_connection(sock=s)
        assert network._self_connected(writer)
        writer.close()
        listener = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        _, other = await asyncio.open_connection("127.0.0.1", port)
        assert not network._self_connected(other)
        other.close()
        listener.close()

    asyncio.run(test())


def test_read_frame_limits() -> None:
    async def test() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(frame(b"abc"))
        assert await read_frame(reader, 1.0, 1.0) == b"abc"
        reader.feed_data(frame(b"abcdef")[:6])  # the header and half the message
        with pytest.raises(TimeoutError):
            await read_frame(reader, 1.0, 0.1)
        with pytest.raises(TimeoutError):
            await read_frame(asyncio.StreamReader(), 0.1, None)

    asyncio.run(test())


def test_a_repeated_line_is_logged_once_then_with_its_count(monkeypatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(network.time, "monotonic", lambda: clock[0])
    lines: list[str] = []
    say = Repeats(lines.append, every=60.0)
    for t in range(0, 130):  # once a second for 130 s
        clock[0] = float(t)
        say("accept failed: too many open files")
    say("another error")
    assert lines == ["accept failed: too many open files",
                     "accept failed: too many open files (again 60 times in 60 s)",
                     "accept failed: too many open files (again 60 times in 60 s)",
                     "another error"]  # fmt: skip


def test_frames_held_at_once_are_bounded_over_all_connections(tiny_keys, tiny_task, monkeypatch):
    """160 connections each holding 768 KiB of a 1 MiB frame grew a node by 157 MB: the cap
    on connections alone allowed 64 MiB of them. Now frames being read or handled hold at
    most MAX_HELD_BYTES in all; a frame beyond that closes its connection."""
    monkeypatch.setattr(network, "MAX_HELD_BYTES", 3 << 20)

    async def test(address, lines) -> None:
        held = []
        for _ in range(5):  # 1 MiB frames, half sent: the node may hold three of them
            reader, writer = await asyncio.open_connection(*address)
            writer.write((1 << 20).to_bytes(4, "big") + b"{" * 1000)
            held.append((reader, writer))
            await asyncio.sleep(0.2)
        assert [await closed(r, 0.5) for r, _ in held] == [False, False, False, True, True]

    lines = serve(tiny_keys, tiny_task, test)
    assert any("busy: 3145728 of 3145728 bytes held" in line for line in lines)


def test_a_budget_gives_back_what_a_block_held() -> None:
    budget = network.Budget(10)
    with budget.hold(6):
        assert budget.left == 4
        with pytest.raises(ValueError, match="busy: 6 of 10"), budget.hold(5):
            pass
    with pytest.raises(RuntimeError), budget.hold(10):
        raise RuntimeError
    assert budget.left == 10
