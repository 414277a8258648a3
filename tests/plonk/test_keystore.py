"""The on-disk key cache: a hit loads without preprocessing and equals a fresh key; a changed
circuit or SRS is a miss; a damaged or foreign file is recomputed, never trusted."""

from __future__ import annotations

import hashlib
import random
from dataclasses import fields
from pathlib import Path

import pytest

from zkpot.plonk import Circuit, keystore, preprocess, prove, verify
from zkpot.plonk.constraints import R
from zkpot.plonk.keys import ProvingKey, VerificationKey
from zkpot.plonk.keystore import KeyFileError, digest, preprocess_cached, read_key, write_key
from zkpot.plonk.tables import Table
from zkpot.poly.kzg import SRS
from zkpot.progress import Recorder

TAU = 0x5EED


def plain(k: int = 3, label: str | None = None, name: str = "out") -> tuple[Circuit, dict]:
    """out = x² + k: arithmetic gates only (snarkjs's configuration)."""
    c = Circuit()
    out = c.public_input(name)
    x = c.private_input("x")
    c.assert_equal(c.add_const(c.mul(x, x, label=label), k), out)
    return c, {"x": 5, name: 25 + k}


def rich(extra: bool = False, table: Table | None = None) -> tuple[Circuit, dict]:
    """out = x·y + y·y + x·x⁵ with 0 ≤ x, y < 16: lookups, x⁵ and multiply-accumulate rows."""
    c = Circuit()
    out = c.public_input("out")
    x, y = c.private_input("x"), c.private_input("y")
    table = table or Table.range(4)
    c.lookup(table, x)
    c.lookup(table, y)
    total = c.dot([x, y, x], [y, y, c.pow5(x)])
    if extra:
        c.add(x, y)
    c.assert_equal(total, out)
    return c, {"x": 2, "y": 3, "out": 6 + 9 + 2**6}


CIRCUITS = {"plain": plain, "rich": rich}


@pytest.fixture(scope="module")
def srs() -> SRS:
    return SRS.from_tau(TAU, 64 + 10)  # every circuit here fits n = 64 with custom gates


@pytest.fixture(scope="module")
def fresh(srs):
    """Per circuit name: (circuit, inputs, freshly preprocessed pk, vk)."""
    return {name: (*build(), *preprocess(build()[0], srs)) for name, build in CIRCUITS.items()}


@pytest.fixture
def calls(monkeypatch) -> list[object]:
    """The circuits keystore.preprocess was called with."""
    seen: list[object] = []

    def counting(circuit, srs, **options):
        seen.append(circuit)
        return preprocess(circuit, srs, **options)

    monkeypatch.setattr(keystore, "preprocess", counting)
    return seen


def assert_same_key(got: ProvingKey, want: ProvingKey) -> None:
    for f in fields(VerificationKey):
        a, b = getattr(got.vk, f.name), getattr(want.vk, f.name)
        if f.name in ("lookup", "custom") and b is not None:
            assert a is not None and all(getattr(a, p) == getattr(b, p) for p in b.POINTS)
        else:
            assert a == b, f.name
    assert list(got.selectors) == list(want.selectors) and got.selectors == want.selectors
    assert list(got.coset) == list(want.coset) and got.coset == want.coset
    assert got.sigmas == want.sigmas and got.sigma_values == want.sigma_values
    assert got.rows == want.rows and got.lookup_values == want.lookup_values
    assert got.domain == want.domain and got.srs is want.srs


def proves(pk: ProvingKey, vk: VerificationKey, inputs: dict) -> bool:
    """A proof made with ``pk`` verifies against ``vk``."""
    proof = prove(pk, inputs, rng=random.Random(7))
    public = [inputs[name] for name, _ in pk.cs.public_inputs]
    return verify(vk, public, proof)


def key_files(directory: Path) -> list[Path]:
    return sorted(directory.iterdir())


# ------------------------------------------------------------------ hits


@pytest.mark.parametrize("name", list(CIRCUITS))
def test_the_second_call_loads_the_same_key_without_preprocessing(name, srs, fresh, calls,
                                                                  tmp_path) -> None:  # fmt: skip
    c, inputs, pk0, vk0 = fresh[name]
    said: list[str] = []
    pk1, vk1 = preprocess_cached(c, srs, tmp_path, progress=said.append)
    assert len(calls) == 1 and "wrote" in said[-1]
    assert [p.name for p in key_files(tmp_path)] == [f"{digest(c, srs)}.key"]  # no temp left
    pk2, vk2 = preprocess_cached(c, srs, tmp_path, progress=said.append)
    assert len(calls) == 1 and "loaded" in said[-1]
    assert vk1 is pk1.vk and vk2 is pk2.vk and pk2.cs.gates == pk0.cs.gates
    assert_same_key(pk1, pk0)
    assert_same_key(pk2, pk0)
    assert proves(pk2, vk0, inputs)  # the loaded key proves, the fresh key verifies


def test_preprocessing_reports_its_step_before_its_first_ntt(monkeypatch, tmp_path) -> None:
    """A miss says so, then tells its step before the first NTT or MSM: three units per
    fixed polynomial (interpolation, commitment, values on the coset), each advanced as it
    is done (in this process, ``ZKPOT_WORKERS=1``, where every task is seen here)."""
    from zkpot.curve import parallel
    from zkpot.plonk import keys

    monkeypatch.setenv("ZKPOT_WORKERS", "1")  # read by the new SRS's table
    record = Recorder()

    def noted(name: str, work):  # ``work``, which first notes its name among the events
        def run(*args):
            record.events.append(("work", name))
            return work(*args)

        return run

    for module, name in ((keys, "interpolate"), (keys, "coset_values"), (parallel, "msm")):
        monkeypatch.setattr(module, name, noted(name, getattr(module, name)))
    c, _ = rich()
    preprocess_cached(c, SRS.from_tau(TAU, 64 + 10), tmp_path, progress=record)
    events = record.events
    assert events[0][0] == "say" and "preprocessing (no usable key" in events[0][1]
    total = events[1][2]
    assert events[1:3] == [("start", "preprocessing", total, "tasks"),
                           ("advance", 0, "interpolation")]  # fmt: skip
    work = [event[1] for event in events if event[0] == "work"]
    assert work.count("interpolate") == work.count("coset_values") == total // 3
    assert 0 < work.count("msm") <= total // 3  # (a zero polynomial needs no MSM)
    first = next(i for i, event in enumerate(events) if event[0] == "work")
    assert events[first : first + 2] == [("work", "interpolate"), ("advance", 1, None)]
    stage = events.index(("advance", 0, "commitments, coset NTTs"))
    assert {e[1] for e in events[:stage] if e[0] == "work"} == {"interpolate"}
    assert {e[1] for e in events[stage:] if e[0] == "work"} == {"msm", "coset_values"}
    assert record.steps() == {"preprocessing": (total, total)}
    assert "wrote the proving key" in events[-1][1]


def test_a_constraint_system_and_its_circuit_share_a_key(srs, fresh, calls, tmp_path) -> None:
    c, _, pk0, _ = fresh["rich"]
    preprocess_cached(c, srs, tmp_path)
    pk, _ = preprocess_cached(c.compile(), srs, tmp_path)
    assert len(calls) == 1
    assert_same_key(pk, pk0)


def test_read_key_and_write_key(srs, fresh, tmp_path) -> None:
    c, _, pk0, _ = fresh["rich"]
    write_key(tmp_path / "k", pk0)
    assert_same_key(read_key(tmp_path / "k", c, srs), pk0)
    with pytest.raises(KeyFileError, match="another circuit"):
        read_key(tmp_path / "k", fresh["plain"][0], srs)


def test_a_key_as_bytes_is_the_file_and_carries_its_checks(srs, fresh, tmp_path) -> None:
    """What a cluster's worker receives (:func:`keystore.key_bytes`) is the file's bytes,
    read back with the same checks: the checksum, and the circuit it is for."""
    c, _, pk0, _ = fresh["rich"]
    data = keystore.key_bytes(pk0)
    write_key(tmp_path / "k", pk0)
    assert data == (tmp_path / "k").read_bytes()
    assert_same_key(keystore.key_from_bytes(data, c, srs), pk0)
    with pytest.raises(KeyFileError, match="checksum"):
        keystore.key_from_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:], c, srs)
    with pytest.raises(KeyFileError, match="another circuit"):
        keystore.key_from_bytes(data, fresh["plain"][0], srs)


# ------------------------------------------------------------------ misses


@pytest.mark.parametrize("changed", [
    lambda: plain(4),  # another constant
    lambda: plain(label="square"),  # another label (every field of every gate counts)
    lambda: plain(name="result"),  # another public input name
    lambda: rich(extra=True),  # one more gate
    lambda: rich(table=Table.of("range4", [[v] for v in range(1, 17)])),  # same name, other rows
])  # fmt: skip
def test_a_changed_circuit_is_preprocessed_afresh(changed, srs, fresh, calls, tmp_path) -> None:
    for name in CIRCUITS:
        preprocess_cached(fresh[name][0], srs, tmp_path)
    c, inputs = changed()
    assert digest(c, srs) not in {digest(fresh[name][0], srs) for name in CIRCUITS}
    pk, vk = preprocess_cached(c, srs, tmp_path)
    assert len(calls) == 3 and len(key_files(tmp_path)) == 3
    assert_same_key(pk, preprocess(c, srs)[0])
    assert proves(pk, vk, inputs)


def test_a_changed_srs_is_preprocessed_afresh(srs, fresh, calls, tmp_path) -> None:
    c, inputs, pk0, _ = fresh["rich"]
    preprocess_cached(c, srs, tmp_path)
    other = SRS.from_tau(TAU + 1, len(srs.g1))
    assert digest(c, other) != digest(c, srs)
    pk, vk = preprocess_cached(c, other, tmp_path)
    assert len(calls) == 2 and pk.srs is other and vk.Ql != pk0.vk.Ql
    assert_same_key(pk, preprocess(c, other)[0])
    assert proves(pk, vk, inputs)


def test_only_the_powers_a_key_uses_are_digested(srs, fresh, calls, tmp_path) -> None:
    """A longer SRS of the same τ holds the same key: its extra powers are never used."""
    c, inputs, _, vk0 = fresh["rich"]
    longer = SRS(srs.curve, (*srs.g1, srs.g1[-1] * TAU), srs.g2)
    assert digest(c, longer) == digest(c, srs)
    preprocess_cached(c, srs, tmp_path)
    pk, _ = preprocess_cached(c, longer, tmp_path)
    assert len(calls) == 1 and pk.srs is longer and proves(pk, vk0, inputs)
    more_g2 = SRS(srs.curve, srs.g1, (srs.g2[0], srs.g2[1], srs.g2[1] * TAU))
    assert digest(c, more_g2) != digest(c, srs)  # every G2 point counts


def test_the_digest_names_the_format_and_the_code(srs, fresh, monkeypatch) -> None:
    c = fresh["plain"][0]
    before = digest(c, srs)
    monkeypatch.setattr(keystore, "FORMAT", keystore.FORMAT + 1)
    assert digest(c, srs) != before
    monkeypatch.undo()
    monkeypatch.setattr(keystore, "_CODE", bytes(32))
    assert digest(c, srs) != before


# ------------------------------------------------------------------ damaged files


def _truncated(data: bytes, _: bytes) -> bytes:
    return data[: len(data) // 2]


def _flipped_column(data: bytes, _: bytes) -> bytes:
    return data[:-100] + bytes([data[-100] ^ 1]) + data[-99:]


def _flipped_header(data: bytes, _: bytes) -> bytes:
    return data[:40] + bytes([data[40] ^ 0x20]) + data[41:]


def _another_keys_file(_: bytes, foreign: bytes) -> bytes:
    return foreign  # a valid file, for another circuit, under this key's name


def _value_not_below_r(data: bytes, _: bytes) -> bytes:
    """A column value set to r, with the checksum recomputed: the shape checks refuse it."""
    body = data[:-32]
    body = body[:-32] + R.to_bytes(32, "big")  # the last value of the last column
    return body + hashlib.sha256(body).digest()


@pytest.mark.parametrize("damage", [
    _truncated, _flipped_column, _flipped_header, _another_keys_file, _value_not_below_r,
    lambda data, _: b"", lambda data, _: b"not a key file at all, but long enough " * 4,
])  # fmt: skip
def test_a_damaged_file_is_recomputed_not_trusted(damage, srs, fresh, calls, tmp_path) -> None:
    c, inputs, pk0, vk0 = fresh["rich"]
    preprocess_cached(c, srs, tmp_path)
    (path,) = key_files(tmp_path)
    write_key(tmp_path / "foreign", fresh["plain"][2])
    path.write_bytes(damage(path.read_bytes(), (tmp_path / "foreign").read_bytes()))
    (tmp_path / "foreign").unlink()
    with pytest.raises(KeyFileError):
        read_key(path, c, srs)
    said: list[str] = []
    pk, _ = preprocess_cached(c, srs, tmp_path, progress=said.append)
    assert len(calls) == 2 and said[0].startswith("warning: ignoring")
    assert_same_key(pk, pk0)
    assert proves(pk, vk0, inputs)
    assert_same_key(read_key(path, c, srs), pk0)  # overwritten with a good file
    preprocess_cached(c, srs, tmp_path)
    assert len(calls) == 2


# ------------------------------------------------------------------ the directory


def test_no_cache_dir_is_plain_preprocess(srs, fresh, calls, tmp_path, monkeypatch) -> None:
    c, _, pk0, _ = fresh["plain"]
    monkeypatch.chdir(tmp_path)
    pk, _ = preprocess_cached(c, srs, None)
    pk, _ = preprocess_cached(c, srs, None)
    assert len(calls) == 2 and not list(tmp_path.iterdir())
    assert_same_key(pk, pk0)


def test_a_missing_cache_dir_is_created(srs, fresh, calls, tmp_path) -> None:
    c, inputs, _, vk0 = fresh["plain"]
    directory = tmp_path / "not" / "yet"
    preprocess_cached(c, srs, str(directory))
    pk, _ = preprocess_cached(c, srs, str(directory))
    assert len(calls) == 1 and len(key_files(directory)) == 1
    assert proves(pk, vk0, inputs)
