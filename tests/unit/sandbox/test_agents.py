"""The Foundry agents API core (agents.py): versions, "new version only if changed", paging, error shapes.

Bodies are compared whole; the clock is the `now` each call passes, so every timestamp is literal.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistantsync.sandbox.agent_records import AgentStore
from assistantsync.sandbox.agents import handle_agents
from assistantsync.sandbox.protocol import SandboxRequest, SandboxResponse

T0 = 1_767_225_600
PROMPT: dict[str, Any] = {"kind": "prompt", "model": "gpt-4.1", "instructions": "You are a support assistant."}
CONCISE: dict[str, Any] = {**PROMPT, "instructions": "You are a concise support assistant."}


def call(store: AgentStore, method: str, path: str, body: Any = None, now: int = T0,
         query: dict[str, str] | None = None) -> SandboxResponse:
    raw = b"" if body is None else json.dumps(body).encode()
    return handle_agents(store, SandboxRequest(method, path, query or {}, {}, raw), now=now)


def version(name: str, number: str, definition: dict[str, Any], created_at: int = T0,
            metadata: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"object": "agent.version", "id": f"{name}:{number}", "name": name, "version": number,
            "metadata": metadata or {}, "created_at": created_at, "definition": definition, "status": "active",
            **extra}


def agent(latest: dict[str, Any]) -> dict[str, Any]:
    name = latest["name"]
    return {"object": "agent", "id": name, "name": name, "state": "enabled", "versions": {"latest": latest}}


def error(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}


def with_agents(*names: str) -> AgentStore:
    store = AgentStore()
    for offset, name in enumerate(names):
        definition = {"kind": "workflow"} if name.startswith("flow") else PROMPT
        assert call(store, "POST", "/agents", {"name": name, "definition": definition}, now=T0 + offset).status == 200
    return store


def test_create_returns_the_agent_with_its_first_version() -> None:
    body = {"name": "support-bot", "description": "Tier-1 support", "metadata": {"team": "support"},
            "definition": PROMPT}
    response = call(AgentStore(), "POST", "/api/projects/_project/agents", body)
    assert (response.status, response.body) == (200, agent(version(
        "support-bot", "1", PROMPT, metadata={"team": "support"}, description="Tier-1 support")))


# (what the second write sends, the version it makes or keeps, and when that version was made)
BASE: dict[str, Any] = {**PROMPT, "temperature": 1}
UPDATES: list[tuple[str, str, dict[str, Any], str, int]] = [
    ("same definition", "/agents/bot", {"definition": BASE}, "1", T0),
    ("same definition, keys reordered", "/agents/bot", {"definition": dict(reversed(BASE.items()))}, "1", T0),
    # Only the definition is compared (COMPARED_FIELDS): description and metadata alone make no version.
    ("description and metadata only", "/agents/bot",
     {"definition": BASE, "description": "new", "metadata": {"k": "v"}}, "1", T0),
    ("changed instructions", "/agents/bot", {"definition": CONCISE}, "2", T0 + 5),
    ("1 and 1.0 differ", "/agents/bot", {"definition": {**BASE, "temperature": 1.0}}, "2", T0 + 5),
    ("create again, unchanged", "/agents", {"name": "bot", "definition": BASE}, "1", T0),
    ("create again, changed", "/agents", {"name": "bot", "definition": CONCISE}, "2", T0 + 5),
]


@pytest.mark.parametrize(("case", "path", "body", "expected_version", "created_at"), UPDATES)
def test_an_update_makes_a_version_only_when_the_definition_changed(
    case: str, path: str, body: dict[str, Any], expected_version: str, created_at: int
) -> None:
    store = AgentStore()
    call(store, "POST", "/agents", {"name": "bot", "definition": BASE})
    first = version("bot", "1", BASE)
    response = call(store, "POST", path, body, now=T0 + 5)
    latest = response.body["versions"]["latest"]
    assert (response.status, latest["version"], latest["created_at"]) == (200, expected_version, created_at)
    expected_latest = first if expected_version == "1" else version(
        "bot", "2", body["definition"], created_at=T0 + 5)
    assert response.body == agent(expected_latest)
    assert call(store, "GET", "/agents/bot").body == agent(expected_latest)
    assert call(store, "GET", "/agents/bot/versions/1").body == first  # versions are immutable


def test_post_versions_always_makes_a_version_and_creates_a_missing_agent() -> None:
    store = AgentStore()
    made = [call(store, "POST", "/agents/bot/versions", {"definition": PROMPT}, now=T0 + n).body for n in range(2)]
    assert made == [version("bot", "1", PROMPT), version("bot", "2", PROMPT, created_at=T0 + 1)]
    assert call(store, "GET", "/agents/bot/versions", query={"order": "asc"}).body == {
        "data": made, "first_id": "bot:1", "last_id": "bot:2", "has_more": False}


NAMES_OK = ["a", "7", "MyAgent", "a-b", "a--b", "x" * 63, "1-2"]


@pytest.mark.parametrize("name", NAMES_OK)
def test_names_that_keep_the_rules_are_accepted(name: str) -> None:
    assert call(AgentStore(), "POST", "/agents", {"name": name, "definition": PROMPT}).body["id"] == name


RULES = "must start and end with a letter or digit and contain only letters, digits and hyphens"
BAD_NAMES: list[tuple[Any, str]] = [
    ("", RULES), ("-a", RULES), ("a-", RULES), ("a_b", RULES), ("a b", RULES), ("é", RULES), ("a.b", RULES),
    ("x" * 64, "must not exceed 63 characters"), (5, "must be a string"), (None, "must be a string"),
]


@pytest.mark.parametrize(("name", "problem"), BAD_NAMES)
def test_names_that_break_the_rules_are_a_400_naming_the_rule(name: Any, problem: str) -> None:
    store = AgentStore()
    response = call(store, "POST", "/agents", {"name": name, "definition": PROMPT})
    assert (response.status, response.body) == (400, error(
        f"Invalid value for 'name': the agent name {problem}.", "name", "invalid_value"))
    assert len(store) == 0


LONG = "d" * 513
BAD_BODIES: list[tuple[str, str, Any, dict[str, Any]]] = [
    ("POST", "/agents", {"definition": PROMPT},
     error("Missing required parameter: 'name'.", "name", "missing_required_parameter")),
    ("POST", "/agents", {"name": "bot"},
     error("Missing required parameter: 'definition'.", "definition", "missing_required_parameter")),
    ("POST", "/agents", {"name": "bot", "definition": {"model": "m"}},
     error("Missing required parameter: 'definition.kind'.", "definition.kind", "missing_required_parameter")),
    ("POST", "/agents", {"name": "bot", "definition": "prompt"},
     error("Invalid value for 'definition': expected an object.", "definition", "invalid_value")),
    ("POST", "/agents", {"name": "bot", "definition": PROMPT, "description": LONG},
     error("Invalid value for 'description': expected a string of at most 512 characters.",
           "description", "invalid_value")),
    ("POST", "/agents/bot/versions", {"definition": PROMPT, "metadata": {f"k{n}": "v" for n in range(17)}},
     error("Invalid value for 'metadata': expected an object of at most 16 pairs.", "metadata", "invalid_value")),
    ("POST", "/agents/bot/versions", {"definition": PROMPT, "metadata": {"k": 1}},
     error("Invalid value for 'metadata.k': expected a key of at most 64 characters and a string value of "
           "at most 512.", "metadata.k", "invalid_value")),
    ("POST", "/agents/-bot/versions", {"definition": PROMPT},
     error(f"Invalid value for 'agent_name': the agent name {RULES}.", "agent_name", "invalid_value")),
    ("POST", "/agents", [1], error("Invalid body: expected a JSON object, but got an array instead.",
                                   code="invalid_type")),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), BAD_BODIES)
def test_bad_writes_are_refused_in_the_api_error_shape_and_store_nothing(
    method: str, path: str, body: Any, expected: dict[str, Any]
) -> None:
    store = AgentStore()
    response = call(store, method, path, body)
    assert (response.status, response.body) == (400, expected)
    assert (len(store), store.revision) == (0, 0)


def test_updating_a_missing_agent_is_a_404_and_creates_nothing() -> None:
    store = AgentStore()
    response = call(store, "POST", "/agents/nobody", {"definition": PROMPT})
    assert (response.status, response.body) == (404, error("Agent 'nobody' was not found.", code="not_found"))
    assert (len(store), store.revision) == (0, 0)


# (query, ids on the page, has_more): agents a, b, c (prompt) and flow (workflow), made in that order
PAGES: list[tuple[dict[str, str], list[str], bool]] = [
    ({}, ["flow", "c", "b", "a"], False),
    ({"order": "asc"}, ["a", "b", "c", "flow"], False),
    ({"limit": "2"}, ["flow", "c"], True),
    ({"limit": "2", "after": "c"}, ["b", "a"], False),
    ({"limit": "1", "order": "asc", "after": "a"}, ["b"], True),
    ({"limit": "1", "before": "a"}, ["b"], True),
    ({"order": "asc", "after": "a", "before": "flow"}, ["b", "c"], False),
    ({"kind": "prompt", "limit": "2"}, ["c", "b"], True),
    ({"kind": "workflow"}, ["flow"], False),
    ({"kind": "hosted"}, [], False),
    ({"after": "a"}, [], False),
]


@pytest.mark.parametrize(("query", "ids", "has_more"), PAGES)
def test_list_agents_pages_by_cursor(query: dict[str, str], ids: list[str], has_more: bool) -> None:
    store = with_agents("a", "b", "c", "flow")
    response = call(store, "GET", "/agents", query=query)
    expected: dict[str, Any] = {"data": [call(store, "GET", f"/agents/{name}").body for name in ids]}
    if ids:  # first_id/last_id are plain strings in the spec: an empty page leaves them out
        expected |= {"first_id": ids[0], "last_id": ids[-1]}
    assert (response.status, response.body) == (200, {**expected, "has_more": has_more})


LIST_ERRORS: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({"limit": "0"}, error("Invalid 'limit': expected an integer from 1 to 100, got 0.", "limit", "invalid_value")),
    ({"limit": "101"}, error("Invalid 'limit': expected an integer from 1 to 100, got 101.", "limit",
                             "invalid_value")),
    ({"limit": "x"}, error("Invalid type for 'limit': expected an integer, but got 'x' instead.", "limit",
                           "invalid_type")),
    ({"order": "up"}, error("Invalid value for 'order': expected 'asc' or 'desc', got 'up'.", "order",
                            "invalid_value")),
    ({"after": "gone"}, error("Invalid value for 'after': no agent with id 'gone'.", "after", "invalid_value")),
]


@pytest.mark.parametrize(("query", "expected"), LIST_ERRORS)
def test_bad_list_queries_are_a_400(query: dict[str, str], expected: dict[str, Any]) -> None:
    response = call(with_agents("a"), "GET", "/agents", query=query)
    assert (response.status, response.body) == (400, expected)


def test_deleting_versions_moves_latest_back_and_never_reuses_a_number() -> None:
    store = AgentStore()
    for n, text in enumerate(["one", "two", "three"]):
        call(store, "POST", "/agents/bot/versions", {"definition": {**PROMPT, "instructions": text}}, now=T0 + n)
    assert call(store, "DELETE", "/agents/bot/versions/3").body == {
        "object": "agent.version.deleted", "name": "bot", "version": "3", "deleted": True}
    assert call(store, "GET", "/agents/bot").body["versions"]["latest"]["version"] == "2"
    made = call(store, "POST", "/agents/bot", {"definition": PROMPT}, now=T0 + 9).body
    assert made["versions"]["latest"] == version("bot", "4", PROMPT, created_at=T0 + 9)
    assert [v["id"] for v in call(store, "GET", "/agents/bot/versions").body["data"]] == ["bot:4", "bot:2", "bot:1"]
    for number in ("1", "2", "4"):  # the last version gone takes the agent with it
        assert call(store, "DELETE", f"/agents/bot/versions/{number}").status == 200
    assert (len(store), call(store, "GET", "/agents/bot").status) == (0, 404)


READ_ERRORS: list[tuple[str, str, int, dict[str, Any], dict[str, str]]] = [
    ("GET", "/agents/nobody", 404, error("Agent 'nobody' was not found.", code="not_found"), {}),
    ("GET", "/agents/a/versions/9", 404, error("Version '9' of agent 'a' was not found.", code="not_found"), {}),
    ("DELETE", "/agents/a/versions/9", 404, error("Version '9' of agent 'a' was not found.", code="not_found"), {}),
    ("DELETE", "/agents/nobody", 404, error("Agent 'nobody' was not found.", code="not_found"), {}),
    ("GET", "/agents/nobody/versions", 404, error("Agent 'nobody' was not found.", code="not_found"), {}),
    ("GET", "/agents/a/versions/1/x", 404, error("Invalid URL (GET /agents/a/versions/1/x)"), {}),
    ("GET", "/v1/agents", 404, error("Invalid URL (GET /v1/agents)"), {}),
    ("PUT", "/agents/a", 405, error("Method PUT is not allowed for /agents/a."), {"allow": "GET, POST, DELETE"}),
    ("POST", "/agents/a/versions/1", 405, error("Method POST is not allowed for /agents/a/versions/1."),
     {"allow": "GET, DELETE"}),
]


@pytest.mark.parametrize(("method", "path", "status", "expected", "headers"), READ_ERRORS)
def test_missing_objects_and_bad_routes_answer_in_the_error_shape(
    method: str, path: str, status: int, expected: dict[str, Any], headers: dict[str, str]
) -> None:
    response = call(with_agents("a"), method, path)
    assert (response.status, response.body, dict(response.headers)) == (status, expected, headers)


def test_delete_agent_removes_it_with_its_versions_and_a_new_one_starts_at_1() -> None:
    store = with_agents("a", "b")
    call(store, "POST", "/agents/a", {"definition": CONCISE})
    assert call(store, "DELETE", "/api/projects/p/agents/a").body == {
        "object": "agent.deleted", "name": "a", "deleted": True}
    assert [item["id"] for item in call(store, "GET", "/agents").body["data"]] == ["b"]
    assert call(store, "POST", "/agents/a/versions", {"definition": PROMPT}, now=T0 + 7).body == version(
        "a", "1", PROMPT, created_at=T0 + 7)


def test_an_escaped_name_in_the_path_is_the_name() -> None:
    store = with_agents("a-b")
    assert call(store, "GET", "/agents/a%2Db/versions/1").body == version("a-b", "1", PROMPT)
