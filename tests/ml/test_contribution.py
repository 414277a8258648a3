"""The proof of training: the statement's encodings, the circuit bit-exact against the twin on
random specs, an honest contribution proven, and every cheat the issue lists refused twice —
by the prover, and by the verifier when a proof is forced past the prover's checks."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from zkpot.errors import InvalidInput
from zkpot.ml import statement as st
from zkpot.ml.contribution import (
    Contribution,
    check_twin,
    contribution_error,
    dev_srs,
    prove_contribution,
    setup,
    verify_contribution,
)
from zkpot.ml.datasets import Dataset, blobs, standardize, train_test_split
from zkpot.ml.fixedpoint import FixedPointOverflow
from zkpot.ml.model import Layer, initial_layers
from zkpot.ml.training_circuit import _flat, build, inputs
from zkpot.ml.training_circuit import values as tc_values
from zkpot.plonk.circuit import UnsatisfiedConstraint
from zkpot.plonk.prover import prove_witness
from zkpot.progress import Recorder

TINY = st.TrainingSpec(sizes=(2, 3, 2), steps=1, log2_batch=1, test_rows=2)


def data_for(spec: st.TrainingSpec, seed: int = 3, rows: int = 64) -> tuple[Dataset, Dataset]:
    data = blobs(rows, n_features=spec.n_features, n_classes=spec.n_classes, seed=seed)
    return standardize(*train_test_split(data, seed=seed))


def global_model(spec: st.TrainingSpec, seed: int = 0) -> list[Layer]:
    fmt = spec.fmt
    return [Layer(fmt.quantize_array(layer.weight), fmt.quantize_array(layer.bias))
            for layer in initial_layers(spec.sizes, seed=seed, fmt=fmt)]  # fmt: skip


# -- encodings ----------------------------------------------------------------------------


def test_spec_and_statement_round_trip() -> None:
    spec = st.TrainingSpec(sizes=(4, 5, 3), steps=3)
    assert st.TrainingSpec.from_json(spec.to_json()) == spec
    assert spec.digest() != TINY.digest()
    s = st.Statement(1, 2, 3, 4, 5, 6, 7, 30)
    assert st.Statement.from_json(s.to_json()) == s
    assert st.Statement.from_bytes(s.to_bytes()) == s
    assert s.to_json()["participant"] == "2" and s.to_json()["round"] == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"sizes": (4,)},
        {"sizes": [4, 3]},
        {"steps": 0},
        {"log2_batch": -1},
        {"frac_bits": 30},
        {"test_rows": True},
        {"sizes": (2, 5000)},
    ],
)
def test_a_bad_spec_is_refused(bad: dict) -> None:
    with pytest.raises(InvalidInput):
        st.TrainingSpec(**bad)


@pytest.mark.parametrize(
    "bad",
    [{"accuracy": 31}, {"round": -1}, {"participant": st.R}, {"round": "1"}],
)
def test_a_bad_statement_is_refused(bad: dict) -> None:
    fields = {"round": 1, "participant": 2, "global_model": 3, "data_commitment": 4,
              "model_commitment": 5, "test_set": 6, "accuracy": 7, "test_rows": 30}  # fmt: skip
    with pytest.raises(InvalidInput):
        st.Statement(**{**fields, **bad})
    with pytest.raises(InvalidInput):
        st.Statement.from_json({**st.Statement(**fields).to_json(), "extra": 1})


def test_packing_is_injective_within_the_bound() -> None:
    rng = np.random.default_rng(0)
    values = [int(v) for v in rng.integers(-(2**23) + 1, 2**23, 25)]
    packed = st.pack(values, 24)
    assert len(packed) == 3 and all(0 <= e < 2**253 for e in packed)
    for i in range(25):  # changing any one value changes the packing
        changed = values.copy()
        changed[i] += 1 if changed[i] < 2**23 - 1 else -1
        assert st.pack(changed, 24) != packed
    with pytest.raises(InvalidInput, match="outside"):
        st.pack([2**23], 24)


def test_data_slots_pad_with_empty_rows() -> None:
    train, _ = data_for(TINY)
    slots, dropped = st.data_slots(train.subset([0]), TINY)  # one row, capacity two
    assert dropped == 0 and slots.y.tolist() == [int(train.y[0]), TINY.n_classes]
    assert slots.x[1].tolist() == [0, 0]
    _, dropped = st.data_slots(train, TINY)
    assert dropped == len(train) - TINY.capacity


# -- the circuit is the twin ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_the_circuit_computes_the_twins_integers_at_every_step(seed: int) -> None:
    """Random shapes, steps, batches, rates and data sizes, with range tables or bit by bit:
    every step's parameters and every test output in the witness are the twin's integers."""
    rng = np.random.default_rng(seed)
    hidden = [int(h) for h in rng.integers(1, 4, int(rng.integers(0, 3)))]
    spec = st.TrainingSpec(
        sizes=(int(rng.integers(1, 4)), *hidden, int(rng.integers(2, 4))),
        steps=int(rng.integers(1, 3)), log2_batch=int(rng.integers(0, 3)),
        test_rows=int(rng.integers(1, 4)), log2_lr=int(rng.integers(0, 5)),
        frac_bits=int(rng.integers(6, 12)), bound_bits=20, table_bits=[0, 3, 5][seed % 3],
    )  # fmt: skip
    train, test = data_for(spec, seed=seed)
    n_rows = int(rng.integers(1, spec.capacity + 2))  # fewer rows than slots, or more
    slots, _ = st.data_slots(train.subset(range(min(n_rows, len(train)))), spec)
    test_rows = st.encode_test_set(test, spec)
    layers = global_model(spec, seed)
    new, after = st.train_round(layers, slots, spec)
    statement = {"round": 1, "participant": 2, "global_model": st.model_hash(layers, spec),
                 "data_commitment": st.data_commitment(slots, 5, spec),
                 "model_commitment": st.model_commitment(new, 6, spec),
                 "test_set": st.hash_test_set(test_rows, spec),
                 "accuracy": st.count_correct(new, test_rows, spec)}  # fmt: skip
    circuit = build(spec)
    named = inputs(spec, statement=statement, global_layers=layers, slots=slots, data_salt=5,
                   model_salt=6, test=test_rows)  # fmt: skip
    witness = circuit.cs.solve(named)
    check_twin(circuit, witness, after, new, test_rows)  # raises TwinMismatch otherwise
    assert any(st.flatten(a) != st.flatten(layers) for a in after)  # training moved something


def test_a_step_the_twin_refuses_has_no_witness() -> None:
    """A learning rate of 1 on huge errors overflows the bound in the twin and in the circuit."""
    spec = st.TrainingSpec(sizes=(2, 2), steps=1, log2_batch=0, test_rows=1, log2_lr=0,
                           frac_bits=8, bound_bits=12, table_bits=4)  # fmt: skip
    layers = [Layer(np.array([[2000, 2000], [-2000, 100]]), np.array([0, 0]))]
    slots = st.Rows(np.array([[2000, 2000]]), np.array([1]))
    with pytest.raises(FixedPointOverflow):
        st.train_round(layers, slots, spec)
    test = st.Rows(np.array([[0, 0]]), np.array([0]))
    statement = {**dict.fromkeys(st.FIELDS, 0), "global_model": st.model_hash(layers, spec),
                 "data_commitment": st.data_commitment(slots, 1, spec)}  # fmt: skip
    named = inputs(spec, statement=statement, global_layers=layers, slots=slots, data_salt=1,
                   model_salt=1, test=test)  # fmt: skip
    circuit = build(spec)
    witness = circuit.cs.assign(named)
    with pytest.raises(UnsatisfiedConstraint, match="step 1"):
        circuit.cs.check(witness)


# -- proving: one honest contribution, and the cheats -------------------------------------


@pytest.fixture(scope="module")
def world():
    """Keys for the tiny spec, a participant's data, the test set and an honest contribution
    (and what the setup and the proof told of their progress)."""
    told = {"setup": Recorder(), "prove": Recorder()}
    keys = setup(TINY, dev_srs(TINY), progress=told["setup"])
    train, test = data_for(TINY)
    slots, _ = st.data_slots(train, TINY)
    test_rows = st.encode_test_set(test, TINY)
    layers = global_model(TINY)
    proven = prove_contribution(keys, round=3, participant=77, global_layers=layers, data=slots,
                                data_salt=1234, test=test_rows, model_salt=99,
                                rng=random.Random(1), progress=told["prove"])  # fmt: skip
    return {"keys": keys, "slots": slots, "test": test_rows, "layers": layers, "train": train,
            "proven": proven, "told": told}  # fmt: skip


def expected(world) -> dict[str, int]:
    """What a validator knows: round, participant, global model, registered data, test set."""
    s = world["proven"].contribution.statement
    return {"round": 3, "participant": 77, "global_model": st.model_hash(world["layers"], TINY),
            "data_commitment": st.data_commitment(world["slots"], 1234, TINY),
            "test_set": st.hash_test_set(world["test"], TINY), "accuracy": s.accuracy}  # fmt: skip


def test_the_setup_and_the_proof_report_their_steps_from_the_start(world) -> None:
    """Each step is told before its first unit of work, names its stages, and its units
    reach the total: three per fixed polynomial for the keys; training, the witness and
    the five rounds for the proof."""
    setup_events, prove_events = world["told"]["setup"], world["told"]["prove"]
    assert setup_events.events[0][0] == "say"  # the circuit's size
    assert setup_events.events[1][:2] == ("start", "preprocessing")
    assert setup_events.events[2] == ("advance", 0, "interpolation")
    ((done, total),) = setup_events.steps().values()
    assert done == total and total % 3 == 0
    assert prove_events.events[1:3] == [("start", "proving", 7, ""), ("advance", 0, "training")]
    stages = [e[2] for e in prove_events.events if e[0] == "advance" and e[2]]
    assert stages == ["training", "witness", *(f"round {k}" for k in range(1, 6))]
    assert prove_events.steps() == {"proving": (7, 7)}


def test_an_honest_contribution_verifies_and_round_trips(world) -> None:
    c = world["proven"].contribution
    assert verify_contribution(world["keys"], c.statement, c.proof, expect=expected(world))
    again = Contribution.from_json(c.to_json())
    assert again.statement == c.statement and again.proof == c.proof and again.spec == TINY
    new = world["proven"].model
    assert c.statement.model_commitment == st.model_commitment(new, 99, TINY)


@pytest.mark.parametrize("field", ["round", "participant"])
def test_a_replayed_proof_does_not_verify(world, field: str) -> None:
    """The same proof under another round or participant: the statement moves, the proof
    does not, and PLONK binds every public input."""
    c = world["proven"].contribution
    other = dataclasses.replace(c.statement, **{field: getattr(c.statement, field) + 1})
    assert contribution_error(world["keys"], other, c.proof) == (
        "the proof does not verify for this statement"
    )
    assert "expected" in contribution_error(world["keys"], c.statement, c.proof,
                                            expect={field: getattr(other, field)})  # fmt: skip


def forced(
    world, statement: dict[str, int], overrides: dict[int, int] | None = None, **private
) -> tuple[bool, st.Statement]:
    """A cheating prover: the claimed statement with its own private values (and any wire
    overridden), proven with no check first. Returns whether the prover's own check refused it
    and the claimed statement; asserts that the forced proof does not verify."""
    keys = world["keys"]
    values = {"global_layers": world["layers"], "slots": world["slots"], "data_salt": 1234,
              "model_salt": 99, "test": world["test"], **private}  # fmt: skip
    named = inputs(TINY, statement=statement, **values)
    try:
        keys.circuit.cs.solve(named)
        refused = False
    except UnsatisfiedConstraint:
        refused = True
    witness = keys.circuit.cs.assign(named, overrides)
    proof = prove_witness(keys.pk, witness, random.Random(2), check=False)
    claimed = st.Statement(**statement, test_rows=TINY.test_rows)
    assert not verify_contribution(keys, claimed, proof)
    return refused, claimed


def honest_fields(world) -> dict[str, int]:
    s = world["proven"].contribution.statement
    return {name: getattr(s, name) for name in st.FIELDS}


@pytest.mark.parametrize("change", [+1, -1])
def test_claiming_one_more_or_fewer_correct_predictions_fails(world, change: int) -> None:
    fields = honest_fields(world)
    accuracy = fields["accuracy"] + change
    if not 0 <= accuracy <= TINY.test_rows:
        accuracy = fields["accuracy"] - change
    refused, _ = forced(world, {**fields, "accuracy": accuracy})
    assert refused


def test_a_model_that_was_not_trained_fails(world) -> None:
    """Random weights, and weights fitted to the test set, under a valid commitment: the
    cheater writes them into the new parameters' wires, so the commitment and the accuracy
    count agree with the claim, and only the training's gates are left to object."""
    fields = honest_fields(world)
    rng = np.random.default_rng(5)
    fitted, _ = st.train_round(world["layers"], world["test"], TINY)  # trained on the test set
    random_layers = [Layer(rng.integers(-(2**16), 2**16, layer.weight.shape),
                           rng.integers(-(2**16), 2**16, layer.bias.shape))
                     for layer in world["layers"]]  # fmt: skip
    for layers in (random_layers, fitted):
        claim = {**fields, "model_commitment": st.model_commitment(layers, 99, TINY),
                 "accuracy": st.count_correct(layers, world["test"], TINY)}  # fmt: skip
        wires = [v.index for v in _flat(world["keys"].circuit.steps[-1])]
        overrides = {i: v % st.R for i, v in zip(wires, st.flatten(layers), strict=True)}
        refused, _ = forced(world, claim, overrides)
        assert refused


def test_training_from_another_global_model_fails(world) -> None:
    other = global_model(TINY, seed=9)
    new, _ = st.train_round(other, world["slots"], TINY)
    claim = {**honest_fields(world), "model_commitment": st.model_commitment(new, 99, TINY),
             "accuracy": st.count_correct(new, world["test"], TINY)}  # fmt: skip
    refused, _ = forced(world, claim, global_layers=other)  # the statement names the old model
    assert refused


def test_training_on_other_data_than_committed_fails(world) -> None:
    other, _ = st.data_slots(world["train"].subset(range(10, 20)), TINY)
    assert other.values() != world["slots"].values()
    new, _ = st.train_round(world["layers"], other, TINY)
    claim = {**honest_fields(world), "model_commitment": st.model_commitment(new, 99, TINY),
             "accuracy": st.count_correct(new, world["test"], TINY)}  # fmt: skip
    refused, _ = forced(world, claim, slots=other)  # the statement keeps the registered data
    assert refused


def test_a_forced_honest_witness_verifies(world) -> None:
    """The forcing path itself is not what fails: with the true statement it verifies."""
    keys = world["keys"]
    named = inputs(TINY, statement=honest_fields(world), global_layers=world["layers"],
                   slots=world["slots"], data_salt=1234, model_salt=99,
                   test=world["test"])  # fmt: skip
    proof = prove_witness(keys.pk, keys.circuit.cs.assign(named), random.Random(3), check=False)
    assert verify_contribution(keys, world["proven"].contribution.statement, proof)


# -- the bounds: the clip of the output error and the clamp of the step, acting -------------


def extreme_model(spec: st.TrainingSpec, seed: int = 0) -> list[Layer]:
    """Every weight and bias ±W, signs at random: a global model the chain may produce."""
    rng, W = np.random.default_rng(seed), spec.weight_bound
    shapes = [(o, i) for i, o in zip(spec.sizes, spec.sizes[1:], strict=False)]
    return [Layer(W * rng.choice([-1, 1], s), W * rng.choice([-1, 1], s[0])) for s in shapes]


def bounds_act(layers: list[Layer], slots: st.Rows, spec: st.TrainingSpec) -> tuple[bool, bool]:
    """Whether one step's clip changes an output error, and its clamp a parameter."""
    model = st.fixed_model(layers, spec)
    k, mask = spec.n_classes, (slots.y < spec.n_classes).astype(np.int64)
    targets = np.zeros((len(slots), k), dtype=np.int64)
    targets[np.flatnonzero(mask), slots.y[mask == 1]] = spec.fmt.scale
    trace = model.forward(slots.x)
    clipped = np.abs((trace.output - targets) * mask[:, None]).max() > spec.error_bound
    model.arithmetic.weight_bound = None  # the same step, projected nowhere
    model.step(model.backward(trace, targets, mask), spec.log2_lr)
    projected = st.train_round(layers, slots, spec)[0]
    return bool(clipped), st.flatten(model.layers) != st.flatten(projected)


def test_the_circuit_is_the_twin_when_the_clip_and_the_clamp_act(world) -> None:
    layers = extreme_model(TINY)
    assert bounds_act(layers, world["slots"], TINY) == (True, True)
    new, after = st.train_round(layers, world["slots"], TINY)
    statement = {"round": 1, "participant": 2, "global_model": st.model_hash(layers, TINY),
                 "data_commitment": st.data_commitment(world["slots"], 5, TINY),
                 "model_commitment": st.model_commitment(new, 6, TINY),
                 "test_set": st.hash_test_set(world["test"], TINY),
                 "accuracy": st.count_correct(new, world["test"], TINY)}  # fmt: skip
    circuit = world["keys"].circuit
    named = inputs(TINY, statement=statement, global_layers=layers, slots=world["slots"],
                   data_salt=5, model_salt=6, test=world["test"])  # fmt: skip
    check_twin(circuit, circuit.cs.solve(named), after, new, world["test"])


def test_a_round_where_the_clip_and_the_clamp_act_is_proven(world) -> None:
    layers = extreme_model(TINY)
    proven = prove_contribution(world["keys"], round=2, participant=77, global_layers=layers,
                                data=world["slots"], data_salt=1234, test=world["test"],
                                model_salt=99, rng=random.Random(4))  # fmt: skip
    statement = proven.contribution.statement
    assert verify_contribution(world["keys"], statement, proven.contribution.proof,
                               expect={"global_model": st.model_hash(layers, TINY)})  # fmt: skip
    assert st.flatten(proven.model) == st.flatten(st.train_round(layers, world["slots"], TINY)[0])


@pytest.mark.parametrize(
    ("scope", "what"), [("/step/", "the clamp"), ("/output error/", "the clip")]
)
def test_a_model_trained_without_the_clamp_or_the_clip_fails(world, scope: str, what: str) -> None:
    """The cheater writes in = 1, s = 0 into every clamp of ``scope`` (the step's clamps of
    the parameters, or the output error's clips): values outside the bound pass unchanged,
    and the rest of the witness follows from them. Its commitment and accuracy are claimed
    for the model that results; the lookup of (hi, in, s) refuses it, and so does the proof."""
    layers, keys = extreme_model(TINY), world["keys"]
    cs = keys.circuit.cs
    cheat = {i: (1 if h.label.endswith(": in") else 0) for i, h in enumerate(cs.hints)
             if h and scope in h.label and h.label.endswith((": in", ": s"))}  # fmt: skip
    assert cheat, what
    private = {"global_layers": layers, "slots": world["slots"], "data_salt": 1234,
               "model_salt": 99, "test": world["test"]}  # fmt: skip
    witness = cs.assign(inputs(TINY, statement=honest_fields(world), **private), cheat)
    values = tc_values(keys.circuit.steps[-1], witness)
    assert values != st.flatten(st.train_round(layers, world["slots"], TINY)[0])  # it changed
    cheated, at = [], 0
    for layer in layers:
        n_w, n_b = layer.weight.size, layer.bias.size
        cheated.append(Layer(np.array(values[at : at + n_w]).reshape(layer.weight.shape),
                             np.array(values[at + n_w : at + n_w + n_b])))  # fmt: skip
        at += n_w + n_b
    claim = {**honest_fields(world), "global_model": st.model_hash(layers, TINY),
             "model_commitment": st.model_commitment(cheated, 99, TINY),
             "accuracy": st.count_correct(cheated, world["test"], TINY)}  # fmt: skip
    with pytest.raises(UnsatisfiedConstraint, match=r"\(hi, in, s\) in clamp"):
        cs.check(cs.assign(inputs(TINY, statement=claim, **private), cheat))
    refused, _ = forced(world, claim, cheat, global_layers=layers)
    assert refused


def test_an_empty_slot_adds_nothing_to_the_gradient() -> None:
    """Mask 0: whatever features an empty slot holds, the round trains to the same model."""
    train, _ = data_for(TINY)
    slots, _ = st.data_slots(train.subset([0]), TINY)
    noisy = st.Rows(slots.x.copy(), slots.y)
    noisy.x[1] = [12345, -999]
    layers = global_model(TINY)
    assert st.flatten(st.train_round(layers, slots, TINY)[0]) == st.flatten(
        st.train_round(layers, noisy, TINY)[0]
    )
    full = st.Rows(slots.x, np.array([slots.y[0], 0]))  # the same features, now a real row
    assert st.flatten(st.train_round(layers, full, TINY)[0]) != st.flatten(
        st.train_round(layers, slots, TINY)[0]
    )


def test_a_mask_must_be_bits_one_per_row() -> None:
    model = st.fixed_model(global_model(TINY), TINY)
    trace = model.forward(np.zeros((2, 2), dtype=np.int64))
    targets = np.zeros((2, 2), dtype=np.int64)
    for bad in (np.array([1, 2]), np.array([1])):
        with pytest.raises(InvalidInput, match="mask"):
            model.backward(trace, targets, bad)
