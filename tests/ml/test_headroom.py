"""Honest participants can always train: the worst case of a round bounds the twin and is
reached; a spec whose worst case does not fit is refused with the fix; the bounds are part of
the spec; the ×6 scaled-test-rows attack and long honest runs that overflowed before do not;
and the data and the first model are inside their bounds."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np
import pytest

from zkpot.errors import InvalidInput
from zkpot.ml import statement as st
from zkpot.ml.datasets import iris_split, split_dirichlet, standardize, train_test_split, wine
from zkpot.ml.fixedpoint import FixedPointOverflow
from zkpot.ml.headroom import (
    clip_layers,
    largest,
    model_error,
    rows_error,
    within_bounds,
    worst_case,
)
from zkpot.ml.model import Layer, initial_layers
from zkpot.ml.task import first_model, iris_task

DEMO = st.TrainingSpec(sizes=(4, 4, 3), log2_batch=2, steps=1, test_rows=4, log2_lr=2)
"""``zkpot.chain.federation.DEMO_SPEC``: the demo's and the simulator's task."""
DEFAULT = st.TrainingSpec()
WINE_DEMO = st.TrainingSpec(sizes=(13, 4, 3), log2_batch=2, steps=1, test_rows=4, log2_lr=2)
"""A DEMO-shaped Wine task, whose honest runs drifted into overflow under plain SGD."""

SPECS = [DEMO, DEFAULT, st.TrainingSpec(sizes=(13, 8, 3), log2_batch=3, steps=2, log2_lr=3),
         st.TrainingSpec(sizes=(3, 5, 4, 2), log2_batch=1, steps=2, log2_lr=1),
         st.TrainingSpec(sizes=(2, 3), log2_batch=0, log2_lr=0, log2_data_bound=0)]  # fmt: skip


# -- the worst case -------------------------------------------------------------------------


def round_peaks(spec: st.TrainingSpec, layers: list[Layer], slots: st.Rows, test_x) -> dict:
    """Every value's magnitude in one round of the twin (``train_round``'s steps) and the
    test rows' forward pass, on a roomy format (B = 40) that lets nothing overflow."""
    model = st.fixed_model(layers, dataclasses.replace(spec, bound_bits=40))
    k = spec.n_classes
    mask = (slots.y < k).astype(np.int64)
    targets = np.zeros((len(slots), k), dtype=np.int64)
    real = np.flatnonzero(mask)
    targets[real, slots.y[real]] = spec.fmt.scale
    for s in range(spec.steps):
        batch = slice(s * spec.batch, (s + 1) * spec.batch)
        trace = model.forward(slots.x[batch])
        model.step(model.backward(trace, targets[batch], mask[batch]), spec.log2_lr)
    model.forward(test_x)
    return model.arithmetic.peaks


def adversaries(spec: st.TrainingSpec, count: int, seed: int = 0) -> Iterator[tuple]:
    """(model, slots, test rows): every weight and bias +W with every feature ±X (aligned),
    then ``count`` of random signs, features ±X and labels 0 … k (k: an empty slot)."""
    W, X, k = spec.weight_bound, spec.data_bound, spec.n_classes
    shapes = [(o, i) for i, o in zip(spec.sizes, spec.sizes[1:], strict=False)]
    rows = (spec.capacity, spec.n_features)
    for sign in (1, -1):
        yield ([Layer(np.full(s, W), np.full(s[0], W)) for s in shapes],
               st.Rows(np.full(rows, sign * X), np.zeros(spec.capacity, dtype=np.int64)),
               np.full((1, spec.n_features), X))  # fmt: skip
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield ([Layer(W * rng.choice([-1, 1], s), W * rng.choice([-1, 1], s[0])) for s in shapes],
               st.Rows(X * rng.choice([-1, 1], rows), rng.integers(0, k + 1, spec.capacity)),
               X * rng.choice([-1, 1], (1, spec.n_features)))  # fmt: skip


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(map(str, s.sizes)))
def test_the_worst_case_bounds_every_value_of_the_twin_and_is_reached(spec) -> None:
    """Adversarial models and data never exceed the bound at any site, and for every site
    some example reaches at least 90 % of it (with the clip, all of it)."""
    bound = worst_case(spec)
    best: dict = {}
    for example in adversaries(spec, 60):
        for site, peak in round_peaks(spec, *example).items():
            assert site in bound, site
            assert peak <= bound[site], (site, peak, bound[site])
            best[site] = max(best.get(site, 0), peak)
    for site, peak in bound.items():
        if site != (0, "input"):  # the examples' rows are integers already
            assert best[site] >= 0.9 * peak, (site, best[site], peak)
    assert largest(bound)[1] < spec.fmt.bound


def test_the_bounds_of_the_demo_and_the_default_spec() -> None:
    """W = 1 for the demo's 4-4-3, W = 1/2 for the default 4-8-3 (and Wine's 13-8-3), both at
    X = 4; the largest value of a round is the output layer's pre-activation."""
    assert (DEMO.log2_weight_bound, DEMO.log2_data_bound) == (0, 2)
    assert (DEFAULT.log2_weight_bound, DEFAULT.log2_data_bound) == (-1, 2)
    assert st.TrainingSpec(sizes=(13, 8, 3)).log2_weight_bound == -1
    assert largest(worst_case(DEMO)) == ((2, "pre-activation"), 69 << 16)  # 4·(4·4 + 1) + 1
    assert largest(worst_case(DEFAULT)) == ((2, "pre-activation"), int(34.5 * 2**16))
    # twice the weight bound does not fit: the largest W that does was chosen
    doubled = worst_case(DEMO, log2_weight_bound=1)
    assert largest(doubled)[1] >= DEMO.fmt.bound


def test_a_spec_whose_worst_case_does_not_fit_is_refused_with_the_fix() -> None:
    with pytest.raises(InvalidInput, match=r"log2_weight_bound ≤ 0 \(or None to choose it\)"):
        st.TrainingSpec(sizes=(4, 4, 3), log2_weight_bound=2)
    with pytest.raises(InvalidInput, match="layer 2 pre-activation reaches"):
        st.TrainingSpec(sizes=(4, 4, 3), log2_weight_bound=2)
    with pytest.raises(InvalidInput, match=r"no weight bound fits.*smaller log2_data_bound"):
        st.TrainingSpec(sizes=(64, 1024, 1024, 3))
    # …and the fix works: smaller data, or more bits
    assert st.TrainingSpec(sizes=(64, 1024, 1024, 3), log2_data_bound=-6).log2_weight_bound == -5
    assert st.TrainingSpec(sizes=(64, 1024, 1024, 3), bound_bits=40).log2_weight_bound == -2
    for bad in ({"log2_data_bound": 7}, {"log2_data_bound": -17}, {"log2_weight_bound": 1.0},
                {"log2_weight_bound": -17}, {"log2_data_bound": None}):  # fmt: skip
        with pytest.raises(InvalidInput, match="must be an integer"):
            st.TrainingSpec(**bad)


def test_the_bounds_are_part_of_the_spec() -> None:
    """The chosen W is stored: JSON, equality and the digest carry it; replace keeps it."""
    data = DEFAULT.to_json()
    assert (data["log2_weight_bound"], data["log2_data_bound"]) == (-1, 2)
    assert st.TrainingSpec.from_json(data) == DEFAULT
    smaller = st.TrainingSpec(log2_weight_bound=-2)
    assert smaller != DEFAULT and smaller.digest() != DEFAULT.digest()
    assert dataclasses.replace(smaller, test_rows=4).log2_weight_bound == -2
    assert (DEFAULT.weight_bound, DEFAULT.data_bound, DEFAULT.error_bound) == (2**15, 2**18, 2**16)
    old = {k: v for k, v in data.items() if k not in ("log2_weight_bound", "log2_data_bound")}
    with pytest.raises(InvalidInput, match="exactly the keys"):
        st.TrainingSpec.from_json(old)  # a spec of plain SGD is another task


# -- the attacks that stopped honest training ------------------------------------------------


def scaled_rows(test: st.Rows, spec: st.TrainingSpec, factor: int = 6) -> st.Rows:
    """The attacker's registered data: the public test rows times ``factor``, every slot
    filled — inside the format's bound, far outside the data bound (the circuit allows it)."""
    rows = np.resize(np.arange(len(test)), spec.capacity)
    x = test.x[rows] * factor
    assert np.abs(x).max() < spec.fmt.bound
    return st.Rows(x, test.y[rows])


@pytest.mark.parametrize("spec", [DEMO, DEFAULT], ids=["demo", "default"])
def test_the_scaled_test_rows_attack_cannot_stop_honest_training(spec) -> None:
    """The attacker leads three rounds in a row (forced: the worst case for everyone else).
    Its model is in [−W, W] each time, and every honest participant trains from it. Under
    plain SGD some honest participant overflowed in 14 of these 16 federations (6 of 8 on
    the demo's spec, all 8 on the default), and the attacker's own third round too."""
    for seed in range(4):
        for n in (4, 8):
            task = iris_task(n, seed=seed, spec=spec)
            attacker = scaled_rows(task.test, spec)
            honest = [task.slots(i)[0] for i in range(1, n + 1)]
            layers = task.global_layers
            for _ in range(3):
                layers, _ = st.train_round(layers, attacker, spec)
                assert within_bounds(layers, spec)
                for slots in honest:
                    st.train_round(layers, slots, spec)  # raises FixedPointOverflow otherwise
                st.count_correct(layers, task.test, spec)


# -- long honest runs -------------------------------------------------------------------------


def split(dataset: str, seed: int):
    if dataset == "iris":
        return iris_split(seed=seed)
    return standardize(*train_test_split(wine(), 0.2, seed=seed))


def honest_run(dataset: str, spec: st.TrainingSpec, n: int, seed: int, rounds: int):
    """A chain's rounds, twin only: every participant trains from the global model, the best
    test accuracy leads (ties broken pseudo-randomly, as the chain's hash does) and its model
    is the next global one. (overflowing trainings, the last global model's accuracy on
    the whole test split)."""
    train, test = split(dataset, seed)
    slots = [st.data_slots(part, spec)[0] for part in split_dirichlet(train, n, 1.0, seed=seed)]
    test_rows = st.encode_test_set(test, spec)
    layers, overflows = first_model(spec, seed), 0
    rng = np.random.default_rng(1000 + seed)
    for _ in range(rounds):
        results = []
        for s in slots:
            try:
                new = st.train_round(layers, s, spec)[0]
            except FixedPointOverflow:
                overflows += 1
                continue
            results.append((st.count_correct(new, test_rows, spec), new))
        best = max(accuracy for accuracy, _ in results)
        tied = [model for accuracy, model in results if accuracy == best]
        layers = tied[rng.integers(len(tied))]
        assert within_bounds(layers, spec)
    whole = st.encode_test_set(test, dataclasses.replace(spec, test_rows=len(test)))
    return overflows, st.count_correct(layers, whole, spec) / len(test)


@pytest.mark.parametrize(
    ("dataset", "spec", "n", "seed", "floor"),
    [("wine", WINE_DEMO, 8, 14, 0.8), ("wine", WINE_DEMO, 4, 15, 0.75),
     ("iris", DEFAULT, 8, 0, 0.85), ("iris", DEMO, 4, 1, 0.8)],
)  # fmt: skip
def test_long_honest_runs_never_overflow_and_learn(dataset, spec, n, seed, floor) -> None:
    """200 rounds. Under plain SGD the two Wine runs drifted into overflow (from round 5 and
    round 24 on) and ended at 0 % and 33 % of the test rows."""
    overflows, accuracy = honest_run(dataset, spec, n, seed, rounds=200)
    assert overflows == 0
    assert accuracy >= floor


# -- the data and the first model ------------------------------------------------------------


def test_features_are_clipped_to_the_data_bound() -> None:
    train, test = split("wine", 0)
    assert np.abs(train.x).max() > 4  # a few Wine rows are beyond 4 standard deviations
    spec = st.TrainingSpec(sizes=(13, 8, 3))
    beyond = np.flatnonzero(np.abs(train.x).max(axis=1) > 4)
    slots, _ = st.data_slots(train.subset(beyond), spec)
    assert np.abs(slots.x).max() == spec.data_bound == 4 << 16
    rows = st.encode_test_set(test, dataclasses.replace(spec, test_rows=len(test)))
    assert rows_error(rows, spec) is None
    wide = st.Rows(rows.x * 2, rows.y)
    assert rows_error(wide, spec).endswith("outside ±262144 (the data bound X = 2^2)")
    tight = st.TrainingSpec(sizes=(13, 8, 3), log2_data_bound=0)
    assert np.abs(st.data_slots(train.subset(beyond), tight)[0].x).max() == 1 << 16


def test_the_first_model_is_clipped_into_the_weight_bound() -> None:
    """He-uniform weights reach √(6/4) ≈ 1.22 in Iris's first layer: over W = 1/2."""
    layers = first_model(DEFAULT, 0)
    assert within_bounds(layers, DEFAULT) and model_error(layers, DEFAULT) is None
    fmt = DEFAULT.fmt
    raw = [fmt.quantize_array(layer.weight) for layer in initial_layers((4, 8, 3), seed=0, fmt=fmt)]
    assert max(np.abs(w).max() for w in raw) > DEFAULT.weight_bound
    assert np.array_equal(layers[0].weight, np.clip(raw[0], -(2**15), 2**15))
    outside = [Layer(layers[0].weight, layers[0].bias + 2**15 + 1), layers[1]]
    assert not within_bounds(outside, DEFAULT)
    assert model_error(outside, DEFAULT).startswith("layer 1 bias [")
    assert within_bounds(clip_layers(outside, DEFAULT), DEFAULT)
