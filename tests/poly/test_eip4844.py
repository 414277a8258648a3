"""EIP-4844 KZG against ckzg (c-kzg-4844's Python binding) on a setup generated here.

No file from outside the repository is used: a 4096-point setup for a known τ is
generated, written in the ``trusted_setup.txt`` format, and loaded by both zkpot
and ckzg. With τ known, commitments are also checked against [p(τ)]₁ directly.
"""

from __future__ import annotations

import hashlib
import random

import ckzg
import pytest

from zkpot.curve import InvalidInput, bls12_381
from zkpot.errors import NonCanonicalError, TrustedSetupError
from zkpot.poly import eip4844 as E
from zkpot.poly.domain import EvaluationDomain
from zkpot.poly.polynomial import Polynomial

TAU = 0x5EC2E7
R = E.BLS_MODULUS


@pytest.fixture(scope="module")
def setups(tmp_path_factory):
    """(zkpot's setup, ckzg's setup, path) for the same generated file."""
    path = tmp_path_factory.mktemp("eip4844") / "trusted_setup.txt"
    E.write_trusted_setup(E.insecure_trusted_setup(TAU), path)
    return E.load_trusted_setup(path, check=False), ckzg.load_trusted_setup(str(path), 0), path


def make_blob(rng: random.Random, values=None) -> bytes:
    values = values if values is not None else [rng.randrange(R) for _ in range(4096)]
    return b"".join(v.to_bytes(32, "big") for v in values)


def field_bytes(v: int) -> bytes:
    return v.to_bytes(32, "big")


def test_commitment_is_the_interpolated_polynomial_at_tau(setups) -> None:
    ts, _, _ = setups
    rng = random.Random(1)
    values = [rng.randrange(R) for _ in range(4096)]
    # blobs are evaluations in bit-reversed order: put them back in domain order
    domain = EvaluationDomain(4096, bls12_381.Fr)
    p = Polynomial(domain.intt(domain.bit_reverse(values)), bls12_381.Fr)
    expected = bls12_381.G1.generator() * p(TAU).value
    assert E.blob_to_kzg_commitment(make_blob(rng, values), ts) == expected.to_bytes()


def test_agrees_with_ckzg(setups) -> None:
    ts, ck, _ = setups
    rng = random.Random(2)
    blobs = [make_blob(rng), make_blob(rng, [0] * 4096), make_blob(rng, [R - 1] * 4096)]
    for blob in blobs[:2]:
        commitment = E.blob_to_kzg_commitment(blob, ts)
        assert commitment == ckzg.blob_to_kzg_commitment(blob, ck)
        proof = E.compute_blob_kzg_proof(blob, commitment, ts)
        assert proof == ckzg.compute_blob_kzg_proof(blob, commitment, ck)
        assert E.verify_blob_kzg_proof(blob, commitment, proof, ts)
        assert ckzg.verify_blob_kzg_proof(blob, commitment, proof, ck)
    assert E.blob_to_kzg_commitment(blobs[1], ts) == E.G1_POINT_AT_INFINITY


@pytest.mark.parametrize("where", ["random", "zero", "root of unity"])
def test_compute_kzg_proof_agrees_with_ckzg(setups, where) -> None:
    ts, ck, _ = setups
    rng = random.Random(3)
    blob = make_blob(rng)
    z = {"random": rng.randrange(R), "zero": 0, "root of unity": ts.roots_of_unity_brp[17]}[where]
    proof, y = E.compute_kzg_proof(blob, field_bytes(z), ts)
    assert (proof, y) == tuple(ckzg.compute_kzg_proof(blob, field_bytes(z), ck))
    commitment = E.blob_to_kzg_commitment(blob, ts)
    assert E.verify_kzg_proof(commitment, field_bytes(z), y, proof, ts)
    if where == "root of unity":  # the value at a root is the blob's element there
        assert y == blob[17 * 32 : 18 * 32]


def test_every_check_of_verify_kzg_proof(setups) -> None:
    ts, ck, _ = setups
    rng = random.Random(4)
    blob, other = make_blob(rng), make_blob(rng)
    commitment = E.blob_to_kzg_commitment(blob, ts)
    z = field_bytes(rng.randrange(R))
    proof, y = E.compute_kzg_proof(blob, z, ts)
    other_proof, _ = E.compute_kzg_proof(other, z, ts)
    y_plus = field_bytes((int.from_bytes(y, "big") + 1) % R)
    z_plus = field_bytes((int.from_bytes(z, "big") + 1) % R)
    cases = {
        "valid": (commitment, z, y, proof, True),
        "wrong value": (commitment, z, y_plus, proof, False),
        "wrong point": (commitment, z_plus, y, proof, False),
        "wrong proof": (commitment, z, y, other_proof, False),
        "wrong commitment": (E.blob_to_kzg_commitment(other, ts), z, y, proof, False),
    }
    for name, (c, zz, yy, pp, expected) in cases.items():
        assert E.verify_kzg_proof(c, zz, yy, pp, ts) is expected, name
        assert ckzg.verify_kzg_proof(c, zz, yy, pp, ck) is expected, name


def test_blob_proofs_and_batches(setups) -> None:
    ts, ck, _ = setups
    rng = random.Random(5)
    blobs = [make_blob(rng) for _ in range(3)]
    commitments = [E.blob_to_kzg_commitment(b, ts) for b in blobs]
    proofs = [E.compute_blob_kzg_proof(b, c, ts) for b, c in zip(blobs, commitments, strict=True)]
    assert E.verify_blob_kzg_proof_batch(blobs, commitments, proofs, ts)
    joined = [b"".join(items) for items in (blobs, commitments, proofs)]  # ckzg takes them joined
    assert ckzg.verify_blob_kzg_proof_batch(*joined, ck)
    assert E.verify_blob_kzg_proof_batch([], [], [], ts)
    swapped = [proofs[1], proofs[0], proofs[2]]
    assert not E.verify_blob_kzg_proof_batch(blobs, commitments, swapped, ts)
    assert not E.verify_blob_kzg_proof(blobs[0], commitments[0], proofs[1], ts)
    with pytest.raises(InvalidInput, match="as many"):
        E.verify_blob_kzg_proof_batch(blobs, commitments[:2], proofs, ts)


def test_compute_challenge_follows_the_spec() -> None:
    blob, commitment = bytes(E.BYTES_PER_BLOB), E.G1_POINT_AT_INFINITY
    data = b"FSBLOBVERIFY_V1_" + (4096).to_bytes(16, "big") + blob + commitment
    expected = int.from_bytes(hashlib.sha256(data).digest(), "big") % R
    assert E.compute_challenge(blob, commitment) == expected


def test_every_challenge_depends_on_every_message_before_it() -> None:
    """z follows the whole blob and the commitment; the batch's r follows every opening."""
    rng = random.Random(9)
    blob = bytearray(make_blob(rng))
    commitment = (bls12_381.G1.generator() * 5).to_bytes()
    z = E.compute_challenge(bytes(blob), commitment)
    for index in (0, 2047, 4095):  # first, middle and last field element of the blob
        changed = bytearray(blob)
        changed[32 * index + 31] ^= 1
        assert E.compute_challenge(bytes(changed), commitment) != z, index
    other = (bls12_381.G1.generator() * 6).to_bytes()
    assert E.compute_challenge(bytes(blob), other) != z

    G1 = bls12_381.G1.generator()
    openings = [[G1 * rng.randrange(R), rng.randrange(R), rng.randrange(R), G1 * rng.randrange(R)]
                for _ in range(3)]  # fmt: skip
    r = E.compute_batch_challenge(*(list(column) for column in zip(*openings, strict=True)))
    point, scalar = (lambda P: P + G1), (lambda v: (v + 1) % R)
    for i in range(3):
        for k, bump in enumerate((point, scalar, scalar, point)):  # C, z, y, π
            changed = [list(o) for o in openings]
            changed[i][k] = bump(changed[i][k])
            columns = (list(column) for column in zip(*changed, strict=True))
            assert E.compute_batch_challenge(*columns) != r, (i, k)
    fewer = (list(column) for column in zip(*openings[:2], strict=True))
    assert E.compute_batch_challenge(*fewer) != r


def _off_subgroup_g1() -> bytes:
    for n in range(1, 100):
        x = bls12_381.Fq(n)
        rhs = x**3 + 4
        if rhs.is_square():
            P = bls12_381.G1(x, rhs.sqrt(), check=False)
            if not P.is_in_subgroup():
                data = bytearray(x.to_bytes())
                data[0] |= 0x80 | (0x20 if rhs.sqrt().value > (bls12_381.P - 1) // 2 else 0)
                return bytes(data)
    raise AssertionError("no off-subgroup point found")


def _no_point_x() -> bytes:
    for n in range(1, 100):
        if not (bls12_381.Fq(n) ** 3 + 4).is_square():
            data = bytearray(bls12_381.Fq(n).to_bytes())
            data[0] |= 0x80
            return bytes(data)
    raise AssertionError("every small x is on the curve")


def test_malformed_input_is_rejected(setups) -> None:
    ts, _, _ = setups
    rng = random.Random(6)
    blob = make_blob(rng)
    good_point, z = E.blob_to_kzg_commitment(blob, ts), field_bytes(5)
    bad_blobs = {
        "short": blob[:-1],
        "long": blob + b"\x00",
        "element ≥ r": field_bytes(R) + blob[32:],
        "not bytes": "00" * E.BYTES_PER_BLOB,
    }
    for bad in bad_blobs.values():
        with pytest.raises(ValueError):
            E.blob_to_kzg_commitment(bad, ts)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            E.compute_blob_kzg_proof(bad, good_point, ts)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            E.verify_blob_kzg_proof(bad, good_point, good_point, ts)  # type: ignore[arg-type]
    bad_points = {
        "short": good_point[:-1],
        "no point with this x": _no_point_x(),
        "not in the subgroup": _off_subgroup_g1(),
        "infinity with bits": b"\xc0" + bytes(46) + b"\x01",
        "uncompressed flag": bytes([good_point[0] & 0x7F]) + good_point[1:],
    }
    for bad in bad_points.values():
        with pytest.raises(InvalidInput):
            E.verify_kzg_proof(bad, z, z, good_point, ts)
        with pytest.raises(InvalidInput):
            E.verify_kzg_proof(good_point, z, z, bad, ts)
        with pytest.raises(InvalidInput):
            E.compute_blob_kzg_proof(blob, bad, ts)
    for bad_scalar in (field_bytes(R), field_bytes(R + 1), bytes(31), bytes(33)):
        with pytest.raises(NonCanonicalError):
            E.verify_kzg_proof(good_point, bad_scalar, z, good_point, ts)
        with pytest.raises(NonCanonicalError):
            E.verify_kzg_proof(good_point, z, bad_scalar, good_point, ts)
        with pytest.raises(NonCanonicalError):
            E.compute_kzg_proof(blob, bad_scalar, ts)


# ------------------------------------------------------------------ the file format


def test_small_setup_round_trip_with_checks(tmp_path) -> None:
    ts = E.insecure_trusted_setup(99, n=4, g2_count=3)
    path = tmp_path / "small.txt"
    E.write_trusted_setup(ts, path)
    loaded = E.load_trusted_setup(path)  # every point checked
    assert loaded.g1_lagrange == ts.g1_lagrange and loaded.g2_monomial == ts.g2_monomial
    assert loaded.g1_monomial[1] == bls12_381.G1.generator() * 99


def test_malformed_files_are_rejected(tmp_path) -> None:
    ts = E.insecure_trusted_setup(99, n=4, g2_count=3)
    path = tmp_path / "setup.txt"
    E.write_trusted_setup(ts, path)
    lines = path.read_text().split("\n")
    variants = {
        "counts": ["five", *lines[1:]],
        "too few lines": lines[:-3],
        "bad hex": [*lines[:3], "zz" * 48, *lines[4:]],
        "not in the subgroup": [*lines[:3], _off_subgroup_g1().hex(), *lines[4:]],
        "no points": ["0", "0"],
        "one G2 point": ["4", "1", *lines[2:7], *lines[9:]],
        "empty": [],
        "garbage": ["hello", "world"],
    }
    for name, content in variants.items():
        bad = tmp_path / f"{name}.txt"
        bad.write_text("\n".join(content))
        with pytest.raises(TrustedSetupError, match=str(bad)):
            E.load_trusted_setup(bad)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(TrustedSetupError, match="not text"):
        E.load_trusted_setup(binary)
    assert issubclass(TrustedSetupError, ValueError)  # EIP-4844's contract: ValueError
    for tau in (0, R):
        with pytest.raises(TrustedSetupError, match="τ ≡ 0"):
            E.insecure_trusted_setup(tau, n=4, g2_count=3)
    bad = tmp_path / "subgroup.txt"
    bad.write_text("\n".join([*lines[:3], _off_subgroup_g1().hex(), *lines[4:]]))
    with pytest.raises(ValueError, match="line 4"):
        E.load_trusted_setup(bad)
