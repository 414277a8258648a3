"""A node's HTTP API under load: /status latency while 20 clients read /blocks.

    python benchmarks/bench_http_api.py            # 300 final blocks, 20 readers, 400 probes
    python benchmarks/bench_http_api.py --quick    # fewer blocks and probes
    python benchmarks/bench_http_api.py --save     # also write benchmarks/tables/http_api.md

The node (the tests' tiny spec, its chain filled with final blocks and their reveals, as
in tests/chain/test_api.py) serves :class:`zkpot.chain.api.HttpApi` in a process of its
own. This process is the clients: ``--readers`` threads each GET ``/blocks`` (a page of
100 blocks) again and again, and one thread GETs ``/status`` every 20 ms and times each
answer, from connecting to the last byte. The same probe runs first on the idle node.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # zkpot and the tests' chain of this checkout

from harness import format_time, markdown_table, save_table  # noqa: E402


def serve(blocks: int, ports: multiprocessing.connection.Connection) -> None:
    """The node's process: a chain of ``blocks`` final blocks, its API on a free port."""
    from tests.chain.conftest import SPEC, fill, make_genesis
    from zkpot.chain.api import HttpApi
    from zkpot.chain.node import Node
    from zkpot.chain.store import ChainStore
    from zkpot.ml.contribution import dev_srs, setup
    from zkpot.ml.task import iris_task

    genesis = make_genesis("bench", iris_task(3, seed=0, spec=SPEC), [11, 12, 13, 14], [])
    store = ChainStore(":memory:")
    fill(store, genesis, blocks)
    api = HttpApi(Node(genesis, setup(SPEC, dev_srs(SPEC)), store, validator=11))

    async def main() -> None:
        await api.start("127.0.0.1", 0)
        assert api.server is not None
        ports.send(api.server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()  # until terminated

    asyncio.run(main())


def get(port: int, path: str) -> tuple[float, bytes]:
    """(seconds, the answer) of one GET, from connecting to the last byte."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        chunks = []
        while chunk := s.recv(1 << 16):
            chunks.append(chunk)
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"GET {path}: {answer[:80]!r}")
    return time.perf_counter() - start, answer


def probe(port: int, count: int) -> list[float]:
    """``count`` /status latencies, one GET every 20 ms."""
    times = []
    for _ in range(count):
        times.append(get(port, "/status")[0])
        time.sleep(0.02)
    return times


def percentile(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer blocks and probes")
    parser.add_argument("--readers", type=int, default=20, help="clients reading /blocks")
    parser.add_argument("--save", action="store_true", help="write benchmarks/tables/http_api.md")
    args = parser.parse_args()
    blocks, probes = (120, 60) if args.quick else (300, 400)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    node = context.Process(target=serve, args=(blocks, send), daemon=True)
    node.start()
    try:
        port = receive.recv()
        cold, answer = get(port, "/blocks")  # every accuracy of the page computed
        assert answer.count(b'"height"') == 100
        idle = probe(port, probes)
        stop, reads = threading.Event(), []

        def read() -> None:
            while not stop.is_set():
                reads.append(get(port, "/blocks")[0])

        readers = [threading.Thread(target=read) for _ in range(args.readers)]
        for thread in readers:
            thread.start()
        time.sleep(1)
        loaded = probe(port, probes)
        stop.set()
        for thread in readers:
            thread.join()
    finally:
        node.terminate()
        node.join()

    def row(label: str, times: list[float]) -> list[str]:
        quantiles = [percentile(times, 50), percentile(times, 99), max(times)]
        return [f"{label} ({len(times)} GETs)", *map(format_time, quantiles)]

    rows = [
        row("/status, idle node", idle),
        row(f"/status, {args.readers} clients reading /blocks", loaded),
        row(f"/blocks (100 of {blocks} blocks), under the same load", reads),
        ["/blocks, first answer (each accuracy computed)", format_time(cold), "", ""],
    ]
    title = f"zkpot's HTTP API (zkpot.chain.api), the tiny 4-2-3 spec, {blocks} final blocks"
    table = markdown_table(["request", "p50", "p99", "max"], rows)
    print(f"{title}\n\n{table}")
    if args.save:
        print("wrote", save_table("http_api", table))


if __name__ == "__main__":
    main()
