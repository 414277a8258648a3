"""The MLP twins: the float model against a direct transcription of the formulas, the
fixed-point model against the float one within bounds derived from f, its integers against
a plain-Python re-implementation, its gradient against finite differences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zkpot.errors import InvalidInput
from zkpot.ml.fixedpoint import FixedPoint, FixedPointOverflow
from zkpot.ml.model import MLP, FixedArithmetic, Layer, initial_layers, twins

# -- an independent float transcription of the formulas --------------------------------


def formulas(layers: list[Layer], x: np.ndarray, t: np.ndarray) -> dict:
    """z, a, δ and the batch-mean gradients of ½‖ŷ − t‖², written out directly."""
    a, zs, acts = x, [], [x]
    for n, layer in enumerate(layers, 1):
        z = a @ layer.weight.T + layer.bias
        zs.append(z)
        if n < len(layers):
            a = np.maximum(z, 0.0)
            acts.append(a)
    deltas = {len(layers): zs[-1] - t}
    for n in range(len(layers), 1, -1):
        deltas[n - 1] = (deltas[n] @ layers[n - 1].weight) * (zs[n - 2] >= 0)
    grads = [(deltas[n].T @ acts[n - 1] / len(x), deltas[n].mean(axis=0)) for n in deltas]
    return {"z": zs, "a": acts, "delta": deltas, "grads": sorted(grads, key=len)}


def test_the_float_model_is_the_formulas() -> None:
    rng = np.random.default_rng(1)
    float_net, _ = twins([3, 5, 4, 2], seed=1)
    for layer in float_net.layers:
        layer.bias = rng.normal(size=layer.bias.shape)
    x, t = rng.normal(size=(8, 3)), np.eye(2)[rng.integers(0, 2, 8)]
    trace = float_net.forward(x)
    expected = formulas(float_net.real_layers(), x, t)
    for z, z_expected in zip(trace.pre_activations, expected["z"], strict=True):
        np.testing.assert_allclose(z, z_expected, rtol=1e-12)
    grads = float_net.backward(trace, t)
    for n, grad in enumerate(grads, 1):
        delta, a = expected["delta"][n], expected["a"][n - 1]
        np.testing.assert_allclose(grad.weight, delta.T @ a / 8, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(grad.bias, delta.mean(axis=0), rtol=1e-12, atol=1e-15)


# -- bounds derived from f ------------------------------------------------------------


def error_bounds(layers: list[Layer], x: np.ndarray, t: np.ndarray, f: int) -> dict:
    """Bounds on |float − fixed| when both twins hold the same weights and x is on the grid.

    Forward: a floor rescale loses less than u = 2^−f, and an error e in a layer's input
    becomes at most e·|W|ᵀ (ReLU is 1-Lipschitz: it passes errors on unchanged).
    Backward, when the ReLU masks agree: with δ̃ = δ + ε and ã = a + η,
    δ̃ã − δa = δη + εa + εη; the batch mean is rounded (u/2), and δ sent down through W
    is floored (u)."""
    u = 2.0**-f
    real = formulas(layers, x, t)
    z_bounds, error = [], np.zeros_like(x)
    for layer in layers:
        error = error @ np.abs(layer.weight).T + u
        z_bounds.append(error)
    a_bounds = [np.zeros_like(x), *z_bounds[:-1]]
    grad_bounds = {}
    delta_error = z_bounds[-1]
    for n in range(len(layers), 0, -1):
        delta, a, eta = np.abs(real["delta"][n]), np.abs(real["a"][n - 1]), a_bounds[n - 1]
        weight = (delta.T @ eta + delta_error.T @ a + delta_error.T @ eta) / len(x) + u / 2
        grad_bounds[n] = (weight, delta_error.mean(axis=0) + u / 2)
        if n > 1:
            mask = real["z"][n - 2] >= 0
            delta_error = (delta_error @ np.abs(layers[n - 1].weight) + u) * mask
    return {"z": z_bounds, "grads": grad_bounds, "real": real}


def on_grid(fmt: FixedPoint, values: np.ndarray) -> np.ndarray:
    return fmt.dequantize_array(fmt.quantize_array(values))


shapes = st.lists(st.integers(1, 6), min_size=2, max_size=4)


@settings(max_examples=60, deadline=None)
@given(shapes, st.integers(0, 2**32), st.integers(8, 20), st.sampled_from([24, 40]))
def test_fixed_forward_is_within_the_derived_bound(sizes, seed, f, bound_bits) -> None:
    fmt = FixedPoint(frac_bits=f, bound_bits=max(bound_bits, f + 8))
    float_net, fixed_net = twins(sizes, seed=seed, fmt=fmt)
    x = on_grid(fmt, np.random.default_rng(seed).normal(size=(4, sizes[0])))
    fixed = fixed_net.forward(fixed_net.encode(x))
    real = float_net.forward(x)
    bounds = error_bounds(float_net.real_layers(), x, np.zeros_like(real.output), f)
    zs = zip(real.pre_activations, fixed.pre_activations, bounds["z"], strict=True)
    for z_real, z_fixed, bound in zs:
        error = np.abs(z_real - fmt.dequantize_array(z_fixed))
        assert np.all(error <= bound * (1 + 1e-9)), (error, bound)
        # and the floor makes fixed point never larger in the first layer
    assert np.all(fmt.dequantize_array(fixed.pre_activations[0]) <= real.pre_activations[0])


@settings(max_examples=60, deadline=None)
@given(shapes, st.integers(0, 2**32), st.integers(10, 20), st.sampled_from([1, 2, 4, 8]))
def test_fixed_gradients_are_within_the_derived_bound(sizes, seed, f, batch) -> None:
    fmt = FixedPoint(frac_bits=f, bound_bits=40)
    float_net, fixed_net = twins(sizes, seed=seed, fmt=fmt)
    rng = np.random.default_rng(seed)
    x = on_grid(fmt, rng.normal(size=(batch, sizes[0])))
    t = np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)]
    bounds = error_bounds(float_net.real_layers(), x, t, f)
    fixed_trace = fixed_net.forward(fixed_net.encode(x))
    # A ReLU mask may differ only where the float pre-activation is within the bound of 0.
    hidden = zip(bounds["real"]["z"][:-1], fixed_trace.active, bounds["z"][:-1], strict=True)
    for z_real, active, bound in hidden:
        differs = (z_real >= 0) != active
        assert np.all(np.abs(z_real[differs]) <= bound[differs])
        assume(not differs.any())  # the gradient bound below needs the same masks
    fixed_grads = fixed_net.backward(fixed_trace, fixed_net.encode(t))
    real_grads = float_net.backward(float_net.forward(x), t)
    for n, (real, fixed) in enumerate(zip(real_grads, fixed_grads, strict=True), 1):
        weight_bound, bias_bound = bounds["grads"][n]
        error = np.abs(real.weight - fmt.dequantize_array(fixed.weight))
        assert np.all(error <= weight_bound * (1 + 1e-9)), (n, error, weight_bound)
        error = np.abs(real.bias - fmt.dequantize_array(fixed.bias))
        assert np.all(error <= bias_bound * (1 + 1e-9)), (n, error, bias_bound)


def float_loss(layers: list[Layer], x: np.ndarray, t: np.ndarray) -> float:
    return float(0.5 * np.sum((formulas(layers, x, t)["z"][-1] - t) ** 2))


@pytest.mark.parametrize("seed", range(6))
def test_fixed_gradient_of_one_sample_matches_finite_differences(seed) -> None:
    f = 16
    fmt = FixedPoint(frac_bits=f)
    float_net, fixed_net = twins([4, 8, 3], seed=seed, fmt=fmt)
    rng = np.random.default_rng(seed)
    x = on_grid(fmt, rng.normal(size=(1, 4)))
    t = np.eye(3)[[seed % 3]]
    fixed_grads = fixed_net.backward(fixed_net.forward(fixed_net.encode(x)), fixed_net.encode(t))
    layers = float_net.real_layers()
    bounds = error_bounds(layers, x, t, f)
    h = 1e-6  # the loss is piecewise quadratic: central differences are exact off the kinks
    for n, layer in enumerate(layers, 1):
        for name in ("weight", "bias"):
            values = getattr(layer, name)
            fixed = fmt.dequantize_array(getattr(fixed_grads[n - 1], name))
            bound = bounds["grads"][n][0 if name == "weight" else 1]
            for index in np.ndindex(values.shape):
                saved = values[index]
                values[index] = saved + h
                up = float_loss(layers, x, t)
                values[index] = saved - h
                down = float_loss(layers, x, t)
                values[index] = saved
                numeric = (up - down) / (2 * h)
                assert abs(numeric - fixed[index]) <= bound[index] + 1e-6, (n, name, index)


# -- the integers, bit for bit ------------------------------------------------------


def python_step(layers, x, t, f, log2_lr):
    """One SGD step in plain Python integers, loops and //, written from the definitions:
    z = ⌊(Σ w·a + b·2^f) / 2^f⌋; a = z if z ≥ 0 else 0; δ_L = ŷ − t;
    δ_below = ⌊Σ δ·w / 2^f⌋ if z_below ≥ 0 else 0; g_w = round(Σ_s δ·a / 2^(f + log₂ n));
    g_b = round(Σ_s δ / n); w ← w − round(g / 2^log2_lr), rounding = ⌊(v + half) / 2^k⌋."""

    def round_shift(v, k):
        return (v + (1 << k >> 1)) >> k

    n = len(x)
    log2_n = n.bit_length() - 1
    acts, zs = [x], []
    for i, (w, b) in enumerate(layers):
        z = [
            [
                (sum(w[o][j] * a[j] for j in range(len(a))) + (b[o] << f)) // 2**f
                for o in range(len(w))
            ]
            for a in acts[-1]
        ]
        zs.append(z)
        if i < len(layers) - 1:
            acts.append([[v if v >= 0 else 0 for v in row] for row in z])
    deltas = [
        [
            [y - target for y, target in zip(zr, tr, strict=True)]
            for zr, tr in zip(zs[-1], t, strict=True)
        ]
    ]
    for i in range(len(layers) - 1, 0, -1):
        w, below = layers[i][0], zs[i - 1]
        deltas.insert(
            0,
            [
                [
                    (sum(d[o] * w[o][j] for o in range(len(w))) // 2**f) if below[s][j] >= 0 else 0
                    for j in range(len(w[0]))
                ]
                for s, d in enumerate(deltas[0])
            ],
        )
    new = []
    for (w, b), delta, a in zip(layers, deltas, acts, strict=True):
        gw = [
            [
                round_shift(sum(delta[s][o] * a[s][j] for s in range(n)), f + log2_n)
                for j in range(len(w[0]))
            ]
            for o in range(len(w))
        ]
        gb = [round_shift(sum(delta[s][o] for s in range(n)), log2_n) for o in range(len(w))]
        new.append(
            (
                [
                    [w[o][j] - round_shift(gw[o][j], log2_lr) for j in range(len(w[0]))]
                    for o in range(len(w))
                ],
                [b[o] - round_shift(gb[o], log2_lr) for o in range(len(w))],
            )
        )
    return new


@settings(max_examples=40, deadline=None)
@given(shapes, st.integers(0, 2**32), st.sampled_from([1, 2, 4]), st.sampled_from([24, 48]))
def test_a_training_step_is_bit_exact_against_plain_python(sizes, seed, batch, bound_bits) -> None:
    fmt = FixedPoint(frac_bits=12, bound_bits=bound_bits)
    _, fixed_net = twins(sizes, seed=seed, fmt=fmt)
    rng = np.random.default_rng(seed)
    x = fixed_net.encode(rng.normal(size=(batch, sizes[0])))
    t = fixed_net.encode(np.eye(sizes[-1])[rng.integers(0, sizes[-1], batch)])
    as_lists = [(layer.weight.tolist(), layer.bias.tolist()) for layer in fixed_net.layers]
    expected = python_step(as_lists, x.tolist(), t.tolist(), 12, 2)
    fixed_net.step(fixed_net.backward(fixed_net.forward(x), t), 2)
    for layer, (w, b) in zip(fixed_net.layers, expected, strict=True):
        assert [[int(v) for v in row] for row in layer.weight] == w
        assert [int(v) for v in layer.bias] == b


def test_int64_and_python_integers_give_the_same_integers() -> None:
    """B = 24 sums products in int64 (proven exact); B = 48 stores int64 but sums products in
    Python integers (2·47 > 63); B = 70 stores Python integers too (B > 62)."""
    assert FixedPoint(bound_bits=24).fits_int64(2**16)
    assert not FixedPoint(bound_bits=48).fits_int64(2)
    rng = np.random.default_rng(5)
    x, t = rng.normal(size=(8, 4)), np.eye(3)[rng.integers(0, 3, 8)]
    results = []
    for bound_bits in (24, 48, 70):
        _, net = twins([4, 8, 3], seed=5, fmt=FixedPoint(frac_bits=16, bound_bits=bound_bits))
        for _ in range(20):
            net.step(net.backward(net.forward(net.encode(x)), net.encode(t)), 3)
        results.append(net)
    small, middle, large = results
    assert middle.layers[0].weight.dtype == np.int64 and large.layers[0].weight.dtype == object
    for net in (middle, large):
        for a, b in zip(small.layers, net.layers, strict=True):
            assert a.weight.tolist() == b.weight.tolist() and a.bias.tolist() == b.bias.tolist()


def test_fits_int64_is_the_exact_limit() -> None:
    fmt = FixedPoint(frac_bits=8, bound_bits=24)  # products below 2^46
    assert fmt.fits_int64(2**17) and not fmt.fits_int64(2**17 + 1)
    assert FixedPoint(bound_bits=62).dtype is np.int64 and FixedPoint(bound_bits=63).dtype is object


def test_the_largest_int64_format_subtracts_without_wrapping() -> None:
    """B = 62 stores int64: a weight near −2^61 minus an update near +2^61 must raise
    FixedPointOverflow, not wrap around int64."""
    fmt = FixedPoint(frac_bits=0, bound_bits=62, max_terms=2)
    arithmetic = FixedArithmetic(fmt)
    near = (1 << 61) - 1
    layer = Layer(np.array([[-near]]), np.array([0]))
    grad = Layer(np.array([[near]]), np.array([0]))
    with pytest.raises(FixedPointOverflow, match="layer 1 weight"):
        arithmetic.step(layer, grad, 0, (1, "weight"))


# -- prediction -----------------------------------------------------------------------


def test_argmax_ties_go_to_the_lowest_index() -> None:
    layer = Layer(np.zeros((4, 2)), np.array([1.0, 3.0, 3.0, -2.0]))
    for arithmetic in (None, FixedArithmetic()):
        net = MLP([layer], arithmetic)
        x = net.encode(np.ones((2, 2)))
        assert net.predict(x).tolist() == [1, 1]
        assert net.correct(x, np.array([1, 2])) == 1
    zero = MLP([Layer(np.zeros((3, 2)), np.zeros(3))], FixedArithmetic())
    assert zero.predict(zero.encode(np.ones((1, 2)))).tolist() == [0]


def test_relu_derivative_uses_the_forward_sign_bit_at_zero() -> None:
    """z = 0 exactly: the sign bit says "not negative", so the error passes (ReLU′(0) = 1)."""
    layers = [
        Layer(np.array([[1.0], [-1.0]]), np.zeros(2)),
        Layer(np.array([[1.0, 1.0]]), np.zeros(1)),
    ]
    for arithmetic in (None, FixedArithmetic()):
        net = MLP(layers, arithmetic)
        trace = net.forward(net.encode(np.zeros((1, 1))))
        assert trace.active[0].tolist() == [[True, True]]
        grads = net.backward(trace, net.encode(np.array([[1.0]])))
        assert net.arithmetic.decode(grads[0].bias).tolist() == [-1.0, -1.0]


# -- errors -----------------------------------------------------------------------------


def test_overflow_names_the_layer_and_the_value() -> None:
    fmt = FixedPoint(frac_bits=8, bound_bits=14)  # |v| < 2^13: real values below 32
    _, net = twins([2, 4, 2], seed=0, fmt=fmt)
    with pytest.raises(FixedPointOverflow, match=r"input \[0, 1\]: value 12800 "):
        net.encode(np.array([[1.0, 50.0]]))
    x = net.encode(np.array([[20.0, -20.0]]))
    with pytest.raises(FixedPointOverflow, match=r"layer 1 pre-activation \[0, \d\]"):
        for layer in net.layers:
            layer.weight = layer.weight * 8
        net.forward(x)


def test_overflow_is_named_even_when_the_sum_needed_python_integers() -> None:
    """B = 48 stores int64 but sums in Python ints: a quotient beyond int64 must be reported
    as FixedPointOverflow with its layer, not as numpy's conversion error."""
    fmt = FixedPoint(frac_bits=4, bound_bits=48)
    big = float(2**42 / 2**4)  # stored as 2^42, just inside the bound 2^47
    net = MLP([Layer(np.full((1, 2), big), np.zeros(1))], FixedArithmetic(fmt))
    with pytest.raises(FixedPointOverflow, match=r"layer 1 pre-activation \[0, 0\]"):
        net.forward(net.encode(np.full((1, 2), big)))


def test_training_that_diverges_raises_instead_of_wrapping() -> None:
    fmt = FixedPoint(frac_bits=8, bound_bits=16)
    _, net = twins([2, 4, 2], seed=0, fmt=fmt)
    x, t = net.encode(np.array([[3.0, -3.0], [-3.0, 3.0]])), net.encode(np.eye(2))
    with pytest.raises(FixedPointOverflow, match=r"layer \d"):
        for _ in range(200):  # a learning rate of 2 makes the weights explode
            net.step(net.backward(net.forward(x), t), 0)


def test_peaks_record_the_largest_magnitudes() -> None:
    fmt = FixedPoint(frac_bits=8)
    _, net = twins([2, 3, 2], seed=0, fmt=fmt)
    x = net.encode(np.array([[1.5, -2.0]]))
    trace = net.forward(x)
    peaks = net.arithmetic.peaks
    assert peaks[(0, "input")] == 512
    assert peaks[(1, "pre-activation")] == int(np.abs(trace.pre_activations[0]).max())
    assert peaks[(1, "weight")] == int(np.abs(net.layers[0].weight).max())


def test_bad_shapes_and_batches_are_refused() -> None:
    with pytest.raises(InvalidInput, match="layer 1 has 3 outputs"):
        MLP([Layer(np.zeros((3, 2)), np.zeros(3)), Layer(np.zeros((2, 4)), np.zeros(2))])
    with pytest.raises(InvalidInput, match="bias"):
        MLP([Layer(np.zeros((3, 2)), np.zeros(2))])
    with pytest.raises(InvalidInput, match="at least one layer"):
        MLP([])
    with pytest.raises(InvalidInput, match="sizes"):
        initial_layers([4])
    for arithmetic in (None, FixedArithmetic()):
        net = MLP(initial_layers([2, 2]), arithmetic)
        with pytest.raises(InvalidInput, match="rows of 2 inputs"):
            net.forward(net.encode(np.zeros((1, 3))))
        x, t = net.encode(np.zeros((3, 2))), net.encode(np.zeros((3, 2)))
        with pytest.raises(InvalidInput, match="power of two"):
            net.backward(net.forward(x), t)
        with pytest.raises(InvalidInput, match="log2_lr must lie in 0 … 62"):
            net.step(net.backward(net.forward(x[:2]), t[:2]), 63)
        with pytest.raises(InvalidInput, match="1 gradients for 2 layers"):
            MLP(initial_layers([2, 2, 2]), arithmetic).step(
                [Layer(np.zeros((2, 2)), np.zeros(2))], 1
            )


def test_initial_weights_are_he_uniform_and_on_the_grid() -> None:
    fmt = FixedPoint(frac_bits=10)
    layers = initial_layers([50, 40], seed=3, fmt=fmt)
    limit = np.sqrt(6 / 50)
    assert np.abs(layers[0].weight).max() <= limit + 2**-11
    assert abs(np.abs(layers[0].weight).mean() - limit / 2) < 0.05 * limit  # U(−l, l): E|w| = l/2
    assert np.array_equal(layers[0].weight * 2**10, np.round(layers[0].weight * 2**10))
    assert not np.array_equal(layers[0].weight, initial_layers([50, 40], seed=4)[0].weight)


def test_the_bounds_act_alike_in_float_and_in_fixed_point() -> None:
    """Projected SGD (W = 1/2) and the clipped output error (D = 1) in both arithmetics, on
    inputs three times their spread: the twins stay within 2^−8 of each other and in
    [−W, W]. Without the clamp the weights leave it; without the clip too, the
    fixed-point training overflows."""
    from zkpot.ml.datasets import blobs, standardize, train_test_split
    from zkpot.ml.model import FloatArithmetic
    from zkpot.ml.train import Schedule, train

    fmt = FixedPoint()
    data, _ = standardize(*train_test_split(blobs(128, seed=3), seed=3))
    data = dataclasses.replace(data, x=3 * data.x)
    schedule = Schedule(epochs=5, log2_lr=3, log2_batch=3)

    def trained(weight_bound: float | None, error_bound: float | None) -> list[np.ndarray]:
        nets = twins([2, 8, 3], seed=2, fmt=fmt)
        nets[0].arithmetic = FloatArithmetic(weight_bound, error_bound)
        scaled = [None if b is None else int(b * fmt.scale) for b in (weight_bound, error_bound)]
        nets[1].arithmetic = FixedArithmetic(fmt, weight_bound=scaled[0], error_bound=scaled[1])
        for net in nets:
            train(net, data, schedule)
        return [np.concatenate([w for layer in net.real_layers()
                                for w in (layer.weight.ravel(), layer.bias)])
                for net in nets]  # fmt: skip

    real, fixed = trained(0.5, 1.0)
    assert np.abs(real - fixed).max() < 2**-8
    assert np.abs(real).max() <= 0.5 and np.abs(fixed).max() <= 0.5
    assert np.abs(trained(None, 1.0)[1]).max() > 1
    with np.errstate(all="ignore"), pytest.raises(FixedPointOverflow):
        trained(None, None)


def test_the_bounds_must_fit_the_format() -> None:
    with pytest.raises(InvalidInput, match="weight_bound"):
        FixedArithmetic(FixedPoint(), weight_bound=2**23)
    with pytest.raises(InvalidInput, match="error_bound"):
        FixedArithmetic(FixedPoint(), error_bound=0.5)  # type: ignore[arg-type]
