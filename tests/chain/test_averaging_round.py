"""An averaging round end to end on the simulator (issue 28): five members; p4 reveals an
own seed that does not open its commitment, p5 withholds its own. Every node refuses the
wrong seed, so both are left out: the final block's aggregate averages p1, p2 and p3,
whose partners revealed the seeds they share with p4 and p5, and no message or stored
row carries any participant's model or data."""

from __future__ import annotations

import json

import pytest

from tests.chain.conftest import AVERAGED as AVG
from tests.chain.test_node import _contains, _int_arrays
from zkpot.chain import federation as fed
from zkpot.chain import participant as part
from zkpot.chain.messages import Aggregate
from zkpot.ml import aggregation as agg
from zkpot.ml.statement import flatten, model_hash


@pytest.fixture(scope="module")
def outcome(averaged_keys):
    federation = fed.build(5, seed=3, spec=AVG, byzantine=["wrong-seed", "withhold-seed"],
                           keys=averaged_keys)  # fmt: skip
    prover = fed.ParallelProver(federation, workers=1)
    sim = fed.simulate(federation, seed=3, prover=prover, last_round=1)
    honest = [sim.nodes[m.name] for m in federation.members if m.behaviour is None]
    sim.run(until=10_000, stop=lambda: any(n.store.head()[0] >= 1 for n in honest))
    node = next(n for n in honest if n.store.head()[0] >= 1)
    block, _ = node.store.block(1)
    return {"federation": federation, "prover": prover, "node": node, "block": block,
            "sim": sim}  # fmt: skip


def test_the_final_block_averages_the_members_that_revealed_their_seeds(outcome) -> None:
    node, block, prover = outcome["node"], outcome["block"], outcome["prover"]
    a = node.store.reveal(block.reveal)
    assert isinstance(a, Aggregate)
    assert a.included == (0, 1, 2)  # p4's own seed was wrong, p5 withheld its own
    # p1 revealed the seed it shares with p5, p3 the one it shares with p4
    assert [(i, j) for i, j, _ in a.pairs] == [(0, 4), (2, 3)]
    refused = [why for n in outcome["sim"].nodes.values() for _, why in n.rejected]
    assert any("own seed does not open" in why for why in refused)
    key = outcome["federation"].genesis.model_hash
    models = [prover.done[1, key, i + 1][1].model for i in a.included]
    first = outcome["federation"].genesis.global_model
    assert flatten(a.model) == flatten(
        agg.next_global(first, models, AVG, outcome["federation"].genesis.test)
    )
    assert block.global_model == model_hash(a.model, AVG)
    assert node.global_layers is not None and flatten(node.global_layers) == flatten(a.model)


def test_no_participants_model_or_data_is_published(outcome) -> None:
    """The leak test: every message the simulated chain sent and every row each node
    stored, against every member's data rows and proven model (the withholder's too)."""
    federation, sim = outcome["federation"], outcome["sim"]
    key = federation.genesis.model_hash
    secrets = [tuple(flatten(outcome["prover"].done[1, key, i][1].model)) for i in range(1, 6)]
    secrets += [tuple(int(v) for v in row) for m in federation.members
                for row in m.role.data.x if row.any()]  # fmt: skip
    texts = [json.loads(data) for _, _, data in sim.log]
    for n in sim.nodes.values():
        with n.store._read() as c:  # every table's rows
            tables = [t for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            texts += [json.loads(v) for t in tables for row in c.execute(f"SELECT * FROM {t}")
                      for v in row if isinstance(v, str) and v.startswith(("{", "["))]  # fmt: skip
    assert len(texts) > 50
    arrays = [array for text in texts for array in _int_arrays(text)]
    assert any(len(a) == AVG.n_params for a in arrays)  # the average, published by design
    for array in arrays:
        for secret in secrets:
            assert not _contains(array, secret), "a private sequence leaked"
    # the check sees a published model: a reveal's JSON holds it
    proven = outcome["prover"].done[1, key, 1][1]
    reveal = part.reveal(proven, federation.members[0].public_key)
    assert any(_contains(a, secrets[0]) for a in _int_arrays(reveal.to_json()))
