"""A participant's side of a round: train and prove, sign the contribution, reveal if it leads.

>>> from zkpot.curve import bls
>>> sk = 1234567
>>> public_key = bls.secret_to_public(sk)
>>> len(public_key)
48
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from zkpot.chain.genesis import Genesis
from zkpot.chain.messages import Contribution, Reveal, Unmask
from zkpot.curve import bls
from zkpot.field.bn254 import R
from zkpot.hash.keccak import keccak256
from zkpot.ml import aggregation as agg
from zkpot.ml.contribution import ContributionKeys, Proven, prove_contribution
from zkpot.ml.model import Layer
from zkpot.ml.statement import Rows, participant_id


def sign(unsigned: Contribution, secret_key: int) -> Contribution:
    """The contribution with the participant's BLS signature over its signing bytes."""
    return dataclasses.replace(unsigned, signature=bls.sign(secret_key, unsigned.signing_bytes()))


def message(proven: Proven, secret_key: int) -> Contribution:
    """The signed chain message of a proven contribution (proved for this key's participant).

    Raises:
        ValueError: if the proof was made for another participant than this key's.
    """
    public_key = bls.secret_to_public(secret_key)
    s = proven.contribution.statement
    if s.participant != participant_id(public_key):
        raise ValueError("the contribution was proven for another participant than this key")
    own = 0 if proven.seeds is None else agg.seed_commitment(proven.seeds.own)
    unsigned = Contribution(round=s.round, participant=public_key, global_model=s.global_model,
                            data_commitment=s.data_commitment,
                            model_commitment=s.model_commitment, accuracy=s.accuracy,
                            proof=proven.contribution.proof.to_bytes(), masked=proven.masked,
                            own_commitment=own)  # fmt: skip
    return sign(unsigned, secret_key)


def seeds(secret_key: int, round: int, genesis: Genesis) -> agg.Seeds | None:
    """A participant's seeds of a round in an averaging chain (``None`` for the winner
    rule): its own seed, new each round, and the seeds it shares with its partners.

    Raises:
        ValueError: the key is not a registered participant's.
    """
    if not genesis.spec.averaged:
        return None
    i = genesis.index(bls.secret_to_public(secret_key))
    if i is None:
        raise ValueError("this key is not a registered participant's")
    partners = genesis.partners[i]

    def shared(js: Sequence[int]) -> tuple[int, ...]:
        return tuple(agg.pairwise_seed(secret_key, genesis.participants[j].public_key)
                     for j in js)  # fmt: skip

    return agg.Seeds(agg.self_seed(secret_key, round), shared(partners.added),
                     shared(partners.subtracted))  # fmt: skip


def unmask(secret_key: int, round: int, genesis: Genesis, *, own: bool,
           partners: Sequence[int] = ()) -> Unmask:  # fmt: skip
    """A signed :class:`Unmask`: this participant's own seed of the round (if ``own``) and
    the seeds it shares with ``partners`` (indices)."""
    mine = seeds(secret_key, round, genesis)
    if mine is None:
        raise ValueError("unmasking is for an averaging chain")
    public_key = bls.secret_to_public(secret_key)
    i = genesis.index(public_key)
    assert i is not None  # seeds() checked it
    pairs = tuple((j, agg.pairwise_seed(secret_key, genesis.participants[j].public_key))
                  for j in sorted(set(partners)))  # fmt: skip
    unsigned = Unmask(round, public_key, mine.own if own else None, pairs)
    return dataclasses.replace(unsigned, signature=bls.sign(secret_key, unsigned.signing_bytes()))


def model_salt(secret_key: int, round: int) -> int:
    """The salt of a participant's model commitment in a round, derived from its secret key:
    unpredictable to others, and the same if the node proves the round again."""
    digest = keccak256(b"zkpot model salt %d %d" % (secret_key, round))
    return int.from_bytes(digest, "big") % R


def contribute(
    keys: ContributionKeys,
    secret_key: int,
    *,
    round: int,
    global_layers: Sequence[Layer],
    data: Rows,
    data_salt: int,
    test: Rows,
    **options: object,
) -> tuple[Contribution, Proven]:
    """Train one round, prove it and sign it: (the message to broadcast, the secrets to keep)."""
    participant = participant_id(bls.secret_to_public(secret_key))
    proven = prove_contribution(keys, round=round, participant=participant,
                                global_layers=global_layers, data=data, data_salt=data_salt,
                                test=test, **options)  # type: ignore[arg-type]  # fmt: skip
    return message(proven, secret_key), proven


def reveal(proven: Proven, public_key: bytes) -> Reveal:
    """The opening of the proven model's commitment, for the model store."""
    s = proven.contribution.statement
    return Reveal(s.round, public_key, tuple(proven.model), proven.model_salt)


__all__ = ["contribute", "message", "model_salt", "reveal", "seeds", "sign", "unmask"]
