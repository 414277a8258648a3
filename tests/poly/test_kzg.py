"""KZG commitments on both curves: correctness, and a negative test for every check."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from tests.curve.strategies import CURVES, curve_id
from zkpot.errors import ArgumentError, ArgumentTypeError, TrustedSetupError
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
    with pytest.raises(ArgumentError, match="domain"):
        kzg.commit_evaluations(srs, Evaluations([0] * 8, EvaluationDomain(8, curve.Fr)))
    no_lagrange = kzg.SRS(curve, srs.g1, srs.g2)
    with pytest.raises(TrustedSetupError, match="no Lagrange"):
        kzg.commit_evaluations(no_lagrange, Evaluations.from_polynomial(a, H))


def test_wrong_field_polynomial(setup) -> None:
    curve, srs = setup
    other = next(c for c in CURVES if c is not curve)
    with pytest.raises(ArgumentError):
        kzg.commit(srs, Polynomial([1, 2], other.Fr))


def test_srs_validation() -> None:
    curve = CURVES[0]
    with pytest.raises(TrustedSetupError, match="needs"):
        kzg.SRS(curve, (curve.G1.generator(),), (curve.G2.generator(),))


@curves
def test_from_tau_refuses_what_is_no_setup(curve) -> None:
    """τ ≡ 0 would give the point at infinity for every power but [1]: no SRS at all."""
    for tau in (0, curve.R, -curve.R, curve.Fr(0)):
        with pytest.raises(TrustedSetupError, match="τ ≡ 0"):
            kzg.SRS.from_tau(tau, 4, curve)
    for size in (0, -1):
        with pytest.raises(TrustedSetupError, match="one power of τ at least"):
            kzg.SRS.from_tau(5, size, curve)
    for tau, size in (("a", 4), (2.0, 4), (None, 4), (5, "4"), (5, 4.0), (True, 4)):
        with pytest.raises(ArgumentTypeError):
            kzg.SRS.from_tau(tau, size, curve)
    assert kzg.SRS.from_tau(-1, 2, curve).g1[1] == -curve.G1.generator()  # τ mod r
    assert kzg.SRS.from_tau(curve.Fr(5), 2, curve).g2 == kzg.SRS.from_tau(5, 2, curve).g2


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


@pytest.mark.parametrize(("n_points", "n_polys"), [(1, 1), (1, 4), (2, 1), (3, 2), (5, 3)])
def test_honest_batches_verify(setup, n_points: int, n_polys: int) -> None:
    curve, srs = setup
    rng = random.Random(n_points * 10 + n_polys)
    polys = [random_poly(curve, rng.randrange(SIZE), rng) for _ in range(n_polys)]
    prover = Transcript(b"honest", curve.R)
    openings = [kzg.batch_open(srs, polys[: 1 + i % n_polys], rng.randrange(curve.R), prover)
                for i in range(n_points)]  # fmt: skip
    assert kzg.batch_verify(srs, openings, Transcript(b"honest", curve.R))


def _forge_two_openings(curve, srs, a: Polynomial, points, values, rho: int):
    """Open a at z₁, z₂ to the false y₁, y₂, knowing the batching challenge ρ in advance.

    The batch check is Σ ρⁱ·(C − [yᵢ]₁ − (τ − zᵢ)·πᵢ) = 0 (weights 1, ρ). Take π₂ = [c]₁
    for a constant c; the check then asks for (τ − z₁)·π₁ = [P(τ)]₁ with
    P(X) = (1 + ρ)·a(X) − y₁ − ρ·y₂ − ρ·c·(X − z₂), and c is chosen so that P(z₁) = 0:
    π₁ = [P(X)/(X − z₁)]₁ is then a commitment made from the public SRS alone.
    """
    r, F = curve.R, curve.Fr
    (z1, z2), (y1, y2) = points, values
    c = ((1 + rho) * a(z1).value - y1 - rho * y2) * pow(rho * (z1 - z2), -1, r) % r
    P = a * (1 + rho) - Polynomial([(y1 + rho * y2 - rho * c * z2) % r, rho * c % r], F)
    quotient, remainder = P.divide_by_linear(z1)
    assert remainder.value == 0
    C = kzg.commit(srs, a)
    return [kzg.Opening(z1, (C,), (y1,), kzg.commit(srs, quotient)),
            kzg.Opening(z2, (C,), (y2,), curve.G1.generator() * c)]  # fmt: skip


def test_batch_challenge_depends_on_the_proofs(setup) -> None:
    """The forgery of a batch whose ρ ignores the proofs (issue 11) is rejected."""
    curve, srs = setup
    r, G1 = curve.R, curve.G1.generator()
    a = random_poly(curve, 6, random.Random(8))
    C, points = kzg.commit(srs, a), (5, 9)
    values = ((a(5).value + 1) % r, (a(9).value + 2) % r)  # both false
    # ρ as a transcript that never absorbs the proofs would draw it: the prover knows it.
    early = Transcript(b"forge", r)
    for z, y in zip(points, values, strict=True):
        kzg._absorb(early, z, [C], [y])
    rho = early.challenge(b"rho")
    forged = _forge_two_openings(curve, srs, a, points, values, rho)
    # With that ρ the single pairing check holds: the forgery is real ...
    left = sum(((C - G1 * o.values[0] + o.proof * o.z) * w
                for o, w in zip(forged, (1, rho), strict=True)), curve.G1.identity())  # fmt: skip
    right = forged[0].proof + forged[1].proof * rho
    assert curve.pairing_check([(left, srs.g2[0]), (-right, srs.g2[1])])
    # ... each opening alone is rejected, and so is the batch, whose ρ follows the proofs.
    for o in forged:
        assert not kzg.verify(srs, C, o.z, o.values[0], o.proof)
    assert not kzg.batch_verify(srs, forged, Transcript(b"forge", r))


def test_every_challenge_depends_on_every_message_before_it(setup) -> None:
    """Change one message of one opening: the challenges before it stay, all after it change."""
    curve, srs = setup
    _, openings = _batch(curve, srs)
    G1 = curve.G1.generator()

    def challenges(batch) -> list[int]:
        gammas, rho = kzg.batch_challenges(batch, Transcript(b"test", curve.R))
        return [*gammas, rho]

    before = challenges(openings)
    assert len(set(before)) == len(before)
    for i, o in enumerate(openings):
        changed = {"z": (replace(o, z=o.z + 1), i),
                   "proof": (replace(o, proof=o.proof + G1), i + 1)}  # fmt: skip
        for j in range(len(o.commitments)):
            moved = (*o.commitments[:j], o.commitments[j] + G1, *o.commitments[j + 1 :])
            changed[f"C{j}"] = replace(o, commitments=moved), i
            bumped = (*o.values[:j], o.values[j] + 1, *o.values[j + 1 :])
            changed[f"y{j}"] = replace(o, values=bumped), i
        for message, (mutated, first_affected) in changed.items():
            after = challenges([*openings[:i], mutated, *openings[i + 1 :]])
            assert after[:first_affected] == before[:first_affected], (i, message)
            assert all(a != b for a, b in zip(after[first_affected:], before[first_affected:],
                                               strict=True)), (i, message)  # fmt: skip


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
