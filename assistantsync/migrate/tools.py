"""An assistant's tools and tool resources as agent tools: resources move onto the tool that uses them.

Function tools lose their nested `function` object; file_search takes its vector store ids; code_interpreter takes
its file ids in an `auto` container. Each tool object is rebuilt key by key, so a key this map does not know is
reported, never passed on or lost unseen.
"""

from __future__ import annotations

from typing import Any

from assistantsync.json_value import JsonObject
from assistantsync.migrate.findings import Findings

# The Assistants API's ranker pinned to a date; Foundry's rankers are `auto` and another dated one.
_ASSISTANTS_DATED_RANKER = "default_2024_08_21"
_RESOURCE_TOOLS = ("file_search", "code_interpreter")  # the tool each tool_resources entry feeds


def agent_tools(document: JsonObject, findings: Findings) -> list[JsonObject]:
    """The agent's tools, in the assistant's order; reports tools and resources that have no place.

    An assistant may hold 128 tools; how many an agent may hold is unconfirmed, so the count is not checked."""
    resources = document.get("tool_resources")
    resources = resources if isinstance(resources, dict) else {}
    tools = document.get("tools")
    converted: list[JsonObject] = []
    for index, tool in enumerate(tools if isinstance(tools, list) else []):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind == "function":
            converted.append(_function(tool, index, findings))
        elif kind == "file_search":
            converted.append(_file_search(tool, index, resources.get("file_search"), findings))
        elif kind == "code_interpreter":
            converted.append(_code_interpreter(tool, index, resources.get("code_interpreter"), findings))
        else:
            findings.dropped(("tools", index), f"tool type {kind!r} has no agent tool in this map")
    _report_resources(resources, {t["type"] for t in converted}, findings)
    return converted


def _function(tool: JsonObject, index: int, findings: Findings) -> JsonObject:
    _report_extra(tool, ("type", "function"), ("tools", index), findings)
    function = tool.get("function")
    function = function if isinstance(function, dict) else {}
    known = ("name", "description", "parameters", "parameters_file", "strict")
    _report_extra(function, known, ("tools", index, "function"), findings)
    flat: JsonObject = {"type": "function", "name": function.get("name")}
    if function.get("description") is not None:
        flat["description"] = function["description"]
    if "parameters_file" in function:
        flat["parameters_file"] = function["parameters_file"]  # referenced, resolved when the agent file is read
    else:
        # Foundry requires the key and allows null; what null means there (no parameters, as an absent
        # `parameters` means for an assistant) is not stated in the reference.
        flat["parameters"] = function.get("parameters")
    # Required by Foundry; written out because an assistant's absent `strict` means false.
    flat["strict"] = function.get("strict") is True
    return flat


def _file_search(tool: JsonObject, index: int, resource: Any, findings: Findings) -> JsonObject:
    _report_extra(tool, ("type", "file_search"), ("tools", index), findings)
    ids = resource.get("vector_store_ids") if isinstance(resource, dict) else None
    converted: JsonObject = {"type": "file_search", "vector_store_ids": list(ids) if isinstance(ids, list) else []}
    options = tool.get("file_search")
    options = options if isinstance(options, dict) else {}
    path = ("tools", index, "file_search")
    _report_extra(options, ("max_num_results", "ranking_options"), path, findings)
    if options.get("max_num_results") is not None:
        converted["max_num_results"] = options["max_num_results"]
    ranking = options.get("ranking_options")
    if isinstance(ranking, dict):
        converted["ranking_options"] = _ranking(ranking, (*path, "ranking_options"), findings)
    return converted


def _ranking(ranking: JsonObject, path: tuple[str | int, ...], findings: Findings) -> JsonObject:
    _report_extra(ranking, ("ranker", "score_threshold"), path, findings)
    converted = {k: ranking[k] for k in ("ranker", "score_threshold") if ranking.get(k) is not None}
    if converted.get("ranker") == _ASSISTANTS_DATED_RANKER:
        converted["ranker"] = "auto"
        findings.changed((*path, "ranker"), f"Foundry has no ranker {_ASSISTANTS_DATED_RANKER}: written as auto, "
                                            "the nearest it offers")
    return converted


def _code_interpreter(tool: JsonObject, index: int, resource: Any, findings: Findings) -> JsonObject:
    _report_extra(tool, ("type",), ("tools", index), findings)
    ids = resource.get("file_ids") if isinstance(resource, dict) else None
    container: JsonObject = {"type": "auto"}
    if isinstance(ids, list) and ids:
        container["file_ids"] = list(ids)
    return {"type": "code_interpreter", "container": container}


def _report_resources(resources: JsonObject, tool_types: set[str], findings: Findings) -> None:
    """Resources no tool took (no such tool, or a key other than the ids) are reported."""
    for name, resource in resources.items():
        if name not in _RESOURCE_TOOLS:
            findings.dropped(("tool_resources", name), "not a tool resource this map knows")
            continue
        if name not in tool_types:
            findings.dropped(("tool_resources", name), f"no {name} tool to carry it: an agent keeps resources "
                                                       "on the tool itself")
            continue
        carried = "vector_store_ids" if name == "file_search" else "file_ids"
        for key in resource if isinstance(resource, dict) else ():
            if key == "vector_stores":
                findings.dropped(("tool_resources", name, key), "agents cannot create a vector store inline: "
                                                                "create it first and list its id")
            elif key != carried:
                findings.dropped(("tool_resources", name, key), "not a field this map knows")


def _report_extra(mapping: JsonObject, known: tuple[str, ...], path: tuple[str | int, ...],
                  findings: Findings) -> None:
    for key in mapping:
        if key not in known:
            findings.dropped((*path, key), "not a field this map knows")
