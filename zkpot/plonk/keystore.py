"""Proving keys cached on disk, under a digest of everything they depend on.

:func:`~zkpot.plonk.keys.preprocess` costs a dozen MSMs and as many NTTs: seconds at
2¹¹ rows, minutes at 2¹⁵. :func:`preprocess_cached` does that work once and keeps the
result in ``cache_dir/<digest>.key``, where the digest (:func:`digest`) is Keccak-256 of

- ``FORMAT``, this file format's version;
- the source code of the modules that compute a key (``SOURCES``), read when this module
  is imported: a change to how keys are computed, down to a comment, is a new digest;
- the circuit: ``n_variables``, the public and private inputs (name, variable) in order,
  every field of every :class:`~zkpot.plonk.constraints.Gate` (wires, selectors, label,
  table id, custom-gate fields — read from the dataclass, so a new field counts too), and
  every table's name, rows and width;
- the SRS: its curve, the first :func:`~zkpot.plonk.keys.srs_size` powers [τⁱ]₁ (the
  only ones a key depends on) and every G2 point.

The bulky parts (circuit and SRS, megabytes at 2¹⁵ rows) are compressed with SHA-256
first, as the transcript is: zkpot's pure-Python Keccak reads about 0.6 MB/s.

**Why a stale key cannot be loaded.** A key is found by its digest alone, so a changed
circuit, SRS or preprocessing code looks under another name and preprocesses afresh; the
old file is never opened. A file under the right name is used only if it passes every
check of :func:`read_key`: the magic, a SHA-256 checksum over all of it (truncation and
flipped bits), the digest it records (a file copied or renamed to another key's name),
and the key's shape against the circuit (domain size, public inputs, column lengths,
values below r, points on the curve, [τ]₂ the SRS's). A file that fails is recomputed
and overwritten, never trusted. The checksum is not a signature: whoever can write
``cache_dir`` can plant a key, so give it the trust you give the code.

**The format** (no pickle: loading runs no code from the file)::

    b"ZKPOTKEY" ‖ u64 h (big-endian) ‖ header (h bytes of UTF-8 JSON) ‖ columns ‖ SHA-256

The header holds ``format``, ``digest``, the verification key (``power``, ``n_public``,
``k1``, ``k2``; each point as the hex of its EIP-196/197 encoding; ``lookup`` and
``custom`` as objects of points, or null) and ``columns``: [name, length] in the order
the columns follow. A column is ``length`` field elements of 32 bytes, big-endian:
``selectors/<name>`` and ``coset/<name>`` (the proving key's dicts, in their order),
``sigmas/i`` and ``sigma_values/i`` for i = 0, 1, 2, ``lookup_values/<name>``, and
``rows`` (the 3n wire variables, row by row). The SHA-256 covers everything before it.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import operator
import os
import struct
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from zkpot import safe_json
from zkpot.curve import bn254
from zkpot.curve.point import CurvePoint
from zkpot.errors import ArgumentTypeError, ZkpotError
from zkpot.hash.keccak import keccak256
from zkpot.plonk.constraints import ConstraintSystem, Gate, R
from zkpot.plonk.custom import CustomKey
from zkpot.plonk.keys import (
    K1,
    K2,
    ProvingKey,
    SetupError,
    VerificationKey,
    _constraint_system,
    domain_power,
    preprocess,
    quotient_factor,
    srs_size,
)
from zkpot.plonk.lookup import LookupKey
from zkpot.plonk.tables import Table
from zkpot.poly.domain import EvaluationDomain
from zkpot.poly.kzg import SRS
from zkpot.progress import ProgressLike, as_progress

FORMAT = 1
"""The file format's version: part of every digest, so a new format never reads an old file."""

MAGIC = b"ZKPOTKEY"
SUFFIX = ".key"
SOURCES = (
    "zkpot.plonk.constraints",
    "zkpot.plonk.keys",
    "zkpot.plonk.lookup",
    "zkpot.plonk.custom",
    "zkpot.poly.domain",
    "zkpot.poly.ntt",
    __name__,
)
"""The modules whose code decides what :func:`preprocess` computes; their source is digested."""

_ELEMENT = struct.Struct("32s")  # one field element: 32 bytes, big-endian
_CHECKSUM = 32  # the trailing SHA-256
_PARTS = {"lookup": LookupKey, "custom": CustomKey}  # the verification key's optional parts


class KeyFileError(ZkpotError, ValueError):
    """A key file that is truncated, corrupted, of another format, or for another key."""


def _source_digest() -> bytes:
    """SHA-256 of the source of ``SOURCES`` (their compiled code where no source is at hand)."""
    h = hashlib.sha256()
    for name in SOURCES:
        module = sys.modules[name]
        try:
            h.update(Path(module.__file__ or "").read_bytes())
        except OSError:  # no source (a .pyc-only or zipped install): the compiled code
            h.update(marshal.dumps(module.__spec__.loader.get_code(name)))  # type: ignore[union-attr]
    return h.digest()


_CODE = _source_digest()  # read now, at import, so it describes the code that runs


# ------------------------------------------------------------------ the digest


def digest(circuit: Any, srs: SRS) -> str:
    """The hex Keccak-256 of everything a proving key depends on (see the module docstring).

    Args:
        circuit: a :class:`~zkpot.plonk.circuit.Circuit` or its compiled
            :class:`~zkpot.plonk.constraints.ConstraintSystem`.
        srs: a BN254 :class:`~zkpot.poly.kzg.SRS`.

    Raises:
        ArgumentTypeError: ``circuit`` is not a circuit, or ``srs`` not an SRS.
        SetupError: the SRS is not BN254's.
    """
    cs = _constraint_system(circuit)
    _check_srs(srs)
    sections = (
        f"zkpot proving key, format {FORMAT}".encode(),
        _CODE,
        hashlib.sha256(_circuit_bytes(cs)).digest(),
        hashlib.sha256(_srs_bytes(srs, srs_size(cs))).digest(),
    )
    return keccak256(b"".join(sections)).hex()


def _check_srs(srs: object) -> None:
    if not isinstance(srs, SRS):
        raise ArgumentTypeError(f"expected an SRS, not {type(srs).__name__}")
    if srs.curve is not bn254:
        raise SetupError("zkpot's PLONK runs on BN254 (as snarkjs)")


def _circuit_bytes(cs: ConstraintSystem) -> bytes:
    """The circuit as the repr of ints, strings and tuples: canonical and unambiguous.

    Gates and tables are read field by field from their dataclasses, so that a field added
    to :class:`Gate` or :class:`Table` is digested without a change here.
    """
    gate_fields = tuple(f.name for f in fields(Gate))
    table_fields = tuple(f.name for f in fields(Table))
    gate, table = operator.attrgetter(*gate_fields), operator.attrgetter(*table_fields)
    layout = (cs.n_variables, cs.public_inputs, cs.private_inputs, gate_fields, table_fields)
    gates = [gate(g) for g in cs.gates]
    tables = [table(t) for t in cs.tables]
    return repr((layout, gates, tables)).encode()


def _srs_bytes(srs: SRS, count: int) -> bytes:
    """The curve, then x ‖ y of [τ⁰]₁ … [τᶜᵒᵘⁿᵗ⁻¹]₁ (64 zero bytes for O), then every G2 point."""
    g1 = srs.g1[:count]
    head = f"{srs.curve.__name__} {len(g1)} {len(srs.g2)}".encode()
    zero = bytes(64)
    affine = (P.affine_raw() for P in g1)
    points = [zero if a is None else a[0].to_bytes(32, "big") + a[1].to_bytes(32, "big")
              for a in affine]  # fmt: skip
    return b"".join([head, *points, *(Q.to_bytes() for Q in srs.g2)])


# ------------------------------------------------------------------ the cache


def preprocess_cached(
    circuit: Any, srs: SRS, cache_dir: str | Path | None, *, progress: ProgressLike = None
) -> tuple[ProvingKey, VerificationKey]:
    """:func:`~zkpot.plonk.keys.preprocess`, computed once per circuit and SRS.

    With ``cache_dir`` None this is plain ``preprocess``. Otherwise the key is read from
    ``cache_dir/<digest>.key`` if that file passes :func:`read_key`'s checks (no MSM, no
    NTT: the proving key is rebuilt from the given circuit and SRS and the stored
    columns); else it is preprocessed and written there atomically (a temporary file in
    ``cache_dir``, then :func:`os.replace`). ``cache_dir`` is created if need be.

    The caller rebuilds the circuit (its hints are closures, which no file can hold) and
    passes it in; the digest makes sure it is the circuit the file was written for.

    Args:
        progress: told a line on a hit, a miss, a file that is refused (why), and a file
            that cannot be written (the keys are returned all the same); and, on a miss,
            the preprocessing's step (:func:`~zkpot.plonk.keys.preprocess`).

    Raises:
        ArgumentTypeError, SetupError: as :func:`~zkpot.plonk.keys.preprocess`.
    """
    report = as_progress(progress)
    say = report.say
    if cache_dir is None:
        return preprocess(circuit, srs, progress=report)
    cs = _constraint_system(circuit)
    key_digest = digest(cs, srs)
    directory = Path(cache_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{key_digest}{SUFFIX}"
    if path.exists():
        try:
            pk = _read(path, cs, srs, key_digest)
        except (OSError, KeyFileError) as e:
            say(f"warning: ignoring the cached key {path}: {e}; preprocessing again")
        else:
            say(f"loaded the proving key from {path}")
            return pk, pk.vk
    say(f"preprocessing (no usable key in {directory})")
    pk, vk = preprocess(cs, srs, progress=report)
    try:
        _write(path, pk, key_digest)
    except OSError as e:
        say(f"warning: could not write the key to {path}: {e}")
    else:
        say(f"wrote the proving key to {path}")
    return pk, vk


def write_key(path: str | Path, pk: ProvingKey) -> None:
    """Write ``pk`` to ``path`` in the format of the module docstring, atomically."""
    _write(Path(path), pk, digest(pk.cs, pk.srs))


def key_bytes(pk: ProvingKey) -> bytes:
    """``pk`` in the file format of the module docstring, as bytes (what
    :func:`write_key` writes): to send a key to another process or machine, which reads it
    with :func:`key_from_bytes`."""
    columns = _columns(pk)
    body = b"".join(_chunks(_header(pk, digest(pk.cs, pk.srs), columns), columns))
    return body + hashlib.sha256(body).digest()


def key_from_bytes(data: bytes, circuit: Any, srs: SRS) -> ProvingKey:
    """The proving key that :func:`key_bytes` gave, for this circuit and SRS, with every
    check of :func:`read_key`.

    Raises:
        KeyFileError: as :func:`read_key`.
    """
    cs = _constraint_system(circuit)
    return _parse(data, cs, srs, digest(cs, srs))


def read_key(path: str | Path, circuit: Any, srs: SRS) -> ProvingKey:
    """The proving key in ``path``, for this circuit and SRS, rebuilt without an MSM.

    Raises:
        KeyFileError: the file is truncated or corrupted, of another format, for another
            circuit or SRS, or inconsistent with the circuit.
        OSError: the file cannot be read.
    """
    cs = _constraint_system(circuit)
    return _read(Path(path), cs, srs, digest(cs, srs))


# ------------------------------------------------------------------ writing


def _write(path: Path, pk: ProvingKey, key_digest: str) -> None:
    columns = _columns(pk)
    head = _header(pk, key_digest, columns)
    fd, temp = tempfile.mkstemp(prefix=f".{path.stem[:16]}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            check = hashlib.sha256()
            for chunk in _chunks(head, columns):
                check.update(chunk)
                f.write(chunk)
            f.write(check.digest())
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _header(pk: ProvingKey, key_digest: str, columns: list[tuple[str, list[int]]]) -> bytes:
    header = {
        "format": FORMAT,
        "digest": key_digest,
        "vk": _vk_json(pk.vk),
        "columns": [[name, len(values)] for name, values in columns],
    }
    return json.dumps(header).encode()


def _chunks(head: bytes, columns: list[tuple[str, list[int]]]) -> Iterable[bytes]:
    yield MAGIC + len(head).to_bytes(8, "big") + head
    for _, values in columns:
        yield b"".join([x.to_bytes(32, "big") for x in values])


def _columns(pk: ProvingKey) -> list[tuple[str, list[int]]]:
    """The proving key's heavy fields as named lists of ints, in the file's order."""
    columns = [(f"selectors/{k}", v) for k, v in pk.selectors.items()]
    columns += [(f"sigmas/{i}", v) for i, v in enumerate(pk.sigmas)]
    columns += [(f"sigma_values/{i}", v) for i, v in enumerate(pk.sigma_values)]
    columns += [(f"coset/{k}", v) for k, v in pk.coset.items()]
    columns += [(f"lookup_values/{k}", v) for k, v in (pk.lookup_values or {}).items()]
    columns.append(("rows", [v for row in pk.rows for v in row]))
    return columns


def _vk_json(vk: VerificationKey) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(vk):
        value = getattr(vk, f.name)
        if value is None or isinstance(value, int):
            out[f.name] = value
        elif isinstance(value, CurvePoint):
            out[f.name] = value.to_bytes().hex()
        else:  # a LookupKey or CustomKey
            out[f.name] = {p: getattr(value, p).to_bytes().hex() for p in value.POINTS}
    return out


# ------------------------------------------------------------------ reading


def _read(path: Path, cs: ConstraintSystem, srs: SRS, key_digest: str) -> ProvingKey:
    return _parse(path.read_bytes(), cs, srs, key_digest)


def _parse(data: bytes, cs: ConstraintSystem, srs: SRS, key_digest: str) -> ProvingKey:
    start = len(MAGIC) + 8
    if len(data) < start + _CHECKSUM or not data.startswith(MAGIC):
        raise KeyFileError("not a zkpot key file (too short, or no magic)")
    body = memoryview(data)[:-_CHECKSUM]
    if hashlib.sha256(body).digest() != data[-_CHECKSUM:]:
        raise KeyFileError("the checksum does not match: the file is truncated or corrupted")
    try:
        size = int.from_bytes(body[len(MAGIC) : start], "big")
        header = safe_json.loads(bytes(body[start : start + size]), max_bytes=size)
        if header["format"] != FORMAT:
            raise KeyFileError(f"format {header['format']!r}, this zkpot reads {FORMAT}")
        if header["digest"] != key_digest:
            raise KeyFileError("it was written for another circuit, SRS or zkpot version")
        columns = _read_columns(body[start + size :], header["columns"])
        return _rebuild(cs, srs, _vk_from_json(header["vk"], srs), columns)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        if isinstance(e, KeyFileError):
            raise
        raise KeyFileError(f"malformed: {type(e).__name__}: {e}") from e


def _read_columns(payload: memoryview, layout: list[list[Any]]) -> dict[str, list[int]]:
    """The named columns of 32-byte big-endian ints that fill ``payload`` exactly."""
    columns: dict[str, list[int]] = {}
    offset = 0
    from_bytes = int.from_bytes
    for name, length in layout:
        end = offset + _ELEMENT.size * length
        if not isinstance(name, str) or length < 0 or end > len(payload) or name in columns:
            raise KeyFileError(f"column {name!r} of length {length!r} does not fit the file")
        values = [from_bytes(x) for (x,) in _ELEMENT.iter_unpack(payload[offset:end])]
        if values and max(values) >= R:
            raise KeyFileError(f"column {name!r} holds a value that is not below r")
        columns[name] = values
        offset = end
    if offset != len(payload):
        raise KeyFileError("bytes after the last column")
    return columns


def _vk_from_json(data: dict[str, Any], srs: SRS) -> VerificationKey:
    values: dict[str, Any] = {}
    for f in fields(VerificationKey):
        value = data[f.name]
        if f.name == "X_2":  # [τ]₂ is the SRS's own
            if bytes.fromhex(value) != srs.g2[1].to_bytes():
                raise KeyFileError("[τ]₂ is not the SRS's")
            values[f.name] = srs.g2[1]
        elif value is None or isinstance(value, int):
            values[f.name] = value
        elif isinstance(value, str):
            values[f.name] = bn254.G1.from_bytes(bytes.fromhex(value))
        else:
            part = _PARTS[f.name]
            values[f.name] = part(**{p: bn254.G1.from_bytes(bytes.fromhex(value[p]))
                                     for p in part.POINTS})  # fmt: skip
    return VerificationKey(**values)


def _rebuild(
    cs: ConstraintSystem, srs: SRS, vk: VerificationKey, columns: dict[str, list[int]]
) -> ProvingKey:
    """The proving key from the stored columns, each checked against the circuit's shape."""
    if (vk.power, vk.n_public, vk.k1, vk.k2) != (domain_power(cs), len(cs.public_inputs), K1, K2):
        raise KeyFileError("the domain, public inputs or coset representatives do not match")
    if (vk.lookup is None) == cs.has_lookups or (vk.custom is None) == cs.has_custom_gates:
        raise KeyFileError("the lookup or custom-gate configuration does not match")
    n = vk.n

    def group(prefix: str, length: int) -> dict[str, list[int]]:
        out = {k[len(prefix) :]: v for k, v in columns.items() if k.startswith(prefix)}
        if any(len(v) != length for v in out.values()):
            raise KeyFileError(f"a {prefix[:-1]} column does not have {length} values")
        return out

    selectors, coset = group("selectors/", n), group("coset/", quotient_factor(vk) * n)
    lookup_values = group("lookup_values/", n) or None
    sigmas, sigma_values = group("sigmas/", n), group("sigma_values/", n)
    flat = columns["rows"]
    if len(flat) != 3 * n or (flat and max(flat) >= cs.n_variables):
        raise KeyFileError("the rows do not fit the domain or the circuit's variables")
    rows = tuple(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))
    return ProvingKey(
        vk, cs, srs, EvaluationDomain(n, bn254.Fr), rows, selectors,
        tuple(sigmas[str(i)] for i in range(3)), tuple(sigma_values[str(i)] for i in range(3)),
        coset, lookup_values,
    )  # type: ignore[arg-type]  # fmt: skip


__all__ = [
    "FORMAT",
    "KeyFileError",
    "digest",
    "key_bytes",
    "key_from_bytes",
    "preprocess_cached",
    "read_key",
    "write_key",
]
