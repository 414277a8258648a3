"""The prover on worker processes: the same proof, byte for byte, as in one process.

The prover hands its commitments and the quotient's coset transforms to the SRS's workers
as soon as each can start (:mod:`zkpot.curve.parallel`), and collects them later. In
pytest's own process nothing forks (it runs threads), so this runs in a fresh one, in the
three configurations, with the blinding drawn from the same seed both ways.
"""

from __future__ import annotations

import os
import subprocess
import sys

SAME_PROOFS = """
import random
from zkpot.curve import bn254
from zkpot.curve.parallel import table_for
from zkpot.hash.poseidon import permute
from zkpot.plonk import Circuit, preprocess, prove, verify
from zkpot.plonk import poseidon_circuit as pc
from zkpot.plonk.keys import srs_size
from zkpot.plonk.tables import Table
from zkpot.poly.kzg import SRS

R = bn254.R

def plain():
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    y = x
    for i in range(20):
        y = c.add(c.mul(y, x), i)
    c.assert_equal(y, out)
    value = 3
    for i in range(20):
        value = (value * 3 + i) % R
    return c, {"x": 3, "out": value}

def lookups():
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    c.lookup(Table.range(4), x)
    c.assert_equal(c.mul(x, x), out)
    return c, {"x": 13, "out": 169}

def custom(with_lookup):
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    if with_lookup:
        c.lookup(Table.range(3), x)
    state = pc.permute_rows(c, [0, x, c.pow5(x)])
    c.assert_equal(state[0], out)
    return c, {"x": 3, "out": permute([0, 3, pow(3, 5, R)])[0]}

for name, (circuit, inputs) in [("plain", plain()), ("lookups", lookups()),
                                ("custom", custom(False)), ("both", custom(True))]:
    srs = SRS.from_tau(0x5EED, srs_size(circuit))
    pk, vk = preprocess(circuit, srs)
    table = table_for(srs, srs.g1)
    on_workers = prove(pk, inputs, rng=random.Random(7))
    assert table._pool is not None, name + ": nothing ran on the workers"
    table.close()
    table.workers = 1
    in_process = prove(pk, inputs, rng=random.Random(7))
    assert table._pool is None
    assert on_workers.to_bytes() == in_process.to_bytes(), name
    assert verify(vk, [inputs["out"]], on_workers), name
    table.workers = 2
print("ok")
"""


def test_proofs_made_on_workers_are_the_proofs_made_in_one_process() -> None:
    env = {**os.environ, "ZKPOT_WORKERS": "2"}
    done = subprocess.run([sys.executable, "-c", SAME_PROOFS], capture_output=True, text=True,
                          timeout=300, env=env)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
