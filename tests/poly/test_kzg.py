"""KZG commitments on both curves: correctness, and a negative test for every check."""

from __future__ import annotations

import random

import pytest

from tests.curve.strategies import CURVES, curve_id
from zkpot.hash.transcript import Transcript
from zkpot.poly import kzg
from zkpot.poly.domain import EvaluationDomain, Evaluations
from zkpot.poly.polynomial import Polynomial

curves = pytest.mark.parametrize("curve", CURVES, ids=curve_id)
TAU = 0x1234567890ABCDEF
SIZE = 16


@pytest.fixture(scope="module", params=CURVES, ids=curve_id)
def setup(request):
    curve = request.param
    return curve, kzg.SRS.from_tau(TAU, SIZE, curve, lagrange=True)


def random_poly(curve, degree: int, rng: random.Random) -> Polynomial:
    return Polynomial([rng.randrange(curve.R) for _ in range(degree + 1)], curve.Fr)


def test_srs_holds_the_powers_of_tau(setup) -> None:
    curve, srs = setup
    G1, G2 = curve.G1.generator(), curve.G2.generator()
    assert srs.g1[0] == G1 and srs.g1[3] == G1 * pow(TAU, 3, curve.R)
    assert srs.g2 == (G2, G2 * TAU)
    assert srs.max_degree == SIZE - 1
    basis = EvaluationDomain(SIZE, curve.Fr).lagrange_basis(TAU)
    assert srs.g1_lagrange[5] == G1 * basis[5].value


def test_commitment_is_the_polynomial_at_tau(setup) -> None:
    curve, srs = setup
    a = random_poly(curve, SIZE - 1, random.Random(1))
    assert kzg.commit(srs, a) == curve.G1.generator() * a(TAU).value
    assert kzg.commit(srs, Polynomial.zero(curve.Fr)).is_identity()


def test_open_and_verify(setup) -> None:
    curve, srs = setup
    rng = random.Random(2)
    for degree in (0, 1, 7, SIZE - 1):
        a = random_poly(curve, degree, rng)
        C, z = kzg.commit(srs, a), rng.randrange(curve.R)
        y, proof = kzg.open(srs, a, z)
        assert y == a(z).value
        assert kzg.verify(srs, C, z, y, proof)


def test_every_check_of_verify(setup) -> None:
    curve, srs = setup
    rng = random.Random(3)
    a, b = random_poly(curve, 9, rng), random_poly(curve, 9, rng)
    C, z = kzg.commit(srs, a), rng.randrange(curve.R)
    y, proof = kzg.open(srs, a, z)
    _, other_proof = kzg.open(srs, a, z + 1)
    assert kzg.verify(srs, C, z, y, proof)
    assert not kzg.verify(srs, C, z, (y + 1) % curve.R, proof)  # wrong value
    assert not kzg.verify(srs, C, z + 1, y, proof)  # wrong point
    assert not kzg.verify(srs, C, z, y, other_proof)  # wrong proof
    assert not kzg.verify(srs, kzg.commit(srs, b), z, y, proof)  # wrong commitment
    assert not kzg.verify(srs, C, z, y, curve.G1.identity())


def test_degree_beyond_the_srs(setup) -> None:
    curve, srs = setup
    with pytest.raises(kzg.DegreeError, match="exceeds"):
        kzg.commit(srs, random_poly(curve, SIZE, random.Random(4)))
    assert issubclass(kzg.DegreeError, ValueError)


def test_commit_evaluations(setup) -> None:
    curve, srs = setup
    a = random_poly(curve, SIZE - 1, random.Random(5))
    H = EvaluationDomain(SIZE, curve.Fr)
    assert kzg.commit_evaluations(srs, Evaluations.from_polynomial(a, H)) == kzg.commit(srs, a)
    with pytest.raises(ValueError, match="domain"):
        kzg.commit_evaluations(srs, Evaluations([0] * 8, EvaluationDomain(8, curve.Fr)))
    no_lagrange = kzg.SRS(curve, srs.g1, srs.g2)
    with pytest.raises(ValueError, match="no Lagrange"):
        kzg.commit_evaluations(no_lagrange, Evaluations.from_polynomial(a, H))


def test_wrong_field_polynomial(setup) -> None:
    curve, srs = setup
    other = next(c for c in CURVES if c is not curve)
    with pytest.raises(ValueError):
        kzg.commit(srs, Polynomial([1, 2], other.Fr))


def test_srs_validation() -> None:
    curve = CURVES[0]
    with pytest.raises(ValueError, match="needs"):
        kzg.SRS(curve, (curve.G1.generator(),), (curve.G2.generator(),))


# ------------------------------------------------------------------ batched


def _batch(curve, srs, label: bytes = b"test"):
    rng = random.Random(6)
    polys = [random_poly(curve, 10, rng) for _ in range(3)]
    prover = Transcript(label, curve.R)
    openings = [kzg.batch_open(srs, polys, 11, prover), kzg.batch_open(srs, polys[1:], 12, prover)]
    return polys, openings


def test_batch_open_and_verify(setup) -> None:
    curve, srs = setup
    polys, openings = _batch(curve, srs)
    assert openings[0].values == tuple(a(11).value for a in polys)
    assert kzg.batch_verify(srs, openings, Transcript(b"test", curve.R))
    assert kzg.batch_verify(srs, [], Transcript(b"test", curve.R))


def test_every_check_of_batch_verify(setup) -> None:
    curve, srs = setup
    _, (first, second) = _batch(curve, srs)

    def check(openings, label=b"test") -> bool:
        return kzg.batch_verify(srs, openings, Transcript(label, curve.R))

    wrong_value = kzg.Opening(second.z, second.commitments,
                              (second.values[0] + 1, *second.values[1:]), second.proof)  # fmt: skip
    wrong_point = kzg.Opening(second.z + 1, second.commitments, second.values, second.proof)
    wrong_proof = kzg.Opening(second.z, second.commitments, second.values, first.proof)
    swapped = (second.commitments[1], second.commitments[0])
    wrong_commitments = kzg.Opening(second.z, swapped, second.values, second.proof)
    for bad in (wrong_value, wrong_point, wrong_proof, wrong_commitments):
        assert not check([first, bad])
    assert not check([second, first])  # the transcript binds the order
    assert not check([first, second], label=b"another statement")  # and the statement


def test_transcript_is_deterministic_and_separated() -> None:
    r = CURVES[0].R
    a, b = Transcript(b"p", r), Transcript(b"p", r)
    a.append(b"x", b"1")
    b.append(b"x", b"1")
    assert a.challenge(b"c") == b.challenge(b"c")
    c, d = Transcript(b"p", r), Transcript(b"p", r)
    c.append(b"x", b"12")
    d.append(b"x1", b"2")  # same concatenated bytes, different messages
    assert c.challenge(b"c") != d.challenge(b"c")
    e = Transcript(b"q", r)
    e.append(b"x", b"1")
    assert e.challenge(b"c") != Transcript(b"p", r).challenge(b"c")
    assert all(0 <= a.challenge(bytes([i])) < r for i in range(20))


def test_srs_from_an_eip4844_file(tmp_path) -> None:
    """``SRS.from_eip4844`` reads the ceremony format and puts Lagrange points in natural order."""
    from zkpot.curve import bls12_381
    from zkpot.poly import eip4844

    path = tmp_path / "trusted_setup.txt"
    eip4844.write_trusted_setup(eip4844.insecure_trusted_setup(TAU, n=8, g2_count=3), path)
    srs = kzg.SRS.from_eip4844(path)
    expected = kzg.SRS.from_tau(TAU, 8, bls12_381, lagrange=True)
    assert srs.g1 == expected.g1 and srs.g1_lagrange == expected.g1_lagrange
    assert srs.g2[:2] == expected.g2
    a = random_poly(bls12_381, 7, random.Random(7))
    y, proof = kzg.open(srs, a, 2)
    assert kzg.verify(srs, kzg.commit(srs, a), 2, y, proof)
