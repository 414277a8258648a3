"""A compiled PLONK circuit: gates, hints, the witness, and the errors that name what failed.

:class:`ConstraintSystem` is what :meth:`zkpot.plonk.circuit.Circuit.compile` returns and
what the prover turns into polynomials (see :mod:`zkpot.plonk.circuit` for the layout:
variable 0 is the constant 0, public inputs get their gates from the prover).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zkpot.errors import ZkpotError
from zkpot.field.bn254 import Fr
from zkpot.field.prime import PrimeField

if TYPE_CHECKING:
    from zkpot.plonk.tables import Table

R = Fr.MODULUS
MAX_BITS = R.bit_length() - 1
"""253: the widest n with 2ⁿ ≤ r, so that n bits never wrap around the field."""


class CircuitError(ZkpotError, ValueError):
    """A circuit was built, or a witness computed, from bad input."""


class InputNameError(CircuitError):
    """An input name that is not a Python identifier, or that the circuit already has."""


class ForeignVariableError(CircuitError):
    """A variable of one circuit used in another."""


class InvalidValueError(CircuitError, TypeError):
    """A value that is neither an int (or int-like, e.g. a numpy integer) nor an ``Fr``."""


class UnknownInputError(CircuitError):
    """``solve`` was given a name the circuit does not declare."""


class MissingInputError(CircuitError):
    """``solve`` was not given a value for a declared input."""


class BitWidthError(CircuitError):
    """A bit width outside what the field can represent without wrapping."""


class HintError(CircuitError):
    """A hint raised, or returned something that is not a field value."""


class UnsatisfiedConstraint(CircuitError):
    """A gate does not hold on the witness.

    Attributes:
        gate_index: the gate's index in ``ConstraintSystem.gates``.
        label: the gate's label.
        values: the values (a, b, c) on its three wires.
    """

    def __init__(
        self, gate_index: int, gate: Gate, values: tuple[int, int, int], names: Sequence[str]
    ) -> None:
        self.gate_index, self.label, self.values = gate_index, gate.label, values
        shown = [
            f"{slot} = {names[v]}" + ("" if names[v] == str(signed(x)) else f" = {signed(x)}")
            for slot, v, x in zip("abc", (gate.a, gate.b, gate.c), values, strict=True)
        ]
        wires = ", ".join(shown) + (", not a row of the table" if gate.table else "")
        super().__init__(f"gate {gate_index} ({gate.label}) is not satisfied: {wires}")


def field_int(value: object, what: str = "value") -> int:
    """The canonical int in [0, r) of an ``Fr``, an int or an int-like; anything else raises."""
    if isinstance(value, Fr):
        return value.value
    if isinstance(value, PrimeField):
        raise InvalidValueError(f"{what} must be an int or an Fr, not a {type(value).__name__}")
    try:
        return operator.index(value) % R  # type: ignore[arg-type]
    except TypeError:
        raise InvalidValueError(
            f"{what} must be an int or an Fr, not {type(value).__name__} {value!r}"
        ) from None


def signed(value: int) -> int:
    """The representative of ``value`` mod r in (−r/2, r/2]: r − 1 reads as −1."""
    value %= R
    return value - R if value > R // 2 else value


@dataclass(frozen=True, slots=True)
class Gate:
    """One row: q_L·a + q_R·b + q_O·c + q_M·a·b + q_C = 0 (selectors are canonical ints mod r).

    A *lookup row* (``table`` = k ≥ 1) has every selector 0 and asks instead that
    (a, b, c) be a row of the circuit's k-th table (``ConstraintSystem.tables[k − 1]``).
    """

    a: int  # variable index on the left wire
    b: int  # … on the right wire
    c: int  # … on the output wire
    q_l: int
    q_r: int
    q_o: int
    q_m: int
    q_c: int
    label: str
    table: int = 0  # 0: an arithmetic gate; k ≥ 1: a lookup in table k
    q_5: int = 0  # the custom x⁵ gate's selector: q_5·a⁵ joins the equation
    poseidon: int = 0  # a Poseidon round (zkpot.plonk.custom): 1 full, 2 partial, 0 none
    rc: tuple[int, int, int] = (0, 0, 0)  # that round's constants
    q_mac: int = 0  # multiply-accumulate: the next row's c is c + q_mac·a·b

    def evaluate(self, witness: Sequence[int]) -> int:
        """q_L·a + q_R·b + q_O·c + q_M·a·b + q_C (+ q_5·a⁵) mod r: zero when the gate holds."""
        a, b, c = witness[self.a], witness[self.b], witness[self.c]
        value = self.q_l * a + self.q_r * b + self.q_o * c + self.q_m * a * b + self.q_c
        return (value + self.q_5 * pow(a, 5, R)) % R


@dataclass(frozen=True, slots=True)
class Hint:
    """How the witness generator computes a variable: ``compute(*values of inputs)``."""

    compute: Callable[..., object]  # takes canonical ints, returns an int or Fr
    inputs: tuple[int, ...]
    label: str


@dataclass(frozen=True)
class ConstraintSystem:
    """A compiled circuit: what the prover turns into polynomials.

    Attributes:
        n_variables: how many variables; a witness is a list of that many ints.
        public_inputs: (name, variable index) in declaration order.
        private_inputs: (name, variable index) in declaration order.
        gates: the gates; public inputs have none (the prover prepends them).
        hints: per variable, how to compute it (``None`` for the inputs).
        names: per variable, a display name.
        tables: the lookup tables (:class:`~zkpot.plonk.tables.Table`) that lookup rows
            name, table k being ``tables[k − 1]``.
    """

    n_variables: int
    public_inputs: tuple[tuple[str, int], ...]
    private_inputs: tuple[tuple[str, int], ...]
    gates: tuple[Gate, ...]
    hints: tuple[Hint | None, ...]
    names: tuple[str, ...]
    tables: tuple[Table, ...] = ()

    @property
    def has_lookups(self) -> bool:
        """Whether any row is a lookup (the circuit then needs the lookup configuration)."""
        return any(gate.table for gate in self.gates)

    @property
    def has_custom_gates(self) -> bool:
        """Whether any row is a custom gate (x⁵ or a Poseidon round: :mod:`zkpot.plonk.custom`)."""
        return any(gate.q_5 or gate.poseidon or gate.q_mac for gate in self.gates)

    @property
    def n_gates(self) -> int:
        """How many gates (without the prover's public-input gates)."""
        return len(self.gates)

    @property
    def zero_variable(self) -> int:
        """0: variable 0 is the constant 0 (pinned by gate 0); it fills unused wire slots."""
        return 0

    def assign(
        self, inputs: Mapping[str, object], overrides: Mapping[int, int] | None = None
    ) -> list[int]:
        """Every variable's value from the named inputs by running the hints, *unchecked*.

        ``overrides`` (variable index → value) replaces what a hint would compute,
        and later hints see the replaced value: a cheating prover's witness, for tests
        and for teaching what the gates must catch.
        """
        values = self._read_inputs(inputs)
        overrides = {
            i: field_int(v, f"override of variable {i}") for i, v in (overrides or {}).items()
        }
        witness = [0] * self.n_variables
        for i, hint in enumerate(self.hints):
            if i in overrides:
                witness[i] = overrides[i]
            elif hint is None:
                witness[i] = values[i]
            else:
                witness[i] = self._run(i, hint, witness)
        return witness

    def solve(self, inputs: Mapping[str, object]) -> list[int]:
        """The full witness (one canonical int per variable), checked against every gate.

        Raises:
            UnknownInputError, MissingInputError, InvalidValueError: for bad inputs.
            HintError: a hint raised or returned a non-value.
            UnsatisfiedConstraint: naming the first gate the inputs violate.
        """
        witness = self.assign(inputs)
        self.check(witness)
        return witness

    def check(self, witness: Sequence[int]) -> None:
        """Raise :class:`UnsatisfiedConstraint` for the first gate or lookup that fails."""
        if len(witness) != self.n_variables:
            raise CircuitError(f"a witness has {self.n_variables} values, got {len(witness)}")
        w = [field_int(v, f"witness[{i}]") for i, v in enumerate(witness)]
        for i, gate in enumerate(self.gates):
            values = (w[gate.a], w[gate.b], w[gate.c])
            missing = gate.table and not self.tables[gate.table - 1].contains(values)
            rotated = (gate.poseidon or gate.q_mac) and self._next_row_fails(i, w)
            if gate.evaluate(w) or missing or rotated:
                raise UnsatisfiedConstraint(i, gate, values, self.names)

    def _next_row_fails(self, i: int, w: Sequence[int]) -> bool:
        """Whether row i's Poseidon round or multiply-accumulate misses the next row's wires."""
        from zkpot.plonk.custom import round_outputs

        gate = self.gates[i]
        if i + 1 == len(self.gates):
            return True  # these gates need the next row to hold their output
        following = self.gates[i + 1]
        if gate.q_mac and (w[gate.c] + gate.q_mac * w[gate.a] * w[gate.b] - w[following.c]) % R:
            return True
        if not gate.poseidon:
            return False
        state = [w[gate.a], w[gate.b], w[gate.c]]
        return round_outputs(gate.poseidon, state, gate.rc) != [
            w[following.a], w[following.b], w[following.c]
        ]  # fmt: skip

    def public_values(self, witness: Sequence[int]) -> list[int]:
        """The public inputs' values, in declaration order (what the verifier is given)."""
        return [witness[i] % R for _, i in self.public_inputs]

    def copy_constraints(self) -> list[list[tuple[int, int]]]:
        """Per variable, the (column, row) wire slots holding it: column 0, 1, 2 = a, b, c.

        Rows index ``gates``: the prover shifts them by the number of public
        inputs and adds (0, k) to the k-th public input's list. Each list is one
        cycle of the permutation σ.
        """
        slots: list[list[tuple[int, int]]] = [[] for _ in range(self.n_variables)]
        for row, gate in enumerate(self.gates):
            for column, v in enumerate((gate.a, gate.b, gate.c)):
                slots[v].append((column, row))
        return slots

    def unused_variables(self) -> list[int]:
        """Variables in no gate: nothing constrains them (fine for a public input only)."""
        return [v for v, slots in enumerate(self.copy_constraints()) if not slots]

    def table(self, width: int = 80) -> str:
        """The gates as a table that fits ``width`` columns (selectors shown mod r, signed)."""
        iw = max(4, len(str(self.n_gates - 1)))
        lw = max(10, width - iw - 2 - 5 * 6 - 3 * 7 - 1)
        head = f"{'gate':>{iw}}  {'label':<{lw}} " + "".join(
            f"{s:>6}" for s in ("q_L", "q_R", "q_O", "q_M", "q_C")
        )
        lines = [
            f"{self.n_gates} gates, {self.n_variables} variables, {len(self.public_inputs)} public "
            f"and {len(self.private_inputs)} private inputs",
            head + "".join(f"{s:>7}" for s in "abc"),
        ]
        for i, g in enumerate(self.gates):
            selectors = (g.q_l, g.q_r, g.q_o, g.q_m, g.q_c)
            row = f"{i:>{iw}}  {_fit(g.label, lw):<{lw}} "
            row += "".join(f"{abbreviate(q, 5):>6}" for q in selectors)
            lines.append(row + "".join(f"{_fit(self.names[v], 6):>7}" for v in (g.a, g.b, g.c)))
        return "\n".join(lines)

    def _read_inputs(self, inputs: Mapping[str, object]) -> dict[int, int]:
        if not isinstance(inputs, Mapping):
            raise InvalidValueError(f"inputs must be a mapping name → value, not {type(inputs)}")
        declared = dict(self.public_inputs + self.private_inputs)
        unknown = [name for name in inputs if name not in declared]
        if unknown:
            raise UnknownInputError(f"unknown input(s) {unknown}; declared: {list(declared)}")
        missing = [name for name in declared if name not in inputs]
        if missing:
            raise MissingInputError(f"no value given for input(s) {missing}")
        return {declared[name]: field_int(v, f"input {name!r}") for name, v in inputs.items()}

    def _run(self, i: int, hint: Hint, witness: list[int]) -> int:
        what = f"the hint of {self.names[i]} ({hint.label})"
        try:
            value = hint.compute(*(witness[j] for j in hint.inputs))
        except Exception as error:
            raise HintError(f"{what} raised {error!r}") from error
        try:
            return field_int(value, what)
        except InvalidValueError as error:
            raise HintError(str(error)) from None


def _fit(text: str, width: int) -> str:
    """``text``, or its end after an ellipsis if it is too long (the end is the specific part)."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]


def abbreviate(q: int, width: int) -> str:
    """A field value in at most ``width`` characters: signed, or ±2^k, or its first digits."""
    s = signed(q)
    text = str(s)
    m = abs(s)
    if len(text) > width and m & (m - 1) == 0:
        text = ("-" if s < 0 else "") + f"2^{m.bit_length() - 1}"
    return text if len(text) <= width else text[: width - 1] + "…"
