"""Grader of assignment 1: inverses in a prime field, against zkpot's own."""

from __future__ import annotations

import random

import pytest

from zkpot.assignments import required
from zkpot.field.prime import inverse_mod

BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
PRIMES = [7, 97, 65537, 2**61 - 1, BN254_R]


def check_inverse(inverse, a: int, p: int) -> None:
    got = inverse(a, p)
    want = inverse_mod(a, p)
    assert isinstance(got, int), f"inverse({a}, {p}) returned {got!r}, not an int"
    assert got == want, (
        f"inverse({a}, {p}) returned {got}; expected {want}. "
        f"Check: a·x mod p should be 1, and yours gives {a * got % p}; "
        "the answer must also lie in [0, p)."
    )


def test_inverse_small_cases(solution) -> None:
    inverse = required(solution, "inverse")
    for a, p in [(3, 7), (1, 7), (6, 7), (2, 97), (96, 97), (12345, 65537)]:
        check_inverse(inverse, a, p)


def test_inverse_of_negative_and_large_values(solution) -> None:
    """Reduce a first: −3 ≡ 4 (mod 7), and 10 ≡ 3."""
    inverse = required(solution, "inverse")
    for a, p in [(-3, 7), (10, 7), (-1, 97), (BN254_R + 5, BN254_R), (-(2**300), BN254_R)]:
        check_inverse(inverse, a, p)


def test_inverse_on_random_inputs(solution) -> None:
    inverse = required(solution, "inverse")
    rng = random.Random(1)
    for _ in range(300):
        p = rng.choice(PRIMES)
        check_inverse(inverse, rng.randrange(1, p), p)


def test_inverse_of_zero_raises(solution) -> None:
    inverse = required(solution, "inverse")
    for a, p in [(0, 7), (7, 7), (-14, 7), (BN254_R, BN254_R)]:
        with pytest.raises(ZeroDivisionError):
            inverse(a, p)
            pytest.fail(f"inverse({a}, {p}) returned instead of raising ZeroDivisionError: "
                        f"{a} ≡ 0 (mod {p}) has no inverse")  # fmt: skip


def count_inversions(function, monkeypatch, *, own_inverse: bool = True) -> list[int]:
    """Count the inversions a function makes: calls of pow with a negative exponent or
    Fermat's p − 2, and (with ``own_inverse``) of inverse(), made from the module that
    defines it; a pow inside inverse() is part of that one inversion."""
    calls: list[int] = []
    inside = [0]
    names = function.__wrapped__.__globals__

    def counting_pow(base, exponent, *modulus):
        if not inside[0] and (exponent < 0 or (modulus and exponent == modulus[0] - 2)):
            calls.append(1)
        return pow(base, exponent, *modulus)

    monkeypatch.setitem(names, "pow", counting_pow)
    if own_inverse and callable(names.get("inverse")):
        original = names["inverse"]

        def counting_inverse(*args):
            if not inside[0]:
                calls.append(1)
            inside[0] += 1
            try:
                return original(*args)
            finally:
                inside[0] -= 1

        monkeypatch.setitem(names, "inverse", counting_inverse)
    return calls


def test_inverse_does_not_call_pow(solution, monkeypatch) -> None:
    inverse = required(solution, "inverse")
    calls = count_inversions(inverse, monkeypatch, own_inverse=False)
    inverse(5, 97)
    assert not calls, (
        "inverse() called pow(a, -1, p) or pow(a, p − 2, p): write the extended Euclidean algorithm"
    )


def test_batch_inverse_on_random_lists(solution) -> None:
    batch_inverse = required(solution, "batch_inverse")
    rng = random.Random(2)
    for size in [0, 1, 2, 3, 10, 100]:
        p = rng.choice(PRIMES)
        values = [rng.randrange(1, p) for _ in range(size)]
        given = list(values)
        got = batch_inverse(values, p)
        want = [inverse_mod(v, p) for v in values]
        assert values == given, "batch_inverse changed the list it was given"
        assert isinstance(got, list) and len(got) == size, (
            f"batch_inverse of {size} values returned {type(got).__name__} of length "
            f"{len(got) if hasattr(got, '__len__') else '?'}; expected a list of {size}"
        )
        wrong = [i for i in range(size) if got[i] != want[i]]
        assert not wrong, (
            f"batch_inverse of {size} values mod {p}: {len(wrong)} wrong, the first at index "
            f"{wrong[0]}: the inverse of {values[wrong[0]]} is {want[wrong[0]]}, yours "
            f"{got[wrong[0]]}"
        )


def test_batch_inverse_uses_one_inversion(solution, monkeypatch) -> None:
    batch_inverse = required(solution, "batch_inverse")
    calls = count_inversions(batch_inverse, monkeypatch)
    values = list(range(1, 51))
    got = batch_inverse(values, 97)
    assert got == [inverse_mod(v, 97) for v in values], "batch_inverse's values are wrong"
    assert len(calls) <= 1, (
        f"batch_inverse made {len(calls)} inversions for 50 values: Montgomery's trick needs "
        "one (invert the product of them all, then unwind it)"
    )


def test_batch_inverse_refuses_a_zero(solution) -> None:
    batch_inverse = required(solution, "batch_inverse")
    for values in ([0], [3, 0, 5], [3, 97, 5]):
        with pytest.raises(ZeroDivisionError):
            batch_inverse(values, 97)
            pytest.fail(f"batch_inverse({values}, 97) returned instead of raising "
                        "ZeroDivisionError: a value ≡ 0 has no inverse")  # fmt: skip
