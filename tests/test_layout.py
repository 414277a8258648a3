"""The project's shape: layering (imports flow downward only) and lint."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["field", "curve", "hash", "poly", "plonk", "ml", "chain"]
ALLOWED = {  # DESIGN.md: what each layer may import from zkpot
    "field": set(),
    "curve": {"field"},
    "hash": {"field"},
    "poly": {"field", "curve", "hash"},
    "plonk": {"field", "curve", "hash", "poly"},
    "ml": {"field", "curve", "hash", "poly", "plonk"},
    "chain": {"field", "curve", "hash", "poly", "plonk", "ml"},
}


def zkpot_imports(path: Path) -> set[str]:
    """The zkpot layers a module imports (``zkpot.errors`` is shared by all)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "zkpot" and len(parts) > 1 and parts[1] in LAYERS:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_import_only_downward(layer: str) -> None:
    package = ROOT / "zkpot" / layer
    assert (package / "__init__.py").exists()
    for module in package.rglob("*.py"):
        wrong = zkpot_imports(module) - ALLOWED[layer] - {layer}
        assert not wrong, f"{module.relative_to(ROOT)} imports from {sorted(wrong)}"


def test_tests_mirror_the_package() -> None:
    for layer in LAYERS:
        assert (ROOT / "tests" / layer / "__init__.py").exists(), layer


def test_ruff_is_clean() -> None:
    """ruff (a test extra) finds nothing to fix: `make lint` would pass."""
    for args in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
