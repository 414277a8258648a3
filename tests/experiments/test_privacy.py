"""The privacy attacks: a one-row step of the fixed-point twin gives its row away through
the first layer's update, a batch blurs it, and the membership AUC is the pairwise
probability it claims to be."""

from __future__ import annotations

import numpy as np
import pytest

from zkpot.errors import InvalidInput
from zkpot.experiments.privacy import invert_dense_update, membership_auc, reconstruction_error
from zkpot.ml.statement import Rows, TrainingSpec, train_round
from zkpot.ml.task import iris_task


def one_step(log2_batch: int, rows: slice) -> tuple[float, np.ndarray]:
    """Train one step of the twin on these Iris rows; the best estimate's error per row."""
    spec = TrainingSpec(sizes=(4, 8, 3), log2_batch=log2_batch, steps=1, test_rows=2)
    task = iris_task(1, seed=0, spec=spec)
    part = task.parts[0]
    x = spec.fmt.quantize_array(part.x[rows])
    slots = Rows(x, part.y[rows].astype(np.int64))
    after, _ = train_round(task.global_layers, slots, spec)
    estimates = invert_dense_update(task.global_layers[0], after[0])
    real = spec.fmt.dequantize_array(x)
    return reconstruction_error(estimates, real), estimates


def test_a_one_row_step_gives_the_row_away() -> None:
    for i in range(6):
        errors, estimates = one_step(0, slice(i, i + 1))
        assert len(estimates) >= 1
        assert errors[0] < 1e-3, (i, errors)  # fixed-point rounding: about 1e-4


def test_a_batch_blurs_the_rows() -> None:
    alone = np.concatenate([one_step(0, slice(i, i + 1))[0] for i in range(8)])
    together, _ = one_step(3, slice(0, 8))
    assert np.median(together) > 10 * np.median(alone)


def test_estimates_come_largest_bias_change_first_and_shapes_are_checked() -> None:
    from zkpot.ml.model import Layer

    before = Layer(np.zeros((3, 2)), np.zeros(3))
    after = Layer(np.array([[1.0, 2.0], [0.0, 0.0], [-3.0, -6.0]]), np.array([1.0, 0.0, -3.0]))
    np.testing.assert_allclose(invert_dense_update(before, after), [[1.0, 2.0], [1.0, 2.0]])
    assert reconstruction_error(np.zeros((0, 2)), np.ones((1, 2))).tolist() == [np.inf]
    with pytest.raises(InvalidInput, match="different shapes"):
        invert_dense_update(before, Layer(np.zeros((2, 2)), np.zeros(2)))


def test_membership_auc_is_the_pairwise_probability() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        members = rng.integers(0, 6, rng.integers(1, 9)).astype(float)  # ties on purpose
        others = rng.integers(0, 6, rng.integers(1, 9)).astype(float)
        pairs = [(1.0 if m < o else 0.5 if m == o else 0.0) for m in members for o in others]
        assert membership_auc(members, others) == pytest.approx(np.mean(pairs))
    assert membership_auc([0.1, 0.2], [0.5, 0.9]) == 1.0
    assert membership_auc([0.5, 0.9], [0.1, 0.2]) == 0.0
    with pytest.raises(InvalidInput, match="needs losses"):
        membership_auc([], [1.0])


def test_the_reconstruction_experiment_recovers_every_single_row_and_fewer_in_batches() -> None:
    from zkpot.experiments.privacy import reconstruction_by_batch

    rows = reconstruction_by_batch(batches=(1, 16), trials=4)
    assert [r["batch"] for r in rows] == [1, 16] and [r["rows"] for r in rows] == [4, 64]
    assert rows[0]["recovered"] == 1.0 and rows[0]["median_error"] < 1e-3
    assert rows[1]["recovered"] < 0.5 < rows[1]["median_error"] * 2


def test_membership_sees_every_local_model_in_learning_one_winner_and_one_average() -> None:
    from zkpot.experiments.privacy import membership_by_system

    found = membership_by_system(rounds=2)
    assert found["zkpot_models_seen"] == 2  # one winner a round
    assert found["learning_models_seen"] > 2 * found["zkpot_models_seen"]
    assert 1 <= found["zkpot-avg_models_seen"] <= 2  # at most one average a round
    assert all(0.0 <= found[s] <= 1.0 for s in ("learning", "zkpot", "zkpot-avg"))


def test_the_privacy_experiment_writes_its_numbers_and_figure(tmp_path, capsys) -> None:
    import json

    from zkpot.cli import main

    assert main(["experiment", "privacy", "--quick", "--out", str(tmp_path)]) == 0
    found = json.loads((tmp_path / "privacy.json").read_text())
    assert [r["batch"] for r in found["reconstruction"]] == [1, 2, 4, 8, 16]
    assert set(found["reconstruction_by_rule"]) == {"zkpot", "zkpot-avg", "union"}
    assert (tmp_path / "privacy-reconstruction.png").read_bytes()[:4] == b"\x89PNG"
    out = capsys.readouterr().out
    assert "membership AUC" in out and "private averaging" in out


def test_what_each_rule_publishes_and_the_rows_behind_it() -> None:
    from zkpot.experiments.privacy import published
    from zkpot.experiments.robustness import Setting, step, submissions, world
    from zkpot.ml.aggregation import averaged, next_global
    from zkpot.ml.statement import count_correct

    w = world(Setting(fraction=0.0, participants=4, seed=1))
    filled = [int(np.sum(s.y < w.spec.n_classes)) for s in w.slots]
    averages = published(w, "zkpot-avg", 2)
    assert averages  # at least one round averaged
    for before, after, rows in averages:
        subs = submissions(w, before, 0)
        bar = count_correct(before, w.test, w.spec)
        valid = [i for i, sub in enumerate(subs) if sub.true]
        included = averaged({i: subs[i].claim for i in valid}, bar, w.graph)
        want = next_global(before, [subs[i].model for i in included], w.spec, w.test)
        assert [layer.weight.tolist() for layer in after] == [m.weight.tolist() for m in want]
        assert len(rows.y) == sum(filled[i] for i in included)  # all their rows, together
    for before, _, rows in published(w, "zkpot", 2):
        _, leader = step("zkpot", w, before, submissions(w, before, 0))
        assert len(rows.y) == filled[leader]  # the winner's rows alone


def test_reconstruction_from_the_average_is_no_better_than_from_one_step_over_its_rows() -> None:
    from zkpot.experiments.privacy import reconstruction_by_rule

    found = reconstruction_by_rule(rounds=3)
    winner, average, union = found["zkpot"], found["zkpot-avg"], found["union"]
    assert winner["models"] == 3 and average["models"] == union["models"] >= 1
    assert average["rows"] == union["rows"] > 2 * winner["rows"] / winner["models"]
    assert average["recovered"] <= union["recovered"]
    assert average["median_error"] >= 0.9 * union["median_error"] > 0.1
