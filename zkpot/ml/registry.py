"""What a validator knows about a task, and which field of a contribution is another task's.

A proof shows that its statement holds; whether the statement is about *this* task is
a separate question, and every public field answers part of it. A contribution carries
its own spec, test-set hash, global-model hash, participant and data commitment, and a
proof of another task — another test set, a model of the prover's choosing, data it
never registered — verifies as well as an honest one. A :class:`Registry` holds what
the validator knows independently of the file — the spec, the test set's hash, the
global model's hash, and each registered participant's data commitment — and
:meth:`Registry.spec_error` and :meth:`Registry.statement_error` name the first field
that differs. They read no proof and build no circuit: a contribution for another task
is refused before any work.

Where a validator's knowledge comes from: a chain's genesis (``zkpot verify-training
--genesis``), or, for the command line's Iris task, the same options that
``zkpot prove-training`` took (:func:`iris_registry`).

>>> spec = TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2)
>>> registry = iris_registry(4, seed=0, spec=spec)
>>> print(*(p.name for p in registry.participants), sep="; ")
1 of 4; 2 of 4; 3 of 4; 4 of 4
>>> print(registry.spec_error(TrainingSpec(sizes=(4, 2, 3), log2_batch=1, test_rows=3)))
spec is not the task's: test_rows 3 (the task's 2)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from zkpot.ml.statement import (
    Statement,
    TrainingSpec,
    data_commitment,
    hash_test_set,
    model_hash,
    participant_id,
)
from zkpot.ml.task import demo_data_salt, demo_public_key, iris_task


@dataclass(frozen=True)
class Registered:
    """A registered participant.

    Attributes:
        name: how a person reads it after "participant": ``2 of 4``, ``p2``.
        key: the first 8 hex digits of its key, for display.
        id: the statement's ``participant`` field.
        data_commitment: the data commitment it registered.
    """

    name: str
    key: str
    id: int
    data_commitment: int

    def __str__(self) -> str:
        return f"{self.name} (key {self.key}…)"


@dataclass(frozen=True, eq=False)
class Registry:
    """The task a validator checks contributions against (see the module docstring).

    Attributes:
        spec: the task's spec.
        test_set: the public test set's hash.
        global_model: the hash of the global model the round trains from.
        participants: the registered participants.
    """

    spec: TrainingSpec
    test_set: int
    global_model: int
    participants: tuple[Registered, ...]

    def participant(self, id: int) -> Registered | None:
        """The registered participant whose statement field is ``id``, or ``None``."""
        return next((p for p in self.participants if p.id == id), None)

    def spec_error(self, spec: TrainingSpec) -> str | None:
        """Why ``spec`` is not the task's (each field that differs), or ``None``."""
        if spec == self.spec:
            return None
        names = [f.name for f in fields(TrainingSpec)]
        differ = [f"{name} {_show(getattr(spec, name))} (the task's "
                  f"{_show(getattr(self.spec, name))})"
                  for name in names if getattr(spec, name) != getattr(self.spec, name)]  # fmt: skip
        return "spec is not the task's: " + ", ".join(differ)

    def statement_error(self, statement: Statement, round: int | None = None) -> str | None:
        """The first public field of ``statement`` that is not this task's, or ``None``:
        test_rows, test_set, global_model, participant, data_commitment, then the round
        if one is given. The message starts with the field's name."""
        s = statement
        if s.test_rows != self.spec.test_rows:
            return f"test_rows is {s.test_rows}, the task's is {self.spec.test_rows}"
        if s.test_set != self.test_set:
            return (f"test_set {_short(s.test_set)} is not the task's test set "
                    f"({_short(self.test_set)})")  # fmt: skip
        if s.global_model != self.global_model:
            return (f"global_model {_short(s.global_model)} is not the task's global model "
                    f"({_short(self.global_model)})")  # fmt: skip
        who = self.participant(s.participant)
        if who is None:
            return f"participant {_short(s.participant)} is not registered for this task"
        if s.data_commitment != who.data_commitment:
            return (f"data_commitment {_short(s.data_commitment)} is not the one participant "
                    f"{who.name} registered ({_short(who.data_commitment)})")  # fmt: skip
        if round is not None and s.round != round:
            return f"round is {s.round}, expected {round}"
        return None


def _short(value: int) -> str:
    """A field element as a person compares it: its first 10 digits."""
    text = str(value)
    return text if len(text) <= 12 else text[:10] + "…"


def _show(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def short_key(key: bytes) -> str:
    """The first 8 hex digits of a key, as the verdict, the terminal and a node's watch
    page show it (:meth:`zkpot.chain.genesis.Genesis.label`)."""
    return key[:4].hex()


def iris_registry(n: int, *, seed: int, spec: TrainingSpec) -> Registry:
    """The registry of ``zkpot prove-training --of N --seed S``'s task: its spec, the test
    set and round-1 global model of :func:`~zkpot.ml.task.iris_task`, and participants
    1 … N with the data commitments of their slots under :func:`demo_data_salt`.

    A participant's key, for display, is its statement field's 32 big-endian bytes
    (Keccak-256 of its :func:`demo_public_key`, mod r).

    Raises:
        InvalidInput: as :func:`~zkpot.ml.task.iris_task` does.
    """
    task = iris_task(n, seed=seed, spec=spec)
    participants = []
    for i in range(1, n + 1):
        id = participant_id(demo_public_key(i))
        commitment = data_commitment(task.slots(i)[0], demo_data_salt(seed, i), spec)
        key = short_key(id.to_bytes(32, "big"))
        participants.append(Registered(f"{i} of {n}", key, id, commitment))
    return Registry(spec, hash_test_set(task.test, spec), model_hash(task.global_layers, spec),
                    tuple(participants))  # fmt: skip


__all__ = ["Registered", "Registry", "iris_registry", "short_key"]
