"""The tutorial's commands run as it says, on a tiny spec (the tutorial runs the default
spec; verify-training is given the same spec options as prove-training, since it checks
the file's spec against the task's): prove a contribution, verify it, inflate its
accuracy with the tutorial's own snippet and see it refused, and simulate the round with
a Byzantine participant. The key cache, and so the local setup, is a temporary one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--layers", "4,2,3", "--batch", "2", "--steps", "1", "--test-rows", "2"]


def zkpot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZKPOT_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "zkpot", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=900, env=env)  # fmt: skip


def test_the_tutorials_round(tmp_path) -> None:
    page = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    keys = ["--keys", str(tmp_path / "keys")]
    proved = zkpot("prove-training", "--participant", "2", "--of", "4", "--round", "1",
                   "--seed", "0", "--out", "c.json", *TINY, *keys, cwd=tmp_path)  # fmt: skip
    assert proved.returncode == 0, proved.stderr
    assert "zkpot prove-training --participant 2 --of 4 --round 1 --seed 0 --out c.json" in page
    assert "zkpot verify-training c.json " in page
    valid = zkpot("verify-training", "c.json", *TINY, *keys, cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert re.fullmatch(r"valid: round 1, participant 2 of 4 \(key [0-9a-f]{8}…\), "
                        r"accuracy \d/2\n", valid.stdout), valid.stdout  # fmt: skip
    assert (tmp_path / "keys" / "local-srs-2058.bin").exists()  # the local setup, not the dev SRS

    snippet = re.search(r"python - <<'EOF'\n(.*?)\nEOF\n", page, re.S)
    assert snippet, "the tutorial's inflating snippet"
    subprocess.run([sys.executable, "-c", snippet.group(1)], cwd=tmp_path, check=True)
    claimed = json.loads((tmp_path / "inflated.json").read_text())["statement"]["accuracy"]
    assert claimed == json.loads((tmp_path / "c.json").read_text())["statement"]["accuracy"] + 1
    refused = zkpot("verify-training", "inflated.json", *TINY, *keys, cwd=tmp_path)
    assert refused.returncode == 1 and refused.stdout.startswith("invalid"), refused.stdout

    assert "zkpot simulate --participants 4 --byzantine 1 --rounds 1 --report round.json" in page
    simulated = zkpot("simulate", "--participants", "4", "--byzantine", "1", "--rounds", "1",
                      "--report", "round.json", *TINY, cwd=tmp_path)  # fmt: skip
    assert simulated.returncode == 0, simulated.stderr[-2000:]
    (round_1,) = json.loads((tmp_path / "round.json").read_text())["rounds"]
    contributions = round_1["contributions"]
    assert sum(c["byzantine"] for c in contributions) == 1 and len(contributions) == 4
    for c in contributions:  # the honest verify; the Byzantine one is refused, with a reason
        assert c["verified"] is not c["byzantine"] and (c["reason"] is None) is c["verified"], c
    assert round_1["leader"] is not None and round_1["global_accuracy"] is not None


def test_the_tutorial_counts_the_rows_of_the_demos_network(capsys) -> None:
    """`zkpot cost` in the tutorial is on the network `zkpot demo` runs: its options give
    the demo's spec but for the learning rate, which changes no row."""
    import shlex

    from zkpot.chain.federation import DEMO_SPEC
    from zkpot.cli import main
    from zkpot.ml.training_circuit import cost_parts

    page = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    line = re.search(r"^zkpot cost (.*?)  +#", page, re.M)
    assert line, "the tutorial's zkpot cost command"
    options = shlex.split(line.group(1))
    value = {options[i]: options[i + 1] for i in range(0, len(options), 2)}
    assert value == {"--layers": "4,4,3", "--batch": "4", "--test-rows": "4"}
    assert (DEMO_SPEC.sizes, DEMO_SPEC.batch, DEMO_SPEC.test_rows) == ((4, 4, 3), 4, 4)
    assert DEMO_SPEC.steps == 1  # the options' default
    assert main(["cost", *options, "--json"]) == 0
    counted = json.loads(capsys.readouterr().out)["parts"]
    assert {name: part["lookup"] for name, part in counted.items()} == cost_parts(DEMO_SPEC)[0]
