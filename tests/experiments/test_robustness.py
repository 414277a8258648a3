"""Byzantine robustness: the four systems on one federation. ZKPoT never adopts a model
whose statement is false; claims and averaging fall to the attacks they cannot see; with
no Byzantine participant ZKPoT and learning-based consensus choose the same leaders."""

from __future__ import annotations

import pytest

from zkpot.errors import InvalidInput
from zkpot.experiments.robustness import Setting, run, step, submissions, world

SMALL = {"participants": 6, "rounds": 4, "fraction": 1 / 3}


def by_system(setting: Setting) -> dict:
    return {r.system: r for r in run(setting)}


@pytest.mark.parametrize("dataset", ["iris", "wine"])
def test_without_byzantine_participants_zkpot_chooses_as_learning_based_consensus(dataset) -> None:
    runs = by_system(Setting(dataset=dataset, participants=6, rounds=4, fraction=0.0))
    assert runs["zkpot"].leaders == runs["learning"].leaders
    assert runs["zkpot"].accuracy == runs["learning"].accuracy
    assert runs["zkpot"].accuracy[-1] > runs["zkpot"].accuracy[0]  # it learns


@pytest.mark.parametrize("attack", ["random", "scaled", "inflate", "swap"])
def test_zkpot_adopts_only_true_statements_and_opened_reveals(attack) -> None:
    w = world(Setting(attack=attack, **SMALL))
    layers = w.first
    for r in range(1, 5):
        subs = submissions(w, layers, r)
        layers, leader = step("zkpot", w, layers, subs)
        assert leader is not None and subs[leader].true
        assert layers is subs[leader].model
        if attack != "inflate":  # an inflating participant's honest model may still be best
            assert leader < 4  # the last two are Byzantine


def test_claims_fall_to_inflated_accuracy_and_averaging_to_random_models() -> None:
    inflate = by_system(Setting(attack="inflate", **SMALL))
    assert inflate["claims"].byzantine_leads == 4  # it claims every row, every round
    assert inflate["zkpot"].byzantine_leads == 0
    final = {fraction: sum(by_system(Setting(attack="random", seed=seed,
                                             **{**SMALL, "fraction": fraction}))["fedavg"]
                           .accuracy[-1] for seed in range(3))
             for fraction in (SMALL["fraction"], 0.0)}  # fmt: skip
    assert final[SMALL["fraction"]] < final[0.0]  # over three seeds: one can be lucky


def test_a_bad_setting_is_refused() -> None:
    for bad in ({"dataset": "mnist"}, {"attack": "bribe"}, {"fraction": 1.5}):
        with pytest.raises(InvalidInput):
            Setting(**bad)
    with pytest.raises(InvalidInput, match="system"):
        w = world(Setting(**SMALL))
        step("pow", w, w.first, submissions(w, w.first, 1))
