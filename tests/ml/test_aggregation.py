"""zkpot.ml.aggregation: the masks cancel in the sum of the included models, and only there.

The sum and the average are checked against plain integer arithmetic on random models
(hypothesis), with participants left out at random; the Diffie–Hellman seed against
py_ecc's BLS12-381; and what a wrong reveal or a left-out model's revealed seeds give.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.curve import bls
from zkpot.errors import InvalidInput
from zkpot.field.bn254 import R
from zkpot.ml import aggregation as agg

BITS = 24
HALF = 1 << (BITS - 1)
GRAPH = {i: agg.Partners((), ()) for i in range(2)}


def masked_models(models, keys, graph, round_):
    """Every participant's masked model, and its own seed."""
    n = len(models)
    public = [bls.secret_to_public(k) for k in keys]

    def seeds(i, js):
        return [agg.pairwise_seed(keys[i], public[j]) for j in js]

    own = [agg.self_seed(k, round_) for k in keys]
    masked = [agg.masked_model(agg.pack_for_sum(m, BITS, n), round_, own[i],
                               seeds(i, graph[i].added), seeds(i, graph[i].subtracted))
              for i, m in enumerate(models)]  # fmt: skip
    return masked, own


def run(models, included, round_=3, reach=1, keys=None):
    """Every participant masks; the included ones are summed, the seeds they share with
    the others revealed. Returns (the unpacked sum, the masked models)."""
    n = len(models)
    keys = keys or [1000 + i for i in range(n)]
    public = [bls.secret_to_public(k) for k in keys]
    graph = agg.partners(n, agg.largest_reach(n, reach))
    masked, own = masked_models(models, keys, graph, round_)
    left_out = {(i, j): agg.pairwise_seed(keys[i], public[j])
                for i in included for j in graph[i].all if j not in included}  # fmt: skip
    total = agg.unmask({i: masked[i] for i in included}, round_, {i: own[i] for i in included},
                       left_out, graph)  # fmt: skip
    return agg.unpack_sum(total, len(included), len(models[0]), BITS, n), masked


models_and_included = st.integers(2, 6).flatmap(
    lambda n: st.tuples(
        st.lists(st.lists(st.integers(-HALF + 1, HALF - 1), min_size=12, max_size=12),
                 min_size=n, max_size=n),
        st.sets(st.integers(0, n - 1), min_size=1),
    )
)  # fmt: skip


@settings(max_examples=15, deadline=None)
@given(models_and_included)
def test_the_sum_of_the_included_models_is_their_sum(case) -> None:
    models, included = case
    got, _ = run(models, included)
    assert got == [sum(models[i][k] for i in included) for k in range(12)]


def test_the_extreme_values_do_not_carry_into_the_next_slot() -> None:
    n = 6
    for value in (HALF - 1, -HALF + 1):
        got, _ = run([[value] * 20] * n, set(range(n)), reach=2)
        assert got == [n * value] * 20
    assert agg.slot_bits(BITS, 64) == 30 and agg.slot_bits(BITS, 65) == 31


def test_the_average_rounds_to_nearest() -> None:
    assert agg.average([7, -7, 6, -6, 5], 4) == [2, -2, 2, -1, 1]  # 1.75, −1.75, 1.5, −1.5
    assert agg.average([9, -9], 3) == [3, -3]
    with pytest.raises(InvalidInput):
        agg.average([1], 0)


def test_partners_agree_on_their_seed_the_point_that_py_ecc_computes() -> None:
    from py_ecc.bls.g2_primitives import G1_to_pubkey
    from py_ecc.optimized_bls12_381 import G1, multiply

    a, b = 123456789, 987654321
    seed = agg.pairwise_seed(a, bls.secret_to_public(b))
    assert seed == agg.pairwise_seed(b, bls.secret_to_public(a))
    shared = G1_to_pubkey(multiply(G1, a * b))
    from zkpot.hash.keccak import keccak256

    assert seed == int.from_bytes(keccak256(b"zkpot.aggregation.pair" + shared), "big") % R
    assert seed != agg.pairwise_seed(a, bls.secret_to_public(b + 1))
    assert agg.seed_commitment(seed) != agg.seed_commitment(seed + 1)
    with pytest.raises(InvalidInput):
        agg.pairwise_seed(a, b"\x00" * 48)


def test_a_mask_is_new_each_round_and_each_seed() -> None:
    m = agg.mask(5, 1, 9)
    assert len(m) == 9 and len(set(m)) == 9 and all(0 <= x < R for x in m)
    assert m == agg.mask(5, 1, 9) and m[:4] == agg.mask(5, 1, 4)
    assert not set(m) & set(agg.mask(5, 2, 9)) and not set(m) & set(agg.mask(6, 1, 9))


def test_partners_form_a_circle_where_each_pair_mask_is_added_once_and_subtracted_once() -> None:
    graph = agg.partners(8, 2)
    assert graph[0] == agg.Partners(added=(1, 2), subtracted=(7, 6))
    assert graph[3].all == (4, 5, 2, 1)
    for i, p in graph.items():
        for j in p.added:
            assert i in graph[j].subtracted and graph[j].sign(i) == -p.sign(j)
    assert {len(p.all) for p in graph.values()} == {4}
    assert agg.partners(3, 1) == {0: agg.Partners((1,), (2,)), 1: agg.Partners((2,), (0,)),
                                  2: agg.Partners((0,), (1,))}  # fmt: skip
    assert agg.partners(2, 0)[0].all == ()  # two participants: their own masks only
    assert agg.largest_reach(2, 3) == 0 and agg.largest_reach(5, 3) == 2
    assert agg.largest_reach(8, 1) == 1


def test_a_wrong_revealed_seed_leaves_a_mask_that_does_not_unpack() -> None:
    n, keys = 5, [21, 22, 23, 24, 25]
    public = [bls.secret_to_public(k) for k in keys]
    models = [[random.Random(i).randrange(-100, 100) for _ in range(10)] for i in range(n)]
    graph = agg.partners(n, 1)
    masked, own = masked_models(models, keys, graph, 1)
    included = {0, 1, 2, 3}  # 4 is left out: 3 and 0 are its partners
    left = {(i, 4): agg.pairwise_seed(keys[i], public[4]) for i in (3, 0)}
    good = agg.unmask({i: masked[i] for i in included}, 1, {i: own[i] for i in included}, left,
                      graph)  # fmt: skip
    assert agg.unpack_sum(good, 4, 10, BITS, n) == [sum(models[i][k] for i in included)
                                                    for k in range(10)]  # fmt: skip
    wrong = {**left, (0, 4): left[0, 4] + 1}
    bad = agg.unmask({i: masked[i] for i in included}, 1, {i: own[i] for i in included}, wrong,
                     graph)  # fmt: skip
    with pytest.raises(InvalidInput, match="not a sum of models"):
        agg.unpack_sum(bad, 4, 10, BITS, n)


def test_a_left_out_model_stays_masked_when_all_its_pair_seeds_are_revealed() -> None:
    """Double masking: 3's partners reveal every seed they share with it, and what is left
    of its masked model is still its own mask, which it never reveals."""
    n, keys = 5, [31, 32, 33, 34, 35]
    public = [bls.secret_to_public(k) for k in keys]
    graph = agg.partners(n, 2)
    models = [[7] * 10] * n
    masked, _ = masked_models(models, keys, graph, 1)
    unmasked = list(masked[3])
    for j in graph[3].all:
        m = agg.mask(agg.pairwise_seed(keys[j], public[3]), 1, 2)
        unmasked = [(u - graph[3].sign(j) * v) % R for u, v in zip(unmasked, m, strict=True)]
    assert unmasked != agg.pack_for_sum(models[3], BITS, n)
    with pytest.raises(InvalidInput):
        agg.unpack_sum(unmasked, 1, 10, BITS, n)


def test_the_rules_average_two_or_more_models_equally_within_the_bound() -> None:
    import numpy as np

    from zkpot.ml.model import Layer

    def model(values):
        return [Layer(np.array(values[:4]).reshape(2, 2), np.array(values[4:6]))]

    a, b, c = model([1, 2, 3, 4, 5, -5]), model([2, 2, 3, -4, 6, -6]), model([0, 1, 3, 0, 5, -6])
    got = agg.average_models([a, b, c])
    assert got[0].weight.tolist() == [[1, 2], [3, 0]] and got[0].bias.tolist() == [5, -6]
    flat = [[*m[0].weight.ravel(), *m[0].bias] for m in (a, b, c)]
    sums = [sum(col) for col in zip(*flat, strict=True)]
    assert [*got[0].weight.ravel(), *got[0].bias] == agg.average(sums, 3)  # the twin's path
    bound = 1 << 10
    top = agg.average_models([model([bound] * 6), model([bound - 1] * 6)])
    assert int(top[0].weight.max()) == bound  # rounds half up, and stays within the bound
    assert agg.passes_quality(20, 20) and not agg.passes_quality(19, 20)
    with pytest.raises(InvalidInput, match="at least 2"):
        agg.average_models([a])
    with pytest.raises(InvalidInput, match="shapes"):
        agg.average_models([a, [Layer(np.zeros((1, 2), dtype=np.int64), np.zeros(1))]])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: agg.pack_for_sum([HALF], BITS, 2), "outside"),
        (lambda: agg.unpack_sum([0], 3, 1, BITS, 2), "packed for at most 2"),
        (lambda: agg.unpack_sum([0, 0], 1, 1, BITS, 2), "2 packed elements for 1"),
        (lambda: agg.unmask({}, 1, {}, {}, GRAPH), "no models"),
        (lambda: agg.unmask({0: [1], 1: [1, 2]}, 1, {0: 1, 1: 1}, {}, GRAPH), "different lengths"),
        (lambda: agg.unmask({0: [1]}, 1, {}, {}, GRAPH), "own seed is not revealed"),
        (lambda: agg.unmask({0: [1]}, 1, {0: 1}, {(1, 0): 5}, GRAPH), "not an included"),
        (lambda: agg.unmask({0: [1]}, 1, {0: 1}, {(0, 2): 5}, GRAPH), "not an included"),
        (lambda: agg.partners(4, 2), "distinct"),
        (lambda: agg.partners(0, 0), "distinct"),
        (lambda: agg.Partners((1,), (2,)).sign(3), "not a partner"),
        (lambda: agg.slot_bits(BITS, 0), "at least one"),
    ],
)  # fmt: skip
def test_bad_input_is_refused(call, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        call()
