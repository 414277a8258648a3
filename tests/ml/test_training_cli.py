"""``zkpot prove-training``, ``verify-training`` and ``cost``: the contract other tools parse —
the JSON, the first word of the verdict, the exit codes, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zkpot.cli import main
from zkpot.ml.statement import TrainingSpec
from zkpot.ml.training_circuit import build

TINY = ["--layers", "4,2,3", "--batch", "2", "--steps", "1", "--test-rows", "2"]


@pytest.fixture(scope="module")
def proven(tmp_path_factory) -> tuple[Path, Path]:
    """One contribution of a tiny spec, and the key cache it left behind."""
    root = tmp_path_factory.mktemp("training")
    out, keys = root / "contribution.json", root / "keys"
    args = ["prove-training", "--participant", "2", "--of", "3", "--round", "4", "--seed", "1"]
    assert main([*args, *TINY, "--out", str(out), "--keys", str(keys)]) == 0
    return out, keys


def verify(capsys, path: Path, keys: Path, *more: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["verify-training", str(path), "--keys", str(keys), *more])
    return status, capsys.readouterr().out


def test_the_contribution_file_is_the_contract(proven) -> None:
    out, _ = proven
    data = json.loads(out.read_text())
    assert set(data) == {"spec", "statement", "proof"}
    assert TrainingSpec.from_json(data["spec"]).sizes == (4, 2, 3)
    statement = data["statement"]
    assert set(statement) == {"round", "participant", "global_model", "data_commitment",
                              "model_commitment", "test_set", "accuracy", "test_rows"}  # fmt: skip
    assert statement["round"] == 4 and statement["test_rows"] == 2
    for name in ("participant", "global_model", "data_commitment", "model_commitment"):
        assert isinstance(statement[name], str) and statement[name].isdigit()
    bytes.fromhex(data["proof"])


def test_a_valid_file_verifies_and_loads_its_key_from_the_cache(proven, capsys) -> None:
    out, keys = proven
    capsys.readouterr()
    assert main(["verify-training", str(out), "--keys", str(keys)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("valid")
    assert "loaded the proving key" in captured.err
    assert verify(capsys, out, keys, "--round", "4")[0] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("accuracy", "bump"), ("round", 5), ("participant", "12345"), ("model_commitment", "7")],
)
def test_a_changed_statement_is_invalid_with_a_reason(proven, capsys, tmp_path, field, value):
    out, keys = proven
    data = json.loads(out.read_text())
    if value == "bump":
        value = (data["statement"]["accuracy"] + 1) % 3
    data["statement"][field] = value
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    status, text = verify(capsys, changed, keys)
    assert status == 1 and text.startswith("invalid: ")


def test_the_wrong_round_is_invalid(proven, capsys) -> None:
    out, keys = proven
    status, text = verify(capsys, out, keys, "--round", "5")
    assert status == 1 and text.startswith("invalid: round is 4, expected 5")


def test_a_tampered_proof_is_invalid(proven, capsys, tmp_path) -> None:
    out, keys = proven
    data = json.loads(out.read_text())
    proof = bytearray.fromhex(data["proof"])
    proof[-1] ^= 1  # the last scalar: still a number below r, most likely
    data["proof"] = proof.hex()
    changed = tmp_path / "tampered.json"
    changed.write_text(json.dumps(data))
    status, text = verify(capsys, changed, keys)
    assert status == 1 and text.startswith("invalid: ")


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"spec": {}, "statement": {}, "proof": "00"}',
        None,
        "\udcff",
        "[" * 200000,
    ],
)
def test_a_file_it_cannot_parse_exits_2_without_a_traceback(capsys, tmp_path, content) -> None:
    path = tmp_path / "bad.json"
    if content == "\udcff":
        path.write_bytes(b"\xff\xfe\x00")
    elif content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["verify-training", str(path), "--keys", str(tmp_path / "keys")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["--participant", "4", "--of", "3"],
        ["--participant", "0", "--of", "3"],
        ["--participant", "1", "--of", "3", "--batch", "3"],
        ["--participant", "1", "--of", "3", "--layers", "5,3"],
        ["--participant", "1", "--of", "3", "--layers", "4"],
    ],
)
def test_bad_options_exit_2_before_any_work(capsys, tmp_path, args) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["prove-training", *args, "--out", str(tmp_path / "c.json")])
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err
    assert not (tmp_path / "c.json").exists()


def test_cost_counts_the_circuits_rows_with_lookups_and_with_bits(capsys) -> None:
    assert main(["cost", *TINY, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    parts = data["parts"]
    assert set(parts) >= {"forward", "backward", "update", "accuracy", "commitments"}
    for column in ("lookup", "bits"):
        assert data["total"][column] == sum(p[column] for p in parts.values())
    circuit = build(TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2))
    assert data["total"]["lookup"] == circuit.cs.n_gates + len(circuit.cs.public_inputs)
    assert all(p["bits"] > p["lookup"] for name, p in parts.items() if name != "public inputs")
    assert main(["cost", *TINY]) == 0
    assert "total" in capsys.readouterr().out
