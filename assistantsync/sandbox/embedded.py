"""The sandbox inside the client's own process: an httpx transport that runs the core on a state file.

`httpx.Client(transport=SandboxTransport(path), base_url=location.BASE_URL)` talks to the
sandbox with no socket. Each request is one locked transaction on the file (load, handle, save if
written), so parallel requests from a thread pool, or other processes on the same file, serialise.
The server's control endpoints do not exist here: `/__sandbox/...` is an unknown URL (404).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from assistantsync.sandbox.core import Settings, handle
from assistantsync.sandbox.location import DEFAULT_STATE_PATH
from assistantsync.sandbox.protocol import Headers, SandboxRequest
from assistantsync.sandbox.store import StateFile
from assistantsync.sandbox.traffic import Traffic


class SandboxTransport(httpx.BaseTransport):
    def __init__(self, state_path: Path = DEFAULT_STATE_PATH, settings: Settings | None = None) -> None:
        self.state = StateFile(state_path)
        self.settings = settings or Settings()
        self.traffic = Traffic()  # this process's requests only; the file holds just the assistants and agents

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raw_path, _, _ = request.url.raw_path.decode("ascii").partition("?")
        sandbox_request = SandboxRequest(
            method=request.method,
            path=raw_path,
            query=dict(request.url.params),
            headers=Headers(request.headers.items()),
            body=request.read(),
        )
        with self.state.transaction() as store:
            response = handle(store, sandbox_request, self.settings)
        self.traffic.record(sandbox_request, response.status)
        return httpx.Response(response.status, headers=response.wire_headers(), content=response.content(),
                              request=request)
