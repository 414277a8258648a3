"""Poseidon: the permutation's structure, the parameter generator, the security
inequalities, the hash's properties and the commitment helper.

circomlibjs's own outputs and constants are checked in tests/interop/test_circomlibjs_poseidon.py;
the values pinned here are circomlib's published test vectors (poseidon.circom's tests).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkpot.errors import NonCanonicalError, ZkpotError
from zkpot.field.bn254 import Fr, R
from zkpot.hash.poseidon import (
    COMMIT_TAG,
    N_ROUNDS_F,
    N_ROUNDS_P,
    PoseidonParameterError,
    _chunks,
    check_security,
    commit,
    commit_states,
    grain_bits,
    parameters,
    permute,
    permute_trace,
    poseidon,
    random_salt,
    security_bounds,
    verify_commitment,
)

elements = st.integers(min_value=0, max_value=R - 1)
small_vectors = st.lists(elements, min_size=1, max_size=4)


def test_circomlib_vectors() -> None:
    # circomlib test/poseidoncircuit.js and circomlibjs test/poseidon.js
    assert int(poseidon([1, 2])) == (
        0x115CC0F5E7D690413DF64C6B9662E9CF2A3617F2743245519E19607A4417189A
    )
    assert int(poseidon([1, 2, 3, 4])) == (
        0x299C867DB6C1FDD79DCEFA40E4510B9837E60EBB1CE0663DBAA525DF65250465
    )


def test_parameters_shape() -> None:
    for t in (2, 3, 17):
        constants, mds = parameters(t)
        assert len(constants) == (N_ROUNDS_F + N_ROUNDS_P[t - 2]) * t
        assert all(0 <= c < R for c in constants)
        assert len(mds) == t and all(len(row) == t for row in mds)


def test_mds_is_invertible_cauchy() -> None:
    _, mds = parameters(3)
    m = [[Fr(x) for x in row] for row in mds]
    det = (
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    )
    assert det != Fr(0)


def test_grain_is_deterministic_and_seeded_by_parameters() -> None:
    a = grain_bits(3, 8, 57)
    b = grain_bits(3, 8, 57)
    c = grain_bits(3, 8, 56)
    first = [next(a) for _ in range(256)]
    assert first == [next(b) for _ in range(256)]
    assert first != [next(c) for _ in range(256)]
    assert set(first) == {0, 1}


@pytest.mark.parametrize("t", [2, 9, 17])
def test_fast_chunks_match_bitwise_grain(t: int) -> None:
    bits = grain_bits(t, 8, N_ROUNDS_P[t - 2])
    fast = _chunks(t, 8, N_ROUNDS_P[t - 2])
    for _ in range(12):
        v = 0
        for _ in range(254):
            v = v << 1 | next(bits)
        assert next(fast) == v


def test_parameters_out_of_range() -> None:
    for t in (1, 18):
        with pytest.raises(PoseidonParameterError):
            parameters(t)


def test_circomlib_parameters_are_secure() -> None:
    for t in range(2, 18):
        assert check_security(t, N_ROUNDS_F, N_ROUNDS_P[t - 2]), t


def test_too_few_rounds_are_insecure() -> None:
    assert not check_security(3, 8, 40)  # interpolation: R_F + R_P ≥ 56 + 1
    assert not check_security(3, 4, 57)  # statistical: R_F ≥ 6
    assert not check_security(17, 8, 10)
    bounds = security_bounds(3, 40)
    assert bounds["interpolation"] > 8 and bounds["statistical"] == 6


def test_trace_length_and_consistency() -> None:
    for t in (2, 3, 5):
        state = list(range(t))
        trace = permute_trace(state)
        assert len(trace) == N_ROUNDS_F + N_ROUNDS_P[t - 2] + 1
        assert trace[0] == state and trace[-1] == permute(state)
        assert all(len(s) == t and all(0 <= x < R for x in s) for s in trace)


def test_first_round_by_hand() -> None:
    constants, mds = parameters(2)
    s = [Fr(3) + Fr(constants[0]), Fr(4) + Fr(constants[1])]
    s = [x**5 for x in s]
    s = [sum((Fr(m) * x for m, x in zip(row, s, strict=True)), Fr(0)) for row in mds]
    assert permute_trace([3, 4])[1] == [int(x) for x in s]


def test_poseidon_is_permute_with_zero_capacity() -> None:
    assert int(poseidon([5, 6])) == permute([0, 5, 6])[0]


@settings(max_examples=20, deadline=None)
@given(small_vectors)
def test_deterministic_and_fr_inputs(xs: list[int]) -> None:
    assert poseidon(xs) == poseidon(xs)
    assert poseidon([Fr(x) for x in xs]) == poseidon(xs)
    assert isinstance(poseidon(xs), Fr)


@settings(max_examples=20, deadline=None)
@given(small_vectors)
def test_input_length_sensitive(xs: list[int]) -> None:
    assert poseidon(xs) != poseidon([*xs, 0])


@settings(max_examples=20, deadline=None)
@given(small_vectors, st.integers(min_value=0, max_value=3), elements)
def test_input_sensitive(xs: list[int], i: int, delta: int) -> None:
    i %= len(xs)
    ys = list(xs)
    ys[i] = (ys[i] + delta) % R
    assert (poseidon(xs) == poseidon(ys)) == (xs == ys)


@pytest.mark.parametrize("bad", [-1, R, R + 5, 2**256])
def test_non_canonical_rejected(bad: int) -> None:
    with pytest.raises(NonCanonicalError, match="not canonical"):
        poseidon([1, bad])
    with pytest.raises(ValueError):
        permute([bad, 0])


def test_bad_types_and_lengths() -> None:
    with pytest.raises(TypeError):
        poseidon([1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        poseidon([True])
    with pytest.raises(PoseidonParameterError):
        poseidon([])
    with pytest.raises(PoseidonParameterError):
        poseidon(list(range(17)))
    with pytest.raises(ZkpotError):
        permute([1])


def test_all_arities_run() -> None:
    outs = {int(poseidon(list(range(1, n + 1)))) for n in range(1, 17)}
    assert len(outs) == 16


@settings(max_examples=10, deadline=None)
@given(st.lists(elements, max_size=40), elements)
def test_commitment_opens(values: list[int], salt: int) -> None:
    c = commit(values, salt)
    assert verify_commitment(c, values, salt)
    assert verify_commitment(int(c), [Fr(v) for v in values], Fr(salt))
    assert not verify_commitment(c, values, (salt + 1) % R)
    assert not verify_commitment(c, [*values, 0], salt)
    if values:
        wrong = list(values)
        wrong[-1] = (wrong[-1] + 1) % R
        assert not verify_commitment(c, wrong, salt)
        assert not verify_commitment(c, values[:-1], salt)


def test_commitment_depends_on_salt_and_length() -> None:
    assert commit([1, 2, 3], 7) != commit([1, 2, 3], 8)
    assert commit([], 7) != commit([0], 7)
    assert commit(list(range(15)), 1) != commit(list(range(16)), 1)
    assert commit(list(range(30)), 1) != commit([*range(30), 0], 1)


def _untagged_commit(values: list[int], salt: int) -> int:
    """The chain as it was before domain separation: header and chunks both plain Poseidon."""
    h = poseidon([salt, len(values)])
    for start in range(0, len(values), 15):
        h = poseidon([h, *values[start : start + 15]])
    return int(h)


def _chain_value(values: list[int], salt: int) -> int:
    """h after absorbing ``values`` (a multiple of 15 of them) for a vector of length n + 1."""
    h = poseidon([salt, len(values) + 1])
    for start in range(0, len(values), 15):
        h = poseidon([h, *values[start : start + 15]])
    return int(h)


@pytest.mark.parametrize("prefix", [[], list(range(1, 16))], ids=["[0]", "16 ending in 0"])
def test_commitment_collisions_across_lengths_fail(prefix: list[int]) -> None:
    """w ‖ [0] with salt s opened as the empty vector (issue 11): the old chain's forgery."""
    salt = 31337
    vector = [*prefix, 0]
    h_w = _chain_value(prefix, salt)
    # Against the untagged chain the forgery works: the header of ([], h_w) is the last chunk.
    assert _untagged_commit(vector, salt) == _untagged_commit([], h_w)
    # Against zkpot's commitment it does not: not with that salt, nor with any value of
    # any state the sponge went through (what the committer knows).
    c = commit(vector, salt)
    assert verify_commitment(c, vector, salt)
    assert not verify_commitment(c, [], h_w)
    for state in commit_states(vector, salt):
        for element in state:
            assert not verify_commitment(c, [], element)
            assert not verify_commitment(c, [0], element)


def test_commitment_is_the_documented_sponge() -> None:
    """state₀ = permute([tag, salt, n]), then two values added to the rate per permutation."""
    values = list(range(1, 6))
    state = permute([COMMIT_TAG, 9, 5])
    for pair in ((1, 2), (3, 4), (5, 0)):
        state = permute([state[0], state[1] + pair[0], state[2] + pair[1]])
    assert int(commit(values, 9)) == state[0]
    assert len(commit_states(values, 9)) == 4  # the header and three pairs
    assert int(commit([], 9)) == permute([COMMIT_TAG, 9, 0])[0] != int(poseidon([9, 0]))
    assert commit([1], 9) != commit([1, 0], 9)  # the pad is not a value: n differs
    assert int.from_bytes(b"zkpot.commit", "big") == COMMIT_TAG


EDGE_LENGTHS = (0, 1, 2, 14, 15, 16, 29, 30, 31)
few_values = st.sampled_from([0, 1, 2, R - 1])  # small alphabets make near-collisions likely


@st.composite
def vectors(draw: st.DrawFn) -> list[int]:
    n = draw(st.sampled_from(EDGE_LENGTHS))
    return draw(st.lists(few_values | elements, min_size=n, max_size=n))


@settings(max_examples=25, deadline=None)
@given(vectors(), vectors(), st.sampled_from([0, 1, 5]), st.sampled_from([0, 1, 5]))
def test_commitments_of_different_openings_differ(
    v: list[int], w: list[int], s: int, t: int
) -> None:
    c = commit(v, s)
    assert verify_commitment(c, v, s)
    if (v, s) != (w, t):
        assert commit(w, t) != c
        assert not verify_commitment(c, w, t)


def test_commitment_rejects_non_canonical() -> None:
    with pytest.raises(NonCanonicalError):
        commit([R], 1)
    with pytest.raises(NonCanonicalError):
        commit([1], -1)


def test_random_salt() -> None:
    salts = {random_salt() for _ in range(8)}
    assert len(salts) == 8 and all(0 <= s < R for s in salts)
