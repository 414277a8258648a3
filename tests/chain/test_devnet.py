"""Real nodes: ``zkpot devnet`` starts node processes that talk TCP, finalize a round, answer
the HTTP API and stop cleanly; the network layer's framing and addresses (the HTTP API's own
tests are in test_api.py)."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import browser
from zkpot.chain import devnet
from zkpot.chain.devnet import get, get_blocks
from zkpot.chain.network import frame, parse_address, read_frame
from zkpot.cli import main


def test_a_devnet_of_three_processes_finalizes_rounds_watched_in_a_browser(
    tmp_path, capsys, monkeypatch
) -> None:
    """``zkpot devnet`` with 3 nodes and 2 rounds; node 1's watch page is opened in headless
    Chromium once round 1 is final and, without a reload, must show round 2 as well; each
    time what it shows must match every node's JSON, and name each participant as the
    devnet's own lines do."""
    port = random.Random().randrange(20_000, 30_000, 10)  # below the ephemeral ports
    urls = [f"http://127.0.0.1:{port + 2 * i + 1}" for i in (1, 2, 3)]
    args = ["devnet", "--nodes", "3", "--rounds", "2", "--layers", "4,2,3", "--batch", "2",
            "--test-rows", "2", "--window", "20", "--dir", str(tmp_path),
            "--base-port", str(port)]  # fmt: skip
    original, watched, labels = devnet.run, [], set()
    with browser.page() as (page, errors):

        def run(*args_, on_round, **options):
            def watch(height, block, contributions):
                on_round(height, block, contributions)  # the CLI's table
                labels.update(c["label"] for c in contributions)
                if height == 1:
                    page.goto(urls[0] + "/")
                page_matches_the_nodes(page, urls, height)
                watched.append(height)

            return original(*args_, on_round=watch, **options)

        monkeypatch.setattr(devnet, "run", run)
        assert main(args) == 0
        assert errors == []
    assert watched == [1, 2]
    captured = capsys.readouterr()
    assert f"watch the chain in a browser: {urls[0]}/" in captured.err
    out = captured.out
    assert "round 1: block " in out and "round 2: block " in out and "signed by 3 of 3" in out
    assert out.count("accepted") == 6
    assert max(map(len, out.splitlines())) <= 80  # the rounds, in 80 columns
    # p1, p2, p3 beside their short keys: what the page showed, the devnet printed
    assert {label.split(" · ")[0] for label in labels} == {"p1", "p2", "p3"}
    assert all(re.search(rf"^  {re.escape(label)}  claims ", out, re.M) for label in labels), out
    heads = set()
    for i in (1, 2, 3):
        assert (tmp_path / f"node-{i}.json").stat().st_mode & 0o777 == 0o600  # secret keys
        log = (tmp_path / f"node-{i}.log").read_text()
        assert "stopped" in log and "Traceback" not in log, log[-2000:]
        # each store was closed cleanly and holds the same final blocks
        with sqlite3.connect(tmp_path / f"node-{i}.sqlite") as db:
            heads.add(tuple(db.execute("SELECT hash FROM blocks ORDER BY height").fetchall()))
    assert len(heads) == 1 and len(heads.pop()) == 2


def test_sigterm_stops_a_devnet_and_each_of_its_nodes_cleanly(tmp_path) -> None:
    """``zkpot devnet`` as a process, SIGTERM once its nodes answer: it stops every node
    (each closes its store: no WAL left) and exits 143 within seconds, without a traceback.
    (SIGINT takes the same path: see the next test.)"""
    port = random.Random().randrange(20_000, 30_000, 10)  # below the ephemeral ports
    command = [sys.executable, "-m", "zkpot", "devnet", "--nodes", "3", "--rounds", "99",
               "--layers", "4,2,3", "--batch", "2", "--test-rows", "2", "--window", "20",
               "--dir", str(tmp_path), "--base-port", str(port)]  # fmt: skip
    output = tmp_path / "devnet.out"
    with open(output, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=Path(__file__).parents[2])  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not all(get(f"http://127.0.0.1:{port + 2 * i + 1}/status", 1) for i in (1, 2, 3)):
            assert process.poll() is None and time.monotonic() < deadline, output.read_text()
            time.sleep(0.2)
        pids = [int(p) for p in re.search(r"pids ([\d, ]+)", output.read_text())[1].split(", ")]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 128 + signal.SIGTERM
    finally:
        if process.poll() is None:
            process.kill()
    text = output.read_text()
    assert "stopped 3 node processes: each exited 0" in text and "Traceback" not in text, text
    assert "zkpot devnet: SIGTERM received: stopped the nodes" in text
    for pid in pids:
        with pytest.raises(ProcessLookupError):  # reaped: neither running nor a zombie
            os.kill(pid, 0)
    for i in (1, 2, 3):
        log = (tmp_path / f"node-{i}.log").read_text()
        assert log.rstrip().endswith("stopped") and "Traceback" not in log, log[-2000:]
        assert not (tmp_path / f"node-{i}.sqlite-wal").exists()  # checkpointed on close


def test_sigint_and_sigterm_raise_stopped_once_and_wait_out_a_hold() -> None:
    """The devnet's handlers: the first signal raises :class:`devnet.Stopped` (at once, or
    where a hold ends), later ones are ignored, and leaving restores the old handlers."""
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    stop = devnet._Signals()
    with stop.installed(True):
        with pytest.raises(devnet.Stopped, match="SIGINT"):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # not reached: the handler raises first
        os.kill(os.getpid(), signal.SIGTERM)  # a second signal: ignored
    held, reached = devnet._Signals(), False
    with held.installed(True), pytest.raises(devnet.Stopped, match="SIGTERM"), held.held():
        os.kill(os.getpid(), signal.SIGTERM)
        reached = True
    assert reached
    assert {s: signal.getsignal(s) for s in before} == before


SHOWN = """() => ({
  height: Number(document.getElementById("status").dataset.height),
  blocks: [...document.querySelectorAll("#blocks tbody tr")].map((tr) => ({
    height: Number(tr.dataset.height), hash: tr.dataset.hash, proposer: tr.dataset.proposer,
    cells: [...tr.cells].map((c) => c.textContent) })),
  contributions: [...document.querySelectorAll("tr.contribution")].map((tr) => ({
    round: Number(tr.dataset.round), participant: tr.dataset.participant,
    accepted: tr.dataset.accepted === "true", leader: tr.dataset.leader === "true",
    cells: [...tr.cells].map((c) => c.textContent) })),
  points: [...document.querySelectorAll("#chart circle")].map((c) =>
    [Number(c.dataset.height), Number(c.dataset.accuracy)]),
  error: document.getElementById("error").textContent,
})"""


def expected(urls: list[str], height: int) -> dict:
    """What the page must show for rounds 1 … ``height``, from node 1's JSON — after
    checking that every node serves the same final blocks."""
    chains = [[b for b in get_blocks(url) if b["height"] <= height] for url in urls]
    assert all(c == chains[0] for c in chains), "the nodes disagree on the final blocks"
    blocks = chains[0]
    assert [b["height"] for b in blocks] == list(range(1, height + 1))
    status = get(f"{urls[0]}/status")
    contributions = []
    for b in blocks:
        for c in get(f"{urls[0]}/contributions/{b['height']}"):
            verdict = "accepted" if c["accepted"] else f"rejected: {c['reason']}"
            contributions.append({"round": b["height"], "participant": c["participant"],
                                  "accepted": c["accepted"],
                                  "leader": c["participant"] == b["proposer"],
                                  "cells": [c["label"], str(c["accuracy"]), verdict]})  # fmt: skip
    return {
        "blocks": [{"height": b["height"], "hash": b["hash"], "proposer": b["proposer"],
                    "cells": [str(b["height"]), b["hash"][:12] + "…",
                              b["proposer_label"] or "none (empty block)",
                              f"{b['accuracy']} / {status['test_rows']}",
                              f"{len(b['signers'])} of {status['validators']}", str(b["view"])]}
                   for b in reversed(blocks)],
        "contributions": sorted(contributions, key=lambda c: (c["round"], c["participant"])),
        "points": [[b["height"], b["accuracy"]] for b in blocks],
    }  # fmt: skip


def page_matches_the_nodes(page, urls: list[str], height: int, timeout: float = 20.0) -> None:
    """Wait (the page refreshes every 2 s) until the page shows final round ``height`` and
    its final rounds match the nodes' JSON; fail with both if they never do."""
    deadline = time.monotonic() + timeout
    while True:
        shown = page.evaluate(SHOWN)
        final = {k: [x for x in shown[k] if x.get("height", x.get("round", 0)) <= height]
                 for k in ("blocks", "contributions")}  # fmt: skip
        final["contributions"].sort(key=lambda c: (c["round"], c["participant"]))
        final["points"] = [p for p in shown["points"] if p[0] <= height]
        want = expected(urls, height)
        if shown["height"] >= height and final == want and not shown["error"]:
            break
        if time.monotonic() > deadline:
            assert final == want and shown["height"] >= height, shown
        time.sleep(0.5)
    assert all(c["accepted"] for c in final["contributions"])  # an honest devnet
    assert sum(c["leader"] for c in final["contributions"]) == height  # one leader a round


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
