"""Grader of assignment 5: KZG, against zkpot.poly.kzg."""

from __future__ import annotations

import random

import pytest

from zkpot.assignments import required
from zkpot.curve import bls12_381, bn254
from zkpot.poly import kzg
from zkpot.poly.polynomial import Polynomial

SRS_BN = kzg.SRS.from_tau(0x5EC2E7, 17)
SRS_BLS = kzg.SRS.from_tau(0x5EC2E7, 9, curve=bls12_381)


def polynomial(srs, degree: int, seed: int) -> Polynomial:
    rng = random.Random(seed)
    return Polynomial([rng.randrange(srs.curve.R) for _ in range(degree + 1)], srs.curve.Fr)


def test_commit_matches_zkpot(solution) -> None:
    commit = required(solution, "commit")
    for srs in (SRS_BN, SRS_BLS):
        for degree in (0, 1, 5, srs.max_degree):
            a = polynomial(srs, degree, degree)
            got = commit(srs, a)
            assert got == kzg.commit(srs, a), (
                f"commit of a random polynomial of degree {degree} on {srs.curve.__name__}: "
                "not Σ aᵢ·[τⁱ]₁"
            )


def test_commit_of_zero_and_too_large(solution) -> None:
    commit = required(solution, "commit")
    zero = Polynomial([0], bn254.Fr)
    got = commit(SRS_BN, zero)
    assert got == bn254.G1.identity(), f"the zero polynomial commits to the identity, got {got}"
    with pytest.raises(ValueError):
        commit(SRS_BN, polynomial(SRS_BN, SRS_BN.max_degree + 1, 1))
        pytest.fail("commit of a polynomial of degree max_degree + 1 should raise ValueError")


def test_open_matches_zkpot(solution) -> None:
    open_ = required(solution, "open")
    rng = random.Random(2)
    for srs in (SRS_BN, SRS_BLS):
        for degree in (0, 1, 4, srs.max_degree):
            a = polynomial(srs, degree, 10 + degree)
            for z in (0, 1, rng.randrange(srs.curve.R)):
                y, proof = open_(srs, a, z)
                want_y, want_proof = kzg.open(srs, a, z)
                assert y == want_y, f"open at z = {z}: y should be a(z) = {want_y}, got {y}"
                assert proof == want_proof, (
                    f"open of a degree-{degree} polynomial at z = {z}: π is not "
                    "[q(τ)]₁ for q = (a − a(z))/(X − z)"
                )


def test_verify_accepts_honest_openings(solution) -> None:
    verify = required(solution, "verify")
    rng = random.Random(3)
    for srs in (SRS_BN, SRS_BLS):
        a = polynomial(srs, 6, 20)
        C = kzg.commit(srs, a)
        for z in (0, rng.randrange(srs.curve.R)):
            y, proof = kzg.open(srs, a, z)
            assert verify(srs, C, z, y, proof) is True, (
                f"verify refused an honest opening at z = {z} on {srs.curve.__name__}"
            )


def test_verify_refuses_what_is_not_an_opening(solution) -> None:
    verify = required(solution, "verify")
    srs, r = SRS_BN, SRS_BN.curve.R
    a, b = polynomial(srs, 6, 30), polynomial(srs, 6, 31)
    C, z = kzg.commit(srs, a), 12345
    y, proof = kzg.open(srs, a, z)
    G = srs.curve.G1.generator()
    for what, args in [
        ("a wrong value y + 1", (C, z, (y + 1) % r, proof)),
        ("a wrong point z + 1", (C, z + 1, y, proof)),
        ("a wrong proof π + G", (C, z, y, proof + G)),
        ("another polynomial's commitment", (kzg.commit(srs, b), z, y, proof)),
        ("the identity as proof", (C, z, y, srs.curve.G1.identity())),
    ]:
        assert verify(srs, *args) is False, f"verify accepted {what}"


def test_a_forged_quotient_for_a_false_value_is_refused(solution) -> None:
    """Dividing a − y' by X − z leaves a remainder when y' ≠ a(z): a prover who commits to
    the quotient anyway must be caught."""
    verify = required(solution, "verify")
    srs = SRS_BN
    a = polynomial(srs, 5, 40)
    z = 7
    false_y = (a.evaluate_int(z) + 5) % srs.curve.R
    q, _ = (a - Polynomial([false_y], bn254.Fr)).divide_by_linear(z)
    assert verify(srs, kzg.commit(srs, a), z, false_y, kzg.commit(srs, q)) is False, (
        "verify accepted a false value with the quotient of (a − y')/(X − z) dropped remainder"
    )
