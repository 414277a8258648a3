"""A development network on one machine: N ``zkpot node`` processes on localhost.

:func:`write` lays out a directory the nodes start from — the genesis, the ceremony's
SRS, each node's identity (its keys, its data and salt) — and :func:`run` starts one
process per node, follows the rounds through the nodes' HTTP APIs, and stops them
cleanly (SIGTERM: each node closes its SQLite store and exits 0) — also when the devnet
itself gets SIGTERM or SIGINT (``signals=True``: they raise :class:`Stopped`).

Files (all JSON):

- ``genesis.json``: :meth:`Genesis.to_json` (it holds the test set's commitment, not
  the rows);
- ``test-set.json``: the test set's opening (:class:`~zkpot.chain.genesis.TestSet`),
  which a publisher hands out once registration has closed; a node checks that it
  opens the genesis's commitment;
- ``srs.json``: the ceremony's output — its last contribution (``identity``, the powers
  ``g1`` and ``g2`` as hex points: the SRS; ``public_key``, ``commitment`` and
  ``response``: its proof of knowledge) and ``previous``, the transcript's digest before
  it. A node computes the transcript's digest from these — the points themselves hashed —
  and checks the proof and that the points are powers of one τ
  (:func:`zkpot.poly.ceremony.verify_output`); the digest must be the genesis's. (A file
  that merely *declared* a digest could carry any points.) A node joining a public
  chain may verify the whole transcript (:func:`zkpot.poly.ceremony.verify_transcript`);
- ``node-I.json``: member I's identity. **It holds secret keys and private data**: the
  devnet derives them from its seed, so they are no secret here; still, it is written
  readable by its owner only (mode 0600), and a node refuses to start from an identity
  file that others may read (:func:`read_identity`), as ``ssh`` does with a key.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np

from zkpot.chain.encoding import (
    MessageError,
    fields,
    read_field,
    read_hex,
    read_int,
    read_list,
)
from zkpot.chain.federation import Federation, Member
from zkpot.chain.genesis import Genesis, TestSet
from zkpot.chain.node import ParticipantRole
from zkpot.curve import bls12_381, bn254
from zkpot.errors import ZkpotError
from zkpot.ml.statement import Rows, TrainingSpec
from zkpot.poly import ceremony
from zkpot.poly.kzg import SRS
from zkpot.safe_json import loads


def write(directory: Path, federation: Federation) -> None:
    """Write the devnet's genesis, SRS and identities into ``directory``."""
    if federation.ceremony is None:
        raise ZkpotError("the federation has no ceremony SRS to hand the nodes")
    directory.mkdir(parents=True, exist_ok=True)
    documents: dict[str, Any] = {
        "genesis.json": federation.genesis.to_json(),
        "test-set.json": federation.genesis.test_opening().to_json(),
        "srs.json": srs_json(federation.ceremony.previous, federation.ceremony.last),
    }
    for name, document in documents.items():
        (directory / name).write_text(json.dumps(document) + "\n")
    for m in federation.members:
        write_secret(directory / f"node-{m.index}.json", json.dumps(identity_json(m)) + "\n")


def write_secret(path: Path, text: str) -> None:
    """Write a file that holds secret keys: readable and writable by its owner only (0600),
    from the moment it exists (an existing file's mode is set first)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        file.write(text)


def srs_json(previous: bytes, last: ceremony.Contribution) -> dict[str, Any]:
    """The ceremony's output as ``srs.json`` holds it (see the module docstring)."""
    return {"previous": previous.hex(), "identity": last.identity.hex(),
            "g1": [P.to_bytes(compressed=True).hex() for P in last.g1],
            "g2": [Q.to_bytes(compressed=True).hex() for Q in last.g2],
            "public_key": last.public_key.to_bytes(compressed=True).hex(),
            "commitment": last.commitment.to_bytes(compressed=True).hex(),
            "response": str(last.response)}  # fmt: skip


def identity_json(m: Member) -> dict[str, Any]:
    """A member's identity file: validator key, participant key, data slots, data salt."""
    return {"validator": str(m.secret_key),
            "participant": {"secret_key": str(m.role.secret_key),
                            "data": {"x": m.role.data.x.tolist(), "y": m.role.data.y.tolist()},
                            "data_salt": str(m.role.data_salt)}}  # fmt: skip


def load_json(path: Path, max_bytes: int = 16 << 20) -> Any:
    """A JSON file, bounded in size and nesting before it is parsed (:mod:`zkpot.safe_json`)."""
    return loads(Path(path).read_bytes(), max_bytes=max_bytes)


def _secret(value: object, what: str) -> int:
    """A BLS secret key, written as a decimal string: an integer in 1 … r − 1."""
    if not isinstance(value, str) or not value.isdigit() or not 0 < int(value) < bls12_381.R:
        raise MessageError(f"{what}: a BLS secret key as a decimal string")
    return int(value)


def read_genesis(path: Path, test_set: Path | None = None) -> Genesis:
    """The genesis file, opened with the test set file if one is given.

    Raises:
        MessageError: a file is bad, or the test set does not open the genesis's
            commitment (``OSError`` if a file cannot be read).
    """
    genesis = Genesis.from_json(load_json(path))
    if test_set is None:
        return genesis
    return genesis.opened(TestSet.from_json(load_json(test_set), genesis.spec))


def read_srs(path: Path, genesis: Genesis) -> SRS:
    """The SRS file, checked: every point decodes onto its curve and subgroup, the last
    contribution's proof verifies, the points are powers of one τ in both groups, and the
    transcript's digest *computed from them* is the genesis's
    (:func:`zkpot.poly.ceremony.verify_output`).

    Raises:
        MessageError: for anything that does not hold.
    """
    names = ("previous", "identity", "g1", "g2", "public_key", "commitment", "response")
    d = fields(load_json(path, max_bytes=64 << 20), names, "srs")
    g1 = read_list(d["g1"], "srs g1", least=1, most=1 << 22)
    g2 = read_list(d["g2"], "srs g2", least=1, most=64)
    try:
        last = ceremony.Contribution(
            identity=read_hex(d["identity"], "identity"),
            g1=tuple(bn254.G1.from_bytes(read_hex(p, "g1")) for p in g1),
            g2=tuple(bn254.G2.from_bytes(read_hex(q, "g2")) for q in g2),
            public_key=bn254.G2.from_bytes(read_hex(d["public_key"], "public_key")),
            commitment=bn254.G2.from_bytes(read_hex(d["commitment"], "commitment")),
            response=read_field(d["response"], "response"),
        )  # fmt: skip
        digest = ceremony.verify_output(read_hex(d["previous"], "previous", length=32), last)
    except (ValueError, ZkpotError) as error:
        raise MessageError(f"srs: {error}") from None
    if digest != genesis.ceremony:
        raise MessageError("the SRS is not the output of the genesis's ceremony: its points "
                           "hash to another transcript digest")  # fmt: skip
    return SRS(bn254, last.g1, last.g2)


def read_identity(path: Path, spec: TrainingSpec) -> tuple[int | None, ParticipantRole | None]:
    """An identity file: (validator key or ``None``, participant role or ``None``).

    Raises:
        MessageError: the file is bad, or (on POSIX systems) its group or others may read
            or write it: its secret keys may already be someone else's.
    """
    mode = Path(path).stat().st_mode & 0o777
    if os.name == "posix" and mode & 0o077:
        raise MessageError(f"{path} holds secret keys but its mode is {mode:o}, so others "
                           f"may read it: make it private with chmod 600 {path}")  # fmt: skip
    d = fields(load_json(path), ("validator", "participant"), "identity")
    validator = None if d["validator"] is None else _secret(d["validator"], "validator")
    role = None
    if d["participant"] is not None:
        p = fields(d["participant"], ("secret_key", "data", "data_salt"), "participant")
        data = fields(p["data"], ("x", "y"), "data")
        try:
            x = np.array(data["x"], dtype=np.int64).reshape(spec.capacity, spec.n_features)
            y = np.array([read_int(v, "label", high=spec.n_classes) for v in data["y"]],
                         dtype=np.int64)  # fmt: skip
        except (TypeError, ValueError, OverflowError) as error:
            raise MessageError(f"identity data: {error}") from None
        role = ParticipantRole(_secret(p["secret_key"], "secret_key"), Rows(x, y),
                               read_field(p["data_salt"], "data_salt"))  # fmt: skip
    return validator, role


# -- running a devnet --------------------------------------------------------------------


def get(url: str, timeout: float = 5.0) -> Any:
    """GET a node's API; the JSON, or ``None`` if it does not answer (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # a node on localhost
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def get_blocks(url: str) -> list[dict[str, Any]]:
    """Every final block a node's API shows, asked a page at a time (``/blocks?since=H``);
    as many as it gave if it stops answering."""
    blocks: list[dict[str, Any]] = []
    while page := get(f"{url}/blocks?since={len(blocks) + 1}"):
        blocks += page
    return blocks


def ports(base_port: int, index: int) -> tuple[int, int]:
    """Node I's ports: ``base_port + 2I`` for peers, ``base_port + 2I + 1`` for HTTP."""
    return base_port + 2 * index, base_port + 2 * index + 1


def node_command(directory: Path, index: int, members: Sequence[int], *, base_port: int,
                 window: float) -> list[str]:  # fmt: skip
    """The ``zkpot node`` command line of member ``index`` of a devnet laid out in
    ``directory`` (:func:`write`): its files, its store, its ports, every other member
    as a peer."""
    listen, http = ports(base_port, index)
    command = [sys.executable, "-m", "zkpot", "node",
               "--genesis", str(directory / "genesis.json"),
               "--test-set", str(directory / "test-set.json"),
               "--srs", str(directory / "srs.json"),
               "--identity", str(directory / f"node-{index}.json"),
               "--store", str(directory / f"node-{index}.sqlite"),
               "--keys", str(directory / "keys"),
               "--listen", f"127.0.0.1:{listen}", "--http", f"127.0.0.1:{http}",
               "--window", str(window)]  # fmt: skip
    for other in members:
        if other != index:
            command += ["--peer", f"127.0.0.1:{ports(base_port, other)[0]}"]
    return command


def start_node(directory: Path, index: int, command: list[str]) -> subprocess.Popen[bytes]:
    """Start a node process, its output appended to ``node-I.log`` (a restarted node
    goes on writing the same log)."""
    with open(directory / f"node-{index}.log", "ab") as log:  # the child keeps its own copy
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def stop_node(process: subprocess.Popen[bytes], timeout: float = 30.0, *,
              send: bool = True) -> float | None:  # fmt: skip
    """SIGTERM a node process (unless ``send`` is false: it was sent already) and wait for
    it: the seconds it took to exit, or ``None`` if it did not exit within ``timeout`` (it
    is then killed). One SIGTERM only: a second, once the node has closed its event loop,
    would kill it with the default action."""
    start = time.monotonic()
    if send and process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None
    return time.monotonic() - start


class Stopped(BaseException):
    """SIGTERM or SIGINT asked a devnet to stop. A ``BaseException``, as
    ``KeyboardInterrupt`` is, so that no ``except Exception`` on the way swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Signals:
    """SIGTERM and SIGINT, while installed, raise :class:`Stopped` in the main thread — once;
    while :meth:`held`, the first is kept and raised when the hold ends, so that it cannot
    land between starting a node process and recording it (and leave it running), nor cut
    short the stopping of the nodes."""

    NAMES = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.pending: int | None = None
        self.holding = False

    def handler(self, signum: int, _frame: FrameType | None) -> None:
        if self.pending is None:
            self.pending = signum
            if not self.holding:
                raise Stopped(signum)

    @contextmanager
    def installed(self, enabled: bool) -> Iterator[None]:
        previous = {s: signal.signal(s, self.handler) for s in self.NAMES} if enabled else {}
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    @contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending is not None:
            raise Stopped(self.pending)


def stop_all(processes: dict[int, subprocess.Popen[bytes]], say: Callable[[str], None]) -> None:
    """SIGTERM every node process at once, wait for each, and say how they ended."""
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for i, process in processes.items():
        if stop_node(process, send=False) is None:
            say(f"node {i} did not stop within 30 s: killed")
    unclean = [f"node {i} (status {p.returncode})" for i, p in processes.items() if p.returncode]
    say(f"stopped {len(processes)} node processes: "
        + (f"not cleanly: {', '.join(unclean)}" if unclean else "each exited 0"))  # fmt: skip


def run(
    directory: Path,
    federation: Federation,
    rounds: int,
    *,
    base_port: int = 27100,
    window: float = 30.0,
    on_round: Callable[[int, dict[str, Any], list[dict[str, Any]]], None] | None = None,
    say: Callable[[str], None] | None = None,
    timeout: float = 600.0,
    signals: bool = False,
) -> list[dict[str, Any]]:
    """Start a node process per member, wait for ``rounds`` final blocks at every node,
    stop them. Returns the blocks (as node 1's ``/blocks`` shows them).

    Node I listens for peers on ``base_port + 2I`` and serves HTTP on ``base_port + 2I + 1``
    (:func:`ports`). With ``signals`` (from the main thread only), SIGTERM and SIGINT stop
    the nodes as the end of the rounds does, then raise :class:`Stopped`.

    Raises:
        ZkpotError: a node exits early, or the rounds do not finish within ``timeout``.
        Stopped: with ``signals``, SIGTERM or SIGINT arrived.
    """
    say = say or (lambda _: None)
    write(directory, federation)
    members = [m.index for m in federation.members]
    processes: dict[int, subprocess.Popen[bytes]] = {}
    stop = _Signals()
    with stop.installed(signals):
        try:
            with stop.held():
                for i in members:
                    command = node_command(directory, i, members, base_port=base_port,
                                           window=window)  # fmt: skip
                    processes[i] = start_node(directory, i, command)
            pids = ", ".join(str(p.pid) for p in processes.values())
            say(f"started {len(members)} node processes (pids {pids})")
            say(f"  logs: {directory}/node-I.log")
            return _follow(processes, directory, base_port, rounds, on_round, say, timeout)
        finally:
            stop.holding = True  # a signal now must not cut the stopping short
            stop_all(processes, say)


OnRound = Callable[[int, dict[str, Any], list[dict[str, Any]]], None]


def _follow(processes: dict[int, subprocess.Popen[bytes]], directory: Path, base_port: int,
            rounds: int, on_round: OnRound | None, say: Callable[[str], None],
            timeout: float) -> list[dict[str, Any]]:  # fmt: skip
    """:func:`run`'s watch: report each round once every node has it final."""
    urls = {i: f"http://127.0.0.1:{ports(base_port, i)[1]}" for i in processes}
    say(f"watch the chain in a browser: {urls[1]}/")
    say(f"  (node 1; node I serves HTTP on port {base_port} + 2I + 1)")
    deadline, reported = time.monotonic() + timeout, 0
    while reported < rounds:
        for i, process in processes.items():
            if process.poll() is not None:
                raise ZkpotError(f"node {i} exited with status {process.returncode}; "
                                 f"see {directory}/node-{i}.log")  # fmt: skip
        heights = [(get(f"{url}/status") or {}).get("height", 0) for url in urls.values()]
        while reported < min(heights):
            reported += 1
            block = get(f"{urls[1]}/blocks/{reported}")
            contributions = get(f"{urls[1]}/contributions/{reported}") or []
            if on_round is not None and block is not None:
                on_round(reported, block, contributions)
        if time.monotonic() > deadline:
            raise ZkpotError(f"the devnet did not finish {rounds} rounds in {timeout:.0f} s")
        time.sleep(0.5)
    return get_blocks(urls[1])


__all__ = [
    "Stopped",
    "get",
    "get_blocks",
    "identity_json",
    "load_json",
    "node_command",
    "ports",
    "read_genesis",
    "read_identity",
    "read_srs",
    "run",
    "start_node",
    "stop_all",
    "stop_node",
    "write",
    "write_secret",
]
