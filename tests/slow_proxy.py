"""A tiny loopback proxy in front of the served sandbox that makes chosen requests slow.

The sandbox's `latency_ms` slows every request alike, so a client whose `--timeout` it exceeds never
gets past its first list. This proxy holds only the requests matching one method and route (the first
`times` of them, or all) for `delay` seconds *before* forwarding them, like a busy server: the client
times out, and the write still lands at the sandbox afterwards. `wait_idle()` waits until every held
request has been forwarded, so a test sees the final state (and the next test a quiet sandbox).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from serving import in_background

from assistantsync.sandbox.core import route_template

IDLE_WAIT_SECONDS = 10
HOP_HEADERS = {"host", "content-length", "connection", "keep-alive", "transfer-encoding"}


@dataclass
class SlowRule:
    method: str
    route: str  # e.g. "/assistants" or "/assistants/{assistant_id}"
    delay: float
    times: int | None = None  # None: every matching request
    held: int = 0


class SlowProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, rule: SlowRule) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = httpx.Client(base_url=upstream, timeout=30)
        self.rule = rule
        self.lock = threading.Lock()
        self.in_flight = 0

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def hold(self, method: str, path: str) -> float:
        """How long to hold this request (0: not at all); counts it against the rule."""
        rule = self.rule
        with self.lock:
            if method != rule.method or route_template(path) != rule.route:
                return 0.0
            if rule.times is not None and rule.held >= rule.times:
                return 0.0
            rule.held += 1
            return rule.delay

    def wait_idle(self) -> None:
        deadline = time.monotonic() + IDLE_WAIT_SECONDS
        while True:
            with self.lock:
                if self.in_flight == 0:
                    return
            assert time.monotonic() < deadline, "the proxy still holds requests"
            time.sleep(0.01)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SlowProxy

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.in_flight += 1
        try:
            self._forward()
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    do_POST = do_DELETE = do_GET

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        delay = self.server.hold(self.command, self.path.split("?")[0])
        if delay:
            time.sleep(delay)  # the client gives up meanwhile; the request still reaches the sandbox after
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        reply = self.server.upstream.request(self.command, self.path, headers=headers, content=body)
        try:
            self.send_response(reply.status_code)
            for name, value in reply.headers.items():
                if name.lower() not in HOP_HEADERS:
                    self.send_header(name, value)
            self.send_header("content-length", str(len(reply.content)))
            self.end_headers()
            self.wfile.write(reply.content)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def slow_proxy(upstream_base_url: str, rule: SlowRule) -> Iterator[SlowProxy]:
    proxy = SlowProxy(upstream_base_url.removesuffix("/v1"), rule)
    try:
        with in_background(proxy, poll_interval=0.02):
            try:
                yield proxy
            finally:
                proxy.wait_idle()  # every held request forwarded before the proxy stops
    finally:
        proxy.upstream.close()
