"""Poseidon in a circuit, round by round as :func:`zkpot.hash.poseidon.permute_trace`.

The same permutation as :mod:`zkpot.hash.poseidon` (circomlib's parameters), written
with PLONK's plain gates: the reference that custom gates will be measured against.
Each round is ARK (add constants), the S-box x⁵ (on every element in a full round,
on the first in a partial one) and the MDS product.

Only the S-box needs gates. The state is kept as *linear forms* Σ kᵢ·vᵢ + k₀ over
circuit variables: ARK changes the constants, MDS combines forms, and neither adds
a row. A form becomes a variable (a chain of linear gates) where a multiplication
needs one, or when it spans more than t variables. The S-box of a form k·v + k₀
of one variable is three gates:

    y = (k·v + k₀)²      one gate: k²·v·v + 2k·k₀·v + k₀² − y = 0
    z = y²               one gate
    s = (k·v + k₀)·z     one gate: k·v·z + k₀·z − s = 0

Soundness: every gate is an equation that fixes its output from its inputs, so
a cheating prover who changes any variable breaks the gate that defines it.

Rows: 592 for a permutation of width 3 (8 full rounds of 3 S-boxes, 57 partial
rounds of one, and the linear forms made variables): three gates per S-box are
the floor of this design, and what a custom gate for a whole round removes.

>>> from zkpot.hash.poseidon import permute
>>> from zkpot.plonk.circuit import Circuit
>>> c = Circuit()
>>> x = c.private_input("x")
>>> out = permute_forms(c, [0, x, 7])
>>> w = c.compile().solve({"x": 5})
>>> [evaluate(form, w) for form in out] == permute([0, 5, 7])
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zkpot.hash.poseidon import (
    COMMIT_TAG,
    N_ROUNDS_F,
    N_ROUNDS_P,
    RATE,
    PoseidonParameterError,
    parameters,
)
from zkpot.plonk.circuit import Circuit, Operand, R, Variable, field_int

Form = tuple[dict[int, tuple[int, Variable]], int]
"""A linear form: {variable index: (coefficient, variable)} and a constant, mod r."""


def form(x: Operand) -> Form:
    """The form of a variable (1·x) or of a constant."""
    if isinstance(x, Variable):
        return {x.index: (1, x)}, 0
    return {}, field_int(x, "a Poseidon input")


def evaluate(f: Form, witness: Sequence[int]) -> int:
    """A form's value in a witness."""
    terms, k0 = f
    return (sum(k * witness[v.index] for k, v in terms.values()) + k0) % R


def materialize(c: Circuit, f: Form) -> Variable:
    """A variable equal to the form (no gate for a lone variable with coefficient 1)."""
    terms, k0 = f
    return c.linear_combination([(k, v) for k, v in terms.values()], k0, label="Poseidon state")


def combine(row: Sequence[int], forms: Sequence[Form]) -> Form:
    """Σⱼ rowⱼ·formⱼ: one output of the MDS product, still a form."""
    terms: dict[int, tuple[int, Variable]] = {}
    k0 = 0
    for m, (f_terms, f0) in zip(row, forms, strict=True):
        for index, (k, v) in f_terms.items():
            previous = terms.get(index, (0, v))[0]
            terms[index] = ((previous + m * k) % R, v)
        k0 = (k0 + m * f0) % R
    return {i: kv for i, kv in terms.items() if kv[0]}, k0


def sbox(c: Circuit, f: Form) -> Form:
    """(form)⁵ in three gates (see the module docstring); a constant form costs none."""
    terms, k0 = f
    if not terms:
        return {}, pow(k0, 5, R)
    if len(terms) > 1:
        f = form(materialize(c, f))
        terms, k0 = f
    ((k, v),) = terms.values()
    y = c.hint(lambda x: (k * x + k0) ** 2 % R, v, label="y = (k·v + k₀)²")
    c.gate(v, v, y, q_m=k * k, q_l=2 * k * k0, q_c=k0 * k0, q_o=-1, label="S-box: y = (kv + k₀)²")
    z = c.mul(y, y, label="S-box: z = y²")
    s = c.hint(lambda x, zz: (k * x + k0) * zz % R, v, z, label="s = (k·v + k₀)·z")
    c.gate(v, z, s, q_m=k, q_r=k0, q_o=-1, label="S-box: s = (kv + k₀)·z")
    return form(s)


def permute_forms(c: Circuit, state: Sequence[Operand | Form]) -> list[Form]:
    """The Poseidon permutation of t = 2…17 elements (variables, constants or forms)."""
    forms = [s if isinstance(s, tuple) else form(s) for s in state]
    t = len(forms)
    if not 2 <= t <= len(N_ROUNDS_P) + 1:
        raise PoseidonParameterError(f"Poseidon state must have 2..17 elements, got {t}")
    constants, mds = parameters(t)
    half, r_p = N_ROUNDS_F // 2, N_ROUNDS_P[t - 2]
    with c.scope(f"Poseidon t={t}"):
        for r in range(N_ROUNDS_F + r_p):
            ark = constants[r * t : r * t + t]
            forms = [(terms, (k0 + a) % R) for (terms, k0), a in zip(forms, ark, strict=True)]
            if r < half or r >= half + r_p:
                forms = [sbox(c, f) for f in forms]  # full round
            else:
                forms[0] = sbox(c, forms[0])  # partial round
            forms = [combine(row, forms) for row in mds]
            # keep forms short: one over more than t variables becomes a variable (it
            # would otherwise grow by a variable per partial round); t measured best
            forms = [form(materialize(c, f)) if len(f[0]) > t else f for f in forms]
    return forms


def permute_rows(c: Circuit, state: Sequence[Operand | Form]) -> list[Variable]:
    """The permutation of width 3 with the custom round gate: one row per round, one more.

    Row r holds the state before round r on its wires and the round's constants; the
    next row holds the state after it (:mod:`zkpot.plonk.custom`). 65 round rows and an
    output row, where plain gates take 592 (:func:`permute_forms`).
    """
    from zkpot.plonk.custom import FULL, PARTIAL

    if len(state) != 3:
        raise PoseidonParameterError(f"the round gate is for width 3, got {len(state)}")
    wires = [materialize(c, s if isinstance(s, tuple) else form(s)) for s in state]
    constants, _ = parameters(3)
    half, r_p = N_ROUNDS_F // 2, N_ROUNDS_P[1]
    with c.scope("Poseidon t=3 (round gates)"):
        for r in range(N_ROUNDS_F + r_p):
            kind = FULL if r < half or r >= half + r_p else PARTIAL
            rc = tuple(constants[3 * r : 3 * r + 3])
            outputs = [c.hint(_round_output(kind, rc, j), *wires, label=f"round {r} output {j}")
                       for j in range(3)]  # fmt: skip
            c.gate(*wires, poseidon=kind, rc=rc, label=f"round {r}")  # type: ignore[arg-type]
            wires = outputs
        c.gate(*wires, label="output")  # places the last state in the row after the last round
    return wires


def _round_output(kind: int, rc: tuple[int, ...], j: int) -> Any:
    """The hint for element j of a round's output."""
    from zkpot.plonk.custom import round_outputs

    def compute(*state: int) -> int:
        return round_outputs(kind, state, rc)[j]

    return compute


def hash(c: Circuit, inputs: Sequence[Operand], initial_state: int = 0) -> Variable:
    """:func:`zkpot.hash.poseidon.poseidon` in the circuit: state[0] after the permutation."""
    return materialize(c, permute_forms(c, [initial_state, *inputs])[0])


def commit(
    c: Circuit, values: Sequence[Operand | Form], salt: Operand, *, round_gates: bool = False
) -> Variable:
    """:func:`zkpot.hash.poseidon.commit` in the circuit: the same width-3 sponge.

    Adding two values to the rate is a change of linear forms, no row; each pair
    costs one permutation: 592 rows with plain gates, 66 (and 2 to place the sums)
    with ``round_gates=True``, the custom Poseidon round gate. With a public
    commitment and private values and salt, the circuit proves "these values open
    that commitment" (assert the result equal to the public input). A value may be a
    linear form (values packed into one element cost no row until absorbed).
    """

    def permute(state: Sequence[Operand | Form]) -> list[Form]:
        if round_gates:
            return [form(v) for v in permute_rows(c, state)]
        return permute_forms(c, state)

    state = permute([COMMIT_TAG, salt, len(values)])
    for start in range(0, len(values), RATE):
        pair = [v if isinstance(v, tuple) else form(v)
                for v in (*values[start : start + RATE], 0)[:RATE]]  # fmt: skip
        state = permute([state[0], *(combine((1, 1), [s, p]) for s, p in
                                     zip(state[1:], pair, strict=True))])  # fmt: skip
    return materialize(c, state[0])


__all__ = ["Form", "combine", "commit", "evaluate", "form", "hash", "materialize", "permute_forms",
           "permute_rows", "sbox"]  # fmt: skip
