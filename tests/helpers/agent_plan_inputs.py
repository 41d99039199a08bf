"""The plan engine's two inputs for agents, made from literals: an agent file as the files layer reads it (the
engine's flat fields), and a live agent as the agents API returns it, made flat by the kind's own from_wire."""

from __future__ import annotations

from typing import Any

from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.agent.file_document import flat_fields

NAME = "support-bot"
# What the service fills in a version's definition for members nobody set ([U] in the spec: the forms the
# defaults table in kinds/agent/normalise.py says are the same as unset).
SERVER_FILLED: dict[str, Any] = {"temperature": None, "top_p": None, "tools": [], "tool_choice": "auto",
                                 "text": {"format": {"type": "text"}}}


def document(name: str = NAME, **fields: Any) -> dict[str, Any]:
    """An agent file's document: `description` and `metadata` at the top, everything else in the definition."""
    top = {field: fields.pop(field) for field in ("description", "metadata") if field in fields}
    return {"kind": "agent", "name": name, **top, "definition": {"kind": "prompt", **fields}}


def agent_file(name: str = NAME, **fields: Any) -> DesiredResource:
    """The DesiredResource the files layer makes of `document(name, **fields)`."""
    return DesiredResource(name, None, Location(f"{name}.yaml", 1, 1), flat_fields(document(name, **fields)),
                           kind=AGENT.name)


def live_agent(name: str = NAME, version: str = "1", *, metadata: dict[str, str] | None = None,
               description: str | None = None, **definition: Any) -> dict[str, Any]:
    """The flat view of the AgentObject the API returns: its latest version `version`, every member the
    definition leaves out as the server fills it in."""
    latest = {"object": "agent.version", "id": f"{name}:{version}", "name": name, "version": version,
              "description": description, "metadata": metadata, "created_at": 1767225600 + int(version),
              "status": "active", "definition": {"kind": "prompt", **SERVER_FILLED, **definition}}
    wire = {"object": "agent", "id": name, "name": name, "state": "enabled", "versions": {"latest": latest}}
    return AGENT.from_wire(wire)


def applied(body: dict[str, Any], name: str = NAME, version: str = "1") -> dict[str, Any]:
    """The live agent a faithful service makes of a plan's body: a whole new version from what it sends."""
    top = {field: body[field] for field in ("description", "metadata") if field in body}
    definition = {field.removeprefix("definition."): value for field, value in body.items()
                  if field.startswith("definition.")}
    return live_agent(name, version, **top, **definition)


# support-bot as a team writes it, and the same file after one edit (instructions Hi -> Hello): the tools are
# declared so that a new version sends a field its plan does not show.
BOT_FILE = agent_file(model="gpt-4.1", instructions="Hi", temperature=0.3, tools=[{"type": "code_interpreter"}])
EDITED_FILE = agent_file(model="gpt-4.1", instructions="Hello", temperature=0.3,
                         tools=[{"type": "code_interpreter"}])
