"""The groups every curve property test runs against, and scalar strategies."""

from __future__ import annotations

from hypothesis import strategies as st

from zkpot.curve import bls12_381, bn254

GROUPS = [bn254.G1, bn254.G2, bls12_381.G1, bls12_381.G2]
CURVES = [bn254, bls12_381]


def group_id(group: type) -> str:
    return f"{group.__module__.rsplit('.', 1)[-1]}.{group.__name__}"


def curve_id(curve) -> str:
    return curve.__name__.rsplit(".", 1)[-1]


def scalars(r: int) -> st.SearchStrategy[int]:
    """Scalars in [0, r), favouring the edges 0, 1, 2, r − 1."""
    return st.one_of(st.sampled_from([0, 1, 2, r - 1]), st.integers(0, r - 1))


def small_scalars() -> st.SearchStrategy[int]:
    return st.integers(-50, 50)
