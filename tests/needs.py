"""What some tests need beyond ``pip install -e '.[test]'``, and what they do without it.

``make test`` installs everything the suite uses: node_modules (snarkjs, circom2,
circomlibjs, KaTeX), the docs extras and the pages they generate, and Chromium. A student
who runs ``pip install -e '.[test]'`` and then ``pytest`` has none of these, and the
tests that need one skip, each with one line that says what is missing and which
command installs it. Not in CI (``CI`` set, as CI services do) or with
``ZKPOT_REQUIRE_BROWSER`` set: there a missing tool fails the test, so that a broken
install cannot pass as skips.

A test module says what it needs with a mark, checked before its fixtures and its tests
by the suite's ``conftest.py``::

    pytestmark = pytest.mark.needs(SNARKJS.exists(), "node_modules/.bin/snarkjs is missing: …")
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
NPM = "run `npm ci` in zkpot's directory (`make test` does)"
DOCS = "run `make docs` once (the docs extras, the KaTeX copy and the generated pages)"


def required() -> bool:
    """Whether a missing tool fails a test rather than skipping it: in CI, or when
    ``ZKPOT_REQUIRE_BROWSER`` is set (to anything but empty, 0 or false)."""
    return any(os.environ.get(name, "").strip().lower() not in ("", "0", "false")
               for name in ("CI", "ZKPOT_REQUIRE_BROWSER"))  # fmt: skip


def need(present: bool, reason: str) -> None:
    """Go on if ``present``; else skip the test with ``reason``, or fail it where
    :func:`required`."""
    if present:
        return
    if required():
        pytest.fail(f"{reason} (required here: CI or ZKPOT_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


def node_tool(*relative: str) -> tuple[bool, str]:
    """(whether ``node_modules/<relative>`` all exist, the reason to give when not)."""
    missing = [path for path in relative if not (NODE_MODULES / path).exists()]
    return not missing, f"node_modules/{missing[0] if missing else ''} is missing: {NPM}"


def docs_site() -> tuple[bool, str]:
    """(whether ``mkdocs build`` can run here, the reason to give when not)."""
    if importlib.util.find_spec("mkdocs") is None:
        return False, f"mkdocs is not installed: {DOCS}"
    made = [ROOT / "docs/assets/vendor/katex/katex.min.js",
            ROOT / "docs/assets/generated/ml/quantize-report.txt"]  # fmt: skip
    missing = [path.relative_to(ROOT) for path in made if not path.exists()]
    return not missing, f"{missing[0] if missing else ''} is missing: {DOCS}"
