"""The sandbox's pure core: `handle(store, request)` answers one request the way the Assistants API did.

No I/O and no globals: time, ids, the auth policy and the schema validator come in through
`Settings`, so tests can pin them. Every request ends as a 2xx or a well-formed 4xx; nothing
a caller sends can raise out of `handle`.

Order of checks: auth (401), route (404/405), the `OpenAI-Beta` header (400), then the operation.
Foundry's agents paths (agents.py) share the auth and the store; they need `api-version=v1` instead of
the beta header.
"""

from __future__ import annotations

import re
import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from assistantsync.kinds.assistant.file_format import CREATE_REQUEST_SCHEMA, MODIFY_REQUEST_SCHEMA
from assistantsync.sandbox.agents import handle_agents, match_agent_route
from assistantsync.sandbox.assistants import IdFactory, create_assistant, delete_assistant, modify_assistant
from assistantsync.sandbox.auth import AuthPolicy, check_auth
from assistantsync.sandbox.paging import list_assistants
from assistantsync.sandbox.protocol import ErrorReply, SandboxRequest, SandboxResponse, method_not_allowed, unknown_url
from assistantsync.sandbox.records import Store, StoredAssistant
from assistantsync.sandbox.validation import (
    Validator,
    check_body,
    parse_object,
    schema_validator,
)

COLLECTION, ITEM = "/assistants", "/assistants/{assistant_id}"
UNMATCHED = "(unmatched)"
# The bases clients use: OpenAI and gateways (/v1), Azure OpenAI (/openai), Foundry projects, or none.
_ROUTE = re.compile(r"(?:/v1|/openai(?:/v1)?|/api/projects/[^/]+)?/assistants(?:/(?P<id>[^/]+))?/?")
_ALLOWED = {COLLECTION: ("GET", "POST"), ITEM: ("GET", "POST", "DELETE")}
# The URL `sandbox serve` prints ends in /v1 (what OpenAI SDKs take as base URL). Used as a Foundry
# project endpoint, a client appends `/agents?api-version=v1` to it, so `/v1/agents...` is read as
# `/agents...`: the same stored agents, whether reached bare, through /v1 or through /api/projects/{p}.
_AGENTS_UNDER_V1 = re.compile(r"/v1(?=/agents(?:/|$))")
AGENTS_API_VERSION = "v1"
_ID_ALPHABET = string.ascii_letters + string.digits

BETA_HEADER_VALUE = "assistants=v2"
MISSING_BETA = (
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
    "Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
)
V1_BETA = (
    "The v1 Assistants API has been deprecated. "
    "Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
)
INVALID_BETA = "Invalid 'OpenAI-Beta' header. Please try again by setting the header 'OpenAI-Beta: assistants=v2'."


def random_id(prefix: str) -> str:
    """`asst_` / `vs_` plus 24 random letters and digits, the shape of the API's ids."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(24))


def wall_clock() -> int:
    return int(time.time())


@dataclass(frozen=True)
class Settings:
    """Everything the core depends on besides the store; swap any part in tests."""

    auth: AuthPolicy = field(default_factory=AuthPolicy)
    clock: Callable[[], int] = wall_clock
    new_id: IdFactory = random_id
    validate: Validator = schema_validator


@dataclass(frozen=True)
class Route:
    template: str  # COLLECTION or ITEM
    assistant_id: str | None


def match_route(path: str) -> Route | None:
    matched = _ROUTE.fullmatch(path)
    if matched is None:
        return None
    if matched["id"] is None:
        return Route(COLLECTION, None)
    return Route(ITEM, unquote(matched["id"]))


def agents_path(path: str) -> str | None:
    """`path` as agents.py routes it when it is an agents path, else None."""
    bare = _AGENTS_UNDER_V1.sub("", path, count=1) if path.startswith("/v1/") else path
    return bare if match_agent_route(bare) is not None else None


def route_template(path: str) -> str:
    """The route a path counts under in the traffic stats."""
    bare = agents_path(path)
    agent_route = match_agent_route(bare) if bare is not None else None
    if agent_route is not None:
        return agent_route.template
    route = match_route(path)
    return route.template if route else UNMATCHED


def handle(store: Store, request: SandboxRequest, settings: Settings | None = None) -> SandboxResponse:
    """Answer one request; an API error comes back as its error response, never as an exception."""
    settings = settings or Settings()
    try:
        return _dispatch(store, request, settings)
    except ErrorReply as reply:
        return reply.response()


def _dispatch(store: Store, request: SandboxRequest, settings: Settings) -> SandboxResponse:
    check_auth(settings.auth, request)
    bare = agents_path(request.path)
    if bare is not None:
        return _agents(store, replace(request, path=bare), settings)
    route = match_route(request.path)
    if route is None:
        raise unknown_url(request)
    allowed = _ALLOWED[route.template]
    if request.method not in allowed:
        raise method_not_allowed(request, allowed)
    _check_beta(request.headers.get("openai-beta"))
    assistant_id = route.assistant_id or ""
    if route.template == COLLECTION and request.method == "GET":
        return list_assistants(store, request.query)
    if route.template == COLLECTION:
        body = parse_object(request.body)
        check_body(settings.validate, CREATE_REQUEST_SCHEMA, body)
        return _answer(create_assistant(store, body, now=settings.clock(), new_id=settings.new_id))
    if request.method == "GET":
        return _answer(store.get(assistant_id))
    if request.method == "DELETE":
        return SandboxResponse(200, delete_assistant(store, assistant_id))
    body = parse_object(request.body)
    check_body(settings.validate, MODIFY_REQUEST_SCHEMA, body)
    return _answer(modify_assistant(store, assistant_id, body, new_id=settings.new_id))


def _agents(store: Store, request: SandboxRequest, settings: Settings) -> SandboxResponse:
    _check_api_version(request.query.get("api-version"))
    before = store.agents.revision
    response = handle_agents(store.agents, request, now=settings.clock())
    if store.agents.revision != before:
        store.revision += 1  # what tells the state file and the server that this request wrote
    return response


def _check_api_version(value: str | None) -> None:
    # Foundry's agents API requires the query on every operation; its GA value is the only one served.
    if value is None:
        raise ErrorReply(400, "Missing required parameter: 'api-version'.", param="api-version",
                         code="missing_required_parameter")
    if value != AGENTS_API_VERSION:
        raise ErrorReply(400, f"Unsupported value for 'api-version': expected '{AGENTS_API_VERSION}'.",
                         param="api-version", code="invalid_value")


def _answer(record: StoredAssistant) -> SandboxResponse:
    """One assistant, as stored: the dict uncopied (records are never mutated, records.py), sent as its
    encoding (made once, reused by list)."""
    return SandboxResponse(200, record.public, encoded=record.encoded)


def _check_beta(value: str | None) -> None:
    features = {part.strip() for part in (value or "").split(",") if part.strip()}
    if BETA_HEADER_VALUE in features:
        return
    if not features:
        raise ErrorReply(400, MISSING_BETA, code="invalid_beta")
    raise ErrorReply(400, V1_BETA if "assistants=v1" in features else INVALID_BETA, code="invalid_beta")
