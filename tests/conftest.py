"""Shared fixtures. The sandbox ones: a served sandbox (one subprocess per session, reset per test)
and an embedded one (an httpx transport on a state file in tmp_path)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_server import ServedSandbox, serve_sandbox

from assistantsync.sandbox.embedded import SandboxTransport


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
    """An embedded sandbox: `httpx.Client(transport=sandbox_transport, base_url=embedded.BASE_URL)`."""
    return SandboxTransport(tmp_path / "sandbox.json")
