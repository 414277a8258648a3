"""zkpot.ml.aggregation_circuit: the masks and the masked model in a circuit equal the
twin's, and a masked model with one wrong mask, or a wrong seed, is a witness that
breaks a gate."""

from __future__ import annotations

import pytest

from zkpot.errors import ArgumentError
from zkpot.field.bn254 import R
from zkpot.ml import aggregation as agg
from zkpot.ml import aggregation_circuit as agc
from zkpot.plonk.circuit import Circuit, UnsatisfiedConstraint

PACKED = [11, 2**200 + 5, 77]  # any field elements: the circuit adds masks to what it gets


def masked_circuit(partners: dict[int, int]):
    """Participant 1's masked model with its own seed and one seed per partner, the masked
    model and the seeds' commitments public, as a proof of training will have them."""
    c = Circuit()
    packed = [c.private_input(f"p{k}") for k in range(len(PACKED))]
    masked = [c.public_input(f"m{k}") for k in range(len(PACKED))]
    own = c.private_input("own")
    seeds = {j: c.private_input(f"s{j}") for j in partners}
    c.assert_equal(agc.seed_commitment(c, own), c.public_input("own_commitment"))
    for j, seed in seeds.items():
        c.assert_equal(agc.seed_commitment(c, seed), c.public_input(f"c{j}"))
    agc.assert_masked(c, packed, masked, 4, 1, own, seeds)
    return c.compile()


def inputs(partners: dict[int, int], own: int = 99, masked=None):
    masked = masked or agg.masked_model(PACKED, 4, 1, own, partners)
    return {**{f"p{k}": v for k, v in enumerate(PACKED)},
            **{f"m{k}": v for k, v in enumerate(masked)},
            "own": own, "own_commitment": agg.seed_commitment(own),
            **{f"s{j}": s for j, s in partners.items()},
            **{f"c{j}": agg.seed_commitment(s) for j, s in partners.items()}}  # fmt: skip


PARTNERS = {0: 1234, 2: 5678}  # one partner below participant 1, one above


def test_the_circuit_accepts_the_twins_masked_model() -> None:
    cs = masked_circuit(PARTNERS)
    cs.solve(inputs(PARTNERS))
    # each partner: its mask's 1 + ⌈3/2⌉ permutations and its commitment's one, 66 rows
    # each; the commitment's equality; one more term, one more row, in each element's chain
    alone = masked_circuit({}).n_gates
    assert cs.n_gates - alone == 2 * (4 * 66 + 1 + 3)


def test_a_wrong_mask_breaks_a_gate() -> None:
    cs = masked_circuit(PARTNERS)
    good = agg.masked_model(PACKED, 4, 1, 99, PARTNERS)
    signs_swapped = agg.masked_model(PACKED, 4, 2, 99, PARTNERS)  # as if it were participant 2
    another_round = agg.masked_model(PACKED, 5, 1, 99, PARTNERS)
    no_own_mask = [(g - m) % R for g, m in zip(good, agg.mask(99, 4, 3), strict=True)]
    for bad in (signs_swapped, another_round, no_own_mask, [good[0] + 1, *good[1:]]):
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve(inputs(PARTNERS, masked=bad))


def test_a_seed_that_does_not_open_its_commitment_breaks_a_gate() -> None:
    cs = masked_circuit(PARTNERS)
    wrong = inputs(PARTNERS)
    wrong["s2"] += 1  # the masked model made with it too: only the commitment can tell
    wrong.update({f"m{k}": v for k, v in enumerate(
        agg.masked_model(PACKED, 4, 1, 99, {0: 1234, 2: 5679}))})  # fmt: skip
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(wrong)


def test_lengths_must_agree() -> None:
    c = Circuit()
    with pytest.raises(ArgumentError, match="2 masked elements for 3"):
        agc.assert_masked(c, [1, 2, 3], [1, 2], 4, 1, 5, {})
