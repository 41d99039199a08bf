"""Run the sandbox server as a real subprocess and drive its control endpoints.

`serve_sandbox()` starts `python -m assistantsync.sandbox serve --port 0`, reads the base URL
from its first stdout line, and stops the process on exit. The handle's methods wrap
`/__sandbox/...` (faults, auth, stats, request log, reset) with httpx, sending the key in force (as
every auth style's credential) since the control endpoints demand what the API demands.
`wait_until` polls for what a test waits on (a request still on its way, a line a process prints).
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from assistantsync.plan.reserved import IDENTITY_KEY
from helpers.sandbox_checks import check_httpx_response

START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
WAIT_SECONDS = 30  # a guard against a hang, never a timing
BETA_HEADERS = {"OpenAI-Beta": "assistants=v2"}
AUTH_KEY_ENV = "ASSISTANTSYNC_SANDBOX_AUTH_KEY"
ANY_CREDENTIAL = "sandbox-control"  # what passes when the policy demands a credential but no set key


@dataclass
class ServedSandbox:
    """A running sandbox: `base_url` ends in /v1 (what SDKs take); `origin` is scheme://host:port."""

    process: subprocess.Popen[bytes]
    base_url: str
    _control: httpx.Client = field(repr=False)
    _start_up_key: str | None = field(default=None, repr=False)  # what `reset` brings back
    _key: str | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._key = self._start_up_key

    @property
    def origin(self) -> str:
        return self.base_url.removesuffix("/v1")

    def api(self, **headers: str) -> httpx.Client:
        """An httpx client on the API base URL with the beta header set; every response it gets is
        checked against the response schemas (close it, or use `with`)."""
        return httpx.Client(base_url=self.base_url, headers={**BETA_HEADERS, **headers}, timeout=10,
                            event_hooks={"response": [check_httpx_response]})

    def set_faults(self, *rules: Mapping[str, Any], latency_ms: int = 0) -> dict[str, Any]:
        """Replace the fault plan, e.g. `set_faults({"kind": "rate_limit", "times": 1})`."""
        return self._call("POST", "/faults", {"latency_ms": latency_ms, "rules": [dict(r) for r in rules]})

    def faults(self) -> dict[str, Any]:
        return self._call("GET", "/faults")

    def set_auth(self, style: str, key: str | None = None) -> dict[str, Any]:
        """Sent with the key in force before; later control calls send `key`."""
        answer = self._call("POST", "/auth", {"style": style, "key": key})
        self._key = key or None
        return answer

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/stats")

    def count(self, method: str, route: str) -> int:
        """Requests seen for e.g. ("POST", "/assistants") or ("GET", "/assistants/{assistant_id}")."""
        return int(self.stats()["requests"].get(f"{method} {route}", 0))

    def requests(self) -> list[dict[str, Any]]:
        """The recent request log, oldest first: method, path, route, query, headers, body, status, fault."""
        data = self._call("GET", "/requests")["data"]
        assert isinstance(data, list)
        return data

    def state(self) -> dict[str, Any]:
        """The store as saved, write-only fields (reasoning_effort) included."""
        return self._call("GET", "/state")

    def reset(self) -> None:
        self._call("POST", "/reset")
        self._key = self._start_up_key

    def control_headers(self) -> dict[str, str]:
        """Credentials for the control endpoints that satisfy every auth style with the key in force."""
        secret = self._key or ANY_CREDENTIAL
        return {"Authorization": f"Bearer {secret}", "x-portkey-api-key": secret,
                "x-portkey-virtual-key": ANY_CREDENTIAL, "api-key": secret}

    def identity_keys(self) -> list[str]:
        """The identity key of every stored assistant, one entry per assistant (duplicates stay visible)."""
        return sorted(str(item["assistant"]["metadata"].get(IDENTITY_KEY)) for item in self.state()["assistants"])

    def wait_for_requests(self, total: int) -> None:
        """Until the sandbox has seen `total` requests: one a client gave up on may still be on its way."""
        wait_until(lambda: self.stats()["total"] >= total, f"the sandbox to see {total} requests")

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self._control.request(method, f"/__sandbox{path}", json=body, headers=self.control_headers())
        response.raise_for_status()
        data = response.json()
        assert isinstance(data, dict)
        return data


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


@contextmanager
def serve_sandbox(*options: str, env: Mapping[str, str] | None = None) -> Iterator[ServedSandbox]:
    """Start the server with extra `serve` options (e.g. "--auth", "openai") and environment variables;
    stop it (SIGTERM) afterwards."""
    command = [sys.executable, "-m", "assistantsync.sandbox", "serve", "--port", "0", *options]
    environment = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                                   env=environment)
        try:
            base_url = _first_line(process, stderr)
            with httpx.Client(base_url=base_url.removesuffix("/v1"), timeout=10) as control:
                yield ServedSandbox(process, base_url, control, _key_at_start_up(options, environment))
        finally:
            _stop(process)


def _key_at_start_up(options: tuple[str, ...], environment: Mapping[str, str]) -> str | None:
    """The key `serve` takes from these options and environment, as click reads them."""
    key = environment.get(AUTH_KEY_ENV)
    for index, option in enumerate(options):
        if option == "--auth-key" and index + 1 < len(options):
            key = options[index + 1]
        elif option.startswith("--auth-key="):
            key = option.partition("=")[2]
    return key or None


def _first_line(process: subprocess.Popen[bytes], stderr: Any) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:  # readline alone could wait forever on a hung server
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=START_TIMEOUT_SECONDS)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line.startswith("http://"):
        _stop(process)
        stderr.seek(0)
        raise RuntimeError(f"sandbox did not start (got {line!r}): {stderr.read().decode(errors='replace')}")
    return line


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()
