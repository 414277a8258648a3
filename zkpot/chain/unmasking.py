"""The unmasking step of an averaging round: who reveals which seed, when, and which
contributions a proposer can average (:mod:`zkpot.ml.aggregation` has the arithmetic,
:mod:`zkpot.chain.rules` the checks every validator makes).

At its node's cut-off (``Timing.contribute`` after the round opened), the round goes on
in two steps before the agreement starts (``Timing.unmask`` seconds each):

1. **Own seeds.** A participant reveals its own seed bᵢ if its contribution is eligible
   (valid, on time, and passing the quality rule), at least one of its partners' is too
   (or it has none: ``reach`` 0), and no seed it shares with a partner has been revealed
   (:meth:`Unmasking.reveals_own`). Revealing bᵢ is consenting to be averaged.
2. **Pair seeds.** A participant that revealed bᵢ then reveals the seed it shares with
   each partner whose own seed it has not seen — a partner that sat out, was invalid,
   below the bar, or withheld its seed — so that the partner's mask can be taken off the
   sum. It keeps them if no partner revealed its own seed: with every pair seed known,
   its own model would be unmasked (:meth:`Unmasking.reveals_pairs`).

The two rules never let an honest participant's model be unmasked: to unmask i takes bᵢ
*and* every seed of i's pairs. i reveals bᵢ only before any of its pair seeds is out,
and a partner reveals a pair seed with i only after a whole step without seeing bᵢ, and
never once it has. Messages are gossiped, so bᵢ reaches every honest node within the
network's delay Δ; the rules hold while Δ is shorter than ``Timing.unmask``, the same
kind of timing that the agreement's liveness assumes. A coalition of all of i's partners
can always unmask it (they hold its pair seeds): the partner graph's reach sets how many
that is.

**The included set** a proposer averages (:meth:`Unmasking.included`) is the eligible
contributions whose own seed is revealed, less, until nothing changes, each one that has
no included partner or lacks the revealed seed of a partner left out. The block carries
it with the seeds and the average (:class:`~zkpot.chain.messages.Aggregate`); every
validator checks it (:func:`~zkpot.chain.rules.check_aggregate`). With fewer than two,
no averaged block can be made, and the round ends with the empty block: the global
model stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from zkpot.chain.messages import Aggregate, Contribution, Unmask
from zkpot.chain.rules import RoundContext, aggregate, needed_pairs
from zkpot.ml import aggregation as agg


@dataclass
class Unmasking:
    """What a node knows of a round's revealed seeds (each checked before it is learnt)."""

    ctx: RoundContext
    own: dict[int, int] = field(default_factory=dict)
    pairs: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def partners(self) -> Mapping[int, agg.Partners]:
        return self.ctx.genesis.partners

    def learn(self, i: int, u: Unmask) -> None:
        """Participant i's checked :class:`~zkpot.chain.messages.Unmask`."""
        if u.own is not None:
            self.own[i] = u.own
        for j, seed in u.pairs:
            self.pairs[min(i, j), max(i, j)] = seed

    def pair_seed(self, i: int, j: int) -> int | None:
        return self.pairs.get((min(i, j), max(i, j)))

    def exposed(self, i: int) -> bool:
        """Whether a seed of one of i's pairs is out: i must not reveal its own seed now."""
        return any(self.pair_seed(i, j) is not None for j in self.partners[i].all)

    def reveals_own(self, i: int, eligible: Mapping[int, Contribution]) -> bool:
        """Step 1: whether participant i reveals its own seed at its cut-off."""
        partners = self.partners[i].all
        has_partner = not partners or any(j in eligible for j in partners)
        return i in eligible and has_partner and not self.exposed(i)

    def reveals_pairs(self, i: int) -> list[int]:
        """Step 2: the partners whose seed with i it reveals, having revealed its own: those
        whose own seed it has not seen — none if it has seen no partner's."""
        partners = self.partners[i].all
        if partners and not any(j in self.own for j in partners):
            return []
        return [j for j in partners if j not in self.own and self.pair_seed(i, j) is None]

    def included(self, eligible: Mapping[int, Contribution]) -> list[int]:
        """The contributions an aggregate can include (see the module docstring):
        :func:`zkpot.ml.aggregation.with_partners` of those whose own seed is revealed,
        each also needing the revealed seed of every partner left out; ``[]`` with fewer
        than two."""

        def unmaskable(i: int, kept: set[int]) -> bool:
            return all(j in kept or self.pair_seed(i, j) is not None
                       for j in self.partners[i].all)  # fmt: skip

        return agg.with_partners([i for i in eligible if i in self.own], self.partners,
                                 unmaskable)  # fmt: skip

    def aggregate(self, eligible: Mapping[int, Contribution]) -> Aggregate | None:
        """The aggregate of :meth:`included`, or ``None`` with fewer than two."""
        included = self.included(eligible)
        if not included:
            return None
        needed = needed_pairs(included, self.ctx.genesis)
        seeds = {(i, j): self.pair_seed(i, j) for i, j in needed}
        return aggregate(self.ctx, {i: eligible[i] for i in included},
                         {i: self.own[i] for i in included}, seeds)  # type: ignore[arg-type]  # fmt: skip


__all__ = ["Unmasking"]
