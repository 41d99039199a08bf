"""A loopback HTTP server that misbehaves on purpose, for the tests of deadlines, signals and bounds.

The sandbox always answers in the end; this one, per route, answers at once, never answers, trickles its
answer a byte at a time for ever, or pages for ever. Every misbehaving handler ends when the `with` block
of `serve_hostile` does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from helpers.serving import in_background

TRICKLE_PAUSE = 0.1  # seconds between two bytes of a trickled answer
EMPTY_LIST: dict[str, Any] = {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
Behaviour = Callable[["_Handler"], None]


@dataclass
class HostileServer:
    base_url: str  # ends in /v1
    seen: list[str] = field(default_factory=list)  # "METHOD /path" of every request, as it arrives
    closing: threading.Event = field(default_factory=threading.Event)

    def count(self, method: str, path: str) -> int:
        return self.seen.count(f"{method} {path}")


def answer(body: Any, status: int = 200) -> Behaviour:
    """Answer at once with `body` as JSON."""
    def behave(handler: _Handler) -> None:
        handler.send_json(status, body)
    return behave


def silent(handler: _Handler) -> None:
    """Take the request and never answer."""
    handler.server_state.closing.wait()


def trickle(handler: _Handler) -> None:
    """Answer one byte at a time, headers included, and never finish (a slow-loris server)."""
    answer_bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
    endless = iter(answer_bytes + b" " * 100_000)
    while not handler.server_state.closing.wait(TRICKLE_PAUSE):
        try:
            handler.wfile.write(bytes([next(endless)]))
            handler.wfile.flush()
        except (OSError, StopIteration):  # the client gave up and closed the connection
            return


def endless_pages(handler: _Handler) -> None:
    """A page of one new assistant and a new cursor, every time, for ever."""
    number = handler.server_state.count("GET", "/v1/assistants")
    item = {"id": f"asst_{number:06d}", "object": "assistant", "model": "gpt-4o", "metadata": {}}
    handler.send_json(200, {"object": "list", "data": [item], "first_id": item["id"], "last_id": item["id"],
                            "has_more": True})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: HostileServer
    routes: Mapping[str, Behaviour]

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows what the test asserts
        pass

    def send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?", 1)[0]
        self.server_state.seen.append(f"{self.command} {path}")
        behaviour = self.routes.get(f"{self.command} {path}")
        if behaviour is None:
            self.send_json(404, {"error": {"message": f"no route {self.command} {path}", "type": "invalid_request"}})
        else:
            behaviour(self)

    do_GET = do_POST = do_DELETE = _handle


@contextmanager
def serve_hostile(routes: Mapping[str, Behaviour]) -> Iterator[HostileServer]:
    """Serve `routes` ("METHOD /v1/path" -> behaviour) on a loopback port until the block ends."""
    state = HostileServer("")

    class Handler(_Handler):
        server_state = state

    Handler.routes = dict(routes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    with in_background(server):
        try:
            yield state
        finally:
            state.closing.set()  # ends the handlers that never answer
