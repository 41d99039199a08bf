"""A server that echoes the key in part or in another form never gets it printed (issue 14, defect 5).

In an error: a local server answers `GET /v1/assistants` with an error quoting the bearer token it was sent,
cut by the excerpt's length, case-changed, split by a newline, or base64-encoded. The CLI runs against it
for real with OPENAI_API_KEY set to the issue's key; its error line must hold none of those forms.

In live values: an assistant whose name and description hold the key (pasted in a dashboard, or echoed by a
gateway) is planned against the served sandbox; the text plan, the Markdown plan and the saved plan show
each form of it masked.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.cli_harness import API_KEY, STEERING, Harness
from helpers.paths import EXAMPLES
from helpers.sandbox_server import ServedSandbox
from helpers.serving import in_background

from assistantsync.cli.main import cli

KEY = "sk-test-SECRET-1234567890abcdef"  # the key
Answer = Callable[[str], tuple[int, dict[str, str], str]]  # the token sent -> status, headers, body


def plain(status: int, text: Callable[[str], str]) -> Answer:
    return lambda token: (status, {"content-type": "text/plain"}, text(token))


def openai(status: int, message: Callable[[str], str]) -> Answer:
    def answer(token: str) -> tuple[int, dict[str, str], str]:
        error = {"message": message(token), "type": "invalid_request_error", "param": None, "code": None}
        return status, {"content-type": "application/json"}, json.dumps({"error": error})
    return answer


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class _Echoing(BaseHTTPRequestHandler):
    """Answers every GET with its server's `answer` to the bearer token the request carried."""

    protocol_version = "HTTP/1.1"
    server: EchoingServer

    def do_GET(self) -> None:
        token = self.headers.get("authorization", "").removeprefix("Bearer ")
        status, headers, text = self.server.answer(token)
        body = text.encode()
        self.send_response(status)
        for name, value in {**headers, "content-length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the CLI's output, not the server's."""


class EchoingServer(ThreadingHTTPServer):
    answer: Answer


@pytest.fixture
def echoing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[EchoingServer]:
    for name in STEERING:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.chdir(tmp_path)
    server = EchoingServer(("127.0.0.1", 0), _Echoing)
    with in_background(server):
        yield server


CASES = [
    # The reproduction: the old excerpt cut this body at 300 characters, then masked, and printed
    # `sk-test-SECRET-12...`.
    pytest.param(plain(400, lambda token: "x" * 282 + f" {token} was rejected"),
                 "400 Bad Request: " + "x" * 282 + " *** was rejected", id="key-straddling-the-cut"),
    pytest.param(plain(400, lambda token: "x" * 290 + f" {token} was rejected"),
                 "400 Bad Request: " + "x" * 290 + " *** was r...", id="key-straddling-the-cut-then-cut"),
    pytest.param(openai(401, lambda token: f"Incorrect API key provided: {token.lower()}."),
                 "401 Unauthorized: Incorrect API key provided: ***.; check OPENAI_API_KEY", id="lower-case"),
    pytest.param(openai(400, lambda token: f"the key {token.upper()} is not allowed"),
                 "400 Bad Request: the key *** is not allowed", id="upper-case"),
    pytest.param(plain(400, lambda token: f"the key {token[:11]}\n{token[11:]} is not allowed"),
                 "400 Bad Request: the key *** is not allowed", id="split-by-a-newline-in-text"),
    pytest.param(openai(400, lambda token: f"the key {token[:11]}\r\n  {token[11:]} is not allowed"),
                 "400 Bad Request: the key *** is not allowed", id="split-by-a-newline-in-json"),
    pytest.param(openai(400, lambda token: f"received {b64('Authorization: Bearer ' + token)}"),
                 "400 Bad Request: received QXV0aG9yaXphdGlvbjogQmVhcmVyIH***", id="base64-of-the-header"),
    pytest.param(plain(400, lambda token: f"config {b64(json.dumps({'key': token}))}"),
                 "400 Bad Request: config eyJrZXkiOiAi***J9", id="base64-of-json-holding-it"),
    pytest.param(plain(400, lambda token: "token " + base64.urlsafe_b64encode(token.encode()).decode()),
                 "400 Bad Request: token ***", id="urlsafe-base64"),
]


@pytest.mark.parametrize(("answer", "message"), CASES)
def test_an_echoed_key_in_any_covered_form_is_masked_in_the_error(echoing: EchoingServer, answer: Answer,
                                                                   message: str) -> None:
    echoing.answer = answer
    base_url = f"http://127.0.0.1:{echoing.server_address[1]}/v1"
    result = CliRunner().invoke(cli, ["plan", "--provider", "openai", "--base-url", base_url, "--max-retries", "0",
                                      str(EXAMPLES)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == f"Error: GET /v1/assistants: {message}"
    for part in (KEY[:9], KEY.lower()[:9], b64(KEY)[:12]):
        assert part not in result.output


def test_a_key_in_a_live_name_or_description_is_masked_in_every_plan(sandbox_server: ServedSandbox, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = Harness(tmp_path, sandbox_server)
    env.write("echo.yaml", "model: gpt-4o\nname: Echo\ndescription: Plain.\n")
    assert env.apply("--auto-approve").code == 0
    description = f"copied {API_KEY}; encoded {b64('Bearer ' + API_KEY)}; split {API_KEY[:9]}\n{API_KEY[9:]} end\nmore"
    env.modify(env.by_key()["echo"]["id"], name=f"Echo {API_KEY.upper()}", description=description)
    masked = "copied ***; encoded QmVhcmVyIH***; split *** end"  # then `more`, on a line of its own

    text, markdown, saved = env.plan(), env.plan("--format", "markdown"), env.plan("--out", "plan.json")
    document = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))

    assert (text.code, markdown.code, saved.code) == (0, 0, 0)
    assert '        "Echo ***" -> "Echo"' in text.out.splitlines()
    assert f"        -{masked}" in text.out.splitlines()
    assert {'- "Echo ***"', f"-{masked}"} <= set(markdown.out.splitlines())
    fields = {field["path"]: field["before"] for field in document["changes"][0]["fields"]}
    assert fields == {"name": "Echo ***", "description": masked + "\nmore"}
    for shown in (text.out, markdown.out, saved.out, json.dumps(document)):
        for part in (API_KEY[:12], API_KEY[9:], b64("Bearer " + API_KEY)[12:24]):
            assert part.casefold() not in shown.casefold()


def test_an_environment_credential_in_a_live_name_is_masked_in_every_plan(sandbox_server: ServedSandbox,
                                                                          tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A credential the connection does not use (a CI token) reaches no request, so responses keep it: every
    printed line and the saved plan are masked with each credential of the environment."""
    token = "ghp_ci0token0for0another0service0123"
    monkeypatch.setenv("GITHUB_TOKEN", token)
    monkeypatch.chdir(tmp_path)
    env = Harness(tmp_path, sandbox_server)
    env.write("echo.yaml", "model: gpt-4o\nname: Echo\n")
    assert env.apply("--auto-approve").code == 0
    env.modify(env.by_key()["echo"]["id"], name=f"Echo {token.upper()} {b64(token)}")

    text, markdown, saved = env.plan(), env.plan("--format", "markdown"), env.plan("--out", "plan.json")
    document = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))

    assert '        "Echo *** ***" -> "Echo"' in text.out.splitlines()
    assert '- "Echo *** ***"' in markdown.out.splitlines()
    assert document["changes"][0]["fields"][0]["before"] == "Echo *** ***"
    for shown in (text.out, markdown.out, saved.out, json.dumps(document)):
        assert token.casefold() not in shown.casefold() and b64(token)[:16] not in shown
