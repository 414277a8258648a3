"""The fault-and-attack suite: its metrics on hand-made stores, its hostile messages, and
``zkpot chaos --quick`` itself on real node processes, whose every scenario must be ok."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.chain.test_store import contribution, grow, make_genesis, next_block
from zkpot.chain import attacks, chaos
from zkpot.chain.encoding import MAX_MESSAGE_BYTES, MessageError, decode
from zkpot.chain.messages import MAX_PROOF_BYTES, Contribution
from zkpot.chain.store import ChainStore
from zkpot.cli import main
from zkpot.curve import bls

FIELDS = {"name", "blocks_final", "heights_lost", "forks", "rss_before_mb", "rss_after_mb",
          "outsider_disk_bytes", "catch_up_s", "stop_s", "ok"}  # fmt: skip
"""The issue's report schema: every scenario has these (and may say more in ``detail``)."""


def stores(tmp_path: Path, lengths: list[int]) -> list[Path]:
    """One store per length, each that many blocks of the same chain."""
    paths = []
    for i, length in enumerate(lengths):
        paths.append(tmp_path / f"node-{i}.sqlite")
        with ChainStore(paths[-1]) as store:
            store.init_genesis(make_genesis())
            grow(store, length)
    return paths


def test_read_chain_gives_heights_and_hashes_and_nothing_for_a_missing_file(tmp_path) -> None:
    path = stores(tmp_path, [3])[0]
    chain = chaos.read_chain(path)
    with ChainStore(path) as store:
        assert chain == {b.height: b.hash.hex() for b, _ in store.blocks()}
    assert chaos.read_chain(tmp_path / "absent.sqlite") == {}


def test_forks_are_the_heights_where_two_stores_hold_different_blocks(tmp_path) -> None:
    a, b = stores(tmp_path, [3, 2])
    with ChainStore(b) as store:  # block 3 of b: another timestamp, so another block
        block, certificate = next_block(store, timestamp=42)
        store.finalize(block, certificate)
    chains = [chaos.read_chain(a), chaos.read_chain(b)]
    assert chaos.forks(chains) == {3}
    assert chaos.forks([chains[0], chains[0], {}]) == set()
    assert chaos.forks([{1: "x", 2: "y"}, {1: "x"}, {1: "z"}]) == {1}


def test_heights_lost_are_those_seen_final_and_missing_from_the_store() -> None:
    chains = {1: {1: "a", 2: "b", 3: "c"}, 2: {1: "a"}, 3: {}}
    assert chaos.lost({1: 3, 2: 3, 3: 0}, chains) == {(2, 2), (2, 3)}
    assert chaos.lost({1: 2, 2: 1}, chains) == set()
    assert chaos.lost({4: 1}, chains) == {(4, 1)}  # a node whose store is gone


def test_outsider_bytes_are_the_rows_an_outsider_put_in_a_store(tmp_path) -> None:
    path = stores(tmp_path, [1])[0]
    registered = {r.public_key.hex() for r in make_genesis().participants}
    outsider = Contribution(round=2, participant=bls.secret_to_public(99), global_model=5,
                            data_commitment=1, model_commitment=2, accuracy=0,
                            proof=b"\x01" * 4096, signature=b"\x02" * 96)  # fmt: skip
    forged = contribution(2, 1, accuracy=2)  # a registered key, sent by the attacker
    with ChainStore(path) as store:
        store.put_contribution(contribution(2, 0), None)
        store.put_contribution(outsider, "not a registered participant")
        store.put_contribution(forged, "the signature does not verify")
    rows = chaos.outsider_rows(path, registered, sent={forged.hash.hex()})
    assert set(rows) == {outsider.hash.hex(), forged.hash.hex()}
    assert rows[outsider.hash.hex()] > 2 * 4096  # the proof, in hex
    assert chaos.outsider_rows(path, registered, sent=set()).keys() == {outsider.hash.hex()}
    assert chaos.outsider_rows(tmp_path / "absent.sqlite", registered, set()) == {}


def test_the_attackers_messages_are_what_they_claim_to_be() -> None:
    rng = random.Random(0)
    registered = [bls.secret_to_public(7)]
    own = attacks.outsider_contribution(5, registered, 0, 0, rng)
    claimed = attacks.outsider_contribution(5, registered, 1, 0, rng)
    assert own.round == claimed.round == 5 and len(own.proof) == 4096
    assert own.participant not in registered and claimed.participant == registered[0]
    assert bls.verify(own.participant, own.signing_bytes(), own.signature)
    assert not bls.verify(claimed.participant, claimed.signing_bytes(), claimed.signature)
    later = attacks.next_round_contribution(6, 0, rng)
    framed = chaos._contribution_frame(
        chaos.Context(None, chaos.QUICK, 1, [], set(), rng, 0, print),  # type: ignore[arg-type]
        later,
    )
    assert MAX_MESSAGE_BYTES - 4096 < len(framed) <= MAX_MESSAGE_BYTES
    body = decode(framed)["body"]  # a well-formed message, whose proof no node reads
    assert body["round"] == 6 and len(body["proof"]) > 2 * MAX_PROOF_BYTES
    with pytest.raises(MessageError, match=f"at most {MAX_PROOF_BYTES} bytes"):
        Contribution.from_json(body)
    one, two = attacks.junk(rng, MAX_MESSAGE_BYTES - 1024), attacks.junk(rng, 1000)
    assert len(one) <= MAX_MESSAGE_BYTES and one != two and decode(two)["type"] == "vote"
    assert decode(attacks.sync(1)) == {"type": "sync", "body": {"height": 1}}


@pytest.mark.slow
def test_zkpot_chaos_quick_reports_every_scenario_ok(tmp_path, capsys) -> None:
    """The quick suite on four node processes: the report has the issue's schema, one line
    per scenario, and every scenario is ok (heights_lost 0, forks 0, outsider_disk_bytes 0,
    stop_s ≤ 10, blocks final, bounded memory, answered requests)."""
    report = tmp_path / "chaos.json"
    port = random.Random().randrange(20_000, 30_000, 20)
    status = main(["chaos", "--quick", "--report", str(report), "--dir", str(tmp_path / "net"),
                   "--base-port", str(port)])  # fmt: skip
    document = json.loads(report.read_text())
    scenarios = document["scenarios"]
    assert [s["name"] for s in scenarios] == [name for name, _, _ in chaos.SCENARIOS]
    for s in scenarios:
        assert set(s) >= FIELDS, s
    failed = {s["name"]: s["detail"]["failed"] for s in scenarios if not s["ok"]}
    assert failed == {} and status == 0, json.dumps(failed, indent=1)
    table = capsys.readouterr().out.splitlines()  # a line a scenario, in 80 columns
    assert [line.split()[:2] for line in table[1:]] == [[s["name"], "ok"] for s in scenarios]
    assert max(map(len, table)) <= 80
