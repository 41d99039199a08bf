"""The served sandbox's control endpoints under `/__sandbox/`: faults, auth, stats, the request log.

They bypass faults, answer JSON, and fail in the API's error shape. When the auth policy demands
credentials they demand the same ones (no `api-version`), so whoever can reach the server cannot
switch its auth off. Only the HTTP server mounts them; the embedded transport never does.

| Endpoint | Body in | Body out |
| --- | --- | --- |
| GET /__sandbox/stats | - | {"requests": {"POST /assistants": 2}, "total": 2, "assistants": 1, "faults", "auth"} |
| GET /__sandbox/requests | - | {"object": "list", "data": [RecordedRequest...]} |
| POST /__sandbox/reset | - | {"reset": true} (store, traffic, faults and auth back to start-up) |
| GET, POST /__sandbox/faults | a fault plan (see faults.py) | the plan in force, with its counters |
| GET, POST /__sandbox/auth | {"style": "openai", "key": "sk-..." or null} | {"style": "openai", "key_required": true} |
| GET /__sandbox/state | - | the store as saved, write-only fields included |
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistantsync.errors import FaultConfigError
from assistantsync.json_value import JsonObject
from assistantsync.sandbox.auth import AuthPolicy, check_credentials
from assistantsync.sandbox.faults import FaultPlan
from assistantsync.sandbox.protocol import ErrorReply, SandboxRequest, SandboxResponse, method_not_allowed, unknown_url
from assistantsync.sandbox.store import state_bytes

if TYPE_CHECKING:
    from assistantsync.sandbox.app import SandboxApp

CONTROL_PREFIX = "/__sandbox"


def handle_control(app: SandboxApp, request: SandboxRequest) -> SandboxResponse:
    endpoint = _ENDPOINTS.get(request.path[len(CONTROL_PREFIX):].rstrip("/"))
    try:
        check_credentials(app.settings.auth, request.headers)
        if endpoint is None:
            raise unknown_url(request)
        methods, action = endpoint
        if request.method not in methods:
            raise method_not_allowed(request, methods)
        return SandboxResponse(200, action(app, request))
    except ErrorReply as reply:
        return reply.response()


def _stats(app: SandboxApp, request: SandboxRequest) -> JsonObject:
    counts = app.traffic.counts_json()
    with app.lock:
        assistants = len(app.store)
    return {"requests": counts, "total": sum(counts.values()), "assistants": assistants,
            "faults": app.faults.to_json(), "auth": _auth_json(app.settings.auth)}


def _requests(app: SandboxApp, request: SandboxRequest) -> JsonObject:
    return {"object": "list", "data": app.traffic.log_json()}


def _reset(app: SandboxApp, request: SandboxRequest) -> JsonObject:
    app.reset()
    return {"reset": True}


def _faults(app: SandboxApp, request: SandboxRequest) -> JsonObject:
    if request.method == "POST":
        try:
            plan = FaultPlan.from_json(_json_body(request))
        except FaultConfigError as error:
            raise ErrorReply(400, f"Invalid fault plan: {error}.") from None
        with app.lock:
            app.faults = plan
    return app.faults.to_json()


def _auth(app: SandboxApp, request: SandboxRequest) -> JsonObject:
    if request.method == "POST":
        body = _json_body(request)
        style, key = body.get("style", "none"), body.get("key")
        if not isinstance(style, str) or not (key is None or isinstance(key, str)):
            raise ErrorReply(400, "Invalid auth: `style` must be a string and `key` a string or null.")
        try:
            policy = AuthPolicy.parse(style, key)
        except ValueError as error:
            raise ErrorReply(400, f"Invalid auth: {error}.") from None
        with app.lock:
            app.settings = dataclasses.replace(app.settings, auth=policy)
    return _auth_json(app.settings.auth)


def _state(app: SandboxApp, request: SandboxRequest) -> JsonObject:
    with app.lock:
        encoded = state_bytes(app.store)  # taken under the lock; decoded into a copy after it
    saved: JsonObject = json.loads(encoded)
    return saved


def _auth_json(policy: AuthPolicy) -> JsonObject:
    return {"style": policy.style, "key_required": policy.key is not None}  # the key itself is never shown


def _json_body(request: SandboxRequest) -> JsonObject:
    try:
        body: Any = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):
        raise ErrorReply(400, "The control endpoint expects a JSON object.") from None
    if not isinstance(body, dict):
        raise ErrorReply(400, "The control endpoint expects a JSON object.")
    return body


_Action = Callable[["SandboxApp", SandboxRequest], JsonObject]
_ENDPOINTS: dict[str, tuple[tuple[str, ...], _Action]] = {
    "/stats": (("GET",), _stats),
    "/requests": (("GET",), _requests),
    "/reset": (("POST",), _reset),
    "/faults": (("GET", "POST"), _faults),
    "/auth": (("GET", "POST"), _auth),
    "/state": (("GET",), _state),
}
