"""BLS12-381: G1, G2 and the optimal ate pairing.

The curve of EIP-4844, Ethereum's consensus layer and Zcash::

    E  / Fq  : y² = x³ + 4                          G1 ⊂ E(Fq),    cofactor (x − 1)²/3
    E' / Fq2 : y² = x³ + 4ξ,  ξ = 1 + u             G2 ⊂ E'(Fq2),  the M-type sextic twist

The pairing is the optimal ate pairing with loop count |x| = 0xd201000000010000
and, since x < 0, a conjugation at the end of the Miller loop.
"""

from __future__ import annotations

from zkpot.curve.encoding import ZCASH
from zkpot.curve.glv import GLV
from zkpot.curve.groups import define_pairing
from zkpot.curve.jacobian import Fq2Jacobian, FqJacobian, Jac
from zkpot.curve.pairing import OptimalAte
from zkpot.curve.point import CurvePoint
from zkpot.curve.scalar import scalar_mul
from zkpot.field import towerops as T
from zkpot.field.bls12_381 import SEED, Fq, Fq2, Fq6, Fq12, Fr, P, R

B = 4
"""b of E: y² = x³ + b."""

TWIST_B = Fq2(B) * Fq2(*Fq6.XI)
"""b' = b·ξ of the M-type twist E': y² = x³ + b' over Fq2."""

G1_COFACTOR = (SEED - 1) ** 2 // 3
"""#E(Fq) / r = (x − 1)²/3."""

G2_COFACTOR = (
    SEED**8 - 4 * SEED**7 + 5 * SEED**6 - 4 * SEED**4 + 6 * SEED**3 - 4 * SEED**2 - 4 * SEED + 13
) // 9
"""#E'(Fq2) / r = (x⁸ − 4x⁷ + 5x⁶ − 4x⁴ + 6x³ − 4x² − 4x + 13)/9, a 507-bit number (Budroni,
Pintore, "Efficient hash maps to G2 on BLS curves", ePrint 2017/419)."""


class G1(CurvePoint):
    """The order-r subgroup of E(Fq): points (x, y) with x, y in Fq."""

    __slots__ = ()
    FIELD = Fq
    SCALAR_FIELD = Fr
    ORDER = R
    KERNEL = FqJacobian(P, B)
    ENCODING = ZCASH
    GENERATOR_AFFINE = (
        0x17F1D3A73197D7942695638C4FA9AC0FC3688C4F9774B905A14E3A3F171BAC586C55E83FF97A1AEFFB3AF00ADB22C6BB,
        0x08B3F481E3AAA0F1A09E30ED741D8AE4FCF5E095D5D00AF600DB18CB2C04B3EDD03CC744A2888AE40CAA232946C5E7E1,
    )


G1.ENDOMORPHISM = GLV(G1.KERNEL, R, G1.GENERATOR_AFFINE)
"""GLV scalar multiplication for G1, its constants derived from p and r."""


def _g1_membership(jac: tuple[int, int, int]) -> bool:
    """P ∈ G1 ⟺ φ(P) = [−x²]P, for a point P on E (Scott, "A note on group membership
    tests for G1, G2 and GT on BLS pairing-friendly curves", ePrint 2021/1130).

    −x² is a cube root of unity mod r (r = x⁴ − x² + 1), so on G1 the endomorphism
    φ(x, y) = (βx, y) acts as it for the matching β; off G1 the two sides differ. One
    128-bit multiplication instead of a 255-bit one.
    """
    kernel = G1.KERNEL
    p, beta = kernel.p, _MEMBERSHIP_BETA
    X, Y, Z = jac
    if Z == 0:
        return True
    phi = (beta * X % p, Y, Z)  # (βx, y) in Jacobian coordinates: X/Z² scales with β
    return kernel.equal(phi, kernel.neg(scalar_mul(kernel, jac, SEED * SEED)))


_MEMBERSHIP_LAMBDA = -(SEED * SEED) % R
_MEMBERSHIP_BETA = (
    G1.ENDOMORPHISM.beta
    if G1.ENDOMORPHISM.lam == _MEMBERSHIP_LAMBDA
    else G1.ENDOMORPHISM.beta**2 % P
)
G1.SUBGROUP_TEST = staticmethod(_g1_membership)


class G2(CurvePoint):
    """The order-r subgroup of the twist E'(Fq2): points (x, y) with x, y in Fq2."""

    __slots__ = ()
    FIELD = Fq2
    SCALAR_FIELD = Fr
    ORDER = R
    KERNEL = Fq2Jacobian(P, TWIST_B._c)
    ENCODING = ZCASH
    GENERATOR_AFFINE = (
        (
            0x024AA2B2F08F0A91260805272DC51051C6E47AD4FA403B02B4510B647AE3D1770BAC0326A805BBEFD48056C8C121BDB8,
            0x13E02B6052719F607DACD3A088274F65596BD0D09920B61AB5DA61BBDC7F5049334CF11213945D57E5AC7D055D042B7E,
        ),
        (
            0x0CE5D527727D6E118CC9CDC6DA2E351AADFD9BAA8CBDD3A76D429A695160D12C923AC9CC3BACA289E193548608B82801,
            0x0606C4A02EA734CC32ACD2B02BC28B99CB3E287E85A763AF267492AB572E99AB3F370D275CEC1DA1AAA9075FF05F79BE,
        ),
    )


# ψ = untwist ∘ Frobenius ∘ twist, an endomorphism of E'(Fq2) (Galbraith, Scott, "Exponentiation
# in pairing-friendly groups using homomorphisms", 2008). Untwisting x ↦ x/w² (w⁶ = ξ) and raising
# to the p-th power gives x^p / w^(2p) = x^p · ξ^(−(p−1)/3) / w², so in the twist's coordinates
#   ψ(x, y) = (x̄ · ξ^(−(p−1)/3), ȳ · ξ^(−(p−1)/2)),   x̄ = x^p the conjugate,
# and twice: ψ²(x, y) = (x · N(ξ)^(−(p−1)/3), y · N(ξ)^(−(p−1)/2)) = (x · 2^(−(p−1)/3), −y).
# On G2, ψ is multiplication by p ≡ x (mod r); on all of E'(Fq2), ψ² − tψ + p = 0 (t = x + 1).
PSI_X = T.fq2_inv(Fq6.FROBENIUS[1][2], P)
"""ξ^(−(p−1)/3), from the tower's Frobenius table γ₁,ₑ = ξ^(e(p−1)/6)."""
PSI_Y = T.fq2_inv(Fq6.FROBENIUS[1][3], P)
"""ξ^(−(p−1)/2)."""
PSI2_X = T.fq2_mul(PSI_X, T.fq2_conj(PSI_X))[0] % P
"""2^(−(p−1)/3) ∈ Fq: the norm of PSI_X, the x-factor of ψ²."""


def psi(jac: Jac) -> Jac:
    """ψ(P) for a point of E'(Fq2) in Jacobian coordinates: (X̄·ξ^(−(p−1)/3), Ȳ·ξ^(−(p−1)/2), Z̄).

    Conjugation commutes with the Jacobian scaling (X/Z², Y/Z³), so it applies coordinatewise.
    """
    (X0, X1), (Y0, Y1), (Z0, Z1) = jac
    x = T.fq2_reduce(T.fq2_mul((X0, -X1), PSI_X), P)
    y = T.fq2_reduce(T.fq2_mul((Y0, -Y1), PSI_Y), P)
    return (x, y, (Z0, -Z1 % P))


def psi2(jac: Jac) -> Jac:
    """ψ(ψ(P)) = (X · 2^(−(p−1)/3), −Y, Z), cheaper than two ψ."""
    (X0, X1), (Y0, Y1), Z = jac
    return ((X0 * PSI2_X % P, X1 * PSI2_X % P), (-Y0 % P, -Y1 % P), Z)


def _g2_membership(jac: Jac) -> bool:
    """Q ∈ G2 ⟺ ψ(Q) = [x]Q, for a point Q of E'(Fq2) (Scott, ePrint 2021/1130, §4).

    On G2, ψ acts as multiplication by p, and p ≡ x (mod r); off G2 the two sides differ.
    A 64-bit multiplication instead of a 255-bit one.
    """
    kernel = G2.KERNEL
    if kernel.is_identity(jac):
        return True
    return kernel.equal(psi(jac), scalar_mul(kernel, jac, SEED))  # type: ignore[no-any-return]


G2.SUBGROUP_TEST = staticmethod(_g2_membership)

ENGINE = OptimalAte(
    p=P,
    r=R,
    xi=Fq6.XI,
    twist_b=TWIST_B._c,
    twist="M",
    loop=-SEED,
    negative_seed=SEED < 0,
    frobenius_steps=False,
    frobenius_table=Fq6.FROBENIUS,
)

pairing, pairing_check, miller_loop, final_exponentiation = define_pairing(G1, G2, Fq12, ENGINE)

__all__ = [
    "G1",
    "G2",
    "Fq",
    "Fq2",
    "Fq12",
    "Fr",
    "final_exponentiation",
    "miller_loop",
    "pairing",
    "pairing_check",
]
