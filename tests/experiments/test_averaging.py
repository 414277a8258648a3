"""Private averaging in the experiments (issue 28): ``zkpot-avg`` averages exactly the true
statements that the averaging rule selects and steps from their average, keeps its global
model only with fewer than two true statements (so it never stalls), cannot be swapped,
and every system trains as the default statement proves; the goals are read from the runs,
and the committed results carry the new system."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from zkpot.experiments import averaging
from zkpot.experiments.robustness import (
    Setting,
    Submission,
    _accuracy,
    included,
    run,
    step,
    submissions,
    world,
)
from zkpot.ml.aggregation import average_models, next_global
from zkpot.ml.model import Layer
from zkpot.ml.statement import TrainingSpec, train_round

ROOT = Path(__file__).resolve().parents[2]


def shifted(layers: list[Layer], by: int) -> list[Layer]:
    return [Layer(layer.weight + by, layer.bias + by) for layer in layers]


def same(got: list[Layer], want: list[Layer]) -> None:
    for g, e in zip(got, want, strict=True):
        np.testing.assert_array_equal(g.weight, e.weight)
        np.testing.assert_array_equal(g.bias, e.bias)


def test_the_average_takes_exactly_the_true_statements_that_pass_the_quality_rule() -> None:
    w = world(Setting(participants=6, rounds=1))
    bar = _accuracy(w.first, w)
    models = [shifted(w.first, 64 * i) for i in range(6)]
    #                 (claim, true): in, in, below the bar, false, in (a tie), false
    kinds = [(bar + 2, True), (bar + 1, True), (bar - 1, True), (bar + 9, False), (bar, True),
             (bar + 3, False)]  # fmt: skip
    subs = [Submission(m, claim, true, m) for m, (claim, true) in zip(models, kinds, strict=True)]
    layers, leader = step("zkpot-avg", w, w.first, subs)
    assert included(w, w.first, subs) == [0, 1, 4]
    same(layers, next_global(w.first, [models[0], models[1], models[4]], w.spec, w.test))
    assert leader == 0  # the best true claim, reported; the false bar + 9 does not lead


def test_with_fewer_than_two_passing_the_better_half_is_averaged() -> None:
    w = world(Setting(participants=4, rounds=1))
    bar = _accuracy(w.first, w)
    models = [shifted(w.first, 64 * (i + 1)) for i in range(4)]
    kinds = [(bar + 1, True), (bar - 1, True), (bar + 5, False), (bar - 2, True)]
    subs = [Submission(m, claim, true, m) for m, (claim, true) in zip(models, kinds, strict=True)]
    layers, leader = step("zkpot-avg", w, w.first, subs)
    assert included(w, w.first, subs) == [0, 1] and leader == 0  # the better two of three
    same(layers, next_global(w.first, models[:2], w.spec, w.test))
    alone = [sub if i == 0 else dataclasses.replace(sub, true=False) for i, sub in enumerate(subs)]
    assert step("zkpot-avg", w, w.first, alone) == (w.first, 0)  # one cannot be averaged
    nobody = [dataclasses.replace(sub, true=False) for sub in subs]
    assert step("zkpot-avg", w, w.first, nobody) == (w.first, None)


def test_the_average_never_stalls_where_the_quality_rule_alone_kept_its_model() -> None:
    """Iris, seed 3: from round 4 no contribution reaches the global model's accuracy, and
    training is deterministic, so the quality rule alone kept that model for ever."""
    setting = Setting(fraction=0.0, rounds=12, seed=3)
    w = world(setting)
    (r,) = run(setting, systems=("zkpot-avg",))
    assert r.kept == 0 and r.accuracy[-1] > r.accuracy[0]
    layers = w.first
    for round_ in range(1, setting.rounds + 1):
        subs = submissions(w, layers, round_)
        bar = _accuracy(layers, w)
        passing = [sub.model for sub in subs if sub.true and sub.claim >= bar]
        if len(passing) < 2:
            break
        layers = average_models(passing)
    else:
        raise AssertionError("the quality rule alone never stalled")
    again = submissions(w, layers, round_ + 1)  # the same global model: the same round
    assert [sub.claim for sub in again] == [sub.claim for sub in subs]
    for new, old in zip(again, subs, strict=True):
        same(new.model, old.model)


def test_fedavg_rounds_its_mean_to_nearest() -> None:
    w = world(Setting(fraction=0.0, participants=3, rounds=1))
    models = [shifted(w.first, by) for by in (0, 1, 1)]  # a mean of x + 2/3
    subs = [Submission(m, 0, True, m) for m in models]
    layers, _ = step("fedavg", w, w.first, subs)
    same(layers, shifted(w.first, 1))
    same(layers, average_models(models))


def test_a_swapping_leader_changes_nothing_under_the_average() -> None:
    small = {"participants": 6, "rounds": 4, "seed": 2}
    swapped = {r.system: r for r in run(Setting(attack="swap", fraction=0.5, **small))}
    honest = {r.system: r for r in run(Setting(attack="swap", fraction=0.0, **small))}
    assert swapped["zkpot-avg"].byzantine_leads > 0  # the swappers lead ...
    assert swapped["zkpot-avg"].accuracy == honest["zkpot-avg"].accuracy  # ... to no effect
    assert swapped["zkpot"].accuracy != honest["zkpot"].accuracy  # the winner rule pays


def test_every_system_trains_as_the_default_statement_proves() -> None:
    default = TrainingSpec()
    for dataset in ("iris", "wine"):
        w = world(Setting(dataset=dataset, participants=4, rounds=1))
        schedule = (w.spec.steps, w.spec.log2_batch, w.spec.log2_lr, w.spec.capacity)
        assert schedule == (default.steps, default.log2_batch, default.log2_lr, default.capacity)
        spec = dataclasses.replace(default, sizes=w.spec.sizes, test_rows=w.spec.test_rows,
                                   log2_weight_bound=None)  # fmt: skip
        sub = submissions(w, w.first, 1)[0]
        want, _ = train_round(w.first, w.slots[0], spec)
        for got, expected in zip(sub.model, want, strict=True):
            np.testing.assert_array_equal(got.weight, expected.weight)


def test_rows_proven_count_the_filled_slots_of_true_statements() -> None:
    w = world(Setting(attack="random", fraction=0.5, participants=4, rounds=2))
    filled = [int(np.sum(s.y < w.spec.n_classes)) for s in w.slots]
    (r,) = run(dataclasses.replace(w.setting), systems=("zkpot-avg",))
    assert r.proven == [0, sum(filled[:2]), 2 * sum(filled[:2])]  # the random half proves none
    layers, adopted, kept = w.first, [0], 0
    for round_ in (1, 2):
        subs = submissions(w, layers, round_)
        after, _ = step("zkpot-avg", w, layers, subs)
        chosen = included(w, layers, subs)
        assert set(chosen) <= {0, 1}  # only true statements
        kept += after is layers
        adopted.append(adopted[-1] + (0 if after is layers else sum(filled[i] for i in chosen)))
        layers = after
    assert (r.adopted, r.kept) == (adopted, kept)


def fake_results(zkpot: list[float], avg: list[float], ceiling: int) -> dict:
    """Results of one seed, 30 test rows, where every attack and fraction has these curves."""
    runs = [{"dataset": d, "attack": a, "fraction": f, "seed": 0, "system": s,
             "test_rows": 30, "accuracy": [round(30 * v) for v in curve],
             "rows_proven": [0] * len(curve)}
            for d in ("iris", "wine") for a in averaging.ATTACKS for f in (0.0, 0.25, 0.5)
            for s, curve in (("zkpot", zkpot), ("zkpot-avg", avg))]  # fmt: skip
    return {"seeds": 1, "participants": 8, "rounds": len(zkpot) - 1, "runs": runs,
            "ceiling": {"iris": [ceiling], "wine": [ceiling]}}  # fmt: skip


def test_the_goals_are_read_from_the_curves() -> None:
    rising = [min(1.0, r / 20) for r in range(101)]
    faster = [min(1.0, r / 10) for r in range(101)]
    met = averaging.goals(fake_results(rising, faster, ceiling=30))
    assert len(met) == 2 * (2 + 2 * len(averaging.ATTACKS)) and all(g["met"] for g in met)
    speed = next(g for g in met if g["goal"] == "speed")
    assert speed["round"] == 10 and speed["target"] == averaging.FAST_ROUND
    slower = [min(0.9, r / 40) for r in range(101)]
    failed = averaging.goals(fake_results(rising, slower, ceiling=30))
    assert not any(g["met"] for g in failed)  # too slow, 3 points short, and behind
    behind = next(g for g in failed if g["goal"] == "robustness")
    assert behind["rounds_behind"] == 100 and "**no**" in averaging.goals_table(
        fake_results(rising, slower, ceiling=30))  # fmt: skip
    short = averaging.goals(fake_results(rising[:21], faster[:21], ceiling=30))
    assert [g["met"] for g in short if g["goal"] == "ceiling"] == [None, None]


def test_the_committed_results_have_the_average_in_the_summary_format() -> None:
    results = json.loads((ROOT / "docs/assets/experiments/byzantine.json").read_text())
    assert "zkpot-avg" in results["systems"]
    rows = {(s["dataset"], s["attack"], s["fraction"], s["system"]): s
            for s in results["summary"]}  # fmt: skip
    winner = [key for key in rows if key[3] == "zkpot"]
    assert winner and all((*key[:3], "zkpot-avg") in rows for key in winner)
    for key in winner:
        average = rows[(*key[:3], "zkpot-avg")]
        assert average.keys() == rows[key].keys() and 0.0 <= average["mean"] <= 1.0
    spec = TrainingSpec()
    assert results["spec"] == {"steps": spec.steps, "batch": spec.batch, "log2_lr": spec.log2_lr}
    assert {g["goal"] for g in results["goals"]} == {"speed", "ceiling", "robustness"}
