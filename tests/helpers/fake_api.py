"""A fake Assistants server for ResourceClient tests: scripted replies over httpx.MockTransport, and a client
whose sleeps, jitter and clock are recorded or fixed, so no test waits or touches the network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.kinds.assistant import ASSISTANT

SECRET = "sk-test-LEAKCHECK-1234567890"
NOW = 1_800_000_000.0
Handler = Callable[[httpx.Request], httpx.Response]


def reply(status: int = 200, body: Any = None, *, headers: dict[str, str] | None = None, text: str | None = None
          ) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    return httpx.Response(status, json=body if body is not None else {"id": "asst_1", "object": "assistant"},
                          headers=headers)


def openai_error(status: int, message: str | None, code: str | None = None, **extra: Any) -> httpx.Response:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": code, **extra}
    return reply(status, {"error": {k: v for k, v in error.items() if k != "message" or v is not None}})


@dataclass
class Scripted:
    """A server that answers each request with the next scripted reply; an exception is a broken connection."""

    replies: list[httpx.Response | Exception]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.replies.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class Rig:
    """A client plus what it asked to sleep and what it logged (what --verbose prints)."""

    client: ResourceClient
    delays: list[float]
    logs: list[str]


def rig(handler: Handler, *, jitter: float = 0.0, **settings: Any) -> Rig:
    delays: list[float] = []
    logs: list[str] = []
    options: dict[str, Any] = {
        "base_url": "https://api.example.test/v1",
        "headers": {"Authorization": f"Bearer {SECRET}"},
        "secrets": frozenset({SECRET}),
        "auth_hint": "check OPENAI_API_KEY",
        **settings,
    }
    client = ResourceClient(ConnectionSettings(**options), kind=ASSISTANT, transport=httpx.MockTransport(handler),
                              sleep=delays.append, random_source=lambda: jitter, now=lambda: NOW, log=logs.append)
    return Rig(client, delays, logs)


def methods(server: Scripted) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in server.requests]
