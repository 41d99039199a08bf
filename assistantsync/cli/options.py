"""The click options and arguments commands share, and the one function that builds a client.

Usage in cli.py:

    @cli.command()
    @connection_options
    def plan(**connection: Any) -> None:
        with build_client(**connection) as client: ...

Importing this module loads no httpx, so `--help` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from assistantsync.api.providers import DEFAULT_PROVIDER, PROVIDERS, resolve_connection
from assistantsync.api.redaction import remember_secrets
from assistantsync.sandbox.location import DEFAULT_STATE_PATH

if TYPE_CHECKING:
    from assistantsync.api.client import AssistantsClient

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_PATHS = (Path("assistants"),)  # what validate, plan and apply read when given no PATH
paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
no_color_option = click.option("--no-color", is_flag=True, help="Plain output even on a terminal (also: NO_COLOR).")
format_option = click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]),
                             default="text", show_default=True,
                             help="text for a terminal, markdown for a pull-request comment, json (public format).")

_OPTIONS = (
    click.option("--provider", type=click.Choice(list(PROVIDERS)), default=DEFAULT_PROVIDER, show_default=True,
                 envvar="ASSISTANTSYNC_PROVIDER", show_envvar=True,
                 help="Where the assistants live; each provider reads its credentials from the environment."),
    click.option("--base-url", envvar="ASSISTANTSYNC_BASE_URL", show_envvar=True, metavar="URL",
                 help="Replace the provider's base URL, e.g. http://127.0.0.1:8080/v1."),
    click.option("--api-version", metavar="VERSION",
                 help="Send `api-version=VERSION` on every request (Azure); overrides OPENAI_API_VERSION."),
    click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
                 help="Extra request header for any other gateway; repeatable. Auth-like values are masked."),
    click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
                 help="Seconds to wait for the server on each network operation."),
    click.option("--max-retries", type=click.IntRange(min=0), default=2, show_default=True,
                 help="Retries after a rate limit, server error or dropped connection (creates only when safe)."),
    click.option("--parallelism", type=click.IntRange(min=1), default=8, show_default=True,
                 help="Requests in flight at once."),
    click.option("--sandbox-state", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_STATE_PATH,
                 show_default=True, help="State file of --provider sandbox."),
    click.option("-v", "--verbose", is_flag=True, help="Log each request and response to stderr, credentials masked."),
)


def connection_options(command: F) -> F:
    """Add the connection options; the command receives them as keyword arguments for build_client."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def build_client(
    *,
    provider: str,
    base_url: str | None,
    api_version: str | None,
    headers: Sequence[str],
    timeout: float,
    max_retries: int,
    parallelism: int,
    sandbox_state: Path,
    verbose: bool,
    env: Mapping[str, str] = os.environ,
) -> AssistantsClient:
    """A client for the chosen provider; raises MissingCredentials (naming the variables) before any request."""
    settings, transport = resolve_connection(
        provider,
        env,
        base_url=base_url,
        api_version=api_version,
        extra_headers=headers,
        timeout=timeout,
        max_retries=max_retries,
        parallelism=parallelism,
        sandbox_state=sandbox_state,
    )
    remember_secrets(settings.secrets)  # for the traceback of a crash (cli.main), which no client scrubs
    from assistantsync.api.client import AssistantsClient  # after option parsing: see sync_commands._AFTER_VALIDATION
    from assistantsync.kinds.assistant import ASSISTANT

    return AssistantsClient(settings, kind=ASSISTANT, transport=transport, log=_to_stderr if verbose else None)


def _to_stderr(line: str) -> None:
    click.echo(line, err=True)
