"""JSON from outside: bounded before the parser sees it, so no input can crash a process."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_scanning_a_long_string_takes_little_memory() -> None:
    """A node reads 1 MiB messages from anyone: scanning one for its nesting took a 146 MB
    peak (the regex engine's state per character of a string); now a few MiB."""
    data = b'{"a":"' + b"ab" * (1 << 19) + b'","b":["x\\\\\\"]"]}'
    tracemalloc.start()
    try:
        assert nesting(data) == 2
        assert tracemalloc.get_traced_memory()[1] < 8 << 20
    finally:
        tracemalloc.stop()


@given(st.lists(st.sampled_from(['"', "\\", "a", "[", "]", "{", "}", ","]), max_size=24))
def test_nesting_skips_exactly_the_strings(chars: list[str]) -> None:
    """The nesting count against a character-by-character reading of the same text."""
    text = "".join(chars)
    depth = deepest = 0
    inside = escaped = False
    for ch in text:
        if inside:
            inside, escaped = (True, False) if escaped else (ch != '"', ch == "\\")
        elif ch == '"':
            inside = True
        else:
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(ch, 0)
            deepest = max(deepest, depth)
    if not inside:  # (an unterminated string is not JSON: the parser refuses it anyway)
        assert nesting(text.encode()) == deepest
