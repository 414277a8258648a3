"""zkpot.ml.aggregation_circuit: the masks, the masked model and the masking hash in a
circuit equal the twin's, and a masked model with one wrong mask, or a seed that does not
open its commitment, is a witness that breaks a gate."""

from __future__ import annotations

import pytest

from zkpot.errors import ArgumentError
from zkpot.field.bn254 import R
from zkpot.ml import aggregation as agg
from zkpot.ml import aggregation_circuit as agc
from zkpot.plonk.circuit import Circuit, UnsatisfiedConstraint

PACKED = [11, 2**200 + 5, 77]  # any field elements: the circuit adds masks to what it gets
ADDED, SUBTRACTED = [1234], [5678]  # one pair mask added, one subtracted


def masked_circuit(added=ADDED, subtracted=SUBTRACTED):
    """A masked model with its own seed and the pair seeds, the masked model and the
    seeds' commitments public, the masks checked element by element."""
    c = Circuit()
    packed = [c.private_input(f"p{k}") for k in range(len(PACKED))]
    masked = [c.public_input(f"m{k}") for k in range(len(PACKED))]
    own = c.private_input("own")
    seeds = [c.private_input(f"s{j}") for j in range(len(added) + len(subtracted))]
    for j, seed in enumerate([own, *seeds]):
        c.assert_equal(agc.seed_commitment(c, seed), c.public_input(f"c{j}"))
    agc.assert_masked(c, packed, masked, 4, own, seeds[: len(added)], seeds[len(added) :])
    return c.compile()


def inputs(own: int = 99, masked=None, added=ADDED, subtracted=SUBTRACTED):
    masked = masked or agg.masked_model(PACKED, 4, own, added, subtracted)
    seeds = [*added, *subtracted]
    return {**{f"p{k}": v for k, v in enumerate(PACKED)},
            **{f"m{k}": v for k, v in enumerate(masked)}, "own": own,
            **{f"s{j}": s for j, s in enumerate(seeds)},
            **{f"c{j}": agg.seed_commitment(s) for j, s in enumerate([own, *seeds])}}  # fmt: skip


def test_the_circuit_accepts_the_twins_masked_model() -> None:
    cs = masked_circuit()
    cs.solve(inputs())
    # each partner: its mask's 1 + ⌈3/2⌉ permutations and its commitment's one, 66 rows
    # each; the commitment's equality; one more term, one more row, in each element's chain
    alone = masked_circuit([], []).n_gates
    assert cs.n_gates - alone == 2 * (4 * 66 + 1 + 3)


def test_a_wrong_mask_breaks_a_gate() -> None:
    cs = masked_circuit()
    good = agg.masked_model(PACKED, 4, 99, ADDED, SUBTRACTED)
    signs_swapped = agg.masked_model(PACKED, 4, 99, SUBTRACTED, ADDED)
    another_round = agg.masked_model(PACKED, 5, 99, ADDED, SUBTRACTED)
    no_own_mask = [(g - m) % R for g, m in zip(good, agg.mask(99, 4, 3), strict=True)]
    for bad in (signs_swapped, another_round, no_own_mask, [good[0] + 1, *good[1:]]):
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve(inputs(masked=bad))


def test_a_seed_that_does_not_open_its_commitment_breaks_a_gate() -> None:
    cs = masked_circuit()
    wrong = inputs()
    wrong["s1"] += 1  # the masked model made with it too: only the commitment can tell
    wrong.update({f"m{k}": v for k, v in
                  enumerate(agg.masked_model(PACKED, 4, 99, ADDED, [5679]))})  # fmt: skip
    with pytest.raises(UnsatisfiedConstraint):
        cs.solve(wrong)


def hashed_circuit():
    """The masking hash public, as the proof of training has it."""
    c = Circuit()
    packed = [c.private_input(f"p{k}") for k in range(len(PACKED))]
    own, added, subtracted = (c.private_input(n) for n in ("own", "a", "s"))
    out = agc.masking(c, packed, c.public_input("round"), own, [added], [subtracted])
    c.assert_equal(out, c.public_input("masking"))
    return c.compile()


def hashed_inputs(round_=4, own=99, added=1234, subtracted=5678, masked=None, commitments=None):
    masked = masked or agg.masked_model(PACKED, round_, own, [added], [subtracted])
    commitments = commitments or [agg.seed_commitment(s) for s in (own, added, subtracted)]
    return {**{f"p{k}": v for k, v in enumerate(PACKED)}, "own": own, "a": added,
            "s": subtracted, "round": round_,
            "masking": agg.masking_hash(masked, commitments[0], commitments[1:])}  # fmt: skip


def test_the_masking_hash_is_the_twins_and_binds_the_masks_and_the_commitments() -> None:
    cs = hashed_circuit()
    cs.solve(hashed_inputs())
    good = agg.masked_model(PACKED, 4, 99, [1234], [5678])
    registered = [agg.seed_commitment(s) for s in (99, 1234, 5678)]
    cases = {
        "a wrong masked element": hashed_inputs(masked=[good[0] + 1, *good[1:]]),
        "the masks of another round": hashed_inputs(masked=agg.masked_model(PACKED, 5, 99, [1234],
                                                                            [5678])),
        "a seed that does not open its registered commitment": {
            **hashed_inputs(), "a": 1235,
            "masking": agg.masking_hash(agg.masked_model(PACKED, 4, 99, [1235], [5678]),
                                        registered[0], registered[1:])},
        "the commitments in another order": hashed_inputs(commitments=[registered[0],
                                                                       *registered[:0:-1]]),
    }  # fmt: skip
    for name, bad in cases.items():
        with pytest.raises(UnsatisfiedConstraint):
            cs.solve(bad)
            pytest.fail(name)


def test_lengths_must_agree() -> None:
    c = Circuit()
    with pytest.raises(ArgumentError, match="2 masked elements for 3"):
        agc.assert_masked(c, [1, 2, 3], [1, 2], 4, 5, [], [])
