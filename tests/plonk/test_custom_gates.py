"""Custom gates (x⁵ and the Poseidon round of width 3): the native values, proofs in the
custom configuration alone and with lookups, and every cheat and tampering refused."""

from __future__ import annotations

import dataclasses
import random

import pytest

from zkpot.curve import bn254
from zkpot.errors import InvalidInput
from zkpot.hash.poseidon import commit, permute
from zkpot.plonk import Circuit, Proof, preprocess, prove, verify
from zkpot.plonk import poseidon_circuit as pc
from zkpot.plonk.circuit import UnsatisfiedConstraint
from zkpot.plonk.custom import CustomKey, CustomProof
from zkpot.plonk.keys import srs_size
from zkpot.plonk.proof import CUSTOM_PROOF_BYTES, LOOKUP_PROOF_BYTES, PROOF_BYTES
from zkpot.plonk.prover import prove_witness
from zkpot.plonk.tables import Table
from zkpot.plonk.verifier import challenges
from zkpot.poly.kzg import SRS

R = bn254.R
G1 = bn254.G1.generator()


def poseidon_circuit(with_lookup: bool = False) -> tuple[Circuit, object]:
    """out = Poseidon state[0] after permuting (0, x, x⁵): a pow5 row and 66 round rows."""
    c = Circuit()
    out = c.public_input("out")
    x = c.private_input("x")
    if with_lookup:
        c.lookup(Table.range(3), x)
    state = pc.permute_rows(c, [0, x, c.pow5(x)])
    c.assert_equal(state[0], out)
    return c, state


def expected(x: int) -> int:
    return permute([0, x, pow(x, 5, R)])[0]


@pytest.fixture(scope="module")
def keys():
    c, _ = poseidon_circuit()
    return preprocess(c, SRS.from_tau(0xC057, srs_size(c)))


@pytest.fixture(scope="module")
def proof(keys):
    return prove(keys[0], {"x": 3, "out": expected(3)}, rng=random.Random(1))


def test_the_round_gate_is_the_native_permutation() -> None:
    for values in ([0, 1, 2], [5, R - 1, 7]):
        c = Circuit()
        xs = [c.private_input(f"x{i}") for i in range(3)]
        before = c.n_gates
        out = pc.permute_rows(c, xs)
        assert c.n_gates - before == 66  # 65 rounds and the output row: the goal is 120
        w = c.compile().solve({f"x{i}": v for i, v in enumerate(values)})
        assert [w[v.index] for v in out] == permute(values)


def test_pow5_and_the_commitment_with_round_gates() -> None:
    c = Circuit()
    x = c.private_input("x")
    before = c.n_gates
    y = c.pow5(x)
    assert c.n_gates - before == 1
    values = [c.private_input(f"v{i}") for i in range(5)]
    h = pc.commit(c, values, c.private_input("salt"), round_gates=True)
    w = c.compile().solve({"x": -2, **{f"v{i}": i for i in range(5)}, "salt": 8})
    assert w[y.index] == (-32) % R
    assert w[h.index] == int(commit(list(range(5)), 8))


def test_a_wrong_round_output_or_power_is_refused() -> None:
    c, _ = poseidon_circuit()
    cs = c.compile()
    inputs = {"x": 3, "out": expected(3)}
    cs.solve(inputs)
    round_rows = [i for i, g in enumerate(cs.gates) if g.poseidon]
    middle = cs.gates[round_rows[30] + 1].a  # an output of round 30
    with pytest.raises(UnsatisfiedConstraint, match="round 30"):
        cs.check(cs.assign(inputs, {middle: 5}))
    pow_row = next(g for g in cs.gates if g.q_5)
    with pytest.raises(UnsatisfiedConstraint, match="pow5"):
        cs.check(cs.assign(inputs, {pow_row.c: 242}))
    lonely = Circuit()
    a = lonely.private_input("a")
    lonely.gate(a, a, a, poseidon=1, rc=(0, 0, 0), label="a round with no next row")
    with pytest.raises(UnsatisfiedConstraint, match="no next row"):
        lonely.compile().solve({"a": 1})


def test_proofs_in_the_custom_configuration(keys, proof) -> None:
    pk, vk = keys
    assert isinstance(vk.custom, CustomKey) and isinstance(proof.custom, CustomProof)
    assert vk.lookup is None and proof.lookup is None
    assert verify(vk, [expected(3)], proof)
    assert not verify(vk, [expected(4)], proof)
    assert len(proof.to_bytes()) == CUSTOM_PROOF_BYTES == PROOF_BYTES + 256
    assert Proof.from_bytes(proof.to_bytes()) == proof
    other = prove(pk, {"x": 4, "out": expected(4)}, rng=random.Random(2))
    assert verify(vk, [expected(4)], other)


def test_forced_proofs_from_broken_rounds_fail(keys) -> None:
    pk, vk = keys
    cs = pk.cs
    inputs = {"x": 3, "out": expected(3)}
    round_rows = [i for i, g in enumerate(cs.gates) if g.poseidon]
    for row in (round_rows[0], round_rows[10], round_rows[-1]):  # full, partial, last full
        target = cs.gates[row + 1].b
        cheat = cs.assign(inputs, {target: 12345})
        forged = prove_witness(pk, cheat, rng=random.Random(3), check=False)
        public = cs.public_values(cheat)
        assert not verify(vk, public, forged), row
    pow_row = next(g for g in cs.gates if g.q_5)
    cheat = cs.assign({"x": 3, "out": 0}, {pow_row.c: 7})  # 3⁵ = 7, and the rest follows
    forged = prove_witness(pk, cheat, rng=random.Random(4), check=False)
    assert not verify(vk, cs.public_values(cheat), forged)


def test_every_custom_element_is_checked(keys, proof) -> None:
    _, vk = keys
    public = [expected(3)]
    for name in CustomProof.POINTS:
        moved = proof.custom.replace(**{name: getattr(proof.custom, name) + G1})
        assert not verify(vk, public, proof.replace(custom=moved)), name
    for name in CustomProof.SCALARS:
        bumped = proof.custom.replace(**{name: (getattr(proof.custom, name) + 1) % R})
        assert not verify(vk, public, proof.replace(custom=bumped)), name
    for name in CustomKey.POINTS:
        key = dataclasses.replace(vk.custom, **{name: getattr(vk.custom, name) + G1})
        assert not verify(dataclasses.replace(vk, custom=key), public, proof), name
    assert not verify(vk, public, proof.replace(custom=None))
    assert not verify(vk, public, proof.replace(custom="not a proof part"))


def test_zero_knowledge_two_proofs_share_no_custom_element(keys) -> None:
    pk, _ = keys
    inputs = {"x": 3, "out": expected(3)}
    p1, p2 = (prove(pk, inputs, rng=random.Random(seed)) for seed in (10, 11))
    for name in (*CustomProof.POINTS, *CustomProof.SCALARS):
        assert getattr(p1.custom, name) != getattr(p2.custom, name), name
    for name in ("T1", "T2", "T3", "A", "Wxi", "Wxiw"):
        assert getattr(p1, name) != getattr(p2, name), name


def test_lookups_and_custom_gates_together() -> None:
    c, _ = poseidon_circuit(with_lookup=True)
    pk, vk = preprocess(c, SRS.from_tau(0xB0B, srs_size(c)))
    p = prove(pk, {"x": 5, "out": expected(5)}, rng=random.Random(5))
    assert p.lookup is not None and p.custom is not None
    assert verify(vk, [expected(5)], p) and not verify(vk, [expected(4)], p)
    assert len(p.to_bytes()) == LOOKUP_PROOF_BYTES + 256
    assert Proof.from_bytes(p.to_bytes()) == p
    with pytest.raises(InvalidInput, match="with both"):
        Proof.from_bytes(p.to_bytes()[:-32])


def test_a_proof_of_another_configuration_is_refused(keys, proof) -> None:
    plain = Circuit()
    x = plain.private_input("x")
    plain.assert_equal(x * x, plain.public_input("out"))
    plain_pk, plain_vk = preprocess(plain, SRS.from_tau(3, 14))
    plain_proof = prove(plain_pk, {"x": 3, "out": 9})
    _, vk = keys
    assert not verify(plain_vk, [expected(3)], proof)
    assert not verify(vk, [9], plain_proof)


def test_every_challenge_depends_on_the_custom_messages(keys, proof) -> None:
    _, vk = keys
    public = [expected(3)]
    before = challenges(vk, public, proof)
    order = ["beta", "gamma", "alpha", "xi", "v", "u"]
    for name, first in (("T4", "xi"), ("T5", "xi"), ("eval_aw", "v"), ("eval_rc2", "v")):
        old = getattr(proof.custom, name)
        new = old + G1 if name.startswith("T") else (old + 1) % R
        after = challenges(vk, public, proof.replace(custom=proof.custom.replace(**{name: new})))
        k = order.index(first)
        assert all(after[c] == before[c] for c in order[:k]), name
        assert all(after[c] != before[c] for c in order[k:]), name
    moved = dataclasses.replace(vk.custom, Rc1=vk.custom.Rc1 + G1)
    after = challenges(dataclasses.replace(vk, custom=moved), public, proof)
    assert all(after[c] != before[c] for c in order)


def test_snarkjs_has_no_custom_gates(keys, proof) -> None:
    from zkpot.errors import ArgumentError
    from zkpot.plonk import snarkjs

    with pytest.raises(ArgumentError, match="no custom gates"):
        snarkjs.export_vkey(keys[1])
    with pytest.raises(ArgumentError, match="no custom gates"):
        snarkjs.export_proof(proof)


def test_the_wires_get_a_third_blinding_coefficient(keys) -> None:
    """a, b, c are seen at ξ, at ξω and in their commitments: three random coefficients."""
    from zkpot.plonk import prover as P
    from zkpot.plonk.transcript import Keccak256Transcript

    pk, _ = keys
    n = pk.domain.size
    witness = pk.cs.solve({"x": 3, "out": expected(3)})
    rng = random.Random(6)
    state = P._State(pk, witness, [expected(3)], Keccak256Transcript(),
                     [rng.randrange(R) for _ in range(22)], {}, {}, {})  # fmt: skip
    P.round_1(state)
    assert all(len(state.polys[w]) == n + 3 for w in "abc")  # degree n + 2
    assert srs_size(poseidon_circuit()[0]) == n + 10


def test_the_rows_follow_permute_trace_round_by_round() -> None:
    """Row r of the round gates holds the state before round r, as permute_trace lists it."""
    from zkpot.hash.poseidon import permute_trace

    c = Circuit()
    xs = [c.private_input(f"x{i}") for i in range(3)]
    pc.permute_rows(c, xs)
    cs = c.compile()
    w = cs.solve({"x0": 4, "x1": 5, "x2": 6})
    rows = [g for g in cs.gates if g.poseidon or g.label.endswith("output")]
    trace = permute_trace([4, 5, 6])
    assert len(rows) == len(trace) == 66
    assert all([w[g.a], w[g.b], w[g.c]] == state for g, state in zip(rows, trace, strict=True))


def test_multiply_accumulate_dot_products() -> None:
    """Σ xᵢ·yᵢ in k + 1 rows (plain gates: 2k − 1), proven, and a wrong partial sum refused."""
    k = 6
    c = Circuit()
    out = c.public_input("out")
    xs = [c.private_input(f"x{i}") for i in range(k)]
    ys = [c.private_input(f"y{i}") for i in range(k)]
    before = c.n_gates
    total = c.dot(xs, ys)
    assert c.n_gates - before == k + 1
    c.assert_equal(total, out)
    inputs = {**{f"x{i}": i + 1 for i in range(k)}, **{f"y{i}": 2 - i for i in range(k)}}
    value = sum((i + 1) * (2 - i) for i in range(k))
    cs = c.compile()
    assert cs.solve({**inputs, "out": value})[total.index] == value % R
    rows = [g for g in cs.gates if g.q_mac]
    cheat = cs.assign({**inputs, "out": value}, {rows[2].c: 1})  # a wrong partial sum
    with pytest.raises(UnsatisfiedConstraint, match="acc 2 = acc 1"):
        cs.check(cheat)
    pk, vk = preprocess(c, SRS.from_tau(99, srs_size(c)))
    p = prove(pk, {**inputs, "out": value}, rng=random.Random(7))
    assert verify(vk, [value], p) and not verify(vk, [value + 1], p)
    forged = prove_witness(pk, cheat, rng=random.Random(8), check=False)
    assert not verify(vk, cs.public_values(cheat), forged)


@pytest.mark.parametrize("table_bits", [2, 5])
def test_completeness_mixing_plain_gates_lookups_and_custom_gates(table_bits: int) -> None:
    """Range lookups, a dot product, x⁵ and a Poseidon permutation in one circuit, at two
    table and domain sizes (the tables of 2^5 rows push the second to a larger domain)."""
    from zkpot.plonk import lookup_gadgets

    rng = random.Random(table_bits)
    c = Circuit()
    out = c.public_input("out")
    xs = [c.private_input(f"x{i}") for i in range(4)]
    for x in xs:
        lookup_gadgets.assert_range(c, x, 2 * table_bits, table_bits=table_bits)
    acc = c.dot(xs, [c.pow5(x) for x in xs])
    state = pc.permute_rows(c, [acc, xs[0] + xs[1], 7])
    c.assert_equal(state[2] * 2 + 1, out)
    values = [rng.randrange(1 << (2 * table_bits)) for _ in range(4)]
    total = sum(v * pow(v, 5, R) for v in values) % R
    expected_out = (permute([total, values[0] + values[1], 7])[2] * 2 + 1) % R
    pk, vk = preprocess(c, SRS.from_tau(rng.randrange(1, R), srs_size(c)))
    assert vk.lookup is not None and vk.custom is not None
    inputs = {"out": expected_out, **{f"x{i}": v for i, v in enumerate(values)}}
    p = prove(pk, inputs, rng=rng)
    assert verify(vk, [expected_out], p) and not verify(vk, [expected_out + 1], p)


def test_a_forced_proof_with_wrong_multiplicities_fails(monkeypatch) -> None:
    """Queries all in their table, but m counts one of them at the wrong table row: the
    running sum then misses 0 and no proof can hide it."""
    from zkpot.plonk import lookup

    c, _ = poseidon_circuit(with_lookup=True)
    pk, vk = preprocess(c, SRS.from_tau(0xB0B, srs_size(c)))
    honest = lookup.multiplicities

    def shifted(*args, **kwargs):
        m = honest(*args, **kwargs)
        j = next(i for i, x in enumerate(m) if x)
        m[j], m[j + 1] = m[j] - 1, m[j + 1] + 1
        return m

    monkeypatch.setattr(lookup, "multiplicities", shifted)
    witness = pk.cs.solve({"x": 5, "out": expected(5)})
    forged = prove_witness(pk, witness, rng=random.Random(9), check=False)
    assert not verify(vk, [expected(5)], forged)


def test_batch_verification_of_custom_gate_proofs(keys, proof) -> None:
    from tests.plonk.test_batch_verify import check_batch_of_one_key

    pk, vk = keys
    other = prove(pk, {"x": 4, "out": expected(4)}, rng=random.Random(2))
    check_batch_of_one_key(vk, [[expected(3)], [expected(4)]], [proof, other])
