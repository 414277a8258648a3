"""The size estimate: never below the circuit ``build`` lays out, within a small factor of
it, for specs of every shape; and the limit that refuses a spec before it is built."""

from __future__ import annotations

import random

import pytest

from zkpot.errors import InvalidInput
from zkpot.ml.estimate import MAX_ROWS, CircuitTooLarge, check_size, estimate_rows
from zkpot.ml.statement import TrainingSpec
from zkpot.ml.training_circuit import build, cost_parts

SPECS = [
    TrainingSpec(**options)
    for options in (
        {"sizes": (4, 2, 3), "log2_batch": 1, "test_rows": 2},  # the tests' tiny spec
        {"sizes": (4, 2, 3), "log2_batch": 1, "test_rows": 2, "table_bits": 0},
        {"sizes": (2, 3, 2), "log2_batch": 0, "steps": 2, "test_rows": 1},
        {"sizes": (3, 1), "log2_batch": 2, "test_rows": 3, "bound_bits": 16, "frac_bits": 8},
        {"sizes": (4, 3, 2, 3), "log2_batch": 1, "steps": 2, "test_rows": 3, "table_bits": 0,
         "bound_bits": 20, "frac_bits": 10},
        {"sizes": (5, 4, 1), "log2_batch": 0, "test_rows": 1, "log2_lr": 0, "frac_bits": 0,
         "bound_bits": 8},
        {"sizes": (2, 2, 5), "log2_batch": 2, "test_rows": 5, "table_bits": 5,
         "bound_bits": 30, "frac_bits": 12, "log2_lr": 7},
        {"sizes": (1, 1), "log2_batch": 0, "test_rows": 1, "bound_bits": 4, "frac_bits": 0,
         "log2_lr": 0, "log2_data_bound": 0},  # the smallest format a round fits
        {"sizes": (2, 3), "log2_batch": 0, "test_rows": 2, "table_bits": 12},  # tables lead
    )
]  # fmt: skip


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.sizes}-t{s.table_bits}-B{s.bound_bits}")
def test_the_estimate_bounds_the_circuit_closely(spec: TrainingSpec) -> None:
    parts, cs = cost_parts(spec)
    rows = max(sum(parts.values()), sum(len(table) for table in cs.tables))
    assert sum(parts.values()) == len(cs.public_inputs) + cs.n_gates
    assert rows <= estimate_rows(spec) <= 1.5 * rows


def test_the_default_spec_is_estimated_within_its_domain() -> None:
    spec = TrainingSpec()
    cs = build(spec).cs
    assert len(cs.public_inputs) + cs.n_gates <= estimate_rows(spec) <= 1 << 14
    assert check_size(spec) == estimate_rows(spec) < MAX_ROWS


def test_the_largest_spec_is_refused_by_formula() -> None:
    """The widest spec whose worst case fits (features within one unit 2^−16)."""
    largest = TrainingSpec(sizes=(4096,) * 3, log2_batch=10, steps=1024, test_rows=4096,
                           log2_data_bound=-16)  # fmt: skip
    assert estimate_rows(largest) > 10**13
    with pytest.raises(CircuitTooLarge, match="more than the limit of 65,536"):
        check_size(largest)
    four_steps = TrainingSpec(steps=4)
    assert check_size(four_steps) <= 1 << 15  # what the docs promise
    with pytest.raises(CircuitTooLarge):
        check_size(four_steps, limit=1 << 14)
    with pytest.raises(InvalidInput):
        estimate_rows({"sizes": [4, 8, 3]})  # type: ignore[arg-type]


def random_specs(count: int, seed: int = 2025) -> list[TrainingSpec]:
    """Small specs of random shapes, formats, batches, rates and table widths."""
    rng, out = random.Random(seed), []
    while len(out) < count:
        bound = rng.randint(4, 40)
        try:
            out.append(TrainingSpec(
                sizes=tuple(rng.randint(1, 4) for _ in range(rng.randint(2, 4))),
                log2_batch=rng.randint(0, 2), steps=rng.randint(1, 2),
                test_rows=rng.randint(1, 4), bound_bits=bound,
                frac_bits=rng.randint(0, bound // 2), log2_lr=rng.randint(0, 8),
                table_bits=rng.choice([0, 3, 4, 8, 10]),
            ))  # fmt: skip
        except InvalidInput:  # a format the twin refuses
            continue
    return out


@pytest.mark.parametrize("spec", random_specs(8), ids=str)
def test_the_estimate_bounds_random_specs(spec: TrainingSpec) -> None:
    cs = build(spec).cs
    rows = max(len(cs.public_inputs) + cs.n_gates, sum(len(table) for table in cs.tables))
    assert rows <= estimate_rows(spec) <= 1.5 * rows
