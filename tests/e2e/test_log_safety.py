"""No line the CLI prints is a GitHub workflow command or hides what it says, whatever files, live objects and
servers put in their text (issue 14, defects 2 and 7).

Every command runs for real (CliRunner) against the embedded sandbox, seeded with hostile live assistants, or
against a fake server whose live assistants have hostile ids and whose every write fails with a hostile
message. A line must not start with `::` once leading whitespace is trimmed, must not hold `##[`, and must not
hold a control, format, surrogate or line-separator character: GitHub's runner reads the first two as
commands, and the others split, erase or reorder what a reviewer reads.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV
from helpers.serving import in_background
from helpers.tree import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistantsync.cli.main import cli
from assistantsync.plan.reserved import IDENTITY_KEY
from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL

HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
PARTS = ("::add-mask::x", "::error file=a::b", "##[error]", "\x1b[2J", "\x1b]0;t\x07", "\u202e", "\u2028", "\r",
         "\x00", "\x85", "\u200b", "\n", "\n  ", "\t", " ", "\u3000", "a", "::", "##", "[", "`", "<b>")
hostile = st.lists(st.sampled_from(PARTS), min_size=1, max_size=8).map("".join)


def assert_log_safe(text: str) -> None:
    for line in text.split("\n"):
        assert not line.lstrip().startswith("::"), line
        assert "##[" not in line, line
        assert not [char for char in line if unicodedata.category(char) in HIDDEN], line


class HostileServer(ThreadingHTTPServer):
    """Lists two live assistants (one managed as `bot`, one with `text` for id, name, key and metadata) and
    answers every write, and every request while `failing`, with a 400 whose message is `text`."""

    text = ""
    failing = False


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        text, failing = cast(HostileServer, self.server).text, cast(HostileServer, self.server).failing
        if failing:
            return self._send(400, {"error": {"message": text, "type": "invalid_request_error", "code": None}})
        live = [live_assistant("asst_1", "bot", text), live_assistant(f"asst_{text}", text, text)]
        if self.path.startswith("/v1/assistants/"):
            return self._send(200, live[1])
        return self._send(200, {"object": "list", "data": live, "first_id": "asst_1", "last_id": "asst_1",
                                "has_more": False})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        message = cast(HostileServer, self.server).text
        self._send(400, {"error": {"message": message, "type": "invalid_request_error"}})

    do_DELETE = do_POST

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        # The reason phrase too, as far as HTTP lets it through (-v logs it): its printable ASCII.
        text = cast(HostileServer, self.server).text
        self.send_response(status, None if status == 200 else "".join(c for c in text if " " <= c <= "~") or "Bad")
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the CLI's output."""


def written(key: str, text: str) -> dict[str, Any]:
    """What a dashboard could write: `text` in every free-text field and in metadata."""
    return {"model": "gpt-4o", "name": text, "description": text, "instructions": f"Keep this.\n{text}\nAnd this.\n",
            "metadata": {IDENTITY_KEY: key, "note": text}}


def live_assistant(assistant_id: str, key: str, text: str) -> dict[str, Any]:
    return {"id": assistant_id, "object": "assistant", "created_at": 1, "tools": [], "top_p": 1.0, "temperature": 1.0,
            "tool_resources": {}, "response_format": "auto", **written(key, text)}


@pytest.fixture(scope="module")
def fake_server() -> Iterator[HostileServer]:
    server = HostileServer(("127.0.0.1", 0), _Hostile)
    with in_background(server):
        yield server


def url(server: HostileServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/v1"


def run(*args: str) -> str:
    """stdout and stderr of one command, each checked line by line."""
    result = CliRunner().invoke(cli, list(args), env=CLEAN_ENV, catch_exceptions=False)
    assert_log_safe(result.stdout)
    assert_log_safe(result.stderr)
    return result.stdout + result.stderr


def seed(state: Path, live: Sequence[dict[str, Any]]) -> None:
    headers = {"OpenAI-Beta": "assistants=v2", "Authorization": "Bearer sandbox"}
    with httpx.Client(transport=SandboxTransport(state), base_url=BASE_URL, headers=headers) as api:
        for body in live:
            assert api.post("/assistants", json={"model": "gpt-4o", **body}).status_code == 200


def every_command(root: Path, server: HostileServer) -> None:
    folder, state, saved = str(root / "assistants"), str(root / "state.json"), str(root / "plan.json")
    sandbox = ("--provider", "sandbox", "--sandbox-state", state)
    fake = ("--provider", "openai", "--base-url", url(server), "--max-retries", "0")
    run("validate", str(root / "bad"))
    run("validate", folder)
    for output_format in ("text", "markdown"):
        run("plan", folder, *sandbox, "--prune", "--format", output_format)
    as_json = CliRunner().invoke(cli, ["plan", folder, *sandbox, "--prune", "--format", "json", "--out", saved],
                                 env=CLEAN_ENV, catch_exceptions=False)
    assert_log_safe(as_json.stdout)
    assert_log_safe(as_json.stderr)
    if Path(saved).exists():
        assert json.loads(as_json.stdout) == json.loads(Path(saved).read_text(encoding="utf-8"))
        for output_format in ("text", "markdown", "json"):
            run("show", saved, "--format", output_format)
    run("apply", folder, *sandbox, "--prune", "--auto-approve", "-v")
    run("import", "--all", "--out", str(root / "imported"), *sandbox)
    run("plan", folder, *fake, "--prune", "-v")
    run("apply", folder, *fake, "--prune", "--auto-approve", "-v")
    run("import", "--all", "--out", str(root / "imported-fake"), *fake)
    server.failing = True
    try:
        run("plan", folder, *fake)
    finally:
        server.failing = False


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile)
def test_no_command_prints_a_workflow_command_or_a_hidden_character(fake_server: HostileServer,
                                                                    text: str) -> None:
    fake_server.text, fake_server.failing = text, False
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "bad" / f"{text.replace('/', '').replace(chr(0), '')[:60] or 'x'}.yaml",
              f"model: gpt-4o\n{json.dumps(text)}: 1\n")
        write(root / "assistants" / "bot.yaml",
              f"model: gpt-4o\nname: {json.dumps(text)}\ninstructions_file: prompt.md\n")
        write(root / "assistants" / "prompt.md", f"Be helpful.\n{text}\nAnd brief.\n")
        seed(root / "state.json", [written("bot", text) | {"instructions": f"Be helpful.\n{text}\n"},
                                   written(text, text)])
        every_command(root, fake_server)


# The reproductions the issue describes, each as it printed a command or a hidden character before.
PROMPT = "model: gpt-4o\ninstructions_file: prompt.md\n"
OTHER = {"other.yaml": "model: gpt-4o\n"}  # --prune needs a file
ISSUE_CASES = [  # (files, live assistants, command, what the output shows instead)
    ({"bot.yaml": PROMPT, "prompt.md": "Plan the work.\n::add-mask::Plan\n"}, [], ("plan",),
     "      \\::add-mask::Plan"),
    ({"bot.yaml": PROMPT, "prompt.md": "a\n::stop-commands::tok\nc, changed\n"},
     [{"instructions": "a\n::stop-commands::tok\nc\n", "metadata": {IDENTITY_KEY: "bot"}}], ("plan",),
     "     \\::stop-commands::tok"),
    ({"bot.yaml": "model: gpt-4o\n\"##[error]forged annotation\": 1\n"}, [], ("validate",),
     "##\\[error]forged annotation"),
    (OTHER, [{"metadata": {IDENTITY_KEY: "k\n::error title=forged::owned"}}], ("plan", "--prune"),
     "k\\n::error title=forged::owned"),
    (OTHER, [{"metadata": {IDENTITY_KEY: "wipe\x1b[2J\x1b[H"}}], ("plan", "--prune"), "wipe\\x1b[2J\\x1b[H"),
    (OTHER, [{"metadata": {IDENTITY_KEY: "evil\u202etxt.exe"}}], ("plan", "--prune", "--format", "markdown"),
     "<code>evil\\u202etxt.exe</code>"),
]


@pytest.mark.parametrize(("files", "live", "command", "neutralised"), ISSUE_CASES,
                         ids=["created-prompt-line", "diff-context-line", "unknown-field", "live-key-newline",
                              "live-key-clear-screen", "live-key-rlo-in-summary"])
def test_the_issues_reproductions_print_neutralised(tmp_path: Path, files: dict[str, str],
                                                    live: list[dict[str, Any]], command: tuple[str, ...],
                                                    neutralised: str) -> None:
    for name, content in files.items():
        write(tmp_path / "assistants" / name, content)
    (tmp_path / "assistants").mkdir(exist_ok=True)
    seed(tmp_path / "state.json", live)
    name, *rest = command
    sandbox = ("--provider", "sandbox", "--sandbox-state", str(tmp_path / "state.json"))
    connection = () if name == "validate" else sandbox
    assert neutralised in run(name, str(tmp_path / "assistants"), *connection, *rest)


def test_a_server_error_message_cannot_forge_an_error_line(fake_server: HostileServer, tmp_path: Path) -> None:
    fake_server.text, fake_server.failing = "no\n::error title=forged::owned ##[error]x", True
    write(tmp_path / "bot.yaml", "model: gpt-4o\n")  # a folder with no file is refused before any request
    try:
        printed = run("plan", str(tmp_path), "--provider", "openai", "--base-url", url(fake_server), "-v")
    finally:
        fake_server.failing = False
    assert "400 no::error title=forged::owned ##\\[error]x in " in printed  # the -v line, with the reason phrase
    assert "no\\n::error title=forged::owned ##\\[error]x" in printed
