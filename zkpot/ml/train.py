"""Training: mini-batch SGD, the same schedule for the float model and its fixed-point twin.

One epoch shuffles the training rows (a permutation drawn from the schedule's seed),
cuts them into batches of 2^k rows — a final, incomplete batch is left out, so that
every batch mean is a shift — and for each batch runs

    trace = model.forward(x)          # ŷ
    grads = model.backward(trace, t)  # the batch mean of ∂(½‖ŷ − t‖²)/∂W, ∂/∂b
    model.step(grads, log2_lr)        # W ← W − 2^−log2_lr · ∂/∂W

Both twins see the same rows in the same order, so any difference between them is
the arithmetic's alone. The fixed-point run is pure integer arithmetic on integers
that do not depend on the machine: the same seed and data give the same integers
everywhere (with one numpy release, whose PCG64 generator draws the batches).

>>> from zkpot.ml.datasets import blobs, standardize, train_test_split
>>> from zkpot.ml.model import twins
>>> train_set, test_set = standardize(*train_test_split(blobs(64, seed=3), seed=3))
>>> float_net, fixed_net = twins([2, 4, 3], seed=3)
>>> schedule = Schedule(epochs=5, log2_lr=3, log2_batch=3)
>>> history = train(fixed_net, train_set, schedule, test=test_set)
>>> len(history.loss), history.test_accuracy[-1] > 0.5
(5, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.ml.datasets import Dataset
from zkpot.ml.model import MAX_LOG2, MLP


@dataclass(frozen=True)
class Schedule:
    """How to train: every rate and size a power of two, so every division is a shift.

    Attributes:
        epochs: passes over the training set.
        log2_lr: the learning rate is 2^−log2_lr (4 → 0.0625).
        log2_batch: the batch size is 2^log2_batch (3 → 8 rows).
        seed: seeds the shuffling (not the initial weights: those come with the model).
    """

    epochs: int = 100
    log2_lr: int = 4
    log2_batch: int = 3
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "log2_lr", "log2_batch", "seed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidInput(f"{name} must be a non-negative integer, got {value!r}")
        for name in ("log2_lr", "log2_batch"):
            if getattr(self, name) > MAX_LOG2:
                raise InvalidInput(f"{name} must be at most {MAX_LOG2}, got {getattr(self, name)}")

    @property
    def batch_size(self) -> int:
        """2^log2_batch."""
        return 1 << self.log2_batch

    @property
    def learning_rate(self) -> float:
        """2^−log2_lr."""
        return 2.0**-self.log2_lr

    def batches(self, n_rows: int) -> list[list[np.ndarray]]:
        """For every epoch, the row indices of each batch (the same for every model)."""
        if n_rows < self.batch_size:
            raise InvalidInput(f"{n_rows} training rows do not fill a batch of {self.batch_size}")
        rng = np.random.Generator(np.random.PCG64(self.seed))
        full = n_rows - n_rows % self.batch_size
        epochs = []
        for _ in range(self.epochs):
            order = rng.permutation(n_rows)[:full]
            epochs.append(np.split(order, full // self.batch_size))
        return epochs


@dataclass
class History:
    """Per epoch, measured after it: the training loss and the accuracies (as fractions)."""

    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)


def accuracy(model: MLP, data: Dataset) -> float:
    """The fraction of ``data`` the model classifies correctly."""
    return model.correct(model.encode(data.x), data.y) / len(data)


def train(
    model: MLP,
    data: Dataset,
    schedule: Schedule,
    *,
    test: Dataset | None = None,
    progress: Callable[[int, History], None] | None = None,
) -> History:
    """Train ``model`` in place on ``data`` with ``schedule``; returns the history.

    Args:
        model: a float or fixed-point :class:`~zkpot.ml.model.MLP`.
        data: the training set (its classes must match the model's outputs).
        schedule: epochs, learning rate, batch size and shuffling seed.
        test: if given, its accuracy is recorded after every epoch.
        progress: called as ``progress(epoch, history)`` after every epoch (1-based).

    Raises:
        InvalidInput: if the data does not fit the model.
        FixedPointOverflow: if a fixed-point value leaves its bound (naming where).
    """
    inputs, outputs = model.sizes[0], model.sizes[-1]
    for part in (data, test):
        if part is not None and (part.n_features != inputs or part.n_classes != outputs):
            raise InvalidInput(
                f"{part.name}: {part.n_features} features and {part.n_classes} classes "
                f"for a model with {inputs} inputs and {outputs} outputs"
            )
    x, targets = model.encode(data.x), model.encode(data.one_hot())
    history = History()
    for epoch, batches in enumerate(schedule.batches(len(data)), 1):
        for rows in batches:
            trace = model.forward(x[rows])
            grads = model.backward(trace, targets[rows])
            model.step(grads, schedule.log2_lr)
        history.loss.append(model.loss(model.forward(x), targets))
        history.train_accuracy.append(model.correct(x, data.y) / len(data))
        if test is not None:
            history.test_accuracy.append(accuracy(model, test))
        if progress is not None:
            progress(epoch, history)
    return history
