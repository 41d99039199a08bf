"""The sandbox's `error_after_write` fault: the write is stored, then answered with a 5xx, on either API.

A server that fails after storing is what makes a create (or a new agent version) ambiguous; these tests pin
that the sandbox does exactly that, counted like every rule, and leaves reads and failed writes alone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistantsync.sandbox.app import SandboxApp
from assistantsync.sandbox.faults import FaultPlan
from assistantsync.sandbox.protocol import SandboxRequest, SandboxResponse

BETA = {"OpenAI-Beta": "assistants=v2"}
V1 = {"api-version": "v1"}
PROMPT = {"kind": "prompt", "model": "gpt-4.1"}


def faulted(*rules: dict[str, Any]) -> SandboxApp:
    return SandboxApp(faults=FaultPlan.from_json({"rules": list(rules)}))


def send(app: SandboxApp, method: str, path: str, body: Any = None) -> SandboxResponse:
    agents = path.startswith("/agents")
    request = SandboxRequest(method, path, V1 if agents else {}, {} if agents else BETA,
                             b"" if body is None else json.dumps(body).encode())
    response = app.dispatch(request)
    assert isinstance(response, SandboxResponse)
    return response


def stored(app: SandboxApp) -> tuple[list[str], dict[str, int]]:
    """Names of the stored assistants, and each stored agent's number of versions."""
    return ([str(item.public["name"]) for item in app.store.in_creation_order()],
            {agent.name: len(agent.versions) for agent in app.store.agents})


# (what, rule's method and route, the write, what is stored after it)
WRITES: list[tuple[str, str, str, str, Any, tuple[list[str], dict[str, int]]]] = [
    ("an assistant create", "POST", "/assistants", "/v1/assistants", {"model": "gpt-4o", "name": "kept"},
     (["kept"], {})),
    ("an agent create", "POST", "/agents", "/agents", {"name": "bot", "definition": PROMPT}, ([], {"bot": 1})),
    ("a new agent version", "POST", "/agents/{agent_name}/versions", "/agents/bot/versions",
     {"definition": PROMPT, "description": "two"}, ([], {"bot": 2})),
]


@pytest.mark.parametrize(("method", "route", "path", "body", "after"), [w[1:] for w in WRITES],
                         ids=[w[0] for w in WRITES])
def test_the_write_is_stored_and_answered_with_the_rule_status(method: str, route: str, path: str, body: Any,
                                                                after: tuple[list[str], dict[str, int]]) -> None:
    app = faulted({"kind": "error_after_write", "status": 502, "times": 1, "method": method, "route": route})
    if route.startswith("/agents/"):
        assert send(app, "POST", "/agents", {"name": "bot", "definition": PROMPT}).status == 200
    failed = send(app, method, path, body)
    assert (failed.status, failed.body["error"]["type"]) == (502, "server_error")
    assert stored(app) == after
    assert [(entry["status"], entry["fault"]) for entry in app.traffic.log_json()][-1:] == [(502, "error_after_write")]
    (rule,) = app.faults.to_json()["rules"]
    assert (rule["seen"], rule["fired"]) == (1, 1)


def test_reads_and_refused_writes_are_not_counted() -> None:
    app = faulted({"kind": "error_after_write", "times": 1})
    assert send(app, "GET", "/agents").status == 200  # a read is never a write
    assert send(app, "POST", "/agents", {"name": "-bad-", "definition": PROMPT}).status == 400  # nothing stored
    done = send(app, "POST", "/agents", {"name": "bot", "definition": PROMPT})
    again = send(app, "POST", "/agents/bot", {"definition": {**PROMPT, "instructions": "New."}})
    assert (done.status, again.status) == (500, 200)  # `times: 1`: the second write is answered
    assert stored(app) == ([], {"bot": 2})
    (rule,) = app.faults.to_json()["rules"]
    assert (rule["seen"], rule["fired"]) == (2, 1)
