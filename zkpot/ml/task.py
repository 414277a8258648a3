"""The Iris task of the command line and the demo: a federation's data, test set and first model.

``zkpot prove-training --participant I --of N --seed S`` proves participant I's
contribution to the federation this module sets up:

- Iris split 80/20, stratified, standardized with the training statistics
  (:func:`~zkpot.ml.datasets.iris_split` with seed S);
- the training rows split among N participants by a Dirichlet label skew
  (:func:`~zkpot.ml.datasets.split_dirichlet`, α = 1, seed S), so that participants
  hold different amounts of data and classes;
- the public test set: the spec's first ``test_rows`` test rows;
- the global model of round 1: He-uniform weights from seed S on the spec's grid,
  clipped to the spec's weight bound [−W, W] (every global model is in it:
  :mod:`zkpot.ml.headroom`).

A participant's data salt is derived from S and I (:func:`demo_data_salt`) so that the
command is reproducible; a real participant draws it with
:func:`zkpot.hash.poseidon.random_salt` and keeps it secret: the salt is what makes the
data commitment hiding.

>>> task = iris_task(4, seed=0, spec=TrainingSpec(steps=1))
>>> len(task.parts), sum(len(p) for p in task.parts), len(task.test)
(4, 120, 30)
"""

from __future__ import annotations

from dataclasses import dataclass

from zkpot.errors import InvalidInput
from zkpot.field.bn254 import R
from zkpot.hash.keccak import keccak256
from zkpot.ml.datasets import Dataset, iris_split, split_dirichlet
from zkpot.ml.headroom import clip_layers
from zkpot.ml.model import Layer, initial_layers
from zkpot.ml.statement import Rows, TrainingSpec, data_slots, encode_test_set

ALPHA = 1.0
"""The Dirichlet concentration of the split: moderate label skew."""


@dataclass(frozen=True, eq=False)
class Task:
    """A federation's task: the spec, each participant's data, the test rows, the first model."""

    spec: TrainingSpec
    seed: int
    parts: list[Dataset]
    test: Rows
    global_layers: list[Layer]

    def slots(self, participant: int) -> tuple[Rows, int]:
        """Participant ``participant``'s (1-based) data slots and how many rows did not fit."""
        if not 1 <= participant <= len(self.parts):
            raise InvalidInput(f"participant {participant} is not one of 1 … {len(self.parts)}")
        return data_slots(self.parts[participant - 1], self.spec)


def first_model(spec: TrainingSpec, seed: int) -> list[Layer]:
    """The global model of round 1: He-uniform weights from ``seed`` as the spec's integers,
    clipped to [−W, W]."""
    fmt = spec.fmt
    layers = [Layer(fmt.quantize_array(layer.weight), fmt.quantize_array(layer.bias))
              for layer in initial_layers(spec.sizes, seed=seed, fmt=fmt)]  # fmt: skip
    return clip_layers(layers, spec)


def iris_task(
    n_participants: int, *, seed: int, spec: TrainingSpec | None = None, alpha: float = ALPHA
) -> Task:
    """Iris among ``n_participants`` (see the module docstring).

    Raises:
        InvalidInput: if the spec is not for 4 features and 3 classes, or the split fails.
    """
    spec = TrainingSpec() if spec is None else spec
    train, test = iris_split(seed=seed)
    parts = split_dirichlet(train, n_participants, alpha, seed=seed)
    return Task(spec, seed, parts, encode_test_set(test, spec), first_model(spec, seed))


def demo_data_salt(seed: int, participant: int) -> int:
    """A reproducible data salt for the demo's participant (not secret: see the module)."""
    digest = keccak256(f"zkpot demo data salt {seed} {participant}".encode())
    return int.from_bytes(digest, "big") % R


def demo_public_key(participant: int) -> bytes:
    """The bytes that stand for a demo participant's public key until it has a real one."""
    return f"zkpot demo participant {participant}".encode()


__all__ = ["ALPHA", "Task", "demo_data_salt", "demo_public_key", "first_model", "iris_task"]
