"""The list and get fast paths: cached ranking, shared (uncopied) records, pre-encoded bodies.

Each must be invisible: the bytes are those of `json.dumps(body)`, the pages those of the plain
sort-and-slice the endpoint used to do (kept here as the oracle), and a write is seen at once.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistantsync.sandbox.core import Settings, handle
from assistantsync.sandbox.protocol import ErrorReply, SandboxRequest, SandboxResponse, encode_with
from assistantsync.sandbox.records import Store, StoredAssistant

BETA = {"OpenAI-Beta": "assistants=v2"}
ODD_BODIES: list[dict[str, Any]] = [
    {"model": "gpt-4o", "name": "Bøt ✓ 🤖 \u2028", "instructions": "naïve \"q\" \\ </script>\x00\x7f",
     "temperature": 0.3, "top_p": 1, "description": None, "metadata": {"ключ": "значение"},
     "tools": [{"type": "function", "function": {"name": "f", "parameters": {
         "type": "object", "properties": {"x": {"type": ["number", "null"], "default": 1.5e-7, "max": 1e300}}}}}],
     "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {"a": [1, 2.0, None, True]}}}},
    {"model": "gpt-4o", "tools": [{"type": "file_search", "file_search": {"max_num_results": 5.0}},
                                  {"type": "code_interpreter"}],
     "tool_resources": {"file_search": {"vector_stores": [{}]}, "code_interpreter": {"file_ids": ["f1"]}}},
    {"model": "gpt-4o-mini", "name": None, "reasoning_effort": "low", "temperature": 2},
]


def call(store: Store, method: str, path: str, body: Any = None, **query: str) -> SandboxResponse:
    raw = b"" if body is None else json.dumps(body).encode()
    return handle(store, SandboxRequest(method, path, query, BETA, raw), SETTINGS)


_ids = itertools.count()
SETTINGS = Settings(clock=lambda: 1_700_000_000 + next(_ids) % 4, new_id=lambda prefix: f"{prefix}{next(_ids):024d}")


@pytest.fixture
def odd() -> Store:
    store = Store()
    for body in ODD_BODIES * 4:
        assert call(store, "POST", "/v1/assistants", body).status == 200
    return store


@pytest.mark.parametrize("query", [{}, {"order": "asc"}, {"limit": "3"}, {"order": "asc", "limit": "1"},
                                   {"limit": "100"}])
def test_a_list_page_is_sent_exactly_as_json_dumps_writes_its_body(odd: Store, query: dict[str, str]) -> None:
    response = call(odd, "GET", "/v1/assistants", **query)
    assert response.encoded is not None  # the fast path ran
    assert response.content() == json.dumps(response.body).encode("ascii")
    assert json.loads(response.content()) == response.body


def test_get_create_and_modify_are_sent_exactly_as_json_dumps_writes_them(odd: Store) -> None:
    for record in odd.in_creation_order():
        path = f"/v1/assistants/{record.public['id']}"
        for response in (call(odd, "GET", path), call(odd, "POST", path, {"metadata": {"é": "1"}, "top_p": 0.5}),
                         call(odd, "POST", "/v1/assistants", ODD_BODIES[0])):
            assert response.encoded is not None and response.status == 200
            assert response.content() == json.dumps(response.body).encode("ascii")


def test_an_empty_page_and_odd_values_encode_like_dumps() -> None:
    body: dict[str, Any] = {"é": None, "data": [], "n": 1.0, "big": 10**30, "x": [{"a": float("inf")}]}
    assert encode_with(body, {"data": []}) == json.dumps(body).encode("ascii")
    assert encode_with({}, {}) == b"{}"
    items = [{"k": "ü"}, [None, 2.5]]
    assert encode_with({"data": items}, {"data": [json.dumps(i).encode() for i in items]}) == json.dumps(
        {"data": items}).encode()


def test_a_modify_replaces_the_record_so_earlier_bodies_and_encodings_stay_true(odd: Store) -> None:
    first = odd.in_creation_order()[0]
    before = call(odd, "GET", f"/v1/assistants/{first.public['id']}")
    snapshot, page = json.dumps(before.body), call(odd, "GET", "/v1/assistants", order="asc", limit="100")
    assert call(odd, "POST", f"/v1/assistants/{first.public['id']}", {"name": "renamed", "tools": []}).status == 200
    assert json.dumps(before.body) == snapshot and before.content() == snapshot.encode()  # not mutated in place
    after = call(odd, "GET", "/v1/assistants", order="asc", limit="100")
    assert after.body["data"][0]["name"] == "renamed" != page.body["data"][0]["name"]
    assert after.content() == json.dumps(after.body).encode("ascii")


def test_every_write_moves_the_ranking() -> None:
    store = Store([record(n, created_at=10 - n) for n in range(3)])
    assert listed(store) == ["asst_2", "asst_1", "asst_0"]
    store.put(record(1, created_at=0))  # a replaced record keeps its creation slot; its new time ranks it
    assert listed(store) == ["asst_1", "asst_2", "asst_0"]
    store.remove("asst_2")
    assert listed(store) == ["asst_1", "asst_0"]
    assert call(store, "GET", "/v1/assistants", after="asst_2").status == 400  # the removed id is no cursor
    store.put(record(7, created_at=0))
    assert listed(store) == ["asst_1", "asst_7", "asst_0"]  # ties keep creation order
    store.clear()
    assert listed(store) == []


def record(n: int, created_at: int) -> StoredAssistant:
    return StoredAssistant({"id": f"asst_{n}", "object": "assistant", "created_at": created_at})


def listed(store: Store) -> list[str]:
    return [item["id"] for item in call(store, "GET", "/v1/assistants", order="asc").body["data"]]


def old_page(store: Store, query: dict[str, str], limit: int) -> dict[str, Any]:
    """The endpoint as it was: sort every record, index the cursor in a list, slice."""
    records = store.in_creation_order()
    ranked = [r for _, r in sorted(enumerate(records), key=lambda pair: (pair[1].public["created_at"], pair[0]))]
    if query.get("order", "desc") == "desc":
        ranked.reverse()
    ids = [r.public["id"] for r in ranked]
    start, end = 0, len(ranked)
    for param in ("after", "before"):
        if param in query and query[param] not in ids:
            raise ErrorReply(400, param)
    if "after" in query:
        start = ids.index(query["after"]) + 1
    if "before" in query:
        end = ids.index(query["before"])
    window = ranked[start:end] if start < end else []
    page = window[-limit:] if "before" in query and "after" not in query else window[:limit]
    data = [r.public for r in page]
    return {"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None, "has_more": len(window) > limit}


cursors = st.none() | st.integers(0, 12).map(lambda n: f"asst_{n}")
queries = st.fixed_dictionaries({"limit": st.integers(1, 5).map(str)}, optional={
    "order": st.sampled_from(["asc", "desc"]), "after": cursors.filter(bool), "before": cursors.filter(bool)})
writes = st.tuples(st.sampled_from(["put", "remove"]), st.integers(0, 12), st.integers(0, 3))


@given(times=st.lists(st.integers(0, 3), max_size=12), steps=st.lists(queries | writes, min_size=1, max_size=6))
def test_pages_match_the_plain_sort_and_slice(times: list[int], steps: list[Any]) -> None:
    """Queries on one store, with writes between them: every page is the old one, byte for byte."""
    store = Store([record(n, created_at) for n, created_at in enumerate(times)])
    for step in steps:
        if isinstance(step, tuple):
            action, n, created_at = step
            if action == "put":
                store.put(record(n, created_at))
            elif f"asst_{n}" in store:
                store.remove(f"asst_{n}")
            continue
        response = call(store, "GET", "/v1/assistants", **step)
        try:
            expected = old_page(store, step, int(step["limit"]))
        except ErrorReply as error:
            assert (response.status, response.body["error"]["param"]) == (400, str(error))
            continue
        assert (response.status, response.body) == (200, expected)
        assert response.content() == json.dumps(expected).encode("ascii")
