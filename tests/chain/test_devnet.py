"""Real nodes: ``zkpot devnet`` starts node processes that talk TCP, finalize a round, answer
the HTTP API and stop cleanly; the network layer's framing, addresses and routes."""

from __future__ import annotations

import asyncio
import random
import sqlite3

import pytest

from tests.chain.conftest import make_genesis
from zkpot.chain.network import NetworkNode, frame, parse_address, read_frame
from zkpot.chain.node import Node
from zkpot.chain.store import ChainStore
from zkpot.cli import main


def test_a_devnet_of_three_processes_finalizes_a_round(tmp_path, capsys) -> None:
    port = random.Random().randrange(20_000, 40_000, 10)
    args = ["devnet", "--nodes", "3", "--rounds", "1", "--layers", "4,2,3", "--batch", "2",
            "--test-rows", "2", "--window", "20", "--dir", str(tmp_path),
            "--base-port", str(port)]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "round 1: block " in out and "signed by 3 of 3" in out
    assert out.count("accepted") == 3
    heads = set()
    for i in (1, 2, 3):
        log = (tmp_path / f"node-{i}.log").read_text()
        assert "stopped" in log and "Traceback" not in log, log[-2000:]
        # each store was closed cleanly and holds the same final block 1
        with sqlite3.connect(tmp_path / f"node-{i}.sqlite") as db:
            heads.add(db.execute("SELECT hash FROM blocks WHERE height = 1").fetchone())
    assert len(heads) == 1 and None not in heads


@pytest.mark.parametrize("text", ["localhost", ":80", "host:0", "host:99999", "host:x"])
def test_a_bad_address_is_refused(text) -> None:
    with pytest.raises(ValueError, match="host:port"):
        parse_address(text)


def test_frames_round_trip_and_an_oversized_one_is_refused() -> None:
    async def read(data: bytes) -> bytes:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        return await read_frame(reader)

    assert asyncio.run(read(frame(b'{"a":1}'))) == b'{"a":1}'
    with pytest.raises(ValueError, match="a frame of"):
        asyncio.run(read((1 << 30).to_bytes(4, "big")))
    with pytest.raises(asyncio.IncompleteReadError):
        asyncio.run(read(frame(b"abc")[:-1]))


def test_the_api_routes(tiny_keys, tiny_task) -> None:
    genesis = make_genesis("api", tiny_task, [11, 12, 13, 14], [])
    node = Node(genesis, tiny_keys, ChainStore(":memory:"), validator=11)
    api = NetworkNode(node, ("127.0.0.1", 1), [])
    status, body = api.route("/status")
    assert status == 200 and body["height"] == 0 and body["round"] == 1
    assert body["validator"] == 0 and body["genesis"] == genesis.hash.hex()
    assert api.route("/blocks") == (200, [])
    assert api.route("/contributions/1") == (200, [])
    for missing in ("/blocks/1", "/nothing", "/blocks/x", "/blocks?since=x"):
        status, body = api.route(missing)
        assert status == 404 and "/status" in body["routes"]
