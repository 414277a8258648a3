"""The ``zkpot`` command."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import zkpot
from zkpot.chain import federation as fed
from zkpot.cli import main


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"zkpot {zkpot.__version__}"


def test_help_explains_and_lists_commands(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "Zero-Knowledge Proof of Training" in out
    assert "demo" in out


@pytest.fixture(autouse=True)
def key_cache(tmp_path, monkeypatch) -> None:
    """The demo's proving keys go to a temporary cache, not the user's."""
    monkeypatch.setenv("ZKPOT_CACHE", str(tmp_path / "keys"))


def test_no_command_prints_help(capsys) -> None:
    assert main([]) == 0
    assert "usage: zkpot" in capsys.readouterr().out


def test_the_tour_goes_through_every_layer(capsys) -> None:
    assert main(["tour", "--seed", "7", "--quick"]) == 0
    out = capsys.readouterr().out
    # each step prints its value and the check that it holds
    assert "u = 4965661367192848881" in out
    assert str(zkpot.field.bn254.R) in out and str(zkpot.field.bn254.P) in out
    assert "ω^(2^27) = −1: True" in out
    assert "(√2)² = Fq(2)" in out
    assert "a · a⁻¹ == 1: True" in out
    # the curve tour: MSM, bilinearity, a BLS signature, the EVM precompile
    assert "msm([G, 2G], [a, b]) == (a + 2b)·G: True" in out
    assert "e(aP, bQ) == e(P, Q)^(ab): True" in out
    assert "e(σ, G2) · e(−H(m), pk) == 1: True" in out
    assert "the check holds):\n   " + "00" * 31 + "01" in out
    # the commitment tour: NTT round trip, a three-party ceremony, KZG with its SRS
    assert "back: [5, 1, 0, 1]" in out
    assert out.count("contributed; checks passed") == 3
    assert "y = 35;  verify: True;  with y = 36: False" in out
    # the ML tour: the rescale's equation holds, and the twins agree on Iris
    q, rem = 85197 * -176947 // 2**16, 85197 * -176947 % 2**16
    assert f"a·b = {85197 * -176947} = {q}·2^16 + {rem}" in out
    counts = re.search(r"float (\d+)/30, fixed (\d+)/30; predictions that differ: (\d+)", out)
    float_correct, fixed_correct, flipped = map(int, counts.groups())
    assert float_correct >= 27 and abs(float_correct - fixed_correct) <= flipped
    # the training tour: a proof verifies, two cheats are refused with their reasons
    assert re.search(r"\n   valid \(\d+ ms\)", out)
    assert "claims accuracy" in out and out.count("the proof does not verify") == 2
    # every check the demo prints holds, apart from the two it shows failing on purpose
    assert "verify with out = 35: True;  with out = 36: False" in out
    intended = ("Is 3 a square mod p? False", "with y = 36: False", "with out = 36: False")
    for line in intended:
        out = out.replace(line, "")
    assert "False" not in out


def test_the_demo_runs_a_round_of_the_chain(capsys, monkeypatch) -> None:
    """`make demo`: the ceremony, four proofs, the Byzantine one refused, the others
    averaged from their masked models, a leader, a block — and it proves no round it does
    not show."""
    proven, prove_all = [], fed.ParallelProver._prove_all

    def counted(self, round, key, layers):
        proven.append(round)
        return prove_all(self, round, key, layers)

    monkeypatch.setattr(fed.ParallelProver, "_prove_all", counted)
    assert main(["demo", "--quick"]) == 0
    assert proven == [1]
    out, err = capsys.readouterr()
    assert "\r" not in out + err  # captured, not a terminal: no bar was drawn
    assert out.count("contributed and was verified") == 4
    assert "Round 1: block " in out and out.count(", leads") == 1
    assert re.search(r"p4 · [0-9a-f]{8} \(Byzantine\) +claims \d/4  rejected:\n +\S", out)
    assert len(re.findall(r"p[123] · [0-9a-f]{8} +claims \d/4  verified  <- averaged", out)) == 3
    assert "the new global model averages p1, p2, p3: nobody saw their models" in out
    assert "Byzantine contributions accepted: 0 of 1." in out
    assert not [line for line in out.splitlines() if len(line) > 80]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo", "--seed", "-1"], "zkpot demo: error: argument --seed: expected a number ≥ 0"),
        (["explain", "--seed", "-5"], "zkpot explain: error: argument --seed: expected a number"),
        (["explain", "--seed", "x"], "zkpot explain: error: argument --seed: expected a whole"),
    ],
)
def test_options_are_checked_before_any_work(capsys, args, message) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.startswith(f"usage: zkpot {args[0]}")


def test_every_command_fits_80_columns(capsys) -> None:
    assert main(["tour", "--quick"]) == 0
    demo = capsys.readouterr().out
    assert main(["explain"]) == 0
    explain = capsys.readouterr().out
    assert main(["explain", "--lookup"]) == 0
    lookup = capsys.readouterr().out
    assert "L1: multiplicities" in lookup and "pairing check: True" in lookup
    assert "statement): False" in lookup
    for name, text in (("tour", demo), ("explain", explain), ("explain --lookup", lookup)):
        wide = [line for line in text.splitlines() if len(line) > 80]
        assert not wide, (name, wide)


def test_a_reader_that_stops_early_is_no_error() -> None:
    """`zkpot explain | head -1`: the pipe closes before the output ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zkpot", "explain"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()  # the reader is gone before the first write
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0 and b"Traceback" not in err and b"Error" not in err, err


def test_unknown_command_fails(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "zkpot", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"zkpot {zkpot.__version__}"
