"""``zkpot explain``: the step-by-step PLONK trace."""

from __future__ import annotations

from zkpot.cli import main
from zkpot.plonk.explain import explain, explain_lookup


def test_the_trace_covers_every_round_in_80_columns() -> None:
    lines: list[str] = []
    assert explain(lines.append) is True
    text = "\n".join(lines)
    assert all(len(line) <= 80 for line in text.split("\n")), "wider than a terminal"
    for needle in ("1. The circuit", "Copy constraints", "Round 1", "Round 2", "Round 3",
                   "Round 4", "Round 5", "β = Keccak", "γ = Keccak(β)", "α = Keccak",
                   "ξ = Keccak", "v = Keccak", "u = Keccak", "PI(ξ)", "480 bytes",
                   "equal: True"):  # fmt: skip
        assert needle in text, needle
    # the gate table shows the witness: 3·3 = 9, 9·3 = 27, 27 + 3 = 30, 30 + 5 = 35
    assert "3,3,9" in text and "9,3,27" in text and "30,5,35" in text


def test_the_command(capsys) -> None:
    assert main(["explain", "--seed", "3"]) == 0
    assert "equal: True" in capsys.readouterr().out


def test_the_lookup_trace_shows_each_logup_step() -> None:
    lines: list[str] = []
    assert explain_lookup(lines.append, seed=2) is True
    text = "\n".join(lines)
    assert all(len(line) <= 80 for line in lines)
    for needle in ("range2 = {0, 1, 2, 3}", "L1: multiplicities", "m on H = [0, 0, 0, 1",
                   "η = Keccak(γ)", "θ = Keccak(η)", "L2: the running sum", "on H: 0, 0, 0, ",
                   "L3:", "L4:", "L5:", "672 bytes", "pairing check: True",
                   "statement): False"):  # fmt: skip
        assert needle in text, needle
