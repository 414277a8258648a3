"""Multi-scalar multiplication Σ kᵢ·Pᵢ by Pippenger's bucket method.

Computing n scalar multiplications separately costs about n·b doublings for
b-bit scalars. Pippenger's method shares them:

1. Cut every scalar into windows of c bits, as signed digits in
   [−2^(c−1), 2^(c−1)] (a digit above half borrows from the next window), so that
   a negative digit adds −P, which costs nothing.
2. For each window, drop every point into the bucket of its digit's absolute
   value: n additions, each of an affine point (cheaper than a general one).
3. Σⱼ j·Bⱼ over the buckets by a running sum from the top bucket down: two
   additions per bucket, no multiplication.
4. Combine the windows from the most significant: double c times, add.

The cost is about ⌈(b+1)/c⌉·(n + 3·2^(c−1)) additions; :func:`best_window`
picks c to minimise it, so c grows like log₂ n.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zkpot.curve.point import CurvePoint
from zkpot.curve.scalar import scalar_mul
from zkpot.errors import ArgumentError, ArgumentTypeError, FieldMismatchError
from zkpot.field.prime import PrimeField


def best_window(n: int, bits: int) -> int:
    """The window width c ≥ 1 minimising ⌈(bits+1)/c⌉ · (n + 3·2^(c−1))."""
    return min(range(1, 24), key=lambda c: -(-(bits + 1) // c) * (n + 3 * (1 << (c - 1))))


def signed_digits(k: int, c: int, windows: int) -> list[int]:
    """k = Σ dᵢ·2^(c·i) with every dᵢ in [−2^(c−1), 2^(c−1)], least significant first.

    >>> signed_digits(7, 2, 3)      # 7 = −1 + 2·4
    [-1, 2, 0]
    """
    half, mask = 1 << (c - 1), (1 << c) - 1
    digits = []
    for _ in range(windows):
        d = k & mask
        k >>= c
        if d > half:
            d -= 1 << c
            k += 1  # borrow: d − 2^c at this window is paid by one more at the next
        digits.append(d)
    if k:
        raise ValueError("scalar too large for the number of windows")
    return digits


def msm(points: Sequence[CurvePoint], scalars: Sequence[int | PrimeField]) -> CurvePoint:
    """Σ kᵢ·Pᵢ for points of one group and scalars (ints or that group's Fr), mod r.

    >>> from zkpot.curve import bn254
    >>> G = bn254.G1.generator()
    >>> msm([G, 2 * G], [3, 4]) == 11 * G
    True

    Raises:
        ArgumentError: if the lists differ in length or are empty (there is no group to
            return the identity of).
        ArgumentTypeError: something other than curve points, or scalars that are
            neither ints nor field elements.
        FieldMismatchError: points of different groups, or a scalar of another field.
    """
    points, scalars = list(points), list(scalars)
    if len(points) != len(scalars):
        raise ArgumentError(f"msm got {len(points)} points but {len(scalars)} scalars")
    if not points:
        raise ArgumentError("msm needs at least one point: the group is taken from the points")
    group = type(points[0])
    if not isinstance(points[0], CurvePoint):
        raise ArgumentTypeError(f"msm takes curve points, not {group.__name__}")
    for P in points:
        if type(P) is not group:
            raise FieldMismatchError(f"msm: points of {group.__name__} and {type(P).__name__}")
    ks = [_scalar(group, k) for k in scalars]
    kernel = group.KERNEL
    affine = kernel.batch_to_affine([P._jac for P in points])
    terms = [(a, k) for a, k in zip(affine, ks, strict=True) if a is not None and k]
    if len(terms) <= 2:
        result = kernel.identity
        for (x, y), k in terms:
            result = kernel.add(result, scalar_mul(kernel, (x, y, kernel.one), k))
        return group._from_jacobian(result)
    return group._from_jacobian(_pippenger(kernel, terms, group.ORDER.bit_length()))


def _scalar(group: type[CurvePoint], k: Any) -> int:
    value = group.scalar(k)
    if value is None:
        raise ArgumentTypeError(f"msm scalars are ints or field elements, not {type(k).__name__}")
    return value


def _pippenger(kernel: Any, terms: list[tuple[tuple[Any, Any], int]], bits: int) -> Any:
    """The bucket method on affine points and canonical scalars (a plain-int kernel)."""
    c = best_window(len(terms), bits)
    windows = -(-(bits + 1) // c)  # one spare bit for the final borrow
    digits = [signed_digits(k, c, windows) for _, k in terms]
    points = [a for a, _ in terms]
    negated = [(x, kernel.neg_y(y)) for x, y in points]
    buckets_count = (1 << (c - 1)) + 1
    result = kernel.identity
    for w in range(windows - 1, -1, -1):
        for _ in range(c):
            result = kernel.double(result)
        buckets: list[Any] = [None] * buckets_count
        for i, ds in enumerate(digits):
            d = ds[w]
            if d:
                x, y = points[i] if d > 0 else negated[i]
                b = buckets[abs(d)]
                buckets[abs(d)] = (x, y, kernel.one) if b is None else kernel.add_affine(b, x, y)
        running = window_sum = kernel.identity  # Σ j·Bⱼ = Σ_j (B_top + … + B_j)
        for j in range(buckets_count - 1, 0, -1):
            if buckets[j] is not None:
                running = kernel.add(running, buckets[j])
            window_sum = kernel.add(window_sum, running)
        result = kernel.add(result, window_sum)
    return result
