"""Training: the schedule's batches, determinism, and fixed point as accurate as float."""

from __future__ import annotations

import numpy as np
import pytest

from zkpot.errors import InvalidInput
from zkpot.ml.datasets import blobs, iris_split, standardize, train_test_split
from zkpot.ml.fixedpoint import FixedPoint
from zkpot.ml.model import twins
from zkpot.ml.train import Schedule, accuracy, train


def test_batches_are_disjoint_powers_of_two_and_the_same_every_time() -> None:
    schedule = Schedule(epochs=3, log2_batch=3, seed=9)
    epochs = schedule.batches(45)
    again = schedule.batches(45)
    assert len(epochs) == 3
    for first, second in zip(epochs, again, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    for batches in epochs:
        assert len(batches) == 5 and all(len(rows) == 8 for rows in batches)
        rows = np.concatenate(batches)
        assert len(set(rows.tolist())) == 40 and rows.min() >= 0 and rows.max() < 45
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    other = Schedule(epochs=1, log2_batch=3, seed=10).batches(45)[0]
    assert not np.array_equal(np.concatenate(other), np.concatenate(epochs[0]))


def test_schedule_validates() -> None:
    bad_ones = ({"epochs": -1}, {"log2_lr": 1.5}, {"log2_batch": True}, {"seed": "0"},
                {"log2_lr": 63}, {"log2_batch": 63})  # fmt: skip
    for bad in bad_ones:
        with pytest.raises(InvalidInput):
            Schedule(**bad)
    with pytest.raises(InvalidInput, match="do not fill a batch"):
        Schedule(log2_batch=4).batches(15)
    assert Schedule(log2_lr=4).learning_rate == 1 / 16 and Schedule(log2_batch=3).batch_size == 8


def test_the_same_seed_gives_the_same_integers() -> None:
    train_set, test_set = iris_split(seed=1)
    runs = []
    for _ in range(2):
        _, fixed = twins([4, 8, 3], seed=1)
        history = train(fixed, train_set, Schedule(epochs=10, seed=1), test=test_set)
        runs.append((fixed, history))
    (a, history_a), (b, history_b) = runs
    for layer_a, layer_b in zip(a.layers, b.layers, strict=True):
        assert layer_a.weight.dtype == np.int64
        assert np.array_equal(layer_a.weight, layer_b.weight)
        assert np.array_equal(layer_a.bias, layer_b.bias)
    assert history_a == history_b
    _, c = twins([4, 8, 3], seed=1)
    train(c, train_set, Schedule(epochs=10, seed=2))  # other batches: other integers
    assert not np.array_equal(a.layers[0].weight, c.layers[0].weight)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fixed_point_is_within_two_points_of_float_on_iris(seed) -> None:
    train_set, test_set = iris_split(seed=seed)
    float_net, fixed_net = twins([4, 8, 3], seed=seed)
    schedule = Schedule(seed=seed)  # 100 epochs, lr = 1/16, batches of 8
    float_history = train(float_net, train_set, schedule, test=test_set)
    fixed_history = train(fixed_net, train_set, schedule, test=test_set)
    assert float_history.test_accuracy[-1] >= 0.9  # the network did learn
    assert abs(float_history.test_accuracy[-1] - fixed_history.test_accuracy[-1]) <= 0.02
    assert accuracy(fixed_net, test_set) == fixed_history.test_accuracy[-1]


def test_fixed_point_is_within_two_points_of_float_on_blobs() -> None:
    data = blobs(512, n_features=4, n_classes=3, seed=4, spread=1.5, separation=2.0)
    train_set, test_set = standardize(*train_test_split(data, seed=4))
    float_net, fixed_net = twins([4, 8, 3], seed=4)
    schedule = Schedule(epochs=30, seed=4)
    float_accuracy = train(float_net, train_set, schedule, test=test_set).test_accuracy[-1]
    fixed_accuracy = train(fixed_net, train_set, schedule, test=test_set).test_accuracy[-1]
    assert float_accuracy > 0.6
    assert abs(float_accuracy - fixed_accuracy) <= 0.02


def test_training_reports_progress_every_epoch() -> None:
    train_set, _ = iris_split()
    _, fixed = twins([4, 3, 3])
    seen = []
    history = train(fixed, train_set, Schedule(epochs=4), progress=lambda e, h: seen.append(e))
    assert seen == [1, 2, 3, 4] and len(history.loss) == 4 and history.test_accuracy == []


def test_data_that_does_not_fit_the_model_is_refused() -> None:
    train_set, _ = iris_split()
    with pytest.raises(InvalidInput, match="4 features and 3 classes"):
        train(twins([4, 8, 2])[1], train_set, Schedule(epochs=1))
    with pytest.raises(InvalidInput, match="4 features"):
        train(twins([5, 8, 3])[0], train_set, Schedule(epochs=1))


def test_a_wider_format_trains_to_the_same_integers() -> None:
    """Python integers (B = 48) and int64 (B = 24) agree over a whole training run."""
    train_set, _ = iris_split(seed=3)
    nets = []
    for bound_bits in (24, 48):
        _, fixed = twins([4, 8, 3], seed=3, fmt=FixedPoint(bound_bits=bound_bits))
        train(fixed, train_set, Schedule(epochs=5, seed=3))
        nets.append(fixed)
    for a, b in zip(nets[0].layers, nets[1].layers, strict=True):
        assert a.weight.tolist() == b.weight.tolist()
