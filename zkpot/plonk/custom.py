"""Custom gates: x⁵, a whole Poseidon round of width 3, and multiply-accumulate, a row each.

A custom gate is a new term in the quotient, switched on by a new fixed selector.

- **x⁵.** The selector q_5 adds q_5·a⁵ to the row's gate equation, so that
  q_5 = 1, q_O = −1 says c = a⁵ (the Poseidon S-box) in one row instead of three.
- **A Poseidon round.** A row holding the state (s₀, s₁, s₂) on its wires a, b, c,
  with the round's constants rc₀, rc₁, rc₂ in three fixed columns, says that the
  next row's wires hold the state after the round. With M the MDS matrix:

      full round     w_j(ωX) = Σₖ M_jk·(w_k(X) + rc_k(X))⁵
      partial round  w_j(ωX) = M_j0·(w₀ + rc₀)⁵ + M_j1·(w₁ + rc₁) + M_j2·(w₂ + rc₂)

  for j = 0, 1, 2, each multiplied by its selector (q_full or q_partial) and joined
  to the quotient with weights α⁵, α⁶, α⁷. A permutation is then 65 rows and one
  for its output, against 592 with plain gates (:mod:`zkpot.plonk.poseidon_circuit`).
- **Multiply-accumulate.** The selector q_mac says c(ωX) = c(X) + a(X)·b(X) (weight
  α⁸): a dot product of k terms is k rows and one for the sum (``Circuit.dot``),
  where plain gates need k products and k − 1 additions. It uses the same next-row
  opening of c as the round gate, so it needs no fourth wire.

**The price: degree.** The selector times a fifth power has degree about 6n, so
the quotient t = numerator/Z_H has degree up to 5n + 9. It is computed on a coset
of size 8n instead of 4n and committed in five parts instead of three. The proof
grows by those two commitments and six evaluations: a, b, c at ξω (the next row)
and rc₀, rc₁, rc₂ at ξ. A circuit without custom gates keeps the 4n coset.

**Zero knowledge.** a, b, c are now seen at two points (ξ and ξω) besides their
commitments, so each is blinded by three random coefficients, (b X² + b′X + b″)·Z_H,
as z is, instead of two: degree n + 2, which is what the 5n + 9 above counts.

**Steps.** The prover's round 3 adds :func:`quotient_terms`; round 4
:func:`evaluations`; round 5 :func:`linearisation_terms` (the selectors times
values at ξ, no constant) and the openings (rc at ξ, a, b, c at ξω). The verifier
mirrors them in :func:`verifier_terms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from zkpot.curve.point import CurvePoint
from zkpot.hash.poseidon import parameters
from zkpot.plonk.constraints import R
from zkpot.poly.domain import next_row

FULL, PARTIAL = 1, 2
FIXED = ("q_5", "q_full", "q_partial", "rc0", "rc1", "rc2", "q_mac")
"""The custom configuration's fixed columns, in :class:`CustomKey`'s order."""
COSET_FACTOR = 8  # the quotient's coset: 8n points for a degree up to 5n + 9
QUOTIENT_PARTS = 5  # t in five parts of n coefficients, the last n + 10
EXTRA_POWERS = 10  # so the SRS needs n + 10 powers of τ (snarkjs's layout: n + 6)


def mds() -> tuple[tuple[int, ...], ...]:
    """Poseidon's 3 × 3 MDS matrix (circomlib's, :func:`zkpot.hash.poseidon.parameters`)."""
    return parameters(3)[1]


def round_outputs(kind: int, state: Sequence[int], rc: Sequence[int]) -> list[int]:
    """The state after one round of width 3: ARK, the S-box (all, or the first), MDS."""
    s = [(x + k) % R for x, k in zip(state, rc, strict=True)]
    s = [pow(x, 5, R) for x in s] if kind == FULL else [pow(s[0], 5, R), s[1], s[2]]
    return [sum(m * x for m, x in zip(row, s, strict=True)) % R for row in mds()]


@dataclass(frozen=True, eq=False)
class CustomKey:
    """The verification key's custom part: commitments to the six fixed columns."""

    Q5: CurvePoint
    Qfull: CurvePoint
    Qpartial: CurvePoint
    Rc0: CurvePoint
    Rc1: CurvePoint
    Rc2: CurvePoint
    Qmac: CurvePoint

    POINTS = ("Q5", "Qfull", "Qpartial", "Rc0", "Rc1", "Rc2", "Qmac")


@dataclass(frozen=True)
class CustomProof:
    """What custom gates add to a proof: two more quotient parts and six evaluations."""

    T4: CurvePoint  # the quotient's fourth and fifth parts
    T5: CurvePoint
    eval_aw: int  # a(ξω), b(ξω), c(ξω): the next row's wires
    eval_bw: int
    eval_cw: int
    eval_rc0: int  # rc₀(ξ), rc₁(ξ), rc₂(ξ)
    eval_rc1: int
    eval_rc2: int

    POINTS = ("T4", "T5")
    SCALARS = ("eval_aw", "eval_bw", "eval_cw", "eval_rc0", "eval_rc1", "eval_rc2")

    def replace(self, **changes: object) -> CustomProof:
        """A copy with some fields changed (tests tamper with proofs this way)."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        current.update(changes)
        return CustomProof(**current)  # type: ignore[arg-type]


def _round_terms(q_full: int, q_partial: int, w: Sequence[int], w_next: Sequence[int],
                 rc: Sequence[int]) -> list[int]:  # fmt: skip
    """q_full·(w_j(ωx) − full_j) + q_partial·(w_j(ωx) − partial_j), j = 0, 1, 2, at one point."""
    m = mds()
    s = [(x + k) % R for x, k in zip(w, rc, strict=True)]
    fifth = [pow(x, 5, R) for x in s]
    out = []
    for j in range(3):
        full = sum(m[j][k] * fifth[k] for k in range(3))
        partial = m[j][0] * fifth[0] + m[j][1] * s[1] + m[j][2] * s[2]
        out.append((q_full * (w_next[j] - full) + q_partial * (w_next[j] - partial)) % R)
    return out


# ------------------------------------------------------------------ the prover's steps


def quotient_terms(s: Any, a: list[int], b: list[int], c: list[int]) -> list[int]:
    """Round 3: q_5·a⁵ + α⁵·C₀ + α⁶·C₁ + α⁷·C₂ on the quotient's coset, from a, b and c's
    values there; a(ωX), b(ωX), c(ωX)'s are theirs rotated (:func:`~zkpot.poly.domain.next_row`).
    """
    pk, q = s.pk, s.pk.coset
    alpha = s.challenges["alpha"]
    weights = [pow(alpha, 5 + j, R) for j in range(3)]
    alpha8 = pow(alpha, 8, R)
    factor = len(a) // pk.domain.size
    shifted = [next_row(values, factor) for values in (a, b, c)]  # a(ωX), b(ωX), c(ωX)
    out = []
    for j in range(len(a)):
        terms = _round_terms(q["q_full"][j], q["q_partial"][j], (a[j], b[j], c[j]),
                             (shifted[0][j], shifted[1][j], shifted[2][j]),
                             (q["rc0"][j], q["rc1"][j], q["rc2"][j]))  # fmt: skip
        rounds = sum(k * x for k, x in zip(weights, terms, strict=True))
        mac = q["q_mac"][j] * (shifted[2][j] - c[j] - a[j] * b[j])  # c(ωX) − c − a·b
        value = q["q_5"][j] * pow(a[j], 5, R) + rounds + alpha8 * mac
        out.append(value % R)
    return out


def evaluations(s: Any, evaluate: Any) -> None:
    """Round 4: a, b, c at ξω and rc₀, rc₁, rc₂ at ξ into ``s.evals``."""
    pk, xi = s.pk, s.challenges["xi"]
    xiw = xi * int(pk.domain.omega) % R
    for name in "abc":
        s.evals[f"{name}w"] = evaluate(s.polys[name], xiw)
    for k in range(3):
        s.evals[f"rc{k}"] = evaluate(pk.selectors[f"rc{k}"], xi)


def _selector_scalars(e: dict[str, int], alpha: int) -> tuple[int, int, int, int]:
    """(for q_5, q_full, q_partial, q_mac): what each selector is multiplied by in r(X)."""
    m = mds()
    w = (e["a"], e["b"], e["c"])
    w_next = (e["aw"], e["bw"], e["cw"])
    s = [(x + e[f"rc{k}"]) % R for k, x in enumerate(w)]
    fifth = [pow(x, 5, R) for x in s]
    full = partial = 0
    for j in range(3):
        weight = pow(alpha, 5 + j, R)
        full += weight * (w_next[j] - sum(m[j][k] * fifth[k] for k in range(3)))
        partial += weight * (w_next[j] - m[j][0] * fifth[0] - m[j][1] * s[1] - m[j][2] * s[2])
    mac = pow(alpha, 8, R) * (e["cw"] - e["c"] - e["a"] * e["b"])
    return pow(e["a"], 5, R), full % R, partial % R, mac % R


def linearisation_terms(s: Any, add: Any) -> None:
    """Round 5: q_5(X)·ā⁵ + q_full(X)·(…) + q_partial(X)·(…), the values taken at ξ."""
    scalars = _selector_scalars(s.evals, s.challenges["alpha"])
    for name, k in zip(("q_5", "q_full", "q_partial", "q_mac"), scalars, strict=True):
        add(s.pk.selectors[name], k)


def opened_at_xi(s: Any) -> list[tuple[list[int], int]]:
    """Round 5: rc₀, rc₁, rc₂ are opened at ξ too."""
    return [(s.pk.selectors[f"rc{k}"], s.evals[f"rc{k}"]) for k in range(3)]


def opened_at_xiw(s: Any) -> list[tuple[list[int], int]]:
    """Round 5: a, b, c are opened at ξω too (the next row's wires)."""
    return [(s.polys[name], s.evals[f"{name}w"]) for name in "abc"]


# ------------------------------------------------------------------ the verifier's steps


def verifier_terms(key: CustomKey, proof: CustomProof, ch: dict[str, int], evals: Sequence[int],
                   wires: Sequence[CurvePoint], at_xi: Sequence[int],
                   at_xiw: Sequence[int]) -> tuple[list, list, int]:  # fmt: skip
    """(points, scalars, e's part): the selectors' terms of [D], and the new openings.

    ``evals`` are ā, b̄, c̄ and ``wires`` [a], [b], [c]; ``at_xi`` the weights of rc₀, rc₁,
    rc₂ in [F] (powers of v), ``at_xiw`` those of a, b, c at ξω (powers of v, multiplied
    by u here, as z's opening at ξω is).
    """
    a, b, c = evals
    e = {"a": a, "b": b, "c": c, "aw": proof.eval_aw, "bw": proof.eval_bw, "cw": proof.eval_cw,
         "rc0": proof.eval_rc0, "rc1": proof.eval_rc1, "rc2": proof.eval_rc2}  # fmt: skip
    u = ch["u"]
    points = [key.Q5, key.Qfull, key.Qpartial, key.Qmac, key.Rc0, key.Rc1, key.Rc2, *wires]
    scalars = [*_selector_scalars(e, ch["alpha"]), *at_xi, *(u * wt % R for wt in at_xiw)]
    e_part = sum(wt * e[f"rc{k}"] for k, wt in enumerate(at_xi))
    for name, wt in zip("abc", at_xiw, strict=True):
        e_part += u * wt % R * e[f"{name}w"]
    return points, scalars, e_part % R


__all__ = ["COSET_FACTOR", "FIXED", "FULL", "PARTIAL", "QUOTIENT_PARTS", "CustomKey",
           "CustomProof", "mds", "round_outputs"]  # fmt: skip
