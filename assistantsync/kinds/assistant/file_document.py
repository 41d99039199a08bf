"""A live assistant as the fields of its file: what `import` writes, without what the server filled in.

Pure. The document holds the `model` and only the fields whose canonical value (normalise.py) differs
from the API's default, so that `plan` on the imported file shows nothing to change but the adoption;
server-filled parts equal to their defaults are dropped too (a file_search tool's default
`ranking_options`, empty id lists, a function's or json_schema's `strict: false`), and so are the
null sub-objects and members a gateway may send where the spec has none (`code_interpreter: null`). The
importer adds the generic parts: the file's `key`, the pinned `id`, and a prompt file for long instructions.
"""

from __future__ import annotations

from typing import Any

from assistantsync.json_value import JsonObject
from assistantsync.kinds.assistant.normalise import (
    API_DEFAULTS,
    AUTO_RANKER,
    normalise_field,
    resources_without_empties,
    without_null_members,
)
from assistantsync.plan.reserved import user_metadata

# The order of an assistant file's fields (README, "Import and backup"); `instructions_file` takes the place
# of `instructions` when the importer moves them to a prompt file.
FIELD_ORDER = ("key", "id", "model", "name", "description", "instructions", "instructions_file", "tools",
               "tool_resources", "response_format", "temperature", "top_p", "metadata")
# The rankers the API's enum allows; `default_2024_08_21` is what the server resolves `auto` to.
DEFAULT_RANKERS = (AUTO_RANKER, "default_2024_08_21")
_FIRST_KEYS = {  # readable order inside tools and response formats; other keys follow as the server sent them
    "tool": ("type",),
    "function": ("name", "description", "strict", "parameters"),
    "file_search": ("max_num_results", "ranking_options"),
    "ranking_options": ("ranker", "score_threshold"),
    "json_schema": ("name", "description", "strict", "schema"),
}


def to_document(live: JsonObject) -> JsonObject:
    """The file fields of this live assistant in FIELD_ORDER, without `key` and `id` (the importer's)."""
    fields: JsonObject = {"model": live.get("model"), **_declared_fields(live)}
    return {name: fields[name] for name in FIELD_ORDER if name in fields}


def _declared_fields(live: JsonObject) -> JsonObject:
    """The API fields whose canonical value differs from the canonical API default, cleaned of server fill."""
    cleaners = {"tools": _tools, "tool_resources": _tool_resources, "response_format": _response_format,
                "metadata": user_metadata}
    fields: JsonObject = {}
    for name, default in API_DEFAULTS.items():
        value = live.get(name)
        if normalise_field(name, value) != normalise_field(name, default):
            cleaner = cleaners.get(name)
            fields[name] = cleaner(value) if cleaner else value
    return fields


def _ordered(mapping: JsonObject, kind: str) -> JsonObject:
    first = _FIRST_KEYS[kind]
    return {**{k: mapping[k] for k in first if k in mapping}, **{k: v for k, v in mapping.items() if k not in first}}


def _tools(value: Any) -> Any:
    return [_tool(tool) for tool in value] if isinstance(value, list) else value


def _tool(tool: Any) -> Any:
    if not isinstance(tool, dict):
        return tool
    cleaned = dict(tool)
    if tool.get("type") == "file_search":
        options = _file_search(cleaned.pop("file_search", None))
        if options:
            cleaned["file_search"] = options
    elif tool.get("type") == "function" and isinstance(tool.get("function"), dict):
        function = {k: v for k, v in without_null_members(tool["function"]).items() if not (k == "strict" and not v)}
        cleaned["function"] = _ordered(function, "function")
    return _ordered(cleaned, "tool")


def _file_search(options: Any) -> Any:
    if not isinstance(options, dict):
        return options
    kept = {k: v for k, v in options.items() if v is not None}
    ranking = kept.get("ranking_options")
    if isinstance(ranking, dict):
        if ranking.get("ranker") in (None, *DEFAULT_RANKERS) and _is_zero(ranking.get("score_threshold")):
            del kept["ranking_options"]
        else:
            kept["ranking_options"] = _ordered(ranking, "ranking_options")
    return _ordered(kept, "file_search")


def _is_zero(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)


def _tool_resources(value: Any) -> Any:
    from assistantsync.files.yaml_write import FlowList  # only import writes files: the kind stays free of PyYAML

    return resources_without_empties(value, FlowList) if isinstance(value, dict) else value


def _response_format(value: Any) -> Any:
    schema_format = value.get("json_schema") if isinstance(value, dict) else None
    if not (isinstance(value, dict) and isinstance(schema_format, dict)):
        return value
    cleaned = {k: v for k, v in without_null_members(schema_format).items() if not (k == "strict" and not v)}
    return {**value, "json_schema": _ordered(cleaned, "json_schema")}
