"""Read a snarkjs / Hermez ``.ptau`` powers-of-tau file (BN254) into a KZG :class:`SRS`.

The format is iden3's binary container (``@iden3/binfileutils``), filled by
snarkjs's ``powersoftau new``, ``contribute`` and ``prepare phase2``. Every
integer is little-endian::

    "ptau" ‖ version u32 (= 1) ‖ nSections u32 ‖ nSections × (id u32 ‖ size u64 ‖ body)

With N = 2^power, the sections this module reads are::

    1   header    n8 u32 (= 32) ‖ q (n8 bytes) ‖ power u32 ‖ ceremonyPower u32
    2   tauG1     [τⁱ]₁ for i < 2N − 1
    3   tauG2     [τⁱ]₂ for i < N
    12  lTauG1    (written by prepare phase2) for m = 0, 1, …, power + 1 in turn, the
                  2ᵐ points [Lᵢ(τ)]₁ of the domain of size 2ᵐ in natural order: the
                  inverse FFT of [τ⁰]₁ … [τ^(2ᵐ−1)]₁. The block for N starts after
                  1 + 2 + … + N/2 = N − 1 points. (The last block, for 2N, takes O
                  for the [τ^(2N−1)]₁ the file lacks: it is not a Lagrange basis.)

and it skips 4–7 ([ατⁱ]₁, [βτⁱ]₁, [β]₂, the contributions) and 13–15 (their
Lagrange forms), which Groth16's phase 2 uses. A point is its affine x ‖ y; an
Fq element takes n8 = 32 bytes holding its Montgomery form x·2²⁵⁶ mod q, and an
Fq2 element c₀ + c₁·u is c₀ ‖ c₁. The point at infinity is all zeros (x = y = 0
is on neither curve). Hermez's published ``powersOfTau28_hez_final_*.ptau``, made
with snarkjs, have this layout.

The reader checks the container, the header, that every coordinate is below q
and every point on its curve and in its group, that [τ⁰]₁ and [τ⁰]₂ are the
generators, e([τ]₁, [1]₂) = e([1]₁, [τ]₂), and Σᵢ [Lᵢ(τ)]₁ = [1]₁. It does not
re-verify the ceremony (``snarkjs powersoftau verify`` does that).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from zkpot.curve import bn254
from zkpot.curve.point import CurvePoint
from zkpot.errors import InvalidInput, NonCanonicalError
from zkpot.field import bls12_381
from zkpot.poly.kzg import SRS, DegreeError

MAGIC = b"ptau"
VERSION = 1
N8 = 32
"""Bytes per Fq element."""
MAX_POWER = 28
"""BN254's Fr has 2ᵏ-th roots of unity for k ≤ 28, and snarkjs ceremonies stop there."""

HEADER, TAU_G1, TAU_G2, LAGRANGE_G1 = 1, 2, 3, 12
SECTION_NAMES = {HEADER: "header", TAU_G1: "tauG1", TAU_G2: "tauG2", LAGRANGE_G1: "lTauG1"}

_MONT_INV = pow(2, -8 * N8, bn254.Fq.MODULUS)  # x = (x·2²⁵⁶)·2⁻²⁵⁶ mod q

Section = tuple[int, int]  # (offset of the body in the file, its size in bytes)


def read_ptau_srs(path: str | Path, max_degree: int | None = None, *, g2_powers: int = 2) -> SRS:
    """The KZG SRS of a BN254 ``.ptau`` file.

    Args:
        path: the ``.ptau`` file.
        max_degree: load [τ⁰]₁ … [τ^max_degree]₁ only (default: all 2N − 1 powers). Only
            the bytes needed are read, so a small SRS loads quickly from a large file.
        g2_powers: how many [τⁱ]₂ to load (at most N); KZG needs [1]₂ and [τ]₂. Each
            costs a subgroup check (a scalar multiplication in G2).

    Returns:
        An :class:`SRS` on ``zkpot.curve.bn254``. ``g1_lagrange`` holds [Lᵢ(τ)]₁ for the
        largest domain of size n ≤ min(N, len(g1)) if the file went through
        ``snarkjs powersoftau prepare phase2`` (section 12), else None.

    Raises:
        NonCanonicalError: a malformed file: wrong magic or version, a truncated or
            missing section, a section of the wrong size, a curve other than BN254.
        InvalidInput: a coordinate not below q, a point off its curve or outside its
            group, or points that do not come from one τ.
        DegreeError: ``max_degree`` or ``g2_powers`` beyond what the file holds.
    """
    with open(path, "rb") as f:
        sections = _read_sections(f)
        power = _read_header(f, sections)
        n = 1 << power
        if max_degree is not None and not isinstance(max_degree, int):
            raise TypeError(f"max_degree is an int or None, not {type(max_degree).__name__}")
        n_g1 = 2 * n - 1 if max_degree is None else max_degree + 1
        if not 1 <= n_g1 <= 2 * n - 1:
            raise DegreeError(
                f"max_degree must be in [0, {2 * n - 2}] (power {power}), got {max_degree}"
            )
        if not 2 <= g2_powers <= n:
            raise DegreeError(f"g2_powers must be in [2, {n}] (power {power}), got {g2_powers}")

        g1 = _read_points(f, sections, TAU_G1, 2 * n - 1, 0, n_g1)
        g2 = _read_points(f, sections, TAU_G2, n, 0, g2_powers)
        lagrange = None
        if LAGRANGE_G1 in sections:
            size = 1 << (min(n, n_g1).bit_length() - 1)  # largest power of two ≤ both
            # blocks of 1, 2, 4, …, 2N points; the one of `size` starts after size − 1
            lagrange = _read_points(f, sections, LAGRANGE_G1, 4 * n - 1, size - 1, size)

    _check_consistency(g1, g2, lagrange)
    return SRS(bn254, tuple(g1), tuple(g2), None if lagrange is None else tuple(lagrange))


# ------------------------------------------------------------------ container


def _read_sections(f: BinaryIO) -> dict[int, Section]:
    """The section table: id ↦ (offset, size), each body checked to lie within the file."""
    file_size = f.seek(0, 2)
    f.seek(0)
    start = f.read(12)
    if start[:4] != MAGIC:
        raise NonCanonicalError(f"not a .ptau file: it starts with {start[:4]!r}, not {MAGIC!r}")
    if len(start) < 12:
        raise NonCanonicalError(f"the file ends within its first 12 bytes: {start!r}")
    version, count = struct.unpack("<II", start[4:])
    if version != VERSION:
        raise NonCanonicalError(f".ptau version {version} is not supported (only {VERSION})")
    sections: dict[int, Section] = {}
    position = 12
    for _ in range(count):
        entry = f.read(12)
        if len(entry) < 12:
            raise NonCanonicalError(f"the section table is truncated: {count} sections declared")
        section_id, size = struct.unpack("<IQ", entry)
        position += 12
        name = _name(section_id)
        if position + size > file_size:
            left = file_size - position
            raise NonCanonicalError(f"{name} is truncated: it declares {size} bytes, {left} remain")
        if section_id in sections:
            raise NonCanonicalError(f"{name} appears twice")
        sections[section_id] = (position, size)
        position = f.seek(size, 1)
    return sections


def _read_header(f: BinaryIO, sections: dict[int, Section]) -> int:
    """Section 1: n8 ‖ q ‖ power ‖ ceremonyPower. Check the curve; return the power."""
    offset, size = _section(sections, HEADER)
    f.seek(offset)
    body = f.read(min(size, 4 + 48 + 8))
    n8 = int.from_bytes(body[:4], "little")
    if size != 4 + n8 + 8:
        raise NonCanonicalError(f"header: {size} bytes, but n8 = {n8} makes it {4 + n8 + 8}")
    q = int.from_bytes(body[4 : 4 + n8], "little")
    if q == bls12_381.P:  # snarkjs writes BLS12-381 ceremonies too, with n8 = 48
        raise NonCanonicalError("header: unsupported curve BLS12-381; zkpot reads BN254 (bn128)")
    if n8 != N8:
        raise NonCanonicalError(f"header: field elements of {n8} bytes; BN254's take {N8}")
    if q != bn254.Fq.MODULUS:
        raise NonCanonicalError(f"header: unsupported curve: q = {q} is not BN254's prime")
    # ceremonyPower, the power of the ceremony a truncated file was cut from, is not needed
    power, _ceremony_power = struct.unpack_from("<II", body, 4 + N8)
    if not 1 <= power <= MAX_POWER:
        raise NonCanonicalError(f"header: power {power} is outside [1, {MAX_POWER}]")
    return int(power)


def _section(sections: dict[int, Section], section_id: int) -> Section:
    """(offset, size) of a section the file must have."""
    if section_id not in sections:
        raise NonCanonicalError(f"the file has no {_name(section_id)}")
    return sections[section_id]


def _name(section_id: int) -> str:
    return f"section {section_id} ({SECTION_NAMES.get(section_id, 'not read')})"


# ------------------------------------------------------------------ points


def _read_points(
    f: BinaryIO, sections: dict[int, Section], section_id: int, total: int, first: int, count: int
) -> list[CurvePoint]:
    """Points ``first`` … ``first + count − 1`` of a section that holds ``total`` of them."""
    decode, width = (_g2, 4 * N8) if section_id == TAU_G2 else (_g1, 2 * N8)
    offset, size = _section(sections, section_id)
    if size != total * width:
        name = _name(section_id)
        raise NonCanonicalError(f"{name} has {size} bytes; {total} points take {total * width}")
    f.seek(offset + first * width)
    data = f.read(count * width)
    name = SECTION_NAMES[section_id]
    return [decode(data, k * width, f"{name}[{first + k}]") for k in range(count)]


def _fq(data: bytes, offset: int, where: str) -> int:
    """An Fq element from its Montgomery form a = x·2²⁵⁶ mod q, little-endian."""
    a = int.from_bytes(data[offset : offset + N8], "little")
    if a >= bn254.Fq.MODULUS:
        raise InvalidInput(f"{where}: coordinate {a:#x} is not below q")
    return a * _MONT_INV % bn254.Fq.MODULUS


def _g1(data: bytes, offset: int, where: str) -> CurvePoint:
    """A G1 point x ‖ y; all zeros is O."""
    if not any(data[offset : offset + 2 * N8]):
        return bn254.G1.identity()
    x, y = _fq(data, offset, where), _fq(data, offset + N8, where)
    return _checked(bn254.G1, x, y, where)


def _g2(data: bytes, offset: int, where: str) -> CurvePoint:
    """A G2 point x₀ ‖ x₁ ‖ y₀ ‖ y₁ (x = x₀ + x₁·u, y = y₀ + y₁·u); all zeros is O."""
    if not any(data[offset : offset + 4 * N8]):
        return bn254.G2.identity()
    x0, x1, y0, y1 = (_fq(data, offset + k * N8, where) for k in range(4))
    return _checked(bn254.G2, bn254.Fq2(x0, x1), bn254.Fq2(y0, y1), where)


def _checked(group: type[CurvePoint], x: object, y: object, where: str) -> CurvePoint:
    try:
        return group(x, y)  # checks the curve equation and membership of the subgroup
    except InvalidInput as error:
        raise InvalidInput(f"{where}: {error}") from None


# ------------------------------------------------------------------ consistency


def _check_consistency(
    g1: list[CurvePoint], g2: list[CurvePoint], lagrange: list[CurvePoint] | None
) -> None:
    """The cheap checks that the points come from one τ (not a ceremony verification)."""
    G1, G2 = bn254.G1.generator(), bn254.G2.generator()
    if g1[0] != G1:
        raise InvalidInput("tauG1[0] is not [τ⁰]₁ = [1]₁, the generator of G1")
    if g2[0] != G2:
        raise InvalidInput("tauG2[0] is not [τ⁰]₂ = [1]₂, the generator of G2")
    if g2[1].is_identity():
        raise InvalidInput("tauG2[1] = [τ]₂ is the point at infinity: τ = 0")
    # e([τ]₁, [1]₂) = e([1]₁, [τ]₂): tauG1 and tauG2 share τ
    if len(g1) > 1 and not bn254.pairing_check([(g1[1], G2), (-G1, g2[1])]):
        raise InvalidInput("tauG1[1] and tauG2[1] are not [τ]₁ and [τ]₂ for one τ")
    if lagrange is not None:
        total = bn254.G1.identity()
        for point in lagrange:
            total = total + point
        if total != G1:  # Σᵢ Lᵢ(X) = 1
            raise InvalidInput(f"lTauG1: the {len(lagrange)} points do not sum to [1]₁")
