"""snarkjs's JSON formats for PLONK on BN254 ("bn128"): keys, proofs, public signals.

- ``verify(vkey_json, public_signals, proof_json)`` checks a proof made by
  ``snarkjs plonk prove`` against the key ``snarkjs zkey export verificationkey`` wrote.
- ``export_vkey``, ``export_proof``, ``export_public`` write zkpot's in the same JSON,
  which ``snarkjs plonk verify`` accepts.

Numbers are decimal strings; a G1 point is [x, y, z] in Jacobian coordinates
(snarkjs writes z = 1, and [0, 1, 0] for the point at infinity); a G2 point is
[[x₀, x₁], [y₀, y₁], [z₀, z₁]] with x = x₀ + x₁·u.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from zkpot.curve import bn254
from zkpot.curve.point import CurvePoint
from zkpot.errors import ArgumentError, InvalidInput
from zkpot.plonk.keys import VerificationKey
from zkpot.plonk.proof import POINTS, SCALARS, Proof
from zkpot.plonk.verifier import verify as verify_proof

VK_POINTS = ("Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3")


def _int(value: Any, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not a decimal integer") from None


def _field(value: Any, what: str) -> int:
    x = _int(value, what)
    if not 0 <= x < bn254.P:
        raise InvalidInput(f"{what}: coordinate not below p")
    return x


def g1_from_json(obj: Sequence[Any], what: str = "point") -> CurvePoint:
    """A G1 point from [x, y, z] (Jacobian); checked on the curve."""
    if not isinstance(obj, Sequence) or len(obj) != 3:
        raise InvalidInput(f"{what}: a G1 point is [x, y, z]")
    x, y, z = (_field(c, what) for c in obj)
    if z == 0:
        return bn254.G1.identity()
    p = bn254.P
    zi = pow(z, -1, p)
    return bn254.G1(bn254.Fq(x * zi * zi), bn254.Fq(y * zi * zi * zi))  # raises InvalidInput


def g2_from_json(obj: Sequence[Any], what: str = "point") -> CurvePoint:
    """A G2 point from [[x₀, x₁], [y₀, y₁], [z₀, z₁]]; checked on the twist and in G2."""
    pairs = isinstance(obj, Sequence) and all(isinstance(c, Sequence) and len(c) == 2 for c in obj)
    if not pairs or len(obj) != 3:
        raise InvalidInput(f"{what}: a G2 point is [[x0, x1], [y0, y1], [z0, z1]]")
    x, y, z = (bn254.Fq2(_field(c[0], what), _field(c[1], what)) for c in obj)
    if z.is_zero():
        return bn254.G2.identity()
    zi = z.inverse()
    return bn254.G2(x * zi * zi, y * zi * zi * zi)


def g1_to_json(P: CurvePoint) -> list[str]:
    affine = P.affine_raw()
    return ["0", "1", "0"] if affine is None else [str(affine[0]), str(affine[1]), "1"]


def g2_to_json(P: CurvePoint) -> list[list[str]]:
    affine = P.affine_raw()
    if affine is None:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    (x0, x1), (y0, y1) = affine
    return [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]


def _fields(obj: Any, keys: Sequence[str], what: str) -> Mapping[str, Any]:
    """``obj`` if it is a JSON object with every key, else InvalidInput naming the missing ones."""
    if not isinstance(obj, Mapping):
        raise InvalidInput(f"{what} is a JSON object, not {type(obj).__name__}")
    missing = [k for k in keys if k not in obj]
    if missing:
        raise InvalidInput(f"{what} has no {', '.join(map(repr, missing))}")
    return obj


def import_vkey(vkey: Mapping[str, Any]) -> VerificationKey:
    """A :class:`VerificationKey` from snarkjs's JSON (checks protocol, curve and every point).

    Raises:
        InvalidInput: not a snarkjs PLONK key: a field missing or malformed, a point off
            the curve.
    """
    what = "a snarkjs PLONK verification key"
    _fields(vkey, ("protocol", "curve", "power", "nPublic", "k1", "k2", "X_2", *VK_POINTS), what)
    if vkey["protocol"] != "plonk" or vkey["curve"] != "bn128":
        raise InvalidInput("not a snarkjs PLONK verification key on bn128")
    points = {k: g1_from_json(vkey[k], k) for k in VK_POINTS}
    power = _int(vkey["power"], "power")
    if not 1 <= power <= bn254.Fr.TWO_ADICITY:
        raise InvalidInput(f"power {power} out of range")
    vk = VerificationKey(power=power, n_public=_int(vkey["nPublic"], "nPublic"),
                         k1=_int(vkey["k1"], "k1"), k2=_int(vkey["k2"], "k2"),
                         X_2=g2_from_json(vkey["X_2"], "X_2"), **points)  # fmt: skip
    if "w" in vkey and _int(vkey["w"], "w") != vk.omega:
        raise InvalidInput("the key's ω is not the root of unity of its domain")
    return vk


def import_proof(proof: Mapping[str, Any]) -> Proof:
    """A :class:`Proof` from snarkjs's JSON (points checked; scalars kept as given).

    Raises:
        InvalidInput: not a snarkjs PLONK proof: a field missing or malformed, a point
            off the curve.
    """
    _fields(proof, (*POINTS, *SCALARS), "a snarkjs PLONK proof")
    if proof.get("protocol", "plonk") != "plonk":
        raise InvalidInput("not a PLONK proof")
    values: dict[str, Any] = {k: g1_from_json(proof[k], k) for k in POINTS}
    values.update({k: _int(proof[k], k) for k in SCALARS})
    return Proof(**values)


def verify(
    vkey_json: Mapping[str, Any], public_signals: Sequence[Any], proof_json: Mapping[str, Any]
) -> bool:
    """Verify snarkjs JSON as ``snarkjs plonk verify`` does.

    ``False`` for a proof that does not verify, for JSON that does not parse as a key,
    a proof or a list of decimal signals, and, as snarkjs, for a signal not in [0, r)
    or a number of signals other than the key's.
    """
    try:
        vk, proof = import_vkey(vkey_json), import_proof(proof_json)
        public = [_int(x, "public signal") for x in public_signals]
    except (InvalidInput, TypeError):
        return False
    if len(public) != vk.n_public or not all(0 <= x < bn254.R for x in public):
        return False
    return verify_proof(vk, public, proof)


def _snarkjs_configuration(item: VerificationKey | Proof) -> None:
    if item.lookup is not None:
        raise ArgumentError("snarkjs has no lookup configuration: this key or proof uses lookups")
    if item.custom is not None:
        raise ArgumentError("snarkjs has no custom gates: this key or proof uses them")


def export_vkey(vk: VerificationKey) -> dict[str, Any]:
    """snarkjs's ``verification_key.json`` for a zkpot key.

    Raises:
        ArgumentError: a key of the lookup configuration, which snarkjs cannot verify.
    """
    _snarkjs_configuration(vk)
    out: dict[str, Any] = {"protocol": "plonk", "curve": "bn128", "nPublic": vk.n_public,
                           "power": vk.power, "k1": str(vk.k1), "k2": str(vk.k2)}  # fmt: skip
    out.update({k: g1_to_json(getattr(vk, k)) for k in VK_POINTS})
    out["X_2"] = g2_to_json(vk.X_2)
    out["w"] = str(vk.omega)
    return out


def export_proof(proof: Proof) -> dict[str, Any]:
    """snarkjs's ``proof.json`` for a zkpot proof.

    Raises:
        ArgumentError: a proof of the lookup configuration.
    """
    _snarkjs_configuration(proof)
    out: dict[str, Any] = {k: g1_to_json(getattr(proof, k)) for k in POINTS}
    out.update({k: str(getattr(proof, k)) for k in SCALARS})
    out.update(protocol="plonk", curve="bn128")
    return out


def export_public(public_inputs: Sequence[int]) -> list[str]:
    """snarkjs's ``public.json``: the public inputs as decimal strings."""
    return [str(int(x) % bn254.R) for x in public_inputs]
