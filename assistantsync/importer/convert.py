"""Live assistants to files, ready to commit: pure and deterministic (the same objects give the same bytes).

Each assistant becomes `<key>.yaml` (and `prompts/<key>.md` for long instructions) holding its pinned
`id`, its `model`, and only the fields whose value the API would not have by default, compared in
canonical form (normalise.py), so that `plan` on the result shows nothing to change but the adoption.
The file format decisions (README, "Import and backup"):

- key: chosen by import_keys (the live `assistantsync_key` if usable, else a slug of the name or id);
- fields in FIELD_ORDER; server-filled parts equal to their defaults are dropped (a file_search
  tool's default `ranking_options`, empty id lists, a function's or json_schema's `strict: false`);
- instructions of more than PROMPT_MAX_LINES lines or PROMPT_MAX_CHARS characters go to a prompt file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistantsync.errors import AssistantSyncError
from assistantsync.files.yaml_write import FlowList, dump_yaml
from assistantsync.importer.keys import assign_keys
from assistantsync.json_value import JsonObject
from assistantsync.kinds.assistant.normalise import (
    API_DEFAULTS,
    AUTO_RANKER,
    normalise_field,
    resources_without_empties,
    user_metadata,
)

FIELD_ORDER = ("key", "id", "model", "name", "description", "instructions", "instructions_file", "tools",
               "tool_resources", "response_format", "temperature", "top_p", "metadata")
PROMPT_MAX_LINES = 5  # more lines than this, or more characters than the next, and the prompt gets its own file
PROMPT_MAX_CHARS = 400
PROMPTS_DIR = "prompts"
# The rankers the API's enum allows; `default_2024_08_21` is what the server resolves `auto` to.
DEFAULT_RANKERS = (AUTO_RANKER, "default_2024_08_21")
_FIRST_KEYS = {  # readable order inside tools and response formats; other keys follow as the server sent them
    "tool": ("type",),
    "function": ("name", "description", "strict", "parameters"),
    "file_search": ("max_num_results", "ranking_options"),
    "ranking_options": ("ranker", "score_threshold"),
    "json_schema": ("name", "description", "strict", "schema"),
}


@dataclass(frozen=True)
class ImportedFile:
    """One file to write: `path` is relative to the output folder."""

    path: Path
    text: str


def import_files(assistants: Iterable[JsonObject], *, schema_ref: str) -> list[ImportedFile]:
    """The files for these live assistants, in creation order (each YAML file before its prompt file).

    `schema_ref` is the schema path the first comment line points editors at.
    """
    unique: dict[object, JsonObject] = {}
    for item in assistants:  # an id given twice is imported once
        unique.setdefault(item.get("id"), item)
    ordered = sorted(unique.values(), key=_created_at)  # stable: ties keep the order given (the API lists oldest first)
    files: list[ImportedFile] = []
    for live, key in zip(ordered, assign_keys(ordered), strict=True):
        files.extend(assistant_files(live, key, schema_ref=schema_ref))
    return files


def _created_at(live: JsonObject) -> int:
    value = live.get("created_at")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def assistant_files(live: JsonObject, key: str, *, schema_ref: str) -> list[ImportedFile]:
    """The YAML file for one live assistant under `key`, and its prompt file when the instructions are long."""
    ident, model = live.get("id"), live.get("model")
    if not isinstance(ident, str) or not isinstance(model, str) or not model:
        raise AssistantSyncError(f"the server returned an assistant without a usable id or model ({ident!r}); "
                                 "import the others by id, leaving this one out")
    document: JsonObject = {"key": key, "id": ident, "model": model}
    document.update(_declared_fields(live))
    files = []
    instructions = document.get("instructions")
    if isinstance(instructions, str) and _wants_file(instructions):
        prompt = Path(PROMPTS_DIR, f"{key}.md")
        document["instructions_file"] = prompt.as_posix()
        del document["instructions"]
        files.append(ImportedFile(prompt, instructions))
    header = (f"# yaml-language-server: $schema={_comment_text(schema_ref)}\n"
              f"# Imported from live assistant {_comment_text(ident)} by `assistantsync import`.\n")
    ordered = {name: document[name] for name in FIELD_ORDER if name in document}
    return [ImportedFile(Path(f"{key}.yaml"), header + dump_yaml(ordered)), *files]


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


def _wants_file(instructions: str) -> bool:
    lines = instructions.count("\n") + (0 if instructions.endswith("\n") else 1)
    long = lines > PROMPT_MAX_LINES or len(instructions) > PROMPT_MAX_CHARS
    # The loader drops a leading byte order mark from a file, refuses NUL bytes in prompt files (git would
    # show the file as binary), and a file holds only valid UTF-8 (no lone surrogate, which JSON's \ud800
    # escapes can make): such prompts stay inline, escaped, and read back exactly.
    unfit = instructions.startswith("\ufeff") or "\x00" in instructions
    return long and not unfit and not any("\ud800" <= c <= "\udfff" for c in instructions)


def _comment_text(text: str) -> str:
    return text if text.isprintable() else json.dumps(text)  # a line break must not end the comment


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
        function = {k: v for k, v in tool["function"].items()
                    if not (k == "strict" and not v) and not (k == "description" and v is None)}
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
    return resources_without_empties(value, FlowList) if isinstance(value, dict) else value


def _response_format(value: Any) -> Any:
    schema_format = value.get("json_schema") if isinstance(value, dict) else None
    if not (isinstance(value, dict) and isinstance(schema_format, dict)):
        return value
    cleaned = {k: v for k, v in schema_format.items() if not (k == "strict" and not v)}
    return {**value, "json_schema": _ordered(cleaned, "json_schema")}
