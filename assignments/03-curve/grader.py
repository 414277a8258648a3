"""Grader of assignment 3: BN254 G1's group law, against zkpot's G1."""

from __future__ import annotations

import itertools
import random

from zkpot.assignments import required
from zkpot.curve import bn254
from zkpot.field.bn254 import Fq

G1, R = bn254.G1, bn254.R


def affine(P):
    """A zkpot point as the assignment's pair of Fq elements (None at infinity)."""
    xy = P.to_affine()
    return None if xy is None else (Fq(int(xy[0])), Fq(int(xy[1])))


def show(P) -> str:
    return "None (infinity)" if P is None else f"({int(P[0])}, {int(P[1])})"


def on_curve(P) -> bool:
    return P is None or P[1] * P[1] == P[0] * P[0] * P[0] + 3


def points(count: int, seed: int):
    rng = random.Random(seed)
    return [G1.generator() * rng.randrange(1, R) for _ in range(count)]


def check(got, want_point, what: str) -> None:
    want = affine(want_point)
    assert got == want, f"{what}: expected {show(want)}, got {show(got)}"
    assert on_curve(got), f"{what}: your point {show(got)} is not on y² = x³ + 3"


def test_add_distinct_points(solution) -> None:
    add = required(solution, "add")
    ps = points(20, 1)
    for P, Q in itertools.pairwise(ps):
        check(add(affine(P), affine(Q)), P + Q, f"add(P, Q) for P = {show(affine(P))}")


def test_add_the_identity(solution) -> None:
    add = required(solution, "add")
    P = points(1, 2)[0]
    check(add(affine(P), None), P, "add(P, None)")
    check(add(None, affine(P)), P, "add(None, P)")
    assert add(None, None) is None, "add(None, None) should be None"


def test_add_a_point_to_itself_and_to_its_negative(solution) -> None:
    add = required(solution, "add")
    for P in points(5, 3):
        check(add(affine(P), affine(P)), P + P, "add(P, P) (the tangent)")
        got = add(affine(P), affine(-P))
        assert got is None, f"add(P, −P) should be None (a vertical line), got {show(got)}"


def test_double(solution) -> None:
    double = required(solution, "double")
    for P in points(10, 4):
        check(double(affine(P)), P.double(), f"double({show(affine(P))})")
    assert double(None) is None, "double(None) should be None"


def test_multiply_special_scalars(solution) -> None:
    multiply = required(solution, "multiply")
    P = points(1, 5)[0]
    for k in (1, 2, 3, 7, R - 1, R + 1, -1, -5):
        check(multiply(affine(P), k), P * k, f"multiply(P, {k})")
    for k in (0, R, 2 * R):
        got = multiply(affine(P), k)
        assert got is None, f"multiply(P, {k}) should be None (k ≡ 0 mod r), got {show(got)}"
    assert multiply(None, 5) is None, "multiply(None, 5) should be None"


def test_multiply_random_scalars(solution) -> None:
    multiply = required(solution, "multiply")
    rng = random.Random(6)
    for P in points(8, 7):
        k = rng.randrange(R)
        check(multiply(affine(P), k), P * k, f"multiply(P, {k})")


def test_group_laws(solution) -> None:
    add, multiply = required(solution, "add"), required(solution, "multiply")
    P, Q, S = (affine(X) for X in points(3, 8))
    assert add(add(P, Q), S) == add(P, add(Q, S)), "(P + Q) + S ≠ P + (Q + S)"
    assert add(P, Q) == add(Q, P), "P + Q ≠ Q + P"
    assert add(multiply(P, 5), multiply(P, 7)) == multiply(P, 12), "5P + 7P ≠ 12P"
