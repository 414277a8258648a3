"""The local one-party setup: τ from the OS's CSPRNG and nowhere else, the cache's size
rule, atomic saving, and every check a file must pass before its powers are used."""

from __future__ import annotations

import random
import stat
import struct
from pathlib import Path

import pytest

from zkpot.curve import bn254
from zkpot.field import prime
from zkpot.poly import local_setup as ls
from zkpot.poly.kzg import SRS
from zkpot.poly.local_setup import LocalSetupError
from zkpot.progress import Recorder


def test_tau_comes_from_the_os_csprng_and_is_not_kept(monkeypatch, tmp_path) -> None:
    drawn = []

    def randbelow(bound: int) -> int:
        drawn.append(bound)
        return 41

    monkeypatch.setattr(prime.secrets, "randbelow", randbelow)
    srs = ls.make(18)
    assert drawn == [bn254.R - 1]  # one draw, of 1 … r − 1 (τ = 1 + the draw)
    assert srs.g2[1] == bn254.G2.generator() * 42 and srs.g1[3] == bn254.G1.generator() * 42**3
    assert not hasattr(srs, "tau")
    ls.save(srs, tmp_path)
    assert (42).to_bytes(32, "big") not in (tmp_path / "local-srs-18.bin").read_bytes()


def test_two_setups_have_different_taus(tmp_path) -> None:
    assert ls.make(4).g2[1] != ls.make(4).g2[1]


@pytest.mark.parametrize(
    ("size", "made"),
    [(2, 11), (11, 11), (14, 14), (15, 18), (2058, 2058), (2059, 4106), (16394, 16394)],
)
def test_a_new_setup_has_a_power_of_two_and_ten_powers(size: int, made: int) -> None:
    assert ls.rounded_size(size) == made


def test_making_and_reading_report_their_steps_from_the_start(tmp_path, monkeypatch) -> None:
    """The powers' step is told before the first power, the check's before its first MSM;
    the units of each reach its total. A plain function gets the lines only."""
    monkeypatch.setattr(ls, "CHUNK", 8)  # 42 powers in six even parts of 7
    record = Recorder()
    ls.local_srs(tmp_path, 30, progress=record)  # makes 42 powers
    making = "local setup: making 42 powers of a random τ, which is then forgotten"
    assert record.events[:2] == [("say", making), ("start", "local setup: powers of τ", 42,
                                                     "powers")]  # fmt: skip
    assert record.events[2:8] == [("advance", 7, None)] * 6
    made, wrote = record.events[8:]
    assert "42 powers made in" in made[1] and "local setup: wrote" in wrote[1]
    record.events.clear()
    ls.local_srs(tmp_path, 30, progress=record)  # reads and checks them
    assert record.events[1] == ("start", "local setup: checking the powers", 2, "MSMs")
    assert record.steps() == {"local setup: checking the powers": (2, 2)}
    lines: list[str] = []
    ls.local_srs(tmp_path, 30, progress=lines.append)
    assert len(lines) == 1 and lines[0].startswith("local setup: checking 30 powers of")


def test_the_smallest_cached_setup_that_is_large_enough_serves(tmp_path) -> None:
    big = ls.local_srs(tmp_path, 30)  # makes 2⁵ + 10 = 42 powers, returns 30
    assert len(big.g1) == 30 and [n for n, _ in ls.cached(tmp_path)] == [42]
    again = ls.local_srs(tmp_path, 12)  # a prefix of the 42: KZG uses only a prefix
    assert again.g1 == big.g1[:12] and again.g2 == big.g2
    assert [n for n, _ in ls.cached(tmp_path)] == [42]
    larger = ls.local_srs(tmp_path, 60)  # none has 60: a new one, of 2⁶ + 10
    assert [n for n, _ in ls.cached(tmp_path)] == [42, 74]
    assert larger.g2[1] != big.g2[1]
    assert ls.local_srs(tmp_path, 40).g2 == big.g2  # the smallest that is large enough


def test_the_file_is_the_owners_and_written_atomically(tmp_path) -> None:
    srs = ls.local_srs(tmp_path / "new" / "dir", 15)
    (path,) = (tmp_path / "new" / "dir").iterdir()  # no temporary file left behind
    assert path.name == "local-srs-18.bin"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_size == 16 + 2 * 128 + 64 * 18
    assert ls.read(path, 15).g1 == srs.g1


def test_a_file_made_meanwhile_by_another_process_is_kept(tmp_path) -> None:
    first, second = ls.make(18), ls.make(18)
    assert ls.save(first, tmp_path) and not ls.save(second, tmp_path)
    assert ls.read(tmp_path / "local-srs-18.bin").g2 == first.g2
    assert [p.name for p in tmp_path.iterdir()] == ["local-srs-18.bin"]


# -- every check of a file, each by a file that fails it --------------------------------


def saved(tmp_path: Path, g1=None, g2=None) -> Path:
    """A file of 18 powers of τ = 5, with these points instead where given."""
    srs = SRS.from_tau(5, 18)
    ls.save(SRS(bn254, tuple(g1 or srs.g1), tuple(g2 or srs.g2)), tmp_path)
    return tmp_path / "local-srs-18.bin"


def rejected(path: Path, *fragments: str) -> None:
    with pytest.raises(LocalSetupError) as info:
        ls.read(path)
    message = str(info.value)
    assert str(path) in message and "Delete it" in message
    for fragment in fragments:
        assert fragment in message, message


def test_an_honest_file_is_read_back(tmp_path) -> None:
    srs = ls.read(saved(tmp_path))
    assert srs.g1 == SRS.from_tau(5, 18).g1 and srs.g2 == SRS.from_tau(5, 18).g2
    assert ls.check(srs, random.Random(1)) is None


def test_encoded_bytes_are_the_file_and_decode_with_its_checks(tmp_path) -> None:
    srs = SRS.from_tau(5, 18)
    data = ls.encode(srs)
    assert data == saved(tmp_path).read_bytes()
    for check_powers in (True, False):
        back = ls.decode(data, check_powers=check_powers)
        assert back.g1 == srs.g1 and back.g2 == srs.g2
    g1 = list(srs.g1)
    g1[7] = g1[7] * 2
    wrong = ls.encode(SRS(bn254, tuple(g1), srs.g2))
    with pytest.raises(LocalSetupError, match="not successive powers"):
        ls.decode(wrong)
    assert ls.decode(wrong, check_powers=False).g1[7] == g1[7]  # the key's digest binds it
    for bad, why in [(data[:-1], "is not"), (b"ZKPOTSRX" + data[8:], "no magic"),
                     (data[:16], "shorter")]:  # fmt: skip
        with pytest.raises(LocalSetupError, match=why):
            ls.decode(bad)


def test_a_power_that_is_not_the_next_is_caught(tmp_path) -> None:
    g1 = list(SRS.from_tau(5, 18).g1)
    g1[7] = g1[7] * 2  # a valid point, on the curve, but not [τ⁷]₁
    rejected(saved(tmp_path, g1=g1), "not successive powers")


def test_g1_and_g2_of_different_taus_are_caught(tmp_path) -> None:
    rejected(saved(tmp_path, g2=SRS.from_tau(6, 2).g2), "[τ]₁ and [τ]₂ disagree")


def test_another_first_power_is_caught(tmp_path) -> None:
    rejected(saved(tmp_path, g1=SRS.from_tau(5, 19).g1[1:]), "not the generator")


@pytest.mark.parametrize(
    ("corrupt", "fragment"),
    [
        (lambda data: data[:-1], "its size is"),
        (lambda data: data + b"\0", "its size is"),
        (lambda data: data[:20], "shorter than its header"),
        (lambda data: b"ZKPOTKEY" + data[8:], "magic"),
        (lambda data: data[:12] + struct.pack(">I", 17) + data[16:], "its size is"),
        (lambda data: data[:12] + struct.pack(">I", ls.MAX_POWERS + 1) + data[16:], "header"),
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "does not decode"),
        (lambda data: data[:-64] + bytes(64), "point at infinity"),
    ],
)
def test_a_damaged_file_is_an_error_never_a_traceback(tmp_path, corrupt, fragment) -> None:
    path = saved(tmp_path)
    path.write_bytes(corrupt(path.read_bytes()))
    rejected(path, fragment)


def test_a_file_under_another_name_is_caught(tmp_path) -> None:
    path = saved(tmp_path)
    path.rename(tmp_path / "local-srs-99.bin")
    rejected(tmp_path / "local-srs-99.bin", "its name")
    with pytest.raises(LocalSetupError, match="its name"):
        ls.local_srs(tmp_path, 30)  # the cache's damaged file is an error, not replaced


@pytest.mark.parametrize("size", [0, 1, ls.MAX_POWERS + 1, True, 2.0])
def test_sizes_out_of_range_are_refused(tmp_path, size) -> None:
    with pytest.raises(LocalSetupError):
        ls.local_srs(tmp_path, size)
