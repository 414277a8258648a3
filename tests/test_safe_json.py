"""JSON from outside: bounded before the parser sees it, so no input can crash a process."""

from __future__ import annotations

import pytest

from zkpot.errors import InvalidInput
from zkpot.safe_json import loads, nesting


@pytest.mark.parametrize(
    ("data", "match"),
    [(b"[" * 500_000, "nested"), (b'{"a": NaN}', "not JSON"), (b"\xff", "not JSON"),
     (b" " * (2 << 20), "bytes"), (b"[1,", "not JSON")],
)  # fmt: skip
def test_bad_json_is_an_invalid_input(data: bytes, match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        loads(data)


def test_limits_are_the_callers() -> None:
    assert loads("[[[1]]]", max_depth=3) == [[[1]]]
    with pytest.raises(InvalidInput, match="nested"):
        loads("[[[1]]]", max_depth=2)
    with pytest.raises(InvalidInput, match="bytes"):
        loads("[1, 2, 3]", max_bytes=4)
    assert nesting(b'"[[[["') == 0 and nesting(rb'["\\"", []]') == 2


@pytest.mark.parametrize(
    "data", [b'{"a": 1, "a": 1}', b'{"a": 1, "b": {"c": 2, "c": 3}}', b'[{"x": 0, "y": 1, "x": 2}]']
)
def test_a_key_twice_in_one_object_is_refused(data: bytes) -> None:
    """The standard library keeps the last value; another parser may keep the first: one
    file, two readings. Refused, wherever the object is."""
    with pytest.raises(InvalidInput, match="appears twice"):
        loads(data)
    assert loads(b'{"a": {"a": 1}, "b": [{"a": 2}]}') == {"a": {"a": 1}, "b": [{"a": 2}]}
