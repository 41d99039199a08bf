"""kinds/agent/wire.py: literal API objects in, the engine's flat view out; plan bodies in, requests out."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.agent.wire import from_wire, to_wire, update_path

DEFINITION = {"kind": "prompt", "model": "gpt-4.1", "instructions": "Hi", "temperature": 0.3,
              "tools": [{"type": "code_interpreter"}]}
VERSION = {"object": "agent.version", "id": "support-bot:3", "name": "support-bot", "version": "3",
           "description": "Tier 1", "metadata": {"team": "support"}, "created_at": 1767225600, "status": "active",
           "definition": DEFINITION}
FLAT = {"id": "support-bot", "name": "support-bot", "version": "3", "created_at": 1767225600,
        "description": "Tier 1", "metadata": {"team": "support"}, "definition.kind": "prompt",
        "definition.model": "gpt-4.1", "definition.instructions": "Hi", "definition.temperature": 0.3,
        "definition.tools": [{"type": "code_interpreter"}]}
NAMES_ONLY = {"id": "support-bot", "name": "support-bot"}


def agent(versions: Any) -> dict[str, Any]:
    return {"object": "agent", "id": "support-bot", "name": "support-bot", "state": "enabled", "versions": versions}


# (case, what the API returned, the flat view)
FROM_WIRE: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("an AgentObject: its latest version", agent({"latest": VERSION}), FLAT),
    ("an AgentVersionObject: the id is the agent's name, not name:version", VERSION, FLAT),
    ("a version without description, metadata or definition", {"object": "agent.version", "name": "support-bot",
                                                                "version": "1"},
     {**NAMES_ONLY, "version": "1"}),
    ("null description and metadata are kept as null",
     {**VERSION, "description": None, "metadata": None, "definition": {"kind": "prompt", "model": "m"}},
     {**NAMES_ONLY, "version": "3", "created_at": 1767225600, "description": None, "metadata": None,
      "definition.kind": "prompt", "definition.model": "m"}),
    ("an agent deletion passes as it is", {"object": "agent.deleted", "name": "support-bot", "deleted": True},
     {"object": "agent.deleted", "name": "support-bot", "deleted": True}),
    ("a version deletion passes as it is",
     {"object": "agent.version.deleted", "name": "support-bot", "version": "1", "deleted": True},
     {"object": "agent.version.deleted", "name": "support-bot", "version": "1", "deleted": True}),
    ("no object member passes as it is", {"id": "x"}, {"id": "x"}),
    ("malformed: versions a list", agent([VERSION]), NAMES_ONLY),
    ("malformed: versions null", agent(None), NAMES_ONLY),
    ("malformed: no versions", {"object": "agent", "id": "support-bot", "name": "support-bot"}, NAMES_ONLY),
    ("malformed: latest a string", agent({"latest": "3"}), NAMES_ONLY),
    ("malformed: latest missing", agent({}), NAMES_ONLY),
    ("malformed: definition a string", agent({"latest": {**VERSION, "definition": "prompt"}}),
     {key: value for key, value in FLAT.items() if not key.startswith("definition.")}),
    ("malformed: definition a list", {**VERSION, "definition": [DEFINITION]},
     {key: value for key, value in FLAT.items() if not key.startswith("definition.")}),
    ("malformed: no name", {"object": "agent", "versions": {"latest": {"version": "1"}}},
     {"id": None, "name": None, "version": "1"}),
]


@pytest.mark.parametrize(("item", "flat"), [case[1:] for case in FROM_WIRE], ids=[c[0] for c in FROM_WIRE])
def test_from_wire(item: dict[str, Any], flat: dict[str, Any]) -> None:
    assert from_wire(item) == flat
    assert AGENT.from_wire(item) == flat


BODY = {"name": "support-bot", "description": "Tier 1", "definition.model": "gpt-4.1",
        "definition.instructions": "Hi", "metadata": {"team": "support", "assistantsync_key": "support-bot"}}

# (case, action, plan body, the request, its keys in order, its definition's keys in order)
TO_WIRE: list[tuple[str, str, dict[str, Any], dict[str, Any], list[str], list[str]]] = [
    ("create keeps the name; definition nested, kind first", "create", BODY,
     {"name": "support-bot", "description": "Tier 1", "metadata": {"team": "support",
                                                                   "assistantsync_key": "support-bot"},
      "definition": {"kind": "prompt", "model": "gpt-4.1", "instructions": "Hi"}},
     ["name", "description", "metadata", "definition"], ["kind", "model", "instructions"]),
    ("update drops the name: the path names the agent", "update", BODY,
     {"description": "Tier 1", "metadata": {"team": "support", "assistantsync_key": "support-bot"},
      "definition": {"kind": "prompt", "model": "gpt-4.1", "instructions": "Hi"}},
     ["description", "metadata", "definition"], ["kind", "model", "instructions"]),
    ("a body without definition members still sends a prompt definition", "update", {"metadata": {}},
     {"metadata": {}, "definition": {"kind": "prompt"}}, ["metadata", "definition"], ["kind"]),
    ("a null member is sent as null", "create",
     {"name": "a", "definition.model": "m", "definition.temperature": None},
     {"name": "a", "definition": {"kind": "prompt", "model": "m", "temperature": None}},
     ["name", "definition"], ["kind", "model", "temperature"]),
]


@pytest.mark.parametrize(("action", "body", "request_body", "keys", "definition_keys"), [c[1:] for c in TO_WIRE],
                         ids=[c[0] for c in TO_WIRE])
def test_to_wire(action: str, body: dict[str, Any], request_body: dict[str, Any], keys: list[str],
                 definition_keys: list[str]) -> None:
    sent = to_wire(action, body)
    assert sent == request_body
    assert list(sent) == keys
    assert list(sent["definition"]) == definition_keys


def test_to_wire_leaves_the_plan_body_as_it_was() -> None:
    body = dict(BODY)
    to_wire("update", body)
    assert body == BODY


def test_a_created_version_read_back_is_the_body_sent() -> None:
    sent = to_wire("create", BODY)
    echoed = {"object": "agent.version", "version": "1", **sent}
    flat = from_wire(echoed)
    assert {field: flat[field] for field in BODY} == BODY
    assert flat["id"] == "support-bot"


# (case, changed fields, where the update goes)
UPDATE_PATHS: list[tuple[str, tuple[str, ...], str]] = [
    ("a definition member changed: the agent, which versions only a changed definition",
     ("definition.instructions",), "/agents/support-bot"),
    ("definition and description changed", ("description", "definition.model"), "/agents/support-bot"),
    ("a definition member that is new to the file", ("definition.tools",), "/agents/support-bot"),
    ("description only: the versions collection, which always makes one", ("description",),
     "/agents/support-bot/versions"),
    ("metadata only", ("metadata",), "/agents/support-bot/versions"),
    ("description and metadata", ("description", "metadata"), "/agents/support-bot/versions"),
    ("nothing but the record (an adoption)", (), "/agents/support-bot/versions"),
]


@pytest.mark.parametrize(("changed", "path"), [c[1:] for c in UPDATE_PATHS], ids=[c[0] for c in UPDATE_PATHS])
def test_update_path(changed: tuple[str, ...], path: str) -> None:
    assert update_path("/agents/support-bot", changed) == path
    assert AGENT.update_path("/agents/support-bot", changed) == path

