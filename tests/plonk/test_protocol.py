"""PLONK end to end: completeness, zero knowledge, soundness, encoding, errors."""

from __future__ import annotations

import dataclasses
import random

import pytest

from zkpot.curve import bn254
from zkpot.errors import ArgumentError, ArgumentTypeError, InvalidInput, NonCanonicalError
from zkpot.field.bn254 import Fq, Fr
from zkpot.plonk import Circuit, Proof, preprocess, prove, verify
from zkpot.plonk.circuit import InvalidValueError, UnsatisfiedConstraint
from zkpot.plonk.gadgets import assert_range, is_zero, less_than, rescale, select
from zkpot.plonk.keys import SetupError, srs_size
from zkpot.plonk.proof import POINTS, PROOF_BYTES, SCALARS
from zkpot.plonk.prover import ProverError, prove_witness
from zkpot.plonk.verifier import challenges
from zkpot.poly.kzg import SRS

R = bn254.R
SRS_64 = SRS.from_tau(0x5EED, 72)  # domains up to 64 rows need 64 + 6 powers


def cubic() -> Circuit:
    """The DESIGN.md example: x³ + x + 5 = out."""
    c = Circuit()
    out = c.public_input("out")
    x = c.private_input("x")
    y = c.add(c.add(c.mul(c.mul(x, x), x), x), c.constant(5))
    c.assert_equal(y, out)
    return c


def gadgets_circuit() -> Circuit:
    """Two public inputs and the gadgets: range, comparison, selection, is_zero."""
    c = Circuit()
    limit, result = c.public_input("limit"), c.public_input("result")
    x, y = c.private_input("x"), c.private_input("y")
    assert_range(c, x, 8)
    smaller = less_than(c, x, limit, 8)
    chosen = select(c, smaller, x, y)
    c.assert_equal(c.add(chosen, is_zero(c, y)), result)
    return c


@pytest.fixture(scope="module")
def keys():
    return preprocess(cubic(), SRS_64)


@pytest.fixture(scope="module")
def proof(keys):
    return prove(keys[0], {"x": 3, "out": 35}, rng=random.Random(1))


def test_the_design_example(keys, proof) -> None:
    _, vk = keys
    assert verify(vk, [35], proof)
    assert not verify(vk, [36], proof)
    assert Proof.from_bytes(proof.to_bytes()) == proof


def test_rounds_that_start_nothing_for_round_3_give_the_same_proof(keys, proof, monkeypatch):
    """The prover's schedule starts the quotient's coset values and makes PI(X) ahead of
    round 3; where nothing was started (a course's own rounds, swapped in), round 3 must
    have it done."""
    from zkpot.plonk import prover

    for name in ("round_1", "round_2"):
        original = getattr(prover, name)

        def plain(s, original=original):
            result = original(s)
            s.schedule.coset.clear()
            s.schedule.held.clear()
            s.polys.pop("pi", None)
            return result

        monkeypatch.setattr(prover, name, plain)
    assert prove(keys[0], {"x": 3, "out": 35}, rng=random.Random(1)) == proof


def test_several_public_inputs_and_gadgets() -> None:
    pk, vk = preprocess(gadgets_circuit(), SRS_64)
    for inputs, public in [({"x": 7, "y": 0, "limit": 9, "result": 8}, [9, 8]),
                           ({"x": 200, "y": 4, "limit": 9, "result": 4}, [9, 4])]:  # fmt: skip
        p = prove(pk, inputs)
        assert verify(vk, public, p)
        assert not verify(vk, public[::-1], p)


def test_proofs_are_zero_knowledge_randomised(keys) -> None:
    """Two proofs of one statement share no commitment and no evaluation."""
    pk, vk = keys
    p1, p2 = prove(pk, {"x": 3, "out": 35}), prove(pk, {"x": 3, "out": 35})
    assert verify(vk, [35], p1) and verify(vk, [35], p2)
    for name in (*POINTS, *SCALARS):
        assert getattr(p1, name) != getattr(p2, name), name
    # the same blinding gives the same proof: nothing else is random
    seeded = [prove(pk, {"x": 3, "out": 35}, rng=random.Random(5)) for _ in range(2)]
    assert seeded[0] == seeded[1]


def test_proof_size_is_constant() -> None:
    sizes = set()
    for depth in (1, 10, 40):
        c = Circuit()
        out, x = c.public_input("out"), c.private_input("x")
        y = x
        for _ in range(depth):
            y = c.mul(y, x)
        c.assert_equal(y, out)
        pk, vk = preprocess(c, SRS_64)
        p = prove(pk, {"x": 2, "out": pow(2, depth + 1, R)})
        assert verify(vk, [pow(2, depth + 1, R)], p)
        sizes.add(len(p.to_bytes()))
    assert sizes == {PROOF_BYTES} == {480}


# ------------------------------------------------------------------ soundness


def test_every_proof_element_is_checked(keys, proof) -> None:
    _, vk = keys
    G = bn254.G1.generator()
    for name in POINTS:
        assert not verify(vk, [35], proof.replace(**{name: getattr(proof, name) + G})), name
    for name in SCALARS:
        bumped = (getattr(proof, name) + 1) % R
        assert not verify(vk, [35], proof.replace(**{name: bumped})), name
        assert not verify(vk, [35], proof.replace(**{name: getattr(proof, name) + R})), name


# The prover's messages in the order it sends them, each with the first challenge drawn after it.
ROUNDS = [(("A", "B", "C"), "beta"), (("Z",), "alpha"), (("T1", "T2", "T3"), "xi"),
          (SCALARS, "v"), (("Wxi", "Wxiw"), "u")]  # fmt: skip
ORDER = ["beta", "gamma", "alpha", "xi", "v", "u"]


def test_every_challenge_depends_on_every_message_before_it() -> None:
    """Change one message: every challenge drawn before it stays, every one after it changes.

    The statement (the verification key's commitments and the public inputs) comes
    before all of them. One exception, snarkjs's and so ours: u hashes [W_ξ] and
    [W_ξω] alone, not chained to v (see zkpot.plonk.transcript for why that is
    still sound); the test pins that down too, so that a change to it is seen.
    """
    pk, vk = preprocess(gadgets_circuit(), SRS_64)
    inputs, public = {"x": 7, "y": 0, "limit": 9, "result": 8}, [9, 8]
    p = prove(pk, inputs, rng=random.Random(2))
    before = challenges(vk, public, p)
    assert len(set(before.values())) == len(ORDER)
    G1 = bn254.G1.generator()

    def check(after: dict[str, int], first: str, what: str) -> None:
        k = ORDER.index(first)
        assert all(after[c] == before[c] for c in ORDER[:k]), what
        assert all(after[c] != before[c] for c in ORDER[k:-1]), what
        assert (after["u"] != before["u"]) == (first == "u"), what  # u: [W_ξ], [W_ξω] only

    for messages, first in ROUNDS:
        for name in messages:
            old = getattr(p, name)
            bumped = old + G1 if name in POINTS else (old + 1) % R
            check(challenges(vk, public, p.replace(**{name: bumped})), first, name)
    for i in range(len(public)):
        check(challenges(vk, [*public[:i], public[i] + 1, *public[i + 1 :]], p), "beta", f"x{i}")
    for name in ("Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3"):
        moved = dataclasses.replace(vk, **{name: getattr(vk, name) + G1})
        check(challenges(moved, public, p), "beta", name)


def test_every_public_input_is_checked() -> None:
    pk, vk = preprocess(gadgets_circuit(), SRS_64)
    p = prove(pk, {"x": 7, "y": 0, "limit": 9, "result": 8})
    for bad in ([10, 8], [9, 9], [-9, 8], [9, 8 - R + 1]):
        assert not verify(vk, bad, p), bad
    # the same values prove accepts, reduced mod r as prove reduces them
    for same in ([9 + R, 8], [Fr(9), 8], [9 - R, Fr(8)], [9, 8 + 5 * R]):
        assert verify(vk, same, p), same


def test_public_inputs_read_as_prove_reads_them() -> None:
    """prove(pk, {..., "out": -7}) is verified with -7, Fr(-7) or r − 7; mistakes raise."""
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    c.assert_equal(c.mul(x, -1), out)
    pk, vk = preprocess(c, SRS_64)
    p = prove(pk, {"x": 7, "out": -7})
    assert verify(vk, [-7], p) and verify(vk, [Fr(-7)], p) and verify(vk, [R - 7], p)
    assert not verify(vk, [7], p)
    for wrong_count in ([], [-7, 0]):
        with pytest.raises(ArgumentError, match="expected 1 public inputs"):
            verify(vk, wrong_count, p)
    for wrong_type in (["-7"], [-7.0], [None], [Fq(1)]):
        with pytest.raises(InvalidValueError, match="public input 0 must be an int or an Fr"):
            verify(vk, wrong_type, p)
    with pytest.raises(ArgumentTypeError, match="a list"):
        verify(vk, -7, p)  # type: ignore[arg-type]
    assert verify(vk, (x for x in [-7]), p)  # any iterable of values will do


def _forced(pk, inputs, tamper):
    """A proof from a witness that breaks the circuit (the prover's checks switched off)."""
    witness = pk.cs.solve(inputs)
    tamper(witness)
    with pytest.raises((ProverError, UnsatisfiedConstraint)):
        pk.cs.check(witness)
        prove_witness(pk, witness)
    return prove_witness(pk, witness, check=False)


def test_wrong_witnesses_are_refused_and_forced_proofs_fail() -> None:
    c = cubic()
    pk, vk = preprocess(c, SRS_64)
    cs = pk.cs
    inputs = {"x": 3, "out": 35}
    x_var = dict(cs.private_inputs)["x"]
    out_var = dict(cs.public_inputs)["out"]
    mul_gate = next(g for g in cs.gates if g.q_m)  # x·x = x²: change its output
    add_gate = next(g for g in cs.gates if g.q_l and g.q_r and not g.q_m)
    const_gate = next(g for g in cs.gates if g.q_c)
    cases = {
        "mul gate": lambda w: w.__setitem__(mul_gate.c, (w[mul_gate.c] + 1) % R),
        "add gate": lambda w: w.__setitem__(add_gate.c, (w[add_gate.c] + 1) % R),
        "constant gate": lambda w: w.__setitem__(const_gate.a, (w[const_gate.a] + 1) % R),
        "public input": lambda w: w.__setitem__(out_var, 36),
        "private input": lambda w: w.__setitem__(x_var, 4),
    }
    for name, tamper in cases.items():
        forced = _forced(pk, inputs, tamper)
        assert not verify(vk, [35], forced), name
        assert not verify(vk, [36], forced), name


def test_a_rescale_that_checks_only_the_remainder_is_forgeable() -> None:
    """The recipe issue 11 corrected: x = q·2^f + rem with rem in f bits, and q unchecked.

    A full proof that ⌊1000 / 16⌋ is 1000·16⁻¹ mod r (rem = 0) verifies against it;
    against the rescale gadget (q's signed range checked too) the same claim has no
    witness, and a proof forced from that witness fails.
    """
    f, x_value = 4, 1000
    forged_q = x_value * pow(1 << f, -1, R) % R  # not 62: a field element near r
    weak = Circuit()
    x, q = weak.public_input("x"), weak.public_input("q")
    rem = weak.private_input("rem")
    weak.assert_linear([(1 << f, q), (1, rem), (-1, x)])
    assert_range(weak, rem, f)
    pk, vk = preprocess(weak, SRS_64)
    assert verify(vk, [x_value, forged_q], prove(pk, {"x": x_value, "q": forged_q, "rem": 0}))

    sound = Circuit()
    x, q_out = sound.public_input("x"), sound.public_input("q")
    q, rem = rescale(sound, x, f, 8)
    sound.assert_equal(q, q_out)
    pk, vk = preprocess(sound, SRS_64)
    assert verify(vk, [x_value, 62], prove(pk, {"x": x_value, "q": 62}))
    with pytest.raises(UnsatisfiedConstraint):
        prove(pk, {"x": x_value, "q": forged_q})
    cheat = pk.cs.assign({"x": x_value, "q": forged_q}, {q.index: forged_q, rem.index: 0})
    assert not verify(vk, [x_value, forged_q], prove_witness(pk, cheat, check=False))


def test_a_broken_copy_constraint_is_caught() -> None:
    """Give one wire slot of x a different value than the others: only σ can notice."""
    pk, vk = preprocess(cubic(), SRS_64)
    row = next(i for i, r in enumerate(pk.rows) if r[0] == r[1] != pk.cs.zero_variable)
    witness = pk.cs.solve({"x": 3, "out": 35})
    # a fresh witness list where the duplicated variable differs between two slots is not
    # expressible per variable; so rewire the proving key's rows to point at a new variable
    rows = list(pk.rows)
    a, _, c = rows[row]
    witness.append(witness[a] + 1)
    rows[row] = (a, len(witness) - 1, c)
    from dataclasses import replace

    broken = replace(pk, rows=tuple(rows))
    with pytest.raises(ProverError):
        prove_witness(broken, witness)
    assert not verify(vk, [35], prove_witness(broken, witness, check=False))


def test_the_prover_refuses_an_unsatisfied_circuit(keys) -> None:
    pk, _ = keys
    with pytest.raises(UnsatisfiedConstraint):
        prove(pk, {"x": 3, "out": 36})


# ------------------------------------------------------------------ encoding and errors


def test_proof_encoding_errors(proof) -> None:
    data = proof.to_bytes()
    with pytest.raises(InvalidInput, match="480"):
        Proof.from_bytes(data[:-1])
    scalar_at = 32 * len(POINTS)
    too_big = data[:scalar_at] + R.to_bytes(32, "big") + data[scalar_at + 32 :]
    with pytest.raises(NonCanonicalError):
        Proof.from_bytes(too_big)
    with pytest.raises(InvalidInput):
        Proof.from_bytes(bytes(32) + data[32:])  # flag bits 00: not a compressed point


def test_argument_types(keys, proof) -> None:
    """Keys swapped, a missing SRS or circuit: typed errors that say what was expected."""
    pk, vk = keys
    with pytest.raises(ArgumentTypeError, match="preprocess returns"):
        verify(pk, [35], proof)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="needs a Proof"):
        verify(vk, [35], proof.to_bytes())  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="preprocess returns"):
        prove(vk, {"x": 3, "out": 35})  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="needs a ProvingKey, not dict"):
        prove_witness({}, [0])  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="needs an SRS, not NoneType"):
        preprocess(cubic(), None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="a Circuit or a ConstraintSystem"):
        preprocess(None, SRS_64)  # type: ignore[arg-type]
    assert issubclass(ArgumentTypeError, TypeError)


def test_setup_errors() -> None:
    from zkpot.curve import bls12_381

    with pytest.raises(SetupError, match="powers of τ"):
        preprocess(cubic(), SRS.from_tau(7, 8))
    assert srs_size(cubic()) == 14  # 7 gates + 1 public input ≤ 8 rows
    preprocess(cubic(), SRS.from_tau(7, srs_size(cubic())))
    with pytest.raises(SetupError, match="need a domain of 8 and 14 powers of τ"):
        preprocess(cubic(), SRS.from_tau(7, srs_size(cubic()) - 1))
    with pytest.raises(SetupError, match="BN254"):
        preprocess(cubic(), SRS.from_tau(7, 16, bls12_381))


@pytest.mark.parametrize(("n", "factor"), [(8, 4), (16, 8), (1024, 4)])
def test_first_lagrange_on_the_coset_in_closed_form(n, factor) -> None:
    """The preprocessing's L₁ on the quotient's coset, by (xⁿ − 1)/(n(x − 1)), is the NTT's."""
    from zkpot.plonk.keys import first_lagrange_on_coset
    from zkpot.poly.domain import EvaluationDomain

    small, big = EvaluationDomain(n), EvaluationDomain(factor * n)
    expected = big.coset_ntt(small.intt([1] + [0] * (n - 1)))
    assert first_lagrange_on_coset(big, n) == expected
