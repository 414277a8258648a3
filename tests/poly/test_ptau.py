"""The .ptau reader on files built here, for a known τ, without node.

A small writer (:func:`ptau_file`) lays out a snarkjs ``.ptau`` file as
``powersoftau new`` + ``prepare phase2`` would — container, header, tauG1, tauG2
and the Lagrange blocks of section 12, every coordinate in little-endian
Montgomery form — from points that :meth:`SRS.from_tau` computes. The reader must
give back exactly those points, and reject every malformation with a typed error
naming what is wrong. ``tests/interop/test_snarkjs_ptau.py`` checks files snarkjs made.
"""

from __future__ import annotations

import functools
import random
import struct
from pathlib import Path

import pytest

from zkpot.curve import InvalidInput, bn254
from zkpot.errors import NonCanonicalError, NotASquareError
from zkpot.poly import kzg
from zkpot.poly.kzg import SRS, DegreeError
from zkpot.poly.polynomial import Polynomial
from zkpot.poly.ptau import read_ptau_srs

Q, R = bn254.Fq.MODULUS, bn254.Fr.MODULUS
TAU = 0x1234_5678_9ABC_DEF0_1357_9BDF
POWER = 3  # N = 8: 15 powers in G1, 8 in G2, Lagrange blocks of 1, 2, 4, 8, 16
N = 1 << POWER
BLS12_381_Q = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
    16,
)

# ------------------------------------------------------------------ the writer

Sections = list[tuple[int, bytes]]


def fq_bytes(x: int) -> bytes:
    """An Fq element as the file holds it: x·2²⁵⁶ mod q, 32 bytes little-endian."""
    return (x * 2**256 % Q).to_bytes(32, "little")


def point_bytes(P: bn254.G1 | bn254.G2) -> bytes:
    """x ‖ y (Fq2 as c₀ ‖ c₁); the point at infinity is all zeros."""
    affine = P.affine_raw()
    if affine is None:
        return bytes(64 if isinstance(P, bn254.G1) else 128)
    if isinstance(P, bn254.G1):
        return b"".join(fq_bytes(c) for c in affine)
    return b"".join(fq_bytes(c) for coordinate in affine for c in coordinate)


def points_bytes(points: list) -> bytes:
    return b"".join(point_bytes(P) for P in points)


def header(power: int = POWER, q: int = Q, n8: int = 32, ceremony_power: int = 0) -> bytes:
    """Section 1: n8 ‖ q ‖ power ‖ ceremonyPower (n8 as given, q in min(n8, 48) bytes)."""
    q_bytes = q.to_bytes(min(n8, 48), "little")
    return struct.pack("<I", n8) + q_bytes + struct.pack("<II", power, ceremony_power or power)


def container(sections: Sections, magic: bytes = b"ptau", version: int = 1) -> bytes:
    """The binfileutils container: magic ‖ version ‖ nSections ‖ (id ‖ size u64 ‖ body)*."""
    out = magic + struct.pack("<II", version, len(sections))
    for section_id, body in sections:
        out += struct.pack("<IQ", section_id, len(body)) + body
    return out


@functools.cache
def srs_for(tau: int, size: int, lagrange: bool = False) -> SRS:
    """SRS.from_tau, computed once per argument (each call builds a fixed-base table)."""
    return SRS.from_tau(tau, size, bn254, lagrange=lagrange)


def tau_g2(tau: int, count: int) -> list[bn254.G2]:
    G2 = bn254.G2.generator()
    return [G2 * pow(tau, i, R) for i in range(count)]


def ptau_sections(tau: int = TAU, power: int = POWER, lagrange: bool = True) -> Sections:
    """The sections of a prepared ceremony for τ, in the order snarkjs writes them."""
    n = 1 << power
    srs = srs_for(tau, 2 * n - 1)
    filler = points_bytes([bn254.G1.generator()] * n)  # [ατⁱ]₁, [βτⁱ]₁: skipped by the reader
    sections = [
        (1, header(power)),
        (2, points_bytes(list(srs.g1))),
        (3, points_bytes(tau_g2(tau, n))),
        (4, filler),
        (5, filler),
        (6, points_bytes([bn254.G2.generator()])),
        (7, struct.pack("<I", 0)),  # no contributions
    ]
    if lagrange:  # blocks for domains of 1, 2, …, 2N points
        blocks = [srs_for(tau, 1 << m, lagrange=True) for m in range(power + 2)]
        sections.append((12, b"".join(points_bytes(list(b.g1_lagrange)) for b in blocks)))
    return sections


_CACHE: dict[tuple[int, bool], Sections] = {}


def sections_for(tau: int = TAU, lagrange: bool = True) -> Sections:
    if (tau, lagrange) not in _CACHE:
        _CACHE[tau, lagrange] = ptau_sections(tau, POWER, lagrange)
    return list(_CACHE[tau, lagrange])


def ptau_file(tmp_path: Path, data: bytes, name: str = "test.ptau") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def replace(sections: Sections, section_id: int, body: bytes) -> Sections:
    return [(i, body if i == section_id else b) for i, b in sections]


def with_point(sections: Sections, section_id: int, index: int, encoded: bytes) -> Sections:
    """The sections with one point of a section overwritten."""
    body = dict(sections)[section_id]
    width = len(encoded)
    return replace(
        sections, section_id, body[: index * width] + encoded + body[(index + 1) * width :]
    )


def read(tmp_path: Path, sections: Sections, **kwargs: object) -> SRS:
    return read_ptau_srs(ptau_file(tmp_path, container(sections)), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def expected() -> SRS:
    return srs_for(TAU, 2 * N - 1)


# ------------------------------------------------------------------ reading


def test_the_writer_uses_montgomery_form() -> None:
    """[1]₁ = (1, 2) starts with 2²⁵⁶ mod q, the first bytes of every snarkjs tauG1."""
    assert point_bytes(bn254.G1.generator())[:32].hex() == (
        "9d0d8fc58d435dd33d0bc7f528eb780a2c4679786fa36e662fdf079ac1770a0e"
    )


def test_reads_every_power(tmp_path: Path, expected: SRS) -> None:
    srs = SRS.from_ptau(ptau_file(tmp_path, container(sections_for())))
    assert srs.curve is bn254
    assert srs.g1 == expected.g1 and len(srs.g1) == 2 * N - 1
    assert srs.g2 == tuple(tau_g2(TAU, 2))
    assert srs.g1_lagrange == srs_for(TAU, N, lagrange=True).g1_lagrange


def test_reads_all_g2_powers_on_request(tmp_path: Path) -> None:
    assert read(tmp_path, sections_for(), g2_powers=N).g2 == tuple(tau_g2(TAU, N))


@pytest.mark.parametrize(
    ("max_degree", "lagrange_size"), [(0, 1), (1, 2), (4, 4), (7, 8), (9, 8), (2 * N - 2, N)]
)
def test_max_degree_loads_the_first_powers(
    tmp_path: Path, expected: SRS, max_degree: int, lagrange_size: int
) -> None:
    """g1 = [τ⁰]₁ … [τ^d]₁, and the Lagrange block of the largest 2ᵐ ≤ min(d + 1, N)."""
    srs = read(tmp_path, sections_for(), max_degree=max_degree)
    assert srs.g1 == expected.g1[: max_degree + 1]
    assert srs.max_degree == max_degree
    lagrange = srs_for(TAU, lagrange_size, lagrange=True).g1_lagrange
    assert srs.g1_lagrange == lagrange


def test_max_degree_reads_only_what_it_needs(tmp_path: Path, expected: SRS) -> None:
    """A bad point beyond the requested powers is never read."""
    sections = with_point(sections_for(), 2, 12, fq_bytes(1) + fq_bytes(3))  # off the curve
    assert read(tmp_path, sections, max_degree=5).g1 == expected.g1[:6]
    with pytest.raises(InvalidInput, match=r"tauG1\[12\]"):
        read(tmp_path, sections)


def test_without_prepare_phase2_there_are_no_lagrange_points(tmp_path: Path) -> None:
    srs = read(tmp_path, sections_for(lagrange=False))
    assert srs.g1_lagrange is None and len(srs.g1) == 2 * N - 1


def test_section_order_does_not_matter(tmp_path: Path, expected: SRS) -> None:
    srs = read(tmp_path, sections_for()[::-1])
    assert srs.g1 == expected.g1 and srs.g1_lagrange is not None


def test_unknown_sections_are_skipped(tmp_path: Path, expected: SRS) -> None:
    sections = [*sections_for(), (99, b"anything"), (13, b"")]
    assert read(tmp_path, sections).g1 == expected.g1


def test_all_zeros_is_the_point_at_infinity(tmp_path: Path) -> None:
    srs = read(tmp_path, with_point(sections_for(), 2, 5, bytes(64)))
    assert srs.g1[5].is_identity()


def test_a_truncated_ceremony_keeps_its_ceremony_power(tmp_path: Path, expected: SRS) -> None:
    """``powersoftau truncate`` writes power p with the original ceremonyPower."""
    sections = replace(sections_for(), 1, header(ceremony_power=28))
    assert read(tmp_path, sections).g1 == expected.g1


def test_kzg_with_the_loaded_srs(tmp_path: Path) -> None:
    srs = read(tmp_path, sections_for())
    rng = random.Random(1)
    poly = Polynomial([rng.randrange(R) for _ in range(2 * N - 1)])
    C = kzg.commit(srs, poly)
    y, proof = kzg.open(srs, poly, 5)
    assert kzg.verify(srs, C, 5, y, proof)
    assert not kzg.verify(srs, C, 5, y + 1, proof)


# ------------------------------------------------------------------ the container


def test_rejects_another_magic(tmp_path: Path) -> None:
    with pytest.raises(NonCanonicalError, match=r"not a \.ptau file"):
        read_ptau_srs(ptau_file(tmp_path, container(sections_for(), magic=b"zkey")))


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "not a .ptau file"), (b"pta", "not a .ptau file"), (b"ptau\x01", "first 12 bytes")],
)
def test_rejects_a_file_shorter_than_its_preamble(
    tmp_path: Path, data: bytes, message: str
) -> None:
    with pytest.raises(NonCanonicalError, match=message):
        read_ptau_srs(ptau_file(tmp_path, data))


def test_rejects_another_version(tmp_path: Path) -> None:
    with pytest.raises(NonCanonicalError, match="version 2"):
        read_ptau_srs(ptau_file(tmp_path, container(sections_for(), version=2)))


def test_rejects_a_truncated_section_table(tmp_path: Path) -> None:
    data = bytearray(container(sections_for()))
    data[8:12] = struct.pack("<I", len(sections_for()) + 1)  # one section more than written
    with pytest.raises(NonCanonicalError, match="section table is truncated"):
        read_ptau_srs(ptau_file(tmp_path, bytes(data)))


@pytest.mark.parametrize("cut", [1, 64, 1000])
def test_rejects_a_truncated_section(tmp_path: Path, cut: int) -> None:
    data = container(sections_for())
    with pytest.raises(NonCanonicalError, match=r"section 12 \(lTauG1\) is truncated"):
        read_ptau_srs(ptau_file(tmp_path, data[:-cut]))


def test_rejects_a_section_that_claims_more_than_the_file(tmp_path: Path) -> None:
    sections = sections_for(lagrange=False)
    data = container(sections[:1]) + struct.pack("<IQ", 2, 2**63) + b"\x00" * 64
    data = data[:8] + struct.pack("<I", 2) + data[12:]
    with pytest.raises(NonCanonicalError, match=r"section 2 \(tauG1\) is truncated"):
        read_ptau_srs(ptau_file(tmp_path, data))


def test_rejects_a_duplicated_section(tmp_path: Path) -> None:
    sections = sections_for()
    with pytest.raises(NonCanonicalError, match=r"section 2 \(tauG1\) appears twice"):
        read(tmp_path, [*sections, sections[1]])


@pytest.mark.parametrize(("section_id", "name"), [(1, "header"), (2, "tauG1"), (3, "tauG2")])
def test_rejects_a_missing_section(tmp_path: Path, section_id: int, name: str) -> None:
    sections = [(i, b) for i, b in sections_for() if i != section_id]
    with pytest.raises(NonCanonicalError, match=rf"no section {section_id} \({name}\)"):
        read(tmp_path, sections)


@pytest.mark.parametrize(
    ("section_id", "delta"), [(2, -64), (2, 64), (3, -128), (12, -64), (12, 64)]
)
def test_rejects_a_section_of_the_wrong_size(tmp_path: Path, section_id: int, delta: int) -> None:
    body = dict(sections_for())[section_id]
    body = body[:delta] if delta < 0 else body + bytes(delta)
    with pytest.raises(NonCanonicalError, match=rf"section {section_id} .* bytes; "):
        read(tmp_path, replace(sections_for(), section_id, body))


# ------------------------------------------------------------------ the header


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (header() + b"\x00", "header: 45 bytes, but n8 = 32 makes it 44"),
        (header()[:-1], "header: 43 bytes, but n8 = 32 makes it 44"),
        (header(n8=2**32 - 1), "but n8 = 4294967295 makes it"),
        (header(n8=48, q=BLS12_381_Q), "unsupported curve BLS12-381"),
        (header(n8=48, q=BLS12_381_Q + 2), "field elements of 48 bytes"),
        (header(q=R), f"unsupported curve: q = {R} is not BN254's prime"),
        (header(q=Q + 2**255), "is not BN254's prime"),
        (header(power=0), r"power 0 is outside \[1, 28\]"),
        (header(power=29), r"power 29 is outside \[1, 28\]"),
    ],
    ids=[
        "long",
        "short",
        "huge-n8",
        "bls12-381",
        "n8-48",
        "q-is-r",
        "q-other",
        "power-0",
        "power-29",
    ],
)
def test_rejects_a_bad_header(tmp_path: Path, body: bytes, message: str) -> None:
    with pytest.raises(NonCanonicalError, match=message):
        read(tmp_path, replace(sections_for(), 1, body))


def test_rejects_a_sections_size_mismatching_the_power(tmp_path: Path) -> None:
    """A header claiming power 4 over sections of power 3."""
    with pytest.raises(NonCanonicalError, match=r"section 2 \(tauG1\) has 960 bytes"):
        read(tmp_path, replace(sections_for(), 1, header(power=4)))


# ------------------------------------------------------------------ the points


def not_in_g2() -> tuple[bn254.Fq2, bn254.Fq2]:
    """A point of the twist E'(Fq2) outside the order-r subgroup G2."""
    for k in range(1, 100):
        x = bn254.Fq2(k, 1)
        try:
            y = (x * x * x + bn254.TWIST_B).sqrt()
        except NotASquareError:
            continue
        if not bn254.G2(x, y, check=False).is_in_subgroup():
            return x, y
    raise AssertionError("no point found")


def raw_g2(x: bn254.Fq2, y: bn254.Fq2) -> bytes:
    return b"".join(fq_bytes(c) for c in (*x._c, *y._c))


def test_rejects_a_coordinate_not_below_q(tmp_path: Path) -> None:
    encoded = Q.to_bytes(32, "little") + fq_bytes(2)  # x's Montgomery form is q itself
    with pytest.raises(InvalidInput, match=r"tauG1\[3\]: coordinate .* is not below q"):
        read(tmp_path, with_point(sections_for(), 2, 3, encoded))


def test_rejects_a_g2_coordinate_not_below_q(tmp_path: Path) -> None:
    encoded = bytearray(point_bytes(bn254.G2.generator() * TAU))
    encoded[96:128] = (2**256 - 1).to_bytes(32, "little")  # y₁
    with pytest.raises(InvalidInput, match=r"tauG2\[1\]: coordinate .* is not below q"):
        read(tmp_path, with_point(sections_for(), 3, 1, bytes(encoded)))


@pytest.mark.parametrize(("section_id", "name"), [(2, "tauG1"), (12, "lTauG1")])
def test_rejects_a_g1_point_off_the_curve(tmp_path: Path, section_id: int, name: str) -> None:
    index = 9 if section_id == 2 else N - 1 + 2  # the third point of the block for N
    with pytest.raises(InvalidInput, match=rf"{name}\[{index}\]: .*not on the curve"):
        read(tmp_path, with_point(sections_for(), section_id, index, fq_bytes(1) + fq_bytes(3)))


def test_rejects_a_g2_point_off_the_curve(tmp_path: Path) -> None:
    x, y = (bn254.G2.generator() * TAU).to_affine()
    with pytest.raises(InvalidInput, match=r"tauG2\[1\]: .*not on the curve"):
        read(tmp_path, with_point(sections_for(), 3, 1, raw_g2(x, y + 1)))


def test_rejects_a_g2_point_outside_the_subgroup(tmp_path: Path) -> None:
    sections = with_point(sections_for(), 3, 1, raw_g2(*not_in_g2()))
    with pytest.raises(InvalidInput, match=r"tauG2\[1\]: .*not in the subgroup"):
        read(tmp_path, sections)


def test_g2_points_beyond_g2_powers_are_not_read(tmp_path: Path) -> None:
    sections = with_point(sections_for(), 3, 5, raw_g2(*not_in_g2()))
    assert len(read(tmp_path, sections).g2) == 2
    with pytest.raises(InvalidInput, match=r"tauG2\[5\]: .*not in the subgroup"):
        read(tmp_path, sections, g2_powers=6)


# ------------------------------------------------------------------ consistency


@pytest.mark.parametrize(
    ("section_id", "point", "message"),
    [
        (2, bn254.G1.generator() * 2, r"tauG1\[0\] is not \[τ⁰\]₁"),
        (3, bn254.G2.generator() * 2, r"tauG2\[0\] is not \[τ⁰\]₂"),
    ],
)
def test_rejects_a_first_power_other_than_the_generator(
    tmp_path: Path, section_id: int, point: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        read(tmp_path, with_point(sections_for(), section_id, 0, point_bytes(point)))  # type: ignore[arg-type]


def test_rejects_g1_and_g2_of_different_taus(tmp_path: Path) -> None:
    sections = replace(sections_for(), 3, points_bytes(tau_g2(TAU + 1, N)))
    with pytest.raises(InvalidInput, match=r"not \[τ\]₁ and \[τ\]₂ for one τ"):
        read(tmp_path, sections)


def test_rejects_tau_zero(tmp_path: Path) -> None:
    """τ = 0 makes every higher power the point at infinity."""
    sections = replace(sections_for(), 3, points_bytes(tau_g2(0, N)))
    with pytest.raises(InvalidInput, match="τ = 0"):
        read(tmp_path, sections)


def test_rejects_a_wrong_lagrange_point(tmp_path: Path) -> None:
    """Σᵢ Lᵢ(τ) = 1, so the block must sum to [1]₁; here one point is replaced."""
    sections = with_point(sections_for(), 12, N - 1 + 4, point_bytes(bn254.G1.generator() * 7))
    with pytest.raises(InvalidInput, match="lTauG1: the 8 points do not sum to"):
        read(tmp_path, sections)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_degree": -1}, r"max_degree must be in \[0, 14\]"),
        ({"max_degree": 2 * N - 1}, r"max_degree must be in \[0, 14\]"),
        ({"g2_powers": 1}, r"g2_powers must be in \[2, 8\]"),
        ({"g2_powers": N + 1}, r"g2_powers must be in \[2, 8\]"),
    ],
)
def test_rejects_more_powers_than_the_file_holds(
    tmp_path: Path, kwargs: dict[str, int], message: str
) -> None:
    with pytest.raises(DegreeError, match=message):
        read(tmp_path, sections_for(), **kwargs)


def test_max_degree_is_an_int(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="max_degree is an int or None, not float"):
        read(tmp_path, sections_for(), max_degree=4.0)


def test_every_error_is_a_value_error() -> None:
    for error in (NonCanonicalError, InvalidInput, DegreeError):
        assert issubclass(error, ValueError)
