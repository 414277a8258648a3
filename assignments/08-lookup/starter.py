"""Assignment 8: the multiset check of a lookup argument (LogUp). Keep the names.

Columns are lists of ints mod r (BN254's scalar field); a table row and a query row
are (value₀, value₁, value₂, table number) across four columns.

Grade it with:  zkpot assignments check 8 my_lookup.py
"""

from __future__ import annotations

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def compress(columns: list[list[int]], eta: int) -> list[int]:
    """Row by row, col₀ + η·col₁ + η²·col₂ + η³·col₃ mod r (for any number of columns:
    Σₖ ηᵏ·colₖ)."""
    raise NotImplementedError


def multiplicities(
    queries: tuple[list[int], ...], q_lookup: list[int], tables: tuple[list[int], ...]
) -> list[int]:
    """m[j]: how many rows i with q_lookup[i] = 1 hold exactly table row j (all four
    columns). A row the table holds twice is counted at its first place.

    Raises:
        ValueError: naming the first lookup row that is in no table row.
    """
    raise NotImplementedError


def running_sum(
    m: list[int], t: list[int], q_lookup: list[int], f: list[int], theta: int
) -> list[int]:
    """φ on the n rows: φ₀ = 0, φᵢ₊₁ = φᵢ + mᵢ/(θ − tᵢ) − q_lookupᵢ/(θ − fᵢ) mod r
    (t and f the compressed table and query rows). Return φ₀ … φₙ₋₁.

    Raises:
        ValueError: if φₙ is not 0 (some lookup is not in its table).
    """
    raise NotImplementedError
