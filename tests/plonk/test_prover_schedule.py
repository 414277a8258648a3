"""The prover's rounds read as the paper's steps; what runs on the workers, and when, is
decided in one place (``zkpot.plonk.prover._Schedule``), and decided as it should be.

The rounds store polynomials and ask for commitments and values on round 3's coset; the
schedule starts each ahead, from its table. These tests keep the scheduling out of the
rounds and the steps they call, check that the table names everything the rounds ask
for and starts it before they ask, and pin the order in which work joins the workers'
queue: each round's commitments, which the next challenge needs, ahead of the values
on the coset, which only round 3 needs.
"""

from __future__ import annotations

import inspect
import io
import random
import tokenize

import pytest

from zkpot.curve import bn254
from zkpot.curve.parallel import PointTable
from zkpot.hash.poseidon import permute
from zkpot.plonk import Circuit, custom, lookup, preprocess, prove, prover, verify
from zkpot.plonk import poseidon_circuit as pc
from zkpot.plonk.keys import srs_size
from zkpot.plonk.tables import Table
from zkpot.poly.kzg import SRS

STEPS = [prover.round_1, prover.round_2, prover.round_3, prover.round_4, prover.round_5,
         lookup.prover_round_1, lookup.draw_challenges, lookup.prover_round_2,
         lookup.quotient_terms, lookup.evaluations, lookup.linearisation_terms,
         lookup.opened_at_xi, custom.quotient_terms, custom.evaluations,
         custom.linearisation_terms, custom.opened_at_xi, custom.opened_at_xiw]  # fmt: skip
"""The rounds and the lookup's and custom gates' steps that they call."""

SCHEDULING = {"submit", "submit_commitments", "Pending", "get", "then", "table_for", "map",
              "_start_on_coset", "_on_coset", "running", "workers", "commit_polynomials",
              "_commit", "schedule", "_Schedule"}  # fmt: skip
"""Names of the workers' machinery, which the rounds' code (comments aside) must not use."""


def circuit(lookups: bool, custom_gates: bool) -> tuple[Circuit, dict[str, int]]:
    """A small circuit, with lookups and a Poseidon permutation in custom gates, or not."""
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    if lookups:
        c.lookup(Table.range(3), x)
    if custom_gates:
        c.assert_equal(pc.permute_rows(c, [0, x, c.pow5(x)])[0], out)
        return c, {"x": 3, "out": permute([0, 3, pow(3, 5, bn254.R)])[0]}
    c.assert_equal(c.add(c.mul(x, x), 5), out)
    return c, {"x": 3, "out": 14}


@pytest.fixture(scope="module", params=[(False, False), (True, True)], ids=["plain", "both"])
def keys(request):
    c, inputs = circuit(*request.param)
    pk, vk = preprocess(c, SRS.from_tau(0x5CED, srs_size(c)))
    return pk, vk, inputs


def test_the_rounds_and_their_steps_name_no_scheduling() -> None:
    for step in STEPS:
        tokens = tokenize.generate_tokens(io.StringIO(inspect.getsource(step)).readline)
        found = {token.string for token in tokens if token.type == tokenize.NAME} & SCHEDULING
        assert not found, f"{step.__module__}.{step.__name__} schedules work itself: {found}"


def test_the_table_names_what_the_rounds_ask_for_and_starts_it_before(keys, monkeypatch):
    """Every commitment a round sends, and every polynomial round 3 uses on the coset,
    is a row of the schedule's table, and was started before the round asked for it."""
    pk, vk, inputs = keys
    schedule = prover._Schedule
    asked: dict[str, dict[str, bool]] = {"commitment": {}, "on coset": {}}
    commitments, on_coset = schedule.commitments, schedule.on_coset

    def asked_commitments(self, name):
        asked["commitment"][name] = name in self.committing
        return commitments(self, name)

    def asked_on_coset(self, name):
        asked["on coset"][name] = name in self.coset
        return on_coset(self, name)

    monkeypatch.setattr(schedule, "commitments", asked_commitments)
    monkeypatch.setattr(schedule, "on_coset", asked_on_coset)
    assert verify(vk, [inputs["out"]], prove(pk, inputs, rng=random.Random(1)))
    table = schedule.AHEAD
    committed = {n for n, ahead in table.items() if {prover.COMMITMENT, prover.PARTS} & {*ahead}}
    on_the_coset = {name for name, ahead in table.items() if prover.ON_COSET in ahead}
    if pk.vk.lookup is None:
        committed -= {"m", "phi"}
        on_the_coset -= {"m", "phi"}
    assert set(asked["commitment"]) == committed
    assert set(asked["on coset"]) == on_the_coset
    late = [f"{what} of {name}" for what, names in asked.items() for name, started in
            names.items() if not started]  # fmt: skip
    assert not late, f"started only when a round asked: {late}"


def test_commitments_join_the_queue_ahead_of_values_only_round_3_needs(keys, monkeypatch):
    """The order in which work joins the workers' queue: each round's commitments first,
    then, in one batch, the values on round 3's coset of what is known so far."""
    pk, _, inputs = keys
    log: list[str] = []
    states: list[prover._State] = []
    start, submit = prover._Schedule.__init__, PointTable.submit

    def starts(self, s):
        states.append(s)
        start(self, s)

    def submits(self, scalar_lists, function=None, arguments=(), **kwargs):
        polys = states[-1].polys
        for name in prover._Schedule.AHEAD:
            value = polys.get(name)
            if value is not None and any(s == value or (name == "t" and s in value)
                                         for s in scalar_lists):  # fmt: skip
                log.append(f"[{name}]")
        if function is not None:
            log.append(f"{function.__name__} of {len(arguments)}")
        return submit(self, scalar_lists, function, arguments, **kwargs)

    monkeypatch.setattr(prover._Schedule, "__init__", starts)
    monkeypatch.setattr(PointTable, "submit", submits)
    prove(pk, inputs, rng=random.Random(1))
    factor = prover.quotient_factor(pk.vk)
    coset = "subcoset_values of {}".format  # one task per coset of H, for each polynomial
    inverse = f"subcoset_coefficients of {factor}"  # the quotient's, from its values
    if pk.vk.lookup is None:
        expected = ["[a]", "[b]", "[c]", coset(4 * factor), "[z]", coset(factor), inverse,
                    "[t]", "[w_xiw]", "[w_xi]"]  # fmt: skip
    else:  # a, b, c, m and PI on the coset; then z and φ
        expected = ["[a]", "[b]", "[c]", "[m]", coset(5 * factor), "[z]", "[phi]",
                    coset(2 * factor), inverse, "[t]", "[w_xiw]", "[w_xi]"]  # fmt: skip
    assert log == expected
