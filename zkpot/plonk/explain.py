"""``zkpot explain``: one PLONK proof of x³ + x + 5 = 35, round by round, for a student;
``zkpot explain --lookup``: one proof with a lookup, the LogUp steps L1–L5.

It runs the real prover's rounds (:mod:`zkpot.plonk.prover`) and the real verifier's
steps (:mod:`zkpot.plonk.verifier`) and prints what each one computes and sends, in
80 columns: the gate table, the permutation σ, every commitment, every challenge
with what it hashes, the evaluations, and both sides of the final pairing equation.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from zkpot.curve import bn254
from zkpot.curve.point import CurvePoint
from zkpot.plonk import prover as P
from zkpot.plonk.circuit import Circuit
from zkpot.plonk.keys import preprocess, srs_size
from zkpot.plonk.proof import Proof
from zkpot.plonk.prover import prove
from zkpot.plonk.tables import Table
from zkpot.plonk.transcript import Keccak256Transcript
from zkpot.plonk.verifier import verifier_terms, verify
from zkpot.poly.kzg import SRS

Say = Callable[[str], None]
WIRES = ("a", "b", "c")


def short(value: int | CurvePoint) -> str:
    """A value shortened for the screen: a point by its compressed encoding, an int by its ends."""
    if isinstance(value, CurvePoint):
        return "[" + value.to_bytes(compressed=True).hex()[:12] + "…]₁"
    text = str(value)
    return text if len(text) <= 14 else f"{text[:6]}…{text[-6:]}"


def explain(say: Say = print, seed: int = 1) -> bool:
    """Prove x³ + x + 5 = 35 with x = 3, printing each step; returns the verifier's answer."""
    rule = "─" * 78
    c = Circuit()
    out = c.public_input("out")
    x = c.private_input("x")
    y = c.add(c.add(c.mul(c.mul(x, x), x), x), c.constant(5))
    c.assert_equal(y, out)
    tau = random.Random(seed).randrange(bn254.R)
    pk, vk = preprocess(c, SRS.from_tau(tau, 16))
    witness = pk.cs.solve({"x": 3, "out": 35})
    names = pk.cs.names

    say(rule)
    say("PLONK, step by step: I know x with x³ + x + 5 = 35 (and x = 3 stays secret)")
    say(rule)
    say("\n1. The circuit, as gates q_L·a + q_R·b + q_O·c + q_M·a·b + q_C = 0")
    say("   (row 0 is the public input's gate; the prover adds it, as snarkjs does)")
    say(f"   {'row':>3}  {'q_L':>4} {'q_R':>4} {'q_O':>4} {'q_M':>4} {'q_C':>4}   "
        f"{'a':>8} {'b':>8} {'c':>8}   values")  # fmt: skip
    selectors = [pk.domain.ntt(pk.selectors[k]) for k in ("q_l", "q_r", "q_o", "q_m", "q_c")]
    used = len(pk.cs.public_inputs) + len(pk.cs.gates)
    for i in range(used):
        qs = " ".join(f"{_signed(s[i]):>4}" for s in selectors)
        wires = " ".join(f"{names[v][:8]:>8}" for v in pk.rows[i])
        values = ",".join(str(_signed(witness[v])) for v in pk.rows[i])
        say(f"   {i:>3}  {qs}   {wires}   {values}")
    if used < pk.domain.size:
        say(f"   (rows {used}…{pk.domain.size - 1} are padding: every selector 0)")

    say("\n2. Copy constraints: σ sends each wire slot to the next one of the same variable")
    slots: dict[int, list[str]] = {}
    for i, row in enumerate(pk.rows[:used]):
        for wire, variable in enumerate(row):
            slots.setdefault(variable, []).append(f"{WIRES[wire]}{i}")
    for variable, where in slots.items():
        if len(where) > 1:
            cycle = " → ".join(where[:6]) + (" → …" if len(where) > 6 else "") + f" → {where[0]}"
            say(f"   {names[variable][:10]:>10}: {cycle}"[:80])
    say(f"   domain H: n = {vk.n} roots of unity ω = 5^((r−1)/{vk.n}); cosets H, {vk.k1}H, "
        f"{vk.k2}H")  # fmt: skip

    say("\n3. Setup (insecure τ for the demo): commitments to the selectors and σ")
    for name in ("Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3"):
        say(f"   [{name}] = {short(getattr(vk, name))}")

    state = P._State(pk, witness, [35], Keccak256Transcript(), [random.Random(seed + 1).randrange(
        bn254.R) for _ in range(12)], {}, {}, {})  # fmt: skip
    A, B, C = P.round_1(state)
    say("\n4. Round 1: wire polynomials a, b, c (values on H + blinding (b₁X + b₂)·Z_H)")
    say(f"   [a] = {short(A)}  [b] = {short(B)}  [c] = {short(C)}")
    ch = state.challenges
    say(f"   β = Keccak(vk commitments, public 35, [a], [b], [c]) = {short(ch['beta'])}")
    say(f"   γ = Keccak(β) = {short(ch['gamma'])}")
    Z = P.round_2(state)
    z_values = pk.domain.ntt(state.polys["z"][: pk.domain.size])
    say("\n5. Round 2: the permutation accumulator z, z(ω⁰) = 1 and")
    say("   z(ωⁱ⁺¹) = z(ωⁱ)·Π(w + β·id + γ)/Π(w + β·σ + γ): back to 1 iff σ is respected")
    say(f"   [z] = {short(Z)};  α = Keccak(β, γ, [z]) = {short(ch['alpha'])}")
    del z_values
    T1, T2, T3 = P.round_3(state)
    say("\n6. Round 3: t = (gates + α·permutation + α²·(z − 1)·L₁) / Z_H, degree ≤ 3n + 5")
    say(f"   [t_lo] = {short(T1)}  [t_mid] = {short(T2)}")
    say(f"   [t_hi] = {short(T3)}")
    say(f"   ξ = Keccak(α, [t_lo], [t_mid], [t_hi]) = {short(ch['xi'])}")
    evals = P.round_4(state)
    say("\n7. Round 4: evaluations at ξ (and z at ξω)")
    for label, value in zip(("ā", "b̄", "c̄", "s̄σ₁", "s̄σ₂", "z̄ω"), evals, strict=True):
        say(f"   {label} = {short(value)}")
    say(f"   v = Keccak(ξ, ā, b̄, c̄, s̄σ₁, s̄σ₂, z̄ω) = {short(ch['v'])}")
    Wxi, Wxiw = P.round_5(state)
    say("\n8. Round 5: the linearisation r(X) (r(ξ) = 0) and two KZG openings")
    say(f"   [W_ξ] = {short(Wxi)}  proves r + v(a − ā) + … + v⁵(Sσ₂ − s̄σ₂) = 0 at ξ")
    say(f"   [W_ξω] = {short(Wxiw)}  proves z(ξω) = z̄ω")
    proof = Proof(A, B, C, Z, T1, T2, T3, Wxi, Wxiw, *evals)
    say(f"   the proof: {len(proof.to_bytes())} bytes, whatever the circuit's size")

    terms = verifier_terms(vk, [35], proof)
    say("\n9. The verifier: same challenges from the transcript, then")
    say(f"   u = Keccak([W_ξ], [W_ξω]) = {short(terms['u'])}")  # type: ignore[arg-type]
    say(f"   Z_H(ξ) = ξⁿ − 1 = {short(terms['zh'])}    L₁(ξ) = {short(terms['l1'])}")  # type: ignore[arg-type]
    say(f"   PI(ξ) = −35·L₁(ξ) = {short(terms['pi'])}    r₀ = {short(terms['r0'])}")  # type: ignore[arg-type]
    left, right = terms["left"], terms["right"]
    lhs = bn254.pairing(left, vk.X_2)  # type: ignore[arg-type]
    rhs = bn254.pairing(right, bn254.G2.generator())  # type: ignore[arg-type]
    say("\n10. One pairing equation checks everything:")
    say("   e([W_ξ] + u[W_ξω], [τ]₂) = e(ξ[W_ξ] + uξω[W_ξω] + [F] − [E], [1]₂)")
    say(f"   left:  e({short(left)}, [τ]₂) = Fq12({short(lhs.flat()[0])}, …)")  # type: ignore[arg-type]
    say(f"   right: e({short(right)}, [1]₂) = Fq12({short(rhs.flat()[0])}, …)")  # type: ignore[arg-type]
    ok = lhs == rhs
    say(f"   equal: {ok} — the proof verifies; with 36 as the public input it would not.")
    say(rule)
    return ok


def explain_lookup(say: Say = print, seed: int = 1) -> bool:
    """Prove "I know x in [0, 4) with x + 1 = 4" by a lookup, printing the LogUp steps."""
    rule = "─" * 78
    c = Circuit()
    out = c.public_input("out")
    x = c.private_input("x")
    c.lookup(Table.range(2), x)
    c.assert_equal(x + 1, out)
    tau = random.Random(seed).randrange(1, bn254.R)
    pk, vk = preprocess(c, SRS.from_tau(tau, srs_size(c)))
    witness = pk.cs.solve({"x": 3, "out": 4})
    n, fixed = pk.domain.size, pk.lookup_values
    assert fixed is not None
    rows = range(len(pk.cs.public_inputs) + len(pk.cs.gates))

    say(rule)
    say("PLONK with a lookup, step by step: I know x in [0, 4) with x + 1 = 4")
    say(rule)
    say("\n1. The table range2 = {0, 1, 2, 3} and the rows (a lookup row has q_lookup = 1)")
    say(f"   T₀ on H: {fixed['t0']}  (padded to n = {n} by repeating row 0)")
    say(f"   {'row':>3}  {'q_lookup':>8} {'q_table':>7}   a, b, c")
    for i in rows:
        values = ", ".join(str(_signed(witness[v])) for v in pk.rows[i])
        say(f"   {i:>3}  {fixed['q_lookup'][i]:>8} {fixed['q_table'][i]:>7}   {values}")

    rng = random.Random(seed + 1)
    state = P._State(pk, witness, [4], Keccak256Transcript(),
                     [rng.randrange(bn254.R) for _ in range(17)], {}, {}, {})  # fmt: skip
    P.round_1(state)
    ch, m = state.challenges, state.values["m"]
    say("\n2. L1: multiplicities m (how often each table row is looked up), committed")
    say(f"   m on H = {m}:  the table's 3 is looked up once")
    say(f"   [m] = {short(state.sent['M'])};  η = Keccak(γ) = {short(ch['eta'])}")
    say(f"   θ = Keccak(η) = {short(ch['theta'])}")
    P.round_2(state)
    phi = state.values["phi"]
    say("\n3. L2: the running sum φ(ωⁱ⁺¹) = φ(ωⁱ) + mᵢ/(θ − tᵢ) − q_lookupᵢ/(θ − fᵢ)")
    say("   on H: " + ", ".join(short(v) for v in phi[:5]) + ", …")
    say("   it steps down at the lookup row (row 2) and back up at the table's 3 (row 3),")
    say(f"   so it is 0 again after the last row;  [φ] = {short(state.sent['Phi'])}")
    P.round_3(state)
    say("\n4. L3: α³·(running-sum constraint) + α⁴·L₁·φ join the quotient t")
    P.round_4(state)
    e = state.evals
    say(f"\n5. L4: φ̄ = {short(e['phi'])}, φ̄ω = {short(e['phiw'])}, "
        f"q̄_lookup = {short(e['q_lookup'])}")  # fmt: skip
    Wxi, Wxiw = P.round_5(state)
    say("\n6. L5: the constraint, linearised, joins r(X); W_ξ opens φ, q_lookup, q_table")
    proof = prove(pk, {"x": 3, "out": 4}, rng=random.Random(seed + 2))
    say(f"   the proof: {len(proof.to_bytes())} bytes (480 + [m], [φ] and four scalars)")
    ok = verify(vk, [4], proof)
    say(f"\n7. The verifier's one pairing check: {ok}; for out = 3 (x = 2 is in the table")
    say(f"   too, but this proof is of another statement): {verify(vk, [3], proof)}")
    say(rule)
    del Wxi, Wxiw
    return ok


def _signed(v: int) -> int:
    return v - bn254.R if v > bn254.R // 2 else v
