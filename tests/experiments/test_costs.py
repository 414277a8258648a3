"""The costs experiment: the accuracy-only statement it compares with, a round's costs, and
``zkpot experiment costs``'s JSON, table and figures."""

from __future__ import annotations

import dataclasses
import json

import pytest

from zkpot.chain.encoding import canonical
from zkpot.cli import main
from zkpot.curve import bls
from zkpot.errors import InvalidInput
from zkpot.experiments import costs
from zkpot.ml.contribution import dev_srs, setup
from zkpot.ml.statement import count_correct, flatten, train_round
from zkpot.ml.task import iris_task
from zkpot.ml.training_circuit import ACCURACY_FIELDS, accuracy_inputs
from zkpot.plonk.constraints import UnsatisfiedConstraint
from zkpot.plonk.verifier import verify

SPEC = costs.QUICK_SPEC


@pytest.fixture(scope="module")
def keys():
    return setup(SPEC, dev_srs(SPEC))


@pytest.fixture(scope="module")
def trained():
    """A model trained one round on participant 1's Iris share, and the test rows."""
    task = iris_task(2, seed=0, spec=SPEC)
    new, _ = train_round(task.global_layers, task.slots(1)[0], SPEC)
    return new, task.test


def test_the_accuracy_only_statement_proves_a_committed_models_accuracy(keys, trained) -> None:
    model, test = trained
    accuracy_keys = costs.accuracy_setup(SPEC, dev_srs(SPEC))
    public, proof = costs.prove_accuracy(accuracy_keys, SPEC, model, test, salt=5)
    assert public[-1] == count_correct(model, test, SPEC)
    assert verify(accuracy_keys.vk, public, proof)
    # the proof binds the accuracy and the commitment: another value of either is refused
    for i in (2, 4):
        assert not verify(accuracy_keys.vk, [*public[:i], public[i] + 1, *public[i + 1 :]], proof)
    # and a prover who claims one more correct row has no witness at all
    statement = dict(zip(ACCURACY_FIELDS, public, strict=True))
    statement["accuracy"] += 1
    with pytest.raises(UnsatisfiedConstraint, match="accuracy"):
        accuracy_keys.circuit.cs.solve(accuracy_inputs(
            SPEC, statement=statement, layers=model, model_salt=5, test=test))  # fmt: skip


def test_the_accuracy_only_circuit_is_the_training_circuits_last_parts() -> None:
    spec = dataclasses.replace(SPEC, steps=2)
    rows = costs.circuit_rows(spec)
    assert rows["accuracy_only"] == costs.circuit_rows(SPEC)["accuracy_only"]  # no training
    assert rows["training"] > costs.circuit_rows(SPEC)["training"] > rows["accuracy_only"]
    assert (
        rows["training_domain"] >= rows["training"]
        and rows["accuracy_only_domain"] >= (rows["accuracy_only"])
    )


def test_a_learning_based_model_message_is_signed_and_carries_the_whole_model(trained) -> None:
    model, _ = trained
    message = costs.model_message(3, 77, model)
    assert message["model"] == flatten(model) and message["round"] == 3
    unsigned = {k: v for k, v in message.items() if k != "signature"}
    assert bls.verify(bls.secret_to_public(77), b"zkpot.model" + canonical(unsigned),
                      bytes.fromhex(message["signature"]))  # fmt: skip


def test_a_round_of_one_participant_is_measured_whole(keys) -> None:
    r = costs.measure_round(1, keys)
    assert r["participants"] == r["proved"] == 1 and r["proof_bytes"] == 928
    assert r["verify_block_s"] == pytest.approx(r["verify_contribution_s"] + r["certificate_s"])
    assert r["zkpot"]["sent"] == r["learning"]["sent"] == 0  # nobody else to send to
    # the evidence on chain: a contribution (proof, signature, fields) against a model
    assert r["zkpot"]["on_chain"] - r["learning"]["on_chain"] == (
        r["contribution_bytes"] - r["model_bytes"]
    )
    assert r["contribution_bytes"] > 2 * r["proof_bytes"]  # hex in canonical JSON


def test_growth_refuses_a_limit_nothing_fits() -> None:
    with pytest.raises(InvalidInput, match="measure limit"):
        costs.growth(SPEC, widths=(2,), steps=(), measure_limit=1)


def test_the_costs_experiment_writes_its_numbers_table_and_figures(tmp_path, capsys) -> None:
    assert main(["experiment", "costs", "--quick", "--out", str(tmp_path)]) == 0
    found = json.loads((tmp_path / "costs.json").read_text())
    rounds = found["rounds"]
    assert [r["participants"] for r in rounds] == list(costs.PARTICIPANTS)
    assert {r["proof_bytes"] for r in rounds} == {928}  # constant, whatever the round
    for r in rounds:
        assert r["proved"] == 1 and r["verify_block_s"] > r["verify_contribution_s"] > 0
    # the evidence on chain grows by one contribution per participant (each round's mean
    # size: a contribution's field elements are decimal, of varying length, and the JSON
    # gives the means rounded, ±0.5 each) …
    four, eight = rounds[0], rounds[1]
    grown = eight["zkpot"]["on_chain"] - four["zkpot"]["on_chain"]
    evidence = 8 * eight["contribution_bytes"] - 4 * four["contribution_bytes"]
    # … and the block by four hashes ("<64 hex>",) and the certificate by four signers (",7")
    assert -6 <= grown - evidence - 4 * 67 <= 4 * 3 + 4 + 6
    s = found["statements"]
    assert s["accuracy_only"] < s["training"] and s["training_verify_s"] > 0
    by_axis = {(g["axis"], g["value"]): g for g in found["growth"]}
    assert by_axis[("steps", 1)]["measured"] and by_axis[("steps", 1)]["prove_s"] == pytest.approx(
        s["training_prove_s"]
    )
    assert (
        not by_axis[("steps", 4)]["measured"]
        and by_axis[("steps", 4)]["prove_s"] > (s["training_prove_s"])
    )
    widths = [by_axis[("width", w)] for w in costs.WIDTHS[:3]]
    assert [w["training"] for w in widths] == sorted(w["training"] for w in widths)
    for name in ("costs-round.png", "costs-growth.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "statements: training + accuracy" in out and out.count("\n") >= 8
