"""The ZKPoT statement as one circuit: training, accuracy and the commitments.

:func:`build` lays out, for a :class:`~zkpot.ml.statement.TrainingSpec`, the circuit
whose public inputs are a :class:`~zkpot.ml.statement.Statement`'s
(round, participant, global_model, data_commitment, model_commitment, test_set,
accuracy). Part by part, each beside the twin's line it proves:

========================  ==================================================================
part                      proves
========================  ==================================================================
global model              every parameter in the bound; ``model_hash(global) = global_model``
data                      every feature in the bound, label y ∈ {0 … k} (k: an empty slot),
                          its one-hot bits and mask; ``data_commitment(slots, salt)`` opens
forward, backward         per training row, ``MLP.forward`` and ``MLP.backward`` (masked)
update                    per step, ``FixedArithmetic.step`` on every parameter, ending
                          with the clamp to [−W, W]
model commitment          ``model_commitment(new, salt) = model_commitment``
test set                  features in the bound, labels in range; ``hash_test_set = test_set``
accuracy                  ``MLP.correct`` on the test rows with the new model = accuracy
========================  ==================================================================

The round and the participant are public inputs that no gate reads: PLONK binds every
public input into the proof (its row's gate a − xᵢ = 0 and the transcript), so the
same proof does not verify under another round or participant.

Every value that is packed for Poseidon (see :func:`~zkpot.ml.statement.pack`) is
range-checked by a gate of this circuit — the global parameters and the test features
here, the new parameters by ``step``'s clamp (into [−W, W], inside the bound), the data
features here and the labels by their one-hot gadget or a lookup — so packing is
injective and the commitments bind each value.

The circuit checks the global model and the data only against the format's bound, not
against W and X: any model and data the twin trains on have a proof, and the bounds are
what the chain keeps (every global model in [−W, W], the test rows in [−X, X]) so that
an honest participant's round never overflows (:mod:`zkpot.ml.headroom`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from zkpot.errors import InvalidInput
from zkpot.hash.poseidon import COMMIT_TAG
from zkpot.ml import aggregation_circuit
from zkpot.ml.aggregation import Seeds
from zkpot.ml.circuit import CircuitArithmetic
from zkpot.ml.model import Layer
from zkpot.ml.statement import FIELDS, MODEL_SALT, PACK_BITS, TEST_SET_SALT, Rows, TrainingSpec
from zkpot.plonk import lookup_gadgets, poseidon_circuit
from zkpot.plonk.circuit import Circuit, ConstraintSystem, Variable, signed
from zkpot.plonk.gadgets import is_equal
from zkpot.plonk.poseidon_circuit import Form

Params = list[tuple[list[list[Variable]], list[Variable]]]
"""A model in the circuit: (weights, biases) of every layer."""


@dataclass
class TrainingCircuit:
    """The compiled circuit of a spec and the variables a witness is checked on.

    Attributes:
        spec: the spec it was built for.
        cs: the compiled constraint system.
        parts: the rows of each part, in the order built (for the cost table).
        steps: the parameters after each SGD step.
        test_outputs: ŷ of every test row under the new model.
    """

    spec: TrainingSpec
    cs: ConstraintSystem
    parts: dict[str, int]
    steps: list[Params] = field(default_factory=list)
    test_outputs: list[list[Variable]] = field(default_factory=list)


class _Parts(dict[str, int]):
    """The rows of each part: called with a part's name when the part is built, it adds
    the gates laid out since the last call (the constant-0 gate counts with the first)."""

    def __init__(self, c: Circuit) -> None:
        super().__init__()
        self.circuit, self.mark = c, 0

    def __call__(self, part: str) -> None:
        self[part] = self.get(part, 0) + self.circuit.n_gates - self.mark
        self.mark = self.circuit.n_gates


def _shapes(spec: TrainingSpec) -> list[tuple[int, int]]:
    return [(outputs, inputs) for inputs, outputs in pairwise(spec.sizes)]


def _pack(values: Sequence[Variable], spec: TrainingSpec, slot: int | None = None) -> list[Form]:
    """:func:`~zkpot.ml.statement.pack` as linear forms: no row until Poseidon absorbs them
    (``slot`` as there: the value's bits by default, wider for a sum)."""
    bits = spec.bound_bits
    slot = slot or bits
    half, per = 1 << (bits - 1), PACK_BITS // slot
    out = []
    for start in range(0, len(values), per):
        chunk = values[start : start + per]
        terms = {v.index: (1 << (slot * i), v) for i, v in enumerate(chunk)}
        out.append((terms, sum(half << (slot * i) for i in range(len(chunk)))))
    return out


def _flat(params: Params) -> list[Variable]:
    """The circuit's parameters in :func:`~zkpot.ml.statement.flatten`'s order."""
    return [v for weight, bias in params for part in (*weight, bias) for v in part]


def _forward(ar: CircuitArithmetic, x: Sequence[Variable], params: Params):
    """``MLP.forward`` for one row: (inputs of every layer, ReLU signs, output)."""
    inputs, signs = [list(x)], []
    for n, (weight, bias) in enumerate(params, 1):
        z, sign = ar.linear(inputs[-1], weight, bias)
        if n == len(params):
            return inputs, signs, z
        inputs.append(ar.relu(z, sign))
        signs.append(sign)
    raise AssertionError("unreachable: a spec has at least one layer")


def build(spec: TrainingSpec) -> TrainingCircuit:
    """The circuit of ``spec``'s statement (see the module docstring for its parts)."""
    c = Circuit()
    ar = CircuitArithmetic(c, spec.fmt, spec.table_bits, weight_bound=spec.weight_bound,
                           error_bound=spec.error_bound)  # fmt: skip
    bits, tb, k = spec.bound_bits, spec.table_bits, spec.n_classes
    public = {name: c.public_input(name) for name in public_fields(spec)}
    done = _Parts(c)

    # the global model: in the bound, and hashing to the public global_model
    with c.scope("global model"):
        params = _model(c, spec)
        _commit(c, spec, _flat(params), MODEL_SALT, public["global_model"])
    done("global model")

    # the data slots: features in the bound, label y ∈ {0 … k}, one-hot bits and mask
    with c.scope("data"):
        xs, onehots, masks, slot_values = [], [], [], []
        for s in range(spec.capacity):
            x = [c.private_input(f"x{s}_{i}") for i in range(spec.n_features)]
            y = c.private_input(f"y{s}")
            for v in x:
                lookup_gadgets.assert_signed_range(c, v, bits, tb)
            onehot = [is_equal(c, y, j) for j in range(k)]
            mask = c.linear_combination([(1, b) for b in onehot], label="mask = Σ [y = j]")
            # (1 − m)·(y − k) = 0: a slot that matches no class is the empty label k
            c.gate(y, mask, q_l=1, q_r=k, q_m=-1, q_c=-k, label="(1 − m)·(y − k) = 0")
            xs.append(x)
            onehots.append(onehot)
            masks.append(mask)
            slot_values += [*x, y]
        _commit(c, spec, slot_values, c.private_input("data_salt"), public["data_commitment"])
    done("data commitment")

    # training: steps SGD steps, batch s on slots s·batch … (s + 1)·batch − 1
    steps = []
    for s in range(spec.steps):
        with c.scope(f"step {s + 1}"):
            rows = range(s * spec.batch, (s + 1) * spec.batch)
            traces = [_forward(ar, xs[r], params) for r in rows]
            done("forward")
            deltas = [ar.output_error(out, onehots[r], masks[r])
                      for (_, _, out), r in zip(traces, rows, strict=True)]  # fmt: skip
            grads: list = [None] * len(params)
            for n in range(len(params), 0, -1):
                grads[n - 1] = ar.gradient(deltas, [inputs[n - 1] for inputs, _, _ in traces])
                if n > 1:
                    weight = params[n - 1][0]
                    deltas = [ar.backprop(d, weight, signs[n - 2])
                              for d, (_, signs, _) in zip(deltas, traces, strict=True)]  # fmt: skip
            done("backward")
            params = [ar.step(w, b, g, spec.log2_lr)
                      for (w, b), g in zip(params, grads, strict=True)]  # fmt: skip
            done("update")
        steps.append(params)

    outputs = _commitment_and_accuracy(c, ar, spec, params, public, done)
    if spec.averaged:
        _masking(c, spec, params, public)
        done("masking")
    return TrainingCircuit(spec, c.compile(), dict(done), steps, outputs)


def public_fields(spec: TrainingSpec) -> tuple[str, ...]:
    """The circuit's public inputs: the statement's :data:`FIELDS`, and ``masking`` for an
    averaging spec."""
    return (*FIELDS, "masking") if spec.averaged else FIELDS


def _masking(c: Circuit, spec: TrainingSpec, params: Params, public: Mapping[str, Variable]):
    """The new model packed for a sum, masked with the participant's own seed and its pair
    seeds (``reach`` added, ``reach`` subtracted), hashed with the seeds' commitments:
    equal to the public ``masking`` (:func:`zkpot.ml.aggregation_circuit.masking`)."""
    with c.scope("masking"):
        own = c.private_input("own_seed")
        added = [c.private_input(f"added_seed{d}") for d in range(spec.reach)]
        subtracted = [c.private_input(f"subtracted_seed{d}") for d in range(spec.reach)]
        packed = _pack(_flat(params), spec, spec.sum_slot)
        out = aggregation_circuit.masking(c, packed, public["round"], own, added, subtracted)
        c.assert_equal(out, public["masking"])


def _model(c: Circuit, spec: TrainingSpec) -> Params:
    """A model as private inputs ``g{n}_w{j}_{i}``, ``g{n}_b{j}``, each in the bound."""
    params: Params = []
    for n, (outputs, inputs) in enumerate(_shapes(spec), 1):
        weight = [[c.private_input(f"g{n}_w{j}_{i}") for i in range(inputs)]
                  for j in range(outputs)]  # fmt: skip
        params.append((weight, [c.private_input(f"g{n}_b{j}") for j in range(outputs)]))
    for v in _flat(params):
        lookup_gadgets.assert_signed_range(c, v, spec.bound_bits, spec.table_bits)
    return params


def _commit(
    c: Circuit, spec: TrainingSpec, values: Sequence[Variable], salt: Variable | int, out: Variable
) -> None:
    """``out`` is the Poseidon commitment of the packed ``values`` with ``salt``."""
    packed = _pack(values, spec)
    c.assert_equal(poseidon_circuit.commit(c, packed, salt, round_gates=True), out)


def _commitment_and_accuracy(
    c: Circuit,
    ar: CircuitArithmetic,
    spec: TrainingSpec,
    params: Params,
    public: Mapping[str, Variable],
    done: Callable[[str], None],
) -> list[list[Variable]]:
    """The parts both statements share: the model's commitment, the public test set's
    hash, and the count of test rows the model classifies correctly; ŷ of each test row."""
    bits, tb, k = spec.bound_bits, spec.table_bits, spec.n_classes
    with c.scope("model commitment"):
        _commit(c, spec, _flat(params), c.private_input("model_salt"), public["model_commitment"])
    done("model commitment")

    # the public test set: hashed, then classified by the model
    with c.scope("test set"):
        test_x, test_y, test_values = [], [], []
        for t in range(spec.test_rows):
            x = [c.private_input(f"t{t}_{i}") for i in range(spec.n_features)]
            y = c.private_input(f"u{t}")
            for v in x:
                lookup_gadgets.assert_signed_range(c, v, bits, tb)
            lookup_gadgets.assert_range(c, y, max(1, (k - 1).bit_length()), tb)  # y < 2^⌈log₂ k⌉
            test_x.append(x)
            test_y.append(y)
            test_values += [*x, y]
        _commit(c, spec, test_values, TEST_SET_SALT, public["test_set"])
    done("test set hash")
    with c.scope("accuracy"):
        outputs = [_forward(ar, x, params)[2] for x in test_x]
        c.assert_equal(ar.correct(outputs, test_y), public["accuracy"])
    done("accuracy")
    return outputs


ACCURACY_FIELDS = ("round", "participant", "model_commitment", "test_set", "accuracy")
"""The public inputs of the accuracy-only statement (:func:`build_accuracy_only`)."""


def build_accuracy_only(spec: TrainingSpec) -> TrainingCircuit:
    """The ZKPoT paper's statement, for comparison: a committed model classifies
    ``accuracy`` of the public test rows correctly — and nothing about how it was trained.

    It is :func:`build` without the global model, the data and the training: the
    model's parameters are private inputs in the bound, committed to
    ``model_commitment``. Its inputs are :func:`inputs`'s with the new model's
    parameters under the global model's names (``g{n}_…``) and no data slots.
    """
    c = Circuit()
    ar = CircuitArithmetic(c, spec.fmt, spec.table_bits)
    public = {name: c.public_input(name) for name in ACCURACY_FIELDS}
    done = _Parts(c)

    with c.scope("model"):
        params = _model(c, spec)
    done("model commitment")
    outputs = _commitment_and_accuracy(c, ar, spec, params, public, done)
    return TrainingCircuit(spec, c.compile(), dict(done), [params], outputs)


COST_PARTS = {"forward": ("forward",), "backward": ("backward",), "update": ("update",),
              "accuracy": ("accuracy",),
              "commitments": ("global model", "data commitment", "model commitment",
                              "test set hash"),
              "masking": ("masking",)}  # fmt: skip
"""How ``zkpot cost`` groups the parts: commitments are the range checks and Poseidon of
the global model's hash, the data and model commitments and the test set's hash; masking
is an averaging spec's masked model (no such part for the winner rule)."""


def cost_parts(spec: TrainingSpec) -> tuple[dict[str, int], ConstraintSystem]:
    """The rows of ``spec``'s circuit by :data:`COST_PARTS`, plus one per public input."""
    circuit = build(spec)
    out = {name: sum(circuit.parts.get(p, 0) for p in group)
           for name, group in COST_PARTS.items() if spec.averaged or name != "masking"}  # fmt: skip
    out["public inputs"] = len(circuit.cs.public_inputs)
    return out, circuit.cs


def masking_rows(spec: TrainingSpec, participants: int, reach: int) -> int:
    """The rows the masked model adds to ``spec``'s statement for private averaging over up
    to ``participants`` with ``reach`` (:func:`_masking`, the circuit's "masking" part),
    counted on that part alone: no training circuit is built."""
    averaged = dataclasses.replace(spec, participants=participants, reach=reach)
    c = Circuit()
    params = [c.private_input(f"p{k}") for k in range(spec.n_params)]
    public = {"round": c.public_input("round"), "masking": c.public_input("masking")}
    for shared in (0, COMMIT_TAG):  # constants the statement's commitments have made already
        c.constant(shared)
    before = c.n_gates
    _masking(c, averaged, [([], params)], public)
    return c.n_gates - before


def inputs(
    spec: TrainingSpec,
    *,
    statement: Mapping[str, int],
    global_layers: Sequence[Layer],
    slots: Rows,
    data_salt: int,
    model_salt: int,
    test: Rows,
    seeds: Seeds | None = None,
) -> dict[str, int]:
    """The circuit's inputs by name: the statement's fields and every private value
    (``seeds``, the masks' seeds, for an averaging spec)."""
    out = {name: int(statement[name]) for name in public_fields(spec)}
    out.update(_named(global_layers, {"x": slots, "t": test}))
    out["data_salt"], out["model_salt"] = int(data_salt), int(model_salt)
    if spec.averaged:
        if seeds is None or len(seeds.added) != spec.reach or len(seeds.subtracted) != spec.reach:
            raise InvalidInput(f"an averaging spec needs its own seed and {spec.reach} added and "
                               f"{spec.reach} subtracted pair seeds")  # fmt: skip
        out["own_seed"] = seeds.own
        out.update({f"added_seed{d}": v for d, v in enumerate(seeds.added)})
        out.update({f"subtracted_seed{d}": v for d, v in enumerate(seeds.subtracted)})
    return out


def accuracy_inputs(
    spec: TrainingSpec,
    *,
    statement: Mapping[str, int],
    layers: Sequence[Layer],
    model_salt: int,
    test: Rows,
) -> dict[str, int]:
    """:func:`build_accuracy_only`'s inputs by name: ``statement`` holds
    :data:`ACCURACY_FIELDS`; ``layers`` is the committed model."""
    out = {name: int(statement[name]) for name in ACCURACY_FIELDS}
    out.update(_named(layers, {"t": test}))
    out["model_salt"] = int(model_salt)
    return out


def _named(layers: Sequence[Layer], rows: Mapping[str, Rows]) -> dict[str, int]:
    """A model's parameters as ``g{n}_…`` and rows as ``x``/``y`` (slots), ``t``/``u`` (test)."""
    out = {}
    for n, layer in enumerate(layers, 1):
        for j, row in enumerate(layer.weight):
            out.update({f"g{n}_w{j}_{i}": int(v) for i, v in enumerate(row)})
            out[f"g{n}_b{j}"] = int(layer.bias[j])
    for prefix, data in rows.items():
        label = {"x": "y", "t": "u"}[prefix]
        for s, (row, y) in enumerate(zip(data.x, data.y, strict=True)):
            out.update({f"{prefix}{s}_{i}": int(v) for i, v in enumerate(row)})
            out[f"{label}{s}"] = int(y)
    return out


def values(params: Params, witness: Sequence[int]) -> list[int]:
    """The signed integers of a model's parameters in a witness, in ``flatten``'s order."""
    return [signed(witness[v.index]) for v in _flat(params)]


__all__ = ["ACCURACY_FIELDS", "COST_PARTS", "Params", "TrainingCircuit", "accuracy_inputs", "build",
           "build_accuracy_only", "cost_parts", "inputs", "masking_rows", "public_fields",
           "values"]  # fmt: skip
