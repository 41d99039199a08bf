"""list_tail: the cursor a list body gives away in its last bytes, or None where it cannot be told for sure."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistantsync.api.pages import Tail, list_tail


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"object":"list","data":[{"id":"asst_1"}],"first_id":"asst_1","last_id":"asst_1","has_more":true}',
     Tail("asst_1", True)),
    (b'{"data": [], "last_id": "asst_9", "has_more": false}', Tail("asst_9", False)),
    (b'{"data": [],\n  "last_id" : "asst_9" ,\r\n  "has_more" :\ttrue\n}\n', Tail("asst_9", True)),
    ('{"data": [], "last_id": "asst_\u00e9", "has_more": true}'.encode(), Tail("asst_\u00e9", True)),
    # Not the top level's last two members, or not a plain cursor: decoded first, as any list.
    (b'{"data": [], "has_more": true, "last_id": "asst_9"}', None),
    (b'{"data": [], "last_id": null, "has_more": false}', None),
    (b'{"data": [], "last_id": "asst_\\"9", "has_more": true}', None),
    (b'{"data": [], "last_id": "", "has_more": true}', None),
    (b'{"data": [], "last_id": "asst_9", "has_more": "yes"}', None),
    (b'{"data": [], "last_id": "asst_9",\x0c"has_more": true}', None),  # a form feed is no JSON whitespace
    (b'{"data": [{"last_id": "asst_9", "has_more": true}]}', None),
    (b'{"data": [{"x": "a\\", \\"last_id\\": \\"asst_9\\", \\"has_more\\": true}"}]}', None),
    (b'{"last_id": "asst_9", "has_more": true}', None),  # no comma before: not a list page's shape
    (b'{"data": [], "last_id": "asst_\xff", "has_more": true}', None),  # not UTF-8
    (b'', None),
    (b'not json at all', None),
])
def test_the_tail_of_a_list_body(body: bytes, expected: Tail | None) -> None:
    assert list_tail(body) == expected


def test_a_tail_found_is_what_decoding_the_whole_body_gives() -> None:
    body = json.dumps({"object": "list", "data": [{"id": "asst_1", "instructions": '", "last_id": "x'}],
                       "first_id": "asst_1", "last_id": "asst_1", "has_more": True}, indent=2).encode()
    decoded = json.loads(body)
    assert list_tail(body) == Tail(decoded["last_id"], decoded["has_more"])


def test_only_the_last_bytes_are_searched() -> None:
    padding = b" " * 600
    assert list_tail(b'{"data": [], "last_id": "asst_9", "has_more": true' + padding + b"}") is None
    assert list_tail(b'{"data": [' + b"0," * 10_000 + b'0], "last_id": "asst_9", "has_more": true}') == \
        Tail("asst_9", True)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["asst_1", "asst_\u00e9"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10)
_member = st.tuples(st.sampled_from(["data", "last_id", "has_more", "first_id", 'has_more"', "x"]), _json)
_CURSORS = ["asst_1", "asst_\u00e9", 'asst_"q', "asst 2"]
_tails = st.lists(st.tuples(st.sampled_from(["last_id", "has_more"]), _json), max_size=3) | st.tuples(
    st.sampled_from(_CURSORS), st.booleans()).map(lambda pair: [("last_id", pair[0]), ("has_more", pair[1])])


@settings(max_examples=500)
@given(members=st.lists(_member, max_size=5), tail=_tails, space=st.sampled_from(["", " ", "\n  "]),
       ascii_only=st.booleans())
def test_a_tail_found_in_any_json_object_is_what_decoding_gives(members: list[tuple[str, object]],
                                                                 tail: list[tuple[str, object]], space: str,
                                                                 ascii_only: bool) -> None:
    # Written member by member, so a key may repeat (json.loads keeps the last) and any order occurs.
    encoded = [(key, json.dumps(value, ensure_ascii=ascii_only)) for key, value in members + tail]
    body = ("{" + space + f",{space}".join(f"{json.dumps(key)}:{space}{value}" for key, value in encoded)
            + space + "}").encode()
    found = list_tail(body)
    if found is not None:
        decoded = json.loads(body)
        assert (decoded["last_id"], decoded["has_more"]) == (found.cursor, found.has_more)
    # A list page's own ending, after other members, with a cursor written without escapes: always found.
    if members and [key for key, _ in tail] == ["last_id", "has_more"] and tail[0][1] in _CURSORS \
            and isinstance(tail[1][1], bool) and "\\" not in encoded[-2][1]:
        assert found == Tail(str(tail[0][1]), tail[1][1])
