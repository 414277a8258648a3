"""getting-started's "Debugging: one process": the pdb session on the page, typed into
``python -m pdb -m zkpot explain`` with ``ZKPOT_WORKERS=1``, stops where the page says,
in one process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "getting-started.md"


def test_the_pages_pdb_session_steps_through_round_3_in_one_process() -> None:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Debugging: one process", 1)[1].split("\n## ", 1)[0]
    assert "ZKPOT_WORKERS=1 python -m pdb -m zkpot explain" in section
    session = re.search(r"```text\n(.*?)```", section, re.S)
    assert session, "the page's pdb session"
    typed = [line[len("(Pdb) ") :] for line in session.group(1).splitlines()
             if line.startswith("(Pdb) ")]  # fmt: skip
    env = {**os.environ, "ZKPOT_WORKERS": "1"}
    done = subprocess.run([sys.executable, "-m", "pdb", "-m", "zkpot", "explain"],
                          input="\n".join(typed) + "\n", capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)  # fmt: skip
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "***" not in out, out  # pdb's mark of a command it refused
    assert re.search(r"prover\.py\(\d+\)round_3\(\)", out) and "['alpha', 'beta', 'gamma']" in out
    stack = out.split("msm()\n", 1)[1].split("(Pdb) 9\n", 1)[0]  # `w`, then len(scalars)
    assert "round_3()" in stack and "multiprocessing" not in stack, stack
    assert "The program exited via sys.exit(). Exit status: 0" in out
