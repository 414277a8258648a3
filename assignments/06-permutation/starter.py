"""Assignment 6: PLONK's permutation argument. Fill in the two bodies; keep the names.

A circuit's rows are (a, b, c) triples of variable indices; the domain H
(zkpot.poly.domain.EvaluationDomain) has .size n, .modulus r and .roots() = [ω⁰ … ωⁿ⁻¹].
The slot (wire, row i) has the identity ωⁱ for a, K1·ωⁱ for b, K2·ωⁱ for c.

Grade it with:  zkpot assignments check 6 my_permutation.py
"""

from __future__ import annotations

from typing import Any

K1, K2 = 2, 3  # snarkjs's coset shifts: H, K1·H and K2·H are disjoint


def permutation(rows: list[tuple[int, int, int]], domain: Any) -> tuple[list[int], ...]:
    """(σ₁, σ₂, σ₃) on H: the values σ_wire[i] for each slot (wire, row i), as ints.

    Visit the slots row by row — a, b, c of row 0, then a, b, c of row 1, … Each slot
    takes the identity of the previous slot holding the same variable; the first slot
    of each variable takes the identity of that variable's last slot. (This closes one
    cycle per variable, and it is snarkjs's order: the grader checks exact values.)
    """
    raise NotImplementedError


def grand_product(
    wires: list[list[int]],
    sigma: tuple[list[int], ...],
    domain: Any,
    k1: int,
    k2: int,
    beta: int,
    gamma: int,
) -> list[int]:
    """[z₀, z₁, …, zₙ]: z₀ = 1 and zᵢ₊₁ = zᵢ·fᵢ/gᵢ (mod r) with

        fᵢ = Π over the three wires of (w + β·id + γ),  gᵢ = Π of (w + β·σ + γ),

    w the wire's value on row i (wires[wire][i]), id the slot's identity, σ its σ value.
    n + 1 values: the last, Π fᵢ/gᵢ, is 1 when the copy constraints hold. Use one
    batch inversion for all the gᵢ (assignment 1).
    """
    raise NotImplementedError
