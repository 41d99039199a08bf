"""Canonical forms of assistant fields, so that values the server fills in never show as changes.

Both sides of a comparison (the file and the live object) go through the same function. The
table of server behaviours it encodes (see README, "No perpetual diffs"):

- numbers: 1 == 1.0 (temperature, top_p, score_threshold, max_num_results); temperature / top_p null
  == 1.0 and score_threshold null == 0.0 (the spec's defaults; the object's schema lets them be null);
- name / description / instructions: "" == null;
- response_format: null == "auto"; a json_schema's `strict` omitted == false; a json_schema member set to null
  (`description`, `schema`) == absent;
- tools: a function's `strict` omitted/null == false; a function member set to null == absent (`parameters`,
  `description`: a gateway's reading of an unset member; the JSON Schema inside `parameters` is kept as it is);
  a file_search tool without `ranking_options` == the server's default (ranker auto, threshold 0),
  `max_num_results: null` == absent; a declared `ranker: auto` matches whatever ranker the server
  resolved (see `align_resolved`);
- tool_resources: null == {}; a resource set to null (`code_interpreter: null`, as LiteLLM answers) == absent;
  null or empty `file_ids` / `vector_store_ids` lists == absent; id lists are
  compared as sets (the API gives their order no meaning);
- metadata: null == {}; the tool's reserved keys are not part of the user's field;
- key order: means nothing, except inside the JSON Schemas Structured Outputs follow (ORDERED_PATHS).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistantsync.json_value import JsonObject, JsonPath
from assistantsync.key_order import EVERY_ITEM, with_ordered_paths
from assistantsync.kinds.canonical_values import as_float, optional_text, sampling

# The metadata map's canonical form is the tool's (its reserved keys dropped), kept here too for import.
from assistantsync.plan.reserved import user_metadata

# Where key order is part of the contract: Structured Outputs emit an object's keys in its schema's order, for a
# json_schema response format and for a strict function's arguments alike (a call's arguments follow the order of
# its parameters schema), so a reorder there is a change, sent as the file has it. Every function's parameters
# count, strict or not: the file's order is what is sent either way, and `strict` may be switched on later.
ORDERED_PATHS: tuple[JsonPath, ...] = (
    ("response_format", "json_schema", "schema"),
    ("tools", EVERY_ITEM, "function", "parameters"),
)

API_FIELDS = (
    "model", "name", "description", "instructions", "tools", "tool_resources", "metadata",
    "temperature", "top_p", "response_format", "reasoning_effort",
)
# Accepted by create and modify, never returned: tracked through the tool's digest record only.
WRITE_ONLY_FIELDS = frozenset({"reasoning_effort"})
AUTO_RANKER = "auto"

# What the API stores for a field nobody set (used by --strict and by import).
API_DEFAULTS: JsonObject = {
    "name": None, "description": None, "instructions": None, "tools": [], "tool_resources": {},
    "metadata": {}, "temperature": 1.0, "top_p": 1.0, "response_format": "auto",
}


def _response_format(value: Any) -> Any:
    if value is None:
        return "auto"
    schema_format = value.get("json_schema") if isinstance(value, dict) else None
    if isinstance(value, dict) and value.get("type") == "json_schema" and isinstance(schema_format, dict):
        schema = without_null_members(schema_format)  # a gateway's null `description`: unset
        if not schema.get("strict"):
            schema.pop("strict", None)
        return {**value, "json_schema": schema}
    return value


def without_null_members(mapping: JsonObject) -> JsonObject:
    """A copy without the members set to null: where the spec has no null, a gateway's null means unset.
    One level only: what a member holds (a JSON Schema, where `default: null` means something) is kept."""
    return {k: v for k, v in mapping.items() if v is not None}


def _mapping_or_empty(value: Any) -> JsonObject | None:
    """A copy of a mapping (null/absent: empty); None when a server sent some other shape."""
    if value is None:
        return {}
    return dict(value) if isinstance(value, dict) else None


def _file_search_tool(tool: JsonObject) -> JsonObject:
    # A misbehaving server may send any shape: what is not a mapping is compared as it is, never crashes.
    options = _mapping_or_empty(tool.get("file_search"))
    ranking = _mapping_or_empty(options.get("ranking_options")) if options is not None else None
    if options is None or ranking is None:
        return tool
    limit = options.get("max_num_results")
    if limit is None:
        options.pop("max_num_results", None)
    elif isinstance(limit, float) and limit.is_integer():
        options["max_num_results"] = int(limit)  # the schema lets 5.0 pass as an integer; the server stores 5
    ranking["ranker"] = ranking.get("ranker") or AUTO_RANKER
    threshold = ranking.get("score_threshold")
    ranking["score_threshold"] = 0.0 if threshold is None else as_float(threshold)
    options["ranking_options"] = ranking
    return {**tool, "file_search": options}


def _function_tool(tool: JsonObject) -> JsonObject:
    function = _mapping_or_empty(tool.get("function"))
    if function is None:
        return tool
    function = without_null_members(function)
    function["strict"] = bool(function.get("strict"))
    return {**tool, "function": function}


_TOOL_NORMALISERS: dict[str, Callable[[JsonObject], JsonObject]] = {
    "file_search": _file_search_tool,
    "function": _function_tool,
}


def _tools(value: Any) -> Any:
    if not isinstance(value, list):
        return [] if value is None else value
    out = []
    for tool in value:
        normaliser = _TOOL_NORMALISERS.get(str(tool.get("type"))) if isinstance(tool, dict) else None
        out.append(normaliser(tool) if normaliser else tool)
    return out


def resources_without_empties(value: JsonObject, id_list: Callable[[list[str]], Any]) -> JsonObject:
    """tool_resources without null resources, null or empty entries (nor resources left empty), each list of ids made by
    `id_list`: sorted to compare (their order means nothing), kept in the server's order to write a file."""
    out: JsonObject = {}
    for name, resource in value.items():
        if resource is None:  # `{"code_interpreter": null}`: a gateway's way of saying none
            continue
        if not isinstance(resource, dict):
            out[name] = resource
            continue
        kept = {k: id_list(v) if isinstance(v, list) and all(isinstance(i, str) for i in v) else v
                for k, v in resource.items() if v not in (None, [])}
        if kept:
            out[name] = kept
    return out


def _tool_resources(value: Any) -> Any:
    if not isinstance(value, dict):
        return {} if value is None else value
    return resources_without_empties(value, sorted)


_FIELD_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "name": optional_text, "description": optional_text, "instructions": optional_text,
    "temperature": sampling, "top_p": sampling,
    "response_format": _response_format, "tools": _tools, "tool_resources": _tool_resources,
    "metadata": user_metadata,
}


def normalise_field(field: str, value: Any) -> Any:
    """The canonical form of one top-level field's value (idempotent)."""
    normaliser = _FIELD_NORMALISERS.get(field)
    return with_ordered_paths(ORDERED_PATHS, field, normaliser(value) if normaliser else value)


def _auto_ranker(tool: Any) -> Any:
    """A file_search tool with its resolved ranker read as `auto`; any other tool as it is."""
    if not (isinstance(tool, dict) and tool.get("type") == "file_search" and isinstance(tool.get("file_search"), dict)):
        return tool
    ranking = tool["file_search"].get("ranking_options")
    if not isinstance(ranking, dict):
        return tool
    return {**tool, "file_search": {**tool["file_search"], "ranking_options": {**ranking, "ranker": AUTO_RANKER}}}


def align_resolved(field: str, desired: Any, live: Any) -> Any:
    """Live value with server-resolved details the file left to the server made equal to the file's.

    A file that says `ranker: auto` (or nothing) accepts whichever ranker the server resolved.
    """
    if field != "tools" or not isinstance(desired, list) or not isinstance(live, list):
        return live
    aligned = list(live)
    for index, (want, have) in enumerate(zip(desired, live, strict=False)):
        if not (isinstance(want, dict) and isinstance(have, dict)):
            continue
        if want.get("type") == have.get("type") == "file_search":
            options = want.get("file_search")
            want_ranking = options.get("ranking_options") if isinstance(options, dict) else None
            if isinstance(want_ranking, dict) and want_ranking.get("ranker") == AUTO_RANKER:
                aligned[index] = _auto_ranker(have)
    return aligned


def resolved_readings(field: str, live: Any) -> list[Any]:
    """The ways an earlier version of a file may have accepted this live value: as it is, and with every
    resolved ranker read as `auto`. Drift is judged against all of them, since the file that wrote the
    record may have said `auto` where today's file names a ranker, or the reverse."""
    if field != "tools" or not isinstance(live, list):
        return [live]
    return [live, [_auto_ranker(tool) for tool in live]]
