"""`sandbox serve` answers Foundry's agents API at the URL it prints, used as a project endpoint, over loopback.

Plain httpx with a bearer token and `api-version=v1`, as a Foundry client sends; no `OpenAI-Beta`
header. Timestamps come from the server's clock, so they are checked for type, everything else exactly.
"""

from __future__ import annotations

from typing import Any

import httpx
from helpers.sandbox_server import ServedSandbox

V1 = {"api-version": "v1"}
PROMPT: dict[str, Any] = {"kind": "prompt", "model": "gpt-4.1", "instructions": "Be brief."}
TERSE: dict[str, Any] = {**PROMPT, "instructions": "Be terse."}


def foundry(served: ServedSandbox, token: str = "any-entra-token") -> httpx.Client:
    return httpx.Client(base_url=served.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def latest(response: httpx.Response) -> tuple[int, str, Any]:
    body = response.json()
    version = body["versions"]["latest"]
    assert isinstance(version["created_at"], int)
    return response.status_code, version["version"], version["definition"]


def test_versions_listing_and_delete_through_the_printed_url(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_auth("azure-foundry")  # any bearer token, with api-version, is accepted
    with foundry(sandbox_server) as api:
        created = api.post("agents", params=V1, json={"name": "bot", "definition": PROMPT})
        unchanged = api.post("agents/bot", params=V1, json={"definition": PROMPT})
        changed = api.post("agents/bot", params=V1, json={"definition": TERSE})
        versions = api.get("agents/bot/versions", params={**V1, "order": "asc", "limit": "1"})
        first = api.get("agents/bot/versions/1", params=V1)
        deleted = api.delete("agents/bot", params=V1)
        after = api.get("agents", params=V1)
    assert [latest(r) for r in (created, unchanged, changed)] == [(200, "1", PROMPT), (200, "1", PROMPT),
                                                                  (200, "2", TERSE)]
    page = versions.json()
    assert ([v["id"] for v in page["data"]], page["first_id"], page["last_id"], page["has_more"]) == (
        ["bot:1"], "bot:1", "bot:1", True)
    assert (first.status_code, first.json()["definition"]) == (200, PROMPT)
    assert deleted.json() == {"object": "agent.deleted", "name": "bot", "deleted": True}
    assert after.json() == {"data": [], "has_more": False}
    assert sandbox_server.count("POST", "/agents/{agent_name}") == 2
    assert sandbox_server.count("GET", "/agents/{agent_name}/versions/{agent_version}") == 1


def test_the_state_keeps_agents_and_reset_clears_them(sandbox_server: ServedSandbox) -> None:
    with foundry(sandbox_server) as api:
        assert api.post("agents", params=V1, json={"name": "bot", "definition": PROMPT}).status_code == 200
    assert [agent["name"] for agent in sandbox_server.state()["agents"]] == ["bot"]
    sandbox_server.reset()
    assert sandbox_server.state()["agents"] == []


def test_errors_come_in_the_api_shape(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_auth("azure-foundry", "the-token")
    with foundry(sandbox_server, "wrong") as wrong, foundry(sandbox_server, "the-token") as api:
        unauthorised = wrong.get("agents", params=V1)
        no_version = api.get("agents")
        missing = api.get("agents/nobody", params=V1)
    assert unauthorised.status_code == 401
    assert (no_version.status_code, no_version.json()["error"]["param"]) == (400, "api-version")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


def test_faults_aim_at_agent_routes(sandbox_server: ServedSandbox) -> None:
    sandbox_server.set_faults({"kind": "rate_limit", "times": 1, "method": "POST", "route": "/agents"})
    with foundry(sandbox_server) as api:
        limited = api.post("agents", params=V1, json={"name": "bot", "definition": PROMPT})
        retried = api.post("agents", params=V1, json={"name": "bot", "definition": PROMPT})
    assert (limited.status_code, retried.status_code) == (429, 200)
    assert latest(retried)[1] == "1"
