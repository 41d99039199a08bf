"""What bounds one request besides httpx's per-read timeouts: --timeout for the whole attempt, the run's stop
event (and `stopping`), the number of list pages, and the depth of what a response holds.

The fake server's handlers block on `release` (set when the test ends) or trickle until it is set, so an
abandoned exchange's thread always ends. Nothing is timed: a test that the old code failed hung instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from helpers.fake_api import Scripted, reply, rig

from assistantsync.api import pages as pages_module
from assistantsync.api.client import ApiError
from assistantsync.json_value import JsonObject

DEADLINE = ("GET /v1/assistants/asst_1: no response from api.example.test within 0.3s (ReadTimeout: the whole "
            "request took longer than --timeout); raise --timeout if the server is just slow")


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


class Trickle(httpx.SyncByteStream):
    """A JSON body sent a byte at a time until `release` is set."""

    def __init__(self, release: threading.Event) -> None:
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        yield b"{"
        while not self._release.wait(0.01):
            yield b" "


def test_a_body_trickled_past_the_timeout_fails_at_the_deadline(release: threading.Event) -> None:
    server = Scripted([httpx.Response(200, stream=Trickle(release))])
    with pytest.raises(ApiError) as raised:
        rig(server, timeout=0.3, max_retries=0).client.get("asst_1")
    assert str(raised.value) == DEADLINE


def test_each_retry_gets_a_deadline_of_its_own(release: threading.Event) -> None:
    server = Scripted([httpx.Response(200, stream=Trickle(release)), reply()])
    fake = rig(server, timeout=0.3, max_retries=1)
    assert fake.client.get("asst_1") == {"id": "asst_1", "object": "assistant"}
    assert len(server.requests) == 2 and len(fake.delays) == 1


def blocking(release: threading.Event, answer: httpx.Response) -> Any:
    """A handler that takes the request and answers only once `release` is set."""
    def handle(request: httpx.Request) -> httpx.Response:
        release.wait()
        return answer
    return handle


IN_FLIGHT_CASES = [
    ("create", "POST /v1/assistants: interrupted in flight: may have been applied; the next plan finds it by its key"),
    ("modify", "POST /v1/assistants/asst_1: interrupted in flight: may have been applied; the next plan shows "
               "whether it was"),
    ("delete", "DELETE /v1/assistants/asst_1: interrupted in flight: may have been applied; the next plan shows "
               "whether it was"),
]


@pytest.mark.parametrize(("call", "message"), IN_FLIGHT_CASES, ids=[case[0] for case in IN_FLIGHT_CASES])
def test_a_write_still_in_flight_after_the_stop_is_abandoned_and_never_looked_up(
        release: threading.Event, call: str, message: str) -> None:
    client = rig(blocking(release, reply()), max_retries=3).client
    stop = threading.Event()
    stop.set()
    looked_up: list[str] = []
    body: JsonObject = {"model": "gpt-4o"}
    with pytest.raises(ApiError) as raised:
        if call == "create":
            client.create(body, find_existing=lambda: looked_up.append("lookup"), stop=stop)
        elif call == "modify":
            client.modify("asst_1", body, stop=stop)
        else:
            client.delete("asst_1", stop=stop)
    assert str(raised.value) == message
    assert looked_up == []


def test_a_read_in_flight_when_the_client_is_stopping_is_abandoned(release: threading.Event) -> None:
    client = rig(blocking(release, reply())).client
    client.stopping.set()
    with pytest.raises(ApiError, match=r"^GET /v1/assistants/asst_1: interrupted in flight$"):
        client.get("asst_1")


def test_a_write_that_finishes_within_the_grace_is_kept() -> None:
    stop = threading.Event()

    def slow_then_ok(request: httpx.Request) -> httpx.Response:
        stop.set()  # the signal comes while the write is in flight; it is answered a moment later
        time.sleep(0.05)
        return reply(body={"id": "asst_9", "object": "assistant"})

    assert rig(slow_then_ok).client.create({"model": "gpt-4o"}, stop=stop) == {"id": "asst_9", "object": "assistant"}


# --- pages -------------------------------------------------------------------------------------------------


class EndlessPages:
    """Every page holds `per_page` new ids and a new cursor, for ever."""

    def __init__(self, per_page: int) -> None:
        self.per_page = per_page
        self.pages = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.pages += 1
        ids = [f"asst_{self.pages}_{n}" for n in range(self.per_page)]
        return reply(body={"object": "list", "data": [{"id": i} for i in ids], "has_more": True})


@pytest.mark.parametrize(("per_page", "max_pages", "pages", "objects", "bound"), [
    (1, 1000, 11, 11, 11),  # a new id or two a page: stopped by the fill rule
    (5, 1000, 19, 95, 19),  # a server capping pages at 5: stopped once past 10 pages and one per 10 objects
    (100, 7, 7, 700, 7),  # full pages: stopped only by the absolute cap (lowered here)
])
def test_a_list_that_never_ends_stops_with_an_error(monkeypatch: pytest.MonkeyPatch, per_page: int, max_pages: int,
                                                    pages: int, objects: int, bound: int) -> None:
    monkeypatch.setattr(pages_module, "MAX_PAGES", max_pages)
    server = EndlessPages(per_page)
    with pytest.raises(ApiError) as raised:
        rig(server).client.list_all()
    assert str(raised.value) == (
        f"GET /v1/assistants: stopped paging after {pages} pages listing {objects} objects: the server keeps "
        f"sending a new cursor, and a list this size needs at most {bound} pages (one per 10 objects, 10 more, "
        f"{max_pages} in all); check its paging (`after` cursors) and list again")
    assert server.pages == pages



class FinitePages:
    """`total` ids served `per_page` at a time: a server capping its pages far below the API's 100."""

    def __init__(self, total: int, per_page: int) -> None:
        self.ids = [f"asst_{n:04d}" for n in range(total)]
        self.per_page = per_page

    def __call__(self, request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        start = self.ids.index(after) + 1 if after else 0
        page = self.ids[start:start + self.per_page]
        return reply(body={"object": "list", "data": [{"id": i} for i in page],
                           "has_more": start + self.per_page < len(self.ids)})


@pytest.mark.parametrize(("total", "per_page"), [(2500, 10), (2500, 100), (100_000, 100)])
def test_a_long_list_in_small_or_full_pages_is_read_whole(total: int, per_page: int) -> None:
    assert len(rig(FinitePages(total, per_page)).client.list_all()) == total


# --- depth -------------------------------------------------------------------------------------------------


def nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(("body", "message"), [
    pytest.param({"id": "asst_1", "tools": nested(400)},
     "200 OK: the response (id 'asst_1') nests deeper than 64 levels at `tools`; files cannot nest that deep, so "
     "nothing could manage it", id="object"),
    pytest.param({"id": "asst_1", "metadata": {"k": nested(62)}},  # the object, metadata, then 63 levels: one too many
     "200 OK: the response (id 'asst_1') nests deeper than 64 levels at `metadata`; files cannot nest that deep, "
     "so nothing could manage it", id="object-by-one-level"),
    pytest.param({"object": "list", "data": [{"id": "asst_0"}, {"id": "asst_\u202e1", "name": nested(100)}],
                  "has_more": False},
     "200 OK: item 1 of the list (id 'asst_\\u202e1') nests deeper than 64 levels at `name`; files cannot nest "
     "that deep, so nothing could manage it", id="list-item"),
    pytest.param({"object": "list", "data": [], "first_id": nested(70), "has_more": False},
     "200 OK: the list response nests deeper than 64 levels at `first_id`; files cannot nest that deep, so "
     "nothing could manage it", id="list-wrapper"),
])
def test_a_response_nested_deeper_than_files_may_is_a_message_naming_the_object_and_field(
        body: JsonObject, message: str) -> None:
    with pytest.raises(ApiError) as raised:
        rig(Scripted([reply(body=body)]), max_retries=0).client.get("asst_1")
    assert str(raised.value) == f"GET /v1/assistants/asst_1: {message}"


def test_a_value_at_the_files_depth_is_read() -> None:
    body = {"id": "asst_1", "metadata": {"k": nested(61)}}  # 64 levels in all
    assert rig(Scripted([reply(body=body)])).client.get("asst_1") == body


@pytest.mark.parametrize(("status", "expected"), ids=["success", "error"], argvalues=[
    (200, "GET /v1/assistants/asst_1: 200 OK: the response nests deeper than 64 levels"),
    (400, "GET /v1/assistants/asst_1: 400 Bad Request: (an error body nested too deep to read)"),
])
def test_a_body_too_deep_for_the_json_decoder_is_a_message(status: int, expected: str) -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ApiError) as raised:
        rig(Scripted([reply(status, text=text)]), max_retries=0).client.get("asst_1")
    assert str(raised.value) == expected
