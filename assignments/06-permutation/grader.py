"""Grader of assignment 6: PLONK's permutation σ and grand product z, against zkpot."""

from __future__ import annotations

import random
from collections import Counter

from zkpot.assignments import required
from zkpot.curve import bn254
from zkpot.plonk import Circuit, preprocess
from zkpot.plonk.keys import K1, K2
from zkpot.plonk.keys import permutation as reference_permutation
from zkpot.plonk.prover import grand_product as reference_product
from zkpot.poly.domain import EvaluationDomain
from zkpot.poly.kzg import SRS

R = bn254.R


def random_rows(n: int, variables: int, seed: int) -> list[tuple[int, int, int]]:
    rng = random.Random(seed)
    return [tuple(rng.randrange(variables) for _ in range(3)) for _ in range(n)]


def circuit_keys():
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    c.assert_equal(c.add(c.add(c.mul(c.mul(x, x), x), x), c.constant(5)), out)
    return preprocess(c, SRS.from_tau(0xC0FFEE, 40))


def where(got, want) -> str:
    for wire in range(3):
        for i in range(len(want[wire])):
            if got[wire][i] != want[wire][i]:
                return f"σ{wire + 1}[{i}] (wire {'abc'[wire]}, row {i}): expected {want[wire][i]}, got {got[wire][i]}"  # noqa: E501
    return "?"


def check_sigma(permutation, rows, domain, what: str) -> None:
    got = permutation(rows, domain)
    want = reference_permutation(rows, domain)
    assert len(got) == 3 and all(len(g) == domain.size for g in got), (
        f"{what}: permutation should return three lists of n = {domain.size} values"
    )
    assert tuple(list(g) for g in got) == want, f"{what}: {where(got, want)}"


def test_permutation_of_small_rows(solution) -> None:
    permutation = required(solution, "permutation")
    H = EvaluationDomain(4)
    check_sigma(permutation, [(0, 0, 0)] * 4, H, "every slot holds variable 0")
    check_sigma(permutation, [(1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12)], H,
                "no variable repeats (σ is the identity)")  # fmt: skip
    check_sigma(permutation, [(1, 2, 3), (3, 4, 5), (5, 1, 0), (0, 0, 2)], H, "hand-made rows")


def test_permutation_of_random_rows(solution) -> None:
    permutation = required(solution, "permutation")
    for size, variables, seed in ((8, 5, 1), (16, 12, 2), (64, 40, 3)):
        check_sigma(permutation, random_rows(size, variables, seed), EvaluationDomain(size),
                    f"random rows, n = {size}, {variables} variables")  # fmt: skip


def test_permutation_of_a_real_circuit(solution) -> None:
    permutation = required(solution, "permutation")
    pk, _ = circuit_keys()
    check_sigma(permutation, list(pk.rows), pk.domain, "the rows of x³ + x + 5 = out")


def test_sigma_permutes_the_identities(solution) -> None:
    permutation = required(solution, "permutation")
    H = EvaluationDomain(16)
    rows = random_rows(16, 9, 4)
    sigma = permutation(rows, H)
    roots = H.roots()
    ids = [roots, [K1 * w % R for w in roots], [K2 * w % R for w in roots]]
    assert sorted(x for s in sigma for x in s) == sorted(x for i in ids for x in i), (
        "σ's values are not the 3n slot identities, each once: σ must be a permutation"
    )


def wire_values(rows, assignment):
    return [[assignment[row[w]] for row in rows] for w in range(3)]


def test_grand_product_matches_zkpot(solution) -> None:
    grand_product = required(solution, "grand_product")
    rng = random.Random(5)
    for size in (4, 16, 64):
        H = EvaluationDomain(size)
        rows = random_rows(size, size // 2 + 1, size)
        sigma = reference_permutation(rows, H)
        values = [rng.randrange(R) for _ in range(size)]
        wires = wire_values(rows, values)
        beta, gamma = rng.randrange(R), rng.randrange(R)
        got = grand_product(wires, sigma, H, K1, K2, beta, gamma)
        want = reference_product(wires, sigma, H, K1, K2, beta, gamma)
        assert isinstance(got, list) and len(got) == size + 1, (
            f"grand_product for n = {size} should return n + 1 = {size + 1} values"
        )
        wrong = [i for i in range(size + 1) if got[i] != want[i]]
        assert not wrong, (
            f"grand_product, n = {size}: z[{wrong[0]}] should be {want[wrong[0]]}, got "
            f"{got[wrong[0]]}" + (" (z₀ is 1)" if wrong[0] == 0 else "")
        )


def test_the_product_closes_only_for_a_consistent_witness(solution) -> None:
    grand_product = required(solution, "grand_product")
    pk, _ = circuit_keys()
    rng = random.Random(6)
    rows, H, n = list(pk.rows), pk.domain, pk.domain.size
    variables = 1 + max(max(row) for row in rows)
    values = [rng.randrange(R) for _ in range(variables)]
    wires = wire_values(rows, values)
    beta, gamma = rng.randrange(R), rng.randrange(R)
    z = grand_product(wires, pk.sigma_values, H, K1, K2, beta, gamma)
    assert z[0] == 1 and z[n] == 1, "for wires that keep every copy constraint, z₀ = zₙ = 1"
    slots = Counter(v for row in rows for v in row)
    repeated = next(i for i in range(n) if slots[rows[i][0]] > 1)  # a variable with copies
    wires[0][repeated] = (wires[0][repeated] + 1) % R  # one slot no longer equals its copies
    z = grand_product(wires, pk.sigma_values, H, K1, K2, beta, gamma)
    assert z[n] != 1, "a broken copy constraint must not close the product to 1"
