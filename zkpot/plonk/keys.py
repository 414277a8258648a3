"""Preprocessing: a circuit and an SRS become a proving key and a verification key.

Gabizon, Williamson, Ciobotaru, "PLONK" (ePrint 2019/953), section 8.1, laid out
as snarkjs 0.7 lays it out so that keys and proofs interoperate:

- rows 0 … ℓ−1 are one gate per public input (q_L = 1 on wire a, the rest 0), in
  order; the circuit's gates follow; the rest of the domain is padding;
- the domain H has n = 2ᵏ ≥ max(8, rows) elements, ω from the generator 5;
- the copy constraints are a permutation σ of the 3n wire slots: each slot points
  to the next slot holding the same variable (cyclically), and Sσ₁, Sσ₂, Sσ₃ are σ
  in the encoding id(slot) = ωⁱ, k₁ωⁱ, k₂ωⁱ for wires a, b, c, with k₁ = 2, k₂ = 3;
- the verification key is the commitments [q_M], [q_L], [q_R], [q_O], [q_C], [Sσ₁],
  [Sσ₂], [Sσ₃] and [τ]₂.

A circuit with lookup rows gets the lookup configuration
(:mod:`zkpot.plonk.lookup`): six more fixed columns — the tables T₀, T₁, T₂, T_id and
the selectors q_lookup, q_table — committed in ``vk.lookup``; the domain also holds
every table row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, overload

from zkpot.curve import bn254
from zkpot.curve.parallel import Pending, table_for
from zkpot.curve.point import CurvePoint
from zkpot.errors import ArgumentTypeError, ZkpotError
from zkpot.field.batch import batch_inverse
from zkpot.plonk.circuit import Circuit, ConstraintSystem
from zkpot.plonk.custom import COSET_FACTOR, FULL, PARTIAL, QUOTIENT_PARTS, CustomKey
from zkpot.plonk.custom import EXTRA_POWERS as CUSTOM_EXTRA_POWERS
from zkpot.plonk.custom import FIXED as CUSTOM_FIXED
from zkpot.plonk.lookup import FIXED, LookupKey, table_columns
from zkpot.poly.domain import EvaluationDomain, coset_values, interpolate
from zkpot.poly.kzg import SRS
from zkpot.progress import Progress, ProgressLike, as_progress

K1, K2 = 2, 3
"""The coset representatives of the permutation argument: H, k₁H and k₂H are disjoint."""


class SetupError(ZkpotError, ValueError):
    """The circuit does not fit the SRS, or the SRS is for another curve."""


@dataclass(frozen=True, eq=False)
class VerificationKey:
    """What a verifier needs (snarkjs's ``verification_key.json``, in typed form)."""

    power: int  # n = 2^power
    n_public: int
    k1: int
    k2: int
    Qm: CurvePoint
    Ql: CurvePoint
    Qr: CurvePoint
    Qo: CurvePoint
    Qc: CurvePoint
    S1: CurvePoint
    S2: CurvePoint
    S3: CurvePoint
    X_2: CurvePoint  # [τ]₂
    lookup: LookupKey | None = None  # the lookup configuration's part, or None (snarkjs's)
    custom: CustomKey | None = None  # the custom gates' part, or None

    @property
    def n(self) -> int:
        return 1 << self.power

    @property
    def omega(self) -> int:
        return int(bn254.Fr.root_of_unity(self.n))


@dataclass(frozen=True, eq=False)
class ProvingKey:
    """The verification key plus everything the prover recomputes otherwise."""

    vk: VerificationKey
    cs: ConstraintSystem
    srs: SRS
    domain: EvaluationDomain
    rows: tuple[tuple[int, int, int], ...]  # the variables on wires a, b, c of each row
    selectors: dict[str, list[int]]  # q_M … q_C in coefficient form
    sigmas: tuple[list[int], list[int], list[int]]  # Sσ₁, Sσ₂, Sσ₃ in coefficient form
    sigma_values: tuple[list[int], list[int], list[int]]  # … and on H
    coset: dict[str, list[int]]  # the fixed polynomials on the quotient's coset of size 4n
    lookup_values: dict[str, list[int]] | None = None  # the lookup columns on H, if any


def quotient_factor(vk: VerificationKey) -> int:
    """The quotient's coset is this many times n: 8 with custom gates (degree 6), else 4."""
    return COSET_FACTOR if vk.custom is not None else 4


def quotient_parts(vk: VerificationKey) -> int:
    """How many parts the quotient is committed in: 5 with custom gates, else 3."""
    return QUOTIENT_PARTS if vk.custom is not None else 3


def extra_powers(custom: bool) -> int:
    """The quotient's last part has n + this many coefficients, and the SRS as many powers:
    6 (snarkjs's layout), 10 with custom gates."""
    return CUSTOM_EXTRA_POWERS if custom else 6


def _constraint_system(circuit: Any) -> ConstraintSystem:
    """The compiled form of a :class:`Circuit` (or a :class:`ConstraintSystem` as it is)."""
    if isinstance(circuit, Circuit):
        return circuit.compile()
    if isinstance(circuit, ConstraintSystem):
        return circuit
    raise ArgumentTypeError(
        f"expected a Circuit or a ConstraintSystem, not {type(circuit).__name__}"
    )


def domain_power(circuit: Circuit | ConstraintSystem) -> int:
    """k for the domain of n = 2ᵏ rows the circuit is laid out on: n ≥ max(8, rows).

    The rows are one per public input, then one per gate; the domain must also hold
    every row of the circuit's lookup tables.
    """
    cs = _constraint_system(circuit)
    rows = max(len(cs.public_inputs) + cs.n_gates, sum(len(t) for t in cs.tables))
    return max(3, (rows - 1).bit_length())


def srs_size(circuit: Circuit | ConstraintSystem) -> int:
    """How many powers of τ :func:`preprocess` needs: n + 6 (n + 10 with custom gates).

    >>> from zkpot.plonk import Circuit
    >>> c = Circuit()
    >>> c.assert_equal(c.mul(c.private_input("x"), 2), c.public_input("y"))
    >>> srs_size(c)  # 4 rows (y, then the gates 0 = 0, 2·x and the equality) fit n = 8
    14
    """
    cs = _constraint_system(circuit)
    extra = extra_powers(cs.has_custom_gates)
    return (1 << domain_power(cs)) + extra


def preprocess(
    circuit: Circuit | ConstraintSystem, srs: SRS, *, progress: ProgressLike = None
) -> tuple[ProvingKey, VerificationKey]:
    """Compile the circuit, lay out its rows, and commit to the selectors and σ.

    Args:
        progress: told of one step, ``"preprocessing"``, as soon as the rows are laid out
            (before any NTT or MSM): three units for each fixed polynomial (selectors,
            tables, σ) — its interpolation, its commitment and its values on the
            quotient's coset — with the stage, ``"interpolation"`` then ``"commitments,
            coset NTTs"`` (:mod:`zkpot.progress`).

    Raises:
        ArgumentTypeError: ``circuit`` is not a circuit, or ``srs`` not an :class:`SRS`.
        SetupError: the SRS is not BN254's, or too small: a domain of n needs n + 6
            powers of τ (the quotient's last third has degree n + 5); :func:`srs_size`
            tells how many. Or the circuit has lookups, which this configuration
            (snarkjs's) cannot prove.
    """
    cs = _constraint_system(circuit)
    if not isinstance(srs, SRS):
        raise ArgumentTypeError(f"preprocess needs an SRS, not {type(srs).__name__}")
    if srs.curve is not bn254:
        raise SetupError("zkpot's PLONK runs on BN254 (as snarkjs)")
    filler = cs.zero_variable  # a variable worth 0, for unused wire slots
    lookups, custom = cs.has_lookups, cs.has_custom_gates  # each looks at every gate
    rows: list[tuple[int, int, int]] = []
    selectors: dict[str, list[int]] = {k: [] for k in ("q_m", "q_l", "q_r", "q_o", "q_c")}
    if lookups:  # the lookup configuration's two selectors (zkpot.plonk.lookup)
        selectors.update(q_lookup=[], q_table=[])
    if custom:  # the custom gates' six columns (zkpot.plonk.custom)
        selectors.update({name: [] for name in CUSTOM_FIXED})
    for _, variable in cs.public_inputs:
        rows.append((variable, filler, filler))
        for k in selectors:
            selectors[k].append(1 if k == "q_l" else 0)
    for gate in cs.gates:
        rows.append((gate.a, gate.b, gate.c))
        for k in ("q_m", "q_l", "q_r", "q_o", "q_c"):
            selectors[k].append(getattr(gate, k))
        if lookups:
            selectors["q_lookup"].append(1 if gate.table else 0)
            selectors["q_table"].append(gate.table)
        if custom:
            selectors["q_5"].append(gate.q_5)
            selectors["q_full"].append(1 if gate.poseidon == FULL else 0)
            selectors["q_partial"].append(1 if gate.poseidon == PARTIAL else 0)
            for k in range(3):
                selectors[f"rc{k}"].append(gate.rc[k])
            selectors["q_mac"].append(gate.q_mac)
    power = domain_power(cs)
    n = 1 << power
    needed = srs_size(cs)
    if needed > len(srs.g1):
        raise SetupError(f"{len(rows)} rows need a domain of {n} and {needed} powers of τ; "
                         f"the SRS has {len(srs.g1)}")  # fmt: skip
    for _ in range(n - len(rows)):  # padding rows: every selector zero
        rows.append((filler, filler, filler))
        for k in selectors:
            selectors[k].append(0)
    domain = EvaluationDomain(n, bn254.Fr)
    _check_cosets(domain)
    sigma_values = permutation(rows, domain)
    lookup_values = None
    if lookups:
        tables = table_columns(cs.tables, n)
        selectors.update(zip(("t0", "t1", "t2", "tid"), tables, strict=True))
        lookup_values = {k: selectors[k] for k in FIXED}
    points = table_for(srs, srs.g1)  # MSMs and NTTs on the workers, when it pays
    columns = [*selectors.values(), *sigma_values]
    report = as_progress(progress)
    report.start("preprocessing", 3 * len(columns), "tasks")
    report.advance(0, "interpolation")
    coefficients = points.map(interpolate, [(n, v) for v in columns], each=_advance(report))
    selector_coeffs = dict(zip(selectors, coefficients, strict=False))
    sigma_coeffs = tuple(coefficients[len(selectors) :])

    # every selector and σ commitment, and (for prover round 3) every fixed polynomial on
    # the quotient's coset g·H₄ₙ, done once here: the MSMs and the NTTs queued on the
    # workers together
    big = EvaluationDomain((COSET_FACTOR if custom else 4) * n, bn254.Fr)  # as quotient_factor(vk)
    fixed = {**selector_coeffs, "s1": sigma_coeffs[0], "s2": sigma_coeffs[1], "s3": sigma_coeffs[2]}
    report.advance(0, "commitments, coset NTTs")
    found, values = commit_polynomials(srs, list(fixed.values()), also=(
        coset_values, [(big.size, coeffs) for coeffs in fixed.values()]),
        each=_advance(report))  # fmt: skip
    commitments = dict(zip(fixed, found, strict=True))
    coset = {**dict(zip(fixed, values, strict=True)), "l1": first_lagrange_on_coset(big, n)}
    vk = VerificationKey(
        power=power, n_public=len(cs.public_inputs), k1=K1, k2=K2,
        Qm=commitments["q_m"], Ql=commitments["q_l"], Qr=commitments["q_r"],
        Qo=commitments["q_o"], Qc=commitments["q_c"], S1=commitments["s1"],
        S2=commitments["s2"], S3=commitments["s3"], X_2=srs.g2[1],
        lookup=None if lookup_values is None else LookupKey(
            *(commitments[k] for k in FIXED)),
        custom=CustomKey(*(commitments[k] for k in CUSTOM_FIXED)) if custom else None,
    )  # fmt: skip
    pk = ProvingKey(vk, cs, srs, domain, tuple(rows), selector_coeffs,
                    sigma_coeffs, sigma_values, coset, lookup_values)  # type: ignore[arg-type]  # fmt: skip
    return pk, vk


def first_lagrange_on_coset(big: EvaluationDomain, n: int) -> list[int]:
    """L₁ of the domain H of size n — 1 at ω⁰, 0 on the rest of H — on the coset g·H_big:
    L₁(x) = (xⁿ − 1)/(n·(x − 1)), with one batch inversion instead of an NTT of the big size
    (xⁿ takes only big/n values there, and x ≠ 1 off H)."""
    p, g, factor = big.modulus, int(big.coset_shift), big.size // n
    xs = [g * w % p for w in big.roots()]
    zh = [(pow(x, n, p) - 1) % p for x in xs[:factor]]  # xⁿ − 1 repeats with period big/n
    inverses = batch_inverse([n * (x - 1) % p for x in xs], p)
    return [zh[m % factor] * inverse % p for m, inverse in enumerate(inverses)]


def _advance(report: Progress) -> Callable[[Any], None]:
    """A :meth:`~zkpot.curve.parallel.PointTable.submit` ``each`` that advances by one."""
    return lambda _result: report.advance()


@overload
def commit_polynomials(
    srs: SRS, polys: list[list[int]], *, each: Callable[[Any], None] | None = None
) -> list[CurvePoint]: ...


@overload
def commit_polynomials(
    srs: SRS,
    polys: list[list[int]],
    also: tuple[Callable[..., Any], list[tuple[Any, ...]]],
    *,
    each: Callable[[Any], None] | None = None,
) -> tuple[list[CurvePoint], list[Any]]: ...


def commit_polynomials(
    srs: SRS, polys: list[list[int]], also: Any = None, *, each: Any = None
) -> Any:
    """[p(τ)]₁ = Σ pᵢ·[τⁱ]₁ for each polynomial (coefficients, lowest first): the MSMs
    handed to the SRS's workers together when it pays (:mod:`zkpot.curve.parallel`); the
    zero polynomial commits to the identity. With ``also = (function, arguments)``, those
    tasks join the same queue, and their results come back beside the commitments.
    ``each`` is called once per commitment and per task as it is done (progress: see
    :meth:`~zkpot.curve.parallel.PointTable.submit`)."""
    return submit_commitments(srs, polys, also, each=each).get()


def submit_commitments(
    srs: SRS, polys: list[list[int]], also: Any = None, *, each: Any = None
) -> Pending:
    """:func:`commit_polynomials` without waiting: a :class:`~zkpot.curve.parallel.Pending`
    whose ``get()`` returns what :func:`commit_polynomials` returns."""
    function, arguments = also if also is not None else (None, [])
    for p in polys if each is not None else ():
        if not any(p):
            each(bn254.G1.identity())  # the zero polynomial's commitment: done already
    running = table_for(srs, srs.g1).submit([p for p in polys if any(p)], function, arguments,
                                            each=each)  # fmt: skip

    def commitments(results: tuple[list[CurvePoint], list[Any]]) -> Any:
        found, mapped = results
        points = iter(found)
        commitments = [next(points) if any(p) else bn254.G1.identity() for p in polys]
        return commitments if also is None else (commitments, mapped)

    return running.then(commitments)


def permutation(
    rows: Sequence[tuple[int, int, int]], domain: EvaluationDomain
) -> tuple[list[int], ...]:
    """Sσ₁, Sσ₂, Sσ₃ on H: slot → id(next slot with the same variable), cyclically.

    Slots are visited row by row (a, b, c of row 0, then of row 1, …), as snarkjs does;
    each slot takes the identity value of the previous occurrence of its variable, and
    the first occurrence the last one's — which closes each variable's cycle.
    """
    p, n, w = domain.modulus, domain.size, domain.roots()
    identity = [w, [K1 * x % p for x in w], [K2 * x % p for x in w]]
    sigma = [[0] * n for _ in range(3)]
    first: dict[int, tuple[int, int]] = {}
    last_value: dict[int, int] = {}
    for i, row in enumerate(rows):
        for wire, variable in enumerate(row):
            if variable in last_value:
                sigma[wire][i] = last_value[variable]
            else:
                first[variable] = (wire, i)
            last_value[variable] = identity[wire][i]
    for variable, (wire, i) in first.items():
        sigma[wire][i] = last_value[variable]
    return tuple(sigma)


def _check_cosets(domain: EvaluationDomain) -> None:
    """k₁ ∉ H, k₂ ∉ H ∪ k₁H: the three cosets must be disjoint (x ∈ H ⟺ xⁿ = 1)."""
    p, n = domain.modulus, domain.size
    if pow(K1, n, p) == 1 or pow(K2, n, p) == 1 or pow(K2 * pow(K1, -1, p), n, p) == 1:
        raise SetupError(f"k₁ = {K1}, k₂ = {K2} do not give disjoint cosets for n = {n}")
