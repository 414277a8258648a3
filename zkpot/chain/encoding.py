"""Canonical JSON: the one byte string each chain object is hashed, signed and sent as.

Every object of the chain (genesis, contribution, block, vote, …) is a JSON object
whose canonical form is ``json.dumps(obj, sort_keys=True, separators=(",", ":"),
ensure_ascii=True)``: keys sorted, no spaces, ASCII only. Field elements and other big
numbers are decimal strings (readable in any language, whose JSON numbers may be
doubles), byte strings are lowercase hex. A message that is not canonical — other
spacing, key order, a number where a string belongs — is refused, so that one object
has exactly one encoding and one hash.

>>> canonical({"b": 1, "a": "x"})
b'{"a":"x","b":1}'
>>> decode(b'{"a":"x","b":1}')
{'a': 'x', 'b': 1}
>>> digest({"b": 1, "a": "x"}).hex()[:16]
'9a77131ee4d58f39'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from zkpot import safe_json
from zkpot.errors import InvalidInput
from zkpot.field.bn254 import R
from zkpot.hash.keccak import keccak256

MAX_MESSAGE_BYTES = 1 << 20
"""The largest message a node accepts: 1 MiB (a block of a hundred contributions fits)."""

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a message may have (the chain's use 4).
Checked before parsing (:mod:`zkpot.safe_json`): the standard library's C parser
recurses once per level, and a megabyte of ``[`` would kill the node."""

_DECIMAL = re.compile(r"0|[1-9][0-9]{0,99}")
_HEX = re.compile(r"(?:[0-9a-f]{2})*")


class MessageError(InvalidInput):
    """A message that does not parse, is not canonical, or breaks a format's rules."""


def canonical(obj: Mapping[str, Any]) -> bytes:
    """The canonical encoding of a JSON object."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def digest(obj: Mapping[str, Any]) -> bytes:
    """Keccak-256 of the canonical encoding: an object's identity."""
    return keccak256(canonical(obj))


def decode(data: bytes) -> dict[str, Any]:
    """A canonical JSON object from bytes.

    Raises:
        MessageError: too long, not UTF-8 JSON, not an object, or not canonical.
    """
    if not isinstance(data, bytes | bytearray):
        raise MessageError(f"a message is bytes, not {type(data).__name__}")
    if len(data) > MAX_MESSAGE_BYTES:
        raise MessageError(f"{len(data)} bytes: more than the {MAX_MESSAGE_BYTES} allowed")
    if not bytes(data).isascii():
        raise MessageError("not ASCII: canonical JSON escapes every other character")
    try:
        obj = safe_json.loads(data, max_bytes=MAX_MESSAGE_BYTES, max_depth=MAX_DEPTH)
    except InvalidInput as error:
        raise MessageError(str(error)) from None
    if not isinstance(obj, dict):
        raise MessageError(f"a message is a JSON object, not {type(obj).__name__}")
    if canonical(obj) != bytes(data):
        raise MessageError("not in canonical form (sorted keys, no spaces)")
    return obj


# -- reading fields -------------------------------------------------------------------------


def fields(obj: object, names: tuple[str, ...], what: str) -> dict[str, Any]:
    """``obj`` as a dict with exactly the keys ``names``.

    Raises:
        MessageError: otherwise, naming the missing or unknown keys.
    """
    if not isinstance(obj, Mapping):
        raise MessageError(f"{what}: expected an object, got {type(obj).__name__}")
    missing, extra = set(names) - set(obj), set(obj) - set(names)
    if missing or extra:
        raise MessageError(f"{what}: missing {sorted(missing)}, unknown {sorted(extra)}")
    return dict(obj)


def read_int(value: object, what: str, *, low: int = 0, high: int = (1 << 63) - 1) -> int:
    """A JSON integer in [low, high] (booleans are not integers)."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise MessageError(f"{what}: an integer in {low} … {high}, got {value!r:.80}")
    return value


def read_list(value: object, what: str, *, most: int = 4096, least: int = 0) -> list[Any]:
    """A JSON array of ``least`` … ``most`` entries."""
    if not isinstance(value, list) or not least <= len(value) <= most:
        raise MessageError(f"{what}: a list of {least} … {most} entries")
    return value


def read_field(value: object, what: str) -> int:
    """A field element of Fr written as a canonical decimal string."""
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value) or int(value) >= R:
        raise MessageError(f"{what}: a decimal string below r, got {value!r:.80}")
    return int(value)


def read_hex(
    value: object, what: str, *, length: int | None = None, max_length: int | None = None
) -> bytes:
    """Bytes written as lowercase hex, of ``length`` bytes if given, of at most
    ``max_length`` if given (checked on the text, before anything is converted)."""
    if max_length is not None and isinstance(value, str) and len(value) > 2 * max_length:
        raise MessageError(f"{what}: at most {max_length} bytes, got {len(value) // 2}")
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise MessageError(f"{what}: lowercase hex, got {value!r:.80}")
    data = bytes.fromhex(value)
    if length is not None and len(data) != length:
        raise MessageError(f"{what}: {length} bytes, got {len(data)}")
    return data


__all__ = ["MAX_DEPTH", "MAX_MESSAGE_BYTES", "MessageError", "canonical", "decode", "digest",
           "fields", "read_field", "read_hex", "read_int", "read_list"]  # fmt: skip
