"""Credentials never reach output on the paths where they most easily could: a crash's traceback, click's
own error messages, and 401s with --verbose on every command that talks to the API.

The autouse leak check (conftest) already fails any test whose CLI output, logs or files hold one of the
fake credentials it puts in the environment; these tests make sure those paths are actually taken.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner
from helpers.cli_harness import STEERING
from helpers.leakcheck import assert_no_secrets
from helpers.paths import EXAMPLES as EXAMPLES_DIR
from helpers.sandbox_server import ServedSandbox
from helpers.serving import in_background

from assistantsync.api.redaction import MASK, redact
from assistantsync.cli.main import BUG_NOTE, cli, main, report_crash

EXAMPLES = EXAMPLES_DIR
HEADER_TOKEN = "hdr-token-0a1b2c3d4e"  # sent as `--header 'Authorization: Bearer …'`: a secret from no variable


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in STEERING:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)


def crashing_list_all(self: Any) -> NoReturn:
    """A bug whose message quotes credentials, as a careless f-string over a request or os.environ would."""
    raise RuntimeError(f"boom {os.environ['OPENAI_API_KEY']} {os.environ['AZURE_AI_TOKEN']} {HEADER_TOKEN}")


# --- a crash: the traceback stays, the credentials go -------------------------------------------

def test_an_unexpected_error_prints_its_traceback_with_every_credential_masked(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setattr("assistantsync.api.client.ResourceClient.list_all", crashing_list_all)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs its own: undone after the test
    monkeypatch.setattr(sys, "argv", ["assistantsync", "plan", "--provider", "sandbox", "--sandbox-state",
                                      str(tmp_path / "state.json"), "--header", f"Authorization: Bearer {HEADER_TOKEN}",
                                      str(EXAMPLES)])
    with pytest.raises(RuntimeError) as raised:
        main()
    assert sys.excepthook is report_crash
    sys.excepthook(raised.type, raised.value, raised.tb)  # what the interpreter does with an uncaught error
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n")
    assert 'in crashing_list_all\n    raise RuntimeError(f"boom' in err  # the frames stay: debuggable
    assert f"RuntimeError: boom {MASK} {MASK} {MASK}\n" in err
    assert err.endswith(BUG_NOTE + "\n")
    assert HEADER_TOKEN not in err
    assert_no_secrets(err)


def test_a_crash_in_a_real_process_exits_1_with_the_traceback_masked(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, sys
        import assistantsync.api.client

        def crashing_list_all(self):
            raise RuntimeError("boom " + os.environ["OPENAI_API_KEY"] + " " + os.environ["PORTKEY_API_KEY"]
                               + " {HEADER_TOKEN}")

        assistantsync.api.client.ResourceClient.list_all = crashing_list_all
        from assistantsync.cli.main import main
        main()
    """)
    command = [sys.executable, "-c", script, "plan", "--provider", "sandbox", "--sandbox-state",
               str(tmp_path / "state.json"), "--header", f"Authorization: Bearer {HEADER_TOKEN}", str(EXAMPLES)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert f"RuntimeError: boom {MASK} {MASK} {MASK}\n" in done.stderr and done.stderr.endswith(BUG_NOTE + "\n")
    assert HEADER_TOKEN not in done.stderr
    assert_no_secrets(done.stdout, done.stderr)


def test_a_keyboard_interrupt_outside_a_command_is_not_called_a_bug(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        raise KeyboardInterrupt(os.environ["OPENAI_API_KEY"])
    except KeyboardInterrupt as error:
        report_crash(KeyboardInterrupt, error, error.__traceback__)
    err = capsys.readouterr().err
    assert err.endswith(f"KeyboardInterrupt: {MASK}\n") and BUG_NOTE not in err


def test_a_key_given_to_the_wrong_option_is_masked_in_clicks_own_error(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(sys, "argv", ["assistantsync", "plan", "--provider", os.environ["OPENAI_API_KEY"]])
    with pytest.raises(SystemExit) as exited:
        main()
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert "Error: Invalid value for '--provider'" in err and f": '{MASK}' is not one of 'openai'," in err
    assert_no_secrets(err)


def test_a_bearer_header_value_masks_its_token_alone_too() -> None:
    """A server echoes the token it was sent, without the `Bearer ` in front of it."""
    assert redact(f"Incorrect API key provided: {HEADER_TOKEN}.", [f"Bearer {HEADER_TOKEN}"]) == (
        f"Incorrect API key provided: {MASK}.")
    assert redact("a bearer of news", ["Bearer x"]) == "a bearer of news"  # too short to be a credential


# --- a 401 with --verbose, on every command and provider ------------------------------------------

# provider -> (the sandbox's auth style, connection options, the hint the error ends with, a masked header logged)
PROVIDERS = {
    "openai": ("openai", ["--base-url", "{origin}/v1"], "check OPENAI_API_KEY", "authorization: ***"),
    "azure-openai": ("azure-openai", ["--base-url", "{origin}/openai", "--api-version", "2024-05-01-preview"],
                     "check AZURE_OPENAI_API_KEY", "api-key: ***"),
    "azure-foundry": ("azure-foundry", ["--base-url", "{origin}/api/projects/demo"], "check AZURE_AI_TOKEN",
                      "authorization: ***"),
    "portkey": ("portkey", ["--base-url", "{origin}/v1"], "check PORTKEY_API_KEY and PORTKEY_VIRTUAL_KEY",
                "x-portkey-api-key: ***"),
}
COMMANDS = {
    "plan": ["plan", str(EXAMPLES)],
    "apply": ["apply", "--auto-approve", str(EXAMPLES)],
    "import": ["import", "--all", "--out", "imported"],
}
# `plan --provider openai` is covered by test_client_served.py's wrong-key CLI test.
CASES = [(provider, command) for provider in PROVIDERS for command in COMMANDS
         if (provider, command) != ("openai", "plan")]


@pytest.mark.parametrize(("provider", "command"), CASES)
def test_a_wrong_key_fails_every_command_naming_the_variable_and_never_the_key(
        sandbox_server: ServedSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, provider: str,
        command: str) -> None:
    style, options, hint, masked = PROVIDERS[provider]
    monkeypatch.delenv("PORTKEY_CONFIG")  # portkey takes one route: the fake PORTKEY_VIRTUAL_KEY
    sandbox_server.set_auth(style, "the-right-key-0123")  # the environment holds only wrong (fake) keys
    name, *rest = COMMANDS[command]
    connection = ["--provider", provider, *(o.replace("{origin}", sandbox_server.origin) for o in options), "-v"]
    result = CliRunner().invoke(cli, [name, *connection, *rest], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    logged = result.stderr.splitlines()
    assert logged[0].startswith("-> GET ") and logged[0].endswith(masked), logged[0]
    assert " 401 Unauthorized in " in logged[1]
    assert logged[-1].startswith("Error: GET ") and logged[-1].endswith(f"; {hint}")
    assert [(r["method"], r["status"]) for r in sandbox_server.requests()] == [("GET", 401)]  # nothing written
    assert not (tmp_path / "imported").exists()


def test_a_saved_plan_applied_with_a_wrong_key_fails_before_writing(sandbox_server: ServedSandbox,
                                                                    tmp_path: Path) -> None:
    connection = ["--provider", "openai", "--base-url", sandbox_server.base_url]
    planned = CliRunner().invoke(cli, ["plan", *connection, "--out", "plan.json", str(EXAMPLES)])
    assert planned.exit_code == 0, planned.output
    sandbox_server.set_auth("openai", "the-right-key-0123")
    result = CliRunner().invoke(cli, ["apply", *connection, "-v", "--plan", "plan.json", "--auto-approve"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1].endswith("; check OPENAI_API_KEY")
    assert all(r["method"] == "GET" for r in sandbox_server.requests())
    # The saved plan (scanned by the leak check after the test) holds no credential either.
    assert (tmp_path / "plan.json").stat().st_size > 0


class _Forbidding(BaseHTTPRequestHandler):
    """A gateway answering 403 and quoting the credentials it was sent, in its body and a header."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        presented = ", ".join(f"{name}={value}" for name, value in self.headers.items()
                              if name.lower() in ("authorization", "api-key", "x-portkey-api-key"))
        body = json.dumps({"error": {"message": f"The key {presented} may not list assistants.",
                                     "type": "permission_error", "param": None, "code": None}}).encode()
        self.send_response(403)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.send_header("x-request-id", f"req_{presented}")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the CLI's output, not the server's."""


@pytest.fixture
def forbidding() -> Iterator[str]:
    """The base URL (ending in /v1) of a local server that answers every request with a 403."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Forbidding)
    with in_background(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_403_that_quotes_the_key_back_is_masked_in_the_error_and_the_verbose_log(forbidding: str,
                                                                                   command: str) -> None:
    name, *rest = COMMANDS[command]
    result = CliRunner().invoke(cli, [name, "--provider", "openai", "--base-url", forbidding, "-v", *rest],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    logged = result.stderr.splitlines()
    assert logged[0].endswith("authorization: ***") and " 403 Forbidden in " in logged[1]
    assert logged[-1] == (f"Error: GET /v1/assistants: 403 Forbidden: The key Authorization=Bearer {MASK} may not "
                          f"list assistants. (request id req_Authorization=Bearer {MASK}); check OPENAI_API_KEY")
