"""The chain's messages: contributions, reveals, blocks, votes and finality certificates.

Each is a frozen dataclass with ``to_json`` / ``from_json`` (canonical JSON, see
:mod:`zkpot.chain.encoding`) and a ``hash``. What is signed is a domain tag followed by
the canonical encoding of the unsigned fields, so that a signature on one kind of
message can never be passed off as a signature on another.

- :class:`Contribution`: a participant's statement for one round, its proof and its BLS
  signature. The statement's ``participant`` is derived from the signing key, its
  ``test_set`` and ``test_rows`` come from the genesis.
- :class:`Reveal`: the leader's new model and salt, which open its model commitment; it
  lives in the model store, addressed by its hash.
- For an averaging chain (:mod:`zkpot.ml.aggregation`): a contribution also carries its
  masked model and the commitment to its own seed; :class:`Unmask` is a participant's
  revealed seeds, and :class:`Aggregate` (in the model store in place of a reveal) the
  included participants, the seeds that open their masked sum, and the average.
- :class:`Block`: height (= round), parent, proposer, the new global model's hash, the
  reveal's address, the included contributions' hashes and their Merkle root, timestamp.
- :class:`Vote`: a validator's BLS signature on a block hash at a height.
- :class:`Certificate`: more than two thirds of the validators' votes, aggregated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

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
from zkpot.chain.genesis import PUBLIC_KEY_BYTES, Genesis, unflatten
from zkpot.errors import InvalidInput
from zkpot.hash.keccak import keccak256
from zkpot.ml import aggregation as agg
from zkpot.ml.model import Layer
from zkpot.ml.statement import Statement, TrainingSpec, flatten, participant_id
from zkpot.plonk.proof import Proof

SIGNATURE_BYTES = 96
"""A BLS signature: a compressed G2 point of BLS12-381."""

MAX_PROOF_BYTES = 4096
"""A contribution's proof, at most (a PLONK proof of the default spec is well under 1 KiB);
:meth:`Contribution.from_json` refuses a longer one before decoding its hex."""
MAX_MASKED = 4096
"""Elements of a masked model, at most (the default spec's has 9)."""
MAX_CONTRIBUTIONS = 1024
"""Contributions a block may include, at most (a node also bounds them by the genesis's
participants)."""


def _sig(value: object, what: str = "signature") -> bytes:
    return read_hex(value, what, length=SIGNATURE_BYTES)


def _hash(value: object, what: str) -> bytes:
    return read_hex(value, what, length=32)


def _key(value: object, what: str = "public key") -> bytes:
    return read_hex(value, what, length=PUBLIC_KEY_BYTES)


class _Signed:
    """A participant's signed message: ``TAG`` and :meth:`unsigned` make what it signs."""

    TAG: bytes
    signature: bytes

    def unsigned(self) -> dict[str, Any]:
        raise NotImplementedError

    def signing_bytes(self) -> bytes:
        """What the participant signs: the tag and the canonical unsigned fields."""
        return self.TAG + canonical(self.unsigned())

    def to_json(self) -> dict[str, Any]:
        return {**self.unsigned(), "signature": self.signature.hex()}

    @cached_property
    def hash(self) -> bytes:
        return digest(self.to_json())


@dataclass(frozen=True)
class Contribution(_Signed):
    """One participant's signed contribution to one round."""

    round: int
    participant: bytes
    global_model: int
    data_commitment: int
    model_commitment: int
    accuracy: int
    proof: bytes
    signature: bytes = b""
    masked: tuple[int, ...] = ()
    own_commitment: int = 0

    TAG = b"zkpot.contribution"
    FIELDS = ("round", "participant", "global_model", "data_commitment", "model_commitment",
              "accuracy", "proof", "signature")  # fmt: skip
    MASKING = ("masked", "own_commitment")
    """The fields of a contribution to an averaging chain: its masked model and the
    commitment to its own seed of the round (:mod:`zkpot.ml.aggregation`)."""

    @property
    def averaged(self) -> bool:
        return bool(self.masked)

    def unsigned(self) -> dict[str, Any]:
        out = {"round": self.round, "participant": self.participant.hex(),
               "global_model": str(self.global_model),
               "data_commitment": str(self.data_commitment),
               "model_commitment": str(self.model_commitment), "accuracy": self.accuracy,
               "proof": self.proof.hex()}  # fmt: skip
        if self.averaged:
            out["masked"] = [str(v) for v in self.masked]
            out["own_commitment"] = str(self.own_commitment)
        return out

    @classmethod
    def from_json(cls, data: object) -> Contribution:
        averaged = isinstance(data, dict) and "masked" in data
        d = fields(data, cls.FIELDS + (cls.MASKING if averaged else ()), "contribution")
        masked = tuple(read_field(v, "masked model")
                       for v in read_list(d.get("masked", []), "masked model",
                                          most=MAX_MASKED, least=int(averaged)))  # fmt: skip
        return cls(
            round=read_int(d["round"], "round", low=1), participant=_key(d["participant"]),
            global_model=read_field(d["global_model"], "global_model"),
            data_commitment=read_field(d["data_commitment"], "data_commitment"),
            model_commitment=read_field(d["model_commitment"], "model_commitment"),
            accuracy=read_int(d["accuracy"], "accuracy", high=4096),
            proof=read_hex(d["proof"], "proof", max_length=MAX_PROOF_BYTES),
            signature=_sig(d["signature"]), masked=masked,
            own_commitment=read_field(d["own_commitment"], "own_commitment") if averaged else 0,
        )  # fmt: skip

    def statement(self, genesis: Genesis) -> Statement:
        """The proof's statement: this message's fields, the test set from the genesis, and
        for an averaging chain the masking: the hash of the masked model, the commitment
        to the participant's own seed and its pair seeds' registered commitments.

        Raises:
            InvalidInput: if the accuracy exceeds the genesis's test rows, or the masked
                model is missing, of another length, or present for the winner rule.
        """
        spec, masking = genesis.spec, None
        if len(self.masked) != spec.masked_elements:
            raise InvalidInput(f"a masked model of {len(self.masked)} elements, the spec's has "
                               f"{spec.masked_elements}")  # fmt: skip
        if spec.averaged:
            index = genesis.index(self.participant)
            if index is None:
                raise InvalidInput("the participant is not registered")
            pairs = genesis.participants[index].pair_commitments
            masking = agg.masking_hash(self.masked, self.own_commitment, pairs)
        return Statement(round=self.round, participant=participant_id(self.participant),
                         global_model=self.global_model, data_commitment=self.data_commitment,
                         model_commitment=self.model_commitment, test_set=genesis.test_set,
                         accuracy=self.accuracy, test_rows=spec.test_rows,
                         masking=masking)  # fmt: skip

    def decoded_proof(self) -> Proof:
        """The PLONK proof (raises ValueError for bytes that are not one)."""
        if len(self.proof) > MAX_PROOF_BYTES:
            raise MessageError(f"a proof of {len(self.proof)} bytes")
        return Proof.from_bytes(self.proof)


@dataclass(frozen=True, eq=False)
class Reveal:
    """The leader's opening of its model commitment: its new model and the salt."""

    round: int
    participant: bytes
    model: tuple[Layer, ...]
    salt: int

    def to_json(self) -> dict[str, Any]:
        return {"round": self.round, "participant": self.participant.hex(),
                "model": flatten(self.model), "salt": str(self.salt)}  # fmt: skip

    @cached_property
    def hash(self) -> bytes:
        """The reveal's content address in the model store."""
        return digest(self.to_json())

    @classmethod
    def from_json(cls, data: object, spec: TrainingSpec) -> Reveal:
        d = fields(data, ("round", "participant", "model", "salt"), "reveal")
        model = _model(d["model"], spec, "reveal model")
        return cls(read_int(d["round"], "round", low=1), _key(d["participant"]), model,
                   read_field(d["salt"], "salt"))  # fmt: skip


@dataclass(frozen=True)
class Unmask(_Signed):
    """A participant's seeds of one round, revealed so that the masked sum can be opened:
    its own seed (``own``, when it is to be included) and the seeds it shares with
    partners left out (``pairs``: partner index → seed). Every seed opens a public
    commitment — the own seed the one in the participant's contribution, a pair seed the
    genesis's — so a wrong one is refused by anyone, whoever relayed it."""

    round: int
    participant: bytes
    own: int | None
    pairs: tuple[tuple[int, int], ...]
    signature: bytes = b""

    TAG = b"zkpot.unmask"

    def unsigned(self) -> dict[str, Any]:
        return {"round": self.round, "participant": self.participant.hex(),
                "own": None if self.own is None else str(self.own),
                "pairs": [[j, str(seed)] for j, seed in self.pairs]}  # fmt: skip

    @classmethod
    def from_json(cls, data: object, participants: int = MAX_CONTRIBUTIONS) -> Unmask:
        d = fields(data, ("round", "participant", "own", "pairs", "signature"), "unmask")
        pairs = []
        for item in read_list(d["pairs"], "unmask pairs", most=min(participants, 64)):
            entry = read_list(item, "unmask pair", least=2, most=2)
            pairs.append((read_int(entry[0], "partner", high=participants - 1),
                          read_field(entry[1], "pair seed")))  # fmt: skip
        if len({j for j, _ in pairs}) != len(pairs):
            raise MessageError("unmask pairs: a partner twice")
        own = None if d["own"] is None else read_field(d["own"], "own seed")
        return cls(read_int(d["round"], "round", low=1), _key(d["participant"]), own,
                   tuple(pairs), _sig(d["signature"]))  # fmt: skip


@dataclass(frozen=True, eq=False)
class Aggregate:
    """What opens an averaging round's masked sum, in the model store in place of a reveal:
    the included participants (0-based indices, ascending), the own seed each revealed,
    the seeds revealed for each pair of an included participant and a partner left out,
    and the average they give — the next global model, which every validator recomputes
    (:func:`zkpot.chain.rules.check_aggregate`)."""

    round: int
    included: tuple[int, ...]
    own: tuple[int, ...]
    pairs: tuple[tuple[int, int, int], ...]
    model: tuple[Layer, ...]

    def to_json(self) -> dict[str, Any]:
        return {"round": self.round, "included": list(self.included),
                "own": [str(b) for b in self.own],
                "pairs": [[i, j, str(seed)] for i, j, seed in self.pairs],
                "model": flatten(self.model)}  # fmt: skip

    @cached_property
    def hash(self) -> bytes:
        """The aggregate's content address in the model store."""
        return digest(self.to_json())

    @classmethod
    def from_json(cls, data: object, spec: TrainingSpec, participants: int) -> Aggregate:
        d = fields(data, ("round", "included", "own", "pairs", "model"), "aggregate")
        last = participants - 1
        indices = read_list(d["included"], "included", most=participants)
        included = tuple(read_int(i, "included", high=last) for i in indices)
        if list(included) != sorted(set(included)):
            raise MessageError("aggregate included: strictly increasing indices")
        own = tuple(read_field(b, "own seed") for b in read_list(d["own"], "own seeds",
                                                                 most=participants))  # fmt: skip
        pairs = []
        for item in read_list(d["pairs"], "aggregate pairs", most=participants * 64):
            i, j, seed = read_list(item, "aggregate pair", least=3, most=3)
            pairs.append((read_int(i, "pair", high=last), read_int(j, "pair", high=last),
                          read_field(seed, "seed")))  # fmt: skip
        return cls(read_int(d["round"], "round", low=1), included, own, tuple(pairs),
                   _model(d["model"], spec, "aggregate model"))  # fmt: skip


def _model(values: object, spec: TrainingSpec, what: str) -> tuple[Layer, ...]:
    """A flattened model of the spec's shape, each value in the format's bound."""
    bound = (1 << (spec.bound_bits - 1)) - 1
    if not isinstance(values, list) or len(values) != spec.n_params:
        raise MessageError(f"{what}: a list of {spec.n_params} values")
    return unflatten([read_int(v, what, low=-bound, high=bound) for v in values], spec)


def merkle_root(hashes: Sequence[bytes]) -> bytes:
    """The Keccak Merkle root of 32-byte leaves; 32 zero bytes for none.

    Leaves and inner nodes are tagged apart (0x00, 0x01), an odd node is paired with 32
    zero bytes, and the root commits to the number of leaves — so, unlike Bitcoin's tree
    (which pairs an odd node with itself), [a, b, c] and [a, b, c, c] differ.
    """
    level = [keccak256(b"\x00" + h) for h in hashes]
    if not level:
        return bytes(32)
    while len(level) > 1:
        if len(level) % 2:
            level.append(bytes(32))
        level = [keccak256(b"\x01" + a + b) for a, b in zip(level[::2], level[1::2], strict=True)]
    return keccak256(b"\x02" + len(hashes).to_bytes(8, "big") + level[0])


@dataclass(frozen=True)
class Block:
    """Block ``height`` (one per round: height = round) and what it decides."""

    height: int
    parent: bytes
    proposer: bytes
    global_model: int
    reveal: bytes
    contributions: tuple[bytes, ...]
    timestamp: int

    FIELDS = ("height", "parent", "proposer", "global_model", "reveal", "contributions",
              "contributions_root", "timestamp")  # fmt: skip

    @property
    def round(self) -> int:
        return self.height

    @cached_property
    def contributions_root(self) -> bytes:
        return merkle_root(self.contributions)

    def to_json(self) -> dict[str, Any]:
        return {"height": self.height, "parent": self.parent.hex(),
                "proposer": self.proposer.hex(), "global_model": str(self.global_model),
                "reveal": self.reveal.hex(), "contributions": [h.hex() for h in self.contributions],
                "contributions_root": self.contributions_root.hex(),
                "timestamp": self.timestamp}  # fmt: skip

    @cached_property
    def hash(self) -> bytes:
        return digest(self.to_json())

    @classmethod
    def from_json(cls, data: object, max_contributions: int = MAX_CONTRIBUTIONS) -> Block:
        """A block from its JSON, of at most ``max_contributions`` contributions (a node
        passes its genesis's number of participants: checked before any hashing)."""
        d = fields(data, cls.FIELDS, "block")
        hashes = d["contributions"]
        bound = min(max_contributions, MAX_CONTRIBUTIONS)
        if not isinstance(hashes, list) or len(hashes) > bound:
            raise MessageError(f"block contributions: a list of at most {bound}")
        block = cls(
            height=read_int(d["height"], "height", low=1),
            parent=read_hex(d["parent"], "parent", length=32),
            proposer=_key(d["proposer"], "proposer"),
            global_model=read_field(d["global_model"], "global_model"),
            reveal=read_hex(d["reveal"], "reveal", length=32),
            contributions=tuple(read_hex(h, "contribution hash", length=32) for h in hashes),
            timestamp=read_int(d["timestamp"], "timestamp"),
        )  # fmt: skip
        if _hash(d["contributions_root"], "contributions_root") != block.contributions_root:
            raise MessageError("block contributions_root is not the root of its contributions")
        return block


PREVOTE, PRECOMMIT = "prevote", "precommit"


@dataclass(frozen=True)
class Vote:
    """Validator ``validator`` (an index into the genesis's list) votes in a view of a height.

    ``kind`` is ``"prevote"`` or ``"precommit"`` (:mod:`zkpot.chain.consensus`), ``block``
    a block hash or ``None`` (nil). Every validator that precommits one block in one view
    signs the same bytes, so their precommits aggregate into one :class:`Certificate`.
    """

    height: int
    block: bytes | None
    validator: int
    signature: bytes = b""
    view: int = 0
    kind: str = PRECOMMIT

    TAG = b"zkpot.vote"

    def signing_bytes(self) -> bytes:
        """What the validator signs: the tag, height, view, kind and block (no index)."""
        return vote_message(self.height, self.block, self.view, self.kind)

    def to_json(self) -> dict[str, Any]:
        return {"height": self.height, "view": self.view, "kind": self.kind,
                "block": None if self.block is None else self.block.hex(),
                "validator": self.validator, "signature": self.signature.hex()}  # fmt: skip

    @cached_property
    def hash(self) -> bytes:
        return digest(self.to_json())

    @classmethod
    def from_json(cls, data: object) -> Vote:
        d = fields(data, ("height", "view", "kind", "block", "validator", "signature"), "vote")
        if d["kind"] not in (PREVOTE, PRECOMMIT):
            raise MessageError(f"vote kind: prevote or precommit, got {d['kind']!r:.40}")
        block = None if d["block"] is None else _hash(d["block"], "block")
        return cls(read_int(d["height"], "height", low=1), block,
                   read_int(d["validator"], "validator", high=4095), _sig(d["signature"]),
                   read_int(d["view"], "view", high=1 << 20), d["kind"])  # fmt: skip


def vote_message(height: int, block: bytes | None, view: int = 0, kind: str = PRECOMMIT) -> bytes:
    """The bytes a validator signs to vote for ``block`` (or nil) in a view of a height."""
    body = {"block": None if block is None else block.hex(), "height": height, "kind": kind,
            "view": view}  # fmt: skip
    return Vote.TAG + canonical(body)


@dataclass(frozen=True)
class Certificate:
    """A block's finality: a quorum of precommits for it in one view, aggregated."""

    height: int
    block: bytes
    signers: tuple[int, ...]
    signature: bytes
    view: int = 0

    def message(self) -> bytes:
        """What every signer signed: its precommit for the block in the view."""
        return vote_message(self.height, self.block, self.view, PRECOMMIT)

    def to_json(self) -> dict[str, Any]:
        return {"height": self.height, "view": self.view, "block": self.block.hex(),
                "signers": list(self.signers), "signature": self.signature.hex()}  # fmt: skip

    @classmethod
    def from_json(cls, data: object) -> Certificate:
        d = fields(data, ("height", "view", "block", "signers", "signature"), "certificate")
        signers = d["signers"]
        if not isinstance(signers, list) or len(signers) > 4096:
            raise MessageError("certificate signers: a list of validator indices")
        indices = tuple(read_int(i, "signer", high=4095) for i in signers)
        if list(indices) != sorted(set(indices)):
            raise MessageError("certificate signers: strictly increasing indices")
        view = read_int(d["view"], "view", high=1 << 20)
        return cls(read_int(d["height"], "height", low=1), _hash(d["block"], "block"),
                   indices, _sig(d["signature"]), view)  # fmt: skip


__all__ = ["MAX_CONTRIBUTIONS", "MAX_MASKED", "PRECOMMIT", "PREVOTE", "SIGNATURE_BYTES",
           "Aggregate", "Block", "Certificate", "Contribution", "Reveal", "Unmask", "Vote",
           "merkle_root", "vote_message"]  # fmt: skip
