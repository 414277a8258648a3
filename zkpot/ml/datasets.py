"""Datasets for proof-of-training: Fisher's Iris, Gaussian blobs, and federated splits.

A ZKPoT chain needs data to train on, and a federation needs that data divided among
its participants. This module provides both, small enough to train and prove in pure
Python:

- :class:`Dataset` — features ``x`` (float64, n × d), labels ``y`` (int64, 0 … k−1) and
  their names; immutable, so a dataset committed to cannot change underneath a proof.
- :func:`iris` — Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species),
  shipped with the package; ``zkpot/ml/data/IRIS.md`` gives its provenance and licence.
- :func:`blobs` — Gaussian clusters, one per class, of any size and dimension.
- :func:`train_test_split` (stratified by default) and :func:`standardize` (z-scores
  with the training set's statistics, so nothing about the test set leaks into training).
- :func:`split_iid` and :func:`split_dirichlet` — how a federation's data is divided:
  evenly at random, or with label skew, where each participant sees mostly a few classes.

Every split is a *partition*: each row of the input lands in exactly one output.

**Reproducibility.** Every random choice comes from
``np.random.Generator(np.random.PCG64(seed))``, and the same seed gives identical output.
numpy guarantees the PCG64 bit stream of a seed on every platform, so with one numpy
release shuffles and splits are the same everywhere. numpy's stream policy (NEP 19) does
allow the Generator's methods built on that stream (``permutation``, ``normal``,
``dirichlet``) to change between numpy releases: pin numpy if splits must be
bit-identical across installations.
:func:`standardize` computes its statistics with ``math.fsum`` and ``math.sqrt``, which are
correctly rounded, rather than numpy's reductions, whose summation order depends on the
machine — so standardized data, too, is the same bit for bit on every machine.

>>> train, test = iris_split(seed=0)
>>> len(train), len(test), train.n_features
(120, 30, 4)
>>> train.classes
('setosa', 'versicolor', 'virginica')
>>> test.class_counts().tolist()          # stratified: 10 of each species held out
[10, 10, 10]
>>> parts = split_dirichlet(train, 4, alpha=0.5, seed=1)
>>> sum(len(part) for part in parts)      # a partition: every row exactly once
120
"""

from __future__ import annotations

import csv
import functools
import io
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from zkpot.errors import InvalidInput

IRIS_FEATURES = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")
WINE_FEATURES = ("alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
                 "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
                 "color_intensity", "hue", "od280_od315", "proline")  # fmt: skip
WINE_CLASSES = ("cultivar 1", "cultivar 2", "cultivar 3")


@dataclass(frozen=True, eq=False)  # eq=False: the generated == would compare arrays elementwise
class Dataset:
    """A labelled dataset: n rows of d real features, each with one of k classes.

    The arrays are copied and made read-only, so a Dataset never changes once built.
    Two datasets are equal when their names, feature and class names and arrays are.

    Args:
        x: the features, shape (n, d); any real numeric array, stored as float64.
        y: the labels, shape (n,); integers in 0 … k−1, stored as int64.
        features: the d feature names.
        classes: the k class names; label i means ``classes[i]``.
        name: what the data is, e.g. ``"iris"``.

    Raises:
        InvalidInput: if a shape, dtype, label or name is wrong, or x has NaN or infinity.
    """

    x: np.ndarray
    y: np.ndarray
    features: tuple[str, ...]
    classes: tuple[str, ...]
    name: str

    def __post_init__(self) -> None:
        try:
            x, y = np.asarray(self.x), np.asarray(self.y)
        except ValueError as error:  # e.g. rows of different lengths
            raise InvalidInput(f"x and y must be rectangular arrays: {error}") from None
        if x.dtype.kind not in "iuf":
            raise InvalidInput(f"x must hold real numbers, got dtype {x.dtype}")
        if y.dtype.kind not in "iu":
            raise InvalidInput(f"y must hold integer labels, got dtype {y.dtype}")
        if x.ndim != 2:
            raise InvalidInput(f"x must have shape (n, d), got shape {x.shape}")
        if y.shape != (x.shape[0],):
            raise InvalidInput(f"y must have shape ({x.shape[0]},) to match x, got {y.shape}")
        if not np.all(np.isfinite(x)):
            raise InvalidInput("x contains NaN or infinity")
        features, classes = _names("features", self.features), _names("classes", self.classes)
        if len(features) != x.shape[1]:
            raise InvalidInput(f"{len(features)} feature names for {x.shape[1]} columns of x")
        if not classes:
            raise InvalidInput("a dataset needs at least one class")
        if y.size and not (y.min() >= 0 and y.max() < len(classes)):
            bad = int(y[(y < 0) | (y >= len(classes))][0])
            raise InvalidInput(f"label {bad} is outside 0 … {len(classes) - 1}")
        if not isinstance(self.name, str):
            raise InvalidInput(f"name must be a string, got {self.name!r}")
        x, y = x.astype(np.float64, copy=True), y.astype(np.int64, copy=True)
        x.flags.writeable = y.flags.writeable = False
        for field, value in (("x", x), ("y", y), ("features", features), ("classes", classes)):
            object.__setattr__(self, field, value)  # the dataclass is frozen

    def __len__(self) -> int:
        """n, the number of rows."""
        return int(self.x.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            (self.name, self.features, self.classes) == (other.name, other.features, other.classes)
            and np.array_equal(self.x, other.x)
            and np.array_equal(self.y, other.y)
        )

    def __hash__(self) -> int:
        return hash((self.name, self.features, self.classes, self.x.tobytes(), self.y.tobytes()))

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, rows={len(self)}, features={self.features}, "
            f"classes={self.classes})"
        )

    @property
    def n_features(self) -> int:
        """d, the number of features."""
        return len(self.features)

    @property
    def n_classes(self) -> int:
        """k, the number of classes (whether or not each occurs in this dataset)."""
        return len(self.classes)

    def subset(self, indices: Sequence[int] | np.ndarray) -> Dataset:
        """The rows at ``indices`` (in that order), or where a boolean mask of length n is true.

        Name, feature names and class names are kept.

        Raises:
            InvalidInput: for an index outside 0 … n−1, or a mask of the wrong length.
        """
        index = np.asarray(indices)
        if index.size == 0:
            index = index.astype(np.int64)
        if index.dtype == bool:
            if index.shape != (len(self),):
                raise InvalidInput(f"a mask must have shape ({len(self)},), got {index.shape}")
        elif index.dtype.kind not in "iu" or index.ndim != 1:
            raise InvalidInput("indices must be a 1-D sequence of integers or a boolean mask")
        elif index.size and not (index.min() >= 0 and index.max() < len(self)):
            raise InvalidInput(f"row indices must lie in 0 … {len(self) - 1}")
        return Dataset(self.x[index], self.y[index], self.features, self.classes, self.name)

    def one_hot(self) -> np.ndarray:
        """The labels as rows of the k×k identity: float64, shape (n, k)."""
        return np.eye(self.n_classes, dtype=np.float64)[self.y]

    def class_counts(self) -> np.ndarray:
        """How many rows have each label: int64, shape (k,)."""
        return np.bincount(self.y, minlength=self.n_classes).astype(np.int64)


# -- the data ---------------------------------------------------------------------------


@functools.cache
def iris() -> Dataset:
    """Fisher's Iris data: 150 flowers × 4 measurements in cm, 50 of each of 3 species.

    Raw, unscaled values, exactly as Fisher (1936) printed them (the same as R's
    ``datasets::iris``), read from the package data ``zkpot/ml/data/iris.csv``; rows
    keep the original order (setosa, then versicolor, then virginica). The Dataset is
    immutable, so every call returns the same one.
    """
    text = resources.files("zkpot.ml").joinpath("data/iris.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if tuple(rows[0]) != (*IRIS_FEATURES, "species"):
        raise InvalidInput(f"unexpected header in iris.csv: {rows[0]}")
    x = np.array([[float(v) for v in row[:4]] for row in rows[1:]], dtype=np.float64)
    y = np.array([IRIS_CLASSES.index(row[4]) for row in rows[1:]], dtype=np.int64)
    return Dataset(x, y, IRIS_FEATURES, IRIS_CLASSES, "iris")


@functools.cache
def wine() -> Dataset:
    """The UCI Wine recognition data: 178 wines × 13 chemical measurements, from three
    cultivars (59, 71 and 48 wines).

    Raw, unscaled values, read from the package data ``zkpot/ml/data/wine.csv`` (its
    provenance and licence, CC BY 4.0, are in ``WINE.md`` beside it); rows keep the UCI
    file's order. The Dataset is immutable, so every call returns the same one.

    >>> data = wine()
    >>> data.x.shape, data.class_counts().tolist()
    ((178, 13), [59, 71, 48])
    """
    text = resources.files("zkpot.ml").joinpath("data/wine.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if tuple(rows[0]) != (*WINE_FEATURES, "cultivar"):
        raise InvalidInput(f"unexpected header in wine.csv: {rows[0]}")
    x = np.array([[float(v) for v in row[:13]] for row in rows[1:]], dtype=np.float64)
    y = np.array([int(row[13]) - 1 for row in rows[1:]], dtype=np.int64)
    return Dataset(x, y, WINE_FEATURES, WINE_CLASSES, "wine")


def blobs(
    n_samples: int = 300,
    n_features: int = 2,
    n_classes: int = 3,
    *,
    seed: int = 0,
    spread: float = 1.0,
    separation: float = 4.0,
) -> Dataset:
    """Gaussian blobs: one cloud of points around a random centre per class.

    Each class centre has coordinates drawn from N(0, separation²); each sample is its
    class centre plus N(0, spread²) noise in every coordinate. The classes are as
    balanced as they can be (sizes differ by at most 1) and the rows are shuffled.
    The larger separation / spread, the easier the classes are to tell apart.

    Raises:
        InvalidInput: unless 1 ≤ n_classes ≤ n_samples and n_features ≥ 1, spread and
            separation are finite and ≥ 0, and seed is a non-negative integer.
    """
    _check_int("n_features", n_features, 1)
    _check_int("n_classes", n_classes, 1)
    _check_int("n_samples", n_samples, n_classes)
    spread, separation = _check_real("spread", spread, 0), _check_real("separation", separation, 0)
    rng = _rng(seed)
    centres = rng.normal(0.0, separation, size=(n_classes, n_features))
    y = np.arange(n_samples, dtype=np.int64) % n_classes  # round-robin: balanced
    x = centres[y] + rng.normal(0.0, spread, size=(n_samples, n_features))
    order = rng.permutation(n_samples)
    features = tuple(f"x{j}" for j in range(n_features))
    classes = tuple(f"blob{c}" for c in range(n_classes))
    return Dataset(x[order], y[order], features, classes, "blobs")


# -- train and test ---------------------------------------------------------------------


def train_test_split(
    data: Dataset, test_fraction: float = 0.2, *, seed: int = 0, stratify: bool = True
) -> tuple[Dataset, Dataset]:
    """Hold out about ``test_fraction`` of the rows as a test set: (train, test).

    Stratified (the default), each class is split on its own: round(test_fraction ·
    class size) of its rows, chosen at random, go to the test set (Python's round, ties
    to even), so both parts keep the class proportions. Otherwise round(test_fraction ·
    n) rows of the whole set are chosen at random. The rows of each part are then shuffled.

    Raises:
        InvalidInput: unless 0 < test_fraction < 1, or if either part would be empty.
    """
    _check_dataset(data)
    test_fraction = _check_real("test_fraction", test_fraction, 0, 1, open_ends=True)
    rng = _rng(seed)
    if stratify:
        groups = [np.flatnonzero(data.y == c) for c in range(data.n_classes)]
    else:
        groups = [np.arange(len(data))]
    test_parts, train_parts = [], []
    for group in groups:
        group = rng.permutation(group)
        cut = round(test_fraction * len(group))
        test_parts.append(group[:cut])
        train_parts.append(group[cut:])
    train_index = rng.permutation(np.concatenate(train_parts))
    test_index = rng.permutation(np.concatenate(test_parts))
    if len(train_index) == 0 or len(test_index) == 0:
        raise InvalidInput(
            f"test_fraction = {test_fraction} of {len(data)} rows leaves "
            f"{len(train_index)} for training and {len(test_index)} for testing; both need some"
        )
    return data.subset(train_index), data.subset(test_index)


def standardize(train: Dataset, *others: Dataset) -> tuple[Dataset, ...]:
    """z-score every feature with the training set's statistics: (x − μ) / σ.

    μ and σ (the population standard deviation, dividing by n) come from ``train``
    alone and are applied to ``train`` and to each of ``others``, as a deployed model
    would see new data. They are computed column by column with ``math.fsum`` and
    ``math.sqrt``, both correctly rounded, and the scaling is elementwise IEEE-754
    arithmetic: the result is the same bit for bit on every machine.

    Returns:
        ``(train, *others)``, standardized, with names unchanged.

    Raises:
        InvalidInput: if ``train`` is empty, a feature is constant in it (σ = 0, named in
            the message), or another set has different features.
    """
    for d in (train, *others):
        _check_dataset(d)
    if len(train) == 0:
        raise InvalidInput("cannot standardize with an empty training set")
    for other in others:
        if other.features != train.features:
            raise InvalidInput(f"features {other.features} differ from {train.features}")
    mean, std = np.empty(train.n_features), np.empty(train.n_features)
    for j, column in enumerate(train.x.T.tolist()):
        mean[j] = math.fsum(column) / len(column)  # μ
        deviations = [v - mean[j] for v in column]
        std[j] = math.sqrt(math.fsum(d * d for d in deviations) / len(column))  # σ
        if std[j] == 0.0:
            raise InvalidInput(f"feature {train.features[j]!r} is constant in the training set")
    return tuple(
        Dataset((d.x - mean) / std, d.y, d.features, d.classes, d.name) for d in (train, *others)
    )


def iris_split(*, seed: int = 0, test_fraction: float = 0.2) -> tuple[Dataset, Dataset]:
    """Iris, split stratified into (train, test) and standardized with the training statistics."""
    train, test = train_test_split(iris(), test_fraction, seed=seed, stratify=True)
    train, test = standardize(train, test)
    return train, test


# -- federated splits ----------------------------------------------------------------------


def split_iid(data: Dataset, n_participants: int, *, seed: int = 0) -> list[Dataset]:
    """Shuffle the rows and deal them into ``n_participants`` parts of sizes differing by ≤ 1.

    Each participant sees (up to sampling noise) the global class distribution.

    Raises:
        InvalidInput: unless 1 ≤ n_participants ≤ len(data).
    """
    _check_dataset(data)
    _check_int("n_participants", n_participants, 1, len(data))
    order = _rng(seed).permutation(len(data))
    return [data.subset(part) for part in np.array_split(order, n_participants)]


def split_dirichlet(
    data: Dataset,
    n_participants: int,
    alpha: float,
    *,
    seed: int = 0,
    min_size: int = 1,
    max_tries: int = 100,
) -> list[Dataset]:
    """A non-IID split with label skew controlled by a Dirichlet concentration α.

    The Dirichlet label-skew partition of Hsu, Qi & Brown, "Measuring the Effects of
    Non-Identical Data Distribution for Federated Visual Classification" (2019), in the
    per-class form of Li et al., "Federated Learning on Non-IID Data Silos" (2022):

    1. For every class c, draw proportions p ~ Dirichlet(α·1ₙ) over the n participants.
    2. Shuffle the rows of class c and cut them at ⌊(p₁ + … + pᵢ)·|c|⌋, i = 1 … n−1:
       participant i gets the rows between cut i−1 and cut i.
    3. If a participant has fewer than ``min_size`` rows, draw again (up to ``max_tries``).

    Each participant's rows are then shuffled. Small α (say 0.1) puts most of a class
    with one or two participants, so each sees few classes; large α (say 100) gives
    every participant nearly the global class distribution, close to :func:`split_iid`.

    Raises:
        InvalidInput: for invalid arguments, or if no draw in ``max_tries`` gave every
            participant at least ``min_size`` rows.
    """
    _check_dataset(data)
    _check_int("n_participants", n_participants, 1, len(data))
    alpha = _check_real("alpha", alpha, 0, open_ends=True)
    _check_int("min_size", min_size, 0, len(data) // n_participants)
    _check_int("max_tries", max_tries, 1)
    rng = _rng(seed)
    by_class = [np.flatnonzero(data.y == c) for c in range(data.n_classes)]
    for _ in range(max_tries):
        shares: list[list[np.ndarray]] = [[] for _ in range(n_participants)]
        for rows in by_class:
            rows = rng.permutation(rows)
            p = rng.dirichlet(np.full(n_participants, alpha))
            cuts = np.clip((np.cumsum(p)[:-1] * len(rows)).astype(np.int64), 0, len(rows))
            for share, part in zip(shares, np.split(rows, cuts), strict=True):
                share.append(part)
        parts = [np.concatenate(share) for share in shares]
        if min(len(part) for part in parts) >= min_size:
            return [data.subset(rng.permutation(part)) for part in parts]
    raise InvalidInput(
        f"no Dirichlet(α = {alpha}) split in {max_tries} tries gave each of "
        f"{n_participants} participants at least {min_size} rows; raise alpha or max_tries, "
        f"or lower min_size or n_participants"
    )


# -- argument checks -------------------------------------------------------------------------


def _rng(seed: int) -> np.random.Generator:
    """The one source of randomness: PCG64 seeded with a non-negative integer."""
    _check_int("seed", seed, 0)
    return np.random.Generator(np.random.PCG64(int(seed)))


def _check_dataset(data: object) -> None:
    if not isinstance(data, Dataset):
        raise InvalidInput(f"expected a Dataset, got {type(data).__name__}")


def _check_int(name: str, value: object, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInput(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"{low} ≤ {name}" + (f" ≤ {high}" if high is not None else "")
        raise InvalidInput(f"need {bounds}, got {name} = {value}")


def _check_real(
    name: str, value: object, low: float, high: float = math.inf, *, open_ends: bool = False
) -> float:
    """float(value) if it lies in [low, high] (or (low, high) when open_ends) and is finite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{name} must be a real number, got {value!r}")
    v = float(value)
    inside = low < v < high if open_ends else low <= v <= high
    if not (math.isfinite(v) and inside):
        brackets = "()" if open_ends else "[]"
        raise InvalidInput(f"{name} must be finite and in {brackets[0]}{low}, {high}{brackets[1]}")
    return v


def _names(what: str, names: object) -> tuple[str, ...]:
    """``names`` as a tuple of distinct strings."""
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise InvalidInput(f"{what} must be a sequence of strings, got {names!r}")
    names = tuple(names)
    if not all(isinstance(n, str) for n in names):
        raise InvalidInput(f"{what} must all be strings, got {names!r}")
    if len(set(names)) != len(names):
        raise InvalidInput(f"{what} must be distinct, got {names!r}")
    return names
