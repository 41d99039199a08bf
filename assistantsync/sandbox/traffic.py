"""What the sandbox saw: request counts per (method, route) and a bounded log of recent requests.

Tests assert on these (exact request bodies, "create was sent once"). Credentials never enter:
the values of authorization-like headers are replaced before anything is kept.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

from assistantsync.json_value import JsonObject
from assistantsync.sandbox.core import route_template
from assistantsync.sandbox.protocol import SandboxRequest

LOG_CAPACITY = 1000
REDACTED = "[redacted]"
_SECRET_HEADER_WORDS = ("auth", "key", "token", "secret", "cookie", "config", "signature")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    route: str
    query: dict[str, str]
    headers: dict[str, str]  # secret values redacted
    body: Any  # the parsed JSON body; None when empty or not JSON
    status: int | None  # None when no response was sent (a dropped connection)
    fault: str | None  # the injected fault that decided the outcome, if any


class Traffic:
    """Thread-safe counters and log; one per running sandbox (never persisted)."""

    def __init__(self, capacity: int = LOG_CAPACITY) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._log: deque[RecordedRequest] = deque(maxlen=capacity)

    def record(self, request: SandboxRequest, status: int | None, fault: str | None = None) -> None:
        entry = RecordedRequest(
            method=request.method,
            path=request.path,
            route=route_template(request.path),
            query=dict(request.query),
            headers={name: REDACTED if _is_secret(name) else value for name, value in request.headers.items()},
            body=_parsed(request.body),
            status=status,
            fault=fault,
        )
        with self._lock:
            self._counts[(entry.method, entry.route)] += 1
            self._log.append(entry)

    def count(self, method: str, route: str) -> int:
        with self._lock:
            return self._counts[(method.upper(), route)]

    def recent(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._log.clear()

    def counts_json(self) -> JsonObject:
        """`{"POST /assistants": 2, ...}`, sorted, for the stats endpoint."""
        with self._lock:
            return {f"{method} {route}": n for (method, route), n in sorted(self._counts.items())}

    def log_json(self) -> list[JsonObject]:
        return [asdict(entry) for entry in self.recent()]


@functools.lru_cache(maxsize=512)  # clients send the same few header names on every request
def _is_secret(header_name: str) -> bool:
    # "portkey" contains "key" but names a vendor: x-portkey-provider (a provider name) stays readable,
    # while x-portkey-api-key, -virtual-key and -config are still caught by their own words.
    name = header_name.lower().replace("portkey", "-")
    return any(word in name for word in _SECRET_HEADER_WORDS)


def _parsed(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except (ValueError, RecursionError):  # the log keeps what it can; the core answers the real error
        return None
