"""What the server keeps and fills in: the create / modify / delete semantics over a `records.Store`.

Pure functions over a `Store` (listing is paging.py's); bodies arrive already validated against the request schemas, but
every access is still guarded so that a laxer schema can never turn into a crash.
Behaviour follows shared/notes/api-behavior.md (§1-§5); choices the notes leave open are marked.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from assistantsync.json_value import JsonObject
from assistantsync.sandbox.records import Store, StoredAssistant

IdFactory = Callable[[str], str]  # prefix ("asst_", "vs_") -> a fresh id

RESOLVED_RANKER = "default_2024_08_21"  # what the server echoes for an omitted or `auto` ranker
WRITE_ONLY_FIELDS = ("reasoning_effort",)  # accepted by create and modify, never returned
# Each enabled tool gets an empty container in tool_resources (captured behaviour, notes §2).
RESOURCE_LISTS = {"code_interpreter": "file_ids", "file_search": "vector_store_ids"}
# What an explicit `null` in a modify resets a field to (the values a bare create returns).
NULL_RESETS: JsonObject = {
    "name": None, "description": None, "instructions": None, "temperature": 1.0, "top_p": 1.0,
    "response_format": "auto", "tool_resources": {}, "metadata": {},
}


def create_assistant(store: Store, body: JsonObject, *, now: int, new_id: IdFactory) -> StoredAssistant:
    assistant_id = new_id("asst_")
    while assistant_id in store:  # only an injected, repeating id factory can get here
        assistant_id = new_id("asst_")
    tools = [_stored_tool(tool) for tool in _list(body.get("tools"))]
    public: JsonObject = {
        "id": assistant_id,
        "object": "assistant",
        "created_at": now,
        "name": body.get("name"),
        "description": body.get("description"),
        "model": body.get("model"),
        "instructions": body.get("instructions"),
        "tools": tools,
        "top_p": _number_or(body.get("top_p"), 1.0),
        "temperature": _number_or(body.get("temperature"), 1.0),
        "tool_resources": _with_containers(_stored_resources(body.get("tool_resources"), new_id), tools),
        "metadata": _object(body.get("metadata")),
        "response_format": _or_default(body.get("response_format"), "auto"),
    }
    record = StoredAssistant(public, _write_only({}, body))
    store.put(record)
    return record


def modify_assistant(store: Store, assistant_id: str, body: JsonObject, *, new_id: IdFactory) -> StoredAssistant:
    """Partial update: omitted fields stay; tools, tool_resources and metadata are replaced whole."""
    record = store.get(assistant_id)
    public = copy.deepcopy(record.public)  # a new dict: a stored record is replaced, never changed (records.py)
    for name, reset in NULL_RESETS.items():
        if name in body:
            public[name] = copy.deepcopy(reset) if body[name] is None else body[name]
    if body.get("model") is not None:
        public["model"] = body["model"]
    if "tools" in body:
        public["tools"] = [_stored_tool(tool) for tool in _list(body["tools"])]
    # `get`: a record another server wrote (or a hand-edited state file) may lack the optional fields.
    for name in ("temperature", "top_p"):
        public[name] = _number_or(public.get(name), 1.0)
    if body.get("tool_resources") is not None:
        public["tool_resources"] = _stored_resources(body["tool_resources"], new_id)
    public["metadata"] = _object(public.get("metadata"))
    public["tools"] = _list(public.get("tools"))
    # Refilled after every write: the spec's modify example shows the container a new tool brings.
    public["tool_resources"] = _with_containers(_object(public.get("tool_resources")), public["tools"])
    modified = StoredAssistant(public, _write_only(record.write_only, body))
    store.put(modified)
    return modified


def delete_assistant(store: Store, assistant_id: str) -> JsonObject:
    store.get(assistant_id)
    store.remove(assistant_id)
    return {"id": assistant_id, "object": "assistant.deleted", "deleted": True}


def _stored_tool(tool: Any) -> Any:
    if not isinstance(tool, dict):
        return tool
    kind = tool.get("type")
    if kind == "code_interpreter":
        return {"type": "code_interpreter"}
    if kind != "file_search":
        # Function tools are echoed as sent: an omitted `strict` stays omitted (the notes could not
        # confirm either way; the diff engine treats omitted, null and false alike).
        return copy.deepcopy(tool)
    options = _object(tool.get("file_search"))
    if options.get("max_num_results") is None:
        options.pop("max_num_results", None)  # the server never writes the model-dependent default
    elif isinstance(options["max_num_results"], float) and options["max_num_results"].is_integer():
        options["max_num_results"] = int(options["max_num_results"])  # JSON Schema lets 5.0 pass as an integer
    ranking = _object(options.get("ranking_options"))
    ranker = ranking.get("ranker")
    options["ranking_options"] = {
        "ranker": RESOLVED_RANKER if ranker in (None, "auto") else ranker,
        "score_threshold": _number_or(ranking.get("score_threshold"), 0.0),
    }
    return {"type": "file_search", "file_search": options}


def _stored_resources(value: Any, new_id: IdFactory) -> JsonObject:
    resources: JsonObject = {}
    given = _object(value)
    if isinstance(given.get("code_interpreter"), dict):
        resources["code_interpreter"] = {"file_ids": list(_list(given["code_interpreter"].get("file_ids")))}
    if isinstance(given.get("file_search"), dict):
        search = given["file_search"]
        store_ids = list(_list(search.get("vector_store_ids")))
        # The create-only `vector_stores` helper makes a store and attaches it; it is never echoed.
        store_ids += [new_id("vs_") for _ in _list(search.get("vector_stores"))]
        resources["file_search"] = {"vector_store_ids": store_ids}
    return resources


def _with_containers(resources: JsonObject, tools: list[Any]) -> JsonObject:
    enabled = {tool.get("type") for tool in tools if isinstance(tool, dict)}
    for kind, list_name in RESOURCE_LISTS.items():
        if kind in enabled and kind not in resources:
            resources[kind] = {list_name: []}
    return resources


def _write_only(stored: JsonObject, body: JsonObject) -> JsonObject:
    """The write-only fields after this request: sent values replace, an explicit null clears."""
    merged = {**stored, **{name: body[name] for name in WRITE_ONLY_FIELDS if name in body}}
    return {name: value for name, value in merged.items() if value is not None}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_or(value: Any, default: float) -> Any:
    if value is None:
        return default
    if not _is_number(value):
        return value
    try:
        return float(value)  # 1 is stored and echoed as 1.0
    except OverflowError:  # an int past float range; only reachable if a schema lets it through
        return value


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


def _object(value: Any) -> JsonObject:
    return copy.deepcopy(value) if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []
