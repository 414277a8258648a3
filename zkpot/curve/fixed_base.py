"""Many scalar multiplications of one base point: k₁·G, k₂·G, …, with a precomputed table.

With the base fixed, precompute Tⱼ,ₐ = a·2^(c·j)·G for every c-bit window j and digit a,
once. Then k·G = Σⱼ Tⱼ,ₖⱼ (kⱼ the j-th c-bit digit of k): no doublings at all,
one affine addition per window. Setting up an SRS — thousands of [τⁱ]G — is the
use: with c = 8 and 255-bit scalars, 32 additions per point instead of ~300
operations, after a table of 32·255 points made affine with one inversion.
"""

from __future__ import annotations

from collections.abc import Sequence

from zkpot.curve.point import CurvePoint


def multiply_many(base: CurvePoint, scalars: Sequence[int], window: int = 8) -> list[CurvePoint]:
    """[k·base for k in scalars], scalars taken modulo r.

    >>> from zkpot.curve import bn254
    >>> G = bn254.G1.generator()
    >>> multiply_many(G, [0, 1, 5]) == [G.identity(), G, 5 * G]
    True
    """
    group, kernel = type(base), base.KERNEL
    ks = [k % group.ORDER for k in scalars]
    bits = group.ORDER.bit_length()
    windows = -(-bits // window)
    size = 1 << window
    # table[j][a] = a·2^(c·j)·base, for a = 1 … 2^c − 1 (a = 0 is the identity)
    jacobian = []
    start = base._jac
    for _ in range(windows):
        row, current = [], kernel.identity
        for _ in range(size - 1):
            current = kernel.add(current, start)
            row.append(current)
        jacobian.append(row)
        start = kernel.add(row[-1], start)  # 2^c · (this window's base)
    flat = kernel.batch_to_affine([P for row in jacobian for P in row])
    table = [flat[j * (size - 1) : (j + 1) * (size - 1)] for j in range(windows)]
    mask = size - 1
    out = []
    for k in ks:
        acc = kernel.identity
        j = 0
        while k:
            digit = k & mask
            if digit:
                entry = table[j][digit - 1]
                if entry is not None:  # None only where the table point is the identity
                    acc = kernel.add_affine(acc, *entry)
            k >>= window
            j += 1
        out.append(acc)
    # affine (Z = 1), with one inversion: later MSMs over these points need not convert them
    affine = kernel.batch_to_affine(out)
    one = kernel.one
    return [group._from_jacobian(kernel.identity if a is None else (*a, one)) for a in affine]
