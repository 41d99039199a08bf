"""`plan --format markdown` prints a whole comment whatever happens, headed by the outcome, with exit codes
unchanged (issue 16, point 2): the real CLI on the embedded sandbox, and the real entry point against a loopback
port with nothing listening. A CI recipe posts stdout as the pull request's one comment, found by its marker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import API_KEY, CLEAN_ENV
from helpers.leakcheck import assert_no_secrets
from helpers.tree import write

from assistantsync.cli.main import cli
from assistantsync.render.markdown import MARKER
from assistantsync.render.markdown_failure import CREDENTIALS_FIX, FILES_FIX, MAX_LINE_CHARS, UNREACHABLE_FIX

HEAD = f"{MARKER}\n### assistantsync plan: "
GOOD = "model: gpt-4o\nname: Good\n"
MISSING = "id: asst_doesnotexist\nmodel: gpt-4o\nname: Pinned\n"
HOSTILE = 'model: gpt-4o\n"::error::@someone</details><!--": 1\ntemperature: 9\n'
ALLOWED = ("description, id, instructions, instructions_file, key, metadata, model, name, reasoning_effort, "
           "response_format, temperature, tool_resources, tools, top_p")


def plan(root: Path, *args: str, env: dict[str, str | None] = CLEAN_ENV) -> tuple[int, str, str]:
    """`plan --provider sandbox ... --format markdown ARGS files` from `root`."""
    state = ["--provider", "sandbox", "--sandbox-state", str(root / "state.json")]
    result = CliRunner().invoke(cli, ["plan", *state, "--format", "markdown", *args, str(root / "files")], env=env,
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def files(root: Path, **texts: str) -> Path:
    for name, text in texts.items():
        write(root / "files" / f"{name}.yaml", text)
    return root


def test_invalid_files_list_each_problem_exactly_as_validate_does(tmp_path: Path) -> None:
    root = files(tmp_path, good=GOOD, bad="model: 5\n", hostile=HOSTILE)
    code, out, err = plan(root)
    at = f"{root}/files"
    assert code == 1
    assert out == (
        f"{HEAD}failed: 3 errors\n\n**❌ The files are invalid; nothing was planned.**\n\n"
        f"- `{at}/bad.yaml:1:1: model: must be a string, not an integer`\n"
        f"- `{at}/hostile.yaml:2:1: ::error::@someone</details><!--: unknown field "
        f"'::error::@someone</details><!--' (allowed: {ALLOWED})`\n"
        f"- `{at}/hostile.yaml:3:1: temperature: must be at most 2`\n\n"
        f"**To fix:** {FILES_FIX}\n")
    assert err.splitlines() == [line[3:-1] for line in out.splitlines() if line.startswith("- `")] + [
        "3 problems found"]  # stderr as before: the same lines, bare
    # Hostile text stays inside code spans: no line a runner obeys, no comment or tag opened outside one.
    assert not [line for line in out.splitlines() if line.startswith(("::", "<!--", "</details>", "@"))][1:]


def test_missing_credentials_say_so_and_name_no_secret(tmp_path: Path) -> None:
    root = files(tmp_path, good=GOOD)
    state = ["--provider", "openai"]
    result = CliRunner().invoke(cli, ["plan", *state, "--format", "markdown", str(root / "files")],
                                env={**CLEAN_ENV, "OPENAI_API_KEY": None}, catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (1, (
        f"{HEAD}failed: 1 error\n\n"
        "**❌ The files are valid, but the plan could not read the live state: credentials are missing.**\n\n"
        "- `Missing credentials for --provider openai: set OPENAI_API_KEY`\n\n"
        f"**To fix:** {CREDENTIALS_FIX}\n"), "Error: Missing credentials for --provider openai: set OPENAI_API_KEY\n")


def free_loopback_port() -> int:
    """A loopback port nothing listens on: bound, then let go."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("detailed", [(), ("--detailed-exitcode",)])
def test_an_unreachable_server_is_a_failed_comment_from_the_real_entry_point(
        tmp_path: Path, detailed: tuple[str, ...]) -> None:
    root = files(tmp_path, good=GOOD)
    port = free_loopback_port()
    environment = {k: v for k, v in {**os.environ, **CLEAN_ENV}.items() if v is not None}
    done = subprocess.run([sys.executable, "-m", "assistantsync", "plan", "--provider", "openai", "--base-url", f"http://127.0.0.1:{port}/v1",
                           "--max-retries", "0", "--format", "markdown", *detailed, str(root / "files")],
                          env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert_no_secrets(done.stdout, done.stderr, env=environment)
    refused = f"GET /v1/assistants: could not connect to 127.0.0.1:{port}"
    assert done.returncode == 1
    assert done.stdout.startswith(
        f"{HEAD}failed: 1 error\n\n**❌ The files are valid, but the API could not be reached; nothing was planned."
        f"**\n\n- `{refused} (ConnectError: ")
    assert done.stdout.endswith(f"`\n\n**To fix:** {UNREACHABLE_FIX}\n")
    assert done.stderr.startswith(f"Error: {refused} (ConnectError: ") and API_KEY not in done.stdout


def test_a_pinned_id_that_does_not_exist_fails_the_heading(tmp_path: Path) -> None:
    code, out, _ = plan(files(tmp_path, pinned=MISSING))
    assert code == 1
    assert out.startswith(f"{HEAD}failed: 1 error\n\n**❌ 1 assistant could not be planned; this plan cannot be "
                          "applied:**\n- `pinned`: ``pinned id asst_doesnotexist does not exist")
    assert "no changes" not in out


@pytest.mark.parametrize("detailed", [(), ("--detailed-exitcode",)])
def test_a_partial_failure_is_failed_and_still_lists_what_it_could_plan(
        tmp_path: Path, detailed: tuple[str, ...]) -> None:
    code, out, err = plan(files(tmp_path, good=GOOD, pinned=MISSING), *detailed)
    assert code == 1
    assert out.startswith(f"{HEAD}failed: 1 error\n\n**❌ 1 assistant could not be planned")
    assert "| create | 1 |\n" in out
    assert "<details><summary><b>+ create</b> <code>good</code> — model, name</summary>" in out
    assert err == ""  # as before: a plan's own errors are in the plan it prints


@pytest.mark.parametrize(("detailed", "expected"), [((), 0), (("--detailed-exitcode",), 2)])
def test_exit_codes_without_errors_are_unchanged(tmp_path: Path, detailed: tuple[str, ...], expected: int) -> None:
    code, out, err = plan(files(tmp_path, good=GOOD), *detailed)
    assert (code, out.split("\n")[:2], err) == (expected, [MARKER, "### assistantsync plan: 1 to create"], "")


def test_show_of_an_unusable_saved_plan_is_a_failed_comment(tmp_path: Path) -> None:
    saved = write(tmp_path / "plan.json", '{"format_version": "@someone </details>"}')
    result = CliRunner().invoke(cli, ["show", "--format", "markdown", str(saved)], env=CLEAN_ENV,
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{HEAD}failed: 1 error\n\n**❌ No plan could be shown: the run stopped at "
                                    f"the error below.**\n\n- `{saved}: ")
    assert result.stderr.startswith(f"Error: {saved}: ")


@pytest.mark.prints_secrets(reason="the key is in a field name and its problem on purpose; the test checks the "
                                    "comment masks it")
def test_a_credential_in_a_long_problem_is_masked_before_the_line_is_cut(tmp_path: Path) -> None:
    prefix = f"{tmp_path}/files/leak.yaml:2:1: "
    field = "x" * (MAX_LINE_CHARS - len(prefix) - 6) + API_KEY  # the cut falls inside the key
    code, out, _ = plan(files(tmp_path, leak=f'model: gpt-4o\n"{field}": 1\n'))
    line = next(line for line in out.splitlines() if line.startswith("- `"))
    assert code == 1 and len(line) == len("- ``") + MAX_LINE_CHARS
    assert line.endswith("x***: …`") and f"x{API_KEY[:5]}" not in out and API_KEY not in out
