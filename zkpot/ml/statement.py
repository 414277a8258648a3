"""The ZKPoT statement: what one participant proves about its contribution to one round.

A :class:`TrainingSpec` fixes the task — the network's layer sizes, the fixed-point
format, the batch, the number of SGD steps per round, the test rows and the learning
rate — and with it the circuit. A participant's contribution to round r is a
:class:`Statement` and a proof of it:

- public: the round, the participant (a field element from its public key), the hash
  of the global model it started from, its data commitment (registered when it
  joined), its new model's commitment, the test set's hash and how many test rows its
  new model classifies correctly;
- proven: the new model is exactly ``steps`` SGD steps of the fixed-point twin from
  the global model over the committed data, in the spec's batch order; both
  commitments open; the count is exact.

This module holds the native side of the statement: the data slots, the packing and
hashing of models, data and test sets, and the twin's run (:func:`train_round`) whose
integers the circuit (:mod:`zkpot.ml.training_circuit`) reproduces.

**Different amounts of data, one circuit.** The circuit trains on ``steps × batch``
*slots* (the spec's capacity), batch s being slots s·batch … (s + 1)·batch − 1. A
participant with n rows fills its first min(n, capacity) slots and leaves the others
*empty*: label k (one past the last class) and zero features. An empty slot has mask 0,
so its error δ is zero and it adds nothing to the gradient, whose mean still divides
by the whole batch (a shift). The commitment covers all slots, so the number of real
rows stays private.

**Packing.** Every value committed or hashed is a signed B-bit integer (features,
weights) or a small label; offset by 2^(B−1) it is a B-bit natural number, and
⌊253 / B⌋ of them (10 at B = 24) are packed into one field element before Poseidon
absorbs them. Packing is injective because the circuit range-checks every value it
packs; it makes a model of 67 parameters 7 elements, not 67.

>>> spec = TrainingSpec(sizes=(2, 3, 2), steps=1, log2_batch=1, test_rows=2)
>>> spec.capacity, spec.n_params
(2, 17)
>>> pack([-1, 0, 1], 4)                  # (−1 + 8) + (0 + 8)·2⁴ + (1 + 8)·2⁸
[2439]
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from zkpot.errors import InvalidInput
from zkpot.field.bn254 import R
from zkpot.hash.keccak import keccak256
from zkpot.hash.poseidon import commit as poseidon_commit
from zkpot.ml import headroom
from zkpot.ml.datasets import Dataset
from zkpot.ml.fixedpoint import FixedPoint
from zkpot.ml.model import MAX_LOG2, MLP, FixedArithmetic, Layer

PACK_BITS = 253
"""A packed field element holds at most this many bits (below r's 254)."""

MODEL_SALT = int.from_bytes(b"zkpot.model", "big")
"""The fixed salt that makes :func:`model_hash` a hash (the global model is public)."""

TEST_SET_SALT = int.from_bytes(b"zkpot.test-set", "big")
"""The fixed salt of :func:`hash_test_set`."""

PARTICIPANT_TAG = b"zkpot.participant"


@dataclass(frozen=True)
class TrainingSpec:
    """The task a circuit proves: network, fixed-point format, schedule, bounds, test rows.

    Attributes:
        sizes: the layer widths, inputs first (``(4, 8, 3)``: Iris's 4-8-3 MLP).
        frac_bits: f, the fixed-point scale 2^f.
        bound_bits: B, every value satisfies |v| < 2^(B−1).
        log2_batch: the batch is 2^log2_batch rows.
        steps: SGD steps per round; the data capacity is steps × batch slots. One by
            default: that proof fits a domain of 2¹⁴ rows (2 and 4 steps need 2¹⁵).
        test_rows: how many public test rows the accuracy is counted on.
        log2_lr: the learning rate is 2^−log2_lr.
        table_bits: the width of the circuit's range tables (8: 256 rows); 0 for none,
            every range checked bit by bit (a bigger circuit, for comparison).
        log2_weight_bound: the weight bound W = 2^log2_weight_bound: every step clamps
            each weight and bias to [−W, W] (projected SGD). ``None`` (the default)
            resolves, when the spec is made, to the largest power of two from 2³ down to
            2⁻⁶ whose worst case fits the format, and the spec stores that value (so
            ``to_json``, ``==`` and ``digest`` carry it; ``dataclasses.replace`` keeps it
            too: pass ``log2_weight_bound=None`` with new sizes to resolve it again).
        log2_data_bound: the data bound X = 2^log2_data_bound (4 by default): every
            feature is clipped to [−X, X] when encoded.
        participants: 0 (the default) for the winner rule, whose statement has no masked
            model; n ≥ 2 for private averaging (:mod:`zkpot.ml.aggregation`): the statement
            then proves a masked model, packed in slots for a sum of up to n models.
        reach: with ``participants``, the partner graph's reach k: each participant masks
            with 2k partners (2k + 1 ≤ n), so its model stays hidden unless all 2k collude.
            The two are in the spec's JSON only when ``participants`` is not 0, so a
            winner-rule spec keeps its digest (and its keys).

    The output error is clipped to [−1, 1] (the Huber loss). With these bounds every
    value of an honest round is bounded in advance (:mod:`zkpot.ml.headroom`), and the
    spec is refused unless that worst case fits the format: then an honest participant
    can train from every global model the chain can produce.

    Raises:
        InvalidInput: for a value out of range, or bounds whose worst case does not fit
            (the message names the value that would overflow and what to change).
    """

    sizes: tuple[int, ...] = (4, 8, 3)
    frac_bits: int = 16
    bound_bits: int = 24
    log2_batch: int = 3
    steps: int = 1
    test_rows: int = 30
    log2_lr: int = 4
    table_bits: int = 8
    log2_weight_bound: int | None = None
    log2_data_bound: int = 2
    participants: int = 0
    reach: int = 0

    def __post_init__(self) -> None:
        sizes = self.sizes
        if (not isinstance(sizes, tuple) or len(sizes) < 2
                or not all(_is_int(s) and 1 <= s <= 4096 for s in sizes)):  # fmt: skip
            raise InvalidInput(f"sizes: a tuple of at least two widths in 1 … 4096, got {sizes!r}")
        limits = {"frac_bits": (0, 60), "bound_bits": (2, 64), "log2_batch": (0, 10),
                  "steps": (1, 1024), "test_rows": (1, 4096), "log2_lr": (0, MAX_LOG2),
                  "table_bits": (0, 16), "participants": (0, 4096), "reach": (0, 2047)}  # fmt: skip
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if not _is_int(value) or not low <= value <= high:
                raise InvalidInput(f"{name} must be an integer in {low} … {high}, got {value!r}")
        if self.participants == 1 or (self.reach and 2 * self.reach + 1 > self.participants):
            raise InvalidInput(
                f"participants {self.participants} and reach {self.reach}: averaging needs at "
                "least 2 participants, and 2·reach + 1 of them (0 and 0 for the winner rule)"
            )
        try:
            self.fmt  # noqa: B018  (validates f against B)
        except ValueError as error:
            raise InvalidInput(str(error)) from None
        # W and X checked; W chosen if None, and stored (the dataclass is frozen)
        object.__setattr__(self, "log2_weight_bound", headroom.checked_weight_bound(self))

    @property
    def fmt(self) -> FixedPoint:
        """The fixed-point format (f, B)."""
        return FixedPoint(frac_bits=self.frac_bits, bound_bits=self.bound_bits)

    @property
    def weight_bound(self) -> int:
        """W·2^f: the weight bound as an integer of the format."""
        return 1 << (self.log2_weight_bound + self.frac_bits)

    @property
    def data_bound(self) -> int:
        """X·2^f: the data bound as an integer of the format."""
        return 1 << (self.log2_data_bound + self.frac_bits)

    @property
    def error_bound(self) -> int:
        """D·2^f with D = 1: the output error's clip as an integer of the format."""
        return headroom.ERROR_BOUND << self.frac_bits

    @property
    def batch(self) -> int:
        """2^log2_batch rows per SGD step."""
        return 1 << self.log2_batch

    @property
    def capacity(self) -> int:
        """How many data slots a participant commits to: steps × batch."""
        return self.steps * self.batch

    @property
    def n_features(self) -> int:
        return self.sizes[0]

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    @property
    def n_params(self) -> int:
        """Weights and biases of every layer."""
        return sum((i + 1) * o for i, o in zip(self.sizes, self.sizes[1:], strict=False))

    @property
    def per_element(self) -> int:
        """How many B-bit values one packed field element holds: ⌊253 / B⌋."""
        return PACK_BITS // self.bound_bits

    @property
    def averaged(self) -> bool:
        """Whether the statement proves a masked model, for private averaging."""
        return self.participants > 0

    @property
    def sum_slot(self) -> int:
        """The bits of a parameter's slot in the masked model: B + ⌈log₂ n⌉ (the sum of n
        models carries into no other slot)."""
        return self.bound_bits + max(0, self.participants - 1).bit_length()

    @property
    def masked_elements(self) -> int:
        """Field elements of the masked model: the parameters, ⌊253 / slot⌋ to an element."""
        return -(-self.n_params // (PACK_BITS // self.sum_slot)) if self.averaged else 0

    def to_json(self) -> dict[str, Any]:
        """The spec as a JSON object (``sizes`` a list; ``participants`` and ``reach`` only
        for an averaging spec)."""
        out = asdict(self)
        out["sizes"] = list(self.sizes)
        if not self.averaged:
            del out["participants"], out["reach"]
        return out

    @classmethod
    def from_json(cls, data: object) -> TrainingSpec:
        """The inverse of :meth:`to_json`; unknown or missing keys are errors (a spec
        written before the bounds existed is another task: its training was another).

        Raises:
            InvalidInput: for anything that is not such an object.
        """
        names = {f.name for f in fields(cls)}
        winner = names - {"participants", "reach"}
        if not isinstance(data, Mapping) or set(data) not in (names, winner):
            raise InvalidInput(f"a spec is an object with exactly the keys {sorted(winner)}, "
                               "and participants and reach for averaging")  # fmt: skip
        values = dict(data)
        if not isinstance(values["sizes"], list):
            raise InvalidInput(f"sizes must be a list, got {values['sizes']!r}")
        values["sizes"] = tuple(values["sizes"])
        return cls(**values)

    def digest(self) -> str:
        """A hex digest of the spec (Keccak-256 of its canonical JSON): names a key."""
        return keccak256(json.dumps(self.to_json(), sort_keys=True).encode()).hex()


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- packing, hashing, committing --------------------------------------------------------


def pack(values: Sequence[int], bits: int, slot: int | None = None) -> list[int]:
    """Signed ``bits``-bit values, offset by 2^(bits−1) and packed ⌊253 / slot⌋ to an element.

    Element e = Σᵢ (vᵢ + 2^(bits−1))·2^(slot·i) over each chunk, with ``slot`` = ``bits``
    by default; injective on values with |v| < 2^(bits−1) (the circuit range-checks each
    one). A wider slot leaves room for a sum (:mod:`zkpot.ml.aggregation`).

    Raises:
        InvalidInput: for a value outside ±2^(bits−1).
    """
    half, slot = 1 << (bits - 1), slot or bits
    per = PACK_BITS // slot
    out = []
    for start in range(0, len(values), per):
        element = 0
        for i, v in enumerate(values[start : start + per]):
            v = int(v)
            if not -half < v < half:
                raise InvalidInput(f"value {v} at {start + i} is outside ±2^{bits - 1}")
            element += (v + half) << (slot * i)
        out.append(element)
    return out


def flatten(layers: Sequence[Layer]) -> list[int]:
    """Every parameter as an int: per layer its weights row by row, then its biases."""
    return [int(v) for layer in layers for part in (layer.weight, layer.bias) for v in part.flat]


def model_hash(layers: Sequence[Layer], spec: TrainingSpec) -> int:
    """The public hash of a (global) model: the commitment with the fixed ``MODEL_SALT``."""
    return int(poseidon_commit(pack(flatten(layers), spec.bound_bits), MODEL_SALT))


def model_commitment(layers: Sequence[Layer], salt: int, spec: TrainingSpec) -> int:
    """The salted commitment to a participant's new model."""
    return int(poseidon_commit(pack(flatten(layers), spec.bound_bits), salt))


@dataclass(frozen=True, eq=False)
class Rows:
    """Encoded rows: features as fixed-point ints (n, d) and labels (n,).

    For a participant's data slots a label equal to the number of classes marks an empty
    slot (its features are 0).
    """

    x: np.ndarray
    y: np.ndarray

    def values(self) -> list[int]:
        """Row by row: the features, then the label."""
        return [int(v) for row, label in zip(self.x, self.y, strict=True)
                for v in (*row, label)]  # fmt: skip

    def __len__(self) -> int:
        return len(self.y)


def data_slots(data: Dataset, spec: TrainingSpec) -> tuple[Rows, int]:
    """A participant's data in the spec's slots, and how many of its rows were left out.

    The first min(n, capacity) rows fill the first slots in order; the rest of the slots
    are empty. Features are clipped to the data bound [−X, X] and quantized
    (:func:`encode_features`).

    Raises:
        InvalidInput: if the data does not have the spec's features and classes.
    """
    _check_dataset(data, spec)
    used = min(len(data), spec.capacity)
    x = np.zeros((spec.capacity, spec.n_features), dtype=np.int64)
    y = np.full(spec.capacity, spec.n_classes, dtype=np.int64)
    x[:used] = encode_features(data.x[:used], spec, f"{data.name} features")
    y[:used] = data.y[:used]
    return Rows(x, y), len(data) - used


def encode_features(x: np.ndarray, spec: TrainingSpec, where: str = "features") -> np.ndarray:
    """Real features clipped to [−X, X] (winsorized) and quantized: the spec's integers.

    The clip is what makes an honest participant's data, and the public test rows,
    satisfy the worst case's data bound (:mod:`zkpot.ml.headroom`); a standardized
    feature beyond 4 standard deviations (a few Wine rows) is read as 4.

    Raises:
        InvalidInput: for NaN or infinite features.
    """
    bound = 2.0**spec.log2_data_bound
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise InvalidInput(f"{where}: NaN or infinite values")
    return spec.fmt.quantize_array(np.clip(x, -bound, bound), where).astype(np.int64)


def encode_test_set(data: Dataset, spec: TrainingSpec) -> Rows:
    """The public test set's first ``spec.test_rows`` rows, clipped to [−X, X] and
    quantized (:func:`encode_features`).

    Raises:
        InvalidInput: if there are fewer rows, or other features or classes.
    """
    _check_dataset(data, spec)
    if len(data) < spec.test_rows:
        raise InvalidInput(f"{len(data)} test rows, the spec needs {spec.test_rows}")
    x = encode_features(data.x[: spec.test_rows], spec, f"{data.name} test features")
    return Rows(x, data.y[: spec.test_rows].astype(np.int64))


def _check_dataset(data: Dataset, spec: TrainingSpec) -> None:
    if not isinstance(data, Dataset):
        raise InvalidInput(f"expected a Dataset, got {type(data).__name__}")
    if data.n_features != spec.n_features or data.n_classes != spec.n_classes:
        raise InvalidInput(
            f"{data.name}: {data.n_features} features and {data.n_classes} classes, "
            f"the spec has {spec.n_features} and {spec.n_classes}"
        )


def data_commitment(slots: Rows, salt: int, spec: TrainingSpec) -> int:
    """The salted commitment to a participant's data slots (registered when it joins)."""
    return int(poseidon_commit(pack(slots.values(), spec.bound_bits), salt))


def hash_test_set(test: Rows, spec: TrainingSpec) -> int:
    """The public hash of the test rows."""
    return int(poseidon_commit(pack(test.values(), spec.bound_bits), TEST_SET_SALT))


def participant_id(public_key: bytes) -> int:
    """The field element that names a participant: Keccak-256 of a tag and its key, mod r."""
    if not isinstance(public_key, bytes | bytearray) or not public_key:
        raise InvalidInput("a participant's public key is a non-empty byte string")
    return int.from_bytes(keccak256(PARTICIPANT_TAG + bytes(public_key)), "big") % R


# -- the twin's run ---------------------------------------------------------------------


def fixed_model(layers: Sequence[Layer], spec: TrainingSpec) -> MLP:
    """An MLP on the spec's fixed-point arithmetic holding exactly these integer layers:
    projected SGD with the spec's weight bound, the output error clipped to [−1, 1].

    The layers need only fit the format, not the weight bound: the twin, like the
    circuit, trains from any model; the bound is what guarantees that an honest round
    does not overflow (:mod:`zkpot.ml.headroom`)."""
    fmt = spec.fmt
    shapes = [(o, i) for i, o in zip(spec.sizes, spec.sizes[1:], strict=False)]
    if [layer.weight.shape for layer in layers] != shapes:
        got = [layer.weight.shape for layer in layers]
        raise InvalidInput(f"layers of shapes {got}, the spec's are {shapes}")
    for layer in layers:
        pack(flatten([layer]), spec.bound_bits)  # raises for a value out of range
    real = [
        Layer(fmt.dequantize_array(layer.weight), fmt.dequantize_array(layer.bias))
        for layer in layers
    ]  # fmt: skip  (exact: |v| < 2^(B−1) ≤ 2^53)
    arithmetic = FixedArithmetic(fmt, weight_bound=spec.weight_bound, error_bound=spec.error_bound)
    return MLP(real, arithmetic)


def train_round(
    global_layers: Sequence[Layer], slots: Rows, spec: TrainingSpec
) -> tuple[list[Layer], list[list[Layer]]]:
    """The twin's round: ``steps`` SGD steps over the slots; (new layers, layers after each step).

    Step s trains on slots s·batch … (s + 1)·batch − 1; targets are one-hot at 2^f and
    an empty slot has mask 0; the output error is clipped to [−1, 1] and each step ends
    with the clamp to [−W, W] (:func:`fixed_model`).

    Raises:
        FixedPointOverflow: where a value leaves the bound (the circuit has no witness then).
    """
    model = fixed_model(global_layers, spec)
    k, scale = spec.n_classes, spec.fmt.scale
    mask = (slots.y < k).astype(np.int64)
    targets = np.zeros((len(slots), k), dtype=np.int64)
    rows = np.flatnonzero(mask)
    targets[rows, slots.y[rows]] = scale
    after = []
    for s in range(spec.steps):
        batch = slice(s * spec.batch, (s + 1) * spec.batch)
        trace = model.forward(slots.x[batch])
        model.step(model.backward(trace, targets[batch], mask[batch]), spec.log2_lr)
        after.append([Layer(layer.weight.copy(), layer.bias.copy()) for layer in model.layers])
    return after[-1], after


def count_correct(layers: Sequence[Layer], test: Rows, spec: TrainingSpec) -> int:
    """How many test rows the model classifies correctly (argmax, ties to the lowest)."""
    return fixed_model(layers, spec).correct(test.x, test.y)


# -- the statement ---------------------------------------------------------------------

FIELDS = ("round", "participant", "global_model", "data_commitment", "model_commitment",
          "test_set", "accuracy")  # fmt: skip
"""The statement's public inputs, in the circuit's order."""

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Statement:
    """One contribution's public statement (see the module docstring).

    Every field is an integer in [0, r); ``accuracy`` is the number of the ``test_rows``
    test rows classified correctly. :meth:`public_inputs` is the circuit's public input.
    ``masking`` is set for an averaging spec only (``TrainingSpec.participants``): the
    hash of the masked model and its seeds' commitments
    (:func:`zkpot.ml.aggregation.masking_hash`), the circuit's last public input.
    """

    round: int
    participant: int
    global_model: int
    data_commitment: int
    model_commitment: int
    test_set: int
    accuracy: int
    test_rows: int
    masking: int | None = None

    def __post_init__(self) -> None:
        for name in self._names():
            value = getattr(self, name)
            if not _is_int(value) or not 0 <= value < R:
                raise InvalidInput(f"statement {name}: an integer in [0, r), got {value!r}")
        if self.accuracy > self.test_rows:
            raise InvalidInput(f"accuracy {self.accuracy} exceeds the {self.test_rows} test rows")

    def _names(self) -> tuple[str, ...]:
        """The fields this statement has, in order: masking only when set."""
        return (*FIELDS, "test_rows", *(("masking",) if self.masking is not None else ()))

    def public_inputs(self) -> list[int]:
        """[round, participant, global_model, data_commitment, model_commitment, test_set,
        accuracy] and, when set, masking: the order of the circuit's public inputs."""
        return [getattr(self, name) for name in self._names() if name != "test_rows"]

    def to_json(self) -> dict[str, Any]:
        """Field elements as decimal strings; round, accuracy and test_rows as numbers."""
        small = ("round", "accuracy", "test_rows")
        return {name: getattr(self, name) if name in small else str(getattr(self, name))
                for name in self._names()}  # fmt: skip

    @classmethod
    def from_json(cls, data: object) -> Statement:
        """The inverse of :meth:`to_json` (numbers given as strings are accepted too).

        Raises:
            InvalidInput: for a missing or unknown key, or a value that is not a canonical
                decimal integer in [0, r).
        """
        names = {*FIELDS, "test_rows"}
        if not isinstance(data, Mapping) or set(data) not in (names, {*names, "masking"}):
            raise InvalidInput(f"a statement is an object with exactly the keys {sorted(names)}"
                               ", and masking for averaging")  # fmt: skip
        values = {}
        for name in data:
            value = data[name]
            if isinstance(value, str) and _DECIMAL.fullmatch(value):
                value = int(value)
            if not _is_int(value):
                raise InvalidInput(f"statement {name}: expected a decimal integer, got {value!r}")
            values[name] = value
        return cls(**values)

    def to_bytes(self) -> bytes:
        """32-byte big-endian integers, in the order of :data:`FIELDS`, then test_rows, then
        masking when set: 256 or 288 bytes."""
        return b"".join(getattr(self, n).to_bytes(32, "big") for n in self._names())

    @classmethod
    def from_bytes(cls, data: bytes) -> Statement:
        """The inverse of :meth:`to_bytes`.

        Raises:
            InvalidInput: for a length other than 256 or 288 bytes, or a value ≥ r.
        """
        names = (*FIELDS, "test_rows")
        if not isinstance(data, bytes | bytearray) or len(data) not in (256, 288):
            raise InvalidInput("a statement is 256 bytes, or 288 with masking")
        if len(data) == 288:
            names = (*names, "masking")
        values = [int.from_bytes(data[32 * i : 32 * i + 32], "big") for i in range(len(names))]
        return cls(**dict(zip(names, values, strict=True)))


__all__ = [
    "FIELDS",
    "MODEL_SALT",
    "TEST_SET_SALT",
    "Rows",
    "Statement",
    "TrainingSpec",
    "count_correct",
    "data_commitment",
    "data_slots",
    "encode_features",
    "encode_test_set",
    "fixed_model",
    "flatten",
    "hash_test_set",
    "model_commitment",
    "model_hash",
    "pack",
    "participant_id",
    "train_round",
]  # fmt: skip
