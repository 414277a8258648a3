"""Datasets: Iris against published facts, splits as partitions, standardization, errors."""

from __future__ import annotations

import csv
import io
import math
from fractions import Fraction
from importlib import resources

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zkpot.errors import InvalidInput
from zkpot.ml.datasets import (
    Dataset,
    blobs,
    iris,
    iris_split,
    split_dirichlet,
    split_iid,
    standardize,
    train_test_split,
)

FAST = settings(max_examples=40, deadline=None)
seeds = st.integers(0, 2**32)


def numbered(n: int, k: int = 3) -> Dataset:
    """n rows whose first feature is the row number, with labels 0, 1, …, k−1 repeating."""
    x = np.column_stack([np.arange(n, dtype=np.float64), np.sin(np.arange(n))])
    return Dataset(x, np.arange(n) % k, ("row", "noise"), tuple(f"c{c}" for c in range(k)), "rows")


def row_numbers(parts: list[Dataset]) -> list[int]:
    return sorted(int(v) for part in parts for v in part.x[:, 0])


def is_partition(parts: list[Dataset], whole: Dataset) -> bool:
    """Every row of ``whole`` (a :func:`numbered` dataset) is in exactly one part, unchanged."""
    for part in parts:
        rows = part.x[:, 0].astype(np.int64)
        if not (np.array_equal(part.x, whole.x[rows]) and np.array_equal(part.y, whole.y[rows])):
            return False
    return row_numbers(parts) == list(range(len(whole)))


# -- Iris -----------------------------------------------------------------------------------


def iris_csv_rows() -> list[list[str]]:
    text = resources.files("zkpot.ml").joinpath("data/iris.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))[1:]


def test_iris_has_150_flowers_4_measurements_50_per_species() -> None:
    data = iris()
    assert (len(data), data.n_features, data.n_classes) == (150, 4, 3)
    assert data.x.shape == (150, 4) and data.x.dtype == np.float64 and data.y.dtype == np.int64
    assert data.classes == ("setosa", "versicolor", "virginica") and data.name == "iris"
    assert data.class_counts().tolist() == [50, 50, 50]
    assert data.y.tolist() == [0] * 50 + [1] * 50 + [2] * 50  # the original table's order


def test_iris_column_sums_and_means_are_those_of_summary_iris() -> None:
    rows = iris_csv_rows()
    sums = [sum(Fraction(row[j]) for row in rows) for j in range(4)]
    assert sums == [Fraction("876.5"), Fraction("458.6"), Fraction("563.7"), Fraction("179.9")]
    means = [s / 150 for s in sums]
    assert means[2] == Fraction("3.758")
    assert [round(float(m), 6) for m in means] == [5.843333, 3.057333, 3.758, 1.199333]
    np.testing.assert_allclose(iris().x.mean(axis=0), [float(m) for m in means], rtol=1e-14)


def test_iris_values_are_the_csv_values() -> None:
    rows = iris_csv_rows()
    assert iris().x.tolist() == [[float(v) for v in row[:4]] for row in rows]
    assert [iris().classes[c] for c in iris().y] == [row[4] for row in rows]


def test_iris_follows_fisher_not_uci_in_rows_35_and_38() -> None:
    x = iris().x
    assert x[35 - 1].tolist() == [4.9, 3.1, 1.5, 0.2]  # UCI: 4.9, 3.1, 1.5, 0.1
    assert x[38 - 1].tolist() == [4.9, 3.6, 1.4, 0.1]  # UCI: 4.9, 3.1, 1.5, 0.1
    assert x[0].tolist() == [5.1, 3.5, 1.4, 0.2] and x[149].tolist() == [5.9, 3.0, 5.1, 1.8]


def test_iris_is_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        iris().x[0, 0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        iris().y[0] = 1


# -- Dataset ----------------------------------------------------------------------------


def test_dataset_copies_converts_and_freezes() -> None:
    x, y = np.array([[1, 2], [3, 4]], dtype=np.int32), np.array([1, 0], dtype=np.uint8)
    data = Dataset(x, y, ("a", "b"), ("no", "yes"), "tiny")
    assert data.x.dtype == np.float64 and data.y.dtype == np.int64
    x[0, 0] = 99
    assert data.x[0, 0] == 1.0 and x.flags.writeable  # the caller's array is untouched
    with pytest.raises(AttributeError):
        data.name = "other"  # type: ignore[misc]
    assert data == Dataset(data.x, data.y, ["a", "b"], ["no", "yes"], "tiny")  # type: ignore[arg-type]
    assert data != data.subset([1, 0]) and hash(data) == hash(data.subset([0, 1]))
    assert "rows=2" in repr(data)


def test_subset_one_hot_and_class_counts() -> None:
    data = numbered(10, k=3)
    part = data.subset([7, 2, 2])
    assert part.x[:, 0].tolist() == [7, 2, 2] and part.y.tolist() == [1, 2, 2]
    assert (part.name, part.features, part.classes) == (data.name, data.features, data.classes)
    assert data.subset(data.y == 0).x[:, 0].tolist() == [0, 3, 6, 9]
    assert len(data.subset([])) == 0 and data.subset([]).class_counts().tolist() == [0, 0, 0]
    one_hot = data.one_hot()
    assert one_hot.dtype == np.float64 and one_hot.shape == (10, 3)
    assert one_hot.sum(axis=1).tolist() == [1.0] * 10 and one_hot.argmax(axis=1).tolist() == (
        data.y.tolist()
    )
    counts = data.class_counts()
    assert counts.dtype == np.int64 and counts.tolist() == [4, 3, 3]


@pytest.mark.parametrize(
    ("x", "y", "features", "classes", "name", "message"),
    [
        (np.zeros(3), [0, 0, 0], ("a",), ("c",), "d", "shape"),
        (np.zeros((3, 1)), [0, 0], ("a",), ("c",), "d", "shape"),
        (np.zeros((3, 1)), [[0, 0, 0]], ("a",), ("c",), "d", "shape"),
        (np.array([["a"]]), [0], ("a",), ("c",), "d", "real numbers"),
        (np.zeros((1, 1), dtype=complex), [0], ("a",), ("c",), "d", "real numbers"),
        (np.zeros((1, 1)), [0.0], ("a",), ("c",), "d", "integer labels"),
        ([[1.0], [2.0, 3.0]], [0, 0], ("a",), ("c",), "d", "rectangular"),
        (np.array([[np.nan]]), [0], ("a",), ("c",), "d", "NaN"),
        (np.array([[np.inf]]), [0], ("a",), ("c",), "d", "NaN"),
        (np.zeros((1, 2)), [0], ("a",), ("c",), "d", "feature names"),
        (np.zeros((1, 1)), [0], ("a",), (), "d", "at least one class"),
        (np.zeros((2, 1)), [0, 2], ("a",), ("c", "e"), "d", "label 2"),
        (np.zeros((2, 1)), [-1, 0], ("a",), ("c", "e"), "d", "label -1"),
        (np.zeros((1, 1)), [0], "a", ("c",), "d", "sequence of strings"),
        (np.zeros((1, 1)), [0], (1,), ("c",), "d", "strings"),
        (np.zeros((1, 1)), [0], ("a",), ("c", "c"), "d", "distinct"),
        (np.zeros((1, 1)), [0], ("a",), ("c",), 7, "name"),
    ],
)
def test_dataset_rejects_malformed_input(x, y, features, classes, name, message) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        Dataset(x, np.asarray(y), features, classes, name)
    assert isinstance(info.value, ValueError)


def test_subset_rejects_bad_indices() -> None:
    data = numbered(5)
    for bad, message in [([5], "0 … 4"), ([-1], "0 … 4"), ([0.5], "integers"), ([[0]], "1-D")]:
        with pytest.raises(InvalidInput, match=message):
            data.subset(bad)
    with pytest.raises(InvalidInput, match="mask"):
        data.subset([True, False])


# -- blobs ----------------------------------------------------------------------------------


def test_blobs_shapes_balance_and_names() -> None:
    data = blobs(10, n_features=4, n_classes=3, seed=5)
    assert data.x.shape == (10, 4) and data.y.shape == (10,) and data.name == "blobs"
    assert sorted(data.class_counts().tolist()) == [3, 3, 4]
    assert data.features == ("x0", "x1", "x2", "x3") and data.n_classes == 3
    assert data.y.tolist() != sorted(data.y.tolist())  # shuffled, not grouped by class


@FAST
@given(st.integers(1, 60), st.integers(1, 6), seeds)
def test_blobs_are_balanced(n, k, seed) -> None:
    assume(k <= n)
    counts = blobs(n, 2, k, seed=seed).class_counts()
    assert counts.sum() == n and counts.max() - counts.min() <= 1


def test_blobs_are_deterministic_in_the_seed() -> None:
    assert blobs(seed=3) == blobs(seed=3)
    assert not np.array_equal(blobs(seed=3).x, blobs(seed=4).x)


@pytest.mark.parametrize("seed", range(5))
def test_well_separated_blobs_are_classified_by_nearest_centroid(seed) -> None:
    data = blobs(300, n_features=5, n_classes=4, seed=seed, spread=1.0, separation=10.0)
    centroids = np.array([data.x[data.y == c].mean(axis=0) for c in range(4)])
    distances = ((data.x[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    assert (distances.argmin(axis=1) == data.y).mean() > 0.95


def test_blob_spread_and_separation_are_standard_deviations() -> None:
    data = blobs(20000, n_features=1, n_classes=1, seed=1, spread=2.0)
    assert abs(data.x.std() - 2.0) < 0.05  # one class: only the spread around its centre
    centres = blobs(3000, n_features=1, n_classes=3000, seed=2, spread=0.0, separation=3.0).x
    assert abs(centres.std() - 3.0) < 0.2  # no spread: the points are the centres


# -- train and test ----------------------------------------------------------------------


def test_stratified_split_of_iris_holds_out_10_per_species() -> None:
    train, test = train_test_split(iris(), 0.2, seed=0)
    assert test.class_counts().tolist() == [10, 10, 10]
    assert train.class_counts().tolist() == [40, 40, 40]
    assert test.y.tolist() != sorted(test.y.tolist())  # rows shuffled
    rows = {tuple(r) for r in iris().x.tolist()}
    assert {tuple(r) for r in train.x.tolist()} | {tuple(r) for r in test.x.tolist()} == rows


@FAST
@given(st.integers(2, 80), st.floats(0.05, 0.95), st.booleans(), st.integers(1, 4), seeds)
def test_train_test_split_is_a_partition(n, fraction, stratify, k, seed) -> None:
    data = numbered(n, k)
    try:
        train, test = train_test_split(data, fraction, seed=seed, stratify=stratify)
    except InvalidInput as error:
        assert "both need some" in str(error)
        return
    assert is_partition([train, test], data)
    if stratify:
        expected = [round(fraction * c) for c in data.class_counts().tolist()]
        assert test.class_counts().tolist() == expected
    else:
        assert len(test) == round(fraction * n)


def test_train_test_split_is_deterministic_in_the_seed() -> None:
    a, b, c = (train_test_split(numbered(50), seed=s) for s in (1, 1, 2))
    assert a == b and a != c


def test_standardized_training_data_has_mean_0_and_std_1() -> None:
    train, test = train_test_split(blobs(200, 3, seed=1, separation=5.0), 0.25, seed=2)
    std_train, std_test = standardize(train, test)
    np.testing.assert_allclose(std_train.x.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(std_train.x.std(axis=0), 1.0, rtol=1e-12)
    for j in range(3):  # the test set is scaled with the training statistics, recomputed here
        column = [Fraction(v) for v in train.x[:, j].tolist()]
        mean = sum(column) / len(column)
        std = math.sqrt(float(sum((v - mean) ** 2 for v in column) / len(column)))
        np.testing.assert_allclose(std_test.x[:, j], (test.x[:, j] - float(mean)) / std, 1e-13)
    assert np.array_equal(std_test.y, test.y) and std_test.features == test.features
    assert abs(std_test.x.mean()) > 1e-6  # not the test set's own statistics


def test_standardize_rejects_constant_features_and_mismatched_sets() -> None:
    x = np.array([[1.0, 5.0], [2.0, 5.0]])
    constant = Dataset(x, np.array([0, 0]), ("varies", "fixed"), ("c",), "d")
    with pytest.raises(InvalidInput, match="'fixed' is constant"):
        standardize(constant)
    other = Dataset(x, np.array([0, 0]), ("p", "q"), ("c",), "d")
    with pytest.raises(InvalidInput, match="differ"):
        standardize(numbered(4), other)
    with pytest.raises(InvalidInput, match="empty"):
        standardize(numbered(4).subset([]))
    with pytest.raises(InvalidInput, match="Dataset"):
        standardize(numbered(4), x)  # type: ignore[arg-type]


def test_iris_split_is_stratified_standardized_and_deterministic() -> None:
    train, test = iris_split(seed=0)
    assert (len(train), len(test)) == (120, 30)
    np.testing.assert_allclose(train.x.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(train.x.std(axis=0), 1.0, rtol=1e-12)
    assert iris_split(seed=0) == (train, test) and iris_split(seed=1) != (train, test)
    assert len(iris_split(seed=0, test_fraction=0.4)[1]) == 60


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, math.nan, math.inf, "0.2", True])
def test_train_test_split_rejects_bad_fractions(fraction) -> None:
    with pytest.raises(InvalidInput, match="test_fraction"):
        train_test_split(numbered(10), fraction)


def test_train_test_split_rejects_an_empty_part_and_bad_seeds() -> None:
    with pytest.raises(InvalidInput, match="both need some"):
        train_test_split(numbered(6), 0.05)
    with pytest.raises(InvalidInput, match="both need some"):
        train_test_split(numbered(6), 0.95, stratify=False)
    for seed in (-1, 1.5, True, "0", None):
        with pytest.raises(InvalidInput, match="seed"):
            train_test_split(numbered(10), seed=seed)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Dataset"):
        train_test_split(iris().x)  # type: ignore[arg-type]


# -- federated splits ---------------------------------------------------------------------


@FAST
@given(st.integers(1, 60), st.integers(1, 12), seeds)
def test_split_iid_is_a_balanced_partition(n, participants, seed) -> None:
    assume(participants <= n)
    data = numbered(n)
    parts = split_iid(data, participants, seed=seed)
    assert len(parts) == participants and is_partition(parts, data)
    sizes = [len(p) for p in parts]
    assert max(sizes) - min(sizes) <= 1


@FAST
@given(
    st.integers(4, 80),
    st.integers(1, 4),
    st.integers(1, 6),
    st.floats(0.01, 1000.0),
    st.integers(0, 2),
    seeds,
)
def test_split_dirichlet_is_a_partition(n, k, participants, alpha, min_size, seed) -> None:
    data = numbered(n, k)
    assume(participants <= n and participants * min_size <= n)
    try:
        parts = split_dirichlet(data, participants, alpha, seed=seed, min_size=min_size)
    except InvalidInput as error:
        assert "tries" in str(error)
        return
    assert len(parts) == participants and is_partition(parts, data)
    assert min(len(p) for p in parts) >= min_size


def label_skew(alpha: float) -> tuple[float, float]:
    """Ten participants share 600 rows of 3 classes, over five seeds: the mean over
    participants and seeds of (largest class share, total-variation distance from 1/3 each)."""
    largest, distance = [], []
    for seed in range(5):
        for part in split_dirichlet(numbered(600, k=3), 10, alpha, seed=seed):
            share = part.class_counts() / len(part)
            largest.append(share.max())
            distance.append(0.5 * np.abs(share - 1 / 3).sum())
    return float(np.mean(largest)), float(np.mean(distance))


def test_small_alpha_concentrates_classes_large_alpha_is_nearly_iid() -> None:
    largest, distance = label_skew(0.05)
    assert largest > 0.8 and distance > 0.5
    largest, distance = label_skew(1000.0)
    assert largest < 0.4 and distance < 0.05


def test_federated_splits_are_deterministic_in_the_seed() -> None:
    data = numbered(60)
    assert split_iid(data, 4, seed=1) == split_iid(data, 4, seed=1)
    assert split_iid(data, 4, seed=1) != split_iid(data, 4, seed=2)
    assert split_dirichlet(data, 4, 0.5, seed=1) == split_dirichlet(data, 4, 0.5, seed=1)
    assert split_dirichlet(data, 4, 0.5, seed=1) != split_dirichlet(data, 4, 0.5, seed=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_participants": 0}, "n_participants"),
        ({"n_participants": 11}, "n_participants ≤ 10"),
        ({"n_participants": 2.0}, "integer"),
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": math.inf}, "alpha"),
        ({"alpha": math.nan}, "alpha"),
        ({"min_size": -1}, "min_size"),
        ({"min_size": 6}, "min_size ≤ 5"),
        ({"max_tries": 0}, "max_tries"),
        ({"seed": -3}, "seed"),
    ],
)
def test_split_dirichlet_rejects_bad_arguments(kwargs, message) -> None:
    arguments = {"n_participants": 2, "alpha": 1.0} | kwargs
    with pytest.raises(InvalidInput, match=message):
        split_dirichlet(numbered(10), **arguments)


def test_split_dirichlet_gives_up_after_max_tries() -> None:
    with pytest.raises(InvalidInput, match=r"in 3 tries .* at least 2 rows"):
        split_dirichlet(numbered(20, k=2), 10, 0.01, min_size=2, max_tries=3)


def test_split_iid_rejects_bad_arguments() -> None:
    for participants in (0, 11, "2", True):
        with pytest.raises(InvalidInput, match="n_participants"):
            split_iid(numbered(10), participants)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Dataset"):
        split_iid([1, 2, 3], 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 2, "n_classes": 3}, "n_samples"),
        ({"n_features": 0}, "n_features"),
        ({"n_classes": 0}, "n_classes"),
        ({"spread": -1.0}, "spread"),
        ({"separation": math.nan}, "separation"),
        ({"separation": "4"}, "separation"),
        ({"seed": 2.5}, "seed"),
    ],
)
def test_blobs_rejects_bad_arguments(kwargs, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        blobs(**kwargs)


# Wine's summary statistics as UCI's description of the data set publishes them:
# min, max and mean of each column, to the digits printed there.
WINE_SUMMARY = [
    ("11.0", "14.8", "13.0"), ("0.74", "5.80", "2.34"), ("1.36", "3.23", "2.36"),
    ("10.6", "30.0", "19.5"), ("70.0", "162.0", "99.7"), ("0.98", "3.88", "2.29"),
    ("0.34", "5.08", "2.03"), ("0.13", "0.66", "0.36"), ("0.41", "3.58", "1.59"),
    ("1.3", "13.0", "5.1"), ("0.48", "1.71", "0.96"), ("1.27", "4.00", "2.61"),
    ("278", "1680", "746"),
]  # fmt: skip


def test_wine_has_178_wines_13_measurements_59_71_48_per_cultivar() -> None:
    from zkpot.ml.datasets import wine

    data = wine()
    assert (len(data), data.n_features, data.n_classes) == (178, 13, 3)
    assert data.name == "wine" and data.classes == ("cultivar 1", "cultivar 2", "cultivar 3")
    assert data.class_counts().tolist() == [59, 71, 48]
    assert data.y.tolist() == [0] * 59 + [1] * 71 + [2] * 48  # the UCI file's order
    assert wine() is data


def test_wine_matches_the_published_summary_statistics() -> None:
    from zkpot.ml.datasets import wine

    x = wine().x

    def shown(value: float, printed: str) -> bool:  # within one unit of the last digit printed
        unit = 10.0 ** -len(printed.partition(".")[2])  # (the table rounds, mostly; ash's
        return abs(value - float(printed)) <= unit  # mean 2.3665 is printed 2.36)

    for j, printed in enumerate(WINE_SUMMARY):
        column = x[:, j]
        values = (column.min(), column.max(), column.mean())
        assert all(shown(float(v), p) for v, p in zip(values, printed, strict=True)), (j, values)
