"""Canonical forms of an agent version's fields, so that values a server fills in never show as changes.

The engine sees an agent flat (wire.py): `name`, `description`, `metadata`, and each member of the prompt
definition as `definition.<member>`. Both sides of a comparison go through `normalise_field`. The table of
server behaviours it encodes (README, "Agents: no perpetual diffs"); where the spec is silent on what the
service stores for an unset member ([U] in shared/spec/FOUNDRY-AGENTS.md), unset, null and the documented
default are one value:

- numbers: 1 == 1.0; temperature / top_p null == 1.0 (the spec's default);
- description / instructions: "" == null;
- reasoning, structured_inputs, rai_config: null == {}; a member set to null inside == absent; inside a
  structured input too, except `default_value` (null there is a default);
- tool_choice: null == "auto"; a member set to null inside it, at any depth == absent;
- text: null == {} == {"format": {"type": "text"}}; a member set to null at any depth (`format.description`)
  == absent;
- tools: null == []; a member set to null inside a tool, at any depth (`container.file_ids`) == absent; a
  function's `strict: false` == absent;
- an object left with nothing once its null members are gone (`ranking_options` of nulls) == absent;
- never inside a JSON Schema (a function's `parameters` / `output_schema`, a format's or input's `schema`),
  where `default: null` and `enum: [null]` mean something: a gateway's nulls are read as absent only where
  the spec has no null;
- metadata: null == {}; the tool's reserved keys are not part of the user's field;
- key order: means nothing, except inside the JSON Schemas Structured Outputs follow (ORDERED_PATHS).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistantsync.json_value import JsonObject, JsonPath
from assistantsync.key_order import EVERY_ITEM, with_ordered_paths
from assistantsync.kinds.canonical_values import optional_text, sampling
from assistantsync.plan.reserved import user_metadata

DEFINITION = "definition."  # the prefix of a definition member in the engine's flat view
DEFINITION_MEMBERS = ("model", "instructions", "temperature", "top_p", "reasoning", "tools", "tool_choice", "text",
                      "structured_inputs", "rai_config")
AGENT_FIELDS = ("name", "description", "metadata", *(DEFINITION + member for member in DEFINITION_MEMBERS))

ORDERED_PATHS: tuple[JsonPath, ...] = (
    ("definition.text", "format", "schema"),
    ("definition.tools", EVERY_ITEM, "parameters"),
)

# What a version holds for a field its file leaves out: a file is the whole version, so these are compared.
AGENT_DEFAULTS: JsonObject = {
    "description": None, "metadata": {}, "definition.instructions": None, "definition.temperature": 1.0,
    "definition.top_p": 1.0, "definition.reasoning": None, "definition.tools": [], "definition.tool_choice": None,
    "definition.text": None, "definition.structured_inputs": None, "definition.rai_config": None,
}


def _without_nulls(value: Any) -> Any:
    """A mapping without its null members, None when nothing is left; any other value as it is."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return value
    kept = {k: v for k, v in value.items() if v is not None}
    return kept or None


# Members that hold a JSON Schema: kept as they are, nulls and all.
_SCHEMA_MEMBERS = frozenset({"parameters", "output_schema", "schema"})


def null_free(value: Any) -> Any:
    """`value` without the members set to null at any depth, an object left empty by that dropped too (a
    gateway's way of saying unset); a JSON Schema member is kept as it is. Items of a list stay, null or not."""
    if isinstance(value, list):
        return [null_free(item) for item in value]
    if not isinstance(value, dict):
        return value
    kept: JsonObject = {}
    for key, member in value.items():
        inner = member if key in _SCHEMA_MEMBERS else null_free(member)
        if inner is not None and not (inner == {} and member != {}):
            kept[key] = inner
    return kept


def _structured_inputs(value: Any) -> Any:
    """Inputs set to null dropped; inside each, null members but `default_value` (a null default is one)."""
    kept = _without_nulls(value)
    if not isinstance(kept, dict):
        return kept
    return {name: {k: v for k, v in spec.items() if v is not None or k == "default_value"}
            if isinstance(spec, dict) else spec for name, spec in kept.items()}


def _tool(tool: Any) -> Any:
    kept = null_free(tool)
    if not isinstance(kept, dict):
        return kept
    if kept.get("type") == "function" and kept.get("strict") is False:
        del kept["strict"]
    return kept


def _tools(value: Any) -> Any:
    if value is None:
        return []
    return [_tool(tool) for tool in value] if isinstance(value, list) else value


def _tool_choice(value: Any) -> Any:
    return None if value == "auto" else null_free(value)


def _text_config(value: Any) -> Any:
    kept = null_free(value)  # an object left empty is {}: the text default, as below
    if isinstance(kept, dict) and kept.get("format") in ({"type": "text"}, None) and set(kept) <= {"format"}:
        return None
    return kept


_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "description": optional_text, "metadata": user_metadata,
    "definition.instructions": optional_text, "definition.temperature": sampling, "definition.top_p": sampling,
    "definition.reasoning": _without_nulls, "definition.tools": _tools, "definition.tool_choice": _tool_choice,
    "definition.text": _text_config, "definition.structured_inputs": _structured_inputs,
    "definition.rai_config": _without_nulls,
}

# What import writes for a member where the spec has no null: the comparison's null-free reading, nothing else
# changed. `reasoning` is not here: the spec lets each of its members be null, so import writes it as read.
NULL_FREE_READINGS: dict[str, Callable[[Any], Any]] = {
    "definition.tool_choice": null_free, "definition.text": null_free,
    "definition.structured_inputs": _structured_inputs, "definition.rai_config": _without_nulls,
}


def normalise_field(field: str, value: Any) -> Any:
    """The canonical form of one field's value (idempotent)."""
    normaliser = _NORMALISERS.get(field)
    canonical = normaliser(value) if normaliser else value
    return with_ordered_paths(ORDERED_PATHS, field, canonical)
