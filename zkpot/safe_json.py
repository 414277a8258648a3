"""JSON from untrusted bytes: bounded in size and nesting before the parser sees it.

The standard library's C parser recurses once per level of nesting, so a megabyte of
``[`` overflows the interpreter's stack and kills the process — no exception to catch.
Every JSON that reaches zkpot from outside (a contribution file, a genesis, a chain
message) goes through :func:`loads`, which measures the nesting first, and refuses an
object that names one key twice: the standard library keeps the last value, so a file
could show one value to a reader (or another parser, which keeps the first) and another
to zkpot.

>>> loads(b'{"a": [1, 2]}')
{'a': [1, 2]}
>>> nesting(b'{"a": "[[[", "b": [{}]}')
3
>>> loads(b'{"a": 1, "a": 2}')
Traceback (most recent call last):
  ...
zkpot.errors.InvalidInput: not JSON: the key 'a' appears twice in one object
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from zkpot.errors import InvalidInput

MAX_BYTES = 1 << 20
"""The largest JSON accepted by default: 1 MiB."""

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects accepted by default."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
r"""A JSON string: runs of plain characters between escapes. (Written as the alternation
``"(?:[^"\\]|\\.)*"``, Python's regex engine keeps state for every character: 146 MB to
scan a 1 MiB string. This form keeps none.)"""
_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1


def nesting(data: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text, brackets in strings not counted."""
    outside = np.frombuffer(_STRING.sub(b'""', bytes(data)), dtype=np.uint8)
    return int(np.cumsum(_STEP[outside], dtype=np.int64).max(initial=0))


def loads(data: bytes | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON, refusing NaN and infinities, duplicate keys, more than ``max_bytes`` bytes
    or more than ``max_depth`` levels of nesting.

    Raises:
        InvalidInput: naming what is wrong.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise InvalidInput(f"{len(raw)} bytes of JSON: more than the {max_bytes} allowed")
    if nesting(raw) > max_depth:
        raise InvalidInput(f"JSON nested more than {max_depth} levels deep")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constant,
                          object_pairs_hook=_unique)  # fmt: skip
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidInput(f"not JSON: {str(error)[:80]}") from None


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object from its key-value pairs, refusing a key that appears twice."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"the key {key!r:.40} appears twice in one object")
        obj[key] = value
    return obj


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


__all__ = ["MAX_BYTES", "MAX_DEPTH", "loads", "nesting"]
