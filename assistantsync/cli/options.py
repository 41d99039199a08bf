"""The click options and arguments commands share: the connection options, PATHS and its default, --no-color
and --format.

Usage:

    @click.command()
    @connection_options
    def plan(**connection: Any) -> None:
        with build_client(**connection) as client: ...  # api/connect.py

Importing this module loads no httpx, so `--help` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistantsync.api.connection import DEFAULT_MAX_RESPONSE_MIB
from assistantsync.api.providers import DEFAULT_PROVIDER, PROVIDERS
from assistantsync.sandbox.location import DEFAULT_STATE_PATH

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
                 help="Seconds each request may take in all: connecting, sending and reading the whole answer. "
                      "Each retry gets as long again."),
    click.option("--max-retries", type=click.IntRange(min=0), default=2, show_default=True,
                 help="Retries after a rate limit, server error or dropped connection (creates only when safe)."),
    click.option("--parallelism", type=click.IntRange(min=1), default=8, show_default=True,
                 help="Requests in flight at once."),
    click.option("--max-response-mib", type=click.IntRange(min=1), default=DEFAULT_MAX_RESPONSE_MIB,
                 show_default=True, envvar="ASSISTANTSYNC_MAX_RESPONSE_MIB", show_envvar=True, metavar="MIB",
                 help="Refuse a response larger than this once decompressed (MiB)."),
    click.option("--sandbox-state", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_STATE_PATH,
                 show_default=True, help="State file of --provider sandbox."),
    click.option("-v", "--verbose", is_flag=True, help="Log each request and response to stderr, credentials masked."),
)


def connection_options(command: F) -> F:
    """Add the connection options; the command receives them as keyword arguments for build_client."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command
