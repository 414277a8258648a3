"""``zkpot experiment byzantine``: the JSON of every run and summary, and the figures."""

from __future__ import annotations

import json

import pytest

from zkpot.cli import main
from zkpot.experiments.robustness import ATTACKS, FRACTIONS, QUICK, SYSTEMS

DATASETS = QUICK.datasets  # what --quick covers


def test_the_byzantine_experiment_writes_its_numbers_and_figures(tmp_path, capsys) -> None:
    assert main(["experiment", "byzantine", "--quick", "--rounds", "2",
                 "--out", str(tmp_path)]) == 0  # fmt: skip
    results = json.loads((tmp_path / "byzantine.json").read_text())
    combinations = len(DATASETS) * len(ATTACKS) * len(FRACTIONS) * len(SYSTEMS)
    assert len(results["runs"]) == combinations and len(results["summary"]) == combinations
    assert all(len(r["accuracy"]) == 3 for r in results["runs"])  # before round 1, then 2
    assert results["datasets"] == list(DATASETS)
    assert {r["test_rows"] for r in results["runs"]} == {QUICK.test_rows}
    keys = ("dataset", "attack", "fraction", "system")
    for row in results["summary"]:
        (final,) = [r["accuracy"][-1] / r["test_rows"] for r in results["runs"]
                    if all(r[k] == row[k] for k in keys)]  # fmt: skip
        assert row["mean"] == pytest.approx(final) and row["std"] == 0.0
    for name in [f"byzantine-{dataset}" for dataset in DATASETS] + ["byzantine-averaging"]:
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    goals = (tmp_path / "byzantine-goals.txt").read_text()
    assert goals.count("not measured") == 2 * len(DATASETS)  # speed and ceiling need rounds
    assert len(results["goals"]) == len(DATASETS) * (2 + 2 * len(ATTACKS))
    final = (tmp_path / "byzantine-final.txt").read_text().splitlines()
    assert final[0] == "| data | attack | " + " | ".join(SYSTEMS) + " |"
    assert len(final) == 2 + len(DATASETS) * len(ATTACKS)
    out = capsys.readouterr().out
    assert "final accuracy, 50 % Byzantine" in out and "the goals of private averaging" in out


def test_the_output_must_be_a_directory(tmp_path, capsys) -> None:
    file = tmp_path / "f"
    file.write_text("")
    with pytest.raises(SystemExit) as exit_:
        main(["experiment", "byzantine", "--quick", "--out", str(file / "x")])
    assert exit_.value.code == 2 and "is not a directory" in capsys.readouterr().err
