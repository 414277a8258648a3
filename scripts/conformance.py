"""Check zkpot against conformance vectors published by other projects.

    python scripts/conformance.py [VECTORS_DIR]     # default: ../shared/vectors

A developer's tool, not a test: the test suite must not depend on files outside
the repository, so it uses vectors derived or generated with oracles instead.
This script runs every vector it finds and prints one line per file; it exits
non-zero if any vector disagrees.

- ``evm/bn256{Add,ScalarMul,Pairing}.json`` (go-ethereum's precompile tests):
  ``Input`` hex → ``Expected`` hex through :mod:`zkpot.curve.evm`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from zkpot.curve.evm import bn254_add, bn254_mul, bn254_pairing

EVM = {"bn256Add.json": bn254_add, "bn256ScalarMul.json": bn254_mul,
       "bn256Pairing.json": bn254_pairing}  # fmt: skip


def check_evm(folder: Path) -> int:
    failures = 0
    for name, precompile in EVM.items():
        path = folder / "evm" / name
        if not path.exists():
            print(f"{name}: not found, skipped")
            continue
        cases = json.loads(path.read_text())
        bad = [
            c["Name"] for c in cases if precompile(bytes.fromhex(c["Input"])).hex() != c["Expected"]
        ]
        failures += len(bad)
        print(
            f"{name}: {len(cases) - len(bad)}/{len(cases)} agree"
            + (f"; differ: {bad}" if bad else "")
        )
    return failures


def main() -> int:
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "vectors"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not folder.exists():
        print(f"no vectors at {folder}")
        return 1
    return 1 if check_evm(folder) else 0


if __name__ == "__main__":
    sys.exit(main())
