"""A local one-party setup: an SRS whose τ nobody knows, made on this machine on first use.

KZG, and so PLONK, is only as sound as its τ is secret: whoever knows τ opens any
commitment to any value, and proves any statement. ``SRS.from_tau`` with a τ written
in the code (the development SRS) is therefore a forgery kit for whoever reads the
code. The honest alternatives are a ceremony's SRS (:mod:`zkpot.poly.ceremony`, or a
snarkjs ``.ptau`` file), which needs other people, and the setup of this module, which
needs no one:

1. τ is drawn from the operating system's CSPRNG (:func:`zkpot.field.prime.random_below`
   without an ``rng`` calls :func:`secrets.randbelow`), uniform in 1 … r − 1;
2. the powers [τⁱ]₁ and [1]₂, [τ]₂ are computed from it;
3. τ is discarded: never written, never returned, never printed. (Python cannot wipe
   memory; the variable goes out of scope when the function returns.)

**What it promises.** Nobody knows τ — not even the user who made the file — so a proof
that verifies under this SRS was made by someone who knew a witness: it cannot be forged.
**What it does not.** The SRS is this machine's own: a proof made with it verifies only
against the same file, so it convinces the user who holds that file (proofs made and
checked on one machine, or wherever the file is copied to), and nobody who has never
seen it. To verify someone else's proofs, both sides use one ceremony's ``.ptau``.

**The cache.** :func:`local_srs` keeps the SRS in a directory (the command line's key
cache, ``$ZKPOT_CACHE`` or ``~/.cache/zkpot``), as ``local-srs-<n>.bin`` with n the
number of G1 powers. Asked for ``size`` powers, it takes the smallest cached file with
at least that many (KZG only uses a prefix of the powers, and the proving key's digest
covers only those it uses, :mod:`zkpot.plonk.keystore`), and returns exactly ``size`` of
them. If there is none, it makes one of :func:`rounded_size` powers — the smallest
2ᵏ + 10 that is at least ``size``: a PLONK domain of 2ᵏ rows and the 10 extra powers
its quotient needs with custom gates (6 without), so that one file serves every circuit
of that domain — and saves it atomically (a temporary file in the same directory, then
``os.replace``), readable by its owner only. Making 2¹⁴ + 10 powers took 3 to 4.5 s on
a shared 2-core machine (one core used), 2¹¹ + 10 about half a second. Deleting the
file makes a new τ on the next use, and every proof made with the old one stops
verifying.

**The format** (big-endian, no pickle)::

    b"ZKPOTSRS" ‖ u32 version (1) ‖ u32 n ‖ [1]₂ ‖ [τ]₂ ‖ [τ⁰]₁ ‖ … ‖ [τⁿ⁻¹]₁

G2 points in EIP-197's 128 bytes, G1 points in EIP-196's 64 (x ‖ y). The file is
exactly 16 + 256 + 64·n bytes, n ≤ :data:`MAX_POWERS`.

**Checks on loading** (:func:`read`, on the powers it returns; each failure is a
:class:`LocalSetupError` naming the file and the check): the size and the header;
every point decodes onto its curve (and G2's subgroup); [τ⁰]₁ and [1]₂ are the
generators and [τ]₂ is not O; e([τ]₁, [1]₂) = e([1]₁, [τ]₂); and, with random ρᵢ of
128 bits, e(Σ ρᵢ[τⁱ⁺¹]₁, [1]₂) = e(Σ ρᵢ[τⁱ]₁, [τ]₂): the G1 points are successive
powers of the τ of [τ]₂ (a wrong point passes with probability ≤ 2⁻¹²⁸). These are the
checks a ceremony's verifier makes of the powers (:mod:`zkpot.poly.ceremony`); they
take about 2.5 s for 2¹⁴ powers (two MSMs), half a second for 2¹¹.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import time
from pathlib import Path

from zkpot.curve import bn254, msm
from zkpot.curve.fixed_base import multiply_many
from zkpot.curve.point import CurvePoint
from zkpot.errors import InvalidInput, TrustedSetupError
from zkpot.field.prime import random_below
from zkpot.poly.kzg import SRS
from zkpot.progress import Progress, ProgressLike, as_progress

MAGIC = b"ZKPOTSRS"
VERSION = 1
HEADER = struct.Struct(">8sII")  # magic, version, n
G1_BYTES, G2_BYTES = 64, 128
EXTRA_POWERS = 10
"""The powers a PLONK domain of 2ᵏ rows needs beyond 2ᵏ: 10 with custom gates, 6 without
(:func:`zkpot.plonk.keys.extra_powers`)."""
MAX_POWERS = (1 << 20) + EXTRA_POWERS
"""The most G1 powers a local SRS holds (a 64 MB file): a bound on what a file may make
this module read."""
RHO_BITS = 128
"""Bits of each random ρᵢ of the successive-powers check."""
CHUNK = 8192
"""The most powers computed between two progress reports."""
NAME = re.compile(r"local-srs-([1-9][0-9]{0,7})\.bin")


class LocalSetupError(TrustedSetupError):
    """A local SRS file that cannot serve: unreadable, truncated, or failing a check."""


def rounded_size(size: int) -> int:
    """The powers of a new local SRS for ``size``: the smallest 2ᵏ + 10 ≥ ``size``."""
    domain = 1
    while domain + EXTRA_POWERS < size:
        domain *= 2
    return domain + EXTRA_POWERS


def local_srs(directory: str | Path, size: int, *, progress: ProgressLike = None) -> SRS:
    """``size`` powers of the smallest local SRS in ``directory`` that has that many,
    checked (:func:`read`); a new one (:func:`make`, :func:`save`) if there is none.
    ``progress`` is told what they tell (:mod:`zkpot.progress`).

    Raises:
        LocalSetupError: ``size`` out of 2 … :data:`MAX_POWERS`, a cached file that fails
            a check (delete it to make a new τ, and lose the proofs made with it), or a
            directory it cannot write.
    """
    _check_size(size)
    usable = [(n, path) for n, path in cached(directory) if n >= size]
    if usable:
        return read(min(usable)[1], size, progress=progress)
    srs = make(rounded_size(size), progress=progress)
    if not save(srs, directory, progress=progress):  # another process was quicker: use its
        return read(Path(directory) / f"local-srs-{len(srs.g1)}.bin", size, progress=progress)
    return SRS(srs.curve, srs.g1[:size], srs.g2)


def cached(directory: str | Path) -> list[tuple[int, Path]]:
    """(n, path) of every ``local-srs-<n>.bin`` in ``directory`` (none if it does not exist)."""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        raise LocalSetupError(f"cannot list {directory}: {error}") from None
    found = ((NAME.fullmatch(name), name) for name in names)
    return sorted((int(m.group(1)), Path(directory) / name) for m, name in found if m)


def _check_size(size: object) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MAX_POWERS:
        raise LocalSetupError(f"a local SRS has 2 … {MAX_POWERS:,} powers, not {size!r}")


def make(size: int, *, progress: ProgressLike = None) -> SRS:
    """A new SRS of ``size`` powers of a τ drawn from the OS's CSPRNG, then forgotten.

    ``progress`` is told a line before and after, and of one step between, ``"local setup:
    powers of τ"``, advanced as the powers are computed (:mod:`zkpot.progress`).

    Raises:
        LocalSetupError: ``size`` out of 2 … :data:`MAX_POWERS`.
    """
    _check_size(size)
    report = as_progress(progress)
    start = time.perf_counter()
    report.say(f"local setup: making {size:,} powers of a random τ, which is then forgotten")
    *g1, tau2 = _powers(size, 1 + random_below(bn254.R - 1), report)  # secrets.randbelow
    report.say(f"local setup: {size:,} powers made in {time.perf_counter() - start:.1f} s")
    return SRS(bn254, tuple(g1), (bn254.G2.generator(), tau2))


def _powers(size: int, tau: int, progress: Progress) -> list[CurvePoint]:
    """[τ⁰]₁ … [τ^(size−1)]₁, then [τ]₂: τ lives in this frame only, and dies with it.

    In parts of at most :data:`CHUNK` powers, progress reported after each (each part
    builds its own table of multiples of [1]₁: 0.1 s, so the parts are few and even)."""
    r, G1 = bn254.R, bn254.G1.generator()
    parts = -(-size // CHUNK)
    g1: list[CurvePoint] = []
    power = 1
    progress.start("local setup: powers of τ", size, "powers")
    for part in range(parts):
        scalars = []
        for _ in range((part + 1) * size // parts - part * size // parts):
            scalars.append(power)
            power = power * tau % r
        g1 += multiply_many(G1, scalars)
        progress.advance(len(scalars))
    return [*g1, bn254.G2.generator() * tau]


def save(srs: SRS, directory: str | Path, *, progress: ProgressLike = None) -> bool:
    """Write ``srs`` as ``directory/local-srs-<n>.bin``, atomically (a temporary file in
    the directory, then ``os.replace``), readable by its owner only.

    Returns ``False``, and leaves nothing, if a file of that name is there already
    (another process made one meanwhile: its τ is the one to keep).

    Raises:
        LocalSetupError: the directory cannot be made or written.
    """
    say = as_progress(progress).say
    directory = Path(directory)
    n = len(srs.g1)
    path = directory / f"local-srs-{n}.bin"
    data = encode(srs)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".local-srs-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            if path.exists():
                return False
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as error:
        raise LocalSetupError(f"cannot write the local SRS in {directory}: {error}") from None
    say(f"local setup: wrote {path} ({len(data) / 1e6:.1f} MB)")
    return True


def encode(srs: SRS) -> bytes:
    """``srs`` in this module's file format (:func:`save` writes it, :func:`decode` reads it)."""
    n = len(srs.g1)
    return b"".join([HEADER.pack(MAGIC, VERSION, n), srs.g2[0].to_bytes(), srs.g2[1].to_bytes(),
                     *(P.to_bytes() for P in srs.g1)])  # fmt: skip


def decode(data: bytes, *, check_powers: bool = True) -> SRS:
    """The SRS of :func:`encode`'s bytes: every point decoded onto its curve, and with
    ``check_powers`` every check of :func:`read`. Without it, only the points' encoding is
    checked: for an SRS whose powers were checked where the bytes came from, and which a
    key's digest binds (:mod:`zkpot.plonk.keystore`).

    Raises:
        LocalSetupError: for bytes that are not such an SRS or fail a check.
    """
    head = HEADER.size + 2 * G2_BYTES
    if len(data) < head:
        raise LocalSetupError("not a local SRS: shorter than its header")
    magic, version, n = HEADER.unpack_from(data)
    if magic != MAGIC or version != VERSION or not 2 <= n <= MAX_POWERS:
        raise LocalSetupError("not a local SRS: no magic, another version, or a bad size")
    if len(data) != head + G1_BYTES * n:
        raise LocalSetupError(f"a local SRS of {n} powers is not {len(data):,} bytes")
    try:
        srs = _points(data[HEADER.size : head], data[head:], n)
    except InvalidInput as error:
        raise LocalSetupError(f"a point does not decode ({error})") from None
    why = check(srs) if check_powers else None
    if why:
        raise LocalSetupError(why)
    return srs


def _points(g2: bytes, g1: bytes, size: int) -> SRS:
    """The SRS of [1]₂ ‖ [τ]₂ and the first ``size`` G1 powers, each decoded onto its curve.

    Raises:
        InvalidInput: a point does not decode."""
    return SRS(bn254, tuple(bn254.G1.from_bytes(g1[k * G1_BYTES : (k + 1) * G1_BYTES])
                            for k in range(size)),
               tuple(bn254.G2.from_bytes(g2[k * G2_BYTES : (k + 1) * G2_BYTES])
                     for k in range(2)))  # fmt: skip


def read(path: str | Path, size: int | None = None, *, progress: ProgressLike = None) -> SRS:
    """The first ``size`` powers (all by default) of a local SRS file, checked (see the
    module docstring). ``progress`` is told a line, then what :func:`check` tells.

    Raises:
        LocalSetupError: for a file that is not such an SRS or fails a check.
    """
    report = as_progress(progress)
    path = Path(path)

    def fail(why: str) -> LocalSetupError:
        return LocalSetupError(
            f"the local SRS {path} is unusable: {why}. Delete it to make a new one (proofs "
            "made with it will no longer verify)"
        )

    try:
        with open(path, "rb") as f:
            total = os.fstat(f.fileno()).st_size
            head = f.read(HEADER.size + 2 * G2_BYTES)
            if len(head) < HEADER.size + 2 * G2_BYTES:
                raise fail("it is shorter than its header")
            magic, version, n = HEADER.unpack_from(head)
            if magic != MAGIC or version != VERSION:
                raise fail("it does not start with the local SRS's magic and version")
            if not 2 <= n <= MAX_POWERS or total != len(head) + G1_BYTES * n:
                raise fail(f"its header says {n} powers, its size is {total:,} bytes")
            named = NAME.fullmatch(path.name)
            if named and int(named.group(1)) != n:
                raise fail(f"its name does not say its {n} powers")
            size = n if size is None else size
            if not 2 <= size <= n:
                raise fail(f"{size} powers asked of a file of {n}")
            body = f.read(G1_BYTES * size)
    except OSError as error:
        raise LocalSetupError(f"cannot read the local SRS {path}: {error}") from None
    report.say(f"local setup: checking {size:,} powers of {path}")
    try:
        srs = _points(head[HEADER.size :], body, size)
    except InvalidInput as error:
        raise fail(f"a point does not decode ({error})") from None
    why = check(srs, progress=report)
    if why:
        raise fail(why)
    return srs


def check(srs: SRS, rng: object = None, *, progress: ProgressLike = None) -> str | None:
    """Why the decoded powers are not [τⁱ]₁, [1]₂, [τ]₂ of one τ ≠ 0, or ``None``.

    ``progress`` is told of one step, ``"local setup: checking the powers"``, over its two
    MSMs, from its start (:mod:`zkpot.progress`)."""
    report = as_progress(progress)
    report.start("local setup: checking the powers", 2, "MSMs")
    G1, G2 = bn254.G1.generator(), bn254.G2.generator()
    g1, (one2, tau2) = srs.g1, srs.g2[:2]
    if g1[0] != G1 or one2 != G2:
        return "[τ⁰]₁ or [1]₂ is not the generator"
    if tau2.is_identity() or any(P.is_identity() for P in g1):
        return "a power is the point at infinity"
    # e([τ]₁, [1]₂) = e([1]₁, [τ]₂): G1 and G2 share τ
    if not bn254.pairing_check([(g1[1], G2), (-G1, tau2)]):
        return "[τ]₁ and [τ]₂ disagree: e([τ]₁, [1]₂) ≠ e([1]₁, [τ]₂)"
    rho = [random_below(1 << RHO_BITS, rng) for _ in range(len(g1) - 1)]
    higher = msm(list(g1[1:]), rho)
    report.advance()
    lower = msm(list(g1[:-1]), rho)
    report.advance()
    # e(Σ ρᵢ[τⁱ⁺¹]₁, [1]₂) = e(Σ ρᵢ[τⁱ]₁, [τ]₂)
    if not bn254.pairing_check([(higher, G2), (-lower, tau2)]):
        return (
            "the G1 points are not successive powers of τ: "
            "e(Σ ρᵢ[τⁱ⁺¹]₁, [1]₂) ≠ e(Σ ρᵢ[τⁱ]₁, [τ]₂)"
        )
    return None


__all__ = ["EXTRA_POWERS", "MAX_POWERS", "LocalSetupError", "cached", "check", "decode",
           "encode", "local_srs", "make", "read", "rounded_size", "save"]  # fmt: skip
