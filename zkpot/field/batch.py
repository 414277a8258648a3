"""Montgomery's batch-inversion trick: n inverses for one inversion and 3(n − 1) products.

Plain-int kernel: values are canonical ints modulo p.

With prefix products Pᵢ = a₀·a₁·…·aᵢ, a single inverse P⁻¹ₙ₋₁ unwinds backwards:
aᵢ⁻¹ = Pᵢ₋₁ · Pᵢ⁻¹ and Pᵢ₋₁⁻¹ = aᵢ · Pᵢ⁻¹.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkpot.errors import NotInvertibleError


def batch_inverse(values: Sequence[int], modulus: int) -> list[int]:
    """Invert every value modulo a prime at the cost of one modular inversion.

    >>> batch_inverse([2, 3, 4], 7)     # 2·4 = 3·5 = 4·2 = 1 (mod 7)
    [4, 5, 2]

    Args:
        values: ints (any representatives; they are reduced first).
        modulus: the prime p.

    Raises:
        NotInvertibleError: if some value is 0 mod p; the message names its index.
    """
    p = modulus
    prefix = [0] * len(values)
    acc = 1
    for i, a in enumerate(values):
        if a % p == 0:
            raise NotInvertibleError(f"batch_inverse: values[{i}] is 0 mod p and has no inverse")
        prefix[i] = acc  # a₀·…·aᵢ₋₁
        acc = acc * a % p
    inv_acc = pow(acc, -1, p) if values else 1  # (a₀·…·aₙ₋₁)⁻¹
    result = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        result[i] = prefix[i] * inv_acc % p  # aᵢ⁻¹ = (a₀·…·aᵢ₋₁) · (a₀·…·aᵢ)⁻¹
        inv_acc = inv_acc * values[i] % p  # (a₀·…·aᵢ₋₁)⁻¹
    return result
