"""The rogue-key forgery of consensus, replayed: a validator that registers
pk = a·G − (the other validators' keys) signs alone for all of them. The genesis refuses
such a key (no proof of possession can be made for it), and a node adopts a final block
only if the block passes the rules, whatever its certificate."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.chain.conftest import make_genesis
from zkpot.chain.encoding import MessageError
from zkpot.chain.genesis import Genesis, Registration, possesses
from zkpot.chain.messages import PRECOMMIT, Block, Certificate, vote_message
from zkpot.chain.node import Node, envelope
from zkpot.chain.rules import NO_REVEAL, NOBODY, empty_block
from zkpot.chain.store import ChainStore
from zkpot.curve import bls
from zkpot.curve.bls12_381 import G1

HONEST = [5100, 5101, 5102]  # three honest validators' secret keys
ATTACKER = 777  # the secret the attacker really knows


def rogue_key() -> bytes:
    """pk = a·G − Σ honest keys: the attacker does not know its secret, but the sum of all
    four keys is a·G, whose secret it knows."""
    point = G1.generator() * ATTACKER
    for sk in HONEST:
        point = point - G1.from_bytes(bls.secret_to_public(sk))
    return point.to_bytes()


def test_without_proofs_of_possession_one_signature_passes_for_a_quorum() -> None:
    """The attack itself: the aggregate of all four keys is a·G, so a's lone signature
    verifies as the four validators' aggregate."""
    keys = [bls.secret_to_public(sk) for sk in HONEST] + [rogue_key()]
    message = vote_message(1, bytes(32), 0, PRECOMMIT)
    assert bls.fast_aggregate_verify(keys, message, bls.sign(ATTACKER, message))


@pytest.mark.parametrize("pop", ["its own", "of a", "of a random key", "of an honest key"])
def test_the_genesis_refuses_a_key_without_its_proof_of_possession(tiny_task, pop) -> None:
    genesis = make_genesis("honest", tiny_task, [*HONEST, ATTACKER], [])
    rogue = rogue_key()
    proofs = {"its own": genesis.validator_pops[3], "of a": bls.pop_prove(ATTACKER),
              "of a random key": bls.pop_prove(12345),
              "of an honest key": genesis.validator_pops[0]}  # fmt: skip
    with pytest.raises(MessageError, match="proof of possession"):
        dataclasses.replace(genesis, validators=(*genesis.validators[:3], rogue),
                            validator_pops=(*genesis.validator_pops[:3], proofs[pop]))  # fmt: skip


def test_a_genesis_file_without_proofs_is_refused(tiny_task) -> None:
    genesis = make_genesis("honest", tiny_task, HONEST, [])
    data = json.loads(json.dumps(genesis.to_json()))
    assert Genesis.from_json(data).hash == genesis.hash  # the proofs round-trip
    for entry in data["validators"]:
        del entry["pop"]
    with pytest.raises(MessageError, match="missing \\['pop'\\]"):
        Genesis.from_json(data)
    data = json.loads(json.dumps(genesis.to_json()))
    data["validators"][1]["pop"] = data["validators"][0]["pop"]  # another key's proof
    with pytest.raises(MessageError, match="validator 1"):
        Genesis.from_json(data)


def test_participants_prove_possession_too(tiny_task) -> None:
    genesis = make_genesis("honest", tiny_task, HONEST, [])
    good = Registration.of(4242, 99)
    assert possesses(good.public_key, good.pop)
    forged = Registration(good.public_key, 99, bls.pop_prove(4243))
    with pytest.raises(MessageError, match="participant 1"):
        dataclasses.replace(genesis, participants=(forged,))


def final_message(genesis: Genesis, block: Block, signers: list[int]) -> bytes:
    """A ``final`` message for ``block`` whose certificate the validators ``signers`` sign."""
    message = vote_message(block.height, block.hash, 0, PRECOMMIT)
    secrets = [*HONEST, ATTACKER]
    signature = bls.aggregate([bls.sign(secrets[i], message) for i in signers])
    certificate = Certificate(block.height, block.hash, tuple(signers), signature, 0)
    body = {"block": block.to_json(), "certificate": certificate.to_json(), "reveal": None,
            "contributions": []}  # fmt: skip
    return envelope("final", body)


def test_a_certified_block_that_breaks_the_rules_is_not_adopted(tiny_keys, tiny_task) -> None:
    """Even a quorum's signatures do not make a node adopt a block with no contribution and
    a global model of the signers' choosing: catch-up checks the block like a proposal."""
    genesis = make_genesis("catch-up", tiny_task, [*HONEST, ATTACKER], [])
    node = Node(genesis, tiny_keys, ChainStore(":memory:"))
    chosen = Block(1, genesis.hash, NOBODY, 12345, NO_REVEAL, (), 0)
    node.receive(1.0, final_message(genesis, chosen, [1, 2, 3]))
    assert node.store.head()[0] == 0
    assert any("breaks the rules" in why for _, why in node.rejected), node.rejected
    # the same quorum's certificate on the round's empty block (the global model unchanged)
    empty = empty_block(node.ctx)
    node.receive(2.0, final_message(genesis, empty, [1, 2, 3]))
    assert node.store.head() == (1, empty.hash)
    assert node.global_layers == tuple(genesis.global_model)


def test_a_certificate_short_of_a_quorum_is_refused(tiny_keys, tiny_task) -> None:
    genesis = make_genesis("catch-up", tiny_task, [*HONEST, ATTACKER], [])
    node = Node(genesis, tiny_keys, ChainStore(":memory:"))
    node.receive(1.0, final_message(genesis, empty_block(node.ctx), [3]))
    assert node.store.head()[0] == 0
    assert any("no quorum" in why for _, why in node.rejected)
