"""zkpot's Poseidon against circomlibjs (pinned in package.json): every arity 1…16 on
random inputs, and the generated round constants and MDS matrices for every width
t = 2…17 against the ones circomlibjs ships (``src/poseidon_constants.js``).

One node process computes everything circomlibjs is asked for, and prints it as JSON.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests import needs
from zkpot.field.bn254 import R
from zkpot.hash.poseidon import COMMIT_TAG, N_ROUNDS_P, commit, parameters, poseidon

ROOT = Path(__file__).resolve().parents[2]
CIRCOMLIBJS = ROOT / "node_modules" / "circomlibjs"
CONSTANTS_URL = (CIRCOMLIBJS / "src" / "poseidon_constants.js").as_uri()

pytestmark = pytest.mark.needs(*needs.node_tool("circomlibjs"))

SCRIPT = """
import { buildPoseidonReference } from "circomlibjs";
import constants from "CONSTANTS_URL";  // not in the package's "exports"
let data = "";
for await (const chunk of process.stdin) data += chunk;
const { cases, tagged, sponges } = JSON.parse(data);
const poseidon = await buildPoseidonReference();
const F = poseidon.F;
const outputs = cases.map((xs) => F.toObject(poseidon(xs.map(BigInt))).toString());
const taggedOutputs = tagged.map(([xs, init]) =>
  F.toObject(poseidon(xs.map(BigInt), BigInt(init))).toString());
// zkpot's commitment, step by step with PoseidonEx(2, 3): the state's three outputs
const spongeOutputs = sponges.map(([tag, salt, values]) => {
  let state = poseidon([BigInt(salt), BigInt(values.length)], BigInt(tag), 3);
  for (let i = 0; i < values.length; i += 2) {
    const pair = [BigInt(values[i]), BigInt(i + 1 < values.length ? values[i + 1] : 0)];
    state = poseidon([F.add(state[1], F.e(pair[0])), F.add(state[2], F.e(pair[1]))], state[0], 3);
  }
  return F.toObject(state[0]).toString();
});
const big = (o) => Array.isArray(o) ? o.map(big) : BigInt(o).toString();
console.log(JSON.stringify({ outputs, taggedOutputs, spongeOutputs, C: big(constants.C),
                             M: big(constants.M) }));
"""


def _inputs() -> list[list[int]]:
    rng = random.Random(0x9053)
    cases = []
    for n in range(1, 17):
        cases.append([rng.randrange(R) for _ in range(n)])
        cases.append([rng.randrange(1 << 16) for _ in range(n)])
    cases += [[0], [R - 1] * 16, [1, 2]]
    return cases


def _tagged_inputs() -> list[tuple[list[int], int]]:
    """Inputs with a non-zero initial state (circomlib's PoseidonEx): the commitment's tags."""
    rng = random.Random(0x7A6)
    tags = (COMMIT_TAG, 1, R - 1)
    return [([rng.randrange(R) for _ in range(n)], tags[n % 3]) for n in range(1, 17)]


def _sponge_inputs() -> list[tuple[list[int], int]]:
    """Vectors of 0 to 5 values and a salt: zkpot's commitment, recomputed by circomlibjs."""
    rng = random.Random(0xC0)
    return [([rng.randrange(R) for _ in range(n)], rng.randrange(R)) for n in range(6)]


@pytest.fixture(scope="module")
def circomlibjs() -> tuple[list[list[int]], dict[str, Any]]:
    cases = _inputs()
    done = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT.replace("CONSTANTS_URL", CONSTANTS_URL)],
        cwd=ROOT,
        input=json.dumps(
            {
                "cases": [[str(x) for x in xs] for xs in cases],
                "tagged": [[[str(x) for x in xs], str(init)] for xs, init in _tagged_inputs()],
                "sponges": [
                    [str(COMMIT_TAG), str(salt), [str(v) for v in values]]
                    for values, salt in _sponge_inputs()
                ],
            }
        ),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return cases, json.loads(done.stdout)


def test_outputs_every_arity(circomlibjs: tuple[list[list[int]], dict[str, Any]]) -> None:
    cases, theirs = circomlibjs
    assert {len(xs) for xs in cases} == set(range(1, 17))
    for xs, expected in zip(cases, theirs["outputs"], strict=True):
        assert int(poseidon(xs)) == int(expected), len(xs)


def test_outputs_with_an_initial_state(circomlibjs: tuple[list[list[int]], dict[str, Any]]) -> None:
    """poseidon(inputs, initial_state) is circomlibjs's poseidon(inputs, initState)."""
    _, theirs = circomlibjs
    for (xs, init), expected in zip(_tagged_inputs(), theirs["taggedOutputs"], strict=True):
        assert int(poseidon(xs, initial_state=init)) == int(expected), (len(xs), init)


def test_the_commitment_is_circomlibs_poseidonex_sponge(circomlibjs) -> None:
    """commit(values, salt) step by step with circomlib's PoseidonEx(2, 3)."""
    _, theirs = circomlibjs
    for (values, salt), expected in zip(_sponge_inputs(), theirs["spongeOutputs"], strict=True):
        assert int(commit(values, salt)) == int(expected), len(values)


@pytest.mark.parametrize("t", range(2, 18))
def test_generated_constants(circomlibjs: tuple[list[list[int]], dict[str, Any]], t: int) -> None:
    _, theirs = circomlibjs
    constants, mds = parameters(t)
    assert len(theirs["C"][t - 2]) == (8 + N_ROUNDS_P[t - 2]) * t
    assert list(constants) == [int(c) for c in theirs["C"][t - 2]]
    assert [list(row) for row in mds] == [[int(x) for x in row] for row in theirs["M"][t - 2]]
