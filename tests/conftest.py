"""Shared fixtures. The sandbox ones: a served sandbox (one subprocess per session, reset per test)
and an embedded one (an httpx transport on a state file in tmp_path).

Every test also runs under `leak_check` (autouse, see leakcheck.py): fake credentials in the environment,
and a failure when one of them reaches CLI output, a traceback, a log record or a file under tmp_path.
Subprocess-based tests check what the process printed with `leakcheck.assert_no_secrets`; a test that
shows a key on purpose opts out with `@pytest.mark.prints_secrets(reason=...)`."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.leakcheck import leak_check, pytest_configure, pytest_runtest_makereport
from helpers.sandbox_server import ServedSandbox, serve_sandbox

from assistantsync.sandbox.embedded import SandboxTransport

__all__ = ["leak_check", "no_ci_revision", "pytest_configure", "pytest_runtest_makereport", "sandbox_server",
           "sandbox_server_session",
           "sandbox_transport"]


@pytest.fixture(autouse=True)
def no_ci_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI's own commit (GITHUB_SHA, CI_COMMIT_SHA) would go into every agent record the tests write."""
    for name in ("GITHUB_SHA", "CI_COMMIT_SHA"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def sandbox_server_session() -> Iterator[ServedSandbox]:
    """The one sandbox server process of this test session; prefer `sandbox_server`, which resets it."""
    with serve_sandbox() as served:
        yield served


@pytest.fixture
def sandbox_server(sandbox_server_session: ServedSandbox) -> ServedSandbox:
    """A served sandbox with no assistants, no traffic, no faults and no auth demanded."""
    sandbox_server_session.reset()
    return sandbox_server_session


@pytest.fixture
def sandbox_transport(tmp_path: Path) -> SandboxTransport:
    """An embedded sandbox: `httpx.Client(transport=sandbox_transport, base_url=location.BASE_URL)`."""
    return SandboxTransport(tmp_path / "sandbox.json")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a connection or resolve a name."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
