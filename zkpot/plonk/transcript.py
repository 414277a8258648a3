"""PLONK's Fiat–Shamir transcript, byte for byte as snarkjs 0.7 computes it.

snarkjs (``Keccak256Transcript``) keeps a list of messages per challenge: a G1
point is its uncompressed encoding x ‖ y (32 + 32 bytes, big-endian), a scalar
its 32-byte big-endian encoding. A challenge is Keccak-256 of the concatenation,
read big-endian and reduced modulo r. Between challenges the list is cleared,
and the next round starts from the previous challenge as its first message, so
β, γ, α, ξ and v depend on everything before them through that chain: the
verification key's commitments, the public inputs and every earlier message.

The last challenge, u, is the exception: snarkjs hashes [W_ξ] and [W_ξω] alone,
without v. zkpot does the same, or its proofs would not interoperate. It is
still sound. u only weighs the two opening checks against each other, and it is a
hash of both opening proofs. The claims they open were fixed earlier, through v.
A prover who chose [W_ξ], [W_ξω] first, to learn u early, would have fixed them
before ξ and v. The final check is then a polynomial in v of degree 5 whose
leading coefficient is [Sσ₂(τ)]₁ − s̄σ₂·[1]₁, which no prover can make zero
without knowing τ, so it fails for all but 5 values of v. zkpot's own
transcripts (KZG batching, the ceremony) chain every challenge.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from zkpot.curve import bn254
from zkpot.curve.point import CurvePoint
from zkpot.hash.keccak import Keccak256


class Keccak256Transcripts:
    """k transcripts that receive the same kinds of messages in step — the transcripts of k
    proofs of one key, as a batch verifier replays them — each round's k messages hashed
    together (:meth:`~zkpot.hash.keccak.KeccakSponge.digest_many`: k Keccak states side by
    side cost little more than one). :class:`Keccak256Transcript` is the case k = 1.

    Args:
        k: how many transcripts.
    """

    def __init__(self, k: int) -> None:
        self.k = k
        self.reset()

    def reset(self) -> None:
        """Start a new round."""
        self._parts: list[list[bytes]] = [[] for _ in range(self.k)]
        self._known: bytes | None = None  # a first message whose absorption is cached

    def add_known(self, data: bytes) -> None:
        """The round's first message, the same in all k transcripts and one that many
        transcripts begin with (a verification key's commitments): the same hash as the
        same bytes added as points, but the Keccak blocks of ``data`` are absorbed once per
        process (:func:`_absorbed`), and each round continues from that sponge."""
        if self._known is not None or any(self._parts):
            raise ValueError("add_known must come first in a round")
        self._known = data

    def add_points(self, points: Sequence[CurvePoint]) -> None:
        """One G1 commitment per transcript: x ‖ y, 64 bytes (snarkjs's ``toRprUncompressed``)."""
        for parts, P in zip(self._parts, points, strict=True):
            parts.append(point_bytes(P))

    def add_scalars(self, values: Sequence[int]) -> None:
        """One field element per transcript: 32 bytes big-endian."""
        for parts, value in zip(self._parts, values, strict=True):
            parts.append((value % bn254.R).to_bytes(32, "big"))

    def challenges(self) -> list[int]:
        """Keccak-256 of each transcript's round, big-endian, mod r."""
        if self._known is None and not self._parts[0]:
            raise ValueError("a challenge needs at least one message")
        start = Keccak256() if self._known is None else _absorbed(self._known)
        digests = start.digest_many([b"".join(parts) for parts in self._parts])
        return [int.from_bytes(d, "big") % bn254.R for d in digests]


class Keccak256Transcript(Keccak256Transcripts):
    """The messages of one round, hashed into a challenge in Fr: the prover's transcript."""

    def __init__(self) -> None:
        super().__init__(1)

    def add_point(self, P: CurvePoint) -> None:
        """A G1 commitment: x ‖ y, 64 bytes."""
        self.add_points([P])

    def add_scalar(self, value: int) -> None:
        """A field element: 32 bytes big-endian."""
        self.add_scalars([value])

    def challenge(self) -> int:
        """Keccak-256 of the round's messages, big-endian, mod r."""
        return self.challenges()[0]


@functools.lru_cache(maxsize=64)
def _absorbed(data: bytes) -> Keccak256:
    """A Keccak-256 sponge that has absorbed ``data`` (never updated afterwards:
    ``digest_many`` leaves its sponge unchanged)."""
    return Keccak256(data)


def point_bytes(P: CurvePoint) -> bytes:
    """A G1 point as the transcript reads it: x ‖ y, and 64 zero bytes for the identity
    (what snarkjs's transcript buffer ends up holding)."""
    affine = P.affine_raw()
    if affine is None:
        return bytes(64)
    return affine[0].to_bytes(32, "big") + affine[1].to_bytes(32, "big")


def absorb_statement(t: Keccak256Transcripts, vk: Any, publics: Sequence[Sequence[int]]) -> None:
    """The statement, first in every transcript: the key's commitments, then the public inputs
    (one list per transcript: ``[public]`` for one proof).

    snarkjs's eight commitments [q_M] … [Sσ₃]; then, in zkpot's own configurations, the
    lookup part's and the custom gates' (their ``POINTS``, in order). The prover's round 1
    and the verifier's step 4 both start here.
    """
    points = [vk.Qm, vk.Ql, vk.Qr, vk.Qo, vk.Qc, vk.S1, vk.S2, vk.S3]
    for part in (vk.lookup, vk.custom):
        if part is not None:
            points += [getattr(part, name) for name in part.POINTS]
    t.add_known(b"".join(point_bytes(P) for P in points))  # the same for every proof of vk
    for values in zip(*publics, strict=True):
        t.add_scalars(values)
