"""The fixed-point arithmetic in a circuit: bit-exact against FixedArithmetic, its overflow
refused, and a tiny 2-3-2 forward pass proven."""

from __future__ import annotations

import random
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
