"""The core never crashes: any body, to create or modify, any list query, any method on any path, gets a
2xx or a well-formed 4xx.

Random JSON mostly fails validation early, so a second strategy builds bodies that are close to
valid (real field names, plausible shapes, wrong values mixed in) to reach the code behind the
schema check. Every 2xx body must still match the response schemas.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from helpers.sandbox_checks import assert_conforms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistantsync.sandbox.core import Settings, handle
from assistantsync.sandbox.protocol import SandboxRequest
from assistantsync.sandbox.records import Store

BETA = {"OpenAI-Beta": "assistants=v2"}
FIELDS = ["model", "name", "description", "instructions", "tools", "tool_resources", "metadata", "temperature",
          "top_p", "response_format", "reasoning_effort", "type", "function", "file_search", "ranking_options",
          "ranker", "score_threshold", "max_num_results", "code_interpreter", "file_ids", "vector_store_ids",
          "vector_stores", "strict", "parameters", "json_schema", "chunking_strategy"]

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
keys = st.sampled_from(FIELDS) | st.text(max_size=8)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner,
                                                                                                  max_size=5),
                           max_leaves=20)

numbers = st.integers(-1, 3) | st.floats(-1, 3, allow_nan=False) | st.none()
tool = st.one_of(
    st.just({"type": "code_interpreter"}),
    st.fixed_dictionaries({"type": st.just("file_search")}, optional={"file_search": st.fixed_dictionaries(
        {}, optional={"max_num_results": st.integers(0, 60) | st.floats(1, 50) | st.none(),
                      "ranking_options": st.fixed_dictionaries({}, optional={
                          "ranker": st.sampled_from(["auto", "default_2024_08_21", "x"]) | st.none(),
                          "score_threshold": numbers})}) | json_values}),
    st.fixed_dictionaries({"type": st.just("function"), "function": st.fixed_dictionaries(
        {"name": st.from_regex(r"[a-z_]{1,10}", fullmatch=True)},
        optional={"strict": st.booleans() | st.none(), "parameters": json_values, "description": st.text()})}),
    json_values,
)
resources = st.fixed_dictionaries({}, optional={
    "code_interpreter": st.fixed_dictionaries({}, optional={"file_ids": st.lists(st.text(max_size=5), max_size=3)}),
    "file_search": st.fixed_dictionaries({}, optional={
        "vector_store_ids": st.lists(st.text(max_size=5), max_size=2),
        "vector_stores": st.lists(st.fixed_dictionaries({}, optional={"file_ids": st.lists(st.text())}),
                                  max_size=2)}),
}) | st.none() | json_values
near_valid = st.fixed_dictionaries({}, optional={
    "model": st.text(max_size=10) | st.none(),
    "name": st.text(max_size=300) | st.none(),
    "instructions": st.text() | st.none(),
    "tools": st.lists(tool, max_size=4) | st.none(),
    "tool_resources": resources,
    "metadata": st.dictionaries(st.text(max_size=70), st.text(max_size=5), max_size=17) | st.none() | json_values,
    "temperature": numbers,
    "top_p": numbers,
    "response_format": st.sampled_from(["auto", "none", {"type": "text"}, {"type": "json_object"}, None]) | json_values,
    "reasoning_effort": st.sampled_from(["low", "high", "huge", None]),
})
with_model = near_valid.map(lambda body: {"model": "gpt-4o", **body})  # creates that get past `model`
bodies = near_valid | with_model | st.dictionaries(keys, json_values, max_size=6) | json_values


def fresh() -> tuple[Store, Settings, str]:
    """A store holding one assistant, so modify has a real target."""
    counter = itertools.count()
    config = Settings(clock=lambda: 1_700_000_000, new_id=lambda prefix: f"{prefix}{next(counter):024d}")
    store = Store()
    created = handle(store, SandboxRequest("POST", "/v1/assistants", {}, BETA, b'{"model": "m"}'), config)
    return store, config, created.body["id"]


def send(method: str, body: bytes, *, modify: bool) -> None:
    store, config, assistant_id = fresh()
    path = f"/v1/assistants/{assistant_id}" if modify else "/v1/assistants"
    response = handle(store, SandboxRequest(method, path, {}, BETA, body), config)
    assert 200 <= response.status < 300 or 400 <= response.status < 500, response
    assert_conforms(response.status, response.body)
    response.content()  # whatever was stored must encode back to JSON
    listed = handle(store, SandboxRequest("GET", "/v1/assistants", {}, BETA), config)
    assert listed.status == 200
    assert_conforms(listed.status, listed.body)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(body=bodies, modify=st.booleans())
def test_any_json_body_gets_a_2xx_or_a_well_formed_4xx(body: Any, modify: bool) -> None:
    send("POST", json.dumps(body).encode(), modify=modify)


@FAST
@given(raw=st.binary(max_size=200), modify=st.booleans())
def test_any_bytes_get_a_2xx_or_a_well_formed_4xx(raw: bytes, modify: bool) -> None:
    send("POST", raw, modify=modify)


@FAST
@given(body=with_model)
def test_a_valid_create_round_trips_through_get(body: Any) -> None:
    store, config, _ = fresh()
    created = handle(store, SandboxRequest("POST", "/v1/assistants", {}, BETA, json.dumps(body).encode()), config)
    if created.status == 200:
        path = f"/v1/assistants/{created.body['id']}"
        assert handle(store, SandboxRequest("GET", path, {}, BETA), config).body == created.body


ids = st.sampled_from([f"asst_{n:024d}" for n in range(4)]) | st.text(max_size=12)
query_values = ids | st.sampled_from(["asc", "desc", "", " 5", "+3", "-1", "0", "100", "101", "1" * 30]) \
    | st.integers(-3, 120).map(str)
queries = st.dictionaries(st.sampled_from(["limit", "order", "after", "before"]) | st.text(max_size=6), query_values,
                          max_size=4)


def store_of(count: int) -> tuple[Store, Settings]:
    """`count` assistants, ids asst_000...0 upwards, created in that order."""
    counter = itertools.count()
    config = Settings(clock=lambda: 1_700_000_000, new_id=lambda prefix: f"{prefix}{next(counter):024d}")
    store = Store()
    for _ in range(count):
        created = handle(store, SandboxRequest("POST", "/v1/assistants", {}, BETA, b'{"model": "m"}'), config)
        assert created.status == 200
    return store, config


@FAST
@given(query=queries, count=st.integers(0, 4))
def test_any_list_query_gets_a_page_or_a_well_formed_4xx(query: dict[str, str], count: int) -> None:
    store, config = store_of(count)
    response = handle(store, SandboxRequest("GET", "/v1/assistants", query, BETA), config)
    assert response.status in (200, 400), response
    assert_conforms(response.status, response.body)
    if response.status == 200:
        listed = [item["id"] for item in response.body["data"]]
        assert len(listed) == len(set(listed)) <= min(int(query.get("limit", "20").strip()), count)


paths = st.one_of(
    st.text(max_size=30),
    st.builds(lambda base, tail: base + tail,
              st.sampled_from(["/v1/assistants", "/v1/assistants/", "/openai/assistants/", "/assistants/",
                               "/api/projects/p/assistants/"]),
              st.text(max_size=20) | ids | st.sampled_from(["%00", "%", "%zz", "..", "a/b", "asst_x/"])),
)


@FAST
@given(method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"]), path=paths,
       body=st.binary(max_size=40) | bodies.map(lambda body: json.dumps(body).encode()), count=st.integers(0, 2))
def test_any_method_and_path_gets_a_2xx_or_a_well_formed_4xx(method: str, path: str, body: bytes, count: int) -> None:
    store, config = store_of(count)
    response = handle(store, SandboxRequest(method, path, {}, BETA, body), config)
    assert 200 <= response.status < 300 or 400 <= response.status < 500, response
    assert_conforms(response.status, response.body)
    response.content()
