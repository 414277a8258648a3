"""Private federated averaging: masked models whose masks cancel in the sum.

The twin of the secure aggregation that ZKPoT's rounds are moving to (Bonawitz et al.,
"Practical Secure Aggregation for Privacy-Preserving Machine Learning", CCS 2017, with
the sparse partner graph of Bell et al., CCS 2020). Each participant publishes its new
model *masked*; the average of the included models is computed from the masked ones,
and nobody sees one participant's model. This module is the arithmetic, in plain
integers mod r; the circuit that proves a masked model and the chain's unmasking step
build on it.

**Packing for a sum.** A model's parameters are signed B-bit values (B =
``spec.bound_bits``, as :func:`zkpot.ml.statement.pack` packs them), each offset by
2^(B−1) to lie in [0, 2^B). Here each goes into a *slot* of B + ⌈log₂ n⌉ bits, where n
is the most participants a sum may have, so that the sum of n packed vectors is the
packed vector of the sums, with no carry from one slot into the next
(:func:`slot_bits`, :func:`pack_for_sum`, :func:`unpack_sum`). Packing is linear, and
masks added to the packed elements mod r cancel mod r.

**Masks.** Partners share a seed sᵢⱼ (:func:`pairwise_seed`: Diffie–Hellman on their
registered BLS12-381 keys, hashed). The partners sit on a circle (:func:`partners`): in
round t, i adds PRF(sᵢⱼ, t) for each of its next ``reach`` participants j, and each of
them subtracts it (:func:`mask`, a Poseidon sponge). Each participant also adds a mask of
its own, PRF(bᵢ, t), from a seed only it knows (:func:`self_seed`) — Bonawitz's double
masking: a participant left out of the sum never reveals bᵢ, so even when all its
pairwise seeds are revealed its model stays hidden.

**The sum.** Over the included participants I, the pairwise masks between two members of
I cancel. What is left: each included participant's own mask, removed with the bᵢ it
reveals, and the masks it shares with partners outside I, removed with the seeds it
reveals for them (:func:`unmask`). Then :func:`average` divides, rounding to nearest.

**The averaging rule** (what the chain and the experiments share). :func:`select`: of
the round's verified contributions, those whose proven accuracy is at least the global
model's (:func:`passes_quality`, counted on the same public test rows), if at least
:data:`MIN_INCLUDED` are; else the better half, the ⌈n/2⌉ best (at least two, ties at the
boundary all in). :func:`next_global`: the equal-weight average of the selected models,
rounded to nearest (:func:`average_models`), then a server step: the global model moves
2^k times the averaged update, each value clamped to [−W, W], with k the one of 2, 1, 0
(up to :data:`LOG2_SERVER_STEP`) whose model classifies the most public test rows.

Why. Training is deterministic (the statement proves training on a participant's first
``capacity`` rows), so any round that keeps its global model would keep it for ever: the
same global model gives the same contributions, the same accuracies and the same choice.
:func:`select` therefore never keeps the model when two contributions are verified. It
still filters: a poisoned model (label flipping trains honestly on false labels, so its
proof is valid) enters only if it is at least as accurate as the global model, or among
the better half when fewer than two are; with up to half of the participants Byzantine and
worse than the honest ones, the better half is the honest half. Each included model's
update is one proven SGD step (clipped error, bounded data and weights), so even one that
slips through moves the global model by at most 2^k/2 = 2 of its own steps. One averaged step
per round is slow next to the winner rule's best of n; the server step (FedOpt's server
learning rate, Reddi et al., "Adaptive Federated Optimization", ICLR 2021) makes it up to
four steps, and the clamp keeps every global model in [−W, W], the bound an honest round
needs (:mod:`zkpot.ml.headroom`). A fixed four overshoots in early rounds, where the
winner rule's best-of-n does not; choosing the step on the public test rows, as the
winner rule chooses its model on them, keeps the average at least as accurate. Both
functions depend only on public integers — the proven accuracies, the global model, the
*average* and the test rows — so every validator recomputes them.

>>> select([20, 19, 22, 18], 20)  # two reach the global model's 20
[0, 2]
>>> select([19, 17, 18, 16, 15], 20)  # none does: the better half, ⌈5/2⌉ = 3
[0, 1, 2]
>>> select([12, 12, 11], 20), select([25], 20)  # a tie at the boundary; one is too few
([0, 1], [])

>>> bits, n = 24, 3
>>> models = [[5, -7], [1, 2], [-3, 4]]
>>> graph = partners(n, 1)
>>> keys = [11, 12, 13]
>>> from zkpot.curve import bls
>>> public = [bls.secret_to_public(k) for k in keys]
>>> def seeds(i, js):
...     return [pairwise_seed(keys[i], public[j]) for j in js]
>>> own = [self_seed(k, 1) for k in keys]
>>> masked = [masked_model(pack_for_sum(m, bits, n), 1, own[i], seeds(i, graph[i].added),
...                        seeds(i, graph[i].subtracted)) for i, m in enumerate(models)]
>>> total = unmask(dict(enumerate(masked)), 1, dict(enumerate(own)), {}, graph)
>>> unpack_sum(total, n, 2, bits, n)
[3, -1]
>>> average([3, -1], n)
[1, 0]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from zkpot.curve import bls12_381
from zkpot.errors import InvalidInput
from zkpot.field.bn254 import R
from zkpot.hash.keccak import keccak256
from zkpot.hash.poseidon import commit as poseidon_commit
from zkpot.hash.poseidon import permute
from zkpot.ml.model import Layer
from zkpot.ml.statement import PACK_BITS, Rows, TrainingSpec, count_correct, pack

SEED_TAG = int.from_bytes(b"zkpot.aggregation.seed", "big") % R
"""The domain tag of a seed's commitment, :func:`seed_commitment`."""

MASK_TAG = int.from_bytes(b"zkpot.aggregation.mask", "big") % R
"""The domain tag of the mask's sponge, :func:`mask`."""

MASKING_SALT = int.from_bytes(b"zkpot.aggregation.masking", "big") % R
"""The fixed salt of :func:`masking_hash` (everything it hashes is public)."""


# -- packing for a sum -------------------------------------------------------------------


def slot_bits(bits: int, participants: int) -> int:
    """The bits of a slot: a B-bit value, plus ⌈log₂ n⌉ so that n of them add up in it."""
    if participants < 1:
        raise InvalidInput(f"a sum needs at least one participant, not {participants}")
    return bits + (participants - 1).bit_length()


def pack_for_sum(values: Sequence[int], bits: int, participants: int) -> list[int]:
    """Signed ``bits``-bit values offset by 2^(bits−1), in slots of :func:`slot_bits`,
    ⌊253 / slot⌋ to an element: element e = Σᵢ (vᵢ + 2^(bits−1))·2^(slot·i).

    Raises:
        InvalidInput: for a value outside ±2^(bits−1).
    """
    return pack(values, bits, slot_bits(bits, participants))


def unpack_sum(elements: Sequence[int], count: int, length: int, bits: int,
               participants: int) -> list[int]:  # fmt: skip
    """The ``length`` signed sums that the sum of ``count`` packed vectors holds (their
    offsets, count·2^(bits−1) each, taken off).

    Raises:
        InvalidInput: ``count`` exceeds ``participants`` (a slot may have carried), or an
            element is not what such a sum can be (a mask that did not cancel, with
            probability 1 − 2^(slot·per)/r per element: a sanity check, not the protocol's
            defence, which checks every revealed seed against its commitment).
    """
    if not 1 <= count <= participants:
        raise InvalidInput(f"a sum of {count} models, packed for at most {participants}")
    slot = slot_bits(bits, participants)
    per, offset, full = PACK_BITS // slot, count << (bits - 1), (1 << slot) - 1
    if len(elements) != -(-length // per):
        raise InvalidInput(f"{len(elements)} packed elements for {length} values")
    out = []
    for index, element in enumerate(elements):
        if not 0 <= element < 1 << (slot * per):
            raise InvalidInput(f"packed element {index} is not a sum of models")
        for i in range(min(per, length - index * per)):
            out.append(((element >> (slot * i)) & full) - offset)
    return out


def average(sums: Sequence[int], count: int) -> list[int]:
    """Each sum divided by ``count``, to the nearest integer (a half rounds up)."""
    if count < 1:
        raise InvalidInput(f"an average of {count} models")
    return [(s + count // 2) // count for s in sums]


# -- the rules: who is averaged, and how -------------------------------------------------

MIN_INCLUDED = 2
"""The fewest contributions a round averages: the average of one model is that model,
published. With fewer included, the round keeps its global model."""


LOG2_SERVER_STEP = 2
"""The largest k: the next global model moves up to 2^k = 4 times the averaged update
(:func:`server_step` chooses k on the public test rows).
Measured in :mod:`zkpot.experiments.averaging`: 1 (2 times) is too slow for the speed goal,
3 (8 times) overshoots and oscillates at 50 % Byzantine label flipping."""


def passes_quality(accuracy: int, global_accuracy: int) -> bool:
    """The quality test: a proven accuracy at least the current global model's (counted
    on the same public test rows). :func:`select` takes these first."""
    return accuracy >= global_accuracy


def select(accuracies: Sequence[int], global_accuracy: int) -> list[int]:
    """The contributions a round averages: indices into ``accuracies`` (the proven
    accuracies of the round's verified contributions, in any order), ascending.

    Those that pass :func:`passes_quality`, if at least :data:`MIN_INCLUDED` do; else
    the better half: every one at least as accurate as the m-th best, m = max(2, ⌈n/2⌉),
    so that ties at the boundary are all in and the choice does not depend on the order.
    ``[]`` only with fewer than :data:`MIN_INCLUDED` contributions: with two or more a
    round never keeps its global model, which (training being deterministic) it would
    keep for ever.

    Raises:
        InvalidInput: an accuracy or the global accuracy is not a non-negative integer.
    """
    counts = [*accuracies, global_accuracy]
    if not all(isinstance(a, int | np.integer) and not isinstance(a, bool) and a >= 0
               for a in counts):  # fmt: skip
        raise InvalidInput("accuracies are counts of correct test rows: non-negative integers")
    n = len(accuracies)
    if n < MIN_INCLUDED:
        return []
    chosen = [i for i, a in enumerate(accuracies) if passes_quality(a, global_accuracy)]
    if len(chosen) >= MIN_INCLUDED:
        return chosen
    bar = sorted(accuracies, reverse=True)[max(MIN_INCLUDED, -(-n // 2)) - 1]
    return [i for i, a in enumerate(accuracies) if a >= bar]


def averaged(accuracies: Mapping[int, int], global_accuracy: int,
             graph: Mapping[int, Partners]) -> list[int]:  # fmt: skip
    """The participants a round averages: ``accuracies`` maps each verified contribution's
    participant (its index in the partner ``graph``) to its proven accuracy.

    :func:`select` chooses; then, while :func:`with_partners` leaves fewer than
    :data:`MIN_INCLUDED` of them (two chosen that are not partners: averaged alone among
    their partners, each would be unmasked), the next best verified contribution
    (accuracy down, then index up) joins, so that a round with enough verified
    contributions never keeps its model for want of a partner. Ascending; ``[]`` only
    when no choice can be averaged."""
    ids = sorted(accuracies)
    chosen = [ids[k] for k in select([accuracies[i] for i in ids], global_accuracy)]
    rest = sorted((i for i in ids if i not in chosen), key=lambda i: (-accuracies[i], i))
    while chosen and not with_partners(chosen, graph) and rest:
        chosen.append(rest.pop(0))
    return with_partners(chosen, graph)


def with_partners(chosen: Collection[int], graph: Mapping[int, Partners],
                  also: Callable[[int, set[int]], bool] | None = None) -> list[int]:  # fmt: skip
    """Of the ``chosen`` participants, those that can be averaged without unmasking
    anyone: until nothing changes, each one with partners but none of them chosen is
    left out (averaged alone among its partners, every one of its pair seeds would be
    revealed, and its model with them), and each for which ``also(i, kept)`` is false.
    ``[]`` if fewer than :data:`MIN_INCLUDED` remain. The chain's proposer adds its own
    condition (:meth:`zkpot.chain.unmasking.Unmasking.included`)."""
    kept = set(chosen)
    while True:
        keep = {i for i in kept if (not graph[i].all or set(graph[i].all) & kept)
                and (also is None or also(i, kept))}  # fmt: skip
        if keep == kept:
            return sorted(kept) if len(kept) >= MIN_INCLUDED else []
        kept = keep


def next_global(global_layers: Sequence[Layer], models: Sequence[Sequence[Layer]],
                spec: TrainingSpec, test: Rows | None = None) -> list[Layer]:  # fmt: skip
    """The next global model from the current one g and the selected models: their
    rounded average a (:func:`average_models`), then the server step
    (:func:`server_step`, on the public ``test`` rows). It needs only g, a and the test
    rows, what every validator knows (never one participant's model).

    Raises:
        InvalidInput: fewer than :data:`MIN_INCLUDED` models, or models of a shape other
            than the global model's.
    """
    return server_step(global_layers, average_models(models), spec, test)


def server_step(global_layers: Sequence[Layer], average: Sequence[Layer], spec: TrainingSpec,
                test: Rows | None = None) -> list[Layer]:  # fmt: skip
    """The server step from the global model g to the average a, value by value,

        g' = clamp(g + 2^k·(a − g), −W, W),

    W = ``spec.weight_bound`` (W·2^f as an integer). With the public ``test`` rows, k is
    the one of :data:`LOG2_SERVER_STEP`, …, 1, 0 whose g' classifies the most of them
    (a tie to the larger step): the step is chosen on the rows the accuracies are counted
    on, as the winner rule chooses its model. Without them, k = :data:`LOG2_SERVER_STEP`.

    Exact integers: the only rounding is the average's, to nearest (a half up), and it is
    multiplied by 2^k. It keeps every value in [−W, W], the bound an honest round starts
    from (:mod:`zkpot.ml.headroom`). The chain computes it from the average the masked
    sum opens to (:func:`zkpot.chain.rules.aggregate`).

    Raises:
        InvalidInput: an average of a shape other than the global model's.
    """
    if [(layer.weight.shape, layer.bias.shape) for layer in global_layers] != [
            (layer.weight.shape, layer.bias.shape) for layer in average]:  # fmt: skip
        raise InvalidInput("the models' shape is not the global model's")
    bound = spec.weight_bound

    def stepped(k: int) -> list[Layer]:
        def one(g: np.ndarray, a: np.ndarray) -> np.ndarray:
            g, a = np.asarray(g).astype(object), np.asarray(a).astype(object)
            return np.clip(g + (1 << k) * (a - g), -bound, bound).astype(np.int64)

        return [Layer(one(g.weight, a.weight), one(g.bias, a.bias))
                for g, a in zip(global_layers, average, strict=True)]  # fmt: skip

    if test is None:
        return stepped(LOG2_SERVER_STEP)
    candidates = [stepped(k) for k in range(LOG2_SERVER_STEP, -1, -1)]
    scores = [count_correct(c, test, spec) for c in candidates]
    return candidates[scores.index(max(scores))]


def average_models(models: Sequence[Sequence[Layer]]) -> list[Layer]:
    """The rules' average of integer models, parameter by parameter, with equal weights:
    what :func:`unmask`, :func:`unpack_sum` and :func:`average` compute from the masked
    models (a participant's number of real rows is private, so it cannot weigh).

    The average of models in [−W, W] is in [−W, W]; :func:`next_global` steps from it
    and clamps.

    Raises:
        InvalidInput: fewer than :data:`MIN_INCLUDED` models, or models of other shapes.
    """
    if len(models) < MIN_INCLUDED:
        raise InvalidInput(f"an average of {len(models)} model(s): the rules average at least "
                           f"{MIN_INCLUDED}")  # fmt: skip
    shapes = {tuple((layer.weight.shape, layer.bias.shape) for layer in m) for m in models}
    if len(shapes) != 1:
        raise InvalidInput("models of different shapes")
    flat = [np.concatenate([part.ravel() for layer in m for part in (layer.weight, layer.bias)])
            .astype(object) for m in models]  # fmt: skip
    mean = average(list(sum(flat[1:], flat[0])), len(models))
    out, at = [], 0
    for layer in models[0]:
        w, b = layer.weight.size, layer.bias.size
        weight = np.array(mean[at : at + w], dtype=np.int64).reshape(layer.weight.shape)
        out.append(Layer(weight, np.array(mean[at + w : at + w + b], dtype=np.int64)))
        at += w + b
    return out


# -- seeds and masks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Partners:
    """One participant's partners: those whose pair masks it adds, and those whose it
    subtracts. For each pair, one partner adds the mask and the other subtracts it."""

    added: tuple[int, ...]
    subtracted: tuple[int, ...]

    def sign(self, partner: int) -> int:
        """+1 if this participant adds its mask with ``partner``, −1 if it subtracts it.

        Raises:
            InvalidInput: ``partner`` is not a partner.
        """
        if partner in self.added:
            return 1
        if partner in self.subtracted:
            return -1
        raise InvalidInput(f"{partner} is not a partner")

    @property
    def all(self) -> tuple[int, ...]:
        return self.added + self.subtracted


def partners(participants: int, reach: int) -> dict[int, Partners]:
    """The partner graph, a circle: participant i (0-based) adds the masks it shares with
    the ``reach`` next ones, i + 1 … i + reach (mod n), and subtracts those it shares with
    the ``reach`` previous ones. Every participant has the same shape, 2·reach partners,
    so one circuit serves them all; a participant's model stays hidden unless all 2·reach
    collude. With ``reach`` 0 there are no pair masks, only the participants' own.

    Raises:
        InvalidInput: no participant, or a reach that would make a participant its own
            partner or the same partner twice (2·reach + 1 > n).
    """
    if participants < 1 or reach < 0 or 2 * reach + 1 > participants:
        raise InvalidInput(f"{participants} participants cannot have {2 * reach} distinct "
                           "partners each (2·reach + 1 must not exceed them)")  # fmt: skip
    n = participants
    return {i: Partners(tuple((i + d) % n for d in range(1, reach + 1)),
                        tuple((i - d) % n for d in range(1, reach + 1)))
            for i in range(n)}  # fmt: skip


def largest_reach(participants: int, reach: int) -> int:
    """``reach``, or less when there are too few participants: at most ⌊(n − 1)/2⌋."""
    return max(0, min(reach, (participants - 1) // 2))


def pairwise_seed(secret_key: int, partner_public_key: bytes) -> int:
    """sᵢⱼ: keccak256 of the shared point skᵢ·PKⱼ = skⱼ·PKᵢ (Diffie–Hellman on the
    registered BLS12-381 keys, in G1), reduced mod r. Both partners compute it alone.

    Raises:
        InvalidInput: the public key does not encode a point of G1.
    """
    point = bls12_381.G1.from_bytes(bytes(partner_public_key))
    if point.is_identity():
        raise InvalidInput("a partner's public key is the identity")
    shared = point * secret_key
    return int.from_bytes(keccak256(b"zkpot.aggregation.pair" + shared.to_bytes()), "big") % R


def self_seed(secret_key: int, round: int) -> int:
    """bᵢ for a round: keccak256 of the secret key and the round, mod r. Only its owner
    can compute it; it reveals it once it is included in the round's sum."""
    data = b"zkpot.aggregation.self" + secret_key.to_bytes(32, "big") + round.to_bytes(8, "big")
    return int.from_bytes(keccak256(data), "big") % R


def seed_commitment(seed: int) -> int:
    """permute([SEED_TAG, seed, 0])[0], Poseidon of width 3: what partners publish to show
    that they agree on a seed (and what a revealed seed must open). A seed is 254 uniform
    bits: a hash hides it without a salt. Width 3, so that a circuit checks it with the
    round gate (66 rows)."""
    return permute([SEED_TAG, seed % R, 0])[0]


def mask(seed: int, round: int, length: int) -> list[int]:
    """PRF(seed, round): ``length`` field elements from a Poseidon sponge of width 3.

    state₀ = permute([MASK_TAG, seed, round]); each next state = permute(state); the
    mask is state₁[1], state₁[2], state₂[1], state₂[2], … (the rate of each state after
    the first; the capacity element state[0] is never output).
    """
    state = permute([MASK_TAG, seed % R, round % R])
    out: list[int] = []
    while len(out) < length:
        state = permute(state)
        out += state[1:3]
    return out[:length]


def masked_model(packed: Sequence[int], round: int, own_seed: int, added: Sequence[int],
                 subtracted: Sequence[int]) -> list[int]:  # fmt: skip
    """A packed model plus its own mask, plus the masks of the ``added`` pair seeds, minus
    those of the ``subtracted`` ones (in :class:`Partners`' order), mod r."""
    out = [(p + m) % R for p, m in zip(packed, mask(own_seed, round, len(packed)), strict=True)]
    for sign, seeds in ((1, added), (-1, subtracted)):
        for seed in seeds:
            m = mask(seed, round, len(out))
            out = [(o + sign * v) % R for o, v in zip(out, m, strict=True)]
    return out


@dataclass(frozen=True)
class Seeds:
    """A participant's seeds for one round: its own bᵢ and its pair seeds, those whose masks
    it adds and those whose masks it subtracts (in :class:`Partners`' order)."""

    own: int
    added: tuple[int, ...] = ()
    subtracted: tuple[int, ...] = ()

    @property
    def pairs(self) -> tuple[int, ...]:
        return self.added + self.subtracted

    def masked(self, packed: Sequence[int], round: int) -> list[int]:
        """:func:`masked_model` of a packed model with these seeds."""
        return masked_model(packed, round, self.own, self.added, self.subtracted)

    def masking_hash(self, masked: Sequence[int]) -> int:
        """:func:`masking_hash` of a masked model with these seeds' commitments."""
        return masking_hash(masked, seed_commitment(self.own),
                            [seed_commitment(s) for s in self.pairs])  # fmt: skip


def masking_hash(masked: Sequence[int], own_commitment: int,
                 pair_commitments: Sequence[int]) -> int:  # fmt: skip
    """The statement's ``masking``: one public hash of a contribution's masked model, the
    commitment to its own seed, and its pair seeds' registered commitments (added ones,
    then subtracted ones, as :class:`Partners` orders them)."""
    return int(poseidon_commit([*masked, own_commitment, *pair_commitments], MASKING_SALT))


def unmask(masked: Mapping[int, Sequence[int]], round: int, own_seeds: Mapping[int, int],
           left_out: Mapping[tuple[int, int], int],
           graph: Mapping[int, Partners]) -> list[int]:  # fmt: skip
    """The packed sum of the included participants' models (the keys of ``masked``).

    Args:
        masked: each included participant's masked model.
        own_seeds: each included participant's revealed bᵢ.
        left_out: (i, j) → sᵢⱼ for each included i and each partner j of i outside the
            sum, as it was revealed: the mask i added or subtracted for j is taken off.
        graph: the partner graph (:func:`partners`).

    Raises:
        InvalidInput: no model, models of different lengths, a missing bᵢ, or a left-out
            pair that is not an included participant and a partner outside the sum.
    """
    if not masked:
        raise InvalidInput("a sum of no models")
    lengths = {len(m) for m in masked.values()}
    if len(lengths) != 1:
        raise InvalidInput(f"masked models of different lengths: {sorted(lengths)}")
    (length,) = lengths
    total = [0] * length
    for i, model in masked.items():
        if i not in own_seeds:
            raise InvalidInput(f"participant {i} is in the sum but its own seed is not revealed")
        own = mask(own_seeds[i], round, length)
        total = [(t + v - m) % R for t, v, m in zip(total, model, own, strict=True)]
    for (i, j), seed in left_out.items():
        if i not in masked or j in masked or i not in graph or j not in graph[i].all:
            raise InvalidInput(f"({i}, {j}) is not an included participant and a left-out partner")
        sign = graph[i].sign(j)
        total = [(t - sign * m) % R for t, m in zip(total, mask(seed, round, length), strict=True)]
    return total


__all__ = ["LOG2_SERVER_STEP", "MASKING_SALT", "MASK_TAG", "MIN_INCLUDED", "SEED_TAG", "Partners",
           "Seeds", "average", "average_models", "averaged", "largest_reach", "mask",
           "masked_model", "masking_hash", "next_global", "pack_for_sum", "pairwise_seed",
           "partners", "passes_quality", "seed_commitment", "select", "self_seed",
           "server_step", "slot_bits", "unmask", "unpack_sum", "with_partners"]  # fmt: skip
