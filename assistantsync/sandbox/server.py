"""The sandbox over real HTTP: stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive, daemon threads.

Only translation lives here (socket <-> SandboxRequest/SandboxResponse, `Drop` -> closed
connection); everything else is `SandboxApp`. Binds 127.0.0.1 by default; port 0 picks a free port.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from assistantsync.sandbox.app import Drop, SandboxApp
from assistantsync.sandbox.location import DEFAULT_HOST
from assistantsync.sandbox.protocol import Headers, SandboxRequest, SandboxResponse, error_body

MAX_BODY_BYTES = 16 * 1024 * 1024
IDLE_TIMEOUT_SECONDS = 60  # an idle keep-alive connection holds a thread until then
SHUTDOWN_POLL_SECONDS = 0.05  # how often serve_forever looks for shutdown(), so stopping feels immediate


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True  # in-flight requests never keep the process alive after shutdown

    def __init__(self, app: SandboxApp, host: str = DEFAULT_HOST, port: int = 0) -> None:
        self.app = app
        super().__init__((host, port), _Handler)

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        host_text = host if isinstance(host, str) else host.decode()
        return f"http://{f'[{host_text}]' if ':' in host_text else host_text}:{port}"

    @property
    def base_url(self) -> str:
        """What clients use as their base URL (the OpenAI SDK's `base_url`)."""
        return f"{self.origin}/v1"

    def serve_forever(self, poll_interval: float = SHUTDOWN_POLL_SECONDS) -> None:
        super().serve_forever(poll_interval)

    def start(self) -> threading.Thread:
        """Serve from a daemon thread (in-process use); stop with `shutdown()` then `server_close()`."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response carries Content-Length
    timeout = IDLE_TIMEOUT_SECONDS
    disable_nagle_algorithm = True  # headers and body go out as two writes; Nagle would hold back the second
    server: SandboxServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = do_GET

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        url = urlsplit(self.path)
        request = SandboxRequest(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers=Headers(self.headers.items()),
            body=body,
        )
        reply = self.server.app.dispatch(request)
        if isinstance(reply, Drop):
            self._drop()
        else:
            self._send(reply)

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            # Unread chunks would poison the keep-alive stream; no client of ours streams a body.
            self._send(SandboxResponse(411, error_body("Send the body with a Content-Length.")), close=True)
            return None
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self._send(SandboxResponse(413 if length > 0 else 400, error_body("Invalid Content-Length.")), close=True)
            return None
        return self.rfile.read(length)

    def _send(self, response: SandboxResponse, *, close: bool = False, head_only: bool = False) -> None:
        content = b"" if head_only else response.content()
        try:
            self.send_response(response.status)
            self.send_header("content-length", str(len(content)))
            for name, value in response.wire_headers().items():
                self.send_header(name, value)
            if close:
                self.send_header("connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(content)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client went away; nothing left to tell it
            self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed by the peer
            pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unknown method) in the API's shape, not HTML."""
        status = 405 if code == 501 else code  # 501 is what http.server says for a method it lacks
        text = f"Method {self.command} is not allowed." if code == 501 else (message or "Bad request.")
        self._send(SandboxResponse(status, error_body(text)), close=True, head_only=self.command == "HEAD")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is at GET /__sandbox/requests."""
