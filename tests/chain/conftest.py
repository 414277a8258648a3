"""What the chain's tests share: one tiny spec, its keys (made once per session), the Iris task
split three ways, a genesis for given keys and roles, and a store filled with final blocks."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from zkpot.chain.genesis import Genesis, Registration, TestSet, unflatten
from zkpot.chain.messages import Block, Certificate, Reveal
from zkpot.chain.node import ParticipantRole
from zkpot.chain.rules import NO_REVEAL, NOBODY
from zkpot.chain.store import ChainStore
from zkpot.curve import bls
from zkpot.ml.contribution import ContributionKeys, dev_srs, setup
from zkpot.ml.statement import TrainingSpec, data_commitment
from zkpot.ml.task import Task, iris_task

SPEC = TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2)
"""A 4-2-3 network, one step of two rows, two test rows: a proof in seconds."""


@pytest.fixture(scope="session")
def tiny_keys() -> ContributionKeys:
    return setup(SPEC, dev_srs(SPEC))


AVERAGED = dataclasses.replace(SPEC, participants=5, reach=1)
"""The same network for private averaging: up to 5 participants, 2 partners each."""


@pytest.fixture(scope="session")
def averaged_keys() -> ContributionKeys:
    return setup(AVERAGED, dev_srs(AVERAGED))


@pytest.fixture(scope="session")
def tiny_task() -> Task:
    return iris_task(3, seed=0, spec=SPEC)


def make_genesis(
    name: str, task: Task, validators: Sequence[int], roles: Sequence[ParticipantRole]
) -> Genesis:
    """A genesis of the task with these validator keys and registered participants, and its
    test set opened (a zero salt: these tests do not need it to hide anything)."""
    test = TestSet(task.test, bytes(32))
    return Genesis(
        name=name, spec=SPEC, test_commitment=test.commitment,
        global_model=tuple(task.global_layers),
        ceremony=bytes(32), validators=tuple(bls.secret_to_public(sk) for sk in validators),
        validator_pops=tuple(bls.pop_prove(sk) for sk in validators),
        participants=tuple(Registration.of(r.secret_key, data_commitment(r.data, r.data_salt, SPEC))
                           for r in roles),
    ).opened(test)  # fmt: skip


def fill(store: ChainStore, genesis: Genesis, count: int, *, reveals: bool = True,
         leader: int = 7) -> None:  # fmt: skip
    """Finalize ``count`` more blocks in ``store`` (of ``genesis``): every third one the
    empty block, the others led by the participant of secret key ``leader``, whose reveal
    of a model of its own the store holds (none if not ``reveals``). The certificates'
    signatures are fake: the store checks none."""
    store.init_genesis(genesis)
    proposer = bls.secret_to_public(leader)
    for _ in range(count):
        height, head = store.head()
        height += 1
        if height % 3 == 0:
            block = Block(height, head, NOBODY, height, NO_REVEAL, (), 0)
        else:
            values = [(i * height) % 5 - 2 for i in range(genesis.spec.n_params)]
            reveal = Reveal(height, proposer, unflatten(values, genesis.spec), salt=height)
            if reveals:
                store.put_reveal(reveal)
            block = Block(height, head, proposer, height, reveal.hash, (), 1700000000 + height)
        store.finalize(block, Certificate(height, block.hash, (0, 1, 2), bytes(96)))
