"""The PLONK circuit builder: variables, gates, hints and the witness that satisfies them.

Gabizon, Williamson, Ciobotaru, "PLONK: Permutations over Lagrange-bases for
Oecumenical Noninteractive arguments of Knowledge" (ePrint 2019/953), §6: a
circuit is a list of gates over Fr, each one equation

    q_L·a + q_R·b + q_O·c + q_M·a·b + q_C = 0

on three wires a, b, c, plus *copy constraints*: a variable used in several wire
slots must hold one value everywhere (the prover's permutation σ enforces it).

Each derived variable also carries a *hint*: how the witness generator computes
its value from earlier variables. Hints are not constraints; only gates are. A
gadget that adds a hint without gates that pin its value down is unsound.

>>> c = Circuit()
>>> out = c.public_input("out")
>>> x = c.private_input("x")
>>> y = c.add(c.add(c.mul(c.mul(x, x), x), x), c.constant(5))
>>> c.assert_equal(y, out)
>>> cs = c.compile()
>>> w = cs.solve({"x": 3, "out": 35})
>>> w[x.index], w[y.index], cs.n_gates
(3, 35, 7)

Layout: variable 0 is the constant 0 (``Circuit.zero``), pinned by gate 0
(``q_L = 1`` on ``a = b = c = 0``), and every unused wire slot holds variable 0.
Public inputs get no gates here: the prover prepends one per public input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from zkpot.field.bn254 import Fr
from zkpot.plonk.constraints import (
    MAX_BITS,
    BitWidthError,
    CircuitError,
    ConstraintSystem,
    ForeignVariableError,
    Gate,
    Hint,
    HintError,
    InputNameError,
    InvalidValueError,
    MissingInputError,
    R,
    UnknownInputError,
    UnsatisfiedConstraint,
    abbreviate,
    field_int,
    signed,
)
from zkpot.plonk.tables import Table, TableError

__all__ = [  # the builder, and (re-exported) its compiled form and errors
    "MAX_BITS",
    "BitWidthError",
    "Circuit",
    "CircuitError",
    "ConstraintSystem",
    "ForeignVariableError",
    "Gate",
    "Hint",
    "HintError",
    "InputNameError",
    "InvalidValueError",
    "MissingInputError",
    "R",
    "Table",
    "TableError",
    "UnknownInputError",
    "UnsatisfiedConstraint",
    "Variable",
    "abbreviate",
    "field_int",
    "signed",
]


@dataclass(frozen=True, slots=True)
class Variable:
    """A handle on one variable of a circuit; ``x + y``, ``x - 1``, ``3 * x``, ``x * y`` work."""

    circuit: Circuit
    index: int

    @property
    def name(self) -> str:
        """The input's name, the constant's value, or ``v<index>``."""
        return self.circuit._names[self.index]

    def __repr__(self) -> str:
        return f"Variable({self.index}, {self.name!r})"

    def __add__(self, other: object) -> Variable:
        return self.circuit.add(self, other)

    def __radd__(self, other: object) -> Variable:
        return self.circuit.add(other, self)

    def __sub__(self, other: object) -> Variable:
        return self.circuit.sub(self, other)

    def __rsub__(self, other: object) -> Variable:
        return self.circuit.sub(other, self)

    def __mul__(self, other: object) -> Variable:
        return self.circuit.mul(self, other)

    def __rmul__(self, other: object) -> Variable:
        return self.circuit.mul(other, self)

    def __neg__(self) -> Variable:
        return self.circuit.mul_const(self, -1)


def _affine(coefficients: tuple[int, ...], constant: int) -> Callable[..., int]:
    """The hint Σ kᵢ·vᵢ + k₀."""

    def compute(*values: int) -> int:
        return (sum(k * v for k, v in zip(coefficients, values, strict=True)) + constant) % R

    return compute


def _product(x: int, y: int) -> int:
    return x * y % R


def _mac(acc: int, x: int, y: int) -> int:
    return (acc + x * y) % R


Operand = Variable | int | Fr
Terms = Sequence[tuple[int | Fr, Operand]]


class Circuit:
    """A circuit under construction; :meth:`compile` freezes it into a :class:`ConstraintSystem`.

    Operations take :class:`Variable` handles of this circuit, and also ints or
    ``Fr`` values wherever a variable is expected (they become constants).
    Every operation takes an optional ``label`` for its gates; :meth:`scope`
    prefixes labels, so that an unsatisfied gate says where it came from.
    """

    def __init__(self) -> None:
        self._hints: list[Hint | None] = []
        self._names: list[str] = []
        self._gates: list[Gate] = []
        self._public: list[tuple[str, int]] = []
        self._private: list[tuple[str, int]] = []
        self._input_names: set[str] = set()
        self._constants: dict[int, Variable] = {}  # value → variable
        self._constant_of: dict[int, int] = {}  # variable index → value
        self._scopes: list[str] = []
        self._tables: list[Table] = []  # table k is self._tables[k − 1]
        self.zero = self._new(Hint(_affine((), 0), (), "constant 0"), "0")
        """Variable 0, the constant 0, which fills every unused wire slot."""
        self._constants[0], self._constant_of[0] = self.zero, 0
        self.gate(self.zero, self.zero, self.zero, q_l=1, label="constant 0")

    def __repr__(self) -> str:
        return f"<Circuit: {len(self._names)} variables, {len(self._gates)} gates>"

    @property
    def n_gates(self) -> int:
        """How many gates so far."""
        return len(self._gates)

    # -- inputs and constants ---------------------------------------------

    def public_input(self, name: str) -> Variable:
        """A public input: the verifier knows its value."""
        return self._input(name, self._public)

    def private_input(self, name: str) -> Variable:
        """A private input: only the prover knows its value."""
        return self._input(name, self._private)

    def constant(self, value: int | Fr) -> Variable:
        """A variable pinned to ``value`` by one gate (a − value = 0); one per distinct value."""
        k = field_int(value, "a constant")
        if k not in self._constants:
            v = self._new(Hint(_affine((), k), (), f"constant {k}"), abbreviate(k, 12))
            self.gate(v, q_l=1, q_c=-k, label=f"constant {abbreviate(k, 20)}")
            self._constants[k], self._constant_of[v.index] = v, k
        return self._constants[k]

    def constant_value(self, x: Variable) -> int | None:
        """The value of a variable made by :meth:`constant`, else ``None``."""
        return self._constant_of.get(self._own(x).index)

    def as_variable(self, x: Operand) -> Variable:
        """``x`` itself if it is a variable of this circuit, else the constant ``x``."""
        x = self._operand(x)
        return x if isinstance(x, Variable) else self.constant(x)

    # -- arithmetic --------------------------------------------------------

    def add(self, x: Operand, y: Operand, *, label: str | None = None) -> Variable:
        """x + y: one gate (a = x, b = y, c = out; q_L = q_R = 1, q_O = −1)."""
        return self.linear_combination([(1, x), (1, y)], label=label or self._say("add", x, "+", y))

    def sub(self, x: Operand, y: Operand, *, label: str | None = None) -> Variable:
        """x − y: one gate (q_L = 1, q_R = −1, q_O = −1)."""
        return self.linear_combination(
            [(1, x), (-1, y)], label=label or self._say("sub", x, "-", y)
        )

    def mul_const(self, x: Operand, k: int | Fr, *, label: str | None = None) -> Variable:
        """k·x: one gate (q_L = k, q_O = −1); x itself if k = 1."""
        return self.linear_combination([(k, x)], label=label or self._say("mul_const", k, "·", x))

    def add_const(self, x: Operand, k: int | Fr, *, label: str | None = None) -> Variable:
        """x + k: one gate (q_L = 1, q_O = −1, q_C = k); x itself if k = 0."""
        return self.linear_combination(
            [(1, x)], k, label=label or self._say("add_const", x, "+", k)
        )

    def pow5(self, x: Operand, *, label: str | None = None) -> Variable:
        """x⁵ in one row, the custom gate q_5·a⁵ − c = 0 (three multiplications otherwise)."""
        x = self.as_variable(x)
        label = label or self._say("pow5", x, "⁵")
        out = self._new(Hint(lambda v: pow(v, 5, R), (x.index,), label))
        self.gate(x, None, out, q_o=-1, q_5=1, label=label)
        return out

    def dot(self, xs: Sequence[Operand], ys: Sequence[Operand], *,
            label: str = "dot") -> Variable:  # fmt: skip
        """Σ xᵢ·yᵢ with the multiply-accumulate custom gate: one row a term, one for the sum.

        Row i holds (xᵢ, yᵢ, accᵢ) with acc₀ = 0 (the constant-0 variable) and says the
        next row's c is accᵢ + xᵢ·yᵢ; the last row holds the sum on its wire c.
        """
        if len(xs) != len(ys) or not xs:
            raise InvalidValueError(f"dot takes two equally long, non-empty lists, got "
                                    f"{len(xs)} and {len(ys)}")  # fmt: skip
        xs = [self.as_variable(x) for x in xs]
        ys = [self.as_variable(y) for y in ys]
        acc = self.zero
        with self.scope(label):
            for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
                nxt = self._new(Hint(_mac, (acc.index, x.index, y.index), f"acc {i + 1}"))
                self.gate(x, y, acc, q_mac=1, label=f"acc {i + 1} = acc {i} + x{i}·y{i}")
                acc = nxt
            self.gate(None, None, acc, label="the sum")
        return acc

    def mul(self, x: Operand, y: Operand, *, label: str | None = None) -> Variable:
        """x·y: one gate (a = x, b = y, c = out; q_M = 1, q_O = −1), or k·y for a constant x."""
        x, y = self._operand(x), self._operand(y)
        label = label or self._say("mul", x, "·", y)
        if not isinstance(x, Variable):
            return self.mul_const(y, x, label=label)
        if not isinstance(y, Variable):
            return self.mul_const(x, y, label=label)
        out = self._new(Hint(_product, (x.index, y.index), label))
        self.gate(x, y, out, q_m=1, q_o=-1, label=label)
        return out

    def linear_combination(
        self, terms: Terms, constant: int | Fr = 0, *, label: str | None = None
    ) -> Variable:
        """out = Σ kᵢ·xᵢ + constant, as a chain of gates (n terms: max(1, n − 1) gates).

        Repeated variables are merged, zero coefficients dropped and constant
        operands folded into ``constant``; a lone variable with coefficient 1 and
        no constant is returned as it is, and no variables at all give :meth:`constant`.
        """
        merged, k0 = self._merge(terms, constant)
        if not merged:
            return self.constant(k0)
        if len(merged) == 1 and merged[0][0] == 1 and k0 == 0:
            return merged[0][1]
        label = label or "linear_combination"
        hint = _affine(tuple(k for k, _ in merged), k0)
        out = self._new(Hint(hint, tuple(v.index for _, v in merged), label))
        self._chain([*merged, (R - 1, out)], k0, label)
        return out

    # -- assertions ----------------------------------------------------------

    def assert_equal(self, x: Operand, y: Operand, *, label: str | None = None) -> None:
        """x = y: one gate (q_L = 1, q_O = −1 on a = x, c = y)."""
        self.assert_linear([(1, x), (-1, y)], label=label or self._say("assert_equal", x, "=", y))

    def assert_zero(self, x: Operand, *, label: str | None = None) -> None:
        """x = 0: one gate (q_L = 1 on a = x)."""
        self.assert_linear([(1, x)], label=label or self._say("assert_zero", x))

    def assert_linear(
        self, terms: Terms, constant: int | Fr = 0, *, label: str | None = None
    ) -> None:
        """Σ kᵢ·xᵢ + constant = 0, as a chain of gates (n terms: max(1, n − 2) gates)."""
        merged, k0 = self._merge(terms, constant)
        if merged or k0:  # 0 = 0 needs no gate; k0 = 0 for a constant k0 ≠ 0 gets one that fails
            self._chain(merged, k0, label or "assert_linear")

    # -- the primitives gadgets are made of -------------------------------------

    def gate(
        self,
        a: Variable | None = None,
        b: Variable | None = None,
        c: Variable | None = None,
        *,
        q_l: int | Fr = 0,
        q_r: int | Fr = 0,
        q_o: int | Fr = 0,
        q_m: int | Fr = 0,
        q_c: int | Fr = 0,
        label: str = "gate",
        q_5: int | Fr = 0,
        poseidon: int = 0,
        rc: tuple[int, int, int] = (0, 0, 0),
        q_mac: int | Fr = 0,
    ) -> None:
        """Add the gate q_L·a + q_R·b + q_O·c + q_M·a·b + q_C = 0 (a missing wire is ``zero``).

        The custom gates (:mod:`zkpot.plonk.custom`): ``q_5`` adds q_5·a⁵ to the equation;
        ``poseidon`` = 1 (full) or 2 (partial) makes the row a Poseidon round of width 3
        with constants ``rc``, whose output the *next* row's wires must hold; ``q_mac``
        says the next row's c is c + q_mac·a·b (multiply-accumulate).
        """
        a, b, c = (self.zero if v is None else self._own(v) for v in (a, b, c))
        q = [field_int(s, "a selector") for s in (q_l, q_r, q_o, q_m, q_c)]
        if poseidon not in (0, 1, 2):
            raise InvalidValueError(f"poseidon is 0, 1 (full) or 2 (partial), got {poseidon!r}")
        constants = tuple(field_int(k, "a round constant") for k in rc)
        self._gates.append(Gate(a.index, b.index, c.index, *q, label=self._scoped(label),
                                q_5=field_int(q_5, "a selector"), poseidon=poseidon,
                                rc=constants, q_mac=field_int(q_mac, "a selector")))  # type: ignore[arg-type]  # fmt: skip

    def hint(
        self,
        compute: Callable[..., object],
        *inputs: Operand,
        label: str = "hint",
        name: str | None = None,
    ) -> Variable:
        """A new variable, ``compute(*values of inputs)`` on canonical ints, **not constrained**.

        The caller must add gates that leave a cheating prover no other choice.
        ``label`` names the hint in errors, ``name`` the variable in tables (display only).
        """
        ins = [self.as_variable(v) for v in inputs]
        return self._new(Hint(compute, tuple(v.index for v in ins), self._scoped(label)), name)

    def lookup(self, table: Table, *operands: Operand, label: str | None = None) -> None:
        """Constrain (x₁, …) to be a row of ``table``: one lookup row.

        The row's wires a, b, c hold the operands (1 to the table's number of
        columns; the missing ones are 0) and every selector is 0; the lookup
        argument (:mod:`zkpot.plonk.lookup`) proves that the triple is one of the
        table's rows. The circuit then needs the lookup configuration of PLONK.

        Raises:
            TableError: more operands than the table has columns, or none; or another
                table of the same name in this circuit.
        """
        if not isinstance(table, Table):
            raise InvalidValueError(f"lookup takes a Table, not {type(table).__name__}")
        if not 1 <= len(operands) <= table.columns:
            raise TableError(
                f"a lookup in {table.name!r} takes 1 to {table.columns} values, got {len(operands)}"
            )
        wires = [self.as_variable(x) for x in operands]
        wires += [self.zero] * (3 - len(wires))
        names = ", ".join(w.name for w in wires[: len(operands)])
        text = label or f"lookup ({names}) in {table.name}"
        a, b, c = (w.index for w in wires)
        k = self._table_id(table)
        self._gates.append(Gate(a, b, c, 0, 0, 0, 0, 0, self._scoped(text), table=k))

    def _table_id(self, table: Table) -> int:
        """k for table k of this circuit, registering the table on its first use."""
        for k, known in enumerate(self._tables, start=1):
            if known.name == table.name:
                if known != table:
                    raise TableError(f"two different tables are named {table.name!r}")
                return k
        self._tables.append(table)
        return len(self._tables)

    @contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Prefix the labels of the gates added inside: ``with c.scope("relu"): ...``."""
        self._scopes.append(name)
        try:
            yield
        finally:
            self._scopes.pop()

    def compile(self) -> ConstraintSystem:
        """Freeze the circuit as it is now (it may still grow and be compiled again)."""
        return ConstraintSystem(
            n_variables=len(self._names),
            public_inputs=tuple(self._public),
            private_inputs=tuple(self._private),
            gates=tuple(self._gates),
            hints=tuple(self._hints),
            names=tuple(self._names),
            tables=tuple(self._tables),
        )

    # -- internals -------------------------------------------------------------

    def _new(self, hint: Hint | None, name: str | None = None) -> Variable:
        self._hints.append(hint)
        self._names.append(name or f"v{len(self._names)}")
        return Variable(self, len(self._names) - 1)

    def _input(self, name: str, kind: list[tuple[str, int]]) -> Variable:
        if not isinstance(name, str) or not name.isidentifier():
            raise InputNameError(f"an input name must be an identifier, got {name!r}")
        if name in self._input_names:
            raise InputNameError(f"the circuit already has an input named {name!r}")
        self._input_names.add(name)
        v = self._new(None, name)
        kind.append((name, v.index))
        return v

    def _own(self, x: object) -> Variable:
        if not isinstance(x, Variable):
            raise InvalidValueError(f"expected a Variable, got {type(x).__name__} {x!r}")
        if x.circuit is not self:
            raise ForeignVariableError(f"{x!r} belongs to another circuit")
        return x

    def _operand(self, x: object) -> Variable | int:
        return self._own(x) if isinstance(x, Variable) else field_int(x, "an operand")

    def _merge(self, terms: Terms, constant: int | Fr) -> tuple[list[tuple[int, Variable]], int]:
        """(coefficient, variable) with each variable once and k ≠ 0, and the folded constant."""
        k0 = field_int(constant, "a constant")
        coefficients: dict[int, int] = {}
        variables: dict[int, Variable] = {}
        for term in terms:
            if not isinstance(term, tuple) or len(term) != 2:
                raise InvalidValueError(f"a term is a (coefficient, variable) pair, got {term!r}")
            k, x = field_int(term[0], "a coefficient"), self._operand(term[1])
            if isinstance(x, Variable):
                coefficients[x.index] = (coefficients.get(x.index, 0) + k) % R
                variables[x.index] = x
            else:
                k0 = (k0 + k * x) % R
        return [(k, variables[i]) for i, k in coefficients.items() if k], k0

    def _chain(self, terms: list[tuple[int, Variable]], k0: int, label: str) -> None:
        """Σ kᵢ·xᵢ + k0 = 0: accumulate two terms per gate until three remain for the last."""
        steps = max(1, len(terms) - 2)
        step = 1
        while len(terms) > 3:
            (k1, x1), (k2, x2) = terms[0], terms[1]
            acc = self._new(Hint(_affine((k1, k2), k0), (x1.index, x2.index), label))
            name = f"{label} ({step}/{steps})"
            self.gate(x1, x2, acc, q_l=k1, q_r=k2, q_o=-1, q_c=k0, label=name)
            terms, k0, step = [(1, acc), *terms[2:]], 0, step + 1
        pad = (0, self.zero)
        if len(terms) == 2:  # keep the last term (an output, usually) on wire c
            terms = [terms[0], pad, terms[1]]
        a, b, c = [*terms, pad, pad, pad][:3]
        name = label if steps == 1 else f"{label} ({step}/{steps})"
        self.gate(a[1], b[1], c[1], q_l=a[0], q_r=b[0], q_o=c[0], q_c=k0, label=name)

    def _say(self, op: str, *parts: object) -> str:
        """A label such as ``mul x·v3``, naming the operands."""
        shown = [p.name if isinstance(p, Variable) else p for p in parts]
        text = [abbreviate(int(p), 12) if isinstance(p, int | Fr) else str(p) for p in shown]
        return f"{op} {''.join(text)}"

    def _scoped(self, label: str) -> str:
        return "/".join(self._scopes) + ": " + label if self._scopes else label
