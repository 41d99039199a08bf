"""One assistant document as a Foundry agent document (`kind: agent`, the agents API's create body).

Pure: it reads only the document it is given and returns a new one with the report items. Nested values that
move unchanged (a JSON Schema, a parameters object) are shared with the input, never changed, so their key order
is kept. Null means "the default" in an assistant file, so a null field is left out rather than reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistantsync.json_value import JsonObject
from assistantsync.migrate.findings import Findings
from assistantsync.migrate.names import agent_name, agent_names
from assistantsync.migrate.report import AssistantFile, Conversion
from assistantsync.migrate.tools import agent_tools
from assistantsync.plan.reserved import RESERVED_METADATA_KEYS

# Assistant fields this map reads; any other top-level field is reported as dropped.
_MAPPED = ("key", "id", "model", "name", "description", "instructions", "instructions_file", "tools",
           "tool_resources", "response_format", "reasoning_effort", "temperature", "top_p", "metadata")
_SAMPLING = ("temperature", "top_p")  # same name, range and default on both sides; null allowed on both


def convert_all(files: Sequence[AssistantFile]) -> tuple[Conversion, ...]:
    """Every file converted, in order; refuses the set when two files would become the same agent."""
    return tuple(convert(file, name) for file, name in zip(files, agent_names(files), strict=True))


def convert(file: AssistantFile, name: str | None = None) -> Conversion:
    """The agent document for one assistant document; `name` defaults to the one its key gives (names.py)."""
    document, findings = file.document, Findings(file.source)
    name = agent_name(file.key) if name is None else name
    _report_identity(file, name, findings)
    agent: JsonObject = {"kind": "agent", "name": name}
    if document.get("description") is not None:
        agent["description"] = document["description"]
    metadata = _metadata(document.get("metadata"), findings)
    if metadata:
        agent["metadata"] = metadata
    agent["definition"] = _definition(document, findings)
    for field in document:
        if field not in _MAPPED:
            findings.dropped((field,), "not a field of the assistant file format")
    return Conversion(file.source, agent, tuple(findings.items))


def _report_identity(file: AssistantFile, name: str, findings: Findings) -> None:
    """Key, id and display name all give way to the agent name: say so wherever that is not a plain copy."""
    document = file.document
    if name != file.key:
        findings.changed(("key",), f"agent names allow only letters, digits and inner hyphens: '{file.key}' "
                                   f"became agent '{name}'")
    if "id" in document:
        findings.dropped(("id",), "an agent is found by its name; the assistant id it pinned does not apply")
    display = document.get("name")
    if display is not None and display != name:
        findings.dropped(("name",), f"an agent has no display name apart from its name '{name}'")


def _definition(document: JsonObject, findings: Findings) -> JsonObject:
    definition: JsonObject = {"kind": "prompt"}
    if "model" in document:
        definition["model"] = document["model"]  # in Foundry, the name of a model deployment
    # The prompt file is referenced, never copied. Foundry's limit on instructions is unconfirmed (none in its
    # schema; an assistant's is 256,000 characters), so long instructions are not checked here.
    for field in ("instructions", "instructions_file"):
        if document.get(field) is not None:
            definition[field] = document[field]
    for field in _SAMPLING:
        if document.get(field) is not None:
            definition[field] = document[field]
    if document.get("reasoning_effort") is not None:
        definition["reasoning"] = {"effort": document["reasoning_effort"]}
    tools = agent_tools(document, findings)
    if tools:
        definition["tools"] = tools
    text_format = _text_format(document.get("response_format"), findings)
    if text_format is not None:
        definition["text"] = {"format": text_format}
    return definition


def _text_format(value: Any, findings: Findings) -> JsonObject | None:
    """`response_format` as `text.format`: json_schema's inner object flattened into it; `auto` left out."""
    if value is None:
        return None
    if value == "auto":
        findings.dropped(("response_format",), "auto is the default: an agent without text.format behaves so")
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    if kind in ("text", "json_object"):
        for key in value:
            if key != "type":
                findings.dropped(("response_format", key), "not a field this map knows")
        return {"type": kind}
    if kind == "json_schema":
        inner = value.get("json_schema")
        inner = inner if isinstance(inner, dict) else {}
        for key in value:
            if key not in ("type", "json_schema"):
                findings.dropped(("response_format", key), "not a field this map knows")
        known = ("name", "description", "schema", "strict")
        for key in inner:
            if key not in known:
                findings.dropped(("response_format", "json_schema", key), "not a field this map knows")
        return {"type": "json_schema", **{k: inner[k] for k in known if inner.get(k) is not None}}
    findings.dropped(("response_format",), f"response format {value!r} has no agent text format in this map")
    return None


def _metadata(value: Any, findings: Findings) -> JsonObject:
    """The user's metadata; the tool's reserved keys are reported, as it writes its own when it applies."""
    if not isinstance(value, dict):
        return {}
    for key in value:
        if key in RESERVED_METADATA_KEYS:
            findings.dropped(("metadata", key), "reserved for assistantsync, which writes its own on apply")
    return {k: v for k, v in value.items() if k not in RESERVED_METADATA_KEYS}
