"""ResourceClient on the agents API: retries honour retry-after and are counted, and no write is made twice.

A small stateful fake of the agents API over httpx.MockTransport: it stores what is posted, and can fail a
request before or after storing it. No test sleeps: `sleep` records the delays asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from helpers.fake_api import NOW, SECRET

from assistantsync.api.client import AmbiguousWriteError, ApiError, ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent import AGENT

PROMPT = {"kind": "prompt", "model": "gpt-4.1"}
Fault = Callable[[], "httpx.Response | Exception"]


def server_error() -> httpx.Response:
    return httpx.Response(500, json={"error": {"message": "boom", "type": "server_error"}})


@dataclass
class Agents:
    """One agent, `bot`, and its versions; `before` / `after` fail the next matching requests before or after
    they are handled (an exception is a broken connection)."""

    versions: list[JsonObject] = field(default_factory=lambda: [{"description": "one", "definition": PROMPT}])
    before: dict[str, list[Fault]] = field(default_factory=dict)
    after: dict[str, list[Fault]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    def agent(self) -> JsonObject:
        latest = {"object": "agent.version", "name": "bot", "version": str(len(self.versions)), "metadata": {},
                  "created_at": 1, **self.versions[-1]}
        return {"object": "agent", "id": "bot", "name": "bot", "versions": {"latest": latest}}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        route = f"{request.method} {request.url.path}"
        self.seen.append(route)
        assert request.url.params["api-version"] == "v1"
        if self.before.get(route):
            return _fail(self.before[route].pop(0))
        if request.method == "GET" and route.endswith("/agents"):
            return httpx.Response(200, json={"data": [self.agent()] if self.versions else [], "has_more": False})
        if request.method == "POST":
            body = json.loads(request.content)
            # A create, a POST to /versions, or a definition the latest version does not have: a new version.
            if route.endswith(("/agents", "/versions")) or body["definition"] != self.versions[-1]["definition"]:
                self.versions.append({k: v for k, v in body.items() if k != "name"})
        if request.method == "DELETE" and not self.versions:
            return httpx.Response(404, json={"error": {"message": "not found", "code": "not_found"}})
        if request.method == "DELETE":
            self.versions.clear()
        answer = httpx.Response(200, json=self.agent() if self.versions else {"object": "agent.deleted"})
        return _fail(self.after[route].pop(0)) if self.after.get(route) else answer


def _fail(fault: Fault) -> httpx.Response:
    failure = fault()
    if isinstance(failure, Exception):
        raise failure
    return failure


def client(server: Agents, delays: list[float], max_retries: int = 2) -> ResourceClient:
    settings = ConnectionSettings(base_url="https://foundry.example.test/api/projects/p", max_retries=max_retries,
                                  headers={"Authorization": f"Bearer {SECRET}"}, secrets=frozenset({SECRET}))
    return ResourceClient(settings, kind=AGENT, transport=httpx.MockTransport(server), sleep=delays.append,
                          random_source=lambda: 0.0, now=lambda: NOW)


@pytest.mark.parametrize(("headers", "delay"), [
    ({"retry-after-ms": "250", "retry-after": "7"}, 0.25),
    ({"retry-after": "2"}, 2.0),
    ({"retry-after": "3600"}, 60.0),  # capped
])
def test_a_429_on_the_agents_list_waits_what_the_server_asks(headers: dict[str, str], delay: float) -> None:
    limited: Fault = lambda: httpx.Response(429, headers=headers)  # noqa: E731
    server, delays = Agents(before={"GET /api/projects/p/agents": [limited]}), list[float]()
    assert [agent["name"] for agent in client(server, delays).list_all()] == ["bot"]
    assert (delays, server.seen) == ([delay], ["GET /api/projects/p/agents"] * 2)


def test_503s_are_counted_and_the_last_one_is_named_with_its_attempts() -> None:
    unavailable: Fault = lambda: httpx.Response(503, json={"error": {"message": "busy"}})  # noqa: E731
    server, delays = Agents(before={"POST /api/projects/p/agents/bot": [unavailable] * 3}), list[float]()
    with pytest.raises(ApiError, match=r"^POST /api/projects/p/agents/bot: 503 Service Unavailable: busy "
                                       r"\(gave up after 3 attempts\)$"):
        client(server, delays).modify("bot", {"definition.model": "gpt-4.1-mini"}, changed=("definition.model",))
    assert delays == [0.5, 1.0]
    assert len(server.versions) == 1


@pytest.mark.parametrize("fault", [server_error, lambda: httpx.RemoteProtocolError("Server disconnected")],
                         ids=["500", "dropped"])
def test_a_create_stored_before_it_failed_is_found_not_sent_again(fault: Fault) -> None:
    server, delays = Agents(versions=[], after={"POST /api/projects/p/agents": [fault]}), list[float]()
    found = client(server, delays).create({"name": "bot", "definition.model": "gpt-4.1"},
                                          find_existing=lambda: AGENT.from_wire(server.agent()))
    assert (found["id"], found["version"], server.seen.count("POST /api/projects/p/agents")) == ("bot", "1", 1)


def test_a_create_with_no_answer_in_time_is_never_sent_again() -> None:
    server = Agents(versions=[], after={"POST /api/projects/p/agents": [lambda: httpx.ReadTimeout("timed out")]})
    with pytest.raises(AmbiguousWriteError, match="may still be storing the agent"):
        client(server, []).create({"name": "bot", "definition.model": "m"}, find_existing=lambda: None)
    assert server.seen.count("POST /api/projects/p/agents") == 1


def test_a_new_definition_stored_before_a_500_is_retried_safely() -> None:
    """POST /agents/{name} with the definition the latest version has makes no version: a retry is safe."""
    server, delays = Agents(after={"POST /api/projects/p/agents/bot": [server_error]}), list[float]()
    done = client(server, delays).modify("bot", {"definition.model": "gpt-4.1-mini"}, changed=("definition.model",))
    assert (done["version"], len(server.versions), server.seen.count("POST /api/projects/p/agents/bot")) == ("2", 2, 2)


@pytest.mark.parametrize("fault", [server_error, lambda: httpx.RemoteProtocolError("Server disconnected")],
                         ids=["500", "dropped"])
def test_a_new_description_stored_before_it_failed_is_looked_up_not_sent_again(fault: Fault) -> None:
    """POST /agents/{name}/versions always makes a version: after an ambiguous failure it is a create, looked up."""
    server = Agents(after={"POST /api/projects/p/agents/bot/versions": [fault]})
    agents = client(server, [])
    body: dict[str, Any] = {"description": "two", "definition.model": "gpt-4.1"}
    done = agents.modify("bot", body, changed=("description",), find_existing=lambda: agents.get("bot"))
    assert (done["version"], len(server.versions)) == ("2", 2)
    assert server.seen.count("POST /api/projects/p/agents/bot/versions") == 1


def test_a_new_version_that_may_have_been_stored_is_never_sent_blindly_again() -> None:
    server = Agents(after={"POST /api/projects/p/agents/bot/versions": [server_error]})
    with pytest.raises(AmbiguousWriteError, match="may have stored the new agent version before failing, so it was "
                                                  "not sent again"):
        client(server, []).modify("bot", {"description": "two", "definition.model": "gpt-4.1"},
                                  changed=("description",))
    assert (len(server.versions), server.seen.count("POST /api/projects/p/agents/bot/versions")) == (2, 1)


def test_a_delete_whose_answer_was_lost_is_done_when_the_retry_finds_it_gone() -> None:
    server = Agents(after={"DELETE /api/projects/p/agents/bot": [lambda: httpx.ReadError("reset")]})
    assert client(server, []).delete("bot") == {"id": "bot", "object": "agent.deleted", "deleted": True}
    assert server.seen == ["DELETE /api/projects/p/agents/bot"] * 2
