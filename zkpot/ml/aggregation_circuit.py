"""The masks of :mod:`zkpot.ml.aggregation` in a circuit: how a proof of training shows
that its masked model is the proven model plus the right masks.

Each function is the twin's, gate for gate, with Poseidon's custom round gate
(:func:`zkpot.plonk.poseidon_circuit.permute_rows`, 66 rows a permutation):

==========================  ======================================================  =====
twin                        circuit                                                 rows
==========================  ======================================================  =====
``seed_commitment(s)``      :func:`seed_commitment`: one permutation                66
``mask(s, t, n)``           :func:`mask`: 1 + ⌈n/2⌉ permutations                    66 each
``masked_model(…)``         :func:`masked_forms`: linear forms                      none
``masking_hash(…)``         :func:`masking`: the seeds' commitments, the masks, and
                            the hash of the masked model and the commitments
==========================  ======================================================  =====

A masked element is a sum of the packed model's element and the masks: a linear form,
which costs no row until Poseidon absorbs it. A prover who may put any value in any
wire: the permutations' gates fix every mask from its seed and the round, every
commitment from its seed, and the hash from the masked forms and the commitments; so a
masked model that is not the packed model plus these masks, or a seed that does not
open the commitment the hash was computed with, gives another hash than the public one.

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

from collections.abc import Sequence

from zkpot.errors import ArgumentError
from zkpot.ml.aggregation import MASK_TAG, MASKING_SALT, SEED_TAG
from zkpot.plonk.circuit import Circuit, Operand, Variable
from zkpot.plonk.poseidon_circuit import Form, combine, commit, form, permute_rows


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


def masked_forms(c: Circuit, packed: Sequence[Operand | Form], round: Operand,
                 own_seed: Operand, added: Sequence[Operand],
                 subtracted: Sequence[Operand]) -> list[Form]:  # fmt: skip
    """The twin's :func:`~zkpot.ml.aggregation.masked_model` as linear forms: each packed
    element plus its own mask, plus the masks of the ``added`` seeds, minus those of the
    ``subtracted`` ones. Only the masks cost rows."""
    length = len(packed)
    masks = [(1, mask(c, own_seed, round, length))]
    masks += [(1, mask(c, seed, round, length)) for seed in added]
    masks += [(-1, mask(c, seed, round, length)) for seed in subtracted]
    out = []
    for k, element in enumerate(packed):
        forms = [element if isinstance(element, tuple) else form(element)]
        forms += [form(m[k]) for _, m in masks]
        out.append(combine([1, *(sign for sign, _ in masks)], forms))
    return out


def assert_masked(c: Circuit, packed: Sequence[Operand | Form], masked: Sequence[Operand],
                  round: Operand, own_seed: Operand, added: Sequence[Operand],
                  subtracted: Sequence[Operand]) -> None:  # fmt: skip
    """``masked`` = :func:`masked_forms`, element by element (one linear chain each): for a
    circuit that has the masked model as variables rather than hashed."""
    if len(masked) != len(packed):
        raise ArgumentError(f"{len(masked)} masked elements for {len(packed)} packed ones")
    forms = masked_forms(c, packed, round, own_seed, added, subtracted)
    with c.scope("masked model"):
        for k, ((terms, k0), out) in enumerate(zip(forms, masked, strict=True)):
            c.assert_linear([*terms.values(), (-1, out)], k0, label=f"masked element {k}")


def masking(c: Circuit, packed: Sequence[Operand | Form], round: Operand, own_seed: Operand,
            added: Sequence[Operand], subtracted: Sequence[Operand]) -> Variable:  # fmt: skip
    """The twin's :func:`~zkpot.ml.aggregation.masking_hash` of the masked model with these
    seeds and of the seeds' commitments, each computed here from its seed: a circuit
    asserts it equal to the public ``masking``, and so proves both the masked model and
    that the pair seeds open the registered commitments the verifier hashed."""
    with c.scope("masking"):
        forms = masked_forms(c, packed, round, own_seed, added, subtracted)
        commitments = [seed_commitment(c, s) for s in (own_seed, *added, *subtracted)]
        return commit(c, [*forms, *commitments], MASKING_SALT, round_gates=True)


__all__ = ["assert_masked", "mask", "masked_forms", "masking", "seed_commitment"]
