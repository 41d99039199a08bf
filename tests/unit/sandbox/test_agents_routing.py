"""The agents API reached through the embedded sandbox (core.py's dispatch, the state file), not agents.py alone.

The clock is pinned, so every body is compared whole.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistantsync.sandbox.core import Settings, route_template
from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL
from assistantsync.sandbox.store import StateFile

T0 = 1_767_225_600
V1 = {"api-version": "v1"}
PROMPT: dict[str, Any] = {"kind": "prompt", "model": "gpt-4.1", "instructions": "Be brief."}
TERSE: dict[str, Any] = {**PROMPT, "instructions": "Be terse."}


def client(state: Path) -> httpx.Client:
    """No `OpenAI-Beta` header: the agents paths must not ask for it."""
    return httpx.Client(transport=SandboxTransport(state, Settings(clock=lambda: T0)), base_url=BASE_URL)


def version(number: str, definition: dict[str, Any]) -> dict[str, Any]:
    return {"object": "agent.version", "id": f"bot:{number}", "name": "bot", "version": number, "metadata": {},
            "created_at": T0, "definition": definition, "status": "active"}


def agent(latest: dict[str, Any]) -> dict[str, Any]:
    return {"object": "agent", "id": "bot", "name": "bot", "state": "enabled", "versions": {"latest": latest}}


ORIGIN = BASE_URL.removesuffix("/v1")


# The sandbox's URL as a Foundry project endpoint (/v1/agents), bare, and a real project path.
@pytest.mark.parametrize("prefix", [BASE_URL, ORIGIN, f"{ORIGIN}/api/projects/_project"])
def test_create_version_list_get_delete_and_reload(tmp_path: Path, prefix: str) -> None:
    state = tmp_path / "sandbox.json"
    with client(state) as api:
        created = api.post(f"{prefix}/agents", params=V1, json={"name": "bot", "definition": PROMPT})
        unchanged = api.post(f"{prefix}/agents/bot", params=V1, json={"definition": PROMPT})
        changed = api.post(f"{prefix}/agents/bot", params=V1, json={"definition": TERSE})
        listed = api.get(f"{prefix}/agents", params=V1)
        first = api.get(f"{prefix}/agents/bot/versions/1", params=V1)
    assert [r.status_code for r in (created, unchanged, changed, listed, first)] == [200] * 5
    assert created.json() == agent(version("1", PROMPT))
    assert unchanged.json() == agent(version("1", PROMPT))
    assert changed.json() == agent(version("2", TERSE))
    assert listed.json() == {"data": [agent(version("2", TERSE))], "first_id": "bot", "last_id": "bot",
                             "has_more": False}
    assert first.json() == version("1", PROMPT)
    with client(state) as reloaded:  # a new transport reads the file afresh
        again = reloaded.get(f"{prefix}/agents/bot/versions", params={**V1, "order": "asc"})
        deleted = reloaded.delete(f"{prefix}/agents/bot", params=V1)
        gone = reloaded.get(f"{prefix}/agents/bot", params=V1)
    assert again.json()["data"] == [version("1", PROMPT), version("2", TERSE)]
    assert deleted.json() == {"object": "agent.deleted", "name": "bot", "deleted": True}
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "not_found")
    with StateFile(state).locked():
        assert len(StateFile(state).load().agents) == 0


def test_agents_are_saved_beside_the_assistants_and_a_file_without_them_loads(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    state.write_text('{"format": "assistantsync-sandbox/1", "revision": 3, "assistants": []}')
    with client(state) as api:
        assert api.get("/agents", params=V1).json() == {"data": [], "has_more": False}
        assert api.post("/agents", params=V1, json={"name": "bot", "definition": PROMPT}).status_code == 200
    saved = json.loads(state.read_text())
    assert (saved["revision"], saved["assistants"]) == (4, [])
    assert saved["agents"] == [{"name": "bot", "last_number": 1, "versions": [version("1", PROMPT)]}]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"message": "Missing required parameter: 'api-version'.", "type": "invalid_request_error",
          "param": "api-version", "code": "missing_required_parameter"}),
    ({"api-version": "2025-05-01"}, {"message": "Unsupported value for 'api-version': expected 'v1'.",
                                     "type": "invalid_request_error", "param": "api-version",
                                     "code": "invalid_value"}),
])
def test_the_agents_paths_need_api_version_v1(tmp_path: Path, params: dict[str, str],
                                               expected: dict[str, Any]) -> None:
    with client(tmp_path / "sandbox.json") as api:
        response = api.post("/agents", params=params, json={"name": "bot", "definition": PROMPT})
    assert (response.status_code, response.json()) == (400, {"error": expected})
    assert not (tmp_path / "sandbox.json").exists()  # nothing was written


@pytest.mark.parametrize(("path", "template"), [
    ("/agents", "/agents"),
    ("/v1/agents", "/agents"),
    ("/v1/agents/bot", "/agents/{agent_name}"),
    ("/api/projects/p/agents/bot/versions", "/agents/{agent_name}/versions"),
    ("/v1/agents/bot/versions/2", "/agents/{agent_name}/versions/{agent_version}"),
    ("/v1/agentsx", "(unmatched)"),
    ("/v1/assistants", "/assistants"),
])
def test_route_templates_for_the_stats(path: str, template: str) -> None:
    assert route_template(path) == template
