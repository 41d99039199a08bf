"""The official `azure-ai-projects` client, a client nobody here wrote, drives the served sandbox's agents API.

The project endpoint is the URL `sandbox serve` prints; the credential is a fixed bearer token. The
client talks plain http to loopback, so every call passes azure-core's `enforce_https=False` (it refuses
to send a bearer token over http otherwise). The client wraps no operation for `POST /agents/{name}`
(the update that makes a version only when the definition changed), so that one goes through the
client's own pipeline with `send_request`, which the SDK offers for calls it does not wrap.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from azure.ai.projects import AIProjectClient
from azure.ai.projects.models import AgentDetails, PromptAgentDefinition
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.core.rest import HttpRequest
from helpers.sandbox_server import ServedSandbox

LOOPBACK: dict[str, Any] = {"enforce_https": False}
TOKEN = "fixed-entra-token"
FOUNDRY_SCOPE = "https://ai.azure.com/.default"
BRIEF = {"kind": "prompt", "model": "gpt-4.1", "instructions": "Be brief."}
TERSE = {"kind": "prompt", "model": "gpt-4.1", "instructions": "Be terse."}


class FixedToken:
    """A TokenCredential that hands out one token and remembers the scopes asked for."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **options: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, 4102444800)  # 2100-01-01: never refreshed during a test


def project(served: ServedSandbox, credential: FixedToken) -> AIProjectClient:
    return AIProjectClient(endpoint=served.base_url, credential=credential, retry_total=0)


@pytest.fixture
def credential() -> FixedToken:
    return FixedToken(TOKEN)


@pytest.fixture
def client(sandbox_server: ServedSandbox, credential: FixedToken) -> Iterator[AIProjectClient]:
    with project(sandbox_server, credential) as opened:
        yield opened


def update(client: AIProjectClient, name: str, definition: dict[str, str]) -> AgentDetails:
    """`POST /agents/{name}` through the client's pipeline, parsed into the client's own model."""
    request = HttpRequest("POST", f"/agents/{name}", params={"api-version": "v1"}, json={"definition": definition})
    response = client.send_request(request, **LOOPBACK)
    response.raise_for_status()
    return AgentDetails(response.json())


def version_fields(version: Any) -> dict[str, Any]:
    """A version as the client parsed it; the time comes from the server's clock, so only its type counts."""
    assert isinstance(version.created_at, datetime)
    fields: dict[str, Any] = version.as_dict()
    fields.pop("created_at")
    return fields


def expected_version(number: str, definition: dict[str, str], **described: Any) -> dict[str, Any]:
    return {"object": "agent.version", "id": f"bot:{number}", "name": "bot", "version": number, "metadata": {},
            "definition": definition, "status": "active", **described}


SUPPORT = {"description": "Answers briefly.", "metadata": {"team": "support"}}


def test_create_update_list_get_and_delete(client: AIProjectClient, sandbox_server: ServedSandbox,
                                           credential: FixedToken) -> None:
    created = client.agents.create_version("bot", definition=PromptAgentDefinition(model="gpt-4.1",
                                                                                   instructions="Be brief."),
                                           description="Answers briefly.", metadata={"team": "support"}, **LOOPBACK)
    assert isinstance(created.definition, PromptAgentDefinition)
    assert version_fields(created) == expected_version("1", BRIEF, **SUPPORT)

    unchanged = update(client, "bot", BRIEF)
    changed = update(client, "bot", TERSE)
    assert (unchanged.versions.latest.version, changed.versions.latest.version) == ("1", "2")
    # What the sandbox documents for `POST /agents/{name}/versions`: a new version, changed or not.
    again = client.agents.create_version("bot", definition=TERSE, **LOOPBACK)
    assert (again.version, again.description, again.metadata) == ("3", None, {})

    (listed,) = client.agents.list(**LOOPBACK)
    assert (listed.name, listed.id, listed.versions.latest.version) == ("bot", "bot", "3")
    assert version_fields(client.agents.get("bot", **LOOPBACK).versions.latest) == version_fields(again)
    assert version_fields(client.agents.get_version("bot", "1", **LOOPBACK)) == expected_version("1", BRIEF, **SUPPORT)
    assert version_fields(client.agents.get_version("bot", "2", **LOOPBACK)) == expected_version("2", TERSE)
    assert [v.version for v in client.agents.list_versions("bot", **LOOPBACK)] == ["3", "2", "1"]

    removed = client.agents.delete_version("bot", "1", **LOOPBACK)
    assert removed.as_dict() == {"object": "agent.version.deleted", "name": "bot", "version": "1", "deleted": True}
    assert [v.version for v in client.agents.list_versions("bot", order="asc", **LOOPBACK)] == ["2", "3"]
    deleted = client.agents.delete("bot", **LOOPBACK)
    assert deleted.as_dict() == {"object": "agent.deleted", "name": "bot", "deleted": True}
    assert list(client.agents.list(**LOOPBACK)) == []

    assert [(r["method"], r["path"], r["query"]) for r in sandbox_server.requests()] == [
        ("POST", "/v1/agents/bot/versions", {"api-version": "v1"}),
        ("POST", "/v1/agents/bot", {"api-version": "v1"}),
        ("POST", "/v1/agents/bot", {"api-version": "v1"}),
        ("POST", "/v1/agents/bot/versions", {"api-version": "v1"}),
        # The client ignores `has_more` and pages until a page has no `last_id`.
        ("GET", "/v1/agents", {"api-version": "v1"}),
        ("GET", "/v1/agents", {"api-version": "v1", "after": "bot"}),
        ("GET", "/v1/agents/bot", {"api-version": "v1"}),
        ("GET", "/v1/agents/bot/versions/1", {"api-version": "v1"}),
        ("GET", "/v1/agents/bot/versions/2", {"api-version": "v1"}),
        ("GET", "/v1/agents/bot/versions", {"api-version": "v1"}),
        ("GET", "/v1/agents/bot/versions", {"api-version": "v1", "after": "bot:1"}),
        ("DELETE", "/v1/agents/bot/versions/1", {"api-version": "v1"}),
        ("GET", "/v1/agents/bot/versions", {"api-version": "v1", "order": "asc"}),
        ("GET", "/v1/agents/bot/versions", {"api-version": "v1", "order": "asc", "after": "bot:3"}),
        ("DELETE", "/v1/agents/bot", {"api-version": "v1"}),
        ("GET", "/v1/agents", {"api-version": "v1"}),
    ]
    assert set(credential.scopes) == {(FOUNDRY_SCOPE,)}
    assert {r["headers"]["authorization"] for r in sandbox_server.requests()} == {"[redacted]"}


def test_the_client_pages_through_every_agent_newest_first(client: AIProjectClient,
                                                          sandbox_server: ServedSandbox) -> None:
    names = [f"agent-{n:02d}" for n in range(45)]
    for name in names:
        client.agents.create_version(name, definition=BRIEF, **LOOPBACK)
    assert [agent.name for agent in client.agents.list(limit=20, **LOOPBACK)] == names[::-1]
    assert sandbox_server.count("GET", "/agents") == 4  # 20 + 20 + 5, then the empty page that stops it


@pytest.mark.parametrize(("call", "exception", "status", "code", "message"), [
    (lambda c: c.agents.get("nobody", **LOOPBACK), ResourceNotFoundError, 404, "not_found",
     "Agent 'nobody' was not found."),
    (lambda c: c.agents.get_version("nobody", "1", **LOOPBACK), ResourceNotFoundError, 404, "not_found",
     "Agent 'nobody' was not found."),
    (lambda c: c.agents.create_version("bot", definition=BRIEF, description="x" * 513, **LOOPBACK),
     HttpResponseError, 400, "invalid_value",
     "Invalid value for 'description': expected a string of at most 512 characters."),
    (lambda c: c.agents.create_version("-bot", definition=BRIEF, **LOOPBACK), HttpResponseError, 400,
     "invalid_value", "Invalid value for 'agent_name': the agent name must start and end with a letter or digit "
                      "and contain only letters, digits and hyphens."),
])
def test_api_errors_become_the_clients_exceptions(client: AIProjectClient, call: Any, exception: type[Exception],
                                                  status: int, code: str, message: str) -> None:
    with pytest.raises(exception) as raised:
        call(client)
    assert isinstance(raised.value, HttpResponseError)
    assert (raised.value.status_code, raised.value.error.code if raised.value.error else None) == (status, code)
    assert raised.value.error is not None and raised.value.error.message == message


def test_the_bearer_token_is_checked_when_the_sandbox_requires_one(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_auth("azure-foundry", TOKEN)
    with project(sandbox_server, FixedToken(TOKEN)) as right, project(sandbox_server, FixedToken("wrong")) as wrong:
        assert list(right.agents.list(**LOOPBACK)) == []
        with pytest.raises(ClientAuthenticationError) as denied:
            list(wrong.agents.list(**LOOPBACK))
    assert denied.value.status_code == 401
    assert "wrong" not in str(denied.value)
