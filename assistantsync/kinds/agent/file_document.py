"""A live agent's latest version as the fields of its file: what `import --kind agent` writes. Pure.

The document holds `kind: agent`, the name, and only what differs from the defaults table (normalise.py), so
that `plan` on the imported file shows no change; the definition is nested again, `kind: prompt` first. Nulls a
gateway sends where the spec has none (`text.format.description: null`) are read as absent, never written.
"""

from __future__ import annotations

from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent.file_format import AGENT_KIND, DEFINITION_KIND
from assistantsync.kinds.agent.normalise import (
    AGENT_DEFAULTS,
    DEFINITION,
    DEFINITION_MEMBERS,
    NULL_FREE_READINGS,
    normalise_field,
)
from assistantsync.plan.reserved import user_metadata


def flat_fields(document: JsonObject) -> JsonObject:
    """A resolved agent document (references read) as the engine's flat fields: `kind` dropped, the definition's
    members as `definition.<member>` (its `kind` dropped: the schema allows only `prompt`)."""
    fields: JsonObject = {}
    for name, value in document.items():
        if name == "definition" and isinstance(value, dict):
            fields.update((DEFINITION + member, item) for member, item in value.items() if member != "kind")
        elif name != "kind":
            fields[name] = value
    return fields


def field_path(field: str) -> tuple[str, ...]:
    """Where a flat field is written in its document."""
    return ("definition", field[len(DEFINITION):]) if field.startswith(DEFINITION) else (field,)


def to_document(live: JsonObject) -> JsonObject:
    """`kind`, `name`, `description`, `metadata` and `definition` of this flat live agent (wire.py)."""
    document: JsonObject = {"kind": AGENT_KIND, "name": live.get("name")}
    for field in ("description", "metadata"):
        if normalise_field(field, live.get(field)) != normalise_field(field, AGENT_DEFAULTS[field]):
            document[field] = user_metadata(live.get(field)) if field == "metadata" else live.get(field)
    definition: JsonObject = {"kind": DEFINITION_KIND}
    for member in DEFINITION_MEMBERS:
        field = DEFINITION + member
        value = live.get(field)
        default = AGENT_DEFAULTS.get(field)
        if field not in AGENT_DEFAULTS or normalise_field(field, value) != normalise_field(field, default):
            definition[member] = _document_tools(value) if field == "definition.tools" else _null_free(field, value)
    document["definition"] = definition
    return document


def _null_free(field: str, value: object) -> object:
    """A member without the nulls a gateway sends where the spec has none, as the comparison reads it: the file
    must validate, and a null there would not."""
    reading = NULL_FREE_READINGS.get(field)
    return reading(value) if reading else value


# A function tool's members the schema requires (nullable in the spec): normalising drops them as null (strict:
# false too), so they are written back, at the values that compare equal to what the server holds.
_FUNCTION_REQUIRED: JsonObject = {"parameters": None, "strict": False}


def _document_tools(value: object) -> object:
    """Tools as a file writes them: canonical (null members dropped), each function tool valid."""
    tools = normalise_field("definition.tools", value)
    if not isinstance(tools, list):
        return tools
    return [{**tool, **{k: v for k, v in _FUNCTION_REQUIRED.items() if k not in tool}}
            if isinstance(tool, dict) and tool.get("type") == "function" else tool for tool in tools]
