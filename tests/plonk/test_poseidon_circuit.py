"""Poseidon in a circuit: the native permutation's values, its commitment, and every
S-box pinned by its gates."""

from __future__ import annotations

import random

import pytest

from zkpot.hash.poseidon import COMMIT_TAG, commit, permute, poseidon
from zkpot.plonk import Circuit, preprocess, prove, verify
from zkpot.plonk import poseidon_circuit as pc
from zkpot.plonk.circuit import R, UnsatisfiedConstraint
from zkpot.plonk.keys import srs_size
from zkpot.poly.kzg import SRS


@pytest.mark.parametrize("t", [2, 3, 4, 6])
def test_the_permutation_is_the_native_one(t: int) -> None:
    rng = random.Random(t)
    values = [rng.randrange(R) for _ in range(t)]
    c = Circuit()
    xs = [c.private_input(f"x{i}") for i in range(t - 1)]
    out = pc.permute_forms(c, [values[0], *xs])  # a constant first, as a capacity element
    w = c.compile().solve({f"x{i}": v for i, v in enumerate(values[1:])})
    assert [pc.evaluate(f, w) for f in out] == permute(values)


def test_hash_with_a_tag_and_the_rows_of_width_3() -> None:
    c = Circuit()
    a, b = c.private_input("a"), c.private_input("b")
    before = c.n_gates
    h = pc.hash(c, [a, b], initial_state=COMMIT_TAG)
    assert c.n_gates - before <= 600  # the module docstring's figure, with the output
    w = c.compile().solve({"a": 5, "b": 7})
    assert w[h.index] == int(poseidon([5, 7], initial_state=COMMIT_TAG))


def test_a_commitment_costs_a_permutation_per_two_values() -> None:
    c = Circuit()
    values = [c.private_input(f"v{i}") for i in range(64)]
    before = c.n_gates
    pc.commit(c, values, c.private_input("salt"))
    assert c.n_gates - before < 20_000  # 33 permutations; the width-17 chain took 53,876


@pytest.mark.parametrize("length", [0, 1, 2, 3, 15, 16])
def test_the_commitment_is_the_native_one(length: int) -> None:
    rng = random.Random(length)
    values, salt = [rng.randrange(R) for _ in range(length)], rng.randrange(R)
    c = Circuit()
    vs = [c.private_input(f"v{i}") for i in range(length)]
    s = c.private_input("salt")
    h = pc.commit(c, vs, s)
    w = c.compile().solve({**{f"v{i}": v for i, v in enumerate(values)}, "salt": salt})
    assert w[h.index] == int(commit(values, salt))


def test_a_changed_sbox_output_breaks_its_gate() -> None:
    c = Circuit()
    x = c.private_input("x")
    pc.hash(c, [x])
    cs = c.compile()
    sboxes = [g.c for g in cs.gates if "S-box: s =" in g.label]
    for v in (sboxes[0], sboxes[len(sboxes) // 2], sboxes[-1]):
        with pytest.raises(UnsatisfiedConstraint, match="S-box"):
            cs.check(cs.assign({"x": 3}, {v: 12345}))


def test_a_proof_that_private_values_open_a_public_commitment() -> None:
    values, salt = [11, 22], 333
    c = Circuit()
    public = c.public_input("commitment")
    vs = [c.private_input(f"v{i}") for i in range(2)]
    c.assert_equal(pc.commit(c, vs, c.private_input("salt")), public)
    pk, vk = preprocess(c, SRS.from_tau(5, srs_size(c)))
    commitment = int(commit(values, salt))
    p = prove(pk, {"commitment": commitment, "v0": 11, "v1": 22, "salt": salt})
    assert verify(vk, [commitment], p)
    assert not verify(vk, [int(commit([11, 23], salt))], p)
    with pytest.raises(UnsatisfiedConstraint):
        prove(pk, {"commitment": commitment, "v0": 11, "v1": 23, "salt": salt})
