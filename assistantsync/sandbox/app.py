"""The served sandbox as an application, independent of the HTTP server: faults, core, persistence.

`SandboxApp.dispatch(request)` returns a response, or `Drop` when the connection must be closed
without one. The in-memory store is shared by the server's threads; the core runs under one
lock, while injected latency and slowness are slept outside it, so slow requests still overlap.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistantsync.sandbox.control import CONTROL_PREFIX, handle_control
from assistantsync.sandbox.core import Settings, handle, route_template
from assistantsync.sandbox.faults import AFTER_WRITE_KINDS, RESPONSE_KINDS, FaultPlan, FaultRule
from assistantsync.sandbox.protocol import SandboxRequest, SandboxResponse, error_body
from assistantsync.sandbox.records import Store
from assistantsync.sandbox.store import StateFile
from assistantsync.sandbox.traffic import Traffic

SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"
RATE_LIMITED = "Rate limit reached for requests (injected by the sandbox). Please try again later."


@dataclass(frozen=True)
class Drop:
    """Close the connection without sending a response."""

    fault: str


class SandboxApp:
    def __init__(
        self,
        settings: Settings | None = None,
        faults: FaultPlan | None = None,
        state: StateFile | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.initial_settings = settings or Settings()
        self._initial_faults = (faults or FaultPlan()).to_json()  # a reset restores the start-up plan
        self.settings = self.initial_settings
        self.faults = FaultPlan.from_json(self._initial_faults)
        self.state = state
        self.traffic = Traffic()
        self.lock = threading.Lock()  # guards store, settings and faults as a whole
        self._sleep = sleep
        if state is None:
            self.store = Store()
        else:
            with state.locked():
                self.store = state.load()

    def dispatch(self, request: SandboxRequest) -> SandboxResponse | Drop:
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            return handle_control(self, request)  # never faulted; authenticated as the API is
        method, route = request.method, route_template(request.path)
        faults = self.faults
        if faults.pick(("drop_before",), method, route):
            self.traffic.record(request, None, "drop_before")
            return Drop("drop_before")
        if faults.latency_ms:
            self._sleep(faults.latency_ms / 1000)
        slow = faults.pick(("slow",), method, route)
        if slow is not None:
            self._sleep(slow.delay_ms / 1000)
        rule = faults.pick(RESPONSE_KINDS, method, route)
        if rule is not None:
            response = _fault_response(rule)
            self.traffic.record(request, response.status, rule.kind)
            return response
        with self.lock:
            revision = self.store.revision
            response = handle(self.store, request, self.settings)
            if self.state is not None and self.store.revision != revision:
                self.save()
        after = faults.pick(AFTER_WRITE_KINDS, method, route) if 200 <= response.status < 300 else None
        if after is not None and after.kind == "drop_after_write":
            self.traffic.record(request, response.status, "drop_after_write")
            return Drop("drop_after_write")
        if after is not None:  # error_after_write: stored, yet answered as a failure
            response = _fault_response(after)
            self.traffic.record(request, response.status, after.kind)
            return response
        self.traffic.record(request, response.status)
        return response

    def save(self) -> None:
        """Persist the store; call with `self.lock` held."""
        if self.state is not None:
            with self.state.locked():
                self.state.save(self.store)

    def reset(self) -> None:
        """Back to the start: no assistants or agents, no traffic, the start-up faults and auth."""
        with self.lock:
            self.store.clear()
            self.save()
            self.settings = self.initial_settings
            self.faults = FaultPlan.from_json(self._initial_faults)
        self.traffic.clear()


def _fault_response(rule: FaultRule) -> SandboxResponse:
    if rule.kind != "rate_limit":  # server_error, error_after_write
        return SandboxResponse(rule.status, error_body(SERVER_ERROR, type="server_error"))
    seconds = max(1, math.ceil(rule.retry_after_ms / 1000))  # the spec's Retry-After is whole seconds, >= 1
    headers = {
        "retry-after-ms": str(rule.retry_after_ms),
        "retry-after": str(seconds),
        "x-ratelimit-limit-requests": "60",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": f"{rule.retry_after_ms}ms",
    }
    body = error_body(RATE_LIMITED, type="requests", code="rate_limit_exceeded")
    return SandboxResponse(429, body, headers)
