"""Grader of assignment 4: a Miller loop's lines, against zkpot.curve.affine."""

from __future__ import annotations

import random

import pytest

from zkpot.assignments import required
from zkpot.curve import affine, bls12_381, bn254

GROUPS = [("BN254 G1", bn254.G1), ("BN254 G2", bn254.G2), ("BLS12-381 G1", bls12_381.G1),
          ("BLS12-381 G2", bls12_381.G2)]  # fmt: skip


def points(G, count: int, seed: int):
    rng = random.Random(seed)
    return [(G.generator() * rng.randrange(1, G.ORDER)).to_affine() for _ in range(count)]


def test_line_matches_zkpot(solution) -> None:
    line = required(solution, "line")
    for name, G in GROUPS:
        T, Q, P = points(G, 3, len(name))
        for what, args in (("a chord", (T, Q, P)), ("a tangent", (T, T, P)),
                           ("a vertical line", (T, affine.affine_neg(T), P))):  # fmt: skip
            got, want = line(*args), affine.line_value(*args)
            assert got == want, f"{name}, {what}: the line at P should be {want}, got {got}"


def test_a_line_vanishes_at_its_three_points(solution) -> None:
    line = required(solution, "line")
    for name, G in GROUPS:
        T, Q, S = points(G, 3, 10 + len(name))
        third = affine.affine_neg(affine.affine_add(T, Q))
        for where, at in (("T", T), ("Q", Q), ("−(T + Q)", third)):
            assert line(T, Q, at) == 0, f"{name}: the chord through T and Q is not 0 at {where}"
        assert line(T, Q, S) != 0, f"{name}: the chord through T and Q is 0 at a point off it"
        minus_2t = affine.affine_neg(affine.affine_double(T))
        assert line(T, T, T) == 0 and line(T, T, minus_2t) == 0, (
            f"{name}: the tangent at T must vanish at T and at −2T"
        )


def test_the_vertical_line(solution) -> None:
    line = required(solution, "line")
    for name, G in GROUPS:
        T, S = points(G, 2, 20 + len(name))
        got = line(T, affine.affine_neg(T), S)
        assert got == S[0] - T[0], f"{name}: the line through T and −T at P is x_P − x_T"


def test_line_refuses_the_point_at_infinity(solution) -> None:
    line = required(solution, "line")
    T, P = points(bn254.G1, 2, 30)
    for args in ((None, T, P), (T, None, P), (T, T, None)):
        with pytest.raises(ValueError):
            line(*args)
            pytest.fail(f"line{tuple('None' if a is None else 'point' for a in args)} "
                        "should raise ValueError")  # fmt: skip


def test_the_steps(solution) -> None:
    double_step, add_step = required(solution, "double_step"), required(solution, "add_step")
    for name, G in GROUPS:
        T, Q, P = points(G, 3, 40 + len(name))
        got, want = double_step(T, P), affine.miller_double_step(T, P)
        assert tuple(got) == want, f"{name}: double_step should return (2T, tangent at P)"
        got, want = add_step(T, Q, P), affine.miller_add_step(T, Q, P)
        assert tuple(got) == want, f"{name}: add_step should return (T + Q, chord at P)"


def test_a_short_miller_loop(solution) -> None:
    """f for m = 13 (binary 1101) from your steps equals the same loop from zkpot's, and
    the loop's T ends at 13·Q."""
    double_step, add_step = required(solution, "double_step"), required(solution, "add_step")
    Q, P = points(bn254.G1, 2, 50)
    for steps in ((double_step, add_step), (affine.miller_double_step, affine.miller_add_step)):
        dbl, add = steps
        T, f = Q, 1
        for bit in bin(13)[3:]:
            T, value = dbl(T, P)
            f = f * f * value
            if bit == "1":
                T, value = add(T, Q, P)
                f = f * value
        if steps[0] is double_step:
            mine = (T, f)
        else:
            assert mine == (T, f), "your steps give another Miller function f_{13,Q}(P)"
    assert mine[0] == affine.affine_mul(Q, 13), "after the loop, T should be 13·Q"
