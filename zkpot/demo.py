"""``zkpot demo`` — a ZKPoT round end to end — and ``zkpot tour``, a guided tour of the layers.

The demo (:func:`chain_demo`) is the mission: four participants on Iris, one of them
Byzantine, the powers-of-tau ceremony at genesis, three rounds in which everyone proves
its training and accuracy and publishes its model masked, the validators check every
proof, and the verified contributions that pass the quality rule are averaged from their
masked models into the next global model — no participant's model is ever published
(:mod:`zkpot.chain.unmasking`). The best verified contribution leads: it proposes the
block.

The tour tours the field, curve and commitment layers, PLONK, fixed-point machine
learning and the proof of training (train, prove, verify, reject two cheats).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from zkpot.field import bn254
from zkpot.ml.statement import TrainingSpec


def _short(n: int) -> str:
    s = str(n)
    return s if len(s) <= 24 else f"{s[:10]}…{s[-10:]} ({n.bit_length()} bits)"


def _brief(line: str) -> str:
    """A progress line indented, with long hex digests cut (the demo fits 80 columns)."""
    import re

    return "   " + re.sub(r"[0-9a-f]{64}", lambda m: m[0][:12] + "…", line)


def field_tour(say: Callable[[str], None] = print, seed: int = 2024) -> None:
    """Print the field-layer tour: each value with what it means and a check that it holds."""
    u = bn254.SEED
    say("zkpot demo — a tour of the field layer (BN254)\n")

    say("1. The curve's primes, derived from one seed")
    say(f"   u = {u}")
    say(f"   p = 36u⁴ + 36u³ + 24u² + 6u + 1, a prime of {bn254.P.bit_length()} bits:")
    say(f"   {bn254.P}")
    say(f"   r = 36u⁴ + 36u³ + 18u² + 6u + 1, a prime of {bn254.R.bit_length()} bits:")
    say(f"   {bn254.R}")
    say("   p is the base field (coordinates); r the group order (circuits, scalars).\n")

    n = 1 << bn254.Fr.TWO_ADICITY
    w = bn254.root_of_unity(n)
    say(f"2. A root of unity of order 2^{bn254.Fr.TWO_ADICITY} in Fr")
    say(f"   r − 1 = 2^{bn254.Fr.TWO_ADICITY} · t with t odd, so Fr holds {n} roots of unity.")
    say(f"   ω = 5^((r − 1)/2^28) = {_short(int(w))}")
    say(f"   ω^(2^28) = {w**n}   and   ω^(2^27) = −1: {w ** (n // 2) == -1}")
    say("   PLONK evaluates polynomials on the powers of such an ω (the NTT's domain).\n")

    two, three = bn254.Fq(2), bn254.Fq(3)
    root = two.sqrt()
    say("3. A square root in Fq (p ≡ 3 mod 4, so √a = a^((p+1)/4))")
    say(f"   Is 3 a square mod p? {three.is_square()} (Legendre symbol {three.legendre()})")
    say(f"   Is 2 a square mod p? {two.is_square()} (Legendre symbol {two.legendre()})")
    say(f"   √2 = {_short(int(root))};   (√2)² = {root * root}")
    say("   Decompressing a curve point needs exactly this: y = √(x³ + 3).\n")

    rng = random.Random(seed)
    a = bn254.Fq12.random(rng)
    a_inv = a.inverse()
    say("4. An inverse in the tower Fq12 = Fq6[w]/(w² − v),")
    say("   Fq6 = Fq2[v]/(v³ − (9 + u)), Fq2 = Fq[u]/(u² + 1)")
    say(f"   a: 12 random coordinates in Fq, the first {_short(a.flat()[0])}")
    say("   a⁻¹ = (a0 − a1·w)/(a0² − v·a1²): one inversion in Fq6, which needs one in")
    say("   Fq2, which needs one in Fq: an Fq12 inverse costs a single Fq inverse.")
    say(f"   a · a⁻¹ == 1: {(a * a_inv).is_one()}")
    say("   Pairings take their values in Fq12: the curve layer builds on this.")


def curve_tour(say: Callable[[str], None] = print, seed: int = 2024) -> None:
    """Print the curve-layer tour: groups, a pairing's bilinearity, the EVM precompile."""
    from zkpot.curve import bls12_381, bn254, msm
    from zkpot.curve.evm import bn254_pairing

    rng = random.Random(seed)
    P, Q = bn254.G1.generator(), bn254.G2.generator()
    say("\nzkpot demo — a tour of the curve layer\n")
    say("5. Groups on BN254: y² = x³ + 3 over Fq (G1) and its twist over Fq2 (G2)")
    say(f"   G1 generator: {P.to_affine()};  r·G = O: {(P * bn254.R).is_identity()}")
    a, b = rng.randrange(1, bn254.R), rng.randrange(1, bn254.R)
    say(f"   a = {_short(a)},  b = {_short(b)}")
    say(f"   msm([G, 2G], [a, b]) == (a + 2b)·G: {msm([P, 2 * P], [a, b]) == (a + 2 * b) * P}\n")

    say("6. The pairing e: G1 × G2 → Fq12, bilinear: e(aP, bQ) = e(P, Q)^(ab)")
    e = bn254.pairing(P, Q)
    say(f"   e(aP, bQ) == e(P, Q)^(ab): {bn254.pairing(a * P, b * Q) == e ** (a * b)}")
    order_r = (e**bn254.R).is_one()
    say(f"   e(P, Q) ≠ 1 (non-degenerate): {not e.is_one()};  e(P, Q)^r = 1: {order_r}")
    say("   This is what lets a verifier check a committed polynomial's opening (KZG).\n")

    say("7. A BLS signature on BLS12-381, checked with one pairing product")
    sk = rng.randrange(1, bls12_381.R)
    pk = bls12_381.G2.generator() * sk
    message_point = bls12_381.G1.random(rng)  # stands in for hash-to-curve of a message
    signature = message_point * sk
    ok = bls12_381.pairing_check([(signature, bls12_381.G2.generator()), (-message_point, pk)])
    say(f"   e(σ, G2) · e(−H(m), pk) == 1: {ok}")
    say(f"   σ in the Zcash encoding (48 bytes): {signature.to_bytes().hex()[:32]}…\n")

    say("8. Ethereum's BN254 pairing precompile (0x08), byte for byte")
    data = (a * P).to_bytes() + (b * Q).to_bytes() + (-(a * b) * P).to_bytes() + Q.to_bytes()
    say(f"   input: {len(data)} bytes (two 192-byte pairs); output (1: the check holds):")
    say(f"   {bn254_pairing(data).hex()}")


def commitment_tour(say: Callable[[str], None] = print, seed: int = 2024) -> None:
    """Print the commitment-layer tour: a ceremony makes an SRS, KZG commits and opens with it."""
    from zkpot.poly import ceremony, kzg
    from zkpot.poly.domain import EvaluationDomain
    from zkpot.poly.polynomial import Polynomial

    rng = random.Random(seed)
    say("\nzkpot demo — a tour of the commitment layer\n")
    say("9. The NTT: a polynomial's values on the 8th roots of unity, and back")
    a = Polynomial([5, 1, 0, 1])  # X³ + X + 5
    H = EvaluationDomain(8)
    values = H.ntt(a.coeffs)
    say(f"   a(X) = X³ + X + 5;  a(ω⁰) = {values[0]} = a(1);  back: {H.intt(values)[:4]}\n")

    say("10. A powers-of-tau ceremony: three parties, safe if any one forgets its secret")
    state = ceremony.start(16)
    for name in ("alice", "bob", "carol"):
        contribution = ceremony.contribute(state, name, rng=rng)
        state = ceremony.verify_contribution(state, contribution)  # raises if anything is off
        say(f"   {name} contributed; checks passed (knowledge of s, τ kept, powers agree)")
    srs = state.to_srs()
    say("   the SRS: [τ⁰]₁ … [τ¹⁵]₁ and [1]₂, [τ]₂,")
    say("   with τ = s_alice·s_bob·s_carol, known to nobody\n")

    say("11. KZG on that SRS: commit to a(X), prove a(3) = 35, check with one pairing")
    C = kzg.commit(srs, a)
    y, proof = kzg.open(srs, a, 3)
    say(f"   C = {C.to_bytes().hex()[:24]}… (64 bytes, whatever the degree)")
    say(f"   y = {y};  verify: {kzg.verify(srs, C, 3, y, proof)};  "
        f"with y = 36: {kzg.verify(srs, C, 3, 36, proof)}")  # fmt: skip

    from zkpot.plonk import Circuit, preprocess, prove, verify

    say("\n12. PLONK on the same SRS: prove I know x with x³ + x + 5 = 35, x kept secret")
    c = Circuit()
    out, x = c.public_input("out"), c.private_input("x")
    c.assert_equal(c.add(c.add(c.mul(c.mul(x, x), x), x), c.constant(5)), out)
    pk, vk = preprocess(c, srs)
    proof = prove(pk, {"x": 3, "out": 35})
    size = len(proof.to_bytes())
    say(f"   {pk.cs.n_gates} gates on a domain of {vk.n}; the proof is {size} bytes")
    right, wrong = verify(vk, [35], proof), verify(vk, [36], proof)
    say(f"   verify with out = 35: {right};  with out = 36: {wrong}")
    say("   (zkpot explain walks through it round by round; snarkjs verifies it too)")


def ml_tour(say: Callable[[str], None] = print, seed: int = 0) -> None:
    """Print the machine-learning tour: an MLP trained in float and in bit-exact fixed point."""
    from zkpot.ml.datasets import iris_split, split_dirichlet
    from zkpot.ml.fixedpoint import FixedPoint
    from zkpot.ml.report import quantize_report
    from zkpot.ml.train import Schedule

    say("\nzkpot demo — a tour of fixed-point machine learning\n")
    fp = FixedPoint()
    say(
        f"13. Fixed point: reals as integers at scale 2^{fp.frac_bits}, |v| < 2^{fp.bound_bits - 1}"
    )
    a, b = fp.quantize(1.3), fp.quantize(-2.7)
    q, rem = fp.rescale(a * b)
    say(f"   1.3 ↦ a = {a}, −2.7 ↦ b = {b}")
    say(f"   a·b = {a * b} = {q}·2^16 + {rem}, with 0 ≤ rem < 2^16")
    say(f"   ⌊a·b / 2^16⌋ = {q} ↦ {fp.dequantize(q):.6f} (1.3 × −2.7 = −3.51)")
    say(f"   {q} in the field: r − {-q} = {_short(fp.to_field(q))}\n")

    say("14. Iris split among 4 participants, non-IID (Dirichlet α = 0.5)")
    train_set, test_set = iris_split(seed=seed)
    parts = split_dirichlet(train_set, 4, alpha=0.5, seed=seed)
    counts = ", ".join(str(part.class_counts().tolist()) for part in parts)
    say(f"   150 flowers of 3 species: {len(train_set)} training rows, {len(test_set)} test rows")
    say(f"   rows of each species, per participant:\n   {counts}\n")

    say("15. A 4-8-3 MLP trained twice from the same weights, in float and in fixed point")
    report = quantize_report(seed=seed)
    schedule = Schedule(seed=seed)  # the schedule quantize_report trains with
    say(
        f"   {schedule.epochs} epochs, lr = 2^−{schedule.log2_lr}, batches of {schedule.batch_size}"
    )
    n = report.n_test
    say(f"   test accuracy: float {report.float_correct}/{n}, fixed {report.fixed_correct}/{n}; "
        f"predictions that differ: {report.flipped}")  # fmt: skip
    say(f"   headroom: {report.headroom_bits} bits below the bound at the fullest layer")
    say("   (zkpot quantize-report shows the error per layer)")


def training_tour(
    say: Callable[[str], None] = print,
    seed: int = 0,
    *,
    quick: bool = False,
    cache_dir: str | None = None,
) -> None:
    """Print the proof-of-training tour: one participant trains a round, proves it, and a
    validator checks the proof; two cheats are rejected with their reasons.

    ``quick`` proves a tiny 4-2-3 spec (seconds) instead of the default 4-8-3 one (minutes).
    """
    import dataclasses
    import time

    from zkpot.cli.progress import Bars
    from zkpot.ml.contribution import contribution_error, dev_srs, prove_contribution, setup
    from zkpot.ml.statement import (
        TrainingSpec,
        data_commitment,
        hash_test_set,
        model_hash,
        participant_id,
    )
    from zkpot.ml.task import demo_data_salt, demo_public_key, iris_task
    from zkpot.ml.training_circuit import cost_parts

    spec = (
        TrainingSpec(sizes=(4, 2, 3), log2_batch=1, steps=1, test_rows=2)
        if quick
        else TrainingSpec()
    )
    say("\nzkpot demo — proof of training\n")
    layers = "-".join(map(str, spec.sizes))
    say(f"16. The task: a {layers} MLP, {spec.steps} SGD step(s) of {spec.batch} rows a round,")
    say(f"   then the accuracy on {spec.test_rows} public test rows")
    task = iris_task(4, seed=seed, spec=spec)
    slots, dropped = task.slots(1)
    filled = int((slots.y < spec.n_classes).sum())
    say(f"   participant 1 holds {len(task.parts[0])} rows: {filled} fill the {spec.capacity} "
        f"slots the circuit trains on")  # fmt: skip
    say(f"   ({dropped} left out; with fewer rows, empty slots would add nothing)")
    parts, _ = cost_parts(spec)
    say("   the circuit's rows: " + ", ".join(f"{k} {v:,}" for k, v in list(parts.items())[:3]))
    say("   " + ", ".join(f"{k} {v:,}" for k, v in list(parts.items())[3:]))
    say(f"   {sum(parts.values()):,} rows in all (zkpot cost shows them, with lookups and bits)\n")

    say("17. Keys: the circuit preprocessed once per spec and SRS, then cached on disk")
    say("   (a development SRS: its τ is public, fine for a demo, useless for security)")
    start = time.perf_counter()

    def brief(line: str) -> str:  # the cache's path can be long: the demo fits 80 columns
        return _brief(line.replace(str(cache_dir), "the key cache") if cache_dir else line)

    with Bars(lambda line: say(brief(line)), indent="   ") as progress:  # bars on stderr
        keys = setup(spec, dev_srs(spec), cache_dir=cache_dir, progress=progress)
    say(f"   ready in {time.perf_counter() - start:.1f} s: a domain of {keys.vk.n:,} rows\n")

    say("18. Participant 1 trains one round on its committed data and proves it")
    me = participant_id(demo_public_key(1))
    start = time.perf_counter()
    with Bars(lambda line: say(f"   {line}"), indent="   ") as progress:
        proven = prove_contribution(keys, round=1, participant=me,
                                    global_layers=task.global_layers, data=slots,
                                    data_salt=demo_data_salt(seed, 1), test=task.test,
                                    progress=progress)  # fmt: skip
    c = proven.contribution
    say(f"   proved in {time.perf_counter() - start:.1f} s: {len(c.proof.to_bytes())} bytes")
    for name, value in c.statement.to_json().items():
        say(f"   {name:>16} = {_short(int(value))}")
    say("   the data, the salts and the new weights stay with the participant\n")

    say("19. A validator checks the statement against what it knows, and the proof")
    registered = data_commitment(slots, demo_data_salt(seed, 1), spec)  # when it joined
    expect = {"round": 1, "participant": me, "global_model": model_hash(task.global_layers, spec),
              "data_commitment": registered,
              "test_set": hash_test_set(task.test, spec)}  # fmt: skip
    start = time.perf_counter()
    reason = contribution_error(keys, c.statement, c.proof, expect=expect)
    say(f"   {'valid' if reason is None else 'invalid: ' + reason} "
        f"({1000 * (time.perf_counter() - start):.0f} ms)\n")  # fmt: skip

    say("20. Two Byzantine participants")
    bragging = dataclasses.replace(
        c.statement, accuracy=(c.statement.accuracy + 1) % (spec.test_rows + 1)
    )
    say(f"   participant 1 claims accuracy {bragging.accuracy} with the same proof:")
    say(f"      {contribution_error(keys, bragging, c.proof) or 'valid'}")
    thief = participant_id(demo_public_key(2))
    stolen = dataclasses.replace(c.statement, participant=thief)
    verdict = contribution_error(keys, stolen, c.proof, expect={"participant": thief})
    say("   participant 2 replays participant 1's proof as its own:")
    say(f"      {verdict or 'valid'}")
    say("   (the chain, next, turns such verdicts into a round's leader and a block)")


def float_ceiling(seed: int, spec: TrainingSpec) -> tuple[int, int]:
    """A float model of the spec's shape, trained centrally on *all* the training rows
    (what federated learning cannot do: pool the data): correct rows of the genesis's test
    rows and of the whole held-out split."""
    from zkpot.experiments.robustness import central_model
    from zkpot.ml.datasets import iris_split
    from zkpot.ml.task import iris_task

    train_rows, held_out = iris_split(seed=seed)
    model = central_model(train_rows, spec.sizes, log2_lr=spec.log2_lr, seed=seed)
    test = iris_task(1, seed=seed, spec=spec).test
    fmt = spec.fmt
    genesis_rows = model.correct(fmt.dequantize_array(test.x), test.y)
    return genesis_rows, model.correct(held_out.x, held_out.y)


def chain_demo(
    say: Callable[[str], None] = print,
    seed: int = 1,
    *,
    rounds: int = 3,
    workers: int | None = None,
    bars: bool = True,
) -> list:
    """The ZKPoT chain end to end (see the module docstring); returns the round reports.

    Args:
        rounds: how many rounds to run (the demo runs 3; ``--quick`` 1).
        workers: processes that prove in parallel (default: ``ZKPOT_WORKERS``, else one
            per core).
        bars: progress bars for the ceremony, the keys and each round's proofs (tqdm, on
            standard error, and only on a terminal: :mod:`zkpot.cli.progress`).
    """
    import dataclasses
    import time

    from zkpot.chain import federation as fed
    from zkpot.cli.progress import Bars
    from zkpot.ml.datasets import iris_split
    from zkpot.ml.statement import count_correct, encode_test_set

    spec, behaviour = fed.averaging(fed.DEMO_SPEC, 4), "replay+inflate+wrong-model"
    start = time.perf_counter()
    say("zkpot demo — a ZKPoT chain, whose consensus is proof of training\n")
    say(f"Four participants share Iris (a Dirichlet split, seed {seed}); each is also a")
    say("validator. p4 is Byzantine, with a new cheat each round: it sends p1's proof")
    say("under its own key (round 1), claims one more correct test row than it proved")
    say("(round 2), and trains from the first model instead of the current one (round 3).")
    layers = "-".join(map(str, spec.sizes))
    say(f"The task: a {layers} MLP, one SGD step on {spec.batch} committed rows a round, its")
    say(f"accuracy counted on {spec.test_rows} public test rows. Each publishes its new model")
    say("masked (its proof shows the masks are right); the verified ones that pass the")
    say("quality rule are averaged from the masked models; no model is ever published.\n")

    say("1. Genesis: a powers-of-tau ceremony among the four, then the keys")
    progress = Bars(lambda line: say("   " + _brief(line)), enabled=bars, indent="   ")
    with progress:
        federation = fed.build(4, seed=seed, spec=spec, byzantine=[behaviour],
                               progress=progress)  # fmt: skip
    g = federation.genesis
    say(f"   ceremony transcript digest {g.ceremony.hex()[:16]}…  (in the genesis)")
    say(f"   genesis {g.hash.hex()[:16]}…: {len(g.validators)} validators (quorum {g.quorum}), "
        f"{len(g.participants)} data commitments\n")  # fmt: skip

    float_test, float_held = float_ceiling(seed, spec)
    _, held_out = iris_split(seed=seed)
    full = encode_test_set(held_out, dataclasses.replace(spec, test_rows=len(held_out)))
    before = count_correct(g.global_model, full, spec)
    say("2. The ceiling: the same network in float, trained centrally on all the training")
    say(f"   rows for 100 epochs, gets {float_test}/{spec.test_rows} public test rows and "
        f"{float_held}/{len(held_out)} held-out rows;")  # fmt: skip
    say(f"   the first global model gets {before}/{len(held_out)} held-out rows.\n")

    def on_round(r: fed.RoundReport) -> None:
        say(f"Round {r.round}: block {r.block[:16]}…, final with a quorum certificate")
        if not r.leader:
            say("   no contribution could lead: the empty block, the global model unchanged")
        for index, why in r.sat_out:  # (each participant by its name and key: p2 · 2f56fe87)
            say(f"   {federation.label(index)} sat the round out:")
            say(f"      {why[:73]}")
        left_out = dict(r.left_out)
        for v in r.contributions:
            who = federation.label(v.participant) + (" (Byzantine)" if v.byzantine else "")
            verdict = "verified" if v.verified else "rejected:"
            role = "averaged" if v.participant in (r.averaged or ()) else ""
            role += ", leads" if v.verified and v.participant == r.leader else ""
            role = f"  <- {role.lstrip(', ')}" if role else ""
            say(f"   {who:<25} claims {v.claimed_accuracy}/{spec.test_rows}  {verdict}{role}")
            if v.reason:
                say(f"      {v.reason[:73]}")
            if v.participant in left_out:
                say(f"      left out: {left_out[v.participant][:63]}")
        if r.averaged:
            names = ", ".join(federation.name(i) for i in r.averaged)
            say(f"   the new global model averages {names}: nobody saw their models")
        held = count_correct(r.layers, full, spec)
        rows = len(held_out)
        say(f"   global model now: {r.global_accuracy}/{spec.test_rows} public test rows, "
            f"{held}/{rows} held out (float ceiling {float_held}/{rows})\n")  # fmt: skip

    say(f"3. {rounds} round(s): every participant trains and proves (in parallel), every")
    say("   validator checks every proof; the included participants reveal the seeds that")
    say("   open the masked sum, the best verified accuracy proposes the block with the")
    say("   average, and every validator recomputes it: the next round's global model\n")
    prover = fed.ParallelProver(federation, workers=workers, progress=progress)
    try:
        with progress:
            reports = fed.run(federation, rounds, seed=seed, prover=prover, on_round=on_round)
    finally:
        prover.close()
    cheats = [v for r in reports for v in r.contributions if v.byzantine and v.verified]
    say(f"Byzantine contributions accepted: {len(cheats)} of "
        f"{sum(v.byzantine for r in reports for v in r.contributions)}.")  # fmt: skip
    say(f"Done in {time.perf_counter() - start:.0f} s. Next: zkpot simulate, zkpot devnet, "
        "zkpot tour.")  # fmt: skip
    return reports
