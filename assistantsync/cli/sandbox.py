"""`sandbox serve`: run the local Assistants API stand-in until SIGINT or SIGTERM.

Only click and the sandbox's constants (location.py) are imported at module level, so adding this group to
the main CLI costs nothing at start-up; the server is imported when `serve` runs.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from assistantsync.sandbox.location import DEFAULT_HOST

AUTH_STYLE_NAMES = ("none", "openai", "portkey", "azure-openai", "azure-foundry")  # = auth.AUTH_STYLES
AUTH_KEY_ENV = "ASSISTANTSYNC_SANDBOX_AUTH_KEY"


@click.group(short_help="A local stand-in API (assistants, agents) for tests and dry runs.")
def sandbox() -> None:
    """A local, faithful stand-in for the Assistants API (v2), for tests and dry runs."""


@sandbox.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind.")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--state", "state_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Load assistants from this JSON file and save them to it after every write.")
@click.option("--latency-ms", default=0, show_default=True, type=click.IntRange(0, 60_000),
              help="Delay every API request by this many milliseconds.")
@click.option("--rate-limit-every", type=click.IntRange(1), help="Answer every Nth API request with a 429.")
@click.option("--retry-after-ms", default=1000, show_default=True, type=click.IntRange(0),
              help="The 429's retry-after-ms (retry-after is the same, rounded up to whole seconds).")
@click.option("--error-every", type=click.IntRange(1), help="Answer every Nth API request with a 5xx.")
@click.option("--error-status", default=500, show_default=True, type=click.IntRange(500, 599),
              help="The status --error-every answers with.")
@click.option("--drop-after-write-every", type=click.IntRange(1),
              help="Apply every Nth successful write, then close the connection without a response.")
@click.option("--drop-before-every", type=click.IntRange(1),
              help="Close the connection on every Nth API request without handling it.")
@click.option("--auth", "auth_style", default="none", show_default=True, type=click.Choice(AUTH_STYLE_NAMES),
              help="The credentials to demand, as that provider would, on the control endpoints too.")
@click.option("--auth-key", envvar=AUTH_KEY_ENV, show_envvar=True,
              help="The one secret to accept; without it any non-empty credential passes.")
def serve(
    host: str,
    port: int,
    state_path: Path | None,
    latency_ms: int,
    rate_limit_every: int | None,
    retry_after_ms: int,
    error_every: int | None,
    error_status: int,
    drop_after_write_every: int | None,
    drop_before_every: int | None,
    auth_style: str,
    auth_key: str | None,
) -> None:
    """Serve the sandbox until SIGINT or SIGTERM.

    The first line on stdout is the base URL to give clients, such as http://127.0.0.1:53121/v1.
    """
    from assistantsync.cli.output import emit
    from assistantsync.sandbox.app import SandboxApp
    from assistantsync.sandbox.auth import AuthPolicy
    from assistantsync.sandbox.core import Settings
    from assistantsync.sandbox.faults import FaultPlan, FaultRule
    from assistantsync.sandbox.server import SandboxServer
    from assistantsync.sandbox.store import StateFile

    rules = [
        FaultRule("drop_before", every=drop_before_every) if drop_before_every else None,
        FaultRule("rate_limit", every=rate_limit_every, retry_after_ms=retry_after_ms) if rate_limit_every else None,
        FaultRule("server_error", every=error_every, status=error_status) if error_every else None,
        FaultRule("drop_after_write", every=drop_after_write_every) if drop_after_write_every else None,
    ]
    app = SandboxApp(
        Settings(auth=AuthPolicy.parse(auth_style, auth_key)),
        FaultPlan(latency_ms, [rule for rule in rules if rule is not None]),
        StateFile(state_path) if state_path else None,
    )
    try:
        server = SandboxServer(app, host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever() to return, so it must run off this (the serving) thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    emit(server.base_url)  # the first line of stdout: launchers read it to find the port
    click.get_text_stream("stdout").flush()
    try:
        server.serve_forever()
    finally:
        server.server_close()
