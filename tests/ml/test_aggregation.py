"""zkpot.ml.aggregation: the masks cancel in the sum of the included models, and only there.

The sum and the average are checked against plain integer arithmetic on random models
(hypothesis), with participants left out at random; the Diffie–Hellman seed against
py_ecc's BLS12-381; and what a wrong reveal or a left-out model's revealed seeds give.
The averaging rule: :func:`select` never keeps the global model with two contributions or
more, and still leaves out the worse ones; :func:`next_global` is plain integer arithmetic
on the average and the global model alone, within [−W, W].
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.curve import bls
from zkpot.errors import InvalidInput
from zkpot.field.bn254 import R
from zkpot.ml import aggregation as agg
from zkpot.ml.model import Layer
from zkpot.ml.statement import TrainingSpec

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


def model(values):
    """A 2-2 layer from six values: four weights, two biases."""
    return [Layer(np.array(values[:4]).reshape(2, 2), np.array(values[4:6]))]


def flat(layers) -> list[int]:
    return [int(v) for layer in layers for part in (layer.weight, layer.bias) for v in part.ravel()]


def test_the_rules_average_two_or_more_models_equally_within_the_bound() -> None:
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


# -- the averaging rule -------------------------------------------------------------------

accuracy_lists = st.lists(st.integers(0, 40), min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(accuracy_lists, st.integers(0, 40))
def test_select_never_stalls_and_keeps_the_better_ones(accuracies, bar) -> None:
    chosen = agg.select(accuracies, bar)
    n = len(accuracies)
    if n < agg.MIN_INCLUDED:
        assert chosen == []  # one model cannot be averaged without publishing it
        return
    assert len(chosen) >= agg.MIN_INCLUDED  # never keeps the global model: no stall
    assert chosen == sorted(set(chosen)) and all(0 <= i < n for i in chosen)
    worst = min(accuracies[i] for i in chosen)
    # closed upwards: nobody left out is at least as accurate as someone chosen
    assert all(a < worst for i, a in enumerate(accuracies) if i not in chosen)
    passing = [i for i, a in enumerate(accuracies) if a >= bar]
    if len(passing) >= agg.MIN_INCLUDED:
        assert chosen == passing  # the quality rule, whenever two pass it
    else:  # the better half: at least max(2, ⌈n/2⌉), more only for ties at the boundary
        m = max(agg.MIN_INCLUDED, -(-n // 2))
        assert len(chosen) >= m
        assert len([i for i in chosen if accuracies[i] > worst]) < m


@settings(max_examples=100, deadline=None)
@given(accuracy_lists, st.integers(0, 40), st.randoms(use_true_random=False))
def test_select_depends_on_the_accuracies_not_their_order(accuracies, bar, rng) -> None:
    order = list(range(len(accuracies)))
    rng.shuffle(order)
    shuffled = [accuracies[i] for i in order]
    assert sorted(order[j] for j in agg.select(shuffled, bar)) == agg.select(accuracies, bar)


def test_select_on_the_rounds_that_used_to_stall() -> None:
    # nobody reaches the global model: the old rule kept it, for ever
    assert agg.select([15, 19, 14, 16, 17, 19, 16, 17], 20) == [1, 4, 5, 7]
    assert agg.select([3, 9, 1], 10) == [0, 1]  # three: the better two
    assert agg.select([5, 5, 5, 5], 6) == [0, 1, 2, 3]  # all tie: all in
    # label flipping: the two poisoned models fall below the global model's 25
    assert agg.select([25, 26, 25, 27, 26, 25, 21, 22], 25) == [0, 1, 2, 3, 4, 5]
    assert agg.select([26, 24], 25) == [0, 1] and agg.select([26], 25) == []
    for bad in ([1, -1], [1, 2.0], [True, 2]):
        with pytest.raises(InvalidInput):
            agg.select(bad, 0)
    with pytest.raises(InvalidInput):
        agg.select([1, 2], -1)


SPEC = TrainingSpec(sizes=(2, 2))
W = SPEC.weight_bound
weights = st.integers(-W, W)


def expected_next(global_values, models) -> list[int]:
    """The rule in plain integers: the average to nearest, half up; four times its
    update from the global model; clamped to ±W."""
    n, step = len(models), 1 << agg.LOG2_SERVER_STEP
    out = []
    for k, g in enumerate(global_values):
        mean = (sum(m[k] for m in models) + n // 2) // n
        out.append(max(-W, min(W, g + step * (mean - g))))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(weights, min_size=6, max_size=6),
       st.lists(st.lists(weights, min_size=6, max_size=6), min_size=2, max_size=8))  # fmt: skip
def test_next_global_is_exact_integer_arithmetic_within_the_bound(global_values, models) -> None:
    got = flat(agg.next_global(model(global_values), [model(m) for m in models], SPEC))
    assert got == expected_next(global_values, models)
    assert all(-W <= v <= W for v in got)


def test_next_global_steps_four_times_and_clamps_to_w() -> None:
    assert agg.LOG2_SERVER_STEP == 2
    g = model([0, 0, 0, 0, W, -W])
    a, b = model([10, -10, 3, W, W, -W]), model([11, -11, 4, W - 1, W - 3, -W])
    # averages 10.5 → 11, −10.5 → −10, 3.5 → 4, W − 0.5 → W, W − 1.5 → W − 1, −W
    got = flat(agg.next_global(g, [a, b], SPEC))
    assert got == [44, -40, 16, W, W - 4, -W]  # 0 + 4·W is clamped to W
    far = model([-W, W, -W, W, -W, W])  # 4 and 8 times W away from the average: clamped
    assert flat(agg.next_global(far, [g, g], SPEC)) == [W, -W, W, -W, W, -W]


def test_next_global_depends_on_the_average_only() -> None:
    g = model([100, -200, 300, 0, 5, -5])
    one = [model([1, 2, 3, 4, 5, 6]), model([7, 8, 9, 10, 11, 12])]
    other = [model([4, 5, 6, 7, 8, 9]), model([4, 5, 6, 7, 8, 9])]  # the same average
    three = [model([3, 4, 5, 6, 7, 8]), model([4, 5, 6, 7, 8, 9]), model([5, 6, 7, 8, 9, 10])]
    want = flat(agg.next_global(g, one, SPEC))
    assert want == flat(agg.next_global(g, other, SPEC)) == flat(agg.next_global(g, three, SPEC))
    average = agg.average_models(one)
    assert want == flat(agg.next_global(g, [average, average], SPEC))
    with pytest.raises(InvalidInput, match="at least 2"):
        agg.next_global(g, one[:1], SPEC)
    with pytest.raises(InvalidInput, match="shape"):
        agg.next_global(model([0] * 6) * 2, one, SPEC)


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


def test_the_server_step_is_chosen_on_the_public_test_rows(monkeypatch) -> None:
    """With the test rows, the step is the one of 4, 2 and 1 times whose model classifies
    the most of them, a tie to the larger; the search is exercised (some cases choose a
    smaller step than 4)."""
    import numpy as np

    from zkpot.ml.statement import Rows, count_correct

    rng = np.random.default_rng(7)
    smaller = 0
    for _ in range(40):
        g = model(list(rng.integers(-W // 4, W // 4, 6)))
        average = model(list(rng.integers(-W // 4, W // 4, 6)))
        test = Rows(rng.integers(-(1 << 17), 1 << 17, (6, 2)), rng.integers(0, 2, 6))
        candidates = []
        for k in (2, 1, 0):
            monkeypatch.setattr(agg, "LOG2_SERVER_STEP", k)
            candidates.append(flat(agg.server_step(g, average, SPEC)))
        monkeypatch.setattr(agg, "LOG2_SERVER_STEP", 2)
        got = flat(agg.server_step(g, average, SPEC, test))
        scores = [count_correct(model(c), test, SPEC) for c in candidates]
        assert got == candidates[scores.index(max(scores))]
        smaller += got != candidates[0]
    assert smaller > 0


def test_with_partners_leaves_out_a_participant_whose_partners_are_all_left_out() -> None:
    """On a circle of 4 with 2 partners each, 0 and 2 are not partners: averaged alone,
    each one's pair seeds would all be revealed. 0 and 1 are partners."""
    graph = agg.partners(4, 1)
    assert agg.with_partners([0, 2], graph) == []
    assert agg.with_partners([0, 1, 2], graph) == [0, 1, 2]
    assert agg.with_partners([0, 1, 3], graph) == [0, 1, 3]
    six = agg.partners(6, 1)  # 0–1 partners, 3 alone among its partners 2 and 4
    assert agg.with_partners([0, 1, 3], six) == [0, 1]
    assert agg.with_partners([0, 1], agg.partners(2, 0)) == [0, 1]  # no pair masks at all


def test_averaged_adds_the_next_best_when_the_chosen_are_not_partners() -> None:
    """On a circle of 8 with 6 partners each, 0 and 4 are the only pair that is not: the
    rule chooses them (the only ones at least as accurate as the global model), so the
    next best joins — the lower index of the two tied — and all three are averaged."""
    graph = agg.partners(8, 3)
    accuracies = {0: 20, 1: 15, 2: 17, 3: 17, 4: 21, 5: 10, 6: 12, 7: 9}
    assert agg.select(list(accuracies.values()), 20) == [0, 4]
    assert agg.averaged(accuracies, 20, graph) == [0, 2, 4]
    assert agg.averaged(accuracies, 17, graph) == [0, 2, 3, 4]  # partners already
    assert agg.averaged({0: 20, 4: 21}, 20, graph) == []  # nobody to add: the model stays
