"""What quantization costs: float and fixed point compared, layer by layer.

:func:`compare` takes a float model and its fixed-point twin and a test set, and
measures, for every layer,

- the largest and the mean absolute difference between the float pre-activations
  and the dequantized fixed-point ones (layer 0 is the input: its error is the
  quantization of the data alone, at most half a step 2^−(f+1));
- the largest magnitude any fixed-point value of that layer took — weights,
  pre-activations, errors sent back, gradients, updates, during training and on the
  test set — against the bound 2^(B−1): the **headroom**, in bits, is how many
  doublings that value could still take before it would overflow;

and for the whole model the test accuracy of each twin and how many test
predictions differ between them. :func:`quantize_report` first trains the twins
(same initial weights, same batches) and keeps their training curves;
:meth:`QuantizationReport.plot` draws the errors and the curves as PNG files
(matplotlib, the ``plots`` extra).

>>> from zkpot.ml.train import Schedule
>>> report = quantize_report(schedule=Schedule(epochs=2))
>>> print(report.table().splitlines()[0])
layer  shape   max |error|  mean |error|  largest |value|, at       headroom
>>> report.n_test
30
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.ml.datasets import Dataset, blobs, iris_split, standardize, train_test_split
from zkpot.ml.fixedpoint import FixedPoint
from zkpot.ml.model import MLP, FixedArithmetic, twins
from zkpot.ml.train import History, Schedule, train

DATASETS = ("iris", "blobs")
"""The data sets :func:`quantize_report` knows by name."""


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the Agg backend (files, no window), for every plot zkpot draws.

    Raises:
        ModuleNotFoundError: if matplotlib is not installed (``pip install zkpot[plots]``).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ModuleNotFoundError as missing:
        raise ModuleNotFoundError(
            "plots need matplotlib: pip install 'zkpot[plots]'", name="matplotlib"
        ) from missing
    return plt


@dataclass(frozen=True)
class LayerReport:
    """The float-vs-fixed comparison of one layer (layer 0 is the input).

    Attributes:
        layer: its number.
        shape: (outputs, inputs) of its weight matrix; (features, features) for the input.
        max_error: the largest |float − fixed| over its test-set values (real units).
        mean_error: the mean of the same.
        peak: the largest |integer| any fixed-point value of the layer took.
        peak_site: which value that was ("pre-activation", "weight gradient", …).
        bound_bits: B of the format.
    """

    layer: int
    shape: tuple[int, int]
    max_error: float
    mean_error: float
    peak: int
    peak_site: str
    bound_bits: int

    @property
    def headroom_bits(self) -> int:
        """(B − 1) minus the bit length of the peak: the doublings left before overflow."""
        return self.bound_bits - 1 - self.peak.bit_length()


@dataclass
class QuantizationReport:
    """Float and fixed point side by side on one test set (see the module docstring)."""

    dataset: str
    sizes: list[int]
    fmt: FixedPoint
    layers: list[LayerReport]
    n_test: int
    float_correct: int
    fixed_correct: int
    flipped: int
    float_history: History | None = None
    fixed_history: History | None = None

    @property
    def float_accuracy(self) -> float:
        """The float model's test accuracy (a fraction)."""
        return self.float_correct / self.n_test

    @property
    def fixed_accuracy(self) -> float:
        """The fixed-point model's test accuracy (a fraction)."""
        return self.fixed_correct / self.n_test

    @property
    def headroom_bits(self) -> int:
        """The smallest headroom of any layer."""
        return min(layer.headroom_bits for layer in self.layers)

    def table(self) -> str:
        """The per-layer comparison as a fixed-width table (fits 80 columns)."""
        lines = ["layer  shape   max |error|  mean |error|  largest |value|, at       headroom"]
        for row in self.layers:
            shape = "input" if row.layer == 0 else f"{row.shape[1]}→{row.shape[0]}"
            largest = f"2^{np.log2(max(row.peak, 1)):.1f}"
            lines.append(
                f"{row.layer:>5}  {shape:<6} {row.max_error:>11.2e}  {row.mean_error:>12.2e}"
                f"  {largest:<7} {row.peak_site:<17} {row.headroom_bits:>2} bits"
            )
        return "\n".join(lines)

    def summary(self) -> str:
        """The table, the format, the accuracies and the flipped predictions."""
        f, b = self.fmt.frac_bits, self.fmt.bound_bits
        sizes = "-".join(map(str, self.sizes))
        return "\n".join(
            [
                f"{sizes} MLP on {self.dataset}: f = {f} fractional bits, bound |v| < 2^{b - 1}",
                "",
                self.table(),
                "",
                f"test set: {self.n_test} rows; predictions that differ between the twins: "
                f"{self.flipped}",
                f"float accuracy: {100 * self.float_accuracy:.2f}%",
                f"fixed accuracy: {100 * self.fixed_accuracy:.2f}%",
            ]
        )

    def plot(self, directory: str | Path) -> list[Path]:
        """Write ``quantization-error.png`` and (after training) ``training-curves.png``.

        Returns:
            The paths written.

        Raises:
            ModuleNotFoundError: if matplotlib is not installed (``pip install zkpot[plots]``).
        """
        plt = pyplot()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = []

        fig, ax = plt.subplots(figsize=(6, 3.5))
        names = ["input" if row.layer == 0 else f"layer {row.layer}" for row in self.layers]
        where = np.arange(len(self.layers))
        tiny = 2.0 ** -(2 * self.fmt.frac_bits)  # a zero error still gets a visible bar
        ax.bar(where - 0.2, [max(r.max_error, tiny) for r in self.layers], 0.4, label="max")
        ax.bar(where + 0.2, [max(r.mean_error, tiny) for r in self.layers], 0.4, label="mean")
        ax.axhline(2.0**-self.fmt.frac_bits, color="gray", linestyle="--", label="$2^{-f}$")
        ax.set_yscale("log")
        ax.set_xticks(where, names)
        ax.set_ylabel("|float − fixed|")
        ax.set_title(f"Quantization error per layer (f = {self.fmt.frac_bits})")
        ax.legend()
        fig.tight_layout()
        written.append(directory / "quantization-error.png")
        fig.savefig(written[-1], dpi=120)
        plt.close(fig)

        if self.float_history is not None and self.fixed_history is not None:
            fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
            epochs = np.arange(1, len(self.float_history.loss) + 1)
            for history, name, style in (
                (self.float_history, "float", "-"),
                (self.fixed_history, "fixed", "--"),
            ):
                left.plot(epochs, history.loss, style, label=name)
                if history.test_accuracy:
                    right.plot(epochs, np.array(history.test_accuracy) * 100, style, label=name)
            left.set(xlabel="epoch", ylabel="training loss", yscale="log", title="Loss")
            right.set(xlabel="epoch", ylabel="test accuracy (%)", title="Test accuracy")
            left.legend()
            right.legend()
            fig.tight_layout()
            written.append(directory / "training-curves.png")
            fig.savefig(written[-1], dpi=120)
            plt.close(fig)
        return written


def compare(
    float_model: MLP,
    fixed_model: MLP,
    test: Dataset,
    *,
    float_history: History | None = None,
    fixed_history: History | None = None,
) -> QuantizationReport:
    """Measure the fixed-point twin against the float model on ``test``.

    Raises:
        InvalidInput: if the second model is not fixed point or the two differ in shape.
    """
    arithmetic = fixed_model.arithmetic
    if not isinstance(arithmetic, FixedArithmetic):
        raise InvalidInput("the second model must be the fixed-point one")
    if float_model.sizes != fixed_model.sizes:
        raise InvalidInput(f"models of sizes {float_model.sizes} and {fixed_model.sizes}")
    fixed_x = fixed_model.encode(test.x)
    real = float_model.forward(float_model.encode(test.x))
    fixed = fixed_model.forward(fixed_x)
    values = [(test.x, fixed_x), *zip(real.pre_activations, fixed.pre_activations, strict=True)]
    shapes = [(test.n_features, test.n_features), *(layer.shape for layer in fixed_model.layers)]
    layers = []
    for n, ((real_value, fixed_value), shape) in enumerate(zip(values, shapes, strict=True)):
        error = np.abs(real_value - arithmetic.decode(fixed_value))
        peaks = {what: peak for (layer, what), peak in arithmetic.peaks.items() if layer == n}
        site = max(peaks, key=peaks.__getitem__)
        layers.append(
            LayerReport(
                layer=n,
                shape=shape,
                max_error=float(error.max()),
                mean_error=float(error.mean()),
                peak=peaks[site],
                peak_site=site,
                bound_bits=arithmetic.fmt.bound_bits,
            )
        )
    float_predictions = np.argmax(real.output, axis=1)
    fixed_predictions = np.argmax(fixed.output, axis=1)
    return QuantizationReport(
        dataset=test.name,
        sizes=fixed_model.sizes,
        fmt=arithmetic.fmt,
        layers=layers,
        n_test=len(test),
        float_correct=int(np.sum(float_predictions == test.y)),
        fixed_correct=int(np.sum(fixed_predictions == test.y)),
        flipped=int(np.sum(float_predictions != fixed_predictions)),
        float_history=float_history,
        fixed_history=fixed_history,
    )


def load(dataset: str, *, seed: int = 0) -> tuple[Dataset, Dataset]:
    """(train, test), standardized with the training statistics, for a data set by name.

    ``"iris"``: Fisher's 150 flowers, 20% held out per class. ``"blobs"``: 512 points
    in 4 dimensions from 3 Gaussian blobs whose centres the seed draws, so how much they
    overlap (and how well any model can do) depends on the seed.

    Raises:
        InvalidInput: for an unknown name.
    """
    if dataset == "iris":
        return iris_split(seed=seed)
    if dataset == "blobs":
        data = blobs(512, n_features=4, n_classes=3, seed=seed, spread=1.5, separation=2.0)
        return standardize(*train_test_split(data, seed=seed))
    raise InvalidInput(f"unknown data set {dataset!r}; choose one of {', '.join(DATASETS)}")


def quantize_report(
    *,
    dataset: str = "iris",
    hidden: Sequence[int] = (8,),
    fmt: FixedPoint | None = None,
    schedule: Schedule | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> QuantizationReport:
    """Train an MLP in float and in fixed point side by side, then :func:`compare` them.

    Args:
        dataset: ``"iris"`` or ``"blobs"`` (see :func:`load`).
        hidden: the hidden layers' widths (``(8,)`` makes Iris's 4-8-3 network).
        fmt: the fixed-point format (the default: f = 16, B = 24).
        schedule: epochs, learning rate, batch size (the default: 100 epochs, lr = 1/16,
            batches of 8).
        seed: seeds the data split and the initial weights (the schedule seeds the batches).
        progress: called with a line of text every tenth epoch.

    Raises:
        FixedPointOverflow: if an input does not fit the format (found before training),
            or a value leaves the bound while training.
        InvalidInput: for an unknown data set or a bad schedule.
    """
    fmt = FixedPoint() if fmt is None else fmt
    schedule = Schedule(seed=seed) if schedule is None else schedule
    train_set, test_set = load(dataset, seed=seed)
    for part, name in ((train_set, "training"), (test_set, "test")):  # before any training
        fmt.quantize_array(part.x, f"{dataset} {name} inputs")
    sizes = [train_set.n_features, *hidden, train_set.n_classes]
    float_model, fixed_model = twins(sizes, seed=seed, fmt=fmt)
    histories = []
    for model in (float_model, fixed_model):
        name = model.arithmetic.name

        def report(epoch: int, history: History, name: str = name) -> None:
            if progress is not None and (epoch % 10 == 0 or epoch == schedule.epochs):
                progress(
                    f"{name:>5} epoch {epoch:>4}/{schedule.epochs}: loss {history.loss[-1]:.5f}, "
                    f"test accuracy {100 * history.test_accuracy[-1]:.2f}%"
                )

        histories.append(train(model, train_set, schedule, test=test_set, progress=report))
    return compare(
        float_model,
        fixed_model,
        test_set,
        float_history=histories[0],
        fixed_history=histories[1],
    )
