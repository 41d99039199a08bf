"""connection_options + build_client: what a command receives and the client it builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from assistantsync.api.client import ResourceClient
from assistantsync.api.connect import build_client
from assistantsync.cli.main import cli
from assistantsync.cli.options import connection_options

KEY = "sk-test-LEAKCHECK-1234567890"


def command_capturing(built: list[ResourceClient], env: dict[str, str], action: str = "") -> click.Command:
    @click.command()
    @connection_options
    def command(**connection: Any) -> None:
        with build_client(**connection, env=env) as client:
            built.append(client)
            if action == "list":
                click.echo(str(len(client.list_all())))

    return command


def test_defaults_build_an_openai_client() -> None:
    built: list[ResourceClient] = []
    result = CliRunner().invoke(command_capturing(built, {"OPENAI_API_KEY": KEY}), [], env={})
    assert result.exit_code == 0, result.output
    settings = built[0].settings
    assert (settings.base_url, settings.timeout, settings.max_retries, settings.parallelism) == (
        "https://api.openai.com/v1", 60.0, 2, 8)


def test_options_and_their_environment_variables_reach_the_settings() -> None:
    built: list[ResourceClient] = []
    args = ["--api-version", "v1", "--header", "X-Trace: t", "--timeout", "5", "--max-retries", "0",
            "--parallelism", "2"]
    env = {"ASSISTANTSYNC_PROVIDER": "openai", "ASSISTANTSYNC_BASE_URL": "http://127.0.0.1:9/v1"}
    result = CliRunner().invoke(command_capturing(built, {"OPENAI_API_KEY": KEY}), args, env=env)
    assert result.exit_code == 0, result.output
    settings = built[0].settings
    assert settings.base_url == "http://127.0.0.1:9/v1"
    assert settings.params == {"api-version": "v1"}
    assert settings.headers["X-Trace"] == "t"
    assert (settings.timeout, settings.max_retries, settings.parallelism) == (5.0, 0, 2)


@pytest.mark.parametrize("args", [["--parallelism", "0"], ["--max-retries", "-1"], ["--timeout", "0"],
                                  ["--provider", "nope"]])
def test_out_of_range_values_are_usage_errors(args: list[str]) -> None:
    result = CliRunner().invoke(command_capturing([], {"OPENAI_API_KEY": KEY}), args, env={})
    assert result.exit_code == 2


def test_missing_credentials_fail_before_any_request(tmp_path: Path) -> None:
    unset: dict[str, str | None] = {name: None for name in ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY",
                                                            "OPENAI_API_VERSION", "ASSISTANTSYNC_BASE_URL")}
    args = ["import", "--all", "--out", str(tmp_path), "--provider", "azure-openai"]
    result = CliRunner().invoke(cli, args, env=unset)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: Missing credentials for --provider azure-openai: set AZURE_OPENAI_ENDPOINT (or --base-url), "
        "AZURE_OPENAI_API_KEY and OPENAI_API_VERSION (or --api-version)"
    )


def test_verbose_logs_requests_to_stderr(tmp_path: Path) -> None:
    built: list[ResourceClient] = []
    command = command_capturing(built, {}, action="list")
    args = ["--provider", "sandbox", "--sandbox-state", str(tmp_path / "state.json"), "-v"]
    result = CliRunner().invoke(command, args, env={})
    assert result.exit_code == 0, result.output
    assert result.stdout == "0\n"
    assert result.stderr.startswith("-> GET /v1/assistants (attempt 1/3) ")
    assert "<- GET /v1/assistants (attempt 1/3) 200 OK in " in result.stderr
