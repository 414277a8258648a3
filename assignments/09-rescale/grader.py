"""Grader of assignment 9: the rescale gadget, and a forgery of the weak one."""

from __future__ import annotations

import random
import re

import pytest

from zkpot.assignments import required
from zkpot.ml.fixedpoint import FixedPoint
from zkpot.plonk import Circuit, preprocess, prove, verify
from zkpot.plonk.circuit import UnsatisfiedConstraint
from zkpot.plonk.constraints import R
from zkpot.plonk.exploits import forge_rescale, rescale_without_quotient_range
from zkpot.plonk.keys import srs_size
from zkpot.plonk.prover import prove_witness
from zkpot.poly.kzg import SRS

F, B = 4, 8
FMT = FixedPoint(frac_bits=F, bound_bits=B)


def claim(gadget) -> Circuit:
    """The circuit "gadget(public x) has quotient public q"."""
    c = Circuit()
    x, q = c.public_input("x"), c.public_input("q")
    out, _ = gadget(c, x, F, B)
    c.assert_equal(out, q, label="q is the claim")
    return c


def hints_of(cs, values: tuple[int, int]) -> dict[int, int]:
    """Overrides for the gadget's two hints, found by their labels (q first, then rem)."""
    found = [i for i, h in enumerate(cs.hints) if h and re.search(r"q = ⌊|rem = ", h.label)]
    assert len(found) == 2, "a rescale gadget should make its q and rem with quotient_hints"
    return {found[0]: values[0] % R, found[1]: values[1] % R}


def test_rescale_computes_the_fixed_point_rescale(solution) -> None:
    rescale = required(solution, "rescale")
    rng = random.Random(1)
    limit = 1 << (B - 1 + F)
    for x in [
        0,
        1,
        15,
        16,
        37,
        -1,
        -16,
        -17,
        limit - 1,
        -limit + 16,
        *(rng.randrange(-limit + 16, limit) for _ in range(30)),
    ]:
        c = Circuit()
        v = c.public_input("x")
        q, rem = rescale(c, v, F, B)
        cs = c.compile()
        w = cs.solve({"x": x})
        cs.check(w)
        want_q, want_rem = FMT.rescale(x)
        got = (w[q.index], w[rem.index])
        assert got == (want_q % R, want_rem), (
            f"rescale of x = {x} (f = {F}): expected (q, rem) = ({want_q}, {want_rem}), your "
            f"circuit's witness has ({got[0] if got[0] < R // 2 else got[0] - R}, {got[1]})"
        )


def test_honest_proofs_verify(solution) -> None:
    rescale = required(solution, "rescale")
    c = claim(rescale)
    pk, vk = preprocess(c, SRS.from_tau(99, srs_size(c)))
    for x in (37, -37, 255):
        q = FMT.rescale(x)[0]
        assert verify(vk, [x, q], prove(pk, {"x": x, "q": q}, rng=random.Random(2))), (
            f"an honest proof of rescale({x}) = {q} does not verify"
        )


def test_no_witness_for_a_false_quotient(solution) -> None:
    rescale = required(solution, "rescale")
    cs = claim(rescale).compile()
    for x, false_q in ((37, 3), (37, 1), (-37, -2)):
        with pytest.raises(UnsatisfiedConstraint):
            cs.check(cs.solve({"x": x, "q": false_q}))
            pytest.fail(f"your circuit has a witness for ⌊{x}/16⌋ = {false_q}")
    limit = 1 << (B - 1 + F)
    with pytest.raises(UnsatisfiedConstraint):
        x = limit + 5  # its quotient 2^(B−1) is out of the bound
        cs.check(cs.solve({"x": x, "q": x >> F}))
        pytest.fail(f"x = {x} has a quotient outside −2^(B−1) < q < 2^(B−1): no witness allowed")


def test_your_gadget_refuses_the_field_division_forgery(solution) -> None:
    rescale = required(solution, "rescale")
    cs = claim(rescale).compile()
    q, rem = forge_rescale(37, F, B)
    witness = cs.assign({"x": 37, "q": q}, overrides=hints_of(cs, (q, rem)))
    with pytest.raises(UnsatisfiedConstraint):
        cs.check(witness)
        pytest.fail("your rescale accepts q = 37·2^(−4) mod r, rem = 0: check q's range")


@pytest.fixture(scope="module")
def weak_keys():
    c = claim(rescale_without_quotient_range)
    return preprocess(c, SRS.from_tau(77, srs_size(c)))


def test_your_forgery_verifies_against_the_weak_gadget(solution, weak_keys) -> None:
    forge = required(solution, "forge")
    pk, vk = weak_keys
    for x in (37, 48, -37, 1000):
        q, rem = forge(x, F, B)
        true_q = FMT.rescale(x)[0] % R
        assert q % R != true_q, f"forge({x}) returned the true quotient {FMT.rescale(x)[0]}"
        witness = pk.cs.assign({"x": x, "q": q % R}, overrides=hints_of(pk.cs, (q, rem)))
        try:
            pk.cs.check(witness)
        except UnsatisfiedConstraint as error:
            raise AssertionError(
                f"forge({x}) = (q, rem) = ({q}, {rem}) breaks a gate of the weak gadget: {error}"
            ) from None
        proof = prove_witness(pk, witness, rng=random.Random(4))
        assert verify(vk, [x % R, q % R], proof), f"the forged proof for x = {x} does not verify"
