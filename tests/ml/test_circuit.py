"""The fixed-point arithmetic in a circuit: bit-exact against FixedArithmetic, its overflow
refused, and a tiny 2-3-2 forward pass proven."""

from __future__ import annotations

import random
import re
from itertools import pairwise

import numpy as np
import pytest

from zkpot.ml.circuit import CircuitArithmetic
from zkpot.ml.fixedpoint import FixedPoint, FixedPointOverflow
from zkpot.ml.model import FixedArithmetic, Layer
from zkpot.plonk import Circuit, preprocess, prove, verify
from zkpot.plonk.circuit import UnsatisfiedConstraint, signed
from zkpot.plonk.keys import srs_size
from zkpot.poly.kzg import SRS

FMT = FixedPoint(frac_bits=8, bound_bits=16)


def random_layer(rng: np.random.Generator, outputs: int, inputs: int, scale: int) -> Layer:
    return Layer(
        rng.integers(-scale, scale, (outputs, inputs)), rng.integers(-scale, scale, outputs)
    )


def build(sizes: list[int], table_bits: int = 4):
    """A forward pass over ``sizes`` (ReLU between layers), its inputs and outputs."""
    c = Circuit()
    arith = CircuitArithmetic(c, FMT, table_bits=table_bits)
    x = [c.private_input(f"x{i}") for i in range(sizes[0])]
    params, values = [], x
    for n, (inputs, outputs) in enumerate(pairwise(sizes), 1):
        shape = Layer(
            np.zeros((outputs, inputs), dtype=np.int64), np.zeros(outputs, dtype=np.int64)
        )
        weight, bias = arith.layer_inputs(c, shape, f"l{n}")
        z, signs = arith.linear(values, weight, bias)
        values = arith.relu(z, signs) if n < len(sizes) - 1 else z
        params.append((weight, bias))
    return c, x, params, values


def assignment(x: np.ndarray, layers: list[Layer]) -> dict[str, int]:
    out = {f"x{i}": int(v) for i, v in enumerate(x)}
    for n, layer in enumerate(layers, 1):
        for j, row in enumerate(layer.weight):
            out.update({f"l{n}_w{j}_{i}": int(v) for i, v in enumerate(row)})
            out[f"l{n}_b{j}"] = int(layer.bias[j])
    return out


def twin_forward(x: np.ndarray, layers: list[Layer]) -> np.ndarray:
    arith = FixedArithmetic(FMT)
    values = x[None, :]
    for n, layer in enumerate(layers, 1):
        z = arith.linear(values, layer, (n, "pre-activation"))
        values = arith.relu(z, (n, "activation"))[0] if n < len(layers) else z
    return values[0]


@pytest.mark.parametrize("seed", range(6))
def test_forward_passes_are_the_twins_integers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(2, 4)))]
    layers = [random_layer(rng, o, i, 300) for i, o in pairwise(sizes)]
    x = rng.integers(-400, 400, sizes[0])
    c, _, _, out = build(sizes)
    w = c.compile().solve(assignment(x, layers))
    assert [signed(w[v.index]) for v in out] == [int(v) for v in twin_forward(x, layers)]


def test_relu_uses_the_sign_and_is_the_twins() -> None:
    arith = FixedArithmetic(FMT)
    z = np.array([-5, 0, 7, -300, 299])
    relu, active = arith.relu(z, (1, "z"))
    c = Circuit()
    ca = CircuitArithmetic(c, FMT, table_bits=4)
    xs = [c.private_input(f"x{i}") for i in range(5)]
    one = c.constant(1 << FMT.frac_bits)
    zs, signs = ca.linear([one], [[x] for x in xs], [0] * 5)  # z = ⌊x·2^f / 2^f⌋ = x
    out = ca.relu(zs, signs)
    w = c.compile().solve({f"x{i}": int(v) for i, v in enumerate(z)})
    assert [signed(w[v.index]) for v in out] == relu.tolist()
    assert [w[s.index] for s in signs] == active.astype(int).tolist()


def test_a_pre_activation_the_twin_refuses_has_no_witness() -> None:
    layers = [Layer(np.array([[2**15 - 1, 2**15 - 1]]), np.array([0]))]
    x = np.array([2**14, 2**14])  # z ≈ 2^22, far outside ±2^15
    with pytest.raises(FixedPointOverflow, match="outside"):
        twin_forward(x, layers)
    c, _, _, _ = build([2, 1])
    with pytest.raises(UnsatisfiedConstraint, match="rescale"):
        c.compile().solve(assignment(x, layers))


def test_a_tiny_2_3_2_forward_pass_is_proven() -> None:
    rng = np.random.default_rng(7)
    layers = [random_layer(rng, 3, 2, 256), random_layer(rng, 2, 3, 256)]
    x = rng.integers(-256, 256, 2)
    c, _, _, out = build([2, 3, 2])
    outputs = [c.public_input(f"y{j}") for j in range(2)]
    for v, y in zip(out, outputs, strict=True):
        c.assert_equal(v, y)
    expected = [int(v) for v in twin_forward(x, layers)]
    inputs = {**assignment(x, layers), "y0": expected[0], "y1": expected[1]}
    pk, vk = preprocess(c, SRS.from_tau(1234, srs_size(c)))
    proof = prove(pk, inputs, rng=random.Random(1))
    assert verify(vk, expected, proof)
    assert not verify(vk, [expected[0] + 1, expected[1]], proof)


@pytest.mark.parametrize("seed", range(4))
def test_the_accuracy_count_is_numpys(seed: int) -> None:
    """correct = #rows whose argmax (ties to the lowest index) is the label, as MLP.correct."""
    rng = np.random.default_rng(seed)
    rows, classes = 5, 3
    outputs = rng.integers(-3, 3, (rows, classes)) * 100  # small range: ties are likely
    labels = rng.integers(0, classes, rows)
    c = Circuit()
    count_out = c.public_input("count")
    ca = CircuitArithmetic(c, FMT, table_bits=4)
    cells = [[c.private_input(f"o{i}_{j}") for j in range(classes)] for i in range(rows)]
    count = ca.correct(cells, [int(label) for label in labels])
    c.assert_equal(count, count_out)
    expected = int((np.argmax(outputs, axis=1) == labels).sum())
    values = {f"o{i}_{j}": int(outputs[i, j]) for i in range(rows) for j in range(classes)}
    cs = c.compile()
    assert cs.solve({**values, "count": expected})[count.index] == expected
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve({**values, "count": expected + 1})


# -- the bounds: the output error's clip and the step's clamp --------------------------------

W, D = 1 << 7, 1 << 8  # at f = 8: W = 1/2 and D = 1


def bounded_step_circuit(table_bits: int):
    """``output_error`` of one row (3 outputs) and ``step`` of a 2×1 layer, with the bounds.
    With 8-bit tables the clamps read hi in a table, with 4-bit ones by comparison."""
    c = Circuit()
    ca = CircuitArithmetic(c, FMT, table_bits=table_bits, weight_bound=W, error_bound=D)
    ys = [c.private_input(f"y{j}") for j in range(3)]
    bits = [c.private_input(f"t{j}") for j in range(3)]
    deltas = ca.output_error(ys, bits, c.private_input("m"))
    weight, bias = [[c.private_input("w0"), c.private_input("w1")]], [c.private_input("b")]
    grads = [[c.private_input("g0"), c.private_input("g1")]], [c.private_input("gb")]
    new_weight, new_bias = ca.step(weight, bias, grads, 2)
    return c.compile(), deltas, [*new_weight[0], *new_bias]


@pytest.mark.parametrize("table_bits", [8, 4, 0])
def test_the_clip_and_the_clamp_are_the_twins(table_bits: int) -> None:
    rng = np.random.default_rng(table_bits)
    cs, deltas, params = bounded_step_circuit(table_bits)
    twin = FixedArithmetic(FMT, weight_bound=W, error_bound=D)
    for _ in range(12):
        y = rng.integers(-(2**15) + 1, 2**15, 3)
        label, m = int(rng.integers(0, 3)), int(rng.integers(0, 2))
        t = np.eye(3, dtype=np.int64)[label] * m
        old = rng.integers(-W, W + 1, 3)  # a model in [−W, W]
        g = rng.integers(-(2**15) + 1, 2**15, 3)  # gradients in the bound
        named = {"y": y, "t": t, "w": old[:2], "g": g[:2]}
        inputs = {
            f"{name}{i}": int(v) for name, values in named.items() for i, v in enumerate(values)
        }
        inputs.update(m=m, b=int(old[2]), gb=int(g[2]))
        w = cs.solve(inputs)
        expected = twin.output_error((y * m - t * FMT.scale)[None, :], (1, "output error"))[0]
        assert [signed(w[d.index]) for d in deltas] == expected.tolist()
        layer = twin.step(Layer(old[None, :2], old[2:]), Layer(g[None, :2], g[2:]), 2, (1, "w"))
        assert [signed(w[p.index]) for p in params] == [*layer.weight[0], *layer.bias]


@pytest.mark.parametrize(
    ("table_bits", "cheat", "caught_by"),
    [(8, (": in", ": s"), r"\(hi, in, s\) in clamp"),
     (4, ("/is_zero v\\d+: out",), "x·inv = 1 − out")],
)  # fmt: skip
def test_a_clip_or_a_clamp_that_is_not_one_is_refused(table_bits, cheat, caught_by) -> None:
    """A prover who keeps an error of 3 (unclipped) or a weight of 4.5 (unclamped) writes
    "inside" for a hi outside the middle: with a table, in = 1 and s = 0 are no row of it;
    by comparison, is_zero's gates refuse in = 1 for hi ≠ 0."""
    cs, deltas, params = bounded_step_circuit(table_bits)
    inputs = {"y0": 3 * D, "y1": 0, "y2": 0, "t0": 0, "t1": 0, "t2": 0, "m": 1,
              "w0": W, "w1": 0, "b": 0, "g0": -(2**12), "g1": 0, "gb": 0}  # fmt: skip
    honest = cs.solve(inputs)
    assert signed(honest[deltas[0].index]) == D and signed(honest[params[0].index]) == W
    for scope, value, kept in (("output error", deltas[0], 3 * D), ("step", params[0], W + 2**10)):
        pattern = re.compile(f"({'|'.join(cheat)})$")
        first = [i for i, h in enumerate(cs.hints)
                 if h and h.label.startswith(scope) and pattern.search(h.label)]  # fmt: skip
        # the first clamp of the scope: in = 1 (and s = 0)
        overrides = {i: int(cs.hints[i].label.endswith(("in", "out"))) for i in first[: len(cheat)]}
        forged = cs.assign(inputs, overrides)
        assert signed(forged[value.index]) == kept
        with pytest.raises(UnsatisfiedConstraint, match=caught_by):
            cs.check(forged)
