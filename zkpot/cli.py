"""The ``zkpot`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import zkpot

DESCRIPTION = """\
zkpot — Zero-Knowledge Proof of Training consensus, from the finite field up.

A participant in federated learning proves with a zk-SNARK that it trained its
model correctly and that the model reaches a stated accuracy, without showing
its data or its weights; the chain's validators check the short proof, and the
best proven contribution proposes the next block.

This release implements the bottom layers: prime fields and the Fq2/Fq6/Fq12
tower (zkpot.field); the groups, pairings, MSM and EVM precompiles of BN254 and
BLS12-381 (zkpot.curve); polynomials, the NTT, KZG commitments, EIP-4844 and a
powers-of-tau ceremony (zkpot.poly). Try `zkpot demo`.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zkpot",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zkpot {zkpot.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="a guided tour of what zkpot does today",
        description="A guided tour: each value printed with what it means and a check.",
    )
    demo.add_argument("--seed", type=int, default=2024, help="seed for the random values shown")
    explain = commands.add_parser(
        "explain",
        help="one PLONK proof of x³ + x + 5 = 35, round by round",
        description="Prove x³ + x + 5 = 35 and print every round of the prover and the verifier.",
    )
    explain.add_argument("--seed", type=int, default=1, help="seed for τ and the blinding")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from zkpot.demo import commitment_tour, curve_tour, field_tour

        field_tour(seed=args.seed)
        curve_tour(seed=args.seed)
        commitment_tour(seed=args.seed)
        return 0
    if args.command == "explain":
        from zkpot.plonk.explain import explain

        return 0 if explain(seed=args.seed) else 1
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
