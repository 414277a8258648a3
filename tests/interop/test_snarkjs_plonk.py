"""PLONK interoperability with snarkjs 0.7 and circom, both ways.

snarkjs proves circom circuits and zkpot verifies the proofs; zkpot proves its own
circuits and ``snarkjs plonk verify`` accepts them; tampered proofs and wrong public
inputs are rejected by both. Needs node_modules (``make test`` installs snarkjs and
circom2 from the lockfile).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests import needs
from zkpot.curve import bn254
from zkpot.plonk import Circuit, preprocess, prove
from zkpot.plonk import snarkjs as sj
from zkpot.plonk.gadgets import assert_range, less_than, select
from zkpot.poly.kzg import SRS

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
SNARKJS, CIRCOM = BIN / "snarkjs", BIN / "circom2"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.needs(*needs.node_tool(".bin/snarkjs", ".bin/circom2")),
]  # fmt: skip

CIRCUITS = {
    "cube": (
        """
template Cube() {
    signal input x;
    signal input k;
    signal output out;
    signal x2;
    signal x3;
    x2 <== x * x;
    x3 <== x2 * x;
    out <== x3 + x * k + 5;
}
component main {public [k]} = Cube();
""",
        {"x": 3, "k": 2},
    ),
    "several_public": (
        """
template Several() {
    signal input a;
    signal input b;
    signal input c;
    signal input secret;
    signal output out;
    signal t;
    t <== a * secret;
    out <== t * b + c;
}
component main {public [a, b, c]} = Several();
""",
        {"a": 2, "b": 5, "c": 11, "secret": 7},
    ),
    "thousand": (
        """
template Chain(N) {
    signal input x;
    signal output out;
    signal s[N];
    s[0] <== x * x;
    for (var i = 1; i < N; i++) {
        s[i] <== s[i - 1] * s[i - 1] + i;
    }
    out <== s[N - 1];
}
component main = Chain(1000);
""",
        {"x": 3},
    ),
}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)  # fmt: skip


def snarkjs_verifies(folder: Path, vkey: dict, public: list, proof: dict) -> bool:
    for name, value in (("vk.json", vkey), ("public.json", public), ("proof.json", proof)):
        (folder / name).write_text(json.dumps(value))
    done = run(SNARKJS, "plonk", "verify", "vk.json", "public.json", "proof.json", cwd=folder)
    return "OK!" in done.stdout


@pytest.fixture(scope="module")
def ptau(tmp_path_factory) -> Path:
    """A small powers-of-tau file (2^11) made by snarkjs."""
    folder = tmp_path_factory.mktemp("ptau")
    for args in (("powersoftau", "new", "bn128", "11", "a.ptau"),
                 ("powersoftau", "contribute", "a.ptau", "b.ptau", "--name=zkpot", "-e=tests"),
                 ("powersoftau", "prepare", "phase2", "b.ptau", "final.ptau")):  # fmt: skip
        done = run(SNARKJS, *args, cwd=folder)
        assert done.returncode == 0, done.stderr
    return folder / "final.ptau"


@pytest.fixture(scope="module")
def snarkjs_proofs(ptau, tmp_path_factory) -> dict[str, tuple[dict, list, dict, Path]]:
    """Each circom circuit compiled, set up and proven by snarkjs: (vkey, public, proof, dir)."""
    out = {}
    for name, (source, inputs) in CIRCUITS.items():
        folder = tmp_path_factory.mktemp(name)
        (folder / f"{name}.circom").write_text("pragma circom 2.0.0;\n" + source)
        (folder / "input.json").write_text(json.dumps(inputs))
        steps = [
            (CIRCOM, f"{name}.circom", "--r1cs", "--wasm", "-o", "."),
            (SNARKJS, "plonk", "setup", f"{name}.r1cs", ptau, "key.zkey"),
            (SNARKJS, "plonk", "fullprove", "input.json", f"{name}_js/{name}.wasm", "key.zkey",
             "proof.json", "public.json"),
            (SNARKJS, "zkey", "export", "verificationkey", "key.zkey", "vk.json"),
        ]  # fmt: skip
        for step in steps:
            done = run(*step, cwd=folder)
            assert done.returncode == 0, (step, done.stdout, done.stderr)
        vkey, public, proof = (json.loads((folder / f).read_text())
                               for f in ("vk.json", "public.json", "proof.json"))  # fmt: skip
        out[name] = (vkey, public, proof, folder)
    return out


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_zkpot_verifies_snarkjs_proofs(snarkjs_proofs, name) -> None:
    vkey, public, proof, _ = snarkjs_proofs[name]
    assert sj.verify(vkey, public, proof)


def test_the_big_circuit_is_big(snarkjs_proofs) -> None:
    vkey, _, _, _ = snarkjs_proofs["thousand"]
    assert vkey["power"] >= 10  # ≥ 1000 constraints need a domain of at least 2^10


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_tampering_is_rejected_by_both(snarkjs_proofs, name) -> None:
    vkey, public, proof, folder = snarkjs_proofs[name]
    wrong_public = [str((int(public[0]) + 1) % bn254.R), *public[1:]]
    bumped_eval = dict(proof, eval_a=str((int(proof["eval_a"]) + 1) % bn254.R))
    A = sj.g1_from_json(proof["A"]) + bn254.G1.generator()
    moved_point = dict(proof, A=sj.g1_to_json(A))
    for statement, bad_proof in (
        (wrong_public, proof),
        (public, bumped_eval),
        (public, moved_point),
    ):
        assert not sj.verify(vkey, statement, bad_proof)
        assert not snarkjs_verifies(folder, vkey, statement, bad_proof)
    assert snarkjs_verifies(folder, vkey, public, proof)  # and the untouched proof passes both


def _zkpot_circuits():
    cube = Circuit()
    out, x = cube.public_input("out"), cube.private_input("x")
    cube.assert_equal(cube.add(cube.add(cube.mul(cube.mul(x, x), x), x), cube.constant(5)), out)
    gadgets = Circuit()
    limit, result = gadgets.public_input("limit"), gadgets.public_input("result")
    a, b = gadgets.private_input("a"), gadgets.private_input("b")
    assert_range(gadgets, a, 16)
    gadgets.assert_equal(select(gadgets, less_than(gadgets, a, limit, 16), a, b), result)
    return [
        (cube, {"x": 3, "out": 35}, [35]),
        (gadgets, {"a": 700, "b": 9, "limit": 1000, "result": 700}, [1000, 700]),
    ]


def test_snarkjs_verifies_zkpot_proofs(tmp_path) -> None:
    srs = SRS.from_tau(0xC1AC, 256 + 6)
    for circuit, inputs, public in _zkpot_circuits():
        pk, vk = preprocess(circuit, srs)
        proof = prove(pk, inputs)
        vkey, proof_json = sj.export_vkey(vk), sj.export_proof(proof)
        assert snarkjs_verifies(tmp_path, vkey, sj.export_public(public), proof_json)
        wrong = sj.export_public([public[0] + 1, *public[1:]])
        assert not snarkjs_verifies(tmp_path, vkey, wrong, proof_json)
        tampered = dict(proof_json, eval_zw=str((proof.eval_zw + 1) % bn254.R))
        assert not snarkjs_verifies(tmp_path, vkey, sj.export_public(public), tampered)
        assert sj.verify(vkey, sj.export_public(public), proof_json)  # our own JSON round trip
