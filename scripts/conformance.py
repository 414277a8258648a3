"""Check zkpot against conformance vectors published by other projects.

    python scripts/conformance.py [VECTORS_DIR]     # default: ../shared/vectors

A developer's tool, not a test: the test suite must not depend on files outside
the repository, so it uses vectors derived or generated with oracles instead.
This script runs every vector it finds and prints one line per file; it exits
non-zero if any vector disagrees.

- ``evm/bn256{Add,ScalarMul,Pairing}.json`` (go-ethereum's precompile tests):
  ``Input`` hex → ``Expected`` hex through :mod:`zkpot.curve.evm`.
- ``eip4844/<function>/kzg-mainnet/<case>/data.yaml`` (c-kzg-4844's tests) with
  ``eip4844/trusted_setup.txt``: each case's ``input`` through
  :mod:`zkpot.poly.eip4844`; ``output: null`` means the input must be rejected.
  (Reading YAML uses PyYAML, which the docs extra installs.)
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


def check_eip4844(folder: Path) -> int:
    import time

    import yaml

    from zkpot.poly import eip4844 as kzg

    root = folder / "eip4844"
    if not (root / "trusted_setup.txt").exists():
        print("eip4844: not found, skipped")
        return 0
    start = time.perf_counter()
    ts = kzg.load_trusted_setup(root / "trusted_setup.txt")
    print(f"eip4844 trusted setup loaded and checked in {time.perf_counter() - start:.1f} s")

    def b(hex_string: str) -> bytes:
        return bytes.fromhex(hex_string.removeprefix("0x"))

    calls = {
        "blob_to_kzg_commitment": lambda i: kzg.blob_to_kzg_commitment(b(i["blob"]), ts),
        "compute_kzg_proof": lambda i: kzg.compute_kzg_proof(b(i["blob"]), b(i["z"]), ts),
        "verify_kzg_proof": lambda i: kzg.verify_kzg_proof(
            b(i["commitment"]), b(i["z"]), b(i["y"]), b(i["proof"]), ts),
        "compute_blob_kzg_proof": lambda i: kzg.compute_blob_kzg_proof(
            b(i["blob"]), b(i["commitment"]), ts),
        "verify_blob_kzg_proof": lambda i: kzg.verify_blob_kzg_proof(
            b(i["blob"]), b(i["commitment"]), b(i["proof"]), ts),
        "verify_blob_kzg_proof_batch": lambda i: kzg.verify_blob_kzg_proof_batch(
            [b(x) for x in i["blobs"]], [b(x) for x in i["commitments"]],
            [b(x) for x in i["proofs"]], ts),
    }  # fmt: skip

    def normal(value):  # the YAML's expected output, as the functions return it
        if isinstance(value, str):
            return b(value)
        if isinstance(value, list):
            return tuple(normal(v) for v in value)
        return value

    failures = 0
    for function, call in calls.items():
        cases = sorted((root / function / "kzg-mainnet").glob("*/data.yaml"))
        bad = []
        for path in cases:
            case = yaml.safe_load(path.read_text())
            expected = case["output"]
            try:
                got = call(case["input"])
            except ValueError:
                got = None
            if (got is None) != (expected is None) or (got is not None and got != normal(expected)):
                bad.append(path.parent.name)
        failures += len(bad)
        if cases:
            print(
                f"{function}: {len(cases) - len(bad)}/{len(cases)} agree"
                + (f"; differ: {bad}" if bad else "")
            )
    return failures


def main() -> int:
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "vectors"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not folder.exists():
        print(f"no vectors at {folder}")
        return 1
    failures = check_evm(folder) + check_eip4844(folder)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
