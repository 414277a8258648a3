"""The masks of :mod:`zkpot.ml.aggregation` in a circuit: what a proof of training will
add so that its masked model is the proven model plus the right masks.

Each function is the twin's, gate for gate, with Poseidon's custom round gate
(:func:`zkpot.plonk.poseidon_circuit.permute_rows`, 66 rows a permutation):

==========================  ======================================================  =====
twin                        circuit                                                 rows
==========================  ======================================================  =====
``seed_commitment(s)``      :func:`seed_commitment`: one permutation                66
``mask(s, t, n)``           :func:`mask`: 1 + ⌈n/2⌉ permutations                    66 each
``masked_model(…)``         :func:`assert_masked`: per element, one linear chain    p − 1
==========================  ======================================================  =====

where p is the number of masks added (the participant's own, and one per partner) plus
2. A prover who may put any value in any wire: the permutations' gates fix every mask
from its seed and the round, and the chain fixes each masked element from the packed
model and the masks; so a masked model that is not the packed model plus these masks is
a witness that breaks a gate. That the seeds are the registered ones is a separate
assertion: :func:`seed_commitment` equal to a public commitment.

>>> from zkpot.ml import aggregation as agg
>>> from zkpot.plonk.circuit import Circuit
>>> c = Circuit()
>>> seed = c.private_input("seed")
>>> out = mask(c, seed, 7, 3)
>>> w = c.compile().solve({"seed": 12345})
>>> [w[v.index] for v in out] == agg.mask(12345, 7, 3)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zkpot.errors import ArgumentError
from zkpot.ml.aggregation import MASK_TAG, SEED_TAG
from zkpot.plonk.circuit import Circuit, Operand, Variable
from zkpot.plonk.poseidon_circuit import permute_rows


def seed_commitment(c: Circuit, seed: Operand) -> Variable:
    """:func:`zkpot.ml.aggregation.seed_commitment` of ``seed``."""
    with c.scope("seed commitment"):
        return permute_rows(c, [SEED_TAG, seed, 0])[0]


def mask(c: Circuit, seed: Operand, round: Operand, length: int) -> list[Variable]:
    """:func:`zkpot.ml.aggregation.mask`: ``length`` elements of the sponge."""
    with c.scope("mask"):
        state = permute_rows(c, [MASK_TAG, seed, round])
        out: list[Variable] = []
        while len(out) < length:
            state = permute_rows(c, state)
            out += state[1:3]
    return out[:length]


def assert_masked(c: Circuit, packed: Sequence[Operand], masked: Sequence[Operand],
                  round: Operand, index: int, own_seed: Operand,
                  pair_seeds: Mapping[int, Operand]) -> None:  # fmt: skip
    """masked = packed + mask(own_seed) + Σ ±mask(sᵢⱼ), element by element: the twin's
    :func:`~zkpot.ml.aggregation.masked_model` for participant ``index`` (+ for a
    partner j > index, − for j < index)."""
    length = len(packed)
    if len(masked) != length:
        raise ArgumentError(f"{len(masked)} masked elements for {length} packed ones")
    own = mask(c, own_seed, round, length)
    pairs = [(1 if index < j else -1, mask(c, seed, round, length))
             for j, seed in pair_seeds.items()]  # fmt: skip
    with c.scope("masked model"):
        for k in range(length):
            terms = [(1, packed[k]), (1, own[k]), *((sign, m[k]) for sign, m in pairs),
                     (-1, masked[k])]  # fmt: skip
            c.assert_linear(terms, label=f"masked element {k}")


__all__ = ["assert_masked", "mask", "seed_commitment"]
