"""zkpot.plonk.snarkjs without node: the JSON round trip, and what is not a key or a proof.

The interoperability tests (tests/interop/test_snarkjs_plonk.py) check the same JSON
against snarkjs itself.
"""

from __future__ import annotations

import random

import pytest

from zkpot.errors import InvalidInput
from zkpot.field.bn254 import R
from zkpot.plonk import Circuit, preprocess, prove, snarkjs
from zkpot.poly.kzg import SRS


@pytest.fixture(scope="module")
def exported() -> tuple[dict, list[str], dict]:
    c = Circuit()
    a, b = c.public_input("a"), c.public_input("b")
    x = c.private_input("x")
    c.assert_equal(c.add(c.mul(x, x), a), b)
    pk, vk = preprocess(c, SRS.from_tau(77, 14))
    proof = prove(pk, {"x": 3, "a": -2, "b": 7}, rng=random.Random(1))
    return snarkjs.export_vkey(vk), snarkjs.export_public([-2, 7]), snarkjs.export_proof(proof)


def test_round_trip(exported) -> None:
    vkey, public, proof = exported
    assert public == [str(R - 2), "7"]
    assert snarkjs.verify(vkey, public, proof)
    assert not snarkjs.verify(vkey, [public[0], "8"], proof)


def test_signals_as_snarkjs_reads_them(exported) -> None:
    """As `snarkjs plonk verify`: a signal outside [0, r) or a wrong count is False."""
    vkey, public, proof = exported
    assert not snarkjs.verify(vkey, ["-2", "7"], proof)  # not in [0, r), though ≡ r − 2
    assert not snarkjs.verify(vkey, [public[0], str(7 + R)], proof)
    assert not snarkjs.verify(vkey, public[:1], proof)
    assert not snarkjs.verify(vkey, [*public, "0"], proof)
    assert not snarkjs.verify(vkey, ["x", "7"], proof)


@pytest.mark.parametrize("broken", ["empty", "none", "a list", "no A", "no eval_zw", "bad A"])
def test_what_is_not_a_proof(exported, broken: str) -> None:
    vkey, public, proof = exported
    bad = {"empty": {}, "none": None, "a list": [1, 2],
           "no A": {k: v for k, v in proof.items() if k != "A"},
           "no eval_zw": {k: v for k, v in proof.items() if k != "eval_zw"},
           "bad A": {**proof, "A": ["1", "3", "1"]}}[broken]  # fmt: skip
    with pytest.raises(InvalidInput):
        snarkjs.import_proof(bad)
    assert not snarkjs.verify(vkey, public, bad)


def test_import_names_what_is_missing(exported) -> None:
    vkey, _, proof = exported
    with pytest.raises(InvalidInput, match="a snarkjs PLONK proof has no 'Wxiw'"):
        snarkjs.import_proof({k: v for k, v in proof.items() if k != "Wxiw"})
    with pytest.raises(InvalidInput, match="a snarkjs PLONK verification key has no 'S3'"):
        snarkjs.import_vkey({k: v for k, v in vkey.items() if k != "S3"})
    with pytest.raises(InvalidInput, match="is a JSON object, not str"):
        snarkjs.import_vkey("vk.json")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="X_2: a G2 point is"):
        snarkjs.import_vkey({**vkey, "X_2": [1, 2, 3]})
