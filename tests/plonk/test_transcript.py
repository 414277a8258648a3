"""The Fiat–Shamir transcript: a known first message (a key's commitments, absorbed once per
process) gives the same challenges as the same bytes added message by message."""

from __future__ import annotations

import pytest

from zkpot.curve import bn254
from zkpot.hash.keccak import keccak256
from zkpot.plonk.transcript import Keccak256Transcript, point_bytes


def test_a_known_prefix_hashes_like_the_same_messages() -> None:
    G = bn254.G1.generator()
    points = [G * k for k in range(1, 12)]  # 704 bytes: five whole Keccak blocks and a rest
    known = b"".join(point_bytes(P) for P in points)
    for tail in ([], [7], [7, 8, 9]):
        plain, cached = Keccak256Transcript(), Keccak256Transcript()
        for P in points:
            plain.add_point(P)
        cached.add_known(known)
        for x in tail:
            plain.add_scalar(x)
            cached.add_scalar(x)
        message = known + b"".join(x.to_bytes(32, "big") for x in tail)
        expected = int.from_bytes(keccak256(message), "big") % bn254.R
        assert plain.challenge() == cached.challenge() == expected
        assert cached.challenge() == expected  # the cached sponge was copied, not changed


def test_a_known_message_comes_first() -> None:
    t = Keccak256Transcript()
    t.add_scalar(1)
    with pytest.raises(ValueError, match="first"):
        t.add_known(b"abc")
    t.reset()
    t.add_known(b"abc")  # a new round: fine


def test_the_identity_is_64_zero_bytes_and_points_are_x_then_y() -> None:
    G = bn254.G1.generator()
    assert point_bytes(bn254.G1.identity()) == bytes(64)
    assert point_bytes(G) == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    assert point_bytes(G * 5) == point_bytes(bn254.G1(*(G * 5).affine_raw()))
