"""A multilayer perceptron, twice: in floating point and in fixed point.

The network is the smallest that is still a neural network: dense layers with a
ReLU between them and a linear output,

    z₁ = W₁·x + b₁,   a₁ = ReLU(z₁),   …,   ŷ = z_L = W_L·a_{L−1} + b_L,

trained to minimise the squared error against one-hot targets t,

    loss = ½ ‖ŷ − t‖²   (averaged over a batch).

Two optional bounds turn this into the training the proof of training uses (both off
by default; :func:`zkpot.ml.statement.fixed_model` turns both on):

- an **error bound** D clips the output error δ = ŷ − t to [−D, D]: the gradient of
  the Huber loss with threshold D, which is the squared error for |ŷ − t| ≤ D and grows
  only linearly beyond, so one wild output cannot make a wild step;
- a **weight bound** W makes the step *projected* SGD: after every step each weight and
  bias is clamped to [−W, W].

Together they bound every value of a round whatever the model and data within their
bounds (:mod:`zkpot.ml.headroom`).

:class:`MLP` writes the forward pass, the backward pass and the SGD step **once**;
the numbers they run on come from an *arithmetic*:

- :class:`FloatArithmetic` — numpy float64, the reference;
- :class:`FixedArithmetic` — integers at scale 2^f (:class:`~zkpot.ml.fixedpoint.FixedPoint`),
  every product followed by a floor rescale and every value checked against the
  declared bound. These are exactly the integers a circuit will reproduce: each
  method of it becomes one gadget there.

Only six operations differ between the two, and they sit side by side below:
``linear`` (a dot product, then one rescale), ``relu`` (the sign bit, kept for the
backward pass), ``output_error`` (δ clipped to the error bound), ``backprop`` (the
error sent back through a layer), ``gradient`` (the batch mean of the outer products:
one rescale by 2^(f + log₂ batch)) and ``step`` (W − lr·g with lr = 2^−k: a shift,
then the clamp to the weight bound). The forward and backward passes
floor; the training update rounds to nearest (a floor of v + ½), because a floor
there would push every weight the same way at every step. Everything else — the subtraction
ŷ − t, the order of operations, the argmax — is the same code.

>>> import numpy as np
>>> from zkpot.ml.fixedpoint import FixedPoint
>>> float_net, fixed_net = twins([2, 3, 2], seed=4, fmt=FixedPoint(frac_bits=8))
>>> x = np.array([[0.5, -1.0]])
>>> fixed_net.forward(fixed_net.encode(x)).output          # integers at scale 2^8
array([[-214,  675]])
>>> np.round(float_net.forward(x).output * 256, 2)         # the float twin, scaled the same
array([[-212.41,  675.56]])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.ml.fixedpoint import FixedPoint

MAX_LOG2 = 62
"""The largest shift a learning rate or batch size may ask for (2^−62 is already nothing)."""

Site = tuple[int, str]
"""Where a value lives: (layer number, what it is) — layer 0 is the input."""


@dataclass
class Layer:
    """One dense layer: ``weight`` of shape (outputs, inputs) and ``bias`` of shape (outputs,)."""

    weight: np.ndarray
    bias: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """(outputs, inputs)."""
        return self.weight.shape


@dataclass
class Trace:
    """What a forward pass computed: everything the backward pass and the error report read.

    Attributes:
        inputs: the input of every layer (``inputs[0]`` is x, then each hidden activation).
        pre_activations: z of every layer (the last one is the output ŷ).
        active: the ReLU sign bits of every hidden layer (z ≥ 0).
    """

    inputs: list[np.ndarray]
    pre_activations: list[np.ndarray]
    active: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        """ŷ, shape (batch, classes)."""
        return self.pre_activations[-1]


def _where(site: Site) -> str:
    layer, what = site
    return what if layer == 0 else f"layer {layer} {what}"


def _log2_exact(n: int, what: str) -> int:
    if n < 1 or n & (n - 1):
        raise InvalidInput(f"{what} must be a power of two, got {n}")
    return n.bit_length() - 1


@dataclass
class FloatArithmetic:
    """Real numbers as float64: the reference the fixed-point twin is measured against.

    Attributes:
        weight_bound: W, a real number: every step clamps the new weights and biases to
            [−W, W] (projected SGD); ``None`` (the default) for plain SGD.
        error_bound: D, a real number: the output error is clipped to [−D, D] (the Huber
            loss's gradient); ``None`` (the default) for the squared error's.
    """

    weight_bound: float | None = None
    error_bound: float | None = None

    name = "float"

    def encode(self, x: np.ndarray, site: Site = (0, "input")) -> np.ndarray:
        """Real numbers → this arithmetic's numbers (here: float64 as they are)."""
        return np.asarray(x, dtype=np.float64)

    def decode(self, v: np.ndarray) -> np.ndarray:
        """This arithmetic's numbers → real numbers."""
        return np.asarray(v, dtype=np.float64)

    def linear(self, x: np.ndarray, layer: Layer, site: Site) -> np.ndarray:
        """z = x·Wᵀ + b for a batch of rows x."""
        return x @ layer.weight.T + layer.bias

    def relu(self, z: np.ndarray, site: Site) -> tuple[np.ndarray, np.ndarray]:
        """(ReLU(z), the sign bits z ≥ 0 that the backward pass reuses)."""
        active = z >= 0
        return np.where(active, z, 0.0), active

    def output_error(self, error: np.ndarray, site: Site) -> np.ndarray:
        """δ = ŷ − t (masked), clipped to [−D, D] if there is an error bound D."""
        if self.error_bound is None:
            return error
        return np.clip(error, -self.error_bound, self.error_bound)

    def backprop(
        self, delta: np.ndarray, layer: Layer, active: np.ndarray, site: Site
    ) -> np.ndarray:
        """∂loss/∂z of the layer below: (δ·W) ⊙ ReLU′, with ReLU′ the forward's sign bits."""
        return (delta @ layer.weight) * active

    def gradient(self, delta: np.ndarray, inputs: np.ndarray, site: Site) -> Layer:
        """The batch mean of δ ⊗ input (for W) and of δ (for b)."""
        batch = 2.0 ** _log2_exact(len(delta), "the batch size")
        return Layer(delta.T @ inputs / batch, delta.sum(axis=0) / batch)

    def step(self, layer: Layer, grad: Layer, log2_lr: int, site: Site) -> Layer:
        """W − lr·g and b − lr·g_b with lr = 2^−log2_lr, clamped to [−W, W] if bounded."""
        lr = 2.0**-log2_lr
        new = Layer(layer.weight - lr * grad.weight, layer.bias - lr * grad.bias)
        if self.weight_bound is None:
            return new
        bound = self.weight_bound
        return Layer(np.clip(new.weight, -bound, bound), np.clip(new.bias, -bound, bound))


@dataclass
class FixedArithmetic:
    """Integers at scale 2^f with floor rescales: the arithmetic a circuit proves.

    Every value produced is checked against the bound of ``fmt`` (raising
    :class:`~zkpot.ml.fixedpoint.FixedPointOverflow` with the layer, the index and the
    value) and its magnitude recorded in :attr:`peaks`, per site, for the headroom report.

    Products are summed in int64 when :meth:`FixedPoint.fits_int64` proves the sum
    exact (every factor is a checked value, so below 2^(B−1)), and in Python integers
    otherwise; the two give the same integers.

    Attributes:
        fmt: the format (f, B).
        peaks: the largest magnitude seen per site.
        weight_bound: W·2^f, an integer: every step clamps the new parameters to
            [−W·2^f, W·2^f]; ``None`` (the default) for plain SGD.
        error_bound: D·2^f, an integer: the output error is clipped to [−D·2^f, D·2^f];
            ``None`` (the default) for the squared error's.
    """

    fmt: FixedPoint = field(default_factory=FixedPoint)
    peaks: dict[Site, int] = field(default_factory=dict)
    weight_bound: int | None = None
    error_bound: int | None = None

    def __post_init__(self) -> None:
        for name in ("weight_bound", "error_bound"):
            bound = getattr(self, name)
            if bound is not None and (type(bound) is not int or not 0 <= bound < self.fmt.bound):
                raise InvalidInput(f"{name}: an integer in 0 … 2^(B−1) − 1 or None, got {bound!r}")

    name = "fixed"

    def encode(self, x: np.ndarray, site: Site = (0, "input")) -> np.ndarray:
        """Quantize real numbers: ⌊x·2^f + ½⌋, checked."""
        return self.check(self.fmt.quantize_array(x, _where(site)), site)

    def decode(self, v: np.ndarray) -> np.ndarray:
        """v / 2^f."""
        return self.fmt.dequantize_array(v)

    def check(self, v: np.ndarray, site: Site) -> np.ndarray:
        """v itself, once every entry is inside the bound; records the largest magnitude."""
        peak = self.fmt.check_array(v, _where(site))
        self.peaks[site] = max(self.peaks.get(site, 0), peak)
        return v

    def _products(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a @ b exactly: in int64 when that is proven safe, otherwise in Python integers.

        With k terms the sum is below k·2^(2B−2); what is added to it before its rescale
        (a bias b·2^f, or the rounding constant 2^(f+m−1) of a batch of k = 2^m) is below
        that too, so proving 2k terms safe covers both.
        """
        if self.fmt.fits_int64(2 * a.shape[-1]):
            return a @ b
        return a.astype(object) @ b.astype(object)

    def _rescale(self, v: np.ndarray, bits: int, site: Site) -> np.ndarray:
        """⌊v / 2^bits⌋, bound-checked: a circuit range-checks the remainder in [0, 2^bits)
        *and* the quotient in the signed bound (:func:`zkpot.plonk.gadgets.rescale`)."""
        quotient, _ = self.fmt.rescale_array(v, bits)
        return self.check(quotient, site).astype(self.fmt.dtype)  # checked, so it fits

    def linear(self, x: np.ndarray, layer: Layer, site: Site) -> np.ndarray:
        """z = ⌊(x·Wᵀ + b·2^f) / 2^f⌋: the bias joins the sum at scale 2^2f, one rescale."""
        f = self.fmt.frac_bits
        return self._rescale(self._products(x, layer.weight.T) + (layer.bias << f), f, site)

    def relu(self, z: np.ndarray, site: Site) -> tuple[np.ndarray, np.ndarray]:
        """(ReLU(z), the sign bits z ≥ 0): a circuit computes the bit once and uses it twice."""
        active = z >= 0
        return np.where(active, z, 0).astype(self.fmt.dtype), active

    def output_error(self, error: np.ndarray, site: Site) -> np.ndarray:
        """δ = ŷ − t (masked), clipped to [−D·2^f, D·2^f] if there is an error bound, checked.

        ŷ is a checked value and t is 0 or 2^f, so the difference is a small integer
        whatever it is clipped to; without a bound it must fit the format itself.
        """
        if self.error_bound is not None:
            error = np.clip(error, -self.error_bound, self.error_bound)
        return self.check(error, site)

    def backprop(
        self, delta: np.ndarray, layer: Layer, active: np.ndarray, site: Site
    ) -> np.ndarray:
        """⌊δ·W / 2^f⌋ ⊙ ReLU′: one rescale per dot product, then a multiplication by a bit."""
        back = self._rescale(self._products(delta, layer.weight), self.fmt.frac_bits, site)
        return back * active

    def _round(self, v: np.ndarray, bits: int, site: Site) -> np.ndarray:
        """v / 2^bits rounded half up: the floor rescale of v + 2^(bits−1).

        The training update rounds instead of flooring: a floor biases every step by
        −½ unit in the same direction, and over a thousand steps that drift adds up
        (see the fixed-point ML page). In a circuit it is the same rescale gadget with
        one constant added.
        """
        return self._rescale(v + ((1 << bits) >> 1), bits, site)

    def gradient(self, delta: np.ndarray, inputs: np.ndarray, site: Site) -> Layer:
        """Σ δ ⊗ input / 2^(f + log₂ batch) and Σ δ / 2^log₂ batch, rounded: the mean is a shift."""
        log2_batch = _log2_exact(len(delta), "the batch size")
        layer, _ = site
        weight = self._products(delta.T, inputs)
        return Layer(
            self._round(weight, self.fmt.frac_bits + log2_batch, (layer, "weight gradient")),
            self._round(delta.sum(axis=0), log2_batch, (layer, "bias gradient")),
        )

    def step(self, layer: Layer, grad: Layer, log2_lr: int, site: Site) -> Layer:
        """W − g / 2^log2_lr, rounded: the learning rate 2^−log2_lr is a rescale too; then,
        with a weight bound, the clamp to [−W·2^f, W·2^f], and the check.

        The value before the clamp is the difference of two checked values, so it fits
        int64 (see :attr:`FixedPoint.dtype`) and the clamp's gadget (below 2^B); only the
        clamped value is checked, as the circuit checks it.
        """
        n, _ = site
        weight = layer.weight - self._round(grad.weight, log2_lr, (n, "weight update"))
        bias = layer.bias - self._round(grad.bias, log2_lr, (n, "bias update"))
        if self.weight_bound is not None:
            bound = self.weight_bound
            weight, bias = np.clip(weight, -bound, bound), np.clip(bias, -bound, bound)
        return Layer(self.check(weight, (n, "weight")), self.check(bias, (n, "bias")))


Arithmetic = FloatArithmetic | FixedArithmetic


class MLP:
    """A multilayer perceptron over an arithmetic (float or fixed point).

    Args:
        layers: the weights and biases as real numbers (float arrays); they are encoded
            into the arithmetic (quantized, for fixed point).
        arithmetic: :class:`FloatArithmetic` (the default) or :class:`FixedArithmetic`.

    Raises:
        InvalidInput: if consecutive layers' shapes do not chain.
    """

    def __init__(self, layers: Sequence[Layer], arithmetic: Arithmetic | None = None) -> None:
        self.arithmetic = FloatArithmetic() if arithmetic is None else arithmetic
        if not layers:
            raise InvalidInput("an MLP needs at least one layer")
        for n, (below, above) in enumerate(pairwise(layers), 1):
            if above.weight.shape[1] != below.weight.shape[0]:
                raise InvalidInput(
                    f"layer {n} has {below.weight.shape[0]} outputs, "
                    f"layer {n + 1} expects {above.weight.shape[1]} inputs"
                )
        for n, layer in enumerate(layers, 1):
            if layer.bias.shape != (layer.weight.shape[0],):
                raise InvalidInput(f"layer {n}: bias of shape {layer.bias.shape}")
        encode = self.arithmetic.encode
        self.layers = [
            Layer(encode(layer.weight, (n, "weight")), encode(layer.bias, (n, "bias")))
            for n, layer in enumerate(layers, 1)
        ]

    @property
    def sizes(self) -> list[int]:
        """[inputs, hidden…, outputs]."""
        return [self.layers[0].weight.shape[1]] + [layer.weight.shape[0] for layer in self.layers]

    def encode(self, x: np.ndarray) -> np.ndarray:
        """Real inputs → this model's numbers."""
        return self.arithmetic.encode(x)

    def real_layers(self) -> list[Layer]:
        """The weights and biases as real numbers (dequantized, for fixed point)."""
        decode = self.arithmetic.decode
        return [Layer(decode(layer.weight), decode(layer.bias)) for layer in self.layers]

    # -- the three steps of training ---------------------------------------------

    def forward(self, x: np.ndarray) -> Trace:
        """Run a batch of encoded rows x (shape (batch, inputs)) through the network."""
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise InvalidInput(f"expected rows of {self.sizes[0]} inputs, got shape {x.shape}")
        ar = self.arithmetic
        trace = Trace(inputs=[x], pre_activations=[], active=[])
        for n, layer in enumerate(self.layers, 1):
            z = ar.linear(trace.inputs[-1], layer, (n, "pre-activation"))
            trace.pre_activations.append(z)
            if n < len(self.layers):  # hidden layers: ReLU; the output stays linear
                a, active = ar.relu(z, (n, "activation"))
                trace.inputs.append(a)
                trace.active.append(active)
        return trace

    def backward(
        self, trace: Trace, targets: np.ndarray, mask: np.ndarray | None = None
    ) -> list[Layer]:
        """The batch-mean gradient of ½‖ŷ − t‖² for every layer (targets encoded, one-hot);
        of the Huber loss if the arithmetic has an error bound.

        Walks the layers from the top: δ = ŷ − t at the output (clipped to the error
        bound, if any), and for each layer its gradient (δ ⊗ its input) then δ for the
        layer below (δ·W, masked by the sign bits).

        ``mask`` (0 or 1 per row) zeroes the error of the rows marked 0: they add nothing
        to the gradient, whose mean still divides by the whole batch. The proof of
        training pads a participant's data to a fixed number of rows this way.
        """
        ar = self.arithmetic
        top = len(self.layers)
        error = trace.output - targets
        if mask is not None:
            mask = np.asarray(mask)
            if mask.shape != (len(error),) or not np.isin(mask, (0, 1)).all():
                raise InvalidInput(f"the mask holds a 0 or 1 per row, got {mask!r}")
            error = error * mask[:, None].astype(error.dtype)
        delta = ar.output_error(error, (top, "output error"))
        grads: list[Layer] = []
        for n in range(top, 0, -1):
            grads.append(ar.gradient(delta, trace.inputs[n - 1], (n, "gradient")))
            if n > 1:
                mask = trace.active[n - 2]
                delta = ar.backprop(delta, self.layers[n - 1], mask, (n - 1, "error"))
        return grads[::-1]

    def step(self, grads: Sequence[Layer], log2_lr: int) -> None:
        """SGD: every layer moves against its gradient by lr = 2^−log2_lr (in place), and
        is clamped to the arithmetic's weight bound, if it has one.

        Raises:
            InvalidInput: unless 0 ≤ log2_lr ≤ 62, or if there is not one gradient per layer.
        """
        if not 0 <= log2_lr <= MAX_LOG2:
            raise InvalidInput(f"log2_lr must lie in 0 … {MAX_LOG2}, got {log2_lr}")
        if len(grads) != len(self.layers):
            raise InvalidInput(f"{len(grads)} gradients for {len(self.layers)} layers")
        ar = self.arithmetic
        self.layers = [
            ar.step(layer, grad, log2_lr, (n, "weight"))
            for n, (layer, grad) in enumerate(zip(self.layers, grads, strict=True), 1)
        ]

    # -- using the model -----------------------------------------------------------

    def loss(self, trace: Trace, targets: np.ndarray) -> float:
        """½‖ŷ − t‖² averaged over the batch, as a real number (reported, not proven)."""
        error = self.arithmetic.decode(trace.output) - self.arithmetic.decode(targets)
        return float(0.5 * np.mean(np.sum(error**2, axis=1)))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The class of every encoded row: the argmax of ŷ, ties to the lowest index."""
        return np.argmax(self.forward(x).output, axis=1)  # argmax returns the first maximum

    def correct(self, x: np.ndarray, labels: np.ndarray) -> int:
        """How many rows are classified correctly: the count a circuit proves."""
        return int(np.sum(self.predict(x) == labels))


def initial_layers(
    sizes: Sequence[int], *, seed: int = 0, fmt: FixedPoint | None = None
) -> list[Layer]:
    """He-uniform weights U(−√(6/fan_in), +√(6/fan_in)) and zero biases, from ``seed``.

    With ``fmt`` the weights are rounded to its grid, so that a float model and a
    fixed-point model built from them start from exactly the same numbers. The random
    numbers are numpy's PCG64 doubles: the same on every platform, for a given numpy release.

    Raises:
        InvalidInput: for fewer than two sizes or a size below one.
    """
    if len(sizes) < 2 or min(sizes) < 1:
        raise InvalidInput(f"sizes must be ≥ 1 and at least two of them, got {list(sizes)}")
    rng = np.random.Generator(np.random.PCG64(seed))
    layers = []
    for fan_in, fan_out in pairwise(sizes):
        limit = np.sqrt(6.0 / fan_in)
        weight = (2.0 * rng.random((fan_out, fan_in)) - 1.0) * limit
        if fmt is not None:
            weight = fmt.dequantize_array(fmt.quantize_array(weight, "initial weights"))
        layers.append(Layer(weight, np.zeros(fan_out)))
    return layers


def twins(sizes: Sequence[int], *, seed: int = 0, fmt: FixedPoint | None = None) -> tuple[MLP, MLP]:
    """A float MLP and its fixed-point twin, starting from the same weights on fmt's grid."""
    fmt = FixedPoint() if fmt is None else fmt
    layers = initial_layers(sizes, seed=seed, fmt=fmt)
    return MLP(layers, FloatArithmetic()), MLP(layers, FixedArithmetic(fmt))
