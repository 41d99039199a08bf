"""Deterministic fault injection for the served sandbox: counted rules, never randomness.

A plan is a latency plus a list of rules. A rule counts the requests it matches and fires on
every `every`-th one, at most `times` times (null: no limit). Rules act in phases, in this order:

1. `drop_before`: the connection is closed before the request is handled (nothing is applied);
2. `latency_ms`: every API request waits this long; then `slow` (`delay_ms`): a matching request waits
   that much more, as on a busy server: a client that gives up meanwhile does not stop it being handled;
3. `rate_limit` (429 with `retry-after-ms` and `retry-after`) and `server_error` (`status`, 5xx):
   an error response instead of handling the request;
4. `drop_after_write`: a successful POST or DELETE is applied, then the connection is closed with
   no response (how tests prove that a client never blindly retries a create); `error_after_write`:
   applied, then answered with `status` (5xx) instead, as a server that fails after storing.

Within one phase every matching rule counts the request, and the first due rule (list order) fires.
JSON shape, as accepted by `POST /__sandbox/faults`:
`{"latency_ms": 0, "rules": [{"kind": "rate_limit", "every": 1, "times": 1, "method": "POST",
"route": "/assistants", "retry_after_ms": 100}]}`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from assistantsync.errors import FaultConfigError
from assistantsync.json_value import JsonObject

FAULT_KINDS = ("drop_before", "slow", "rate_limit", "server_error", "drop_after_write", "error_after_write")
RESPONSE_KINDS = ("rate_limit", "server_error")
AFTER_WRITE_KINDS = ("drop_after_write", "error_after_write")  # only a successful write counts
WRITE_METHODS = ("POST", "DELETE", "PUT", "PATCH")
DEFAULT_RETRY_AFTER_MS = 1000
MAX_DELAY_MS = 60_000  # for latency_ms and a slow rule's delay_ms


@dataclass
class FaultRule:
    kind: str
    every: int = 1
    times: int | None = None
    method: str | None = None  # only requests with this method count
    route: str | None = None  # a route template: "/assistants/{assistant_id}", "/agents/{agent_name}/versions"...
    status: int = 500  # server_error and error_after_write only
    retry_after_ms: int = DEFAULT_RETRY_AFTER_MS  # rate_limit only
    delay_ms: int = 0  # slow only
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, route: str) -> bool:
        if self.kind in AFTER_WRITE_KINDS and method not in WRITE_METHODS:
            return False
        return self.method in (None, method) and self.route in (None, route)

    def due(self) -> bool:
        return self.seen % self.every == 0 and (self.times is None or self.fired < self.times)

    def to_json(self) -> JsonObject:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        if not isinstance(data, dict):
            raise FaultConfigError("each rule must be an object")
        unknown = set(data) - set(cls.__dataclass_fields__)  # `seen` and `fired` are accepted and reset
        if unknown:
            raise FaultConfigError(f"unknown rule fields: {', '.join(sorted(unknown))}")
        if data.get("kind") not in FAULT_KINDS:
            raise FaultConfigError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        method = data.get("method")
        route = data.get("route")
        if not (method is None or isinstance(method, str)) or not (route is None or isinstance(route, str)):
            raise FaultConfigError("method and route must be strings or null")
        times = data.get("times")
        return cls(
            kind=data["kind"],
            every=_integer(data.get("every", 1), "every", minimum=1),
            times=None if times is None else _integer(times, "times", minimum=0),
            method=method.upper() if method else None,
            route=route,
            status=_integer(data.get("status", 500), "status", minimum=500, maximum=599),
            retry_after_ms=_integer(data.get("retry_after_ms", DEFAULT_RETRY_AFTER_MS), "retry_after_ms", minimum=0),
            delay_ms=_integer(data.get("delay_ms", 0), "delay_ms", minimum=0, maximum=MAX_DELAY_MS),
        )


@dataclass
class FaultPlan:
    latency_ms: int = 0
    rules: list[FaultRule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def pick(self, kinds: tuple[str, ...], method: str, route: str) -> FaultRule | None:
        """Count the request against every matching rule of these kinds; return the rule that fires."""
        chosen = None
        with self._lock:  # server threads share the counters
            for rule in self.rules:
                if rule.kind in kinds and rule.matches(method, route):
                    rule.seen += 1
                    if chosen is None and rule.due():
                        rule.fired += 1
                        chosen = rule
        return chosen

    def to_json(self) -> JsonObject:
        with self._lock:
            return {"latency_ms": self.latency_ms, "rules": [rule.to_json() for rule in self.rules]}

    @classmethod
    def from_json(cls, data: Any) -> FaultPlan:
        if not isinstance(data, dict):
            raise FaultConfigError("the fault plan must be a JSON object")
        unknown = set(data) - {"latency_ms", "rules"}
        if unknown:
            raise FaultConfigError(f"unknown fields: {', '.join(sorted(unknown))}")
        rules = data.get("rules", [])
        if not isinstance(rules, list):
            raise FaultConfigError("rules must be a list")
        latency = _integer(data.get("latency_ms", 0), "latency_ms", minimum=0, maximum=MAX_DELAY_MS)
        return cls(latency, [FaultRule.from_json(rule) for rule in rules])


def _integer(value: Any, name: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if minimum <= value and (maximum is None or value <= maximum):
            return value
    bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
    raise FaultConfigError(f"{name} must be an integer {bounds}")
