"""Grader of assignment 2: the NTT, against zkpot.poly.ntt."""

from __future__ import annotations

import random

import pytest

from zkpot.assignments import required
from zkpot.field import bn254
from zkpot.poly import ntt as reference

R = bn254.Fr.MODULUS


def root(n: int, p: int) -> int:
    """A primitive n-th root of unity mod p (BN254's Fr, or 97 for n ≤ 32)."""
    if p == R:
        return int(bn254.Fr.root_of_unity(n))
    return pow(5, 96 // n, 97)  # 5 generates (Z/97)*


def field_name(p: int) -> str:
    return "r (BN254's scalar field)" if p == R else str(p)


def difference(got: list, want: list) -> str:
    """Where two lists first differ, in words."""
    if not isinstance(got, list) or len(got) != len(want):
        size = len(got) if hasattr(got, "__len__") else "?"
        return f"returned {type(got).__name__} of {size} values; expected a list of {len(want)}"
    i = next(i for i in range(len(want)) if got[i] != want[i])
    return f"first wrong value at index {i}: expected {want[i]}, got {got[i]}"


def cases():
    rng = random.Random(3)
    for k in range(11):
        yield R, 1 << k, [rng.randrange(R) for _ in range(1 << k)]
    for k in range(6):
        yield 97, 1 << k, [rng.randrange(97) for _ in range(1 << k)]


def test_bit_reverse(solution) -> None:
    bit_reverse = required(solution, "bit_reverse")
    for n in (1, 2, 4, 8, 16, 256):
        values = list(range(n))
        got = bit_reverse(values)
        want = reference.bit_reverse_permutation(values)
        assert got == want, f"bit_reverse(list(range({n}))): {difference(got, want)}"
        assert values == list(range(n)), "bit_reverse changed its input"
    got = bit_reverse(["a", "b", "c", "d"])
    assert got == ["a", "c", "b", "d"], f"bit_reverse must move any values: {got}"


def test_bit_reverse_refuses_other_lengths(solution) -> None:
    bit_reverse = required(solution, "bit_reverse")
    for n in (0, 3, 6, 12):
        with pytest.raises(ValueError):
            bit_reverse(list(range(n)))
            pytest.fail(f"bit_reverse of a list of {n} returned instead of raising ValueError")


def test_ntt_small_known_transforms(solution) -> None:
    ntt = required(solution, "ntt")
    w = root(8, 97)
    assert ntt([5], 1, 97) == [5], "the NTT of one value is that value"
    got = ntt([1, 0, 0, 0, 0, 0, 0, 0], w, 97)
    assert got == [1] * 8, f"the NTT of the constant 1 is all ones; got {got}"
    got = ntt([0, 1, 0, 0, 0, 0, 0, 0], w, 97)
    want = [pow(w, i, 97) for i in range(8)]
    assert got == want, f"the NTT of X is [ω⁰, ω¹, …] = {want}; got {got}"


def test_ntt_matches_zkpot(solution) -> None:
    ntt = required(solution, "ntt")
    for p, n, a in cases():
        w = root(n, p)
        given = list(a)
        got = ntt(a, w, p)
        assert a == given, "ntt changed its input list"
        want = reference.ntt(a, w, p)
        assert got == want, (
            f"ntt of a random vector of size {n} mod {field_name(p)}: {difference(got, want)}"
        )


def test_intt_matches_zkpot_and_inverts(solution) -> None:
    ntt, intt = required(solution, "ntt"), required(solution, "intt")
    for p, n, a in cases():
        w = root(n, p)
        values = reference.ntt(a, w, p)
        got = intt(values, w, p)
        assert got == a, f"intt(ntt(a)), size {n} mod {field_name(p)}: {difference(got, a)}"
        assert ntt(intt(a, w, p), w, p) == a, f"ntt(intt(a)) is not a (size {n})"


def test_ntt_multiplies_polynomials(solution) -> None:
    """The NTT turns a cyclic convolution into a pointwise product: a·b mod (Xⁿ − 1)."""
    ntt, intt = required(solution, "ntt"), required(solution, "intt")
    rng = random.Random(5)
    n, w = 16, root(16, R)
    a = [rng.randrange(R) for _ in range(n)]
    b = [rng.randrange(R) for _ in range(n)]
    cyclic = [sum(a[j] * b[(i - j) % n] for j in range(n)) % R for i in range(n)]
    product = intt([x * y % R for x, y in zip(ntt(a, w, R), ntt(b, w, R), strict=True)], w, R)
    assert product == cyclic, "intt(ntt(a)·ntt(b)) is not the cyclic convolution of a and b"


def test_ntt_values_are_canonical(solution) -> None:
    ntt = required(solution, "ntt")
    got = ntt([R - 1] * 8, root(8, R), R)
    assert all(0 <= x < R for x in got), "every value must lie in [0, p)"
