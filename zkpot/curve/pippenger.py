"""Multi-scalar multiplication Σ kᵢ·Pᵢ by Pippenger's bucket method.

Computing n scalar multiplications separately costs about n·b doublings for
b-bit scalars. Pippenger's method shares them:

1. Cut every scalar into windows of c bits, as signed digits in
   [−2^(c−1), 2^(c−1)] (a digit above half borrows from the next window), so that
   a negative digit adds −P, which costs nothing.
2. For each window, drop every point into the bucket of its digit's absolute
   value, and sum each bucket: about n additions per window.
3. Σⱼ j·Bⱼ over the buckets by a running sum from the top bucket down: two
   additions per bucket, no multiplication.
4. Combine the windows from the most significant: double c times, add.

The cost is about ⌈(b+1)/c⌉·(n + k·2^(c−1)) additions, k the cost of a bucket's two
additions in step 3 against one of step 2; :func:`best_window` picks c to minimise
it, so c grows like log₂ n.

**Two ways to sum the buckets.** :func:`msm_jacobian`, the textbook one, adds each
affine point into its bucket in Jacobian coordinates (11 products an addition). On
G1, :func:`msm` sums the buckets in *affine* coordinates instead, where an
addition is λ = (y₂ − y₁)/(x₂ − x₁), x₃ = λ² − x₁ − x₂, y₃ = λ(x₁ − x₃) − y₁: three
products and one inversion. An inversion alone costs some sixty products, but
Montgomery's trick (:func:`zkpot.field.batch.batch_inverse`) inverts thousands at
once for three products each, so :func:`sum_lists` adds the points of every bucket
of every window in pairs, level by level — each level halves every bucket's list,
with one inversion for all the additions of the level — until one point is left
per bucket. About six products an addition, and — what counts in Python — about 7
reductions mod p against 11: on this machine a G1 MSM takes 1.4–1.5 times less time than
with Jacobian buckets (``benchmarks/bench_curve.py``).

**GLV.** On G1 of BN254 and BLS12-381 an endomorphism φ(x, y) = (βx, y) acts as a
scalar λ (:mod:`zkpot.curve.glv`): kᵢ·Pᵢ = kᵢ₁·Pᵢ + kᵢ₂·φ(Pᵢ) with half-length kᵢ₁,
kᵢ₂. :func:`msm` runs on those 2n points and half-length scalars: the additions of
step 2 stay about the same (twice the points, half the windows), while the windows'
bucket sums, step 3, and the doublings of step 4 halve.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from zkpot.curve.jacobian import FqJacobian
from zkpot.curve.point import CurvePoint
from zkpot.curve.scalar import scalar_mul
from zkpot.errors import ArgumentError, ArgumentTypeError, FieldMismatchError
from zkpot.field.batch import batch_inverse
from zkpot.field.prime import PrimeField

AFFINE_BUCKET_COST = 6
"""Step 3's cost per bucket against one affine addition of step 2. Counted, a Jacobian
mixed addition and a full one cost about 2.7 affine additions in place; measured, 3 and 6
give the same times within this machine's noise from 2⁸ to 2¹⁶ points (the same window at
2¹⁶), and 6 keeps the windows, and so the memory of the buckets, smaller."""

CHUNK = 1 << 16
"""How many (point, window) additions :func:`msm` sums at once, at most: enough to
share each inversion widely, few enough to bound the memory of the levels."""

BLOCK = 1024
"""How many additions :func:`add_pairs` does per inversion, at most. An inversion costs
about ten additions, so a thousand share it well enough; and a block's numbers stay in
the processor's cache, where 65,536 at once do not: 3.0 against 3.8 µs an addition
measured alone, and 5.4–5.6 s against 5.9–6.6 s for a whole MSM of 2¹⁶ points (three
interleaved runs each)."""


def best_window(n: int, bits: int, bucket_cost: float = 3) -> int:
    """The window width c ≥ 1 minimising ⌈(bits+1)/c⌉ · (n + bucket_cost·2^(c−1)).

    ``bucket_cost`` is what a bucket's share of step 3 costs against one addition of
    step 2: about 3 with Jacobian buckets, :data:`AFFINE_BUCKET_COST` with affine ones.
    """
    return min(range(1, 24), key=lambda c: -(-(bits + 1) // c) * (n + bucket_cost * (1 << (c - 1))))


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

    The result has Z = 1 (one inversion), so encoding it or using it in a later MSM
    costs no further inversion.

    >>> from zkpot.curve import bn254
    >>> G = bn254.G1.generator()
    >>> msm([G, 2 * G], [3, 4]) == 11 * G
    True

    G1 (coordinates in Fq) sums its buckets in affine coordinates and uses GLV where the
    group has an endomorphism; G2 uses :func:`msm_jacobian`'s buckets.

    Raises:
        ArgumentError: if the lists differ in length or are empty (there is no group to
            return the identity of).
        ArgumentTypeError: something other than curve points, or scalars that are
            neither ints nor field elements.
        FieldMismatchError: points of different groups, or a scalar of another field.
    """
    group, terms = _terms(points, scalars)
    kernel = group.KERNEL
    if len(terms) <= 2 or not isinstance(kernel, FqJacobian):
        return _msm_jacobian(group, terms)
    bits = group.ORDER.bit_length()
    with _collector_paused():
        if group.ENDOMORPHISM is not None:
            terms, bits = glv_terms(group.ENDOMORPHISM, terms)
        result = _pippenger_affine(kernel, terms, bits)
    return group._from_jacobian(kernel.normalize(result))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. An MSM allocates millions of tuples of
    ints, which form no reference cycles; every few hundred of them would otherwise
    start a collection that scans them (10–15 % of an MSM's time, measured)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def msm_jacobian(points: Sequence[CurvePoint], scalars: Sequence[int | PrimeField]) -> CurvePoint:
    """:func:`msm` with the textbook buckets: affine points added into Jacobian sums, and no
    GLV. The same result; the reference the faster :func:`msm` is tested against."""
    return _msm_jacobian(*_terms(points, scalars))


def _terms(
    points: Sequence[CurvePoint], scalars: Sequence[int | PrimeField]
) -> tuple[type[CurvePoint], list[tuple[tuple[Any, Any], int]]]:
    """The group, and the (affine point, scalar in [1, r)) pairs that contribute."""
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
    affine = group.KERNEL.batch_to_affine([P._jac for P in points])
    return group, [(a, k) for a, k in zip(affine, ks, strict=True) if a is not None and k]


def _msm_jacobian(group: type[CurvePoint], terms: list[tuple[tuple[Any, Any], int]]) -> Any:
    kernel = group.KERNEL
    if len(terms) <= 2:
        result = kernel.identity
        for (x, y), k in terms:
            result = kernel.add(result, scalar_mul(kernel, (x, y, kernel.one), k))
        return group._from_jacobian(kernel.normalize(result))
    result = _pippenger(kernel, terms, group.ORDER.bit_length())
    return group._from_jacobian(kernel.normalize(result))


def _scalar(group: type[CurvePoint], k: Any) -> int:
    value = group.scalar(k)
    if value is None:
        raise ArgumentTypeError(f"msm scalars are ints or field elements, not {type(k).__name__}")
    return value


def glv_terms(glv: Any, terms: list[tuple[tuple[int, int], int]]) -> tuple[list[Any], int]:
    """Each (P, k) as (±P, |k₁|) and (±φ(P), |k₂|) with k = k₁ + k₂·λ (mod r), and the bit
    length of the longest half: a negative half is paid by negating its point."""
    p, beta = glv.kernel.p, glv.beta
    out = []
    for (x, y), k in terms:
        k1, k2 = glv.decompose(k)
        if k1:
            out.append(((x, y) if k1 > 0 else (x, p - y), abs(k1)))
        if k2:
            out.append(((beta * x % p, y) if k2 > 0 else (beta * x % p, p - y), abs(k2)))
    return out, max((k.bit_length() for _, k in out), default=1)


def add_pairs(p: int, left: list[Any], right: list[Any]) -> list[Any]:
    """[Pᵢ + Qᵢ] for affine points (x, y) of a curve y² = x³ + b mod p, with one inversion.

    λ = (y₂ − y₁)/(x₂ − x₁), x₃ = λ² − x₁ − x₂, y₃ = λ(x₁ − x₃) − y₁. The inverses come
    from Montgomery's trick (:func:`zkpot.field.batch.batch_inverse`), its backward pass
    fused with the additions: the prefix products d₀⋯dᵢ₋₁ of the denominators dᵢ = x₂ − x₁
    on the way in, then, from the last pair down, 1/dᵢ = (d₀⋯dᵢ₋₁)·(d₀⋯dᵢ)⁻¹. Pairs with
    x₁ = x₂ (P = ±Q) are rare and go to :func:`_add_pairs_general`. At most :data:`BLOCK`
    pairs share an inversion.
    """
    if len(left) > BLOCK:  # block by block (see BLOCK), and the sums in order
        out = []
        for i in range(0, len(left), BLOCK):
            out += add_pairs(p, left[i : i + BLOCK], right[i : i + BLOCK])
        if len(out) != len(right):
            raise ValueError("add_pairs needs two lists of the same length")
        return out
    dx = [x2 - x1 for (x1, _), (x2, _) in zip(left, right, strict=True)]
    if 0 in dx:  # coordinates are canonical: x₁ = x₂ exactly
        return _add_pairs_general(p, left, right)
    prefix = []
    product = 1
    for d in dx:
        prefix.append(product)  # d₀⋯dᵢ₋₁
        product = product * d % p
    inverse = pow(product, -1, p)  # (d₀⋯dₙ₋₁)⁻¹: no dᵢ is 0 mod p, as 0 < |dᵢ| < p
    out = []
    pairs = zip(reversed(left), reversed(right), reversed(dx), reversed(prefix), strict=True)
    for (x1, y1), (x2, y2), d, before in pairs:
        lam = (y2 - y1) * (before * inverse) % p  # before·inverse = 1/dᵢ
        inverse = inverse * d % p  # now (d₀⋯dᵢ₋₁)⁻¹
        x3 = (lam * lam - x1 - x2) % p
        out.append((x3, (lam * (x1 - x3) - y1) % p))
    out.reverse()
    return out


def _add_pairs_general(p: int, left: list[Any], right: list[Any]) -> list[Any]:
    """:func:`add_pairs` when some pairs have x₁ = x₂: the tangent's λ = 3x₁²/(2y₁) when
    P = Q, and None (the point at infinity) when P = −Q. (y ≠ 0: a point with y = 0 has
    order 2, and the groups here have odd order.)"""
    denominators = []
    for (x1, y1), (x2, y2) in zip(left, right, strict=True):
        if x1 != x2:
            denominators.append(x2 - x1)
        else:  # the tangent when P = Q; when P = −Q any non-zero value (unused)
            denominators.append(2 * y1 if y1 == y2 else 1)
    inverses = batch_inverse(denominators, p)
    out: list[Any] = []
    for (x1, y1), (x2, y2), inverse in zip(left, right, inverses, strict=True):
        if x1 != x2:
            lam = (y2 - y1) * inverse % p
        elif y1 == y2:
            lam = 3 * x1 * x1 * inverse % p
        else:
            out.append(None)
            continue
        x3 = (lam * lam - x1 - x2) % p
        out.append((x3, (lam * (x1 - x3) - y1) % p))
    return out


def sum_lists(p: int, lists: list[list[Any]]) -> list[Any]:
    """The sum of each list of affine points (None if it is empty or sums to infinity).

    Level by level, every list is replaced by the sums of its neighbours in pairs (an
    odd last point waits for the next level); all the lists' pairs of a level go through
    one :func:`add_pairs`, that is one inversion. A list of m points needs ⌈log₂ m⌉ levels.
    The lists are consumed.
    """
    active = [i for i, pts in enumerate(lists) if len(pts) > 1]
    while active:
        left: list[Any] = []
        right: list[Any] = []
        for i in active:
            pts = lists[i]
            left += pts[0 : len(pts) - 1 : 2]
            right += pts[1::2]
        sums = add_pairs(p, left, right)
        at = 0
        for i in active:
            pts = lists[i]
            half = len(pts) // 2
            new = sums[at : at + half]
            at += half
            if len(pts) % 2:
                new.append(pts[-1])
            lists[i] = [s for s in new if s is not None] if None in new else new
        active = [i for i in active if len(lists[i]) > 1]
    return [pts[0] if pts else None for pts in lists]


def digit_columns(scalars: Sequence[int], c: int, windows: int) -> Any:
    """:func:`signed_digits` of many scalars at once, with numpy: row w holds every
    scalar's digit of window w (an int64 array of shape windows × n).

    The scalars' bytes are cut into c-bit windows; then, window by window from the
    least significant, a digit above 2^(c−1) borrows from the next, as in
    :func:`signed_digits`.
    """
    n, half = len(scalars), 1 << (c - 1)
    width = (c * windows + 7) // 8
    if any(k >> (c * windows - 1) for k in scalars):  # the top window must not borrow
        raise ValueError("scalar too large for the number of windows")
    data = b"".join(k.to_bytes(width, "little") for k in scalars)
    bits = np.unpackbits(np.frombuffer(data, np.uint8).reshape(n, width), axis=1, bitorder="little")
    # each window's c bits packed into the low bytes of a little-endian uint32 (c ≤ 32)
    packed = np.packbits(bits[:, : c * windows].reshape(n, windows, c), axis=2, bitorder="little")
    four = np.zeros((n, windows, 4), np.uint8)
    four[:, :, : packed.shape[2]] = packed
    raw = four.view("<u4")[:, :, 0].astype(np.int64)
    columns = np.empty((windows, n), np.int64)
    borrow = np.zeros(n, np.int64)
    for w in range(windows):
        d = raw[:, w] + borrow
        borrow = (d > half).astype(np.int64)
        columns[w] = d - (borrow << c)
    return columns


def _buckets(points: list[Any], negated: list[Any], column: Any, half: int) -> list[list[Any]]:
    """The lists of points of buckets 1 … half for one window's digits: ±Pᵢ in bucket |dᵢ|."""
    n = len(points)
    magnitude = np.abs(column)
    order = np.argsort(magnitude, kind="stable")
    counts = np.bincount(magnitude, minlength=half + 1)
    source = np.where(column < 0, np.arange(n) + n, np.arange(n))[order[counts[0] :]].tolist()
    ordered = (
        list(itemgetter(*source)(points + negated))
        if len(source) > 1
        else [(points + negated)[i] for i in source]
    )
    ends = np.cumsum(counts[1:]).tolist()
    return [ordered[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def _pippenger_affine(kernel: FqJacobian, terms: list[Any], bits: int) -> Any:
    """The bucket method with the buckets summed in affine coordinates (:func:`sum_lists`)."""
    p, n = kernel.p, len(terms)
    c = best_window(n, bits, AFFINE_BUCKET_COST)
    windows = -(-(bits + 1) // c)
    half = 1 << (c - 1)
    points = [a for a, _ in terms]
    negated = [(x, p - y) for x, y in points]
    columns = digit_columns([k for _, k in terms], c, windows)
    window_sums = []  # Σⱼ j·Bⱼ of each window, least significant first
    per_chunk = max(1, CHUNK // n)
    for first in range(0, windows, per_chunk):
        lists = []
        for column in columns[first : first + per_chunk]:
            lists += _buckets(points, negated, column, half)
        buckets = sum_lists(p, lists)
        for start in range(0, len(buckets), half):
            window_sums.append(_weighted_sum(kernel, buckets[start : start + half]))
    result = kernel.identity
    for window_sum in reversed(window_sums):
        for _ in range(c):
            result = kernel.double(result)
        result = kernel.add(result, window_sum)
    return result


def _weighted_sum(kernel: Any, buckets: list[Any]) -> Any:
    """Σⱼ j·Bⱼ for affine buckets B₁, B₂, … (None when empty), by running sums from the top."""
    running = total = kernel.identity  # Σ j·Bⱼ = Σ_j (B_top + … + B_j)
    for bucket in reversed(buckets):
        if bucket is not None:
            running = kernel.add_affine(running, *bucket)
        total = kernel.add(total, running)
    return total


def _pippenger(kernel: Any, terms: list[tuple[tuple[Any, Any], int]], bits: int) -> Any:
    """The bucket method with Jacobian buckets, on affine points and canonical scalars."""
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
