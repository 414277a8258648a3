"""Hypothesis strategies and the list of fields every property test runs against."""

from __future__ import annotations

from hypothesis import strategies as st

from zkpot.field import ExtensionField, PrimeField, bls12_381, bn254, prime_field

# A small field with p ≡ 1 (mod 4) and a large 2-adicity (p − 1 = 2⁴·5·…): it
# exercises the general Tonelli–Shanks path with many loop iterations.
F_97 = prime_field("F97", 97, generator=5)

PRIME_FIELDS = [bn254.Fq, bn254.Fr, bls12_381.Fq, bls12_381.Fr, F_97]
EXTENSION_FIELDS = [
    bn254.Fq2,
    bn254.Fq6,
    bn254.Fq12,
    bls12_381.Fq2,
    bls12_381.Fq6,
    bls12_381.Fq12,
]
ALL_FIELDS = PRIME_FIELDS + EXTENSION_FIELDS


def field_id(field: type) -> str:
    module = field.__module__.rsplit(".", 1)[-1]
    return f"{module}.{field.__name__}" if module in ("bn254", "bls12_381") else field.__name__


def coefficient(p: int) -> st.SearchStrategy[int]:
    """Ints in [0, p), with the edges 0, 1, p − 1 and small values favoured."""
    return st.one_of(st.sampled_from([0, 1, 2, p - 1]), st.integers(0, p - 1))


def elements(field: type) -> st.SearchStrategy:
    """Elements of ``field``, including ones with many zero coefficients."""
    if issubclass(field, PrimeField):
        return coefficient(field.MODULUS).map(field)
    assert issubclass(field, ExtensionField)
    p = field.MODULUS
    return st.lists(coefficient(p), min_size=field.DEGREE, max_size=field.DEGREE).map(
        field.from_flat
    )


def nonzero_elements(field: type) -> st.SearchStrategy:
    return elements(field).filter(bool)
