"""Private averaging against the winner rule: the goals of issue 28, measured.

:mod:`zkpot.experiments.robustness` runs ``zkpot`` (the best proven accuracy's model
becomes the next global model) and ``zkpot-avg`` (a step from the average of the
verified contributions that the averaging rule selects) on the same federations. This
module reads those runs and checks the goals set for the average, on the mean over seeds
of the global model's test accuracy (a fraction of the test rows):

1. **speed** — with no Byzantine participant, the first round by which ``zkpot-avg``
   reaches ``zkpot``'s accuracy after round :data:`REFERENCE_ROUND`, at most
   :data:`FAST_ROUND`;
2. **ceiling** — with no Byzantine participant, ``zkpot-avg``'s accuracy after round
   :data:`CEILING_ROUND` at least the float ceiling minus :data:`CEILING_GAP`;
3. **robustness** — at 25 % and 50 % Byzantine, under every attack, ``zkpot-avg``'s
   accuracy at least ``zkpot``'s after every round.

A goal whose round the run did not reach is reported as not measured. :func:`goals_table`
and :func:`final_table` are the Markdown tables the experiments page includes, written
by ``zkpot experiment byzantine``; :func:`plot` draws the two rules against rounds and
against rows proven (:func:`zkpot.experiments.robustness.rows_proven`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from zkpot.experiments import save_figure
from zkpot.experiments.robustness import ATTACKS, datasets

REFERENCE_ROUND = 20
"""The round whose ``zkpot`` accuracy the average must reach ..."""

FAST_ROUND = 10
"""... by this round."""

CEILING_ROUND = 100
"""The round by which the average must be near the float ceiling ..."""

CEILING_GAP = 0.02
"""... within this much accuracy (2 points)."""

PAIR = ("zkpot", "zkpot-avg")


def curve(results: dict[str, Any], dataset: str, attack: str, fraction: float,
          system: str, key: str = "accuracy") -> np.ndarray:  # fmt: skip
    """The mean over seeds, round by round (index 0: before round 1), of the global
    model's accuracy as a fraction of the test rows (``key="accuracy"``), or of the rows
    proven or adopted by then (``key="rows_proven"`` or ``"rows_adopted"``; the runs
    hold them per round)."""
    where = (dataset, attack, fraction, system)
    runs = [r for r in results["runs"]
            if (r["dataset"], r["attack"], r["fraction"], r["system"]) == where]  # fmt: skip
    if key == "accuracy":
        return np.mean([np.array(r["accuracy"]) / r["test_rows"] for r in runs], axis=0)
    return np.mean([np.concatenate([[0], np.cumsum(r[key])]) for r in runs], axis=0)


def kept(results: dict[str, Any], dataset: str, attack: str, fraction: float,
         system: str = "zkpot-avg") -> float:  # fmt: skip
    """The rounds that kept the global model (too few included), mean over seeds."""
    return float(np.mean([r.get("rounds_kept", 0) for r in results["runs"]
                          if (r["dataset"], r["attack"], r["fraction"], r["system"])
                          == (dataset, attack, fraction, system)]))  # fmt: skip


def ceiling(results: dict[str, Any], dataset: str) -> float:
    """The float ceiling as a fraction of the test rows, mean over seeds."""
    rows = next(r["test_rows"] for r in results["runs"] if r["dataset"] == dataset)
    return float(np.mean(results["ceiling"][dataset])) / rows


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each goal per dataset (and attack and fraction): what was measured, the target,
    and ``met`` (``None`` when the run has too few rounds to tell)."""
    out: list[dict[str, Any]] = []
    ran = {(r["attack"], r["fraction"]) for r in results["runs"]}
    for dataset in datasets(results):
        if ("inflate", 0.0) in ran:  # the runs with no attacker (a test's grid may lack them)
            out += _honest_goals(results, dataset)
        for fraction in (0.25, 0.5):
            for attack in ATTACKS:
                if (attack, fraction) not in ran:
                    continue
                z, a = (curve(results, dataset, attack, fraction, s) for s in PAIR)
                behind = np.flatnonzero(a[1:] < z[1:] - 1e-12) + 1
                out.append({"goal": "robustness", "dataset": dataset, "attack": attack,
                            "fraction": fraction, "zkpot": float(z[-1]),
                            "zkpot-avg": float(a[-1]), "rounds_behind": len(behind),
                            "worst_gap": float(np.max(z - a)),
                            "met": len(behind) == 0})  # fmt: skip
    return out


def _honest_goals(results: dict[str, Any], dataset: str) -> list[dict[str, Any]]:
    """The speed and ceiling goals, with no Byzantine participant."""
    rounds, out = results["rounds"], []
    z, a = (curve(results, dataset, "inflate", 0.0, s) for s in PAIR)
    if rounds >= REFERENCE_ROUND:
        reached = np.flatnonzero(a >= z[REFERENCE_ROUND] - 1e-12)
        first = int(reached[0]) if len(reached) else None
        out.append({"goal": "speed", "dataset": dataset, "attack": None, "fraction": 0.0,
                    "zkpot": float(z[REFERENCE_ROUND]), "zkpot-avg": float(a[FAST_ROUND]),
                    "round": first, "target": FAST_ROUND,
                    "met": first is not None and first <= FAST_ROUND})  # fmt: skip
    else:
        out.append({"goal": "speed", "dataset": dataset, "met": None})
    top = ceiling(results, dataset)
    if rounds >= CEILING_ROUND:
        final = float(a[CEILING_ROUND])
        out.append({"goal": "ceiling", "dataset": dataset, "attack": None, "fraction": 0.0,
                    "ceiling": top, "zkpot": float(z[CEILING_ROUND]), "zkpot-avg": final,
                    "target": top - CEILING_GAP, "kept": kept(results, dataset, "inflate", 0.0),
                    "met": final >= top - CEILING_GAP - 1e-12})  # fmt: skip
    else:
        out.append({"goal": "ceiling", "dataset": dataset, "ceiling": top, "met": None})
    return out


def goals_table(results: dict[str, Any]) -> str:
    """The goals as a Markdown table (what the experiments page includes)."""
    rounds = results["rounds"]
    head = (f"Mean of {results['seeds']} seed(s), {results['participants']} participants, "
            f"{rounds} rounds; accuracy as a fraction of the test rows.\n\n"
            "| goal | data | Byzantine, attack | measured | target | met |\n"
            "| --- | --- | --- | --- | --- | :---: |\n")  # fmt: skip
    lines = []
    for g in goals(results):
        data = {"iris": "Iris", "wine": "Wine"}[g["dataset"]]
        if g["met"] is None:
            need = REFERENCE_ROUND if g["goal"] == "speed" else CEILING_ROUND
            lines.append(f"| {g['goal']} | {data} | none | not measured: run "
                         f"`--rounds {need}` | | – |")  # fmt: skip
            continue
        met = "yes" if g["met"] else "**no**"
        if g["goal"] == "speed":
            when = "never" if g["round"] is None else f"round {g['round']}"
            lines.append(f"| zkpot's round-{REFERENCE_ROUND} accuracy ({g['zkpot']:.3f}) "
                         f"reached | {data} | none | {when} (round {FAST_ROUND}: "
                         f"{g['zkpot-avg']:.3f}) | ≤ round {FAST_ROUND} | {met} |")  # fmt: skip
        elif g["goal"] == "ceiling":
            lines.append(f"| near the float ceiling ({g['ceiling']:.3f}) after round "
                         f"{CEILING_ROUND} | {data} | none | {g['zkpot-avg']:.3f} (zkpot "
                         f"{g['zkpot']:.3f}; {g['kept']:.0f} of {rounds} rounds kept the "
                         f"model) | ≥ {g['target']:.3f} | {met} |")  # fmt: skip
        else:
            lines.append(f"| ≥ zkpot after every round | {data} | {g['fraction']:.0%}, "
                         f"{g['attack']} | final {g['zkpot-avg']:.3f} vs {g['zkpot']:.3f}; "
                         f"behind in {g['rounds_behind']} of {rounds} rounds (by up to "
                         f"{max(g['worst_gap'], 0.0):.3f}) | 0 rounds behind "
                         f"| {met} |")  # fmt: skip
    return head + "\n".join(lines) + "\n"


def final_table(results: dict[str, Any], fraction: float = 0.5) -> str:
    """The final accuracy of every system, mean ± standard deviation over seeds, at one
    fraction of Byzantine participants: a Markdown table."""
    systems = results["systems"]
    rows = {(s["dataset"], s["attack"], s["system"]): s for s in results["summary"]
            if s["fraction"] == fraction}  # fmt: skip
    lines = ["| data | attack | " + " | ".join(systems) + " |",
             "| --- | --- | " + " | ".join("---:" for _ in systems) + " |"]  # fmt: skip
    for dataset in datasets(results):
        for attack in ATTACKS:
            if (dataset, attack, systems[0]) not in rows:  # not in this run's grid
                continue
            found = [rows[dataset, attack, s] for s in systems]
            cells = [f"{f['mean']:.2f} ± {f['std']:.2f}" for f in found]
            lines.append(f"| {dataset.capitalize()} | {attack} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def dumps(results: dict[str, Any]) -> str:
    """The results as JSON, one run (or summary row, or goal) per line: a run of 100
    rounds stays small and readable."""
    items = []
    for key, value in results.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            text = "[\n" + ",\n".join("  " + json.dumps(v) for v in value) + "\n ]"
        else:
            text = json.dumps(value)
        items.append(f" {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(items) + "\n}\n"


def plot(results: dict[str, Any], directory: str | Path) -> list[Path]:
    """``byzantine-averaging.png``: with no Byzantine participant, the winner rule and the
    average against rounds, rows proven and rows adopted, one row per dataset, with the
    float ceiling.

    Raises:
        ModuleNotFoundError: if matplotlib is not installed (``pip install zkpot[plots]``).
    """
    from zkpot.experiments.robustness import STYLE
    from zkpot.ml.report import pyplot

    plt = pyplot()
    fig, axes = plt.subplots(len(datasets(results)), 3, figsize=(13, 7), sharey=True, squeeze=False)
    labels = {"round": "round", "rows_proven": "rows proven (every true statement)",
              "rows_adopted": "rows adopted (behind the global model)"}  # fmt: skip
    for i, dataset in enumerate(datasets(results)):
        for j, x_key in enumerate(labels):
            ax = axes[i][j]
            for system in PAIR:
                y = curve(results, dataset, "inflate", 0.0, system)
                x = (np.arange(len(y)) if x_key == "round"
                     else curve(results, dataset, "inflate", 0.0, system, x_key))  # fmt: skip
                ax.plot(x, y, label=system, **STYLE[system])
            ax.axhline(ceiling(results, dataset), color="gray", linestyle="--",
                       label="float, central")  # fmt: skip
            ax.set_ylim(0, 1.05)
            ax.set_title(f"{dataset}, no Byzantine participant", fontsize=9)
            ax.set_xlabel(labels[x_key])
            if j == 0:
                ax.set_ylabel("test accuracy")
    axes[0][0].legend(fontsize=8)
    fig.suptitle(f"The winner rule and the average (mean of {results['seeds']} seeds)")
    fig.tight_layout()
    return [save_figure(fig, directory, "byzantine-averaging.png")]


__all__ = ["CEILING_GAP", "CEILING_ROUND", "FAST_ROUND", "REFERENCE_ROUND", "ceiling", "curve",
           "dumps", "final_table", "goals", "goals_table", "kept", "plot"]  # fmt: skip
