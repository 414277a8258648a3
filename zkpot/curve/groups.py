"""The pairing functions a curve module exports, built around its :class:`OptimalAte`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from zkpot.curve.pairing import ONE12, OptimalAte
from zkpot.curve.point import CurvePoint
from zkpot.errors import FieldMismatchError


def define_pairing(
    G1: type[CurvePoint], G2: type[CurvePoint], Fq12: Any, engine: OptimalAte
) -> tuple[Callable[..., Any], ...]:
    """``pairing``, ``pairing_check``, ``miller_loop`` and ``final_exponentiation`` for a curve."""

    def affine_pairs(pairs: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        out = []
        for P, Q in pairs:
            if type(P) is not G1 or type(Q) is not G2:
                raise FieldMismatchError(
                    f"pairs must be ({G1.__module__}.G1, G2) points, "
                    f"got ({type(P).__name__}, {type(Q).__name__})"
                )
            out.append((P.affine_raw(), Q.affine_raw()))
        return out

    def pairing(P: CurvePoint, Q: CurvePoint) -> Any:
        """e(P, Q) ∈ Fq12 for P in G1 and Q in G2: bilinear, non-degenerate, e(P, Q)^r = 1."""
        return Fq12._new(engine.pairing_product(affine_pairs([(P, Q)])))

    def pairing_check(pairs: Iterable[tuple[CurvePoint, CurvePoint]]) -> bool:
        """True if Π e(Pᵢ, Qᵢ) = 1: one Miller loop over all pairs, one final exponentiation.

        The empty product is 1, so ``pairing_check([])`` is True.
        """
        product = engine.pairing_product(affine_pairs(pairs))
        return product == ONE12

    def miller_loop(P: CurvePoint, Q: CurvePoint) -> Any:
        """f_{ℓ,Q}(P) before the final exponentiation (1 if either point is at infinity)."""
        ((a, b),) = affine_pairs([(P, Q)])
        if a is None or b is None:
            return Fq12.one()
        return Fq12._new(engine.miller_loop([(a, b)]))

    def final_exponentiation(f: Any) -> Any:
        """f^((p¹² − 1)/r) for f in Fq12*."""
        if type(f) is not Fq12:
            raise FieldMismatchError(f"final_exponentiation takes an {Fq12.__name__} element")
        return Fq12._new(engine.final_exponentiation(f._c))

    return pairing, pairing_check, miller_loop, final_exponentiation
