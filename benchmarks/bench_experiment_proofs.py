"""What "Does ZKPoT deliver?" costs with real proofs: proofs per statement and CPU-hours.

    python benchmarks/bench_experiment_proofs.py              # the page's grid (FULL)
    python benchmarks/bench_experiment_proofs.py --grid quick # zkpot experiment's --quick grid
    python benchmarks/bench_experiment_proofs.py --quick      # a tiny grid (what the tests run)
    python benchmarks/bench_experiment_proofs.py --save       # write tables/experiment_proofs.md

For each statement the grid's ZKPoT systems prove (the winner rule's and the averaging
one, per dataset), one contribution is trained, proven and signed on one core
(``ZKPOT_WORKERS=1``, CPU seconds of this process), with a local setup and the key cache,
and checked by the chain's validator (:func:`zkpot.chain.rules.check_contribution`). A
modelled run of the grid counts its contributions and the distinct proofs they need
(:func:`zkpot.experiments.proving.count`: settings share a proof when they need the same
one). CPU-hours = Σ proofs × CPU seconds per proof + contributions × seconds per check.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ["ZKPOT_WORKERS"] = "1"  # one core per proof, as on a cluster's worker

from harness import markdown_table, save_table

from zkpot.chain import participant as part
from zkpot.chain.rules import RoundContext, check_contribution
from zkpot.cli.training import default_cache
from zkpot.experiments import proving
from zkpot.experiments.robustness import FULL, QUICK, Grid, Setting, world
from zkpot.ml.contribution import setup
from zkpot.ml.statement import model_hash
from zkpot.ml.training_circuit import build
from zkpot.plonk.keys import srs_size
from zkpot.poly import local_setup

TINY = Grid(datasets=("iris",), attacks=("inflate",), fractions=(0.0, 0.34), seeds=1, rounds=1,
            participants=3, hidden=1, test_rows=2)  # fmt: skip
"""``--quick``: 2 settings of 3 participants for 1 round, a 4-1-3 network on 2 test rows
(circuits of 2¹² rows)."""

GRIDS = {"full": FULL, "quick": QUICK, "tiny": TINY}


def measure(dataset: str, system: str, grid, cache) -> dict:
    """One contribution of participant 1, round 1, proven on one core and checked."""
    w = world(Setting(dataset=dataset, participants=grid.participants, hidden=grid.hidden,
                      test_rows=grid.test_rows))  # fmt: skip
    spec = proving.spec_of(system, w)
    circuit = build(spec)
    srs = local_setup.local_srs(cache, srs_size(circuit.cs))
    start = time.perf_counter()
    keys = setup(spec, srs, cache_dir=cache, circuit=circuit)
    setup_s = time.perf_counter() - start
    g = proving.genesis(w, spec)
    secret = proving._secret(w, 0)
    start = time.process_time()
    c, _ = part.contribute(keys, secret, round=1, global_layers=w.first, data=w.slots[0],
                           data_salt=proving._salt(w, 0), test=w.test,
                           seeds=part.seeds(secret, 1, g),
                           model_salt=part.model_salt(secret, 1))  # fmt: skip
    prove_s = time.process_time() - start
    ctx = RoundContext(g, keys, 1, model_hash(w.first, spec), parent=bytes(32))
    start = time.process_time()
    assert check_contribution(c, ctx, {}) is None
    check_s = time.process_time() - start
    return {"spec": spec, "rows": circuit.cs.n_gates, "domain": keys.vk.power,
            "setup_s": setup_s, "prove_s": prove_s, "check_s": check_s}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", choices=sorted(GRIDS), default="full",
                        help="full: the page's; quick: zkpot experiment's --quick")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="a tiny grid (the tests')")
    parser.add_argument("--save", action="store_true", help="write the table for the docs")
    args = parser.parse_args()
    name = "tiny" if args.quick else args.grid
    grid = GRIDS[name]
    cache = default_cache()
    start = time.perf_counter()
    contributions, proofs = proving.count(grid)
    print(f"counted {contributions:,} contributions in {time.perf_counter() - start:.0f} s",
          flush=True)  # fmt: skip
    rows, total_s, checks_s = [], 0.0, 0.0
    for dataset in grid.datasets:
        for system in ("zkpot", "zkpot-avg"):
            m = measure(dataset, system, grid, cache)
            n = proofs[m["spec"]]
            total_s += n * m["prove_s"]
            checks_s = max(checks_s, m["check_s"])
            print(f"{dataset} {system}: {m['rows']:,} rows, 2^{m['domain']}, "
                  f"{m['prove_s']:.1f} s a proof, {m['check_s'] * 1000:.0f} ms a check, "
                  f"{n:,} proofs", flush=True)  # fmt: skip
            rows.append([f"{dataset.capitalize()}, `{system}`", f"{m['rows']:,}",
                         f"2^{m['domain']}", f"{m['prove_s']:.1f} s",
                         f"{m['check_s'] * 1000:.0f} ms", f"{n:,}",
                         f"{n * m['prove_s'] / 3600:.1f}"])  # fmt: skip
    total_h = (total_s + contributions * checks_s) / 3600
    settings = len(grid.settings())
    table = markdown_table(
        ["statement", "rows", "domain", "CPU per proof", "per check", "proofs", "CPU-hours"],
        rows,
    )
    hours = f"{total_h:,.0f}" if total_h >= 10 else f"{total_h:.2f}"
    note = (f"\n\n{settings} settings × {grid.rounds} round(s) × {grid.participants} "
            f"participants × 2 rules: {contributions:,} contributions, "
            f"{sum(proofs.values()):,} distinct proofs; about **{hours} CPU-hours** "
            "of proving and checking (one core per proof, pure Python, this machine).")  # fmt: skip
    print(table + note)
    if args.save:
        table_name = "experiment_proofs" + ("" if name == "full" else f"_{name}")
        print(f"wrote {save_table(table_name, table + note)}")


if __name__ == "__main__":
    main()
