"""The genesis: everything a ZKPoT chain agrees on before its first round.

A task publisher writes it once:

- the task: the :class:`~zkpot.ml.statement.TrainingSpec` (network, fixed-point format,
  learning rate, batch, steps, test rows);
- a *commitment* to the test set (:class:`TestSet`: Keccak-256 of its rows and a random
  32-byte salt), not the rows;
- the initial global model (integers in the spec's format, every parameter within the
  spec's weight bound W: see :mod:`zkpot.ml.headroom`), and so its hash;
- the SRS: the digest of the powers-of-tau ceremony's transcript that made it
  (:attr:`zkpot.poly.ceremony.Powers.digest`), which a node checks its SRS against;
- the validators' BLS public keys, in order (a vote names its validator by index);
- the registered participants: each one's BLS public key and data commitment, in an
  order that names them: the N-th is ``pN`` (:attr:`Genesis.participant_names`), on the
  terminal and on a node's watch page alike;
- for an averaging spec (``spec.participants``), each participant's commitments to the
  seeds it shares with its partners on the circle of the participants' order
  (:mod:`zkpot.ml.aggregation`); two partners' commitments to one seed must be equal;
- for every key, its **proof of possession** (:func:`zkpot.curve.bls.pop_prove`: a
  signature of the key by itself). Without it a validator could register
  pk = a·G − (the sum of the other validators' keys), and then sign alone for all of
  them: ``fast_aggregate_verify`` adds the keys up and would accept its one signature
  as a quorum's (the *rogue-key* attack). The proof shows that whoever registered the
  key knows its secret, so no key is a combination of the others; a genesis whose
  proofs do not all verify is refused when it is built or read.

**The test set is opened after registration closes.** Registering the data commitment
here stops a participant from changing its data later; it does not stop one that
registers the test rows themselves, if it knows them when it registers. So the genesis
fixes the test set by a hiding commitment, and the publisher publishes the opening
(:class:`TestSet`: the rows and the salt) only once the genesis — and with it every
registration — is final. A node starts from the genesis *and* the opening
(:meth:`Genesis.opened`), which must open the commitment; the statement's ``test_set``
is the hash of the opened rows. The salt makes the commitment hiding: without it, anyone
who can guess candidate test sets (a public dataset, a split by a known seed) could
confirm a guess against the genesis. What this relies on is the publisher: it must keep
the rows secret until then, and choose them without knowing the participants' data
(which the data commitments hide).

The genesis is canonical JSON (:mod:`zkpot.chain.encoding`); its digest is block 0's
hash, the parent of block 1.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import Any

import numpy as np

from zkpot.chain.encoding import (
    MessageError,
    canonical,
    digest,
    fields,
    read_field,
    read_hex,
    read_int,
    read_list,
)
from zkpot.curve import bls
from zkpot.errors import ZkpotError
from zkpot.hash.keccak import keccak256
from zkpot.ml import aggregation as agg
from zkpot.ml import headroom
from zkpot.ml.model import Layer
from zkpot.ml.registry import short_key
from zkpot.ml.statement import (
    Rows,
    TrainingSpec,
    flatten,
    hash_test_set,
    model_hash,
    participant_id,
)

PUBLIC_KEY_BYTES = 48
"""A BLS public key: a compressed G1 point of BLS12-381."""

POP_BYTES = 96
"""A proof of possession: a BLS signature, a compressed G2 point of BLS12-381."""


@dataclass(frozen=True)
class Registration:
    """A participant as the genesis registers it: its public key, data commitment and the
    key's proof of possession; for an averaging spec, also the commitments to the seeds it
    shares with its partners (``pair_commitments``, in
    :class:`~zkpot.ml.aggregation.Partners`' order: added, then subtracted)."""

    public_key: bytes
    data_commitment: int
    pop: bytes
    pair_commitments: tuple[int, ...] = ()

    @classmethod
    def of(cls, secret_key: int, data_commitment: int,
           partner_keys: Sequence[bytes] = ()) -> Registration:  # fmt: skip
        """What a participant sends to register: its key, its commitment, its proof, and
        the commitments to its pair seeds with ``partner_keys`` (its partners' public
        keys in :class:`~zkpot.ml.aggregation.Partners`' order, once the genesis's order
        is known; none for the winner rule)."""
        commitments = tuple(agg.seed_commitment(agg.pairwise_seed(secret_key, key))
                            for key in partner_keys)  # fmt: skip
        return cls(bls.secret_to_public(secret_key), data_commitment, bls.pop_prove(secret_key),
                   commitments)  # fmt: skip

    @property
    def id(self) -> int:
        """The statement's participant field: :func:`~zkpot.ml.statement.participant_id`."""
        return participant_id(self.public_key)


@lru_cache(maxsize=4096)
def possesses(public_key: bytes, pop: bytes) -> bool:
    """Whether ``pop`` proves possession of ``public_key`` (:func:`zkpot.curve.bls.pop_verify`;
    remembered, since every node checks the same genesis)."""
    return bls.pop_verify(public_key, pop)


SALT_BYTES = 32
"""The test set commitment's salt: 256 random bits."""


@dataclass(frozen=True, eq=False)
class TestSet:
    """The opening of the genesis's test set commitment: the public test rows and the salt.

    >>> import numpy as np
    >>> rows = Rows(np.array([[1, -2], [3, 4]]), np.array([0, 1]))
    >>> opening = TestSet(rows, bytes(32))
    >>> opening.commitment.hex()[:16]
    '0cacaae1d60515d7'
    """

    rows: Rows
    salt: bytes

    __test__ = False  # a class of the library, not one for pytest to collect

    @classmethod
    def new(cls, rows: Rows) -> TestSet:
        """A commitment to ``rows`` with a fresh random salt (the publisher keeps both)."""
        return cls(rows, secrets.token_bytes(SALT_BYTES))

    def to_json(self) -> dict[str, Any]:
        return {"x": self.rows.x.tolist(), "y": self.rows.y.tolist(), "salt": self.salt.hex()}

    @cached_property
    def commitment(self) -> bytes:
        """Keccak-256 of the canonical JSON of the rows and the salt: the genesis's field."""
        return keccak256(b"zkpot.test-set" + canonical(self.to_json()))

    @classmethod
    def from_json(cls, data: object, spec: TrainingSpec) -> TestSet:
        """The opening as :meth:`to_json` writes it, for the spec's test rows and features.

        Raises:
            MessageError: for anything malformed.
        """
        d = fields(data, ("x", "y", "salt"), "test set")
        bound = (1 << (spec.bound_bits - 1)) - 1
        rows = read_list(d["x"], "test x")
        if len(rows) != spec.test_rows or len(read_list(d["y"], "test y")) != spec.test_rows:
            raise MessageError(f"test set: {spec.test_rows} rows")
        cells = [[read_int(v, "test x", low=-bound, high=bound) for v in read_list(row, "test row")]
                 for row in rows]  # fmt: skip
        if any(len(row) != spec.n_features for row in cells):
            raise MessageError(f"test set: rows of {spec.n_features} features")
        x = np.array(cells, dtype=np.int64).reshape(spec.test_rows, spec.n_features)
        y = np.array([read_int(v, "test y", high=spec.n_classes - 1) for v in d["y"]],
                     dtype=np.int64)  # fmt: skip
        return cls(Rows(x, y), read_hex(d["salt"], "test set salt", length=SALT_BYTES))


@dataclass(frozen=True, eq=False)
class Genesis:
    """The chain's starting point (see the module docstring). ``opening`` is the test set
    (:meth:`opened`); it is not part of the genesis's JSON or hash."""

    name: str
    spec: TrainingSpec
    test_commitment: bytes
    global_model: tuple[Layer, ...]
    ceremony: bytes
    validators: tuple[bytes, ...]
    validator_pops: tuple[bytes, ...]
    participants: tuple[Registration, ...]
    timestamp: int = 0
    opening: TestSet | None = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.opening is not None:
            if self.opening.commitment != self.test_commitment:
                raise MessageError("the test set does not open the genesis's test commitment")
            if len(self.opening.rows) != self.spec.test_rows:
                raise MessageError(f"{len(self.opening.rows)} test rows, the spec has "
                                   f"{self.spec.test_rows}")  # fmt: skip
            reason = headroom.rows_error(self.opening.rows, self.spec)
            if reason is not None:  # the proofs' forward pass on them must fit the format
                raise MessageError(f"the test set: {reason}")
        reason = headroom.model_error(self.global_model, self.spec)
        if reason is not None:  # every global model is in [−W, W]: this one first
            raise MessageError(f"the global model: {reason}")
        keys = [p.public_key for p in self.participants]
        if len(set(keys)) != len(keys) or len(set(self.validators)) != len(self.validators):
            raise MessageError("a participant or validator is registered twice")
        if not self.validators:
            raise MessageError("a chain needs at least one validator")
        if len(self.validator_pops) != len(self.validators):
            raise MessageError("every validator key needs its proof of possession")
        for i, (key, pop) in enumerate(zip(self.validators, self.validator_pops, strict=True)):
            if not possesses(key, pop):
                raise MessageError(f"validator {i}: the proof of possession of its key does "
                                   "not verify (a rogue key?)")  # fmt: skip
        for i, p in enumerate(self.participants, 1):
            if not possesses(p.public_key, p.pop):
                raise MessageError(f"participant {i}: the proof of possession of its key does "
                                   "not verify")  # fmt: skip
        self._check_partners()

    def _check_partners(self) -> None:
        """For an averaging spec: between 2·reach + 1 and ``spec.participants``
        participants, each registering one commitment per partner, and each pair's two
        commitments equal (the partners agree on their seed). For the winner rule: none."""
        spec, m = self.spec, len(self.participants)
        if not spec.averaged:
            if any(p.pair_commitments for p in self.participants):
                raise MessageError("pair commitments are for an averaging spec")
            return
        if not 2 * spec.reach + 1 <= m <= spec.participants:
            raise MessageError(f"{m} participants: the spec averages {2 * spec.reach + 1} to "
                               f"{spec.participants}")  # fmt: skip
        for i, p in enumerate(self.participants):
            if len(p.pair_commitments) != 2 * spec.reach:
                raise MessageError(f"participant {i + 1}: {len(p.pair_commitments)} pair "
                                   f"commitments, it has {2 * spec.reach} partners")  # fmt: skip
        for i, partners in self.partners.items():
            for d, j in enumerate(partners.added):
                mine = self.participants[i].pair_commitments[d]
                theirs = self.participants[j].pair_commitments[spec.reach + d]
                if mine != theirs:
                    raise MessageError(f"participants p{i + 1} and p{j + 1} registered "
                                       "different commitments to their seed")  # fmt: skip

    @cached_property
    def partners(self) -> dict[int, agg.Partners]:
        """The partner graph over the participants' indices (0-based, in the genesis's
        order); empty for the winner rule."""
        if not self.spec.averaged:
            return {}
        return agg.partners(len(self.participants), self.spec.reach)

    def pair_commitment(self, i: int, j: int) -> int:
        """The registered commitment to the seed participants i and j (0-based) share."""
        partners = self.partners[i]
        return self.participants[i].pair_commitments[partners.all.index(j)]

    def index(self, public_key: bytes) -> int | None:
        """A registered participant's 0-based index, or ``None``."""
        return next((i for i, p in enumerate(self.participants) if p.public_key == public_key),
                    None)  # fmt: skip

    def opened(self, opening: TestSet) -> Genesis:
        """This genesis with its test set, once the publisher has opened it.

        Raises:
            MessageError: the rows and salt do not open the test commitment.
        """
        return dataclasses.replace(self, opening=opening)

    def test_opening(self) -> TestSet:
        """The test set's opening (the rows and the salt).

        Raises:
            ZkpotError: the test set is not opened yet.
        """
        if self.opening is None:
            raise ZkpotError("the genesis's test set is not opened yet: it is published once "
                             "registration has closed (Genesis.opened)")  # fmt: skip
        return self.opening

    @property
    def test(self) -> Rows:
        """The public test rows (the opening's).

        Raises:
            ZkpotError: the test set is not opened yet.
        """
        return self.test_opening().rows

    @cached_property
    def test_set(self) -> int:
        """The public test set's hash, the statement's ``test_set``."""
        return hash_test_set(self.test, self.spec)

    @cached_property
    def model_hash(self) -> int:
        """The initial global model's hash."""
        return model_hash(self.global_model, self.spec)

    @cached_property
    def hash(self) -> bytes:
        """Keccak-256 of the canonical JSON: block 0's hash."""
        return digest(self.to_json())

    @cached_property
    def participant_names(self) -> dict[bytes, str]:
        """Each registered participant's name, by its key: ``p1``, ``p2``, … in the order
        the genesis registers them, so that anyone who holds the genesis names them alike."""
        return {p.public_key: f"p{i}" for i, p in enumerate(self.participants, 1)}

    def label(self, public_key: bytes) -> str:
        """A key as the terminal and the watch page show it: a registered participant's
        name beside the key's first 8 hex digits (``p2 · 2f56fe87``); any other key (a
        validator that is not a participant, an outsider) by those digits alone, saying
        so (``2f56fe87 (not a participant)``)."""
        name = self.participant_names.get(public_key)
        key = short_key(public_key)
        return f"{key} (not a participant)" if name is None else f"{name} · {key}"

    def registration(self, public_key: bytes) -> Registration | None:
        """The participant registered with this key, or ``None``."""
        return next((p for p in self.participants if p.public_key == public_key), None)

    @property
    def quorum(self) -> int:
        """Signatures that finalize a block: more than two thirds of the validators."""
        return 2 * len(self.validators) // 3 + 1

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "spec": self.spec.to_json(),
            "test_commitment": self.test_commitment.hex(),
            "global_model": flatten(self.global_model),
            "ceremony": self.ceremony.hex(),
            "validators": [
                {"public_key": pk.hex(), "pop": pop.hex()}
                for pk, pop in zip(self.validators, self.validator_pops, strict=True)
            ],
            "participants": [
                {
                    "public_key": p.public_key.hex(),
                    "data_commitment": str(p.data_commitment),
                    "pop": p.pop.hex(),
                    **self._pairs_json(p),
                }
                for p in self.participants
            ],
            "timestamp": self.timestamp,
        }

    def _pairs_json(self, p: Registration) -> dict[str, Any]:
        """A registration's pair commitments, for an averaging spec only (the winner rule's
        genesis is as it was)."""
        if not self.spec.averaged:
            return {}
        return {"pair_commitments": [str(c) for c in p.pair_commitments]}

    def _pairs_json(self, p: Registration) -> dict[str, Any]:
        """A registration's pair commitments, for an averaging spec only (the winner rule's
        genesis is as it was)."""
        if not self.spec.averaged:
            return {}
        return {"pair_commitments": [str(c) for c in p.pair_commitments]}

    @classmethod
    def from_json(cls, data: object) -> Genesis:
        """The inverse of :meth:`to_json`.

        Raises:
            MessageError: for anything malformed.
        """
        names = ("name", "spec", "test_commitment", "global_model", "ceremony", "validators",
                 "participants", "timestamp")  # fmt: skip
        d = fields(data, names, "genesis")
        if not isinstance(d["name"], str) or not 0 < len(d["name"]) <= 100:
            raise MessageError("genesis name: 1 to 100 characters")
        spec = TrainingSpec.from_json(d["spec"])
        if not isinstance(d["global_model"], list) or len(d["global_model"]) != spec.n_params:
            raise MessageError(f"genesis global_model: a list of {spec.n_params} values")
        bound = (1 << (spec.bound_bits - 1)) - 1
        values = [read_int(v, "global model", low=-bound, high=bound) for v in d["global_model"]]
        validators = [fields(v, ("public_key", "pop"), "genesis validator")
                      for v in read_list(d["validators"], "validators")]  # fmt: skip
        names = ("public_key", "data_commitment", "pop",
                 *(("pair_commitments",) if spec.averaged else ()))  # fmt: skip
        participants = [fields(p, names, "genesis participant")
                        for p in read_list(d["participants"], "participants")]  # fmt: skip
        return cls(
            name=d["name"], spec=spec,
            test_commitment=read_hex(d["test_commitment"], "test_commitment", length=32),
            global_model=unflatten(values, spec),
            ceremony=read_hex(d["ceremony"], "ceremony", length=32),
            validators=tuple(_public_key(v["public_key"]) for v in validators),
            validator_pops=tuple(_pop(v["pop"]) for v in validators),
            participants=tuple(
                Registration(_public_key(p["public_key"]),
                             read_field(p["data_commitment"], "data_commitment"), _pop(p["pop"]),
                             tuple(read_field(c, "pair commitment") for c in
                                   read_list(p.get("pair_commitments", []), "pair commitments")))
                for p in participants),
            timestamp=read_int(d["timestamp"], "timestamp"),
        )  # fmt: skip


def _public_key(value: object) -> bytes:
    return read_hex(value, "public_key", length=PUBLIC_KEY_BYTES)


def _pop(value: object) -> bytes:
    return read_hex(value, "proof of possession", length=POP_BYTES)


def unflatten(values: list[int], spec: TrainingSpec) -> tuple[Layer, ...]:
    """The inverse of :func:`~zkpot.ml.statement.flatten` for the spec's layer shapes."""
    layers, at = [], 0
    for inputs, outputs in pairwise(spec.sizes):
        weight = np.array(values[at : at + inputs * outputs], dtype=np.int64)
        at += inputs * outputs
        bias = np.array(values[at : at + outputs], dtype=np.int64)
        at += outputs
        layers.append(Layer(weight.reshape(outputs, inputs), bias))
    return tuple(layers)


__all__ = ["POP_BYTES", "PUBLIC_KEY_BYTES", "SALT_BYTES", "Genesis", "Registration", "TestSet",
           "possesses", "unflatten"]  # fmt: skip
