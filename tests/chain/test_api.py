"""The HTTP API: its routes; an answer, never a traceback, whatever a client sends (numbers
SQLite cannot hold, over-long lines, too many headers, bad queries, a route that fails);
/blocks a page at a time, each block's accuracy computed once, and the watch page still
showing every block; participants named p1, p2, … in the genesis's order, the same on the
watch page as on the terminal; /status answered while every reader thread is busy; a bound
on connections; and a NetworkNode that starts and stops its API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time

import pytest

from tests import browser
from tests.chain.conftest import fill, make_genesis
from zkpot.chain import api as api_module
from zkpot.chain.api import BLOCKS_PER_PAGE, MAX_CONNECTIONS, READERS, HttpApi
from zkpot.chain.messages import Contribution
from zkpot.chain.network import NetworkNode
from zkpot.chain.node import Node, ParticipantRole
from zkpot.chain.store import ChainStore
from zkpot.cli.chain import devnet_round
from zkpot.curve import bls
from zkpot.ml.statement import count_correct
from zkpot.ml.task import demo_data_salt

VALIDATORS = [11, 12, 13, 14]
HUGE = "9" * 20  # more than SQLite's INTEGER holds


@pytest.fixture(scope="module")
def genesis(tiny_task):
    return make_genesis("api", tiny_task, VALIDATORS, [])


def make_node(genesis, keys, blocks: int = 0) -> Node:
    store = ChainStore(":memory:")
    fill(store, genesis, blocks)
    return Node(genesis, keys, store, validator=VALIDATORS[0])


def test_the_routes(genesis, tiny_keys) -> None:
    api = HttpApi(make_node(genesis, tiny_keys), peers=lambda: 2)
    status, body = api.route("/status")
    assert status == 200 and body["height"] == 0 and body["round"] == 1 and body["peers"] == 2
    assert body["validator"] == 0 and body["genesis"] == genesis.hash.hex()
    assert body["head"] == genesis.hash.hex() and body["view"] is None
    key = bls.secret_to_public(VALIDATORS[0]).hex()  # no participant here: the key alone
    assert body["label"] == f"{key[:8]} (not a participant)"
    status, body = api.route("/genesis")
    assert status == 200 and body["hash"] == genesis.hash.hex() and body["participants"] == []
    assert [v["public_key"] for v in body["validators"]] == [k.hex() for k in genesis.validators]
    assert api.route("/blocks") == (200, [])
    assert api.route("/blocks?since=7") == (200, [])
    assert api.route("/contributions/1") == (200, [])
    assert api.route("/")[0] == 200 and b"<html" in api.route("/")[1]
    for missing in ("/blocks/1", "/nothing", "/blocks/x", "/blocks/\u00b2", "/blocks/-1",
                    f"/blocks/{HUGE}", f"/contributions/{HUGE}", "/contributions/x"):  # fmt: skip
        status, body = api.route(missing)
        assert status == 404 and "/status" in body["routes"], missing
    for bad in ("/blocks?since=x", "/blocks?since=-1", "/blocks?since=", "/blocks?since",
                f"/blocks?since={HUGE}", "/blocks?since=1&since=2", "/blocks?until=3",
                "/status?x=1"):  # fmt: skip
        status, body = api.route(bad)
        assert status == 400 and body["error"], bad


def test_blocks_come_a_page_at_a_time_each_accuracy_computed_once(
    genesis, tiny_keys, monkeypatch
) -> None:
    node = make_node(genesis, tiny_keys, 250)
    api = HttpApi(node)
    computed = []

    def counted(model, test, spec):
        computed.append(1)
        return count_correct(model, test, spec)

    monkeypatch.setattr(api_module, "count_correct", counted)
    for _ in range(2):
        pages = [api.route(f"/blocks?since={since}") for since in (1, 101, 201, 251)]
        assert all(status == 200 for status, _ in pages)
        assert [len(page) for _, page in pages] == [BLOCKS_PER_PAGE, 100, 50, 0]
        blocks = [b for _, page in pages for b in page]
        assert [b["height"] for b in blocks] == list(range(1, 251))
        assert len(computed) == 250  # the second time, from the cache
    assert api.route("/blocks")[1] == blocks[:BLOCKS_PER_PAGE]
    for b in (blocks[0], blocks[2], blocks[249]):  # led, empty, led
        model = node.global_model_after(b["height"])
        assert b["accuracy"] == count_correct(model, genesis.test, genesis.spec)
        assert b["revealed"] == (b["height"] % 3 != 0)
        assert api.route(f"/blocks/{b['height']}") == (200, b)


def test_the_cache_of_blocks_is_bounded(genesis, tiny_keys, monkeypatch) -> None:
    api = HttpApi(make_node(genesis, tiny_keys, 30))
    monkeypatch.setattr(api_module, "CACHED_BLOCK_BYTES", 5000)  # some 8 blocks
    assert [b["height"] for b in api.blocks(1)] == list(range(1, 31))
    assert 0 < api._cached <= 5000 and len(api._shown) < 10
    kept = {bytes.fromhex(b["hash"]) for b in api.blocks(31 - len(api._shown))}
    assert set(api._shown) == kept == set(api._sizes)  # the newest


def test_an_accuracy_unknown_is_not_kept(genesis, tiny_keys) -> None:
    """Without its reveal a block has no accuracy yet; once the reveal comes, it has."""
    node = make_node(genesis, tiny_keys)
    fill(node.store, genesis, 1, reveals=False)  # (a node starts with the head's reveal)
    api = HttpApi(node)
    assert api.route("/blocks/1")[1]["accuracy"] is None
    fill(store := ChainStore(":memory:"), genesis, 1)  # the same block, with its reveal
    node.store.put_reveal(store.reveal(store.block(1)[0].reveal))
    _, block = api.route("/blocks/1")
    assert block["revealed"] and block["accuracy"] is not None


# -- names: p1, p2, … in the genesis's order ---------------------------------------------

PARTICIPANTS = [13, 11, 21]
"""The participants' keys in the genesis's order: p1 is validator 3, p2 validator 1, p3 no
validator; validators 2 and 4 are no participants."""
OUTSIDER = 99


@pytest.fixture(scope="module")
def named(tiny_task):
    roles = [ParticipantRole(sk, tiny_task.slots(i)[0], demo_data_salt(0, i))
             for i, sk in enumerate(PARTICIPANTS, 1)]  # fmt: skip
    return make_genesis("names", tiny_task, VALIDATORS, roles)


def named_node(genesis, keys) -> Node:
    """Three final blocks, the first two led by p2 (key 11), the third empty; round 1's
    contributions from p1, p2 and an outsider (rejected), round 2's from p3 (fake proofs:
    the API checks none)."""
    store = ChainStore(":memory:")
    fill(store, genesis, 3, leader=PARTICIPANTS[1])
    for round, sk, reason in ((1, 13, None), (1, 11, None),
                              (1, OUTSIDER, "a contribution from a key that is not registered"),
                              (2, 21, None)):  # fmt: skip
        contribution = Contribution(round=round, participant=bls.secret_to_public(sk),
                                    global_model=5, data_commitment=1, model_commitment=2,
                                    accuracy=1, proof=b"\x01", signature=b"\x02" * 96)  # fmt: skip
        store.put_contribution(contribution, reason)
    return Node(genesis, keys, store, validator=VALIDATORS[0])


def labels(*secret_keys: int) -> list[str]:
    """The labels of these keys, written out: pN beside the key's first 8 hex digits."""
    shown = []
    for sk in secret_keys:
        key = bls.secret_to_public(sk).hex()[:8]
        n = PARTICIPANTS.index(sk) + 1 if sk in PARTICIPANTS else None
        shown.append(f"{key} (not a participant)" if n is None else f"p{n} · {key}")
    return shown


def test_participants_are_named_in_the_genesis_order(named, tiny_keys) -> None:
    api = HttpApi(named_node(named, tiny_keys))
    status, body = api.route("/genesis")
    assert status == 200 and body["name"] == "names"
    assert body["participants"] == [
        {"public_key": p.public_key.hex(), "name": f"p{i}", "label": label}
        for (i, p), label in zip(enumerate(named.participants, 1), labels(*PARTICIPANTS),
                                 strict=True)]  # fmt: skip
    assert [v["name"] for v in body["validators"]] == ["p2", None, "p1", None]
    assert [v["label"] for v in body["validators"]] == labels(*VALIDATORS)
    node = api.route("/status")[1]["label"]  # validator 1's key, which p2 registered
    assert node == labels(VALIDATORS[0])[0] == body["validators"][0]["label"]
    round_1 = api.route("/contributions/1")[1]
    assert [c["name"] for c in round_1] == ["p1", "p2", None]
    assert [c["label"] for c in round_1] == labels(13, 11, OUTSIDER)
    assert [c["name"] for c in api.route("/contributions/2")[1]] == ["p3"]
    blocks = api.route("/blocks")[1]
    p2 = ("p2", labels(11)[0])
    assert [(b["proposer_name"], b["proposer_label"]) for b in blocks] == [p2, p2, (None, None)]
    # the terminal's lines (zkpot devnet's) name them alike
    lines = devnet_round(1, blocks[0], round_1, len(VALIDATORS), named.spec.test_rows)
    assert lines[0].startswith("round 1: block ") and ", leader p2, signed by 3 of 4" in lines[0]
    who = [line.split("  claims")[0].strip() for line in lines[1:] if "claims" in line]
    assert who == labels(13, 11, OUTSIDER)
    assert max(map(len, lines)) <= 80


# -- over the wire ----------------------------------------------------------------------


async def exchange(port: int, data: bytes) -> bytes:
    """What the server answers to ``data`` (sent, then the sending side closed)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        with contextlib.suppress(ConnectionError):
            writer.write_eof()
        return await asyncio.wait_for(reader.read(), 30)
    except ConnectionResetError:
        return b""  # closed at once, before reading the request
    finally:
        writer.close()


def parse(answer: bytes) -> tuple[int, dict | bytes]:
    """An answer's status and body (checked against its Content-Length)."""
    head, _, payload = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert int(headers["Content-Length"]) == len(payload), answer[:300]
    body = json.loads(payload) if headers["Content-Type"] == "application/json" else payload
    return int(lines[0].split()[1]), body


async def serving(api: HttpApi):
    await api.start("127.0.0.1", 0)
    assert api.server is not None
    return api.server.sockets[0].getsockname()[1]


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()


REQUESTS = [
    (get(f"/blocks/{HUGE}"), 404), (get(f"/contributions/{HUGE}"), 404),
    (get(f"/blocks?since={HUGE}"), 400), (get("/blocks?since=x"), 400),
    (get("/" + "a" * 100_000), 414),
    (b"GET / HTTP/1.1\r\n" + b"X: 1\r\n" * 200 + b"\r\n", 431),
    (b"GET / HTTP/1.1\r\nX: " + b"a" * 10_000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\n" + (b"X: " + b"a" * 1000 + b"\r\n") * 40 + b"\r\n", 431),
    (b"POST /status HTTP/1.1\r\n\r\n", 405), (b"\xff\x00 / HTTP/1.1\r\n\r\n", 405),
    (b"garbage\r\n\r\n", 400), (b"GET /status", 400), (b"GET status HTTP/1.1\r\n\r\n", 400),
    (get("/status"), 200), (get("/blocks/1"), 200),
]  # fmt: skip


def test_whatever_a_client_sends_it_gets_an_answer(genesis, tiny_keys) -> None:
    logged: list[str] = []
    api = HttpApi(make_node(genesis, tiny_keys, 1), log=logged.append)

    async def main() -> list[tuple[int, dict | bytes]]:
        port = await serving(api)
        try:
            return [parse(await exchange(port, data)) for data, _ in REQUESTS]
        finally:
            await api.stop()

    answers = asyncio.run(main())
    for (data, expected), (status, body) in zip(REQUESTS, answers, strict=True):
        assert status == expected, data[:80]
        assert isinstance(body, dict) and (status == 200) != ("error" in body), data[:80]
    assert logged == []


def test_a_route_that_fails_answers_500_and_logs_one_line(genesis, tiny_keys) -> None:
    logged: list[str] = []
    api = HttpApi(make_node(genesis, tiny_keys), log=logged.append)

    def fail(since: int) -> list:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    api.blocks = fail  # type: ignore[method-assign]

    async def main() -> bytes:
        port = await serving(api)
        try:
            return await exchange(port, get("/blocks"))
        finally:
            await api.stop()

    status, body = parse(asyncio.run(main()))
    assert status == 500 and body == {"error": "the node failed to answer: OverflowError"}
    assert logged == ["HTTP: OverflowError: Python int too large to convert to SQLite INTEGER"]


def test_status_answers_while_every_reader_is_busy(genesis, tiny_keys) -> None:
    """/blocks held on an event in every reader thread, and more waiting: /status answers."""
    api = HttpApi(make_node(genesis, tiny_keys))
    entered, release = threading.Semaphore(0), threading.Event()

    def held(since: int) -> list:
        entered.release()
        release.wait(30)
        return []

    api.blocks = held  # type: ignore[method-assign]

    async def main() -> tuple[bytes, list[bytes]]:
        port = await serving(api)
        try:
            readers = [asyncio.create_task(exchange(port, get("/blocks")))
                       for _ in range(READERS + 2)]  # fmt: skip
            for _ in range(READERS):  # every reader thread holds a /blocks
                assert await asyncio.to_thread(entered.acquire, True, 30)
            status = await asyncio.wait_for(exchange(port, get("/status")), 30)
            release.set()
            return status, await asyncio.gather(*readers)
        finally:
            release.set()
            await api.stop()

    status, blocks = asyncio.run(main())
    assert parse(status)[0] == 200
    assert [parse(b) for b in blocks] == [(200, [])] * (READERS + 2)


def test_connections_beyond_the_bound_are_closed_at_once(genesis, tiny_keys) -> None:
    api = HttpApi(make_node(genesis, tiny_keys))

    async def main() -> tuple[bytes, bytes]:
        port = await serving(api)
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(MAX_CONNECTIONS)]
        try:
            while len(api.connections) < MAX_CONNECTIONS:
                await asyncio.sleep(0.01)
            refused = await exchange(port, get("/status"))  # not after the idle ones time out
            for _, writer in idle:
                writer.close()
            while api.connections:
                await asyncio.sleep(0.01)
            return refused, await exchange(port, get("/status"))
        finally:
            await api.stop()

    refused, served = asyncio.run(main())
    assert refused == b"" or parse(refused)[0] == 503
    assert parse(served)[0] == 200


def test_a_network_node_serves_its_api_and_stops_it(genesis, tiny_keys) -> None:
    lines: list[str] = []
    network = NetworkNode(make_node(genesis, tiny_keys, 2), ("127.0.0.1", 0), [],
                          http=("127.0.0.1", 0), log=lines.append)  # fmt: skip

    async def main() -> bytes:
        running = asyncio.create_task(network.run())
        while network.api.server is None:
            await asyncio.sleep(0.01)
        try:
            return await exchange(network.api.server.sockets[0].getsockname()[1], get("/status"))
        finally:
            network.stop()
            await running

    status, body = parse(asyncio.run(main()))
    assert status == 200 and isinstance(body, dict) and body["height"] == 2
    assert lines[-1] == "stopped" and not network.api.server.is_serving()


@contextlib.contextmanager
def watched(api: HttpApi):
    """The API served on a thread of its own, and its watch page open in headless Chromium:
    (page, the page's errors)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(serving(api), loop).result(30)
    try:
        with browser.page() as (page, errors):
            page.goto(f"http://127.0.0.1:{port}/")
            yield page, errors
    finally:
        asyncio.run_coroutine_threadsafe(api.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def test_the_watch_page_shows_every_block_page_after_page(genesis, tiny_keys) -> None:
    """More blocks than one answer of /blocks holds: the page asks for them all."""
    count = 2 * BLOCKS_PER_PAGE + 30
    with watched(HttpApi(make_node(genesis, tiny_keys, count))) as (page, errors):
        deadline = time.monotonic() + 60
        shown = lambda: page.evaluate(  # noqa: E731
            "() => [document.querySelectorAll('#blocks tbody tr').length,"
            " document.querySelectorAll('#chart circle').length]")  # fmt: skip
        while shown() != [count, count] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert shown() == [count, count]
        heights = page.evaluate(
            "() => [...document.querySelectorAll('#blocks tbody tr')]"
            ".map((tr) => Number(tr.dataset.height))"
        )
        assert heights == list(range(count, 0, -1)) and errors == []


NAMES_SHOWN = """() => ({
  node: document.getElementById("status").textContent,
  leaders: [...document.querySelectorAll("#blocks tbody tr")].map((tr) => tr.cells[2].textContent),
  signers: [...document.querySelectorAll("#blocks tbody tr")].map((tr) => tr.cells[4].title),
  validators: [...document.querySelectorAll("#validators tbody tr")].map((tr) =>
    [...tr.cells].map((c) => c.textContent)),
  contributions: [...document.querySelectorAll("tr.contribution")].map((tr) =>
    [Number(tr.dataset.round), tr.cells[0].textContent]),
})"""


def test_the_watch_page_names_participants_as_the_terminal_does(named, tiny_keys) -> None:
    """Each participant as "pN · key" (the genesis's order), on the page and in zkpot
    devnet's lines for the same round; a key of no participant alone, said to be."""
    api = HttpApi(named_node(named, tiny_keys))
    with watched(api) as (page, errors):
        page.wait_for_function("() => Number(document.body.dataset.refreshed) >= 1",
                               timeout=30_000)  # fmt: skip
        shown = page.evaluate(NAMES_SHOWN)
        assert errors == []
    p1, p2, p3 = labels(*PARTICIPANTS)
    assert shown["node"].startswith(f"node {p2} (validator 1 of 4) · height 3")
    assert shown["leaders"] == ["none (empty block)", p2, p2]  # the newest first
    assert shown["signers"] == [", ".join(labels(*VALIDATORS[:3]))] * 3
    assert shown["validators"] == [[str(i), label, "3 of 3" if i < 4 else "0 of 3"]
                                   for i, label in enumerate(labels(*VALIDATORS), 1)]  # fmt: skip
    assert shown["validators"][1][1].endswith(" (not a participant)")
    outsider = labels(OUTSIDER)[0]
    assert sorted(map(tuple, shown["contributions"])) == sorted(
        [(1, p1), (1, p2), (1, outsider), (2, p3)])  # fmt: skip
    # zkpot devnet prints round 1 with the very labels the page shows
    _, block = api.route("/blocks/1")
    _, contributions = api.route("/contributions/1")
    lines = devnet_round(1, block, contributions, len(VALIDATORS), named.spec.test_rows)
    for label in (p1, p2, outsider):
        assert any(line.startswith(f"  {label} ") for line in lines), (label, lines)
    assert "leader p2," in lines[0]
