"""Evaluation domains H = {1, ω, ω², …, ωⁿ⁻¹} and polynomials in evaluation form.

PLONK and KZG-with-blobs keep polynomials as their n values on H: adding and
multiplying is then pointwise, and the NTT moves between the two forms. An
:class:`Evaluations` vector knows its domain, and combining vectors of
different domains — or a vector with a coefficient-form
:class:`~zkpot.poly.polynomial.Polynomial` — raises an error, because it is
always a bug.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Self

from zkpot.errors import FieldMismatchError, RootOfUnityError
from zkpot.field import bn254
from zkpot.field.batch import batch_inverse
from zkpot.field.prime import PrimeField
from zkpot.poly.ntt import bit_reverse_permutation, intt, ntt
from zkpot.poly.polynomial import Polynomial, coefficient_ints


class EvaluationDomain:
    """The n-th roots of unity of a scalar field, n a power of two.

    ω = g^((r−1)/n) with g the field's ``MULTIPLICATIVE_GENERATOR`` (5 for BN254's Fr,
    as snarkjs; 7 for BLS12-381's, as EIP-4844). The coset gH uses the same g.

    >>> H = EvaluationDomain(4)
    >>> H.elements() == [1, H.omega, H.omega ** 2, H.omega ** 3]
    True
    """

    def __init__(self, n: int, field: type[PrimeField] = bn254.Fr) -> None:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1 or n & (n - 1):
            raise RootOfUnityError(f"a domain's size must be a power of two, got {n!r}")
        self.field, self.size, self.modulus = field, n, field.MODULUS
        self.omega = field.root_of_unity(n)  # raises beyond the 2-adicity
        self.coset_shift = field(field.MULTIPLICATIVE_GENERATOR)  # g: gH ∩ H = ∅
        p, w = self.modulus, int(self.omega)
        roots = [1] * n
        for i in range(1, n):
            roots[i] = roots[i - 1] * w % p
        self._roots = roots

    def __repr__(self) -> str:
        return f"EvaluationDomain({self.size}, {self.field.__name__})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EvaluationDomain):
            return NotImplemented
        return self.size == other.size and self.field is other.field

    def __hash__(self) -> int:
        return hash((self.size, self.field))

    def elements(self) -> list[PrimeField]:
        """ω⁰, ω¹, …, ωⁿ⁻¹ as field elements."""
        return [self.field(x) for x in self._roots]

    def roots(self) -> list[int]:
        """ω⁰ … ωⁿ⁻¹ as ints (a copy)."""
        return list(self._roots)

    # -- transforms ---------------------------------------------------------

    def ntt(self, coefficients: Sequence[int | PrimeField]) -> list[int]:
        """The values a(ωⁱ) of the polynomial with these ≤ n coefficients (zero-padded)."""
        return ntt(self._padded(coefficients), int(self.omega), self.modulus)

    def intt(self, evaluations: Sequence[int | PrimeField]) -> list[int]:
        """The n coefficients of the polynomial with these n values on the domain."""
        if len(evaluations) != self.size:
            raise ValueError(f"intt needs {self.size} values, got {len(evaluations)}")
        return intt(coefficient_ints(evaluations, self.field), int(self.omega), self.modulus)

    def coset_ntt(self, coefficients: Sequence[int | PrimeField]) -> list[int]:
        """The values a(g·ωⁱ) on the coset gH: scale aⱼ by gʲ, then an NTT."""
        p, g = self.modulus, int(self.coset_shift)
        scaled, power = [], 1
        for c in self._padded(coefficients):
            scaled.append(c * power % p)
            power = power * g % p
        return ntt(scaled, int(self.omega), p)

    def coset_intt(self, evaluations: Sequence[int | PrimeField]) -> list[int]:
        """Coefficients from values on the coset gH: an inverse NTT, then aⱼ·g⁻ʲ."""
        p, g_inv = self.modulus, pow(int(self.coset_shift), -1, self.modulus)
        coefficients, power, out = self.intt(evaluations), 1, []
        for c in coefficients:
            out.append(c * power % p)
            power = power * g_inv % p
        return out

    def coset_ntt_by_parts(
        self,
        coefficients: Sequence[int | PrimeField],
        parts: int,
        run: Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]] | None = None,
    ) -> list[int]:
        """:meth:`coset_ntt`, as ``parts`` independent NTTs of size n = N/parts, one per
        coset sₖH_n, sₖ = g·ω_Nᵏ, whose points are every parts-th point of gH_N from the
        k-th (:func:`subcoset_values`). ``run(function, arguments)`` runs them — on the
        workers with :meth:`zkpot.curve.parallel.PointTable.map`; :meth:`subcoset_tasks`
        and :func:`join_subcosets` are the two halves, for a caller that queues the tasks
        itself."""
        tasks = self.subcoset_tasks(coefficients, parts)
        if run is None:
            return join_subcosets([subcoset_values(*task) for task in tasks])
        return join_subcosets(run(subcoset_values, tasks))

    def subcoset_tasks(
        self, coefficients: Sequence[int | PrimeField], parts: int
    ) -> list[tuple[Any, ...]]:
        """The arguments of :func:`subcoset_values` for each of the ``parts`` cosets
        (:meth:`coset_ntt_by_parts`)."""
        shifts = self._subcoset_shifts(parts)
        ints = self._padded(coefficients)
        while len(ints) > 1 and not ints[-1]:
            ints.pop()  # the zero padding folds to nothing
        return [(self.size // parts, shift, ints, self.field) for shift in shifts]

    def _subcoset_shifts(self, parts: int) -> list[int]:
        """sₖ = g·ω_Nᵏ for k < parts, after checking that ``parts`` splits the domain."""
        N, p = self.size, self.modulus
        if not isinstance(parts, int) or parts < 1 or parts & (parts - 1) or N % parts:
            raise ValueError(f"{parts!r} parts do not split a domain of size {N}")
        g, w = int(self.coset_shift), int(self.omega)
        return [g * pow(w, k, p) % p for k in range(parts)]

    def coset_intt_by_parts(
        self,
        evaluations: Sequence[int | PrimeField],
        parts: int,
        run: Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]] | None = None,
    ) -> list[int]:
        """:meth:`coset_intt`, as ``parts`` independent inverse NTTs of size N/parts and a
        last step of size ``parts`` (the "four-step" split of an NTT of size N = parts·n).

        The coset gH_N is the union of the cosets sₖH_n, sₖ = g·ω_Nᵏ (k < parts), whose
        points are every parts-th value from the k-th: x = sₖ·ω_nⁱ with ω_n = ω_N^parts.
        For t(X) = Σⱼ tⱼXʲ of degree < N, the inverse NTT of size n of those values,
        its m-th coefficient times sₖ⁻ᵐ (:func:`subcoset_coefficients`), is

            vₖ[m] = Σ_q t_(m+qn)·sₖ^(qn) = Σ_q (t_(m+qn)·Gᑫ)·ζ^(kq),   G = gⁿ, ζ = ω_Nⁿ,

        a DFT of size ``parts`` over q (ζ has order parts); its inverse gives every
        t_(m+qn)·Gᑫ. ``run(function, arguments)`` runs the ``parts`` inverse NTTs — on
        the workers with :meth:`zkpot.curve.parallel.PointTable.map` — and the last step,
        ``parts``·log₂(parts) passes over lists of n, runs here.
        """
        N, p = self.size, self.modulus
        shifts = self._subcoset_shifts(parts)
        ints = coefficient_ints(evaluations, self.field)
        if len(ints) != N:
            raise ValueError(f"coset_intt_by_parts needs {N} values, got {len(ints)}")
        n, g, w = N // parts, int(self.coset_shift), int(self.omega)
        tasks = [(n, shifts[k], ints[k::parts], self.field) for k in range(parts)]
        if run is None:
            v = [subcoset_coefficients(*task) for task in tasks]
        else:
            v = run(subcoset_coefficients, tasks)
        # the inverse DFT of size `parts` over q, for every m at once; then ÷ parts·Gᑫ
        w_q = _dft_of_lists(v, pow(w, N - n, p), p)  # ζ⁻¹ = ω_N^(N−n), of order parts
        g_inv_n = pow(pow(g, n, p), -1, p)
        out: list[int] = []
        scale = pow(parts, -1, p)
        for column in w_q:
            out += [x * scale % p for x in column]
            scale = scale * g_inv_n % p
        return out

    def _padded(self, coefficients: Sequence[int | PrimeField]) -> list[int]:
        ints = coefficient_ints(coefficients, self.field)
        if len(ints) > self.size:
            raise ValueError(f"{len(ints)} coefficients do not fit a domain of size {self.size}")
        return ints + [0] * (self.size - len(ints))

    # -- the vanishing polynomial and the Lagrange basis --------------------

    def vanishing_polynomial(self) -> Polynomial:
        """Z_H(X) = Xⁿ − 1, which is zero exactly on H."""
        return Polynomial([-1] + [0] * (self.size - 1) + [1], self.field)

    def evaluate_vanishing(self, z: int | PrimeField) -> PrimeField:
        """Z_H(z) = zⁿ − 1."""
        return self.field(self._scalar(z)) ** self.size - 1

    def _scalar(self, z: object) -> int:
        """z as a canonical int: an int or an element of this domain's field."""
        return coefficient_ints([z], self.field)[0]

    def lagrange_basis(self, z: int | PrimeField) -> list[PrimeField]:
        """[L₀(z), …, Lₙ₋₁(z)], with Lᵢ = 1 at ωⁱ and 0 elsewhere on H.

        Lᵢ(z) = ωⁱ·(zⁿ − 1) / (n·(z − ωⁱ)) for z ∉ H (one batch inversion for all i).
        """
        p, zi = self.modulus, self._scalar(z)
        if zi in self._index:
            return [self.field(int(i == self._index[zi])) for i in range(self.size)]
        numerator = (pow(zi, self.size, p) - 1) * pow(self.size, -1, p) % p
        inverses = batch_inverse([(zi - w) % p for w in self._roots], p)
        return [
            self.field(numerator * w % p * d % p)
            for w, d in zip(self._roots, inverses, strict=True)
        ]

    def lagrange(self, i: int, z: int | PrimeField) -> PrimeField:
        """Lᵢ(z) alone, for 0 ≤ i < n."""
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < self.size:
            raise IndexError(f"Lagrange index {i!r} is not in [0, {self.size})")
        p, zi, w = self.modulus, self._scalar(z), self._roots[i]
        if zi == w:
            return self.field(1)
        if zi in self._index:
            return self.field(0)
        return self.field((pow(zi, self.size, p) - 1) * w * pow(self.size * (zi - w), -1, p))

    @property
    def _index(self) -> dict[int, int]:
        """ωⁱ ↦ i, built on first use."""
        index = self.__dict__.get("_index_cache")
        if index is None:
            index = self.__dict__["_index_cache"] = {w: i for i, w in enumerate(self._roots)}
        return index

    def barycentric_evaluate(
        self, values: Sequence[int | PrimeField], z: int | PrimeField
    ) -> PrimeField:
        """The polynomial with these values on H, evaluated at z, without interpolating:

        f(z) = (zⁿ − 1)/n · Σᵢ fᵢ·ωⁱ/(z − ωⁱ)   (the barycentric formula), or fᵢ if z = ωⁱ.
        """
        ints = coefficient_ints(values, self.field)
        if len(ints) != self.size:
            raise ValueError(f"barycentric_evaluate needs {self.size} values, got {len(ints)}")
        return self.field(
            sum(f * L.value for f, L in zip(ints, self.lagrange_basis(z), strict=True))
        )

    def bit_reverse(self, values: Sequence[Any]) -> list[Any]:
        """The bit-reversal permutation of a length-n list (EIP-4844 stores blobs this way)."""
        if len(values) != self.size:
            raise ValueError(f"bit_reverse needs {self.size} values, got {len(values)}")
        return bit_reverse_permutation(list(values))


class Evaluations:
    """A polynomial in evaluation form: its values on a domain, lowest root first."""

    __slots__ = ("domain", "values")

    def __init__(self, values: Sequence[int | PrimeField], domain: EvaluationDomain) -> None:
        ints = coefficient_ints(values, domain.field)
        if len(ints) != domain.size:
            raise ValueError(f"{domain!r} needs {domain.size} values, got {len(ints)}")
        self.values, self.domain = ints, domain

    @classmethod
    def from_polynomial(cls, poly: Polynomial, domain: EvaluationDomain) -> Self:
        """The values of a polynomial of degree < n on the domain (an NTT)."""
        if poly.field is not domain.field:
            raise FieldMismatchError(f"{poly.field.__name__} polynomial on a {domain!r}")
        return cls(domain.ntt(poly.coeffs), domain)

    def interpolate(self) -> Polynomial:
        """The unique polynomial of degree < n with these values (an inverse NTT)."""
        return Polynomial(self.domain.intt(self.values), self.domain.field)

    def evaluate(self, z: int | PrimeField) -> PrimeField:
        """The value at any z, by the barycentric formula."""
        return self.domain.barycentric_evaluate(self.values, z)

    def _other(self, other: object) -> list[int] | None:
        if isinstance(other, Evaluations):
            if other.domain.field is not self.domain.field:
                ours, theirs = self.domain.field.__name__, other.domain.field.__name__
                raise FieldMismatchError(f"cannot combine evaluations over {ours} and {theirs}")
            if other.domain != self.domain:
                raise ValueError(
                    f"cannot combine evaluations on {self.domain!r} and {other.domain!r}"
                )
            return other.values
        if isinstance(other, Polynomial):
            raise TypeError("cannot combine evaluation form with coefficient form: convert one")
        return None

    def __add__(self, other: object) -> Evaluations:
        b = self._other(other)
        if b is None:
            return NotImplemented
        p = self.domain.modulus
        return Evaluations([(x + y) % p for x, y in zip(self.values, b, strict=True)], self.domain)

    def __sub__(self, other: object) -> Evaluations:
        b = self._other(other)
        if b is None:
            return NotImplemented
        p = self.domain.modulus
        return Evaluations([(x - y) % p for x, y in zip(self.values, b, strict=True)], self.domain)

    def __mul__(self, other: object) -> Evaluations:
        """Pointwise product (the product polynomial, if its degree stays below n), or a scalar."""
        p = self.domain.modulus
        if isinstance(other, int | PrimeField) and not isinstance(other, bool):
            k = coefficient_ints([other], self.domain.field)[0]
            return Evaluations([x * k % p for x in self.values], self.domain)
        b = self._other(other)
        if b is None:
            return NotImplemented
        return Evaluations([x * y % p for x, y in zip(self.values, b, strict=True)], self.domain)

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluations):
            return NotImplemented
        return self.domain == other.domain and self.values == other.values

    __hash__ = None  # type: ignore[assignment]  (mutable-looking container of values)

    def __repr__(self) -> str:
        return (
            f"Evaluations({self.values[:4]}{'…' if self.domain.size > 4 else ''}, {self.domain!r})"
        )


# Module-level forms of the transforms, for worker processes: a task handed to
# zkpot.curve.parallel.PointTable.map travels by name and plain arguments.


def coset_values(
    size: int, coefficients: Sequence[int | PrimeField], field: type[PrimeField] = bn254.Fr
) -> list[int]:
    """``EvaluationDomain(size, field).coset_ntt(coefficients)``."""
    return EvaluationDomain(size, field).coset_ntt(coefficients)


def interpolate(
    size: int, values: Sequence[int | PrimeField], field: type[PrimeField] = bn254.Fr
) -> list[int]:
    """``EvaluationDomain(size, field).intt(values)``."""
    return EvaluationDomain(size, field).intt(values)


def subcoset_values(
    n: int, shift: int, coefficients: Sequence[int], field: type[PrimeField] = bn254.Fr
) -> list[int]:
    """f(s·ωⁱ) for i < n, ω of order n, for f with any number of coefficients: f(s·ωⁱ) =
    Σ_m ω^(im)·Σ_q f_(m+qn)·s^(m+qn) — the coefficients times sʲ, folded mod n (j and
    j + n meet the same ωⁱʲ), then an NTT of size n."""
    p = field.MODULUS
    folded, power = [0] * n, 1
    for j, coefficient in enumerate(coefficients):
        folded[j % n] += coefficient * power
        power = power * shift % p
    return EvaluationDomain(n, field).ntt([x % p for x in folded])


def join_subcosets(values: Sequence[Sequence[int]]) -> list[int]:
    """The values on gH_N from those on its ``len(values)`` cosets sₖH_n
    (:meth:`EvaluationDomain.coset_ntt_by_parts`): the k-th cosets' go to every
    len(values)-th place from the k-th."""
    parts = len(values)
    out = [0] * (parts * len(values[0]))
    for k, part in enumerate(values):
        out[k::parts] = part
    return out


def subcoset_coefficients(
    n: int, shift: int, values: Sequence[int | PrimeField], field: type[PrimeField] = bn254.Fr
) -> list[int]:
    """The inverse NTT of size n of values on the coset s·H_n, its m-th coefficient
    times s⁻ᵐ: for a polynomial of degree < n these are its coefficients; for a longer
    one, the sum of its coefficients of degree m, m + n, m + 2n, … times 1, sⁿ, s²ⁿ, …
    (:meth:`EvaluationDomain.coset_intt_by_parts`)."""
    p = field.MODULUS
    out = EvaluationDomain(n, field).intt(values)
    inverse, power = pow(shift, -1, p), 1
    for m in range(n):
        out[m] = out[m] * power % p
        power = power * inverse % p
    return out


def _dft_of_lists(lists: list[list[int]], root: int, p: int) -> list[list[int]]:
    """[Σₖ listsₖ·root^(kq) for each q], element by element (a radix-2 DFT whose elements
    are lists; len(lists) a power of two and root of that order). Only the products by
    the twiddles are reduced: the sums stay unreduced (and may be negative) for the caller's
    last product to reduce."""
    if len(lists) == 1:
        return lists
    square = root * root % p
    even, odd = _dft_of_lists(lists[0::2], square, p), _dft_of_lists(lists[1::2], square, p)
    half, twiddle = len(lists) // 2, 1
    out: list[list[int]] = [[] for _ in lists]
    for q in range(half):
        turned = odd[q] if twiddle == 1 else [x * twiddle % p for x in odd[q]]
        out[q] = [a + b for a, b in zip(even[q], turned, strict=True)]
        out[q + half] = [a - b for a, b in zip(even[q], turned, strict=True)]
        twiddle = twiddle * root % p
    return out


def next_row(values: list[int], factor: int) -> list[int]:
    """The values of f(ωX) on a coset g·H_N, from f's values there (N = factor·n, ω of
    order n): the points are xⱼ = g·ω_Nʲ and ω = ω_N^factor, so f(ω·xⱼ) = f(x_(j+factor)),
    the list rotated by ``factor``. A prover's "next row" columns need no NTT of their own.

    >>> next_row([0, 1, 2, 3, 4, 5, 6, 7], 4)
    [4, 5, 6, 7, 0, 1, 2, 3]
    """
    return values[factor:] + values[:factor]
