"""BN254 (alt_bn128): G1, G2 and the optimal ate pairing.

The curve of Ethereum's precompiles (EIP-196, EIP-197), snarkjs and circom::

    E  / Fq  : y² = x³ + 3                         G1 = E(Fq),       generator (1, 2)
    E' / Fq2 : y² = x³ + 3/ξ,  ξ = 9 + u           G2 ⊂ E'(Fq2),     the D-type sextic twist

G1 has cofactor 1 (every point of E(Fq) is in G1); E'(Fq2) has order r·(2p − r),
so G2 points are checked for membership. The pairing is the optimal ate pairing
with loop count 6u + 2 and two Frobenius steps at the end.

>>> from zkpot.curve import bn254
>>> P, Q = bn254.G1.generator(), bn254.G2.generator()
>>> bn254.pairing(3 * P, Q) == bn254.pairing(P, 3 * Q)
True
"""

from __future__ import annotations

from zkpot.curve.encoding import BN254
from zkpot.curve.glv import GLV
from zkpot.curve.groups import define_pairing
from zkpot.curve.jacobian import Fq2Jacobian, FqJacobian
from zkpot.curve.pairing import OptimalAte
from zkpot.curve.point import CurvePoint
from zkpot.field.bn254 import SEED, Fq, Fq2, Fq6, Fq12, Fr, P, R

B = 3
"""b of E: y² = x³ + b."""

TWIST_B = Fq2(B) / Fq2(*Fq6.XI)
"""b' = b/ξ of the D-type twist E': y² = x³ + b' over Fq2."""

ATE_LOOP = 6 * SEED + 2
"""The optimal ate loop count 6u + 2."""


class G1(CurvePoint):
    """The group E(Fq) of order r: points (x, y) with x, y in Fq."""

    __slots__ = ()
    FIELD = Fq
    SCALAR_FIELD = Fr
    ORDER = R
    KERNEL = FqJacobian(P, B)
    COFACTOR_ONE = True
    ENCODING = BN254
    GENERATOR_AFFINE = (1, 2)


G1.ENDOMORPHISM = GLV(G1.KERNEL, R, G1.GENERATOR_AFFINE)
"""GLV scalar multiplication for G1, its constants derived from p and r."""


class G2(CurvePoint):
    """The order-r subgroup of the twist E'(Fq2): points (x, y) with x, y in Fq2."""

    __slots__ = ()
    FIELD = Fq2
    SCALAR_FIELD = Fr
    ORDER = R
    KERNEL = Fq2Jacobian(P, TWIST_B._c)
    ENCODING = BN254
    GENERATOR_AFFINE = (  # EIP-197's generator: (x₀ + x₁·u, y₀ + y₁·u)
        (
            0x1800DEEF121F1E76426A00665E5C4479674322D4F75EDADD46DEBD5CD992F6ED,
            0x198E9393920D483A7260BFB731FB5D25F1AA493335A9E71297E485B7AEF312C2,
        ),
        (
            0x12C85EA5DB8C6DEB4AAB71808DCB408FE3D1E7690C43D37B4CE6CC0166FA7DAA,
            0x090689D0585FF075EC9E99AD690C3395BC4B313370B38EF355ACDADCD122975B,
        ),
    )


ENGINE = OptimalAte(
    p=P,
    r=R,
    xi=Fq6.XI,
    twist_b=TWIST_B._c,
    twist="D",
    loop=ATE_LOOP,
    negative_seed=False,
    frobenius_steps=True,
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
