"""Assignment 7: write ONE (or more) of PLONK's prover rounds; leave the others as they are.

Each round takes the prover's state s (zkpot.plonk.prover._State): s.pk (the proving
key: .rows, .domain, .vk, .srs, .sigma_values), s.witness (a value per variable),
s.public, s.transcript (add_point, add_scalar, challenge, reset), s.blinders (the random
b₁, b₂, … as a list from b₁), s.polys (polynomials by name, coefficient lists),
s.challenges and s.evals (dicts). zkpot.plonk.prover has helpers you may use:
_blind(coeffs, blinders, n), _commit(pk, coeffs), _evaluate(coeffs, x),
grand_product(...), and absorb_statement in zkpot.plonk.transcript. The circuit the
grader proves has no lookups and no custom gates: ignore those branches.

Grade it with:  zkpot assignments check 7 my_round.py
"""

from __future__ import annotations

from typing import Any


def round_1(s: Any) -> tuple[Any, Any, Any]:
    """The wire polynomials a, b, c from the witness on the rows, blinded with
    (b₂X + b₁)·Z_H, (b₄X + b₃)·Z_H, (b₆X + b₅)·Z_H; store them as s.polys["a"], ["b"],
    ["c"]; commit to them; start the transcript with the statement and the three
    commitments and draw β, then γ (a new round of the transcript holding β);
    store s.challenges["beta"], ["gamma"]; return ([a]₁, [b]₁, [c]₁)."""
    raise NotImplementedError


def round_2(s: Any) -> Any:
    """The permutation accumulator z on H (grand_product), interpolated and blinded with
    (b₇X² + b₈X + b₉)·Z_H, stored as s.polys["z"]; commit; a transcript round of β, γ and
    [z]₁ draws α (s.challenges["alpha"]); return [z]₁."""
    raise NotImplementedError


def round_4(s: Any) -> tuple[int, int, int, int, int, int]:
    """The evaluations ā, b̄, c̄, s̄σ₁, s̄σ₂ at ξ and z̄ω = z(ξω), stored in s.evals under
    "a", "b", "c", "s1", "s2", "zw"; a transcript round of ξ and the six values draws v
    (s.challenges["v"]); return the six values in that order."""
    raise NotImplementedError
