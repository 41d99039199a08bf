"""An agent on the wire and as the engine sees it: the API nests a version's definition inside an agent object
(`versions.latest`), the engine compares one flat object. Pure.

The flat view of an agent holds `id` and `name` (its name: the agent's identity and the path it is reached by),
`version` and `created_at` of its latest version, `description` and `metadata`, and each member of the
definition as `definition.<member>` (so plans name `definition.instructions`, not a whole `definition`).
"""

from __future__ import annotations

from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent.file_format import DEFINITION_KIND
from assistantsync.kinds.agent.normalise import DEFINITION

_VERSION_FIELDS = ("version", "created_at", "description", "metadata")


def from_wire(item: JsonObject) -> JsonObject:
    """The flat view of an `AgentObject`, an `AgentVersionObject`, or a deletion; anything else as it is."""
    if item.get("object") == "agent":
        versions = item.get("versions")
        latest = versions.get("latest") if isinstance(versions, dict) else None
        version = latest if isinstance(latest, dict) else {}
    elif item.get("object") == "agent.version":
        version = item
    else:
        return item
    name = item.get("name")
    flat: JsonObject = {"id": name, "name": name}
    flat.update((field, version[field]) for field in _VERSION_FIELDS if field in version)
    definition = version.get("definition")
    if isinstance(definition, dict):
        flat.update((DEFINITION + member, value) for member, value in definition.items())
    return flat


def unmanageable(item: JsonObject) -> str | None:
    """Why a live agent cannot take a version from a file: it is not a prompt agent (hosted, workflow...)."""
    kind = item.get(DEFINITION + "kind")
    if kind == DEFINITION_KIND:
        return None
    return (f"the live agent {item.get('name')!r} is a {str(kind)[:40]!r} agent, not a prompt agent; assistantsync "
            "writes prompt agents only, so it leaves this one alone: rename the file's agent")


def to_wire(action: str, body: JsonObject) -> JsonObject:
    """A plan's flat body as the request: `definition` nested again, its `kind` first; `name` only on a create
    (an update names the agent in its path)."""
    request: JsonObject = {}
    definition: JsonObject = {"kind": DEFINITION_KIND}
    for field, value in body.items():
        if field.startswith(DEFINITION):
            definition[field[len(DEFINITION):]] = value
        elif field != "name" or action == "create":
            request[field] = value
    request["definition"] = definition
    return request


def update_path(item_path: str, changed: tuple[str, ...]) -> str:
    """`POST /agents/{name}` makes a new version only when the definition changed (spec); a change to the
    description or metadata alone is made with `POST /agents/{name}/versions`, which always makes one."""
    if any(field.startswith(DEFINITION) for field in changed):
        return item_path
    return f"{item_path}/versions"
