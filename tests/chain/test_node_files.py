"""The files a node starts from, as an attacker could write them: an SRS file is checked by
the digest its own points hash to (not a digest it declares), and no file may name a key
twice."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.chain.conftest import SPEC, make_genesis
from zkpot.chain import devnet
from zkpot.chain.encoding import MessageError
from zkpot.chain.federation import run_ceremony
from zkpot.curve import bn254
from zkpot.errors import InvalidInput
from zkpot.poly.kzg import SRS


@pytest.fixture(scope="module")
def ceremony_and_genesis(tiny_task):
    output = run_ceremony(16, ["alice", "bob"])
    genesis = dataclasses.replace(make_genesis("files", tiny_task, [61, 62], []),
                                  ceremony=output.digest)  # fmt: skip
    return output, genesis


def write(tmp_path, document) -> object:
    path = tmp_path / "srs.json"
    path.write_text(json.dumps(document))
    return path


def test_the_ceremonys_output_is_read_back(tmp_path, ceremony_and_genesis) -> None:
    output, genesis = ceremony_and_genesis
    srs = devnet.read_srs(write(tmp_path, devnet.srs_json(output.previous, output.last)), genesis)
    assert srs.g1 == output.srs.g1 and srs.g2 == output.srs.g2


def test_an_srs_with_points_of_a_known_tau_is_refused(tmp_path, ceremony_and_genesis) -> None:
    """The attack: keep the ceremony's digest fields, swap in the powers of a τ one knows.
    Before, the file's declared digest was trusted and the node used the forger's SRS."""
    output, genesis = ceremony_and_genesis
    forged = SRS.from_tau(0x5EED, len(output.last.g1))
    document = devnet.srs_json(output.previous, output.last)
    document["g1"] = [P.to_bytes(compressed=True).hex() for P in forged.g1]
    document["g2"] = [Q.to_bytes(compressed=True).hex() for Q in forged.g2]
    with pytest.raises(MessageError):
        devnet.read_srs(write(tmp_path, document), genesis)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(previous="00" * 32),  # another transcript before the last one
        lambda d: d.update(identity=b"mallory".hex()),  # the proof binds the identity
        lambda d: d.update(response=str(int(d["response"]) + 1)),
        lambda d: d["g1"].__setitem__(3, d["g1"][4]),  # not successive powers
        lambda d: d["g1"].__setitem__(0, "zz"),
        lambda d: d.update(g1=[]),
        lambda d: d.update(digest="00" * 32),  # the old format's declared digest
    ],
)
def test_a_changed_srs_file_is_refused(tmp_path, ceremony_and_genesis, change) -> None:
    output, genesis = ceremony_and_genesis
    document = devnet.srs_json(output.previous, output.last)
    change(document)
    with pytest.raises(MessageError):
        devnet.read_srs(write(tmp_path, document), genesis)


def test_an_srs_of_another_ceremony_is_refused(tmp_path, ceremony_and_genesis) -> None:
    _, genesis = ceremony_and_genesis
    other = run_ceremony(16, ["carol"])
    with pytest.raises(MessageError, match="another transcript digest"):
        devnet.read_srs(write(tmp_path, devnet.srs_json(other.previous, other.last)), genesis)
    assert bn254.pairing_check([(other.srs.g1[1], other.srs.g2[0]),
                                (-other.srs.g1[0], other.srs.g2[1])])  # fmt: skip


def test_a_file_that_names_a_key_twice_is_refused(tmp_path, ceremony_and_genesis) -> None:
    """One file, two readings: a genesis whose "name" (or a validator's "pop") appears twice."""
    _, genesis = ceremony_and_genesis
    text = json.dumps(genesis.to_json())
    path = tmp_path / "genesis.json"
    path.write_text(text)
    assert devnet.read_genesis(path).hash == genesis.hash
    path.write_text(text.replace('{"name": ', '{"name": "decoy", "name": ', 1))
    with pytest.raises(InvalidInput, match="appears twice"):
        devnet.read_genesis(path)
    pop = genesis.validator_pops[0].hex()
    path.write_text(text.replace(f'"pop": "{pop}"', f'"pop": "{pop}", "pop": "{pop}"', 1))
    with pytest.raises(InvalidInput, match="appears twice"):
        devnet.read_genesis(path)


def test_identity_files_are_private_and_a_readable_one_is_refused(tmp_path) -> None:
    """Identity files (secret keys) were written 0644; now 0600, and a node refuses to start
    from one its group or others may read."""
    path = tmp_path / "node-1.json"
    path.write_text("{}")
    path.chmod(0o644)
    devnet.write_secret(path, json.dumps({"validator": "5", "participant": None}))
    assert path.stat().st_mode & 0o777 == 0o600  # (an existing file made private too)
    assert devnet.read_identity(path, SPEC) == (5, None)
    for mode in (0o644, 0o640, 0o604, 0o660):
        path.chmod(mode)
        with pytest.raises(MessageError, match=f"mode is {mode:o}.*chmod 600"):
            devnet.read_identity(path, SPEC)
