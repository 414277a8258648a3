"""The circuit builder: the DESIGN.md example, every operation against plain arithmetic mod r,
the compiled layout the prover relies on, witness generation and every error path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.errors import ZkpotError
from zkpot.field.bn254 import Fq, Fr
from zkpot.plonk.circuit import (
    MAX_BITS,
    Circuit,
    CircuitError,
    ConstraintSystem,
    ForeignVariableError,
    HintError,
    InputNameError,
    InvalidValueError,
    MissingInputError,
    R,
    UnknownInputError,
    UnsatisfiedConstraint,
    Variable,
    signed,
)

scalars = st.integers(min_value=0, max_value=R - 1)
small = st.integers(min_value=-(2**70), max_value=2**70)
values = st.one_of(scalars, small, st.sampled_from([0, 1, R - 1, -1]))


def design_example() -> tuple[Circuit, Variable, Variable, Variable]:
    c = Circuit()
    out = c.public_input("out")
    x = c.private_input("x")
    y = c.add(c.add(c.mul(c.mul(x, x), x), x), c.constant(5))
    c.assert_equal(y, out)
    return c, out, x, y


# -- the DESIGN.md example ---------------------------------------------------------


def test_design_example_solves() -> None:
    c, out, x, y = design_example()
    cs = c.compile()
    w = cs.solve({"x": 3, "out": 35})
    assert (w[x.index], w[out.index], w[y.index]) == (3, 35, 35)
    assert len(w) == cs.n_variables and all(0 <= v < R for v in w)
    assert cs.public_values(w) == [35]
    cs.check(w)


def test_design_example_rejects_a_wrong_output() -> None:
    cs = design_example()[0].compile()
    with pytest.raises(UnsatisfiedConstraint) as info:
        cs.solve({"x": 3, "out": 36})
    last = cs.n_gates - 1
    assert info.value.gate_index == last
    assert info.value.label == cs.gates[last].label == "assert_equal v7=out"
    assert info.value.values == (35, 0, 36)
    message = str(info.value)
    assert f"gate {last} (assert_equal v7=out)" in message
    assert "a = v7 = 35" in message and "c = out = 36" in message


def test_design_example_layout() -> None:
    cs = design_example()[0].compile()
    assert cs.public_inputs == (("out", 1),)
    assert cs.private_inputs == (("x", 2),)
    assert cs.zero_variable == 0 and cs.names[0] == "0"
    assert cs.gates[0].label == "constant 0"
    assert (cs.gates[0].a, cs.gates[0].b, cs.gates[0].c, cs.gates[0].q_l) == (0, 0, 0, 1)
    assert cs.n_gates == len(cs.gates) == 7
    for gate in cs.gates:
        for q in (gate.q_l, gate.q_r, gate.q_o, gate.q_m, gate.q_c):
            assert isinstance(q, int) and 0 <= q < R
        assert all(0 <= v < cs.n_variables for v in (gate.a, gate.b, gate.c))
    # the public input has no gate of its own: it only appears where it is used
    assert [(i, g.label) for i, g in enumerate(cs.gates) if 1 in (g.a, g.b, g.c)] == [
        (6, "assert_equal v7=out")
    ]


def test_fr_and_negative_inputs() -> None:
    cs = design_example()[0].compile()
    assert cs.solve({"x": Fr(3), "out": Fr(35)}) == cs.solve({"x": 3, "out": 35 - R})
    w = cs.solve({"x": -3, "out": -25})  # (−3)³ − 3 + 5 = −25
    assert w[2] == R - 3 and signed(w[1]) == -25
    assert cs.solve({"x": np.int64(3), "out": np.int32(35)})[1] == 35


def test_compile_is_a_frozen_snapshot() -> None:
    c, _, x, _ = design_example()
    cs = c.compile()
    assert isinstance(cs, ConstraintSystem)
    with pytest.raises(AttributeError):
        cs.gates = ()  # type: ignore[misc]
    c.assert_zero(x)
    assert cs.n_gates == 7 and c.compile().n_gates == 8


# -- each operation against plain arithmetic mod r -----------------------------------


def one_op(build) -> tuple[ConstraintSystem, Variable]:
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    return c, build(c, x, y)


OPERATIONS = {
    "add": (lambda c, x, y: c.add(x, y), lambda x, y, k: x + y),
    "sub": (lambda c, x, y: c.sub(x, y), lambda x, y, k: x - y),
    "mul": (lambda c, x, y: c.mul(x, y), lambda x, y, k: x * y),
    "mul_const": (lambda c, x, y, k: c.mul_const(x, k), lambda x, y, k: k * x),
    "add_const": (lambda c, x, y, k: c.add_const(x, k), lambda x, y, k: x + k),
    "constant": (lambda c, x, y, k: c.constant(k), lambda x, y, k: k),
    "x + y": (lambda c, x, y: x + y, lambda x, y, k: x + y),
    "x - y": (lambda c, x, y: x - y, lambda x, y, k: x - y),
    "x * y": (lambda c, x, y: x * y, lambda x, y, k: x * y),
    "-x": (lambda c, x, y: -x, lambda x, y, k: -x),
    "x + k": (lambda c, x, y, k: x + k, lambda x, y, k: x + k),
    "k + x": (lambda c, x, y, k: k + x, lambda x, y, k: x + k),
    "k - x": (lambda c, x, y, k: k - x, lambda x, y, k: k - x),
    "x - k": (lambda c, x, y, k: x - k, lambda x, y, k: x - k),
    "k * x": (lambda c, x, y, k: k * x, lambda x, y, k: k * x),
    "Fr(k) * x": (lambda c, x, y, k: Fr(k) * x, lambda x, y, k: k * x),
    "x * Fr(k)": (lambda c, x, y, k: x * Fr(k), lambda x, y, k: k * x),
    "Fr(k) + y": (lambda c, x, y, k: Fr(k) + y, lambda x, y, k: k + y),
    "k * (x + y) - x * y": (
        lambda c, x, y, k: k * (x + y) - x * y,
        lambda x, y, k: k * (x + y) - x * y,
    ),
}


@pytest.mark.parametrize("name", OPERATIONS)
@settings(max_examples=25, deadline=None)
@given(x=values, y=values, k=values)
def test_operation_matches_arithmetic_mod_r(name: str, x: int, y: int, k: int) -> None:
    build, expect = OPERATIONS[name]
    c = Circuit()
    vx, vy = c.private_input("x"), c.private_input("y")
    out = build(c, vx, vy, k) if build.__code__.co_argcount == 4 else build(c, vx, vy)
    w = c.compile().solve({"x": x, "y": y})
    assert w[out.index] == expect(x, y, k) % R


@settings(max_examples=60, deadline=None)
@given(
    terms=st.lists(st.tuples(values, st.integers(0, 3)), max_size=8),
    constant=values,
    inputs=st.lists(values, min_size=4, max_size=4),
)
def test_linear_combination(terms: list[tuple[int, int]], constant: int, inputs: list[int]) -> None:
    c = Circuit()
    xs = [c.private_input(f"x{i}") for i in range(4)]
    out = c.linear_combination([(k, xs[i]) for k, i in terms], constant)
    cs = c.compile()
    w = cs.solve({f"x{i}": v for i, v in enumerate(inputs)})
    assert w[out.index] == (sum(k * inputs[i] for k, i in terms) + constant) % R
    merged: dict[int, int] = {}
    for k, i in terms:
        merged[i] = (merged.get(i, 0) + k) % R
    kept = [k for k in merged.values() if k]
    if not kept:
        expected = 1 if constant % R else 0  # just the constant (0 is variable 0)
    elif kept == [1] and constant % R == 0:
        expected = 0  # the variable itself
    else:
        expected = max(1, len(kept) - 1)
    assert cs.n_gates - 1 == expected


def step(c: Circuit, op: str, x: Variable, y: Variable, vx: int, vy: int, k: int):
    """One operation of a random program: (the circuit's variable, the plain value)."""
    if op == "+":
        return x + y, vx + vy
    if op == "-":
        return x - y, vx - vy
    if op == "*":
        return x * y, vx * vy
    if op == "k":
        return c.mul_const(x, k), k * vx
    if op == "c":
        return c.add_const(y, k), vy + k
    return c.linear_combination([(k, x), (3, y), (1, x)], k), k * vx + 3 * vy + vx + k


@settings(max_examples=40, deadline=None)
@given(program=st.lists(st.tuples(st.sampled_from("+-*kcl"), st.integers(0, 99), values)))
def test_random_programs(program: list[tuple[str, int, int]]) -> None:
    """A random straight-line program, in the circuit and in Python, agrees everywhere."""
    c = Circuit()
    pool = [c.private_input("a"), c.private_input("b")]
    plain = [7, R - 2]
    for op, pick, k in program:
        i, j = pick % len(pool), (pick // 7) % len(pool)
        new, value = step(c, op, pool[i], pool[j], plain[i], plain[j], k)
        pool.append(new)
        plain.append(value % R)
    w = c.compile().solve({"a": 7, "b": -2})
    assert [w[v.index] for v in pool] == plain


# -- gate shapes: what each operation adds -------------------------------------------


def gates_added(build) -> list[tuple]:
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    before = c.n_gates
    build(c, x, y)
    names = c.compile().names
    return [
        (names[g.a], names[g.b], names[g.c], signed(g.q_l), signed(g.q_r), signed(g.q_o),
         signed(g.q_m), signed(g.q_c))
        for g in c.compile().gates[before:]
    ]  # fmt: skip


def test_gate_shapes() -> None:
    assert gates_added(lambda c, x, y: c.add(x, y)) == [("x", "y", "v3", 1, 1, -1, 0, 0)]
    assert gates_added(lambda c, x, y: c.sub(x, y)) == [("x", "y", "v3", 1, -1, -1, 0, 0)]
    assert gates_added(lambda c, x, y: c.mul(x, y)) == [("x", "y", "v3", 0, 0, -1, 1, 0)]
    assert gates_added(lambda c, x, y: c.mul_const(x, 5)) == [("x", "0", "v3", 5, 0, -1, 0, 0)]
    assert gates_added(lambda c, x, y: c.add_const(x, 5)) == [("x", "0", "v3", 1, 0, -1, 0, 5)]
    assert gates_added(lambda c, x, y: c.constant(-4)) == [("-4", "0", "0", 1, 0, 0, 0, 4)]
    assert gates_added(lambda c, x, y: c.assert_equal(x, y)) == [("x", "0", "y", 1, 0, -1, 0, 0)]
    assert gates_added(lambda c, x, y: c.assert_zero(x)) == [("x", "0", "0", 1, 0, 0, 0, 0)]
    assert gates_added(lambda c, x, y: c.linear_combination([(2, x), (3, y)], 4)) == [
        ("x", "y", "v3", 2, 3, -1, 0, 4)
    ]
    chain = gates_added(lambda c, x, y: c.linear_combination([(2, x), (3, y), (5, x * y)], 1))
    assert chain[1:] == [("x", "y", "v5", 2, 3, -1, 0, 1), ("v5", "v3", "v4", 1, 5, -1, 0, 0)]


def test_simplifications() -> None:
    c = Circuit()
    x = c.private_input("x")
    n = c.n_gates
    assert c.mul_const(x, 1) == x
    assert c.add_const(x, 0) == x and c.add(x, 0) == x and x - 0 == x
    assert c.linear_combination([(1, x), (2, x), (-3, x)]) == c.zero  # merged to nothing
    assert c.n_gates == n
    assert c.constant(5) == c.constant(Fr(5)) == c.constant(5 + R)  # one variable per value
    assert c.constant(0) == c.zero and c.n_gates == n + 1
    assert c.constant_value(c.constant(-1)) == R - 1 and c.constant_value(x) is None
    assert c.as_variable(x) == x and c.constant_value(c.as_variable(7)) == 7
    assert c.add(2, 3) == c.constant(5) and c.mul(2, 3) == c.constant(6)


def test_assertions() -> None:
    c = Circuit()
    x, y = c.private_input("x"), c.private_input("y")
    c.assert_equal(x * y, 12)
    c.assert_zero(x - 3)
    c.assert_linear([(1, x), (1, y), (1, x * x)], -16)
    cs = c.compile()
    cs.solve({"x": 3, "y": 4})
    for x_value, y_value in ((3, 5), (4, 3), (-3, -4)):
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve({"x": x_value, "y": y_value})


def test_unsatisfiable_constant_assertion() -> None:
    c = Circuit()
    x = c.private_input("x")
    c.assert_equal(x - x, 1)  # 0 = 1: a gate that can never hold
    with pytest.raises(UnsatisfiedConstraint, match="assert_equal"):
        c.compile().solve({"x": 1})


def test_raw_gate_and_hint() -> None:
    """A square root, the way a gadget is written: an unconstrained hint, then a gate."""
    c = Circuit()
    x = c.private_input("x")
    root = c.hint(lambda v: Fr(v).sqrt(), x, label="sqrt hint")
    c.gate(root, root, x, q_m=1, q_o=-1, label="root² = x")
    cs = c.compile()
    assert Fr(cs.solve({"x": 9})[root.index]) in (Fr(3), Fr(-3))
    w = cs.solve({"x": 4})
    bad = list(w)
    bad[root.index] = 5
    with pytest.raises(UnsatisfiedConstraint, match="root² = x"):
        cs.check(bad)
    with pytest.raises(HintError, match="sqrt hint"):  # 5 is not a square mod r
        cs.solve({"x": 5})


def test_hint_returning_garbage() -> None:
    c = Circuit()
    x = c.private_input("x")
    c.hint(lambda v: "nope", x, label="broken")
    with pytest.raises(HintError, match="broken"):
        c.compile().solve({"x": 1})


def test_scope_prefixes_labels() -> None:
    c = Circuit()
    x = c.private_input("x")
    with c.scope("layer1"), c.scope("neuron3"):
        c.assert_zero(x)
    c.assert_equal(x, 0)
    labels = [g.label for g in c.compile().gates]
    assert labels[-2:] == ["layer1/neuron3: assert_zero x", "assert_equal x=0"]
    with pytest.raises(UnsatisfiedConstraint, match="layer1/neuron3: assert_zero x"):
        c.compile().solve({"x": 1})


def test_copy_constraints_and_unused_variables() -> None:
    c, out, x, _ = design_example()
    lonely = c.private_input("lonely")
    cs = c.compile()
    slots = cs.copy_constraints()
    assert len(slots) == cs.n_variables
    assert slots[x.index] == [(0, 1), (1, 1), (1, 2), (1, 3)]
    assert slots[out.index] == [(2, 6)]
    for v, where in enumerate(slots):
        for column, row in where:
            assert (cs.gates[row].a, cs.gates[row].b, cs.gates[row].c)[column] == v
    assert cs.unused_variables() == [lonely.index]


def test_assign_with_overrides_is_unchecked() -> None:
    c, _, x, y = design_example()
    cs = c.compile()
    w = cs.assign({"x": 3, "out": 0}, overrides={y.index: 0})  # claim x³ + x + 5 = 0
    assert w[y.index] == 0 and w[x.index] == 3
    with pytest.raises(UnsatisfiedConstraint, match=r"gate 5 \(add v5\+5\)"):
        cs.check(w)
    w = cs.assign({"x": 3, "out": 35}, overrides={3: 10})  # claim x·x = 10
    assert w[y.index] == 10 * 3 + 3 + 5  # later hints see the override
    with pytest.raises(UnsatisfiedConstraint, match=r"gate 1 \(mul x·x\)"):
        cs.check(w)


# -- the gate table ------------------------------------------------------------------


def test_table_fits_80_columns() -> None:
    c, *_ = design_example()
    table = c.compile().table()
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) == 2 + 7
    assert "mul x·x" in table and "assert_equal v7=out" in table and "q_M" in table


def test_table_of_a_big_circuit_fits() -> None:
    c = Circuit()
    x = c.private_input("a_rather_long_input_name")
    with c.scope("a scope with a long name"):
        for k in (-1, 2**252, -(2**200), 123456789123456789, R // 3):
            x = c.linear_combination([(k, x), (3, x * x), (k, c.constant(k)), (1, c.zero)], k)
    for line in c.compile().table().splitlines():
        assert len(line) <= 80, line
    for line in c.compile().table(width=100).splitlines():
        assert len(line) <= 100, line
    assert "2^252" in c.compile().table()


# -- error paths ---------------------------------------------------------------------


def test_errors_are_zkpot_errors_and_value_errors() -> None:
    errors = [CircuitError, InputNameError, ForeignVariableError, InvalidValueError]
    errors += [UnknownInputError, MissingInputError, HintError, UnsatisfiedConstraint]
    for error in errors:
        assert issubclass(error, ZkpotError) and issubclass(error, ValueError)
    assert issubclass(InvalidValueError, TypeError)


@pytest.mark.parametrize("name", ["", "1x", "x y", "x-1", None, 5, b"x"])
def test_names_must_be_identifiers(name: object) -> None:
    with pytest.raises(InputNameError, match="identifier"):
        Circuit().private_input(name)  # type: ignore[arg-type]


def test_duplicate_names() -> None:
    c = Circuit()
    c.public_input("x")
    with pytest.raises(InputNameError, match="already has an input named 'x'"):
        c.private_input("x")
    with pytest.raises(InputNameError):
        c.public_input("x")


def test_unknown_and_missing_inputs() -> None:
    cs = design_example()[0].compile()
    with pytest.raises(UnknownInputError, match="'y'"):
        cs.solve({"x": 3, "out": 35, "y": 1})
    with pytest.raises(UnknownInputError):
        cs.solve({"x": 3, "out": 35, 7: 1})  # type: ignore[dict-item]
    with pytest.raises(MissingInputError, match="'out'"):
        cs.solve({"x": 3})
    with pytest.raises(MissingInputError, match=r"\['out', 'x'\]"):
        cs.solve({})
    with pytest.raises(InvalidValueError, match="mapping"):
        cs.solve([("x", 3), ("out", 35)])  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [3.0, "3", None, Fq(3), [3], 1j])
def test_non_int_values(bad: object) -> None:
    cs = design_example()[0].compile()
    with pytest.raises(InvalidValueError, match="input 'x'"):
        cs.solve({"x": bad, "out": 35})
    c = Circuit()
    x = c.private_input("x")
    for attempt in (
        lambda: c.constant(bad),
        lambda: c.add(x, bad),
        lambda: c.mul_const(x, bad),
        lambda: c.linear_combination([(bad, x)]),
        lambda: c.gate(x, q_l=bad),
    ):
        with pytest.raises(InvalidValueError):
            attempt()


def test_mixing_circuits() -> None:
    c1, c2 = Circuit(), Circuit()
    x1, x2 = c1.private_input("x"), c2.private_input("x")
    for attempt in (
        lambda: c1.add(x1, x2),
        lambda: x1 + x2,
        lambda: x1 * x2,
        lambda: c1.mul(x2, 3),
        lambda: c1.assert_equal(x1, x2),
        lambda: c1.linear_combination([(1, x1), (1, x2)]),
        lambda: c1.gate(x2),
        lambda: c1.hint(int, x2),
        lambda: c1.constant_value(x2),
    ):
        with pytest.raises(ForeignVariableError, match="another circuit"):
            attempt()


def test_bad_witness_for_check() -> None:
    cs = design_example()[0].compile()
    w = cs.solve({"x": 3, "out": 35})
    with pytest.raises(CircuitError, match="has 8 values"):
        cs.check(w[:-1])
    with pytest.raises(InvalidValueError, match=r"witness\[2\]"):
        cs.check([*w[:2], 3.0, *w[3:]])
    cs.check([v - R for v in w])  # any representative mod r is fine


def test_variable_repr_and_max_bits() -> None:
    c = Circuit()
    assert repr(c.private_input("x")) == "Variable(1, 'x')"
    assert "1 gates" in repr(c)
    assert 2**MAX_BITS < R < 2 ** (MAX_BITS + 1)


def test_terms_must_be_pairs() -> None:
    c = Circuit()
    x = c.private_input("x")
    for terms in ([x], [(1, x, 2)], [(x, 1)], ["1x"]):
        with pytest.raises(InvalidValueError):
            c.linear_combination(terms)  # type: ignore[arg-type]


def test_big_constants_get_short_names() -> None:
    c = Circuit()
    x = c.private_input("x")
    y = x + 2**200 + 123456789123456789123
    assert c.constant(2**200).name == "2^200"
    assert c.constant(123456789123456789123).name == "12345678912…"
    assert c.constant(-5).name == "-5"
    assert y.name.startswith("v")
