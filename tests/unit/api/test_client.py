"""ResourceClient against small fake servers (httpx.MockTransport): headers, paging, retries, errors, secrets.

No test sleeps or touches the network: `sleep` records the delays it is asked for.
"""

from __future__ import annotations

import email.utils
import json
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from helpers.fake_api import NOW, SECRET, Scripted, methods, openai_error, reply, rig

from assistantsync import __version__
from assistantsync.api.client import AmbiguousWriteError, ApiError, ResourceClient
from assistantsync.api.connection import ConnectionSettings, _verify
from assistantsync.api.providers import resolve_connection
from assistantsync.json_value import JsonObject
from assistantsync.kinds.assistant import ASSISTANT

# --- requests on the wire -------------------------------------------------------------------------

def test_every_request_carries_the_protocol_headers_and_provider_headers() -> None:
    server = Scripted([reply(), reply(body={"data": [], "has_more": False}), reply(), reply(), reply()])
    headers = {"api-key": SECRET, "x-extra": "1"}
    client = rig(server, headers=headers, params={"api-version": "2024-05-01-preview"}).client
    client.get("asst_1")
    client.list_all()
    client.create({"model": "gpt-4o"})
    client.modify("asst_1", {"name": "n"})
    client.delete("asst_1")
    for request in server.requests:
        assert request.headers["OpenAI-Beta"] == "assistants=v2"
        assert request.headers["User-Agent"] == f"assistantsync/{__version__}"
        assert request.headers["Accept"] == "application/json"
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["api-key"] == SECRET
        assert request.headers["x-extra"] == "1"
        assert request.url.params["api-version"] == "2024-05-01-preview"
    assert methods(server) == [
        "GET /v1/assistants/asst_1", "GET /v1/assistants", "POST /v1/assistants",
        "POST /v1/assistants/asst_1", "DELETE /v1/assistants/asst_1",
    ]
    assert json.loads(server.requests[2].content) == {"model": "gpt-4o"}


WIRE = [
    pytest.param("openai", {"OPENAI_API_KEY": SECRET}, "https://api.openai.com/v1/assistants",
                 {"authorization": f"Bearer {SECRET}"}, "", id="openai"),
    pytest.param("portkey",
                 {"PORTKEY_API_KEY": "pk-LEAKCHECK-1", "PORTKEY_PROVIDER": "openai", "OPENAI_API_KEY": SECRET},
                 "https://api.portkey.ai/v1/assistants",
                 {"x-portkey-api-key": "pk-LEAKCHECK-1", "x-portkey-provider": "openai",
                  "authorization": f"Bearer {SECRET}"}, "", id="portkey"),
    pytest.param("azure-openai", {"AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com/",
                                  "AZURE_OPENAI_API_KEY": SECRET, "OPENAI_API_VERSION": "2024-05-01-preview"},
                 "https://res.openai.azure.com/openai/assistants", {"api-key": SECRET},
                 "api-version=2024-05-01-preview", id="azure-openai"),
    pytest.param("azure-foundry", {"AZURE_AI_PROJECT_ENDPOINT": "https://r.services.ai.azure.com/api/projects/p",
                                   "AZURE_AI_TOKEN": SECRET},
                 "https://r.services.ai.azure.com/api/projects/p/assistants", {"authorization": f"Bearer {SECRET}"},
                 "api-version=v1", id="azure-foundry"),
]


@pytest.mark.parametrize(("provider", "env", "collection", "auth", "query"), WIRE)
def test_each_provider_sends_its_urls_and_credentials_on_every_call(
    provider: str, env: dict[str, str], collection: str, auth: dict[str, str], query: str
) -> None:
    pages = [reply(body={"data": [{"id": "asst_1"}], "has_more": True}),
             reply(body={"data": [{"id": "asst_2"}], "has_more": False})]
    server = Scripted([*pages, reply(), reply(), reply(), reply()])
    settings, _ = resolve_connection(provider, env)
    with ResourceClient(settings, kind=ASSISTANT, transport=httpx.MockTransport(server)) as client:
        client.list_all()
        client.get("asst_1")
        client.create({"model": "m"})
        client.modify("asst_1", {"name": "n"})
        client.delete("asst_1")
    q = f"{query}&" if query else ""
    assert [f"{r.method} {r.url}" for r in server.requests] == [
        f"GET {collection}?{q}limit=100&order=asc",
        f"GET {collection}?{q}limit=100&order=asc&after=asst_1",
        f"GET {collection}/asst_1" + (f"?{query}" if query else ""),
        f"POST {collection}" + (f"?{query}" if query else ""),
        f"POST {collection}/asst_1" + (f"?{query}" if query else ""),
        f"DELETE {collection}/asst_1" + (f"?{query}" if query else ""),
    ]
    for request in server.requests:
        assert request.headers["OpenAI-Beta"] == "assistants=v2"
        assert request.headers["User-Agent"] == f"assistantsync/{__version__}"
        assert {name: request.headers[name] for name in auth} == auth
    other_auth = {"authorization", "api-key", "x-portkey-api-key"} - set(auth)
    assert not any(name in request.headers for name in other_auth for request in server.requests)


def test_an_odd_id_stays_inside_its_path_segment() -> None:
    server = Scripted([reply()])
    rig(server).client.get("../files?x=1")
    assert server.requests[0].url.raw_path == b"/v1/assistants/..%2Ffiles%3Fx%3D1"


def test_a_loopback_base_url_just_works() -> None:
    server = Scripted([reply()])
    rig(server, base_url="http://127.0.0.1:8321/v1").client.get("asst_1")
    assert str(server.requests[0].url) == "http://127.0.0.1:8321/v1/assistants/asst_1"


# --- paging ---------------------------------------------------------------------------------------

@dataclass
class PagingServer:
    """Holds assistants and serves them `page_size` at a time, whatever `limit` asks (servers may cap it)."""

    ids: list[str]
    page_size: int = 2
    queries: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        self.queries.append(query)
        start = self.ids.index(query["after"]) + 1 if "after" in query else 0
        page = self.ids[start:start + self.page_size]
        return reply(body={"object": "list", "data": [{"id": i} for i in page], "first_id": page[0],
                           "last_id": page[-1], "has_more": start + self.page_size < len(self.ids)})


def test_list_all_follows_after_cursors_across_three_pages() -> None:
    server = PagingServer(["asst_1", "asst_2", "asst_3", "asst_4", "asst_5"])
    items = rig(server).client.list_all()
    assert [item["id"] for item in items] == ["asst_1", "asst_2", "asst_3", "asst_4", "asst_5"]
    assert server.queries == [
        {"limit": "100", "order": "asc"},
        {"limit": "100", "order": "asc", "after": "asst_2"},
        {"limit": "100", "order": "asc", "after": "asst_4"},
    ]


def test_list_all_stops_with_an_error_when_the_server_repeats_a_cursor() -> None:
    stuck = {"object": "list", "data": [{"id": "asst_1"}], "has_more": True}  # ignores `after`
    server = Scripted([reply(body=stuck), reply(body=stuck), reply(body=stuck)])
    with pytest.raises(ApiError, match=r"^GET /v1/assistants: the server repeated page cursor 'asst_1'; stopped"):
        rig(server).client.list_all()
    assert len(server.requests) == 2


def test_list_all_stops_when_has_more_comes_with_nothing_to_page_after() -> None:
    with pytest.raises(ApiError, match="says has_more but its last item has no id"):
        rig(Scripted([reply(body={"data": [], "has_more": True})])).client.list_all()


@pytest.mark.parametrize("page", [{"data": "nope"}, {"data": [1]}, {"has_more": False}])
def test_list_all_rejects_a_page_without_a_data_array(page: JsonObject) -> None:
    with pytest.raises(ApiError, match="no `data` array of objects"):
        rig(Scripted([reply(body=page)])).client.list_all()


@pytest.mark.parametrize("item", [{}, {"id": None}, {"id": 7}, {"id": ""}])
def test_list_all_rejects_an_item_without_a_string_id(item: JsonObject) -> None:
    page = {"object": "list", "data": [{"id": "asst_1"}, item], "has_more": False}
    with pytest.raises(ApiError, match=r"^GET /v1/assistants: item 1 of the list response has no string `id`$"):
        rig(Scripted([reply(body=page)])).client.list_all()


def test_a_bad_page_stops_the_list_before_the_next_is_asked_for() -> None:
    bad = {"object": "list", "data": [{"id": "asst_1"}, {"name": "no id"}], "last_id": "asst_1", "has_more": True}
    server = Scripted([reply(body=bad), reply(body={"data": [], "has_more": False})])
    with pytest.raises(ApiError, match=r"^GET /v1/assistants: item 1 of the list response has no string `id`$"):
        rig(server).client.list_all()
    assert [request.url.params.get("after") for request in server.requests] == [None]


def test_a_page_that_is_not_json_stops_the_list_naming_it() -> None:
    server = Scripted([reply(text='{"data": [], "last_id": "asst_1", "has_more": tru}'),
                       reply(body={"data": [], "has_more": False})])
    with pytest.raises(ApiError, match=r"^GET /v1/assistants: 200 OK: the response is not a JSON object"):
        rig(server).client.list_all()
    assert len(server.requests) == 1


@pytest.mark.parametrize(("pages", "message"), [
    ([["asst_1", "asst_1"], ["asst_2"]], "page 1 of the list holds id 'asst_1', already listed on page 1"),
    ([["asst_1", "asst_2"], ["asst_3", "asst_1"], ["asst_4"]],
     "page 2 of the list holds id 'asst_1', already listed on page 1"),
    ([["asst_1"], ["asst_2"], ["asst_1", "asst_3"], ["asst_4"]],
     "page 3 of the list holds id 'asst_1', already listed on page 1"),
])
def test_an_id_listed_twice_stops_the_list_before_observers_see_its_page(pages: list[list[str]],
                                                                          message: str) -> None:
    """Two files would otherwise both claim one assistant, and the last write would win."""
    bodies = [{"object": "list", "data": [{"id": item_id} for item_id in ids], "has_more": True} for ids in pages]
    server = Scripted([reply(body=body) for body in bodies])
    client = rig(server).client
    seen: list[list[JsonObject]] = []
    with client.observing_pages(seen.append), pytest.raises(ApiError) as raised:
        client.list_all()
    assert str(raised.value) == (f"GET /v1/assistants: {message}; the server listed one object twice, so check its "
                                 "paging (`after` cursors) and list again")
    asked = len(pages) - 1  # the page with the repeat is the last one asked for
    assert len(server.requests) == asked
    assert seen == [[{"id": item_id} for item_id in ids] for ids in pages[:asked - 1]]


def test_an_empty_list_with_null_cursors_is_fine() -> None:
    empty: JsonObject = {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
    assert rig(Scripted([reply(body=empty)])).client.list_all() == []


# --- retries --------------------------------------------------------------------------------------

def test_429_waits_as_long_as_retry_after_ms_says() -> None:
    server = Scripted([reply(429, {}, headers={"retry-after-ms": "250", "retry-after": "7"}), reply()])
    test = rig(server)
    assert test.client.get("asst_1")["id"] == "asst_1"
    assert test.delays == [0.25]
    assert len(server.requests) == 2


@pytest.mark.parametrize(("retry_after", "delay"), [
    ("2", 2.0),
    (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
    ("3600", 60.0),  # capped
])
def test_429_honours_retry_after_seconds_or_date_capped_at_60s(retry_after: str, delay: float) -> None:
    test = rig(Scripted([reply(429, {}, headers={"retry-after": retry_after}), reply()]))
    test.client.get("asst_1")
    assert test.delays == [delay]


def test_503_backs_off_exponentially_and_gives_up_after_max_retries() -> None:
    server = Scripted([reply(503, {}), reply(503, {}), reply(503, {}), reply(503, {})])
    test = rig(server, max_retries=3, jitter=0.0)
    with pytest.raises(ApiError, match=r"503 Service Unavailable \(gave up after 4 attempts\)$") as caught:
        test.client.get("asst_1")
    assert test.delays == [0.5, 1.0, 2.0]
    assert caught.value.status == 503
    assert caught.value.attempts == 4


@pytest.mark.parametrize("jitter", [0.0, 0.5, 0.999999])
def test_backoff_jitter_stays_within_three_quarters_and_full_delay(jitter: float) -> None:
    test = rig(Scripted([reply(503, {}), reply(503, {}), reply()]), jitter=jitter)
    test.client.get("asst_1")
    first, second = test.delays
    assert 0.375 <= first <= 0.5
    assert 0.75 <= second <= 1.0


def test_x_should_retry_false_is_obeyed() -> None:
    server = Scripted([reply(503, {}, headers={"x-should-retry": "false"})])
    with pytest.raises(ApiError):
        rig(server).client.get("asst_1")
    assert len(server.requests) == 1


def test_x_should_retry_true_is_obeyed_even_on_a_400() -> None:
    server = Scripted([reply(400, {}, headers={"x-should-retry": "true"}), reply()])
    rig(server).client.get("asst_1")
    assert len(server.requests) == 2


def test_insufficient_quota_is_not_retried() -> None:
    server = Scripted([openai_error(429, "You exceeded your current quota", "insufficient_quota")])
    with pytest.raises(ApiError, match="You exceeded your current quota") as caught:
        rig(server).client.get("asst_1")
    assert len(server.requests) == 1
    assert caught.value.api_code == "insufficient_quota"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    server = Scripted([openai_error(status, "no")])
    test = rig(server)
    with pytest.raises(ApiError):
        test.client.modify("asst_1", {})
    assert len(server.requests) == 1
    assert test.delays == []


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502])
def test_retryable_statuses(status: int) -> None:
    server = Scripted([reply(status, {}), reply()])
    rig(server).client.get("asst_1")
    assert len(server.requests) == 2


def test_a_read_error_on_modify_is_retried_because_modify_is_idempotent() -> None:
    server = Scripted([httpx.ReadError("connection reset"), reply()])
    assert rig(server).client.modify("asst_1", {"name": "n"})["id"] == "asst_1"
    assert methods(server) == ["POST /v1/assistants/asst_1"] * 2


def test_connection_failures_end_as_an_api_error_without_status() -> None:
    server = Scripted([httpx.ConnectError("[Errno 111] Connection refused")] * 3)
    with pytest.raises(ApiError) as caught:
        rig(server).client.get("asst_1")
    assert str(caught.value) == (
        "GET /v1/assistants/asst_1: could not connect to api.example.test (ConnectError: [Errno 111] "
        "Connection refused) (gave up after 3 attempts)"
    )
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_a_timeout_suggests_raising_timeout() -> None:
    server = Scripted([httpx.ReadTimeout("The read operation timed out")])
    with pytest.raises(ApiError, match=r"no response from api.example.test within 5s .*; raise --timeout"):
        rig(server, timeout=5.0, max_retries=0).client.get("asst_1")


# --- create never duplicates ----------------------------------------------------------------------

AMBIGUOUS = [
    pytest.param(lambda: openai_error(500, "The server had an error"), id="500"),
    pytest.param(lambda: reply(408, {}), id="408"),
    pytest.param(lambda: httpx.ReadError("connection reset by peer"), id="ReadError"),
    pytest.param(lambda: httpx.RemoteProtocolError("Server disconnected without sending a response."),
                 id="RemoteProtocolError"),
    pytest.param(lambda: httpx.ReadTimeout("timed out"), id="ReadTimeout"),
]
FOUND = {"id": "asst_found", "object": "assistant", "metadata": {"assistantsync_key": "k"}}


@pytest.mark.parametrize("failure", AMBIGUOUS)
def test_create_after_an_ambiguous_failure_returns_what_find_existing_found(failure: Callable[[], Any]) -> None:
    server = Scripted([failure(), reply(body={"id": "asst_duplicate"})])
    test = rig(server)
    assert test.client.create({"model": "m"}, find_existing=lambda: FOUND) == FOUND
    assert methods(server) == ["POST /v1/assistants"]
    assert test.delays == []


# No answer in time: the server may still be storing it, so "not there yet" proves nothing.
STILL_RUNNING = [
    pytest.param(lambda: httpx.ReadTimeout("timed out"), id="ReadTimeout"),
    pytest.param(lambda: httpx.WriteTimeout("timed out"), id="WriteTimeout"),
    pytest.param(lambda: openai_error(504, "Gateway timeout"), id="504"),
]


@pytest.mark.parametrize("failure", [p for p in AMBIGUOUS if p.id != "ReadTimeout"])
def test_create_is_retried_when_find_existing_finds_nothing(failure: Callable[[], Any]) -> None:
    server = Scripted([failure(), reply(body={"id": "asst_new"})])
    checks: list[str] = []

    def nothing_found() -> JsonObject | None:
        checks.append("checked")
        return None

    created = rig(server).client.create({"model": "m"}, find_existing=nothing_found)
    assert created == {"id": "asst_new"}
    assert checks == ["checked"]
    assert methods(server) == ["POST /v1/assistants"] * 2


@pytest.mark.parametrize("failure", STILL_RUNNING)
def test_create_that_may_still_be_running_is_never_sent_again(failure: Callable[[], Any]) -> None:
    server = Scripted([failure(), reply(body={"id": "asst_duplicate"})])
    checks: list[str] = []

    def not_yet() -> JsonObject | None:
        checks.append("checked")
        return None

    with pytest.raises(AmbiguousWriteError, match="may still be storing the assistant.*not sent again") as caught:
        rig(server).client.create({"model": "m"}, find_existing=not_yet)
    assert checks == ["checked"]  # found, it would have been returned
    assert methods(server) == ["POST /v1/assistants"]
    assert caught.value.path == "/v1/assistants"


@pytest.mark.parametrize("failure", STILL_RUNNING)
def test_a_modify_that_timed_out_is_retried(failure: Callable[[], Any]) -> None:
    server = Scripted([failure(), reply(body={"id": "asst_1"})])
    assert rig(server).client.modify("asst_1", {"name": "n"}) == {"id": "asst_1"}  # the same body twice is safe
    assert methods(server) == ["POST /v1/assistants/asst_1"] * 2


@pytest.mark.parametrize("failure", AMBIGUOUS)
def test_create_without_find_existing_raises_ambiguous_write_error(failure: Callable[[], Any]) -> None:
    server = Scripted([failure(), reply()])
    with pytest.raises(AmbiguousWriteError, match="may have stored the assistant.*not retried") as caught:
        rig(server).client.create({"model": "m"})
    assert len(server.requests) == 1
    assert isinstance(caught.value, ApiError)
    assert caught.value.path == "/v1/assistants"


def test_create_reports_ambiguity_when_the_check_itself_fails() -> None:
    def broken_check() -> JsonObject | None:
        raise ApiError("GET", "/v1/assistants", "503 Service Unavailable", status=503)

    server = Scripted([openai_error(500, "boom")])
    with pytest.raises(AmbiguousWriteError, match="checking whether it was created failed too") as caught:
        rig(server).client.create({"model": "m"}, find_existing=broken_check)
    assert isinstance(caught.value.__cause__, ApiError)


def test_create_is_not_retried_blindly_on_the_last_attempt_either() -> None:
    server = Scripted([openai_error(500, "boom")])
    with pytest.raises(ApiError, match="500 Internal Server Error: boom$") as caught:
        rig(server, max_retries=0).client.create({"model": "m"}, find_existing=lambda: None)
    assert not isinstance(caught.value, AmbiguousWriteError)  # we checked: nothing was created


@pytest.mark.parametrize("failure", [
    pytest.param(lambda: httpx.ConnectError("refused"), id="ConnectError"),
    pytest.param(lambda: httpx.ConnectTimeout("timed out"), id="ConnectTimeout"),
    pytest.param(lambda: reply(429, {}, headers={"retry-after": "1"}), id="429"),
    pytest.param(lambda: reply(409, {}), id="409"),
])
def test_create_is_retried_when_the_request_surely_was_not_applied(failure: Callable[[], Any]) -> None:
    server = Scripted([failure(), reply(body={"id": "asst_new"})])

    def must_not_be_called() -> JsonObject | None:
        raise AssertionError("nothing to check: the create was never applied")

    assert rig(server).client.create({"model": "m"}, find_existing=must_not_be_called) == {"id": "asst_new"}
    assert len(server.requests) == 2


def test_delete_counts_a_404_after_an_ambiguous_attempt_as_deleted() -> None:
    server = Scripted([httpx.ReadError("reset"), openai_error(404, "No assistant found with id 'asst_1'.")])
    assert rig(server).client.delete("asst_1") == {"id": "asst_1", "object": "assistant.deleted", "deleted": True}


def test_delete_of_a_missing_assistant_is_an_error() -> None:
    server = Scripted([openai_error(404, "No assistant found with id 'asst_1'.")])
    with pytest.raises(ApiError) as caught:
        rig(server).client.delete("asst_1")
    assert caught.value.status == 404


# --- parallel reads -------------------------------------------------------------------------------

def test_get_many_runs_in_parallel_bounded_by_parallelism_and_keeps_errors_per_id() -> None:
    parallelism = 3
    arrived = threading.Barrier(parallelism, timeout=10)  # passes only if 3 requests are in flight together
    in_flight: list[int] = [0, 0]  # now, most ever
    lock = threading.Lock()

    def server(request: httpx.Request) -> httpx.Response:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        arrived.wait()
        with lock:
            in_flight[0] -= 1
        assistant_id = request.url.path.rsplit("/", 1)[1]
        if assistant_id == "asst_gone":
            return openai_error(404, f"No assistant found with id '{assistant_id}'.")
        return reply(body={"id": assistant_id})

    ids = ["asst_1", "asst_2", "asst_gone", "asst_4", "asst_5", "asst_6"]
    results = rig(server, parallelism=parallelism).client.get_many([*ids, "asst_1"])
    assert list(results) == ids
    assert results["asst_4"] == {"id": "asst_4"}
    gone = results["asst_gone"]
    assert isinstance(gone, ApiError) and gone.status == 404
    assert in_flight[1] == parallelism


def test_get_many_of_nothing_sends_nothing() -> None:
    assert rig(Scripted([])).client.get_many([]) == {}


# --- responses and error messages -----------------------------------------------------------------

@pytest.mark.parametrize("response", [reply(text="<html>ok</html>"), reply(body=[1, 2]), reply(text="")])
def test_a_2xx_body_that_is_not_a_json_object_is_an_error_naming_method_and_path(response: httpx.Response) -> None:
    with pytest.raises(ApiError, match=r"^POST /v1/assistants/asst_1: 200 OK: the response is not a JSON object"):
        rig(Scripted([response])).client.modify("asst_1", {})


NGINX = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
         "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


@pytest.mark.parametrize(("response", "message"), [
    pytest.param(
        openai_error(400, "Invalid value for 'temperature'", "invalid_value", param="temperature"),
        "400 Bad Request: Invalid value for 'temperature' (code: invalid_value, param: temperature)", id="openai"),
    pytest.param(
        reply(400, {"error": {"type": "invalid_request_error", "param": "model", "code": "model_not_found"}}),
        "400 Bad Request: invalid_request_error (code: model_not_found, param: model)", id="azure-no-message"),
    pytest.param(
        reply(400, {"status": "failure",
                    "message": "Either x-portkey-config or x-portkey-provider header is required"}),
        "400 Bad Request: Either x-portkey-config or x-portkey-provider header is required", id="portkey-gateway"),
    pytest.param(reply(404, {"detail": "Not Found"}), "404 Not Found: Not Found", id="fastapi"),
    pytest.param(
        reply(422, {"detail": [{"loc": ["body", "temperature"], "msg": "must be <= 2", "type": "value_error"}]}),
        "422 Unprocessable Entity: body.temperature: must be <= 2", id="fastapi-validation"),
    pytest.param(reply(502, text=NGINX), "502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx", id="html"),
    pytest.param(reply(500, text=""), "500 Internal Server Error", id="empty"),
    pytest.param(reply(500, {"oops": True}), '500 Internal Server Error: {"oops": true}', id="unknown-json"),
])
def test_error_bodies_of_every_shape_become_one_readable_line(response: httpx.Response, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        rig(Scripted([response]), max_retries=0).client.modify("asst_x", {})
    assert str(caught.value) == f"POST /v1/assistants/asst_x: {message}"


def test_a_long_text_body_is_cut_to_300_characters() -> None:
    with pytest.raises(ApiError) as caught:
        rig(Scripted([reply(500, text="x" * 1000)]), max_retries=0).client.get("asst_1")
    assert caught.value.api_message == "x" * 300 + "..."


def test_the_error_names_the_request_id_and_keeps_the_query_out_of_the_path() -> None:
    response = openai_error(400, "bad", "invalid_value")
    response.headers["x-request-id"] = "req_123"
    with pytest.raises(ApiError) as caught:
        rig(Scripted([response]), params={"api-version": "v1"}).client.get("asst_1")
    error = caught.value
    assert (error.method, error.path, error.status, error.api_message, error.api_code) == (
        "GET", "/v1/assistants/asst_1", 400, "bad", "invalid_value")
    assert str(error) == "GET /v1/assistants/asst_1: 400 Bad Request: bad (code: invalid_value) (request id req_123)"


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_name_the_credential_variables(status: int) -> None:
    with pytest.raises(ApiError, match=r"; check OPENAI_API_KEY$"):
        rig(Scripted([openai_error(status, "Incorrect API key provided")])).client.get("asst_1")


def test_a_404_on_the_collection_says_the_api_may_be_retired() -> None:
    with pytest.raises(ApiError, match="retired it on 2026-08-26"):
        rig(Scripted([reply(404, text="Not Found")])).client.list_all()


# --- secrets --------------------------------------------------------------------------------------

def test_an_echoed_key_appears_in_no_error_and_no_log_line() -> None:
    echo = openai_error(401, f"Incorrect API key provided: {SECRET}. Find your key at ...", "invalid_api_key")
    test = rig(Scripted([echo]), headers={"Authorization": f"Bearer {SECRET}", "x-portkey-config": SECRET})
    with pytest.raises(ApiError) as caught:
        test.client.get("asst_1")
    error = caught.value
    assert SECRET not in str(error) and SECRET not in (error.api_message or "")
    assert "Incorrect API key provided: ***." in str(error)
    assert test.logs and not any(SECRET in line for line in test.logs)
    assert "authorization: ***" in test.logs[0] and "x-portkey-config: ***" in test.logs[0]


def test_a_key_echoed_in_plain_text_or_a_transport_error_is_masked_too() -> None:
    server = Scripted([reply(500, text=f"upstream said {SECRET}"), httpx.ReadError(f"reset while sending {SECRET}")])
    test = rig(server, max_retries=1)
    with pytest.raises(ApiError) as caught:
        test.client.get("asst_1")
    assert "reset while sending ***" in str(caught.value)
    assert test.logs[2].endswith("after: 500 Internal Server Error: upstream said ***")
    assert not any(SECRET in line for line in test.logs)


def test_settings_repr_hides_credentials() -> None:
    settings = ConnectionSettings("https://x.test/v1", headers={"api-key": SECRET}, secrets=frozenset({SECRET}))
    assert SECRET not in repr(settings)


def test_verbose_log_has_one_line_per_request_and_response_and_the_retry() -> None:
    test = rig(Scripted([reply(503, {}, headers={"x-request-id": "req_9"}), reply()]))
    test.client.get("asst_1")
    assert len(test.logs) == 5
    assert test.logs[0].startswith("-> GET /v1/assistants/asst_1 (attempt 1/3) ")
    assert test.logs[1].startswith("<- GET /v1/assistants/asst_1 (attempt 1/3) 503 Service Unavailable in ")
    assert test.logs[1].endswith("s x-request-id: req_9")
    assert test.logs[2] == "   retrying GET /v1/assistants/asst_1 in 0.50s after: 503 Service Unavailable"
    assert test.logs[4].startswith("<- GET /v1/assistants/asst_1 (attempt 2/3) 200 OK in ")


# --- startup cost ---------------------------------------------------------------------------------

def test_the_connection_modules_import_without_httpx() -> None:
    code = ("import sys, assistantsync.cli.options, assistantsync.api.providers, assistantsync.api.client, "
            "assistantsync.cli.main; "
            "sys.exit('httpx' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize(("base_url", "proxy", "loads_cas"), [
    ("http://127.0.0.1:8080/v1", None, False),  # plain http, no proxy: TLS is never used
    ("http://127.0.0.1:8080/v1", "https://proxy.example:3128", True),  # a proxy may speak TLS
    ("https://api.openai.com/v1", None, True),
])
def test_only_a_client_that_may_use_tls_loads_the_ca_bundle(
    base_url: str, proxy: str | None, loads_cas: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssl

    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    if proxy is not None:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
    verify = _verify(base_url, trust_env=True)
    if loads_cas:
        assert verify is True  # httpx's default: the CA bundle, verified
    else:  # still verifying, trusting nobody: a TLS connection it was not meant to make fails
        assert isinstance(verify, ssl.SSLContext)
        assert (verify.verify_mode, verify.check_hostname) == (ssl.CERT_REQUIRED, True)
        assert verify.cert_store_stats()["x509_ca"] == 0
