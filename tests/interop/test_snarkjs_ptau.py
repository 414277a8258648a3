"""Read a ceremony snarkjs ran, and check every point against snarkjs's own exports.

snarkjs (pinned in package.json, installed into node_modules by ``make test``)
runs a small ceremony — ``powersoftau new bn128 8``, one ``contribute``,
``prepare phase2`` — and exports it twice:

- ``powersoftau export json``. snarkjs 0.7 writes each point there as a single
  decimal number: ``Fr.toString`` applied to the point's bytes in the file, so the
  number is x's Montgomery form x·2²⁵⁶ mod q (x₀'s for G2), read as the Montgomery
  form of an element of Fr: (x·2²⁵⁶ mod q)·2⁻²⁵⁶ mod r. :func:`json_number` computes
  that from a point, which pins x but not y.
- ``powersoftau export challenge``: a 64-byte hash, then tauG1, tauG2, … with the
  coordinates big-endian and not in Montgomery form, Fq2 as c₁ ‖ c₀ — the EIP-196/197
  encoding, which zkpot's own decoder reads: every coordinate is compared.

Then the loaded SRS must work: a KZG round trip, and the Lagrange points must
commit to the same point as the monomial ones.
"""

from __future__ import annotations

import json
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import needs
from zkpot.curve import bn254
from zkpot.curve.point import CurvePoint
from zkpot.poly import kzg
from zkpot.poly.domain import EvaluationDomain, Evaluations
from zkpot.poly.kzg import SRS
from zkpot.poly.polynomial import Polynomial
from zkpot.poly.ptau import read_ptau_srs

ROOT = Path(__file__).resolve().parents[2]
SNARKJS = ROOT / "node_modules" / ".bin" / "snarkjs"
POWER = 8
N = 1 << POWER
Q, R = bn254.Fq.MODULUS, bn254.Fr.MODULUS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.needs(*needs.node_tool(".bin/snarkjs")),
]


@dataclass(frozen=True)
class Ceremony:
    dir: Path
    contributed: Path  # before prepare phase2: no Lagrange points
    prepared: Path
    exported: dict[str, Any]  # powersoftau export json
    challenge: bytes  # powersoftau export challenge


def snarkjs(cwd: Path, *args: str) -> None:
    done = subprocess.run(
        [str(SNARKJS), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"snarkjs {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory: pytest.TempPathFactory) -> Ceremony:
    d = tmp_path_factory.mktemp("ptau")
    snarkjs(d, "powersoftau", "new", "bn128", str(POWER), "pot_0000.ptau")
    snarkjs(
        d, "powersoftau", "contribute", "pot_0000.ptau", "pot_0001.ptau",
        "--name=zkpot interop test", "-e=entropy of the zkpot interop test",
    )  # fmt: skip
    snarkjs(d, "powersoftau", "prepare", "phase2", "pot_0001.ptau", "pot_final.ptau")
    snarkjs(d, "powersoftau", "export", "json", "pot_final.ptau", "pot_final.json")
    snarkjs(d, "powersoftau", "export", "challenge", "pot_final.ptau", "challenge")
    snarkjs(d, "powersoftau", "truncate", "pot_final.ptau")  # pot_final_01.ptau … _07
    exported = json.loads((d / "pot_final.json").read_text())
    challenge = (d / "challenge").read_bytes()
    return Ceremony(d, d / "pot_0001.ptau", d / "pot_final.ptau", exported, challenge)


@pytest.fixture(scope="module")
def srs(ceremony: Ceremony) -> SRS:
    """Every power the file holds, G2 included (a subgroup check each)."""
    return read_ptau_srs(ceremony.prepared, g2_powers=N)


def json_number(P: CurvePoint) -> str:
    """What ``powersoftau export json`` writes for P: (x·2²⁵⁶ mod q)·2⁻²⁵⁶ mod r."""
    affine = P.affine_raw()
    assert affine is not None
    x = affine[0] if isinstance(affine[0], int) else affine[0][0]
    return str(x * 2**256 % Q * pow(2, -256, R) % R)


# ------------------------------------------------------------------ the points


def test_the_header_matches(ceremony: Ceremony, srs: SRS) -> None:
    assert ceremony.exported["q"] == str(Q)
    assert ceremony.exported["power"] == POWER
    assert len(srs.g1) == 2 * N - 1 == len(ceremony.exported["tauG1"])
    assert len(srs.g2) == N == len(ceremony.exported["tauG2"])
    assert srs.g1_lagrange is not None and len(srs.g1_lagrange) == N


def test_every_power_matches_the_json_export(ceremony: Ceremony, srs: SRS) -> None:
    assert [json_number(P) for P in srs.g1] == ceremony.exported["tauG1"]
    assert [json_number(P) for P in srs.g2] == ceremony.exported["tauG2"]


@pytest.mark.parametrize(("max_degree", "size"), [(None, N), (0, 1), (1, 2), (40, 32), (200, 128)])
def test_lagrange_points_match_the_json_export(
    ceremony: Ceremony, max_degree: int | None, size: int
) -> None:
    """The export lists section 12's blocks, lTauG1[m] for the domain of 2ᵐ points."""
    loaded = read_ptau_srs(ceremony.prepared, max_degree)
    assert loaded.g1_lagrange is not None and len(loaded.g1_lagrange) == size
    block = ceremony.exported["lTauG1"][size.bit_length() - 1]
    assert [json_number(P) for P in loaded.g1_lagrange] == block


def test_every_coordinate_matches_the_challenge_export(ceremony: Ceremony, srs: SRS) -> None:
    """The challenge holds tauG1 and tauG2 in EIP-196/197 form after a 64-byte hash."""
    data, offset = ceremony.challenge, 64
    g1 = [
        bn254.G1.from_bytes(data[offset + 64 * i : offset + 64 * (i + 1)]) for i in range(2 * N - 1)
    ]
    offset += 64 * (2 * N - 1)
    g2 = [bn254.G2.from_bytes(data[offset + 128 * i : offset + 128 * (i + 1)]) for i in range(N)]
    assert tuple(g1) == srs.g1
    assert tuple(g2) == srs.g2


def test_a_file_before_prepare_phase2(ceremony: Ceremony, srs: SRS) -> None:
    loaded = read_ptau_srs(ceremony.contributed)
    assert loaded.g1 == srs.g1 and loaded.g2 == srs.g2[:2]
    assert loaded.g1_lagrange is None


@pytest.mark.parametrize("power", [1, 5, 7])
def test_truncated_files(ceremony: Ceremony, srs: SRS, power: int) -> None:
    """``powersoftau truncate`` cuts power p out, keeping ceremonyPower = 8."""
    loaded = read_ptau_srs(ceremony.dir / f"pot_final_{power:02d}.ptau")
    assert loaded.g1 == srs.g1[: 2 * (1 << power) - 1]
    assert loaded.g1_lagrange is not None
    assert [json_number(P) for P in loaded.g1_lagrange] == ceremony.exported["lTauG1"][power]


# ------------------------------------------------------------------ using the SRS


def test_kzg_round_trip(srs: SRS) -> None:
    rng = random.Random(2024)
    poly = Polynomial([rng.randrange(R) for _ in range(2 * N - 1)])  # every power of τ
    C = kzg.commit(srs, poly)
    z = rng.randrange(R)
    y, proof = kzg.open(srs, poly, z)
    assert y == poly(z).value
    assert kzg.verify(srs, C, z, y, proof)
    assert not kzg.verify(srs, C, z, (y + 1) % R, proof)
    assert not kzg.verify(srs, C, (z + 1) % R, y, proof)


@pytest.mark.parametrize("max_degree", [None, 63])
def test_lagrange_points_commit_like_the_monomials(
    ceremony: Ceremony, max_degree: int | None
) -> None:
    """Σ fᵢ·[Lᵢ(τ)]₁ = [f(τ)]₁: commit(poly) == commit_evaluations(poly on H)."""
    loaded = read_ptau_srs(ceremony.prepared, max_degree)
    assert loaded.g1_lagrange is not None
    domain = EvaluationDomain(len(loaded.g1_lagrange))
    rng = random.Random(7)
    poly = Polynomial([rng.randrange(R) for _ in range(domain.size)])
    evaluations = Evaluations.from_polynomial(poly, domain)
    assert kzg.commit(loaded, poly) == kzg.commit_evaluations(loaded, evaluations)
