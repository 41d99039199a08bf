"""The sandbox's pure core: literal requests in, exact responses out (no sockets, no files).

Every response any test here receives is also checked against the generated response schemas
(`CoreApi.call` does it), so these tests double as conformance tests.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from helpers.sandbox_checks import assert_conforms

from assistantsync.cli.sandbox import AUTH_STYLE_NAMES
from assistantsync.sandbox.auth import AUTH_STYLES, AuthPolicy
from assistantsync.sandbox.core import Settings, handle, random_id
from assistantsync.sandbox.protocol import SandboxRequest, SandboxResponse
from assistantsync.sandbox.records import Store
from assistantsync.sandbox.traffic import REDACTED, Traffic

NOW = 1_700_000_000
BETA = {"OpenAI-Beta": "assistants=v2"}


class CoreApi:
    """The core with a pinned clock and counting ids: asst_000…0, asst_000…1, vs_000…2, …"""

    def __init__(self, auth: AuthPolicy | None = None) -> None:
        self.store = Store()
        self.now = NOW
        counter = itertools.count()
        self.settings = Settings(auth=auth or AuthPolicy(), clock=lambda: self.now,
                                 new_id=lambda prefix: f"{prefix}{next(counter):024d}")

    def call(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
             query: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> SandboxResponse:
        content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        request = SandboxRequest(method, path, query or {}, BETA if headers is None else headers, content)
        response = handle(self.store, request, self.settings)
        assert_conforms(response.status, response.body)
        return response

    def ok(self, method: str, path: str, body: Any = None, **query: str) -> dict[str, Any]:
        response = self.call(method, path, body, query=query)
        assert response.status == 200, response.body
        return response.body

    def create(self, **body: Any) -> dict[str, Any]:
        return self.ok("POST", "/v1/assistants", {"model": "gpt-4o", **body})


def error(message: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}


def asst(n: int) -> str:
    return f"asst_{n:024d}"


FILE_SEARCH_DEFAULTS = {"ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0}}


def test_create_with_only_model_returns_the_api_defaults() -> None:
    assert CoreApi().create(model="gpt-4o-mini-2024-07-18") == {
        "id": asst(0), "object": "assistant", "created_at": NOW, "name": None, "description": None,
        "model": "gpt-4o-mini-2024-07-18", "instructions": None, "tools": [], "top_p": 1.0, "temperature": 1.0,
        "tool_resources": {}, "metadata": {}, "response_format": "auto",
    }


def test_random_ids_have_the_api_shape() -> None:
    ids = {random_id("asst_") for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 29 and i.startswith("asst_") and i[5:].isalnum() and i[5:].isascii() for i in ids)


@pytest.mark.parametrize(("sent", "tools", "resources"), [
    pytest.param([{"type": "file_search"}], [{"type": "file_search", "file_search": FILE_SEARCH_DEFAULTS}],
                 {"file_search": {"vector_store_ids": []}}, id="bare-file-search"),
    pytest.param([{"type": "code_interpreter"}, {"type": "file_search"}],
                 [{"type": "code_interpreter"}, {"type": "file_search", "file_search": FILE_SEARCH_DEFAULTS}],
                 {"code_interpreter": {"file_ids": []}, "file_search": {"vector_store_ids": []}}, id="both-tools"),
    pytest.param([{"type": "file_search",
                   "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 1}}}],
                 [{"type": "file_search", "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                                              "score_threshold": 1.0}}}],
                 {"file_search": {"vector_store_ids": []}}, id="auto-ranker-resolved"),
    pytest.param([{"type": "file_search", "file_search": {"max_num_results": 8}}],
                 [{"type": "file_search", "file_search": {"max_num_results": 8, **FILE_SEARCH_DEFAULTS}}],
                 {"file_search": {"vector_store_ids": []}}, id="max-num-results-kept"),
    pytest.param([{"type": "function", "function": {"name": "lookup"}}],
                 [{"type": "function", "function": {"name": "lookup"}}], {}, id="function-strict-not-echoed"),
    pytest.param([{"type": "function", "function": {"name": "f", "strict": True, "parameters": {"type": "object"}}}],
                 [{"type": "function", "function": {"name": "f", "strict": True, "parameters": {"type": "object"}}}],
                 {}, id="function-as-sent"),
])
def test_create_fills_in_what_the_server_fills_in(sent: list[Any], tools: list[Any], resources: Any) -> None:
    created = CoreApi().create(tools=sent)
    assert (created["tools"], created["tool_resources"]) == (tools, resources)


def test_vector_stores_helper_makes_a_store_id_and_is_never_returned() -> None:
    created = CoreApi().create(tools=[{"type": "file_search"}],
                               tool_resources={"file_search": {"vector_stores": [{"file_ids": ["file-1"]}]}})
    assert created["tool_resources"] == {"file_search": {"vector_store_ids": [f"vs_{1:024d}"]}}


def test_numbers_come_back_as_floats_and_the_model_verbatim() -> None:
    created = CoreApi().create(model="ft:gpt-4o:acme::x1", temperature=1, top_p=0)
    assert (created["model"], created["temperature"], created["top_p"]) == ("ft:gpt-4o:acme::x1", 1.0, 0.0)
    assert isinstance(created["temperature"], float) and isinstance(created["top_p"], float)


FULL = {"name": "HR", "description": "d", "instructions": "be kind", "temperature": 0.2, "top_p": 0.9,
        "response_format": {"type": "json_object"}, "metadata": {"team": "hr", "tier": "1"},
        "tools": [{"type": "code_interpreter"}], "tool_resources": {"code_interpreter": {"file_ids": ["f1"]}}}


@pytest.mark.parametrize(("update", "changed"), [
    pytest.param({}, {}, id="empty-update-changes-nothing"),
    pytest.param({"name": "New"}, {"name": "New"}, id="omitted-fields-stay"),
    pytest.param({"model": "gpt-4.1"}, {"model": "gpt-4.1"}, id="model"),
    pytest.param({"name": None, "description": None, "instructions": None},
                 {"name": None, "description": None, "instructions": None}, id="null-clears-text"),
    pytest.param({"temperature": None, "top_p": None}, {"temperature": 1.0, "top_p": 1.0}, id="null-resets-numbers"),
    pytest.param({"response_format": None}, {"response_format": "auto"}, id="null-resets-response-format"),
    pytest.param({"metadata": None}, {"metadata": {}}, id="null-clears-metadata"),
    pytest.param({"metadata": {"owner": "me"}}, {"metadata": {"owner": "me"}}, id="metadata-replaced-whole"),
    pytest.param({"metadata": {}}, {"metadata": {}}, id="empty-metadata-clears"),
    pytest.param({"tool_resources": None}, {"tool_resources": {"code_interpreter": {"file_ids": []}}},
                 id="null-tool-resources-refilled-for-enabled-tools"),
    pytest.param({"tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}},
                 {"tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]},
                                     "code_interpreter": {"file_ids": []}}}, id="tool-resources-replaced-whole"),
    pytest.param({"tools": [{"type": "file_search"}]},
                 {"tools": [{"type": "file_search", "file_search": FILE_SEARCH_DEFAULTS}],
                  "tool_resources": {"code_interpreter": {"file_ids": ["f1"]},
                                     "file_search": {"vector_store_ids": []}}},
                 id="tools-replaced-whole-new-tool-gets-container"),
    pytest.param({"tools": []}, {"tools": []}, id="empty-tools-clears"),
    pytest.param({"temperature": 2}, {"temperature": 2.0}, id="number-as-float"),
])
def test_modify_is_a_partial_update(update: dict[str, Any], changed: dict[str, Any]) -> None:
    api = CoreApi()
    before = api.create(**FULL)
    after = api.ok("POST", f"/v1/assistants/{before['id']}", update)
    assert after == {**before, **changed}
    assert api.ok("GET", f"/v1/assistants/{before['id']}") == after


def test_reasoning_effort_is_stored_but_never_returned() -> None:
    api = CoreApi()
    created = api.create(reasoning_effort="high")
    path = f"/v1/assistants/{created['id']}"
    assert api.store.get(created["id"]).write_only == {"reasoning_effort": "high"}
    # assert_conforms (in CoreApi.call) checks that none of these bodies carries the field.
    api.ok("GET", path)
    api.ok("GET", "/v1/assistants")
    api.ok("POST", path, {"reasoning_effort": "low"})
    assert api.store.get(created["id"]).write_only == {"reasoning_effort": "low"}
    api.ok("POST", path, {"reasoning_effort": None})
    assert api.store.get(created["id"]).write_only == {}


def test_delete_then_the_assistant_is_gone() -> None:
    api = CoreApi()
    created = api.create()
    path = f"/v1/assistants/{created['id']}"
    assert api.ok("DELETE", path) == {"id": created["id"], "object": "assistant.deleted", "deleted": True}
    assert api.call("GET", path).status == 404
    assert len(api.store) == 0


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(b'{"model": "x", "foo": 1}', error("Unknown parameter: 'foo'.", "foo", "unknown_parameter"),
                 id="unknown-top-level"),
    pytest.param(b'{"model": "x", "tool_resources": {"code_interpreter": {"files": []}}}',
                 error("Unknown parameter: 'tool_resources.code_interpreter.files'.",
                       "tool_resources.code_interpreter.files", "unknown_parameter"), id="unknown-nested"),
    pytest.param(b"{}", error("Missing required parameter: 'model'.", "model", "missing_required_parameter"),
                 id="missing-model"),
    pytest.param(b'{"model": "x", "tools": [{"type": "function"}]}',
                 error("Missing required parameter: 'tools[0].function'.", "tools[0].function",
                       "missing_required_parameter"), id="missing-nested"),
    pytest.param(b'{"model": "x", "temperature": "hot"}',
                 error("Invalid type for 'temperature': must be a number or null, not a string.", "temperature",
                       "invalid_type"), id="wrong-type"),
    pytest.param(b'{"model": "x", "temperature": 3}',
                 error("Invalid value for 'temperature': must be at most 2.", "temperature", "invalid_value"),
                 id="out-of-range"),
    pytest.param(b'{"model": "x", "tools": [{"type": "browser"}]}',
                 error("Invalid value for 'tools[0].type': must be one of: code_interpreter, file_search, function.",
                       "tools[0].type", "invalid_value"), id="bad-enum"),
    pytest.param(b'{"model": "x", "metadata": {"k": 1}}',
                 error("Invalid type for 'metadata.k': must be a string, not an integer.", "metadata.k",
                       "invalid_type"), id="metadata-value-type"),
    pytest.param(b'{"model": "x"', error("We could not parse the JSON body of your request. (HINT: This likely "
                                         "means you aren't using your HTTP library correctly. The OpenAI API "
                                         "expects a JSON payload, but what was sent was not valid JSON.)"),
                 id="invalid-json"),
    pytest.param(b'{"model": "x", "temperature": NaN}', None, id="nan"),
    pytest.param(b'{"model": "x", "temperature": 1e400}', None, id="overflowing-number"),
    pytest.param(b"", None, id="empty-body"),
    pytest.param(b"\xff\xfe", None, id="not-utf8"),
    pytest.param(b'["model"]', error("Invalid body: expected a JSON object, but got an array instead.",
                                     code="invalid_type"), id="not-an-object"),
    pytest.param(b'{"model": ' + b"[" * 70 + b"]" * 70 + b"}",
                 error("Invalid body: nested deeper than 64 levels.", code="invalid_value"), id="too-deep"),
])
def test_invalid_create_bodies_get_the_api_error(raw: bytes, expected: dict[str, Any] | None) -> None:
    response = CoreApi().call("POST", "/v1/assistants", raw=raw)
    assert response.status == 400
    if expected is None:  # unparseable: the API's generic invalid-JSON message
        assert response.body["error"]["message"].startswith("We could not parse the JSON body")
    else:
        assert response.body == expected


@pytest.mark.parametrize(("update", "param"), [
    pytest.param({"model": None}, "model", id="model-not-nullable"),
    pytest.param({"tools": None}, "tools", id="tools-not-nullable"),
    pytest.param({"tool_resources": {"file_search": {"vector_stores": []}}},
                 "tool_resources.file_search.vector_stores", id="vector-stores-helper-is-create-only"),
    pytest.param({"name": "x" * 257}, "name", id="name-too-long"),
])
def test_invalid_modify_bodies_get_the_api_error(update: dict[str, Any], param: str) -> None:
    api = CoreApi()
    created = api.create(name="kept")
    response = api.call("POST", f"/v1/assistants/{created['id']}", update)
    assert (response.status, response.body["error"]["param"]) == (400, param)
    assert api.ok("GET", f"/v1/assistants/{created['id']}") == created


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_id_is_a_404(method: str) -> None:
    response = CoreApi().call(method, "/v1/assistants/asst_missing", {} if method == "POST" else None)
    assert (response.status, response.body) == (404, error("No assistant found with id 'asst_missing'."))


MISSING_BETA = ("You must provide the 'OpenAI-Beta' header to access the Assistants API. "
                "Please try again by setting the header 'OpenAI-Beta: assistants=v2'.")


@pytest.mark.parametrize(("headers", "message"), [
    pytest.param({}, MISSING_BETA, id="missing"),
    pytest.param({"OpenAI-Beta": " "}, MISSING_BETA, id="blank"),
    pytest.param({"openai-beta": "assistants=v1"}, "The v1 Assistants API has been deprecated. Please try again "
                 "by setting the header 'OpenAI-Beta: assistants=v2'.", id="v1"),
    pytest.param({"OPENAI-BETA": "assistants=v3"}, "Invalid 'OpenAI-Beta' header. Please try again by setting "
                 "the header 'OpenAI-Beta: assistants=v2'.", id="unknown-version"),
])
def test_the_beta_header_is_required(headers: dict[str, str], message: str) -> None:
    response = CoreApi().call("GET", "/v1/assistants", headers=headers)
    assert (response.status, response.body) == (400, error(message, code="invalid_beta"))


def test_the_beta_header_may_list_other_features() -> None:
    response = CoreApi().call("GET", "/v1/assistants", headers={"openai-beta": "realtime=v1, assistants=v2"})
    assert response.status == 200


@pytest.mark.parametrize("path", ["/assistants", "/v1/assistants", "/openai/assistants", "/openai/v1/assistants",
                                  "/api/projects/demo/assistants"])
def test_every_known_base_path_serves_the_api(path: str) -> None:
    api = CoreApi()
    created = api.ok("POST", path, {"model": "m"}, **{"api-version": "2024-05-01-preview"})
    assert api.ok("GET", f"{path}/{created['id']}", **{"api-version": "v1"}) == created


@pytest.mark.parametrize(("method", "path", "status", "allow"), [
    ("GET", "/v1/threads", 404, None),
    ("GET", "/v2/assistants", 404, None),
    ("GET", "/__sandbox/stats", 404, None),  # control endpoints belong to the server, not the core
    ("PUT", "/v1/assistants", 405, "GET, POST"),
    ("PATCH", "/v1/assistants/asst_1", 405, "GET, POST, DELETE"),
])
def test_unknown_paths_and_methods(method: str, path: str, status: int, allow: str | None) -> None:
    response = CoreApi().call(method, path)
    assert response.status == status
    assert response.headers.get("allow") == allow


def list_ids(api: CoreApi, **query: str) -> tuple[list[str], bool, str | None, str | None]:
    page = api.ok("GET", "/v1/assistants", **query)
    return [a["id"] for a in page["data"]], page["has_more"], page["first_id"], page["last_id"]


@pytest.fixture
def five() -> CoreApi:
    """Five assistants; asst 1 and 2 share a created_at, so creation order breaks the tie."""
    api = CoreApi()
    for offset in (0, 10, 10, 20, 30):
        api.now = NOW + offset
        api.create()
    return api


@pytest.mark.parametrize(("query", "expected", "has_more"), [
    pytest.param({}, [4, 3, 2, 1, 0], False, id="default-desc"),
    pytest.param({"limit": "2"}, [4, 3], True, id="limit"),
    pytest.param({"order": "asc", "limit": "2"}, [0, 1], True, id="asc"),
    pytest.param({"order": "asc", "after": asst(1), "limit": "2"}, [2, 3], True, id="asc-after"),
    pytest.param({"order": "asc", "after": asst(3)}, [4], False, id="asc-after-last-page"),
    pytest.param({"after": asst(3)}, [2, 1, 0], False, id="desc-after"),
    pytest.param({"order": "asc", "before": asst(1)}, [0], False, id="asc-before"),
    pytest.param({"order": "asc", "before": asst(4), "limit": "2"}, [2, 3], True, id="before-takes-nearest"),
    pytest.param({"order": "asc", "after": asst(0), "before": asst(3)}, [1, 2], False, id="between"),
    pytest.param({"order": "asc", "after": asst(4)}, [], False, id="after-the-end"),
    pytest.param({"limit": "100", "api-version": "v1"}, [4, 3, 2, 1, 0], False, id="api-version-ignored"),
])
def test_list_orders_pages_and_reports_has_more(five: CoreApi, query: dict[str, str], expected: list[int],
                                                has_more: bool) -> None:
    ids, more, first, last = list_ids(five, **query)
    assert (ids, more) == ([asst(n) for n in expected], has_more)
    assert (first, last) == ((ids[0], ids[-1]) if ids else (None, None))


def test_paging_with_after_like_the_sdk_visits_everything_once(five: CoreApi) -> None:
    seen: list[str] = []
    query: dict[str, str] = {"limit": "2"}
    while True:
        ids, more, _, last = list_ids(five, **query)
        seen += ids
        if not more:
            break
        query["after"] = str(last)
    assert seen == [asst(n) for n in (4, 3, 2, 1, 0)]


def test_an_empty_list_has_null_first_and_last_ids() -> None:
    assert CoreApi().ok("GET", "/v1/assistants") == {
        "object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


@pytest.mark.parametrize(("query", "param", "code"), [
    ({"limit": "0"}, "limit", "invalid_value"),
    ({"limit": "101"}, "limit", "invalid_value"),
    ({"limit": "9" * 5000}, "limit", "invalid_value"),
    ({"limit": "ten"}, "limit", "invalid_type"),
    ({"limit": "+-1"}, "limit", "invalid_type"),
    ({"order": "newest"}, "order", "invalid_value"),
    ({"after": "asst_gone"}, "after", "invalid_value"),
    ({"before": "asst_gone"}, "before", "invalid_value"),
])
def test_bad_list_parameters_are_a_400(five: CoreApi, query: dict[str, str], param: str, code: str) -> None:
    response = five.call("GET", "/v1/assistants", query=query)
    assert response.status == 400
    assert (response.body["error"]["param"], response.body["error"]["code"]) == (param, code)


KEY = "sk-right"
MISSING_BEARER = ("You didn't provide an API key. You need to provide your API key in an Authorization header "
                  "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")


@pytest.mark.parametrize(("policy", "headers", "query", "status"), [
    (AuthPolicy(), {}, {}, 200),
    (AuthPolicy("openai"), {"Authorization": "Bearer anything"}, {}, 200),
    (AuthPolicy("openai"), {}, {}, 401),
    (AuthPolicy("openai"), {"Authorization": "Bearer "}, {}, 401),
    (AuthPolicy("openai"), {"Authorization": "Basic abc"}, {}, 401),
    (AuthPolicy("openai", KEY), {"authorization": f"bearer {KEY}"}, {}, 200),
    (AuthPolicy("openai", KEY), {"Authorization": "Bearer sk-wrong"}, {}, 401),
    (AuthPolicy("portkey"), {"x-portkey-api-key": "pk", "x-portkey-virtual-key": "vk"}, {}, 200),
    (AuthPolicy("portkey"), {"x-portkey-api-key": "pk", "x-portkey-config": "pc-1"}, {}, 200),
    (AuthPolicy("portkey"), {"x-portkey-api-key": "pk", "x-portkey-provider": "openai",
                             "Authorization": "Bearer sk"}, {}, 200),
    (AuthPolicy("portkey"), {"x-portkey-api-key": "pk", "x-portkey-provider": "openai"}, {}, 401),
    (AuthPolicy("portkey"), {"x-portkey-virtual-key": "vk"}, {}, 401),
    (AuthPolicy("portkey", KEY), {"x-portkey-api-key": "pk", "x-portkey-virtual-key": "vk"}, {}, 401),
    (AuthPolicy("azure-openai"), {"api-key": "k"}, {"api-version": "2024-05-01-preview"}, 200),
    (AuthPolicy("azure-openai"), {"api-key": "k"}, {}, 400),
    (AuthPolicy("azure-openai"), {"Authorization": "Bearer k"}, {"api-version": "v"}, 401),
    (AuthPolicy("azure-openai", KEY), {"api-key": KEY}, {"api-version": "v"}, 200),
    (AuthPolicy("azure-foundry"), {"Authorization": "Bearer token"}, {"api-version": "v1"}, 200),
    (AuthPolicy("azure-foundry"), {"api-key": "k"}, {"api-version": "v1"}, 401),
    (AuthPolicy("azure-foundry"), {"Authorization": "Bearer token"}, {}, 400),
])
def test_auth_styles(policy: AuthPolicy, headers: dict[str, str], query: dict[str, str], status: int) -> None:
    response = CoreApi(policy).call("GET", "/v1/assistants", query=query, headers={**BETA, **headers})
    assert response.status == status, response.body


def test_auth_error_bodies_are_the_api_ones() -> None:
    missing = CoreApi(AuthPolicy("openai")).call("GET", "/v1/assistants")
    assert (missing.status, missing.body) == (401, error(MISSING_BEARER))
    presented = {**BETA, "Authorization": "Bearer sk-presented-1234"}
    wrong = CoreApi(AuthPolicy("openai", KEY)).call("GET", "/v1/assistants", headers=presented)
    assert (wrong.status, wrong.body) == (401, error("Incorrect API key provided.", code="invalid_api_key"))
    assert "sk-presented" not in json.dumps(wrong.body)


def test_auth_is_checked_before_anything_else() -> None:
    response = CoreApi(AuthPolicy("openai")).call("POST", "/nowhere", raw=b"not json", headers={})
    assert response.status == 401


def test_the_command_offers_every_auth_style() -> None:
    assert AUTH_STYLE_NAMES == AUTH_STYLES  # command.py keeps its own copy to stay import-light


def test_unknown_auth_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown auth style 'basic'"):
        AuthPolicy.parse("basic")


def test_traffic_counts_per_route_and_redacts_credentials() -> None:
    traffic = Traffic(capacity=2)
    headers = {**BETA, "Authorization": "Bearer sk-secret", "api-key": "k", "x-portkey-api-key": "pk"}
    for method, path in [("POST", "/v1/assistants"), ("GET", "/v1/assistants/asst_1"), ("GET", "/v1/assistants/a2")]:
        traffic.record(SandboxRequest(method, path, {}, headers, b'{"model": "m"}'), 200)
    traffic.record(SandboxRequest("GET", "/elsewhere", {}, {}, b"not json"), 404)
    assert traffic.counts_json() == {"GET (unmatched)": 1, "GET /assistants/{assistant_id}": 2, "POST /assistants": 1}
    assert traffic.count("get", "/assistants/{assistant_id}") == 2
    first, last = traffic.log_json()  # capacity 2: the oldest entries fell off
    assert first["headers"] == {"openai-beta": "assistants=v2", "authorization": REDACTED, "api-key": REDACTED,
                                "x-portkey-api-key": REDACTED}
    assert (first["route"], first["body"], last["body"], last["status"]) == (
        "/assistants/{assistant_id}", {"model": "m"}, None, 404)
    assert "sk-secret" not in json.dumps(traffic.log_json())
