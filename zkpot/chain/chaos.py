"""A fault-and-attack suite on real node processes: what ``zkpot chaos`` runs.

It starts a devnet (:mod:`zkpot.chain.devnet`: N ``zkpot node`` processes on loopback, a
tiny training spec so that a proof takes seconds), lets it finalize its first block, and
then runs each scenario below against one node, the *target*, while the others go on.
After each scenario the target is stopped with SIGTERM, every store is read, and the
target is started again (same store, identity and ports) for the next scenario.

**Faults** (the target is the last node; :func:`kill_proving` and its neighbours):

- ``kill-proving``: kill -9 the target half a second after its round opens, while it
  proves its contribution; start it again.
- ``kill-voting``: kill -9 it just after the contribution window closes, when the
  validators propose and vote; start it again.
- ``kill-writing``: kill -9 it at the moment another node reports a new final block
  (the target is writing the same block), or at a random instant; several times.

**Attacks** by an outsider (the target is node 1; :mod:`zkpot.chain.attacks`):

- ``flood-contributions``: contributions of the current round signed by keys the
  genesis does not register, or claiming a registered participant with a signature
  that does not verify, each with a 4 KB proof;
- ``flood-next-round``: contributions of the *next* round (1 MiB each), and distinct
  junk frames of 1 MiB;
- ``flood-sync``: ``sync`` requests for the blocks from height 1;
- ``flood-peer-port``: many connections that each send a frame's header and half its
  body and then hold on, and connections that send garbage bytes;
- ``flood-http``: ``/blocks/<20 digits>``, ``/contributions/<20 digits>``,
  ``/blocks?since=<20 digits>``, a 100 KB query string, and many concurrent ``/blocks``
  readers.

Every flood is bounded in count and time (:class:`Caps`: at most so many messages or
connections, paced over ``flood_s`` seconds, and a scenario ends after ``scenario_s``
seconds at the latest).

**Metrics** (one :class:`Result` per scenario):

- ``blocks_final``: blocks finalized during the scenario (the growth of the network's
  head: the highest height any node reports);
- ``heights_lost``: heights a node once reported final (by ``/status`` or in its store)
  that its store no longer holds, counted per node (a final block must survive a kill);
- ``forks``: heights at which two nodes' stores hold different blocks;
- ``rss_before_mb``, ``rss_after_mb``: the target's resident memory (``VmRSS``) before the
  attack, and its peak (``VmHWM``, reset when the attack starts) up to the attack's end;
- ``outsider_disk_bytes``: bytes of the contribution rows that appeared in any node's
  store during the scenario and that the attacker put there — a contribution the
  attacker sent, or one by a participant the genesis does not register;
- ``catch_up_s``: seconds from a killed node's new start until its height is the
  others' (the slowest of its restarts; ``None`` when nothing was killed);
- ``stop_s``: seconds from SIGTERM to exit of the target at the scenario's end (of every
  node, after the last scenario); ``None`` if it did not exit within 30 s;
- ``ok``: heights_lost, forks and outsider_disk_bytes all 0, stop_s ≤ :data:`STOP_S`,
  blocks_final ≥ 1, no node exited unasked, a killed node caught up, a flood's target
  grew by less than :data:`RSS_GROWTH_MB`, and every HTTP request was answered.
  ``detail["failed"]`` says which of these did not hold.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zkpot.chain import attacks, devnet
from zkpot.chain.encoding import MAX_MESSAGE_BYTES
from zkpot.chain.federation import DEMO_SPEC
from zkpot.chain.node import envelope

CHAOS_SPEC = dataclasses.replace(DEMO_SPEC, sizes=(4, 2, 3), log2_batch=1, test_rows=2,
                                 log2_weight_bound=None)  # fmt: skip
"""The tests' tiny task: a 4-2-3 network, one step of two rows, two test rows."""

STOP_S = 10.0
"""A node must exit within this many seconds of SIGTERM."""

RSS_GROWTH_MB = 64.0
"""A flood may grow its target's resident memory by less than this."""


@dataclass(frozen=True)
class Caps:
    """How much each scenario may do, and for how long (see the module docstring)."""

    window: float = 4.0  # the contribution window, seconds
    kills: int = 2  # kill-writing's kills
    contributions: int = 96  # outsider contributions of the current round
    next_round: int = 64  # next-round contributions, and as many junk frames (1 MiB each)
    syncs: int = 300  # sync requests
    half_frames: int = 160  # connections holding half a frame
    half_frame_bytes: int = 768 << 10  # the part of the body each sends
    garbage: int = 16  # connections sending garbage bytes
    readers: int = 24  # concurrent /blocks readers
    flood_s: float = 10.0  # a flood is paced over this many seconds
    scenario_s: float = 75.0  # a scenario ends after this many seconds at the latest
    catch_up_s: float = 60.0  # a restarted node must catch up within this


QUICK = Caps()
FULL = Caps(kills=6, contributions=400, next_round=400, syncs=2000, half_frames=800,
            garbage=100, readers=200, flood_s=40.0, scenario_s=240.0)  # fmt: skip


@dataclass
class Result:
    """One scenario's line of the report (see the module docstring)."""

    name: str
    target: int
    blocks_final: int = 0
    heights_lost: int = 0
    forks: int = 0
    rss_before_mb: float | None = None
    rss_after_mb: float | None = None
    outsider_disk_bytes: int = 0
    catch_up_s: float | None = None
    stop_s: float | None = None
    ok: bool = False
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# -- metrics ---------------------------------------------------------------------------


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a node's store (it may be running: WAL lets it write)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10.0)


def read_chain(path: Path) -> dict[int, str]:
    """A store's final blocks: height → block hash (empty for a missing file)."""
    if not Path(path).exists():
        return {}
    with _read_only(path) as db:
        return dict(db.execute("SELECT height, hash FROM blocks").fetchall())


def forks(chains: Sequence[Mapping[int, str]]) -> set[int]:
    """The heights at which two of the chains hold different blocks."""
    heights = {h for chain in chains for h in chain}
    return {h for h in heights if len({chain[h] for chain in chains if h in chain}) > 1}


def lost(seen: Mapping[int, int], chains: Mapping[int, Mapping[int, str]]) -> set[tuple[int, int]]:
    """(node, height) for each height up to the highest that node was seen at which its
    chain lacks."""
    return {(i, h) for i, top in seen.items() for h in range(1, top + 1)
            if h not in chains.get(i, {})}  # fmt: skip


def outsider_rows(path: Path, registered: Collection[str], sent: Collection[str]) -> dict[str, int]:
    """The contribution rows of a store that an outsider put there — those whose hash is
    among ``sent`` or whose participant is not ``registered`` (lowercase hex) — each
    hash with the row's bytes."""
    if not Path(path).exists():
        return {}
    with _read_only(path) as db:
        rows = db.execute("SELECT hash, participant, length(hash) + length(participant) + "
                          "length(json) + coalesce(length(reason), 0) + 8 "
                          "FROM contributions").fetchall()  # fmt: skip
    return {key: size for key, who, size in rows if key in sent or who not in registered}


# -- the devnet under test -------------------------------------------------------------


class Cluster:
    """The devnet's node processes, each watched by a thread that polls its ``/status``
    (:attr:`last`, and :attr:`seen`: the highest height it reported)."""

    def __init__(self, directory: Path, members: Sequence[int], base_port: int,
                 window: float) -> None:  # fmt: skip
        self.directory, self.members, self.base_port = directory, list(members), base_port
        self.commands = {i: devnet.node_command(directory, i, members, base_port=base_port,
                                                window=window) for i in members}  # fmt: skip
        self.processes: dict[int, subprocess.Popen[bytes]] = {}
        self.last: dict[int, dict[str, Any]] = {}
        self.seen = dict.fromkeys(members, 0)
        self.generation = dict.fromkeys(members, 0)  # a status of an old process is dropped
        self.closing = threading.Event()
        for i in members:
            threading.Thread(target=self._watch, args=(i,), daemon=True).start()

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{devnet.ports(self.base_port, i)[1]}"

    def peer(self, i: int) -> tuple[str, int]:
        return "127.0.0.1", devnet.ports(self.base_port, i)[0]

    def store(self, i: int) -> Path:
        return self.directory / f"node-{i}.sqlite"

    def _watch(self, i: int) -> None:
        while not self.closing.is_set():
            generation = self.generation[i]
            status = devnet.get(f"{self.url(i)}/status", timeout=2.0)
            if generation != self.generation[i]:
                continue
            if isinstance(status, dict) and isinstance(status.get("height"), int):
                self.last[i] = status
                self.seen[i] = max(self.seen[i], status["height"])
            time.sleep(0.1)

    def _forget(self, i: int) -> None:
        self.generation[i] += 1
        self.last.pop(i, None)

    def start(self, i: int) -> None:
        self._forget(i)
        self.processes[i] = devnet.start_node(self.directory, i, self.commands[i])

    def kill(self, i: int) -> None:
        """kill -9."""
        self.processes[i].kill()
        self.processes[i].wait()
        self._forget(i)

    def stop(self, i: int) -> float | None:
        """SIGTERM; the seconds to exit (``None``: not within 30 s, then killed)."""
        seconds = devnet.stop_node(self.processes[i])
        self._forget(i)
        return seconds

    def exited(self) -> list[int]:
        return [i for i, p in self.processes.items() if p.poll() is not None]

    def height(self, i: int) -> int | None:
        return self.last.get(i, {}).get("height")

    def head(self) -> int:
        return max([0, *(s["height"] for s in list(self.last.values()))])

    def caught_up(self, i: int) -> bool:
        """Whether node i answers and is at the height of the highest of the others."""
        mine = self.height(i)
        return mine is not None and all(mine >= (self.height(o) or 0) for o in self.members)

    def rss_mb(self, i: int, key: str = "VmRSS") -> float | None:
        """A line of ``/proc/PID/status`` in MB (``VmHWM``: the peak since the last reset)."""
        try:
            text = Path(f"/proc/{self.processes[i].pid}/status").read_text()
        except OSError:
            return None
        for line in text.splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def reset_peak(self, i: int) -> None:
        """Reset ``VmHWM`` to the current RSS (``clear_refs``; harmless where refused)."""
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.processes[i].pid}/clear_refs").write_text("5")

    def close(self) -> float | None:
        """Stop every node (SIGTERM to all, then wait): the slowest's seconds."""
        self.closing.set()
        for p in self.processes.values():
            if p.poll() is None:
                p.terminate()
        times = [devnet.stop_node(p, send=False) for p in self.processes.values()]
        return None if None in times else max([0.0, *times])  # type: ignore[type-var]


def wait_until(done: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    """Poll ``done`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


# -- the scenarios ---------------------------------------------------------------------


@dataclass
class Context:
    """What a scenario works with, and what it records."""

    cluster: Cluster
    caps: Caps
    target: int
    registered: list[bytes]  # the genesis's participants' keys
    sent: set[str]  # hashes of the contributions the attacker sent (every scenario's)
    rng: random.Random
    seed: int
    say: Callable[[str], None]
    stop: threading.Event = field(default_factory=threading.Event)
    detail: dict[str, Any] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    catch_up: list[float] = field(default_factory=list)
    held: list[Any] = field(default_factory=list)  # sockets the attack holds open


def _round_opens(ctx: Context) -> float | None:
    """Wait for the target's next round to open (its height grows): when, or ``None``."""
    c, t = ctx.cluster, ctx.target
    start = c.height(t) or 0
    if wait_until(lambda: (c.height(t) or 0) > start or ctx.stop.is_set(), ctx.caps.scenario_s):
        return None if ctx.stop.is_set() else time.monotonic()
    ctx.failed.append("the target's round did not open")
    return None


def _kill_and_restart(ctx: Context, when: str) -> None:
    """kill -9 the target, start it again at once, and time its catch-up."""
    c, t = ctx.cluster, ctx.target
    if ctx.stop.is_set():  # the scenario's time is up: no kill while it is measured
        return
    ctx.say(f"  kill -9 node {t} {when}")
    c.kill(t)
    ctx.detail.setdefault("kills", []).append(when)
    start = time.monotonic()
    c.start(t)
    if not wait_until(lambda: c.caught_up(t), ctx.caps.catch_up_s):
        ctx.failed.append(f"node {t} did not catch up within {ctx.caps.catch_up_s:.0f} s")
    ctx.catch_up.append(round(time.monotonic() - start, 2))


def kill_proving(ctx: Context) -> None:
    """kill -9 half a second after the target's round opens: it is proving."""
    if _round_opens(ctx) is not None:
        time.sleep(0.5)
        _kill_and_restart(ctx, "0.5 s after its round opened (proving)")


def kill_voting(ctx: Context) -> None:
    """kill -9 just after the contribution window closes: the round's votes."""
    opened = _round_opens(ctx)
    if opened is not None:
        time.sleep(max(0.0, opened + ctx.caps.window + 0.3 - time.monotonic()))
        _kill_and_restart(ctx, "0.3 s after the contribution window closed (voting)")


def kill_writing(ctx: Context) -> None:
    """kill -9, ``caps.kills`` times: as another node reports a new final block (the
    target writes the same block then), and at random instants, in turn."""
    c, t = ctx.cluster, ctx.target
    others = [o for o in c.members if o != t]
    for k in range(ctx.caps.kills):
        if ctx.stop.is_set():
            return
        if k % 2:
            delay = ctx.rng.uniform(0, ctx.caps.window + 4)
            time.sleep(delay)
            _kill_and_restart(ctx, f"at a random instant ({delay:.1f} s)")
            continue
        top = max(c.height(o) or 0 for o in others)
        if wait_until(lambda top=top: any((c.height(o) or 0) > top for o in others),
                      ctx.caps.scenario_s, 0.02):  # fmt: skip
            _kill_and_restart(ctx, f"as block {top + 1} became final (writing)")


def _pace(ctx: Context, count: int, send: Callable[[int], None]) -> None:
    """``send(k)`` for k < count, spread evenly over ``caps.flood_s`` seconds."""
    start = time.monotonic()
    for k in range(count):
        if ctx.stop.is_set():
            return
        time.sleep(max(0.0, start + k * ctx.caps.flood_s / count - time.monotonic()))
        send(k)


def _flood(ctx: Context, count: int, message: Callable[[int], bytes]) -> None:
    """Send ``message(k)`` for k < count on one connection to the target's peer port."""
    connection = attacks.Connection(ctx.cluster.peer(ctx.target))
    try:
        _pace(ctx, count, lambda k: connection.send(message(k)))
    finally:
        connection.close()
    ctx.detail.update(frames_sent=connection.sent, frames_refused=connection.failed,
                      dials=connection.dials)  # fmt: skip


def _round(ctx: Context) -> int:
    return int(ctx.cluster.last.get(ctx.target, {}).get("round", 1))


def _contribution_frame(ctx: Context, contribution: Any) -> bytes:
    ctx.sent.add(contribution.hash.hex())
    return envelope("contribution", contribution.to_json())


def flood_contributions(ctx: Context) -> None:
    """Outsider contributions of the current round, 4 KB proofs."""

    def message(k: int) -> bytes:
        c = attacks.outsider_contribution(_round(ctx), ctx.registered, k, ctx.seed, ctx.rng)
        return _contribution_frame(ctx, c)

    _flood(ctx, ctx.caps.contributions, message)


def flood_next_round(ctx: Context) -> None:
    """Next-round contributions and distinct junk frames, 1 MiB each, in turn."""

    def message(k: int) -> bytes:
        if k % 2:
            return attacks.junk(ctx.rng, MAX_MESSAGE_BYTES - 1024)
        c = attacks.next_round_contribution(_round(ctx) + 1, ctx.seed, ctx.rng)
        # (not hashed: Keccak of 1 MiB takes seconds here too; its key is no participant's,
        # so a row of it would count as the outsider's all the same)
        return envelope("contribution", c.to_json())

    _flood(ctx, 2 * ctx.caps.next_round, message)


def flood_sync(ctx: Context) -> None:
    """``sync`` requests for every block from height 1."""
    _flood(ctx, ctx.caps.syncs, lambda _: attacks.sync(1))


def flood_peer_port(ctx: Context) -> None:
    """Connections holding half a frame, and connections of garbage, held to the end."""
    address, opened, refused = ctx.cluster.peer(ctx.target), 0, 0

    def open_one(k: int) -> None:
        nonlocal opened, refused
        try:
            if k < ctx.caps.half_frames:
                ctx.held.append(attacks.half_frame(address, ctx.caps.half_frame_bytes))
            else:
                ctx.held.append(attacks.garbage(address, 64 << 10, ctx.rng))
            opened += 1
        except OSError:
            refused += 1

    _pace(ctx, ctx.caps.half_frames + ctx.caps.garbage, open_one)
    ctx.detail.update(connections_opened=opened, connections_refused=refused)


def flood_http(ctx: Context) -> None:
    """Odd requests (each must get a 4xx answer) and many concurrent ``/blocks`` readers
    (each must get its 200 within ``caps.catch_up_s``)."""
    url, digits = ctx.cluster.url(ctx.target), "9" * 20
    odd = {"/blocks/<20 digits>": f"/blocks/{digits}",
           "/contributions/<20 digits>": f"/contributions/{digits}",
           "/blocks?since=<20 digits>": f"/blocks?since={digits}",
           "100 KB query string": "/blocks?" + "x=y&" * 25_600}  # fmt: skip
    with ThreadPoolExecutor(len(odd) + ctx.caps.readers) as pool:
        asked = {name: pool.submit(attacks.http_get, url + p, 15.0) for name, p in odd.items()}
        readers = [pool.submit(attacks.http_get, url + "/blocks", ctx.caps.catch_up_s)
                   for _ in range(ctx.caps.readers)]  # fmt: skip
        answers = {name: future.result() for name, future in asked.items()}
        read = [future.result() for future in readers]
    ctx.detail["answers"] = {name: status for name, (status, _) in answers.items()}
    for name, (status, _) in answers.items():
        if status is None or not 400 <= status < 500:
            ctx.failed.append(f"GET {name}: {status or 'no answer'} (a 4xx expected)")
    served = [seconds for status, seconds in read if status == 200]
    ctx.detail.update(readers_served=len(served), slowest_reader_s=round(max(served, default=0), 2))
    if len(served) < len(read):
        ctx.failed.append(f"{len(read) - len(served)} of {len(read)} /blocks readers unanswered")


SCENARIOS: list[tuple[str, Callable[[Context], None], bool]] = [
    ("kill-proving", kill_proving, True),
    ("kill-voting", kill_voting, True),
    ("kill-writing", kill_writing, True),
    ("flood-contributions", flood_contributions, False),
    ("flood-next-round", flood_next_round, False),
    ("flood-sync", flood_sync, False),
    ("flood-peer-port", flood_peer_port, False),
    ("flood-http", flood_http, False),
]
"""(name, attack, whether it is a fault): a fault targets the last node, an attack node 1."""


# -- running the suite -----------------------------------------------------------------


Stores = tuple[set[int], set[tuple[int, int]], dict[tuple[int, str], int]]


def _stores(ctx: Context) -> Stores:
    """Every store, read: the forked heights, the lost (node, height)s, and the outsider's
    rows (node, hash) → bytes. Heights a store holds count as seen at that node."""
    c = ctx.cluster
    registered = {key.hex() for key in ctx.registered}
    chains = {i: read_chain(c.store(i)) for i in c.members}
    for i, chain in chains.items():
        c.seen[i] = max(c.seen[i], *chain.keys(), 0)
    rows = {(i, key): size for i in c.members
            for key, size in outsider_rows(c.store(i), registered, ctx.sent).items()}  # fmt: skip
    return forks(list(chains.values())), lost(c.seen, chains), rows


def measure(ctx: Context, name: str, attack: Callable[[Context], None], last: bool) -> Result:
    """Run one scenario and measure it (see the module docstring): the attack runs on a
    thread until it is done, a block is final and the target has caught up, or
    ``caps.scenario_s`` has passed; then the target (after the ``last`` scenario, every
    node) is stopped, the stores read, and the target started again."""
    c, t, caps = ctx.cluster, ctx.target, ctx.caps
    result = Result(name, t, rss_before_mb=c.rss_mb(t))
    before, head = _stores(ctx), c.head()
    c.reset_peak(t)
    thread = threading.Thread(target=attack, args=(ctx,), daemon=True)
    thread.start()
    finished = wait_until(lambda: not thread.is_alive() and c.head() > head and c.caught_up(t),
                          caps.scenario_s, step=0.2)  # fmt: skip
    ctx.stop.set()
    thread.join(60)
    if not finished:
        ctx.failed.append(f"the scenario did not settle within {caps.scenario_s:.0f} s")
    result.rss_after_mb = c.rss_mb(t, "VmHWM")
    result.blocks_final = c.head() - head
    for i in c.exited():
        ctx.failed.append(f"node {i} exited with status {c.processes[i].returncode}")
    result.stop_s = c.close() if last else c.stop(t)
    for sock in ctx.held:
        sock.close()
    forked, gone, rows = _stores(ctx)
    result.forks, result.heights_lost = len(forked - before[0]), len(gone - before[1])
    result.outsider_disk_bytes = sum(size for key, size in rows.items() if key not in before[2])
    result.catch_up_s = max(ctx.catch_up, default=None)
    if not last:
        for i in {t, *c.exited()}:
            c.start(i)
        wait_until(lambda: c.caught_up(t), caps.catch_up_s)
    result.detail = {**ctx.detail, "failed": ctx.failed + _judge(result, attack)}
    result.ok = not result.detail["failed"]
    return result


def _judge(r: Result, attack: Callable[[Context], None]) -> list[str]:
    """The criteria of ``ok`` that ``r``'s figures do not meet."""
    figures = {"heights_lost": r.heights_lost, "forks": r.forks,
               "outsider_disk_bytes": r.outsider_disk_bytes}  # fmt: skip
    failed = [f"{name} {value} (0 expected)" for name, value in figures.items() if value]
    if r.stop_s is None or r.stop_s > STOP_S:
        failed.append(f"stop_s {r.stop_s} (at most {STOP_S:.0f} s)")
    if r.blocks_final < 1:
        failed.append("no block became final")
    is_fault = any(a is attack and fault for _, a, fault in SCENARIOS)
    if is_fault and r.catch_up_s is None:
        failed.append("nothing was killed")
    grown = (r.rss_after_mb or 0) - (r.rss_before_mb or 0)
    if not is_fault and grown >= RSS_GROWTH_MB:
        failed.append(f"RSS grew by {grown:.0f} MB (less than {RSS_GROWTH_MB:.0f} allowed)")
    return failed


def run(directory: Path, *, nodes: int = 4, base_port: int = 26100, quick: bool = True,
        seed: int = 0, say: Callable[[str], None] | None = None) -> list[Result]:  # fmt: skip
    """Set up a devnet in ``directory`` and run every scenario of :data:`SCENARIOS` on it;
    one :class:`Result` per scenario. A scenario that cannot run (its devnet never
    finalized a block, say) is reported as failed, with the reason: the suite reports,
    it does not crash."""
    from zkpot.chain import federation as fed

    say = say or (lambda _: None)
    caps = QUICK if quick else FULL
    federation = fed.build(nodes, seed=seed, spec=CHAOS_SPEC, cache_dir=directory / "keys",
                           progress=say)  # fmt: skip
    devnet.write(directory, federation)
    members = [m.index for m in federation.members]
    cluster = Cluster(directory, members, base_port, caps.window)
    registered = [p.public_key for p in federation.genesis.participants]
    rng, sent, results = random.Random(seed), set[str](), []
    try:
        for i in members:
            cluster.start(i)
        say(f"started {nodes} nodes in {directory}; waiting for the first final block")
        warm = wait_until(lambda: all((cluster.height(i) or 0) >= 1 for i in members), 300)
        for k, (name, attack, fault) in enumerate(SCENARIOS):
            target = members[-1] if fault else members[0]
            say(f"{name} (node {target}): {' '.join((attack.__doc__ or '').split())[:72]}")
            ctx = Context(cluster, caps, target, registered, sent, rng, seed, say)
            try:
                if not warm:
                    raise RuntimeError("the devnet did not finalize its first block in 300 s")
                result = measure(ctx, name, attack, last=k == len(SCENARIOS) - 1)
            except Exception as error:  # reported as the scenario's failure
                result = Result(name, target, detail={"failed": [f"{type(error).__name__}: "
                                                                 f"{error}"]})  # fmt: skip
            results.append(result)
            why = "; ".join(result.detail["failed"]) or f"{result.blocks_final} blocks final"
            say(f"  {'ok' if result.ok else 'FAILED'}: {why}")
    finally:
        cluster.close()
    return results


__all__ = ["CHAOS_SPEC", "FULL", "QUICK", "RSS_GROWTH_MB", "SCENARIOS", "STOP_S", "Caps",
           "Cluster", "Result", "forks", "lost", "measure", "outsider_rows", "read_chain",
           "run"]  # fmt: skip
