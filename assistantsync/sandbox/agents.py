"""The Foundry agents API's pure core: `handle_agents(store, request, now=...)` answers one `/agents` request.

Follows shared/spec/FOUNDRY-AGENTS.md; where the notes mark behaviour [U], the documented behaviour
is built and the choice is said where it is made. No I/O: the clock value comes in, versions count
up per agent (agent_records.py). Auth and the `api-version` query are the caller's to check.
Every success is a 200, as in the spec; every failure an `ErrorReply` in the API's error shape.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from assistantsync.json_value import JsonObject
from assistantsync.sandbox.agent_paging import page
from assistantsync.sandbox.agent_records import AgentStore, name_problem
from assistantsync.sandbox.protocol import ErrorReply, SandboxRequest, SandboxResponse, method_not_allowed, unknown_url
from assistantsync.sandbox.validation import parse_object

AGENTS, AGENT = "/agents", "/agents/{agent_name}"
VERSIONS, VERSION = "/agents/{agent_name}/versions", "/agents/{agent_name}/versions/{agent_version}"
ALLOWED = {AGENTS: ("GET", "POST"), AGENT: ("GET", "POST", "DELETE"), VERSIONS: ("GET", "POST"),
           VERSION: ("GET", "DELETE")}
# A Foundry project endpoint is `.../api/projects/{project}`; the sandbox also answers without it.
_ROUTE = re.compile(r"(?:/api/projects/[^/]+)?/agents"
                    r"(?:/(?P<name>[^/]+)(?:/(?P<versions>versions)(?:/(?P<version>[^/]+))?)?)?/?")
DESCRIPTION_MAX, METADATA_PAIRS, METADATA_KEY_MAX, METADATA_VALUE_MAX = 512, 16, 64, 512
# What `POST /agents/{name}` compares to decide on a new version. The spec says "changes to the agent
# definition"; whether a description- or metadata-only change counts is [U], so, as the notes
# suggest, only the definition is compared (a client that must record such a change uses
# `POST /agents/{name}/versions`, which always makes a version).
COMPARED_FIELDS = ("definition",)


@dataclass(frozen=True)
class AgentRoute:
    template: str  # AGENTS, AGENT, VERSIONS or VERSION
    name: str | None = None
    version: str | None = None


def match_agent_route(path: str) -> AgentRoute | None:
    matched = _ROUTE.fullmatch(path)
    if matched is None:
        return None
    if matched["name"] is None:
        return AgentRoute(AGENTS)
    name = unquote(matched["name"])
    if matched["versions"] is None:
        return AgentRoute(AGENT, name)
    if matched["version"] is None:
        return AgentRoute(VERSIONS, name)
    return AgentRoute(VERSION, name, unquote(matched["version"]))


def handle_agents(store: AgentStore, request: SandboxRequest, *, now: int) -> SandboxResponse:
    """Answer one agents request; an API error comes back as its error response, never as an exception."""
    try:
        return SandboxResponse(200, _dispatch(store, request, now))
    except ErrorReply as reply:
        return reply.response()


def _dispatch(store: AgentStore, request: SandboxRequest, now: int) -> JsonObject:
    route = match_agent_route(request.path)
    if route is None:
        raise unknown_url(request)
    if request.method not in ALLOWED[route.template]:
        raise method_not_allowed(request, ALLOWED[route.template])
    name, version, method = route.name or "", route.version or "", request.method
    if route.template == AGENTS:
        if method == "GET":
            return _list_agents(store, request.query.get("kind"), request)
        return _create_agent(store, parse_object(request.body), now)
    if route.template == AGENT:
        if method == "GET":
            return store.get(name).public()
        if method == "DELETE":
            store.remove(name)
            return {"object": "agent.deleted", "name": name, "deleted": True}
        return _update_agent(store, name, parse_object(request.body), now)
    if route.template == VERSIONS:
        if method == "GET":
            return page(list(store.get(name).versions.values()), request.query, "version")
        return _create_version(store, name, parse_object(request.body), now)
    if method == "GET":
        return store.version(name, version)
    store.remove_version(name, version)
    return {"object": "agent.version.deleted", "name": name, "version": version, "deleted": True}


def _create_agent(store: AgentStore, body: JsonObject, now: int) -> JsonObject:
    """`POST /agents`: "Creates a new agent or a new version of an existing agent". For an existing name
    it acts as the update below: whether it dedups an unchanged definition is [U]; it does here."""
    if "name" not in body:
        raise ErrorReply(400, "Missing required parameter: 'name'.", param="name",
                         code="missing_required_parameter")
    problem = name_problem(body["name"])
    if problem is not None:
        raise ErrorReply(400, f"Invalid value for 'name': the agent name {problem}.", param="name",
                         code="invalid_value")
    name: str = body["name"]
    _check_version_fields(body)
    if store.find(name) is not None:
        return _update_agent(store, name, body, now)
    store.add_version(name, body, now=now)
    return store.get(name).public()


def _update_agent(store: AgentStore, name: str, body: JsonObject, now: int) -> JsonObject:
    """`POST /agents/{name}`: a new version only when a compared field changed, else the agent as it is."""
    agent = store.get(name)
    _check_version_fields(body)
    latest = agent.latest()
    if any(_canonical(body.get(field)) != _canonical(latest.get(field)) for field in COMPARED_FIELDS):
        store.add_version(name, body, now=now)
    return agent.public()


def _create_version(store: AgentStore, name: str, body: JsonObject, now: int) -> JsonObject:
    """`POST /agents/{name}/versions`: always a new version; a missing agent is created, as the
    `azure-ai-projects` SDK relies on (not stated in the spec)."""
    if store.find(name) is None:
        problem = name_problem(name)
        if problem is not None:
            raise ErrorReply(400, f"Invalid value for 'agent_name': the agent name {problem}.",
                             param="agent_name", code="invalid_value")
    _check_version_fields(body)
    return store.add_version(name, body, now=now)


def _list_agents(store: AgentStore, kind: str | None, request: SandboxRequest) -> JsonObject:
    # Agents are listed in creation order (the spec sorts by `created_at`, which an agent lacks;
    # its first version's time and creation order agree here).
    agents = [agent.public() for agent in store
              if kind is None or agent.latest()["definition"].get("kind") == kind]
    return page(agents, request.query, "agent")


def _check_version_fields(body: JsonObject) -> None:
    """The fields every write shares; the limits are the spec's descriptions (no schema keywords)."""
    definition = body.get("definition")
    if definition is None:
        raise ErrorReply(400, "Missing required parameter: 'definition'.", param="definition",
                         code="missing_required_parameter")
    if not isinstance(definition, dict):
        raise _invalid("definition", "expected an object")
    if not isinstance(definition.get("kind"), str):
        raise ErrorReply(400, "Missing required parameter: 'definition.kind'.", param="definition.kind",
                         code="missing_required_parameter")
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > DESCRIPTION_MAX):
        raise _invalid("description", f"expected a string of at most {DESCRIPTION_MAX} characters")
    metadata = body.get("metadata")
    if metadata is None:
        return
    if not isinstance(metadata, dict) or len(metadata) > METADATA_PAIRS:
        raise _invalid("metadata", f"expected an object of at most {METADATA_PAIRS} pairs")
    for key, value in metadata.items():
        if len(key) > METADATA_KEY_MAX or not isinstance(value, str) or len(value) > METADATA_VALUE_MAX:
            raise _invalid(f"metadata.{key}", f"expected a key of at most {METADATA_KEY_MAX} characters "
                                              f"and a string value of at most {METADATA_VALUE_MAX}")


def _invalid(param: str, expected: str) -> ErrorReply:
    return ErrorReply(400, f"Invalid value for '{param}': {expected}.", param=param, code="invalid_value")


def _canonical(value: Any) -> str:
    """One text per JSON value, so key order does not count and 1, 1.0 and true stay distinct."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
