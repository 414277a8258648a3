"""The powers-of-tau ceremony: honest runs agree with SRS.from_tau, and every check rejects.

Each verifier check has a negative test built as an attacker would build it: the
cheating contribution carries a valid proof of knowledge wherever the attacker could
make one, so that the test reaches the check it is aimed at, and the message must
name that check.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from zkpot.curve import bls12_381, bn254
from zkpot.errors import ZkpotError
from zkpot.poly import ceremony, kzg
from zkpot.poly.ceremony import CeremonyError, Contribution, Powers
from zkpot.poly.polynomial import Polynomial
from zkpot.progress import Recorder

N = 8
SECRETS = {"alice": 3**40 + 11, "bob": 7**50 + 5, "carol": 2**200 + 123}


def run(curve=bn254, size=N, g2_size=2) -> tuple[list[Contribution], list[Powers]]:
    """Three honest contributions with known secrets, and the states before and after each."""
    rng = random.Random(2024)
    states = [ceremony.start(size, g2_size, curve)]
    contributions = []
    for name, s in SECRETS.items():
        c = ceremony.contribute(states[-1], name, secret=s, rng=rng)
        contributions.append(c)
        states.append(ceremony.verify_contribution(states[-1], c, rng=rng))
    return contributions, states


@pytest.fixture(scope="module")
def honest() -> tuple[list[Contribution], list[Powers]]:
    return run()


def reject(previous: Powers, contribution: Contribution, *fragments: str) -> None:
    with pytest.raises(CeremonyError) as info:
        ceremony.verify_contribution(previous, contribution, index=1, rng=random.Random(1))
    message = str(info.value)
    assert "contribution 1 by" in message
    for fragment in fragments:
        assert fragment in message, message


def with_proof(
    previous: Powers, c: Contribution, secret: int, identity: bytes = b"bob"
) -> Contribution:
    """Attach a valid Schnorr proof of ``secret`` (as an attacker who chose it can)."""
    curve, r = previous.curve, previous.curve.R
    G2, k = curve.G2.generator(), 12345
    public_key, A = G2 * secret, G2 * k
    powers = ceremony._powers_digest(c.g1, c.g2)
    challenge = ceremony._challenge(previous.digest, curve, identity, powers, public_key, A)
    return dataclasses.replace(
        c,
        identity=identity,
        public_key=public_key,
        commitment=A,
        response=(k + challenge * secret) % r,
    )


# ------------------------------------------------------------------ honest runs


@pytest.mark.parametrize("curve", [bn254, bls12_381], ids=["bn254", "bls12_381"])
def test_three_parties_give_the_srs_of_the_product(curve) -> None:
    contributions, _ = run(curve)
    srs = ceremony.verify_transcript(contributions, N, curve=curve, rng=random.Random(5))
    tau = 1
    for s in SECRETS.values():
        tau = tau * s % curve.R
    expected = kzg.SRS.from_tau(tau, N, curve)
    assert len(srs.g1) == N and len(srs.g2) == 2 and srs.g1_lagrange is None
    for got, want in zip(srs.g1 + srs.g2, expected.g1 + expected.g2, strict=True):
        assert got == want
    # and KZG works with it
    a = Polynomial([5, 0, 3, 1, 4, 1, 5, 9], curve.Fr)
    C = kzg.commit(srs, a)
    y, proof = kzg.open(srs, a, 17)
    assert kzg.verify(srs, C, 17, y, proof)
    assert not kzg.verify(srs, C, 17, (y + 1) % curve.R, proof)


def test_more_g2_powers() -> None:
    contributions, states = run(size=4, g2_size=4)
    record = Recorder()
    srs = ceremony.verify_transcript(contributions, 4, 4, progress=record)
    assert srs.g2 == states[-1].g2
    tau = SECRETS["alice"] * SECRETS["bob"] * SECRETS["carol"] % bn254.R
    assert srs.g2[3] == bn254.G2.generator() * pow(tau, 3, bn254.R)
    # a step per contribution, a check per unit: G2 powers 2 and 3 are two more checks
    steps = record.steps()
    assert list(steps) == [f"checking contribution {i} by {name!r}"
                           for i, name in enumerate(SECRETS)]  # fmt: skip
    assert set(steps.values()) == {(7, 7)}


def test_random_secrets_and_progress() -> None:
    """Each step is told from its start, before any work, and its units reach the total."""
    record = Recorder()
    state = ceremony.start(4)
    c = ceremony.contribute(state, "dave", progress=record)  # s and k from `secrets`
    assert record.events[:2] == [("start", "dave contributes", 6, "powers"),
                                 ("advance", 0, "G1")]  # fmt: skip
    assert record.steps() == {"dave contributes": (6, 6)}
    record.events.clear()
    ceremony.verify_contribution(state, c, progress=record)
    who = "checking contribution by 'dave'"
    assert record.events[:2] == [("start", who, 5, "checks"), ("advance", 0, "structure")]
    assert record.events[-1] == ("advance", 1, "accepted")
    assert ("advance", 1, "knowledge of s") in record.events
    assert record.steps() == {who: (5, 5)}
    lines: list[str] = []  # a plain function gets the lines: the steps are no lines
    ceremony.verify_contribution(state, c, progress=lines.append)
    assert lines == []


def test_the_digest_chains_the_transcript(honest) -> None:
    contributions, states = honest
    assert len({s.digest for s in states}) == len(states)
    again = ceremony.verify_contribution(states[0], contributions[0])
    assert again.digest == states[1].digest  # deterministic: a receipt others can recompute
    assert ceremony.start(N, label=b"another").digest != states[0].digest
    assert ceremony.start(N, curve=bls12_381).digest != states[0].digest


def test_contributions_are_randomised() -> None:
    state = ceremony.start(4)
    a, b = ceremony.contribute(state, "x"), ceremony.contribute(state, "x")
    assert a.public_key != b.public_key and a.g1[1] != b.g1[1]


# ------------------------------------------------------------------ check 0: structure


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda c: {"g1": c.g1[:-1]}, "expected 8 G1 powers, got 7"),
        (lambda c: {"g1": (*c.g1, c.g1[1])}, "expected 8 G1 powers, got 9"),
        (lambda c: {"g2": (*c.g2, c.g2[1])}, "expected 2 G2 powers, got 3"),
        (lambda c: {"g2": c.g2[:1]}, "expected 2 G2 powers, got 1"),
        (lambda c: {"g1": (c.g1[0] * 2, *c.g1[1:])}, "G1 power 0 is not the generator"),
        (lambda c: {"g2": (c.g2[0] * 2, c.g2[1])}, "G2 power 0 is not the generator"),
        (lambda c: {"g2": (c.g2[0], c.g1[1])}, "G2 power 1 is not a point of bn254.G2"),
        (lambda c: {"g1": (*c.g1[:7], bls12_381.G1.generator())}, "G1 power 7 is not a point of"),
        (lambda c: {"commitment": c.g1[1]}, "commitment A is not a point of bn254.G2"),
        (lambda c: {"response": bn254.R}, "the response z is not an integer in [0, r)"),
        (lambda c: {"response": -1}, "the response z"),
        (lambda c: {"identity": "bob"}, "the identity is empty or not bytes"),
        (lambda c: {"identity": b""}, "the identity is empty or not bytes"),
    ],
)
def test_structure_is_checked(honest, change, fragment) -> None:
    contributions, states = honest
    reject(states[1], dataclasses.replace(contributions[1], **change(contributions[1])), fragment)


@pytest.mark.parametrize(("group", "index"), [("g1", 4), ("g1", 1), ("g2", 1)])
def test_a_point_at_infinity_is_rejected(honest, group, index) -> None:
    contributions, states = honest
    bob = contributions[1]
    points = list(getattr(bob, group))
    points[index] = points[index].identity()
    name = group.upper()
    reject(
        states[1],
        dataclasses.replace(bob, **{group: tuple(points)}),
        f"{name} power {index} is the point at infinity",
    )


def test_a_public_key_at_infinity_is_rejected(honest) -> None:
    contributions, states = honest
    bob = dataclasses.replace(contributions[1], public_key=bn254.G2.identity())
    reject(states[1], bob, "public key [s]₂ is the point at infinity")


# ------------------------------------------------------------------ check 1: proof of knowledge


def test_a_bad_proof_of_knowledge_is_rejected(honest) -> None:
    contributions, states = honest
    bob = contributions[1]
    bad = dataclasses.replace(bob, response=(bob.response + 1) % bn254.R)
    reject(states[1], bad, "proof of knowledge of s does not verify", "'bob'")
    other_key = dataclasses.replace(bob, public_key=bob.public_key * 2)
    reject(states[1], other_key, "proof of knowledge of s does not verify")


def test_a_proof_replayed_under_another_identity_is_rejected(honest) -> None:
    contributions, states = honest
    stolen = dataclasses.replace(contributions[1], identity=b"mallory")
    reject(states[1], stolen, "by 'mallory'", "proof of knowledge of s does not verify")


def test_a_proof_replayed_in_another_round_or_ceremony_is_rejected(honest) -> None:
    contributions, states = honest
    # alice's round-0 contribution offered again as round 2: the previous digest differs
    # (its powers would fail check 2 too, but the proof is bound to the round first)
    reject(states[2], contributions[0], "proof of knowledge", "'alice'")
    other_ceremony = ceremony.start(N, label=b"another ceremony")
    reject(other_ceremony, contributions[0], "proof of knowledge", "'alice'")


def test_contribute_rejects_bad_arguments() -> None:
    state = ceremony.start(4)
    with pytest.raises(CeremonyError, match="non-zero"):
        ceremony.contribute(state, "x", secret=bn254.R)
    with pytest.raises(CeremonyError, match="identity must not be empty"):
        ceremony.contribute(state, "")
    with pytest.raises(TypeError):
        ceremony.contribute(state, 42)  # type: ignore[arg-type]


def test_every_challenge_depends_on_every_message_before_it(honest) -> None:
    """c follows the state, the identity, every G1 and G2 power, [s]₂ and A."""
    contributions, states = honest
    bob, previous = contributions[1], states[1]
    G1, G2 = bn254.G1.generator(), bn254.G2.generator()

    def challenge(c: Contribution, state: Powers = previous) -> int:
        powers = ceremony._powers_digest(c.g1, c.g2)
        return ceremony._challenge(
            state.digest, state.curve, c.identity, powers, c.public_key, c.commitment
        )

    def moved(points: tuple, i: int, step) -> tuple:
        return (*points[:i], points[i] + step, *points[i + 1 :])

    changed = {"identity": dataclasses.replace(bob, identity=b"bob2"),
               "public key": dataclasses.replace(bob, public_key=bob.public_key + G2),
               "commitment": dataclasses.replace(bob, commitment=bob.commitment + G2)}  # fmt: skip
    for i in range(N):
        changed[f"G1 power {i}"] = dataclasses.replace(bob, g1=moved(bob.g1, i, G1))
    for j in range(2):
        changed[f"G2 power {j}"] = dataclasses.replace(bob, g2=moved(bob.g2, j, G2))
    c = challenge(bob)
    for message, contribution in changed.items():
        assert challenge(contribution) != c, message
    assert challenge(bob, states[0]) != c  # the previous state
    # so a contribution whose points were changed fails at its proof, check 1
    reject(previous, changed["G1 power 5"], "proof of knowledge")
    reject(previous, changed["G2 power 1"], "proof of knowledge")


# ------------------------------------------------------------------ check 2: the update keeps τ


def test_dropping_the_previous_tau_is_rejected(honest) -> None:
    _, states = honest
    # bob starts from the generators again, so that he alone knows τ' = s, and proves
    # knowledge of s bound to the real state: only check 2 stands in his way
    previous = states[1]
    fresh = dataclasses.replace(previous, g1=(previous.g1[0],) * N, g2=(previous.g2[0],) * 2)
    attack = ceremony.contribute(fresh, "bob", secret=99, rng=random.Random(3))
    reject(previous, with_proof(previous, attack, 99), "does not include the previous τ")


# ------------------------------------------------------------------ checks 3–5: consistent powers


@pytest.mark.parametrize("index", [2, 3, N - 1])
def test_one_wrong_g1_power_is_rejected(honest, index) -> None:
    contributions, states = honest
    bob = contributions[1]
    g1 = list(bob.g1)
    g1[index] = g1[index] + bn254.G1.generator()
    attack = with_proof(states[1], dataclasses.replace(bob, g1=tuple(g1)), SECRETS["bob"])
    reject(states[1], attack, "G1 powers are not successive")


def test_swapped_g1_powers_are_rejected(honest) -> None:
    contributions, states = honest
    bob = contributions[1]
    g1 = list(bob.g1)
    g1[2], g1[3] = g1[3], g1[2]
    attack = with_proof(states[1], dataclasses.replace(bob, g1=tuple(g1)), SECRETS["bob"])
    reject(states[1], attack, "G1 powers are not successive")


def test_a_wrong_first_g1_power_is_caught_by_the_update_check(honest) -> None:
    contributions, states = honest
    bob = contributions[1]
    bad = (bob.g1[0], bob.g1[1] * 2, *bob.g1[2:])
    # the proof hashes the powers, so the attacker re-proves for the altered point
    attack = with_proof(states[1], dataclasses.replace(bob, g1=bad), SECRETS["bob"])
    reject(states[1], attack, "does not include the previous τ")


def test_a_wrong_g2_power_is_rejected(honest) -> None:
    contributions, states = honest
    bob = contributions[1]
    wrong = dataclasses.replace(bob, g2=(bob.g2[0], bob.g2[1] * 2))
    reject(states[1], with_proof(states[1], wrong, SECRETS["bob"]), "G2 power 1 disagrees")


def test_a_wrong_higher_g2_power_is_rejected() -> None:
    contributions, states = run(size=4, g2_size=3)
    bob = contributions[1]
    wrong = dataclasses.replace(bob, g2=(*bob.g2[:2], bob.g2[2] + bn254.G2.generator()))
    reject(states[1], with_proof(states[1], wrong, SECRETS["bob"]), "G2 power 2 disagrees")


def test_consistent_powers_of_an_unrelated_tau_are_rejected(honest) -> None:
    contributions, states = honest
    # powers of a τ'' the attacker knows, a public key for τ''/τ it cannot know: use s = 5
    forged = kzg.SRS.from_tau(777, N)
    attack = dataclasses.replace(contributions[1], g1=forged.g1, g2=forged.g2)
    reject(states[1], with_proof(states[1], attack, 5), "does not include the previous τ")


# ------------------------------------------------------------------ whole transcripts


def test_a_transcript_with_a_bad_contribution_in_the_middle(honest) -> None:
    contributions, _ = honest
    bob = contributions[1]
    g1 = list(bob.g1)
    g1[5] = g1[6]
    _, states = honest
    attack = with_proof(states[1], dataclasses.replace(bob, g1=tuple(g1)), SECRETS["bob"])
    bad = [contributions[0], attack, contributions[2]]
    with pytest.raises(
        CeremonyError, match=r"contribution 1 by 'bob'.*G1 powers are not successive"
    ):
        ceremony.verify_transcript(bad, N)


def test_transcripts_out_of_order_or_empty_are_rejected(honest) -> None:
    contributions, _ = honest
    with pytest.raises(CeremonyError, match=r"contribution 0 by 'bob'.*proof of knowledge"):
        ceremony.verify_transcript(contributions[1:], N)
    with pytest.raises(CeremonyError, match="contribution 1 by 'carol'"):
        ceremony.verify_transcript([contributions[0], contributions[2]], N)
    with pytest.raises(CeremonyError, match="empty transcript"):
        ceremony.verify_transcript([], N)
    with pytest.raises(CeremonyError, match="expected 16 G1 powers, got 8"):
        ceremony.verify_transcript(contributions, 16)


def test_start_checks_its_sizes() -> None:
    for size, g2_size in [(1, 2), (4, 1), (4, 5)]:
        with pytest.raises(CeremonyError, match="g2_size"):
            ceremony.start(size, g2_size)


def test_ceremony_error_is_a_value_error() -> None:
    assert issubclass(CeremonyError, ZkpotError) and issubclass(CeremonyError, ValueError)


PARALLEL_POWERS = """
import random
from zkpot.curve import bn254
from zkpot.poly import ceremony
from zkpot.progress import Recorder
ceremony.PARALLEL_POWERS = 8  # so that 100 powers run on two workers
rng = random.Random(9)
points = [bn254.G1.generator() * rng.randrange(1, bn254.R) for _ in range(100)]
s = rng.randrange(1, bn254.R)
record = Recorder()
got = ceremony._multiply_powers(points, s, bn254.R, record, "G1")
assert list(got) == [P * pow(s, i, bn254.R) for i, P in enumerate(points)]
assert record.events == [("advance", 0, "G1"), ("advance", 64, "G1"), ("advance", 36, "G1")]
print("ok")
"""


def test_powers_on_several_cores_are_the_sequential_powers() -> None:
    """In a fresh process (where workers may fork), with ZKPOT_WORKERS=2."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ZKPOT_WORKERS": "2"}
    done = subprocess.run([sys.executable, "-c", PARALLEL_POWERS], capture_output=True,
                          text=True, timeout=120, env=env)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
