"""``zkpot prove-training``, ``verify-training`` and ``cost``: the contract other tools parse —
the JSON, the first word of the verdict, the exit codes, and never a traceback — and the
attacks ``verify-training`` must never call ``valid``: a proof forged with the development
SRS's public τ, a proof of another task, and a spec too large to check.

Every command runs with a temporary key cache (``--keys``, and ``$ZKPOT_CACHE`` for the
rest), so the local setup is made in a temporary directory, never in ~/.cache."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zkpot.cli import main
from zkpot.ml.contribution import dev_srs, prove_contribution, setup
from zkpot.ml.statement import TrainingSpec, participant_id
from zkpot.ml.task import demo_data_salt, demo_public_key, first_model, iris_task
from zkpot.ml.training_circuit import build
from zkpot.plonk.keys import srs_size
from zkpot.poly.local_setup import local_srs

TINY = ["--layers", "4,2,3", "--batch", "2", "--steps", "1", "--test-rows", "2"]
TINY_SPEC = TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2)
TASK = ["--of", "3", "--seed", "1", *TINY]
"""The task of the module's contribution, as verify-training's options."""
LARGEST = {"sizes": [4096] * 3, "frac_bits": 16, "bound_bits": 24, "log2_batch": 10,
           "steps": 1024, "test_rows": 4096, "log2_lr": 4, "table_bits": 8,
           "log2_weight_bound": -6, "log2_data_bound": -16}  # fmt: skip
"""The widest spec whose worst case fits the format (about 9·10¹³ rows)."""


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """The key cache of every test: the local setup and the keys live here."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _temporary_cache(cache, monkeypatch) -> None:
    monkeypatch.setenv("ZKPOT_CACHE", str(cache))


@pytest.fixture(scope="module")
def proven(cache) -> tuple[Path, Path]:
    """One contribution of a tiny spec (participant 2 of 3, seed 1, round 4), and the cache."""
    out = cache.parent / "contribution.json"
    args = ["prove-training", "--participant", "2", "--of", "3", "--round", "4", "--seed", "1"]
    assert main([*args, *TINY, "--out", str(out), "--keys", str(cache)]) == 0
    return out, cache


@pytest.fixture(scope="module")
def local_keys(proven):
    """The tiny spec's keys on the local setup the commands made (loaded from the cache)."""
    _, cache = proven
    srs = local_srs(cache, srs_size(build(TINY_SPEC).cs))
    return setup(TINY_SPEC, srs, cache_dir=cache)


def prove_cli(cache: Path, path: Path, participant: int, of: int, seed: int) -> Path:
    args = ["prove-training", "--participant", str(participant), "--of", str(of), "--round", "4",
            "--seed", str(seed), *TINY, "--out", str(path), "--keys", str(cache)]  # fmt: skip
    assert main(args) == 0
    return path


def verify(capsys, path: Path, keys: Path, *more: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["verify-training", str(path), "--keys", str(keys), *more])
    return status, capsys.readouterr().out


def refused(capsys, *args: str) -> str:
    """Run ``zkpot args``; it must exit 2 with a message and no traceback; the message."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err
    return err


def edited(proven, tmp_path: Path, change) -> Path:
    """A copy of the contribution with ``change(data)`` applied to its JSON."""
    data = json.loads(proven[0].read_text())
    change(data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    return path


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


def test_the_default_setup_is_local_and_made_in_the_cache(proven) -> None:
    """No --srs: the SRS is a local setup, made once in the key cache, not the dev SRS."""
    _, cache = proven
    (path,) = cache.glob("local-srs-*.bin")
    assert path.name == "local-srs-2058.bin"  # 2¹¹ + 10 powers for the tiny spec's 2¹¹ rows
    assert local_srs(cache, 2000).g2[1] != dev_srs(TINY_SPEC).g2[1]


def test_a_valid_file_verifies_and_names_its_participant(proven, capsys) -> None:
    out, keys = proven
    capsys.readouterr()
    assert main(["verify-training", str(out), "--keys", str(keys), *TASK]) == 0
    captured = capsys.readouterr()
    key = participant_id(demo_public_key(2)).to_bytes(32, "big")[:4].hex()
    assert re.fullmatch(rf"valid: round 4, participant 2 of 3 \(key {key}…\), accuracy \d/2\n",
                        captured.out), captured.out  # fmt: skip
    assert not re.search(r"\d{12}", captured.out)  # no 77-digit integer
    assert "loaded the proving key" in captured.err and "\r" not in captured.err  # no bar
    assert verify(capsys, out, keys, *TASK, "--round", "4")[0] == 0


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("accuracy", "bump", "the proof does not verify"),
        ("round", 5, "the proof does not verify"),
        ("participant", "12345", "participant 12345 is not registered"),
        ("model_commitment", "7", "the proof does not verify"),
        ("test_set", "7", "test_set 7 is not the task's"),
        ("global_model", "7", "global_model 7 is not the task's"),
        ("data_commitment", "7", "data_commitment 7 is not the one participant 2 of 3"),
        ("test_rows", 3, "test_rows is 3, the task's is 2"),
    ],
)
def test_a_changed_statement_is_invalid_with_a_reason(
    proven, capsys, tmp_path, field, value, reason
) -> None:
    def change(data) -> None:
        bump = (data["statement"]["accuracy"] + 1) % 3
        data["statement"][field] = bump if value == "bump" else value

    status, text = verify(capsys, edited(proven, tmp_path, change), proven[1], *TASK)
    assert status == 1 and text.startswith(f"invalid: {reason}"), text


def test_the_wrong_round_is_invalid(proven, capsys) -> None:
    out, keys = proven
    status, text = verify(capsys, out, keys, *TASK, "--round", "5")
    assert status == 1 and text.startswith("invalid: round is 4, expected 5")


def test_a_tampered_proof_is_invalid(proven, capsys, tmp_path) -> None:
    def change(data) -> None:
        proof = bytearray.fromhex(data["proof"])
        proof[-1] ^= 1  # the last scalar: still a number below r, most likely
        data["proof"] = proof.hex()

    status, text = verify(capsys, edited(proven, tmp_path, change), proven[1], *TASK)
    assert status == 1 and text.startswith("invalid: ")


# -- the attacks ------------------------------------------------------------------------


def test_a_proof_made_with_the_development_srs_is_not_valid(proven, capsys, tmp_path) -> None:
    """Attack: the development SRS's τ is public, so its proofs can be anyone's forgeries.
    A proof made with its keys (here an honest one of participant 1, made as a forger
    would, by the library) is invalid under the default setup; under --dev-srs the
    verdict itself says that it proves nothing."""
    _, cache = proven
    keys = setup(TINY_SPEC, dev_srs(TINY_SPEC), cache_dir=cache)
    task = iris_task(3, seed=1, spec=TINY_SPEC)
    forged = prove_contribution(keys, round=4, participant=participant_id(demo_public_key(1)),
                                global_layers=task.global_layers, data=task.slots(1)[0],
                                data_salt=demo_data_salt(1, 1), test=task.test)  # fmt: skip
    path = tmp_path / "forged.json"
    path.write_text(forged.contribution.dumps())
    status, text = verify(capsys, path, cache, *TASK)
    assert status == 1 and text == "invalid: the proof does not verify for this statement\n"
    status, text = verify(capsys, path, cache, *TASK, "--dev-srs")
    assert status == 0 and text.startswith(
        "valid, but under the development SRS whose τ is public: this proves nothing "
        "(anyone can forge it) — round 4, participant 1 of 3 (key "
    ), text


def test_a_proof_of_another_tasks_data_is_invalid(proven, capsys, tmp_path) -> None:
    """Attack: real proofs, each of another task than the validator's (seed 1, 3
    participants): another seed's test set, participant 2's data in a split among 4, a
    participant 4 nobody registered, a global model of the prover's choosing."""
    _, cache = proven
    other_seed = prove_cli(cache, tmp_path / "seed2.json", 2, 3, seed=2)
    status, text = verify(capsys, other_seed, cache, *TASK)
    assert status == 1 and text.startswith("invalid: test_set "), text
    assert verify(capsys, other_seed, cache, "--of", "3", "--seed", "2", *TINY)[0] == 0

    other_split = prove_cli(cache, tmp_path / "of4.json", 2, 4, seed=1)
    status, text = verify(capsys, other_split, cache, *TASK)
    assert status == 1 and text.startswith("invalid: data_commitment "), text

    unregistered = prove_cli(cache, tmp_path / "p4.json", 4, 4, seed=1)
    status, text = verify(capsys, unregistered, cache, *TASK)
    assert status == 1 and text.startswith("invalid: participant "), text
    assert "not registered" in text


def test_a_proof_from_another_global_model_is_invalid(proven, local_keys, capsys, tmp_path):
    _, cache = proven
    task = iris_task(3, seed=1, spec=TINY_SPEC)
    other = prove_contribution(local_keys, round=4, participant=participant_id(demo_public_key(2)),
                               global_layers=first_model(TINY_SPEC, 99), data=task.slots(2)[0],
                               data_salt=demo_data_salt(1, 2), test=task.test)  # fmt: skip
    path = tmp_path / "model.json"
    path.write_text(other.contribution.dumps())
    status, text = verify(capsys, path, cache, *TASK)
    assert status == 1 and text.startswith("invalid: global_model "), text


def _no_building(monkeypatch) -> None:
    """Make building a circuit, or a local SRS, fail the test."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a circuit or an SRS was built")

    monkeypatch.setattr("zkpot.ml.training_circuit.build", forbidden)
    monkeypatch.setattr("zkpot.poly.local_setup.local_srs", forbidden)


def test_the_largest_spec_is_refused_before_any_work(proven, capsys, tmp_path, monkeypatch):
    """Attack: a 2.5 KB file naming the largest spec would have the verifier build a
    circuit of billions of rows. It is refused (exit 2) before anything is built."""
    path = edited(proven, tmp_path, lambda data: data.update(spec=LARGEST))
    assert path.stat().st_size < 5000
    _no_building(monkeypatch)
    for task in (TASK, []):
        err = refused(capsys, "verify-training", str(path), "--keys", str(proven[1]), *task)
        assert "rows" in err and "limit" in err
    deep = {**LARGEST, "sizes": [4096] * 300, "log2_weight_bound": None}  # no bound fits it
    path = edited(proven, tmp_path, lambda data: data.update(spec=deep))
    err = refused(capsys, "verify-training", str(path), "--keys", str(proven[1]), *TASK)
    assert "no weight bound fits this spec" in err


def test_a_different_small_spec_is_invalid_before_any_circuit(proven, capsys, tmp_path,
                                                              monkeypatch) -> None:  # fmt: skip
    def change(data) -> None:
        data["spec"]["sizes"] = [4, 3, 3]

    path = edited(proven, tmp_path, change)
    _no_building(monkeypatch)
    status, text = verify(capsys, path, proven[1], *TASK)
    assert status == 1 and text == (
        "invalid: spec is not the task's: sizes 4,3,3 (the task's 4,2,3)\n"
    )


@pytest.mark.parametrize("command", ["prove-training", "verify-training", "cost"])
def test_a_spec_too_large_in_the_options_is_refused(capsys, tmp_path, monkeypatch, command):
    _no_building(monkeypatch)
    big = ["--layers", "4,4096,3", "--steps", "1024", "--test-rows", "4096"]
    more = {"prove-training": ["--participant", "1", "--of", "3", "--out", str(tmp_path / "c")],
            "verify-training": [str(tmp_path / "c.json")], "cost": []}[command]  # fmt: skip
    if command == "verify-training":
        (tmp_path / "c.json").write_text("{}")
    assert "limit" in refused(capsys, command, *more, *big)


# -- --genesis --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def federation(local_keys, tmp_path_factory):
    """A tiny federation of 3 whose keys are the local setup's; its genesis and the opening of
    its test set as files, and the options that name them."""
    from zkpot.chain import federation

    fed = federation.build(3, seed=5, spec=TINY_SPEC, keys=local_keys)
    root = tmp_path_factory.mktemp("genesis")
    path, test = root / "genesis.json", root / "test-set.json"
    path.write_text(json.dumps(fed.genesis.to_json()))
    test.write_text(json.dumps(fed.genesis.test_opening().to_json()))
    return fed, path, ["--genesis", str(path), "--test-set", str(test)]


def test_a_genesis_member_verifies_and_a_stranger_does_not(proven, local_keys, federation,
                                                           capsys, tmp_path) -> None:  # fmt: skip
    _, cache = proven
    fed, _, chain = federation
    genesis, member = fed.genesis, fed.members[1]
    registration = genesis.participants[1]

    def contribution(participant: int, name: str) -> Path:
        proven = prove_contribution(local_keys, round=1, participant=participant,
                                    global_layers=genesis.global_model, data=member.role.data,
                                    data_salt=member.role.data_salt, test=genesis.test)  # fmt: skip
        path = tmp_path / name
        path.write_text(proven.contribution.dumps())
        return path

    honest = contribution(registration.id, "p2.json")
    status, text = verify(capsys, honest, cache, *chain)
    key = registration.public_key[:4].hex()
    assert status == 0 and re.fullmatch(
        rf"valid: round 1, participant p2 \(key {key}…\), accuracy \d/2\n", text
    ), text
    status, text = verify(capsys, honest, cache, *chain, "--global-model", "12345")
    assert status == 1 and text.startswith("invalid: global_model "), text
    assert verify(capsys, honest, cache, *TASK)[1].startswith("invalid: test_set ")

    stranger = contribution(participant_id(b"not registered"), "stranger.json")
    status, text = verify(capsys, stranger, cache, *chain)
    assert status == 1 and text.startswith("invalid: participant "), text


@pytest.mark.parametrize(
    "options",
    [
        ["--layers", "4,2,3"],
        ["--of", "3"],
        ["--test-rows", "2"],
    ],
)
def test_genesis_and_task_options_do_not_mix(proven, federation, capsys, options) -> None:
    err = refused(capsys, "verify-training", str(proven[0]), *federation[2], *options)
    assert "genesis" in err


def test_a_genesis_needs_the_opening_of_its_test_set(proven, federation, capsys, tmp_path):
    """The genesis holds a commitment to the test set, not the rows: without the opening (or
    with one that does not open it) there is no test set to check the file against."""
    fed, genesis_path, _ = federation
    assert "--test-set" in refused(capsys, "verify-training", str(proven[0]), "--genesis",
                                   str(genesis_path))  # fmt: skip
    other = fed.genesis.test_opening()
    wrong = tmp_path / "wrong-test-set.json"
    wrong.write_text(json.dumps({**other.to_json(), "salt": "00" * 32}))
    err = refused(capsys, "verify-training", str(proven[0]), "--genesis", str(genesis_path),
                  "--test-set", str(wrong))  # fmt: skip
    assert "does not open" in err


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"name": "x"}',
        "[" * 200000,
    ],
)
def test_a_bad_genesis_exits_2(proven, capsys, tmp_path, content) -> None:
    path = tmp_path / "genesis.json"
    path.write_text(content)
    assert "cannot read" in refused(capsys, "verify-training", str(proven[0]), "--genesis",
                                    str(path), "--test-set", str(path))  # fmt: skip


# -- what cannot be read or done ----------------------------------------------------------


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
    err = refused(capsys, "verify-training", str(path), "--keys", str(tmp_path / "keys"))
    assert "cannot read" in err


def test_a_corrupt_local_setup_exits_2(proven, capsys, tmp_path) -> None:
    out, cache = proven
    broken = tmp_path / "cache"
    broken.mkdir()
    data = bytearray((cache / "local-srs-2058.bin").read_bytes())
    data[-1] ^= 1  # the last power's y: off the curve
    (broken / "local-srs-2058.bin").write_bytes(bytes(data))
    err = refused(capsys, "verify-training", str(out), "--keys", str(broken), *TASK)
    assert "local-srs-2058.bin is unusable" in err and "Delete it" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--participant", "4", "--of", "3"],
        ["--participant", "0", "--of", "3"],
        ["--participant", "1", "--of", "3", "--batch", "3"],
        ["--participant", "1", "--of", "3", "--layers", "5,3"],
        ["--participant", "1", "--of", "3", "--layers", "4"],
        ["--participant", "1", "--of", "121"],
        ["--participant", "1", "--of", "3", "--srs", "x.ptau", "--dev-srs"],
    ],
)
def test_bad_options_exit_2_before_any_work(capsys, tmp_path, args) -> None:
    refused(capsys, "prove-training", *args, "--out", str(tmp_path / "c.json"))
    assert not (tmp_path / "c.json").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--global-model", "1"],
        ["--srs", "x.ptau", "--dev-srs"],
        ["--layers", "5,3"],
        ["--of", "121"],
        ["--global-model", str(1 << 254), "--genesis", "g.json"],
    ],
)
def test_bad_verify_options_exit_2(proven, capsys, args) -> None:
    refused(capsys, "verify-training", str(proven[0]), *args)


def test_cost_counts_the_circuits_rows_with_lookups_and_with_bits(capsys) -> None:
    assert main(["cost", *TINY, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    parts = data["parts"]
    assert set(parts) >= {"forward", "backward", "update", "accuracy", "commitments"}
    for column in ("lookup", "bits"):
        assert data["total"][column] == sum(p[column] for p in parts.values())
    circuit = build(TINY_SPEC)
    assert data["total"]["lookup"] == circuit.cs.n_gates + len(circuit.cs.public_inputs)
    assert all(p["bits"] > p["lookup"] for name, p in parts.items() if name != "public inputs")
    assert main(["cost", *TINY]) == 0
    out = capsys.readouterr().out
    assert "total" in out and "lookup: the circuit zkpot proves" in out  # the columns explained
    assert "tables of\n        2^8 rows; bits: the same checks bit by bit" in out
    assert max(map(len, out.splitlines())) <= 80
    assert "private averaging adds the masked model" in out


def test_cost_counts_the_rows_private_averaging_adds() -> None:
    """Per partner and in total for 4, 8 and 16 participants: the rows the averaging
    statement's "masking" part has in the full circuit."""
    import contextlib
    import dataclasses
    import io

    from zkpot.ml.training_circuit import cost_parts

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["cost", *TINY, "--json"]) == 0
    rows = json.loads(out.getvalue())["averaging"]
    assert [(r["participants"], r["partners"]) for r in rows] == [(4, 2), (8, 6), (16, 14)]
    for r in rows:
        averaged = dataclasses.replace(TINY_SPEC, participants=r["participants"],
                                       reach=r["partners"] // 2)  # fmt: skip
        assert r["total"] == cost_parts(averaged)[0]["masking"]
        assert r["total"] == r["own"] + r["partners"] * r["per_partner"] and r["per_partner"] > 0
