"""The chain's commands: ``zkpot simulate`` (the simulator, with a JSON report), ``zkpot node``
(one node over TCP, with an HTTP API) and ``zkpot devnet`` (N node processes on localhost)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from zkpot.errors import ZkpotError


def _behaviours(text: str) -> list[str]:
    from zkpot.chain.byzantine import BEHAVIOURS, parse_behaviour

    names = [name.strip() for name in text.split(",") if name.strip()]
    try:
        for name in names or [text]:
            parse_behaviour(name)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"behaviours from {', '.join(BEHAVIOURS)}, separated by commas (a+b: one per "
            f"round, in turn); got {text!r}"
        ) from None
    return names


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a probability in [0, 1), got {value}")
    return value


def add_parsers(commands: Any) -> list[argparse.ArgumentParser]:
    """Add ``simulate`` to ``zkpot``'s subparsers; returns it."""
    from zkpot.chain.federation import DEMO_SPEC, PARTICIPANT_BEHAVIOURS
    from zkpot.cli import add_workers_option, non_negative_int
    from zkpot.cli.training import _positive, add_spec_options

    simulate = commands.add_parser(
        "simulate",
        help="the ZKPoT chain on a simulated network: rounds, verdicts, leaders, a JSON report",
        description="N participants on Iris, each also a validator, the last K of them "
        "Byzantine, run R rounds on the deterministic simulator (the ceremony at genesis, "
        "proofs made in parallel). Prints a table per round; --report writes the rounds "
        "as JSON. Progress goes to standard error.",
    )
    simulate.add_argument("--participants", type=_positive, default=4, metavar="N",
                          help="participants, each also a validator (4)")  # fmt: skip
    simulate.add_argument("--byzantine", type=non_negative_int, default=1, metavar="K",
                          help="how many of them are Byzantine (1)")  # fmt: skip
    simulate.add_argument("--behaviours", type=_behaviours, metavar="B,…",
                          help="what the Byzantine ones do, in turn (default: "
                          + ",".join(PARTICIPANT_BEHAVIOURS) + ")")  # fmt: skip
    simulate.add_argument("--rounds", type=_positive, default=3, metavar="R", help="rounds (3)")
    simulate.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                          help="seeds the data split, the keys and the network (0)")  # fmt: skip
    simulate.add_argument("--loss", type=_probability, default=0.0, metavar="P",
                          help="the probability that a message copy is lost (0)")  # fmt: skip
    simulate.add_argument("--rule", choices=("average", "winner"), default="winner",
                          help="average: the verified contributions are averaged from masked "
                          "models (private aggregation); winner: the best one's model is "
                          "revealed and becomes the global model")  # fmt: skip
    add_workers_option(simulate)
    simulate.add_argument("--report", metavar="FILE", help="write the rounds as JSON here")
    node = commands.add_parser(
        "node",
        help="run one chain node over TCP, with an HTTP JSON API",
        description="Run one ZKPoT node as this process: it dials its peers, takes part in "
        "the rounds (as participant and/or validator, by its identity file), keeps its chain "
        "in SQLite, and answers GET /status, /blocks, /blocks/H, /contributions/R on --http. "
        "SIGTERM or Ctrl-C stops it cleanly.",
    )
    node.add_argument("--genesis", required=True, metavar="FILE", help="the genesis (JSON)")
    node.add_argument("--test-set", required=True, metavar="FILE",
                      help="the opening of the genesis's test set (JSON)")  # fmt: skip
    node.add_argument("--srs", required=True, metavar="FILE", help="the ceremony's SRS (JSON)")
    node.add_argument("--identity", required=True, metavar="FILE",
                      help="this node's keys and data (JSON; secret)")  # fmt: skip
    node.add_argument("--store", required=True, metavar="FILE", help="its SQLite file")
    node.add_argument("--listen", required=True, type=_address, metavar="HOST:PORT",
                      help="where peers reach it")  # fmt: skip
    node.add_argument("--peer", type=_address, action="append", default=[], metavar="HOST:PORT",
                      help="a peer to dial (repeat for each)")  # fmt: skip
    node.add_argument("--http", type=_address, metavar="HOST:PORT", help="serve the API here")
    node.add_argument("--keys", metavar="DIR", help="the key cache (zkpot's default cache)")
    node.add_argument("--window", type=_seconds, default=30.0, metavar="SECONDS",
                      help="the contribution window of a round (30)")  # fmt: skip
    devnet = commands.add_parser(
        "devnet",
        help="N node processes on localhost: R rounds, a table per round, then stop",
        description="Set up a federation (the ceremony at genesis), start one `zkpot node` "
        "process per member on localhost, print each round as it becomes final, and stop "
        "the nodes cleanly: after R rounds, or on SIGTERM or Ctrl-C (then it exits with "
        "status 143 or 130).",
    )
    devnet.add_argument("--nodes", type=_positive, default=4, metavar="N", help="nodes (4)")
    devnet.add_argument("--rounds", type=_positive, default=3, metavar="R", help="rounds (3)")
    devnet.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                        help="seeds the data split and the keys (0)")  # fmt: skip
    devnet.add_argument("--dir", metavar="DIR", help="files, stores, logs (default: a temp dir)")
    devnet.add_argument("--base-port", type=_positive, default=27100, metavar="P",
                        help="node I uses ports P + 2I (peers) and P + 2I + 1 (HTTP)")  # fmt: skip
    devnet.add_argument("--window", type=_seconds, default=30.0, metavar="SECONDS",
                        help="the contribution window of a round (30)")  # fmt: skip
    for command in (simulate, devnet):
        add_spec_options(command, DEMO_SPEC)
    chaos = commands.add_parser(
        "chaos",
        help="kill -9 and flood real node processes on loopback; a JSON report",
        description="Start a devnet of N nodes (a tiny task: a proof in seconds) and run the "
        "fault-and-attack scenarios on it: kill -9 while a node proves, votes and writes, "
        "then restart it; floods of outsider contributions, next-round and junk frames, sync "
        "requests, half frames on the peer port and odd HTTP requests, each bounded in count "
        'and time. Writes {"scenarios": [...]} to --report, one entry per scenario '
        "(blocks_final, heights_lost, forks, rss_before_mb, rss_after_mb, "
        "outsider_disk_bytes, catch_up_s, stop_s, ok, and what failed); exits 0 if every "
        "scenario is ok, 1 otherwise. Progress goes to standard "
        "error.",
    )
    chaos.add_argument("--quick", action="store_true",
                       help="fewer, smaller floods: about 2 minutes (what CI runs)")  # fmt: skip
    chaos.add_argument("--report", required=True, metavar="FILE", help="write the JSON here")
    chaos.add_argument("--dir", metavar="DIR", help="files, stores, logs (default: a temp dir)")
    chaos.add_argument("--base-port", type=_port_below_ephemeral, default=26100, metavar="P",
                       help="node I uses ports P + 2I and P + 2I + 1 (26100)")  # fmt: skip
    chaos.add_argument("--nodes", type=_positive, default=4, metavar="N",
                       help="nodes (4: one may be down and the others still finalize)")  # fmt: skip
    chaos.add_argument("--seed", type=non_negative_int, default=0, metavar="S",
                       help="seeds the keys, the data and the attacker (0)")  # fmt: skip
    experiment = commands.add_parser(
        "experiment",
        help="rerun the ZKPoT paper's claims as experiments: JSON numbers and PNG figures",
        description="byzantine: federated averaging, claim-based leaders, learning-based "
        "consensus, ZKPoT's winner rule (zkpot) and ZKPoT's private averaging (zkpot-avg) "
        "under five attacks, 0/25/50 % of participants Byzantine, on Iris and Wine, over "
        "several seeds, every participant training as the default statement proves (its "
        "steps, batch and learning rate); writes byzantine.json (with the averaging's goals), "
        "byzantine-goals.txt and byzantine-final.txt (Markdown tables), one figure per "
        "dataset and byzantine-averaging.png. "
        "privacy: rows reconstructed from a published update by batch size and from what "
        "each rule publishes (the winner's model, or the average of the included models), "
        "and membership inference on what learning-based consensus, the winner rule and the "
        "average publish; writes privacy.json. "
        "costs: proving and verifying time and bytes per round for 4, 8 and 16 participants, "
        "beside learning-based consensus and an accuracy-only statement, and how they grow; "
        "writes costs.json.",
    )
    experiment.add_argument("which", choices=("byzantine", "privacy", "costs"),
                            help="the experiment")  # fmt: skip
    experiment.add_argument("--quick", action="store_true",
                            help="a short run: seconds modelled (what the tests run); for "
                            "byzantine, Iris only, 4 participants, a 4-4-3 network on 12 "
                            "test rows: --proofs real in under 30 minutes on 2 cores")  # fmt: skip
    experiment.add_argument("--seeds", type=_positive, help="seeds (5; 1 with --quick)")
    experiment.add_argument("--rounds", type=_positive,
                            help="rounds (20; 4 with --quick; the averaging's ceiling goal "
                            "needs 100)")  # fmt: skip
    experiment.add_argument("--out", required=True, metavar="DIR", help="where to write")
    experiment.add_argument("--proofs", choices=("modelled", "real"), default="modelled",
                            help="byzantine and privacy: a ZKPoT contribution counts when "
                            "its statement is true (modelled, the default), or when the "
                            "chain's validator accepts its real proof (real: on Dask, "
                            "pip install 'zkpot[cluster]'; resumes from --out's "
                            "proofs.jsonl)")  # fmt: skip
    experiment.add_argument("--scheduler", metavar="ADDRESS",
                            help="with --proofs real: an existing Dask cluster's scheduler "
                            "(tcp://host:8786); by default a local cluster")  # fmt: skip
    experiment.add_argument("--workers", type=_positive, metavar="N",
                            help="with --proofs real: the local cluster's worker processes "
                            "(one per core)")  # fmt: skip
    experiment.add_argument("--keys", metavar="DIR",
                            help="with --proofs real: the local setup's and the keys' cache "
                            "(zkpot's default cache)")  # fmt: skip
    return [simulate, node, devnet, chaos, experiment]


def _address(text: str) -> tuple[str, int]:
    from zkpot.chain.network import parse_address

    try:
        return parse_address(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"expected 0 < seconds ≤ 3600, got {value}")
    return value


def _port_below_ephemeral(text: str) -> int:
    """A base port in 1024 … 32000: below Linux's ephemeral range (32768 and up), where
    the kernel picks the ports of outgoing connections, so none of them takes a node's."""
    if not text.isdigit() or not 1024 <= int(text) <= 32000:
        raise argparse.ArgumentTypeError(f"expected a port in 1024 … 32000, got {text!r}")
    return int(text)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def spec_of(args: argparse.Namespace) -> Any:
    """The task's spec from --layers, --batch, --steps and --test-rows (the demo's rate)."""
    from zkpot.chain.federation import DEMO_SPEC
    from zkpot.cli.training import _spec

    return _spec(args, DEMO_SPEC)


def simulate(args: argparse.Namespace) -> int:
    """``zkpot simulate``: run the rounds, print them, write the report."""
    from itertools import cycle, islice

    from zkpot.chain import federation as fed
    from zkpot.cli.progress import Bars

    if args.byzantine > args.participants:
        args.parser.error(f"argument --byzantine: {args.byzantine} of {args.participants}")
    spec = spec_of(args)
    if args.rule == "average":
        spec = fed.averaging(spec, args.participants)
    report = Path(args.report) if args.report else None
    if report is not None and not report.parent.is_dir():
        args.parser.error(f"argument --report: no directory {report.parent}")
    behaviours = list(islice(cycle(args.behaviours or fed.PARTICIPANT_BEHAVIOURS), args.byzantine))
    bars = Bars()  # the ceremony's, the keys' and each round's proofs', on standard error
    try:
        with bars:
            federation = fed.build(args.participants, seed=args.seed, spec=spec,
                                   byzantine=behaviours, progress=bars)  # fmt: skip
    except ZkpotError as error:
        args.parser.error(str(error))
    cheats = {m.index: m.behaviour for m in federation.members}

    def on_round(r: fed.RoundReport) -> None:
        lead = (f"leader {federation.name(r.leader)} ({r.leader_accuracy}/{spec.test_rows})"
                if r.leader else "empty block, no leader")  # fmt: skip
        print(f"round {r.round}: block {r.block[:16]}…, {lead}, global model "
              f"{r.global_accuracy}/{spec.test_rows}")  # fmt: skip
        sat_out = [(federation.label(index), why) for index, why in r.sat_out]
        rows = [(federation.label(v.participant)
                 + (f" ({cheats[v.participant]})" if v.byzantine else ""), v)
                for v in r.contributions]  # fmt: skip
        width = max((len(who) for who, _ in [*sat_out, *rows]), default=0)
        for who, why in sat_out:  # (a reason on a line of its own: 80 columns)
            print(f"  {who:<{width}}  sat out:\n      {why[:74]}")
        for who, v in rows:
            print(*verdict_lines(who, width, v.claimed_accuracy, spec.test_rows, v.reason),
                  sep="\n")  # fmt: skip
        if r.averaged is not None:
            names = ", ".join(federation.name(i) for i in r.averaged) or "nobody"
            print(f"  averaged: {names}")
            for index, why in r.left_out:
                print(f"  {federation.name(index)} left out: {why[:64]}")
        sys.stdout.flush()

    prover = fed.ParallelProver(federation, workers=args.workers or None, progress=bars)
    try:
        with bars:
            rounds = fed.run(federation, args.rounds, seed=args.seed, loss=args.loss,
                             prover=prover, on_round=on_round)  # fmt: skip
    except ZkpotError as error:
        print(f"zkpot simulate: {error}", file=sys.stderr)
        return 1
    finally:
        prover.close()
    if report is not None:
        document = {"rounds": [r.to_json() for r in rounds]}
        report.write_text(json.dumps(document, indent=1) + "\n")
        _say(f"wrote {report}")
    return 0


def node(args: argparse.Namespace) -> int:
    """``zkpot node``: load the files, then serve until SIGTERM or Ctrl-C."""
    import asyncio
    import signal
    import time

    from zkpot.chain import devnet
    from zkpot.chain.network import NetworkNode
    from zkpot.chain.node import Node, Timing
    from zkpot.chain.store import ChainStore, StoreError
    from zkpot.cli.progress import Bars
    from zkpot.cli.training import default_cache
    from zkpot.ml.contribution import setup

    try:
        genesis = devnet.read_genesis(Path(args.genesis), Path(args.test_set))
        srs = devnet.read_srs(Path(args.srs), genesis)
        validator, role = devnet.read_identity(Path(args.identity), genesis.spec)
        store = ChainStore(args.store)
    except (OSError, ZkpotError, ValueError, StoreError) as error:
        print(f"zkpot node: {error}", file=sys.stderr)
        return 2

    def log(line: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {line}", flush=True)

    with Bars(log) as bars:  # a bar on standard error, if it is a terminal
        keys = setup(genesis.spec, srs, progress=bars,
                     cache_dir=Path(args.keys) if args.keys else default_cache())  # fmt: skip
    try:
        chain = Node(genesis, keys, store, validator=validator, participant=role,
                     timing=Timing(contribute=args.window))  # fmt: skip
    except ZkpotError as error:
        print(f"zkpot node: {error}", file=sys.stderr)
        return 2
    network = NetworkNode(chain, args.listen, args.peer, args.http, log=log)

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, network.stop)
        await network.run()

    asyncio.run(serve())
    return 0


def devnet(args: argparse.Namespace) -> int:
    """``zkpot devnet``: N node processes, R rounds, a table per round, then stop them."""
    import tempfile

    from zkpot.chain import devnet as net
    from zkpot.chain import federation as fed
    from zkpot.cli.progress import Bars

    spec = spec_of(args)
    directory = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="zkpot-devnet-"))
    with Bars() as bars:  # the ceremony's and the keys', on standard error
        federation = fed.build(args.nodes, seed=args.seed, spec=spec, progress=bars,
                               cache_dir=directory / "keys")  # fmt: skip

    def on_round(height: int, block: dict[str, Any], contributions: list[dict[str, Any]]) -> None:
        for line in devnet_round(height, block, contributions, args.nodes, spec.test_rows):
            print(line)
        sys.stdout.flush()

    try:
        net.run(directory, federation, args.rounds, base_port=args.base_port, window=args.window,
                on_round=on_round, say=_say, signals=True)  # fmt: skip
    except ZkpotError as error:
        print(f"zkpot devnet: {error}", file=sys.stderr)
        return 1
    except net.Stopped as stopped:  # the nodes are stopped; the shell's status for the signal
        print(f"zkpot devnet: {stopped} received: stopped the nodes (logs and stores in "
              f"{directory})", file=sys.stderr)  # fmt: skip
        return 128 + stopped.signum
    return 0


def verdict_lines(who: str, width: int, claimed: int, test_rows: int,
                  reason: str | None) -> list[str]:  # fmt: skip
    """A contribution in a round's table: who (its label, in a column ``width`` wide), what
    it claims, the verdict; a rejection's reason on a line of its own (so that every line
    fits 80 columns)."""
    line = f"  {who:<{width}}  claims {claimed}/{test_rows}  "
    return [line + "accepted"] if reason is None else [line + "rejected:", f"      {reason[:74]}"]


def devnet_round(height: int, block: dict[str, Any], contributions: list[dict[str, Any]],
                 validators: int, test_rows: int) -> list[str]:  # fmt: skip
    """``zkpot devnet``'s lines for a final round, from a node's API: its block (``/blocks/H``)
    and its contributions (``/contributions/H``), each participant by the label the API
    gives it — the one the watch page shows."""
    leader = block["proposer_name"] or block["proposer_label"] or "none (empty block)"
    signed = f"signed by {len(block['signers'])} of {validators} (view {block['view']})"
    width = max((len(c["label"]) for c in contributions), default=0)
    lines = [f"round {height}: block {block['hash'][:16]}…, leader {leader}, {signed}"]
    for c in contributions:
        lines += verdict_lines(c["label"], width, c["accuracy"], test_rows, c["reason"])
    return lines


def chaos(args: argparse.Namespace) -> int:
    """``zkpot chaos``: run the scenarios, write the report (always), print a line each."""
    import tempfile
    import time

    from zkpot.chain import chaos as suite

    report = Path(args.report)
    if not report.parent.is_dir():
        args.parser.error(f"argument --report: no directory {report.parent}")
    directory = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="zkpot-chaos-"))
    start, results, error = time.monotonic(), [], None
    try:
        results = suite.run(directory, nodes=args.nodes, base_port=args.base_port,
                            quick=args.quick, seed=args.seed, say=_say)  # fmt: skip
    except (ZkpotError, OSError) as failure:
        error = str(failure)
        print(f"zkpot chaos: {error}", file=sys.stderr)
    finally:
        document = {"scenarios": [r.to_json() for r in results], "quick": args.quick,
                    "nodes": args.nodes, "wall_s": round(time.monotonic() - start, 1),
                    "directory": str(directory), "error": error}  # fmt: skip
        report.write_text(json.dumps(document, indent=1) + "\n")

    def number(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    print(f"{'scenario':<19} {'':<6} {'blocks':>6} {'lost':>4} {'forks':>5} {'RSS MB':>11} "
          f"{'outsider':>8} {'catch-up':>8} {'stop':>5}")  # fmt: skip
    for r in results:  # (a line fits 80 columns; the report has every figure)
        rss = f"{number(r.rss_before_mb, 0)} → {number(r.rss_after_mb, 0)}"
        print(f"{r.name:<19} {'ok' if r.ok else 'FAILED':<6} {r.blocks_final:>6} "
              f"{r.heights_lost:>4} {r.forks:>5} {rss:>11} {r.outsider_disk_bytes:>8,} "
              f"{number(r.catch_up_s):>8} {number(r.stop_s):>5}")  # fmt: skip
    _say(f"wrote {report}")
    return 0 if results and error is None and all(r.ok for r in results) else 1


def experiment(args: argparse.Namespace) -> int:
    """``zkpot experiment byzantine|privacy|costs``: run it, write the JSON and the figures."""
    import importlib.util

    from zkpot.experiments import robustness

    out = Path(args.out)
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir():
        args.parser.error(f"argument --out: {existing} exists and is not a directory")
    if importlib.util.find_spec("matplotlib") is None:
        args.parser.error("the figures need matplotlib: pip install 'zkpot[plots]'")
    if args.proofs == "real" and args.which == "costs":
        args.parser.error("argument --proofs real: the costs experiment's proofs are real "
                          "already")  # fmt: skip
    if args.proofs == "modelled" and (args.scheduler or args.workers or args.keys):
        args.parser.error("--scheduler, --workers and --keys are for --proofs real")
    if args.proofs == "real" and importlib.util.find_spec("distributed") is None:
        args.parser.error("--proofs real runs on Dask: pip install 'zkpot[cluster]'")
    if args.which == "privacy":
        from zkpot.experiments import privacy

        if args.proofs == "real":
            grid, rounds = privacy.grid(args.quick), 3 if args.quick else 10
            total = (grid.seeds * grid.rounds + rounds) * 2 * grid.participants
            found = _real_proofs(args, out, grid, lambda v: privacy.experiment(
                quick=args.quick, verdicts=v), total)  # fmt: skip
        else:
            found = privacy.experiment(quick=args.quick)
        out.mkdir(parents=True, exist_ok=True)
        (out / "privacy.json").write_text(json.dumps(found, indent=1) + "\n")
        for path in [out / "privacy.json", *privacy.plot(found, out)]:
            print(f"wrote {path}")
        for row in found["reconstruction"]:
            print(f"  batch {row['batch']:>2}: {row['recovered']:.0%} of rows recovered to 1 %")
        for rule, row in found["reconstruction_by_rule"].items():
            print(f"  {rule:<9}: {row['recovered']:.0%} of {row['rows']} rows behind "
                  f"{row['models']} published models recovered to 1 %")  # fmt: skip
        m = found["membership"]
        print(f"  membership AUC: learning-based {m['learning']:.2f} "
              f"({m['learning_models_seen']} models seen), ZKPoT {m['zkpot']:.2f} "
              f"({m['zkpot_models_seen']} winners' models), private averaging "
              f"{m['zkpot-avg']:.2f} ({m['zkpot-avg_models_seen']} averages)")  # fmt: skip
        if args.proofs == "real":
            p = found["proofs"]
            print(f"real proofs: {p['judged']} contributions judged, {p['proved']} proofs "
                  f"made; verdicts that disagree with the modelled ones: "
                  f"{len(p['disagreements'])}")  # fmt: skip
            return 1 if p["disagreements"] else 0
        return 0
    if args.which == "costs":
        return _costs(args, out)
    from zkpot.experiments import averaging

    if args.proofs == "real":
        results = _real_proofs(args, out, _grid(args))
    else:
        results = robustness.experiment(quick=args.quick, seeds=args.seeds, rounds=args.rounds,
                                        say=_say)  # fmt: skip
    results["goals"] = averaging.goals(results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "byzantine.json").write_text(averaging.dumps(results))
    (out / "byzantine-goals.txt").write_text(averaging.goals_table(results))
    (out / "byzantine-final.txt").write_text(averaging.final_table(results, 0.5))
    written = [out / "byzantine.json", out / "byzantine-goals.txt", out / "byzantine-final.txt",
               *robustness.plot(results, out), *averaging.plot(results, out)]  # fmt: skip
    for path in written:
        print(f"wrote {path}")
    print(f"final accuracy, 50 % Byzantine (mean over seeds), after {results['rounds']} rounds:")
    print(averaging.final_table(results, 0.5), end="")
    print("the goals of private averaging (issue 28):")
    print(averaging.goals_table(results), end="")
    if args.proofs == "real":
        from zkpot.experiments import proving

        modelled = robustness.experiment(grid=_grid(args))
        p = results["proofs"]
        same = modelled["summary"] == results["summary"] and modelled["runs"] == results["runs"]
        text = (proving.agreement_table(results, modelled) + "\n"
                f"{p['judged']} contributions judged by the chain's validator; "
                f"{p['proved']} proofs made in this run ({p['shared']} contributions shared "
                f"a proof with another setting; {p['resumed']} verdicts resumed from "
                f"`proofs.jsonl`); {p['cpu_hours']:.2f} CPU-hours of proving and checking "
                f"recorded, this run {p['wall_s'] / 60:.1f} minutes on {p['workers']} "
                f"workers. Verdicts that disagree with the modelled ones: "
                f"{len(p['disagreements'])}. "
                + ("Every figure equals the modelled run's.\n" if same else
                   "The figures DIFFER from the modelled run's.\n"))  # fmt: skip
        (out / "byzantine-real.txt").write_text(text)
        print(f"wrote {out / 'byzantine-real.txt'}")
        print("real proofs beside the model (final accuracy, mean over seeds):")
        print(text, end="")
        return 1 if p["disagreements"] or not same else 0
    return 0


def _grid(args: argparse.Namespace) -> Any:
    """The grid of ``--quick``, ``--seeds`` and ``--rounds``."""
    import dataclasses

    from zkpot.experiments import robustness

    grid = robustness.QUICK if args.quick else robustness.FULL
    return dataclasses.replace(grid, seeds=args.seeds or grid.seeds,
                               rounds=args.rounds or grid.rounds)  # fmt: skip


SCHEDULER_TIMEOUT = 10
"""Seconds ``--scheduler`` waits for the scheduler to answer before it gives up."""


def _real_proofs(args: argparse.Namespace, out: Path, grid: Any, run: Any = None,
                 total: int | None = None) -> dict[str, Any]:  # fmt: skip
    """``--proofs real``: ``run(verdicts)`` (the Byzantine experiment on ``grid`` by
    default) with the verdicts of real proofs on a Dask cluster (local by default), keys
    made for ``grid``, a bar of the contributions judged and the dashboard's address
    (:func:`zkpot.experiments.proving.with_real_proofs`)."""
    from dask.distributed import Client

    from zkpot.cli.progress import Bars
    from zkpot.cli.training import default_cache
    from zkpot.experiments import cluster, proving

    if args.scheduler:
        try:
            client = Client(args.scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError, TypeError) as error:  # unreachable, or not an address
            args.parser.error(f"argument --scheduler: no Dask scheduler at {args.scheduler!r} "
                              f"({type(error).__name__}: {error})")  # fmt: skip
    else:
        client = cluster.local_client(args.workers)
    try:
        workers = len(client.scheduler_info()["workers"])
        _say(f"dask: {workers} workers; the dashboard is at {client.dashboard_link}")
        with Bars() as bars:
            cache = args.keys or default_cache()
            if run is None:
                return proving.run_experiment(client, out, grid=grid, cache_dir=cache,
                                              progress=bars, say=bars.say)  # fmt: skip
            return proving.with_real_proofs(client, out, grid, run, cache_dir=cache,
                                            progress=bars, total=total)  # fmt: skip
    finally:
        local = client.cluster  # None for a client of another cluster's scheduler
        client.close()
        if local is not None:
            local.close()


def _costs(args: argparse.Namespace, out: Path) -> int:
    """``zkpot experiment costs``: the JSON, the figures and a summary table."""
    from zkpot.experiments import costs

    found = costs.experiment(quick=args.quick, say=_say)
    out.mkdir(parents=True, exist_ok=True)
    (out / "costs.json").write_text(json.dumps(found, indent=1) + "\n")
    for path in [out / "costs.json", *costs.plot(found, out)]:
        print(f"wrote {path}")
    print(f"{'participants':>12} {'prove/each':>10} {'verify/block':>12} {'learning':>9} "
          f"{'on chain':>9} {'learning':>9} {'sent':>9} {'learning':>9}")  # fmt: skip
    for r in found["rounds"]:
        print(f"{r['participants']:>12} {r['prove_s']:>9.1f}s {r['verify_block_s']:>11.2f}s "
              f"{r['learning_verify_block_s']:>8.2f}s {r['zkpot']['on_chain']:>9,} "
              f"{r['learning']['on_chain']:>9,} {r['zkpot']['sent']:>9,} "
              f"{r['learning']['sent']:>9,}")  # fmt: skip
    s = found["statements"]
    print(
        f"statements: training + accuracy {s['training']:,} rows, {s['training_prove_s']:.1f} s;"
        f" accuracy only {s['accuracy_only']:,} rows, {s['accuracy_only_prove_s']:.1f} s"
    )
    return 0


__all__ = ["add_parsers", "chaos", "devnet", "devnet_round", "experiment", "node", "simulate",
           "spec_of", "verdict_lines"]  # fmt: skip
