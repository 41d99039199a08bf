"""The command group and the entry point: every command listed once, each error ending a run as one message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.leakcheck import assert_no_secrets

from assistantsync import __version__
from assistantsync.cli.main import cli


@pytest.mark.parametrize("unbuffered", [True, False], ids=["PYTHONUNBUFFERED", "buffered"])
def test_a_pipe_closed_early_fails_the_command_rather_than_cut_its_output_silently(
        tmp_path: Path, unbuffered: bool) -> None:
    folder = tmp_path / "assistants"
    folder.mkdir()
    (folder / "bot.yaml").write_text("model: gpt-4o\ninstructions_file: prompt.md\n", encoding="utf-8")
    (folder / "prompt.md").write_text("A line of the prompt.\n" * 10_000, encoding="utf-8")  # a 220 KB plan
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"  # as many CI images set it: stdout then writes straight to the pipe
    command = [sys.executable, "-m", "assistantsync", "plan", str(folder), "--provider", "sandbox",
               "--sandbox-state", str(tmp_path / "state.json")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None
    assert process.stdout.read(100).startswith(b"\n+ create bot")
    process.stdout.close()  # the reader goes away, as `| head` does, with most of the plan unwritten
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err


def test_the_help_lists_every_command_with_its_one_line_help() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert result.stdout.split("Commands:\n", 1)[1].splitlines() == [
        "  apply     Make live assistants and agents match the files or a saved plan.",
        "  import    Write live assistants or agents as files, ready to commit.",
        "  migrate   Convert assistant files into agent files (offline).",
        "  plan      Show what apply would change, without changing anything.",
        "  sandbox   A local stand-in API (assistants, agents) for tests and dry runs.",
        "  schema    The JSON Schemas generated from the API's OpenAPI spec.",
        "  show      Render a saved plan offline, e.g. as a pull-request comment.",
        "  validate  Check assistant and agent files offline: YAML, schema, references.",
    ]


def test_the_version_imports_no_command() -> None:
    script = ("import sys; from assistantsync.cli.main import cli; cli.main(['--version'], standalone_mode=False); "
              "print(sorted(m for m in sys.modules if m.startswith('assistantsync.cli.') or m == 'httpx'))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.stdout.splitlines()[1:] == ["['assistantsync.cli.main']"], done


@pytest.mark.parametrize(("args", "code", "out", "err"), [
    (["--version"], 0, f"assistantsync, version {__version__}\n", ""),
    (["validate", "no/such/folder"], 1, "", "no/such/folder: no such file or folder\n1 problem found\n"),
    (["show", "plan.json"], 1, "", "Error: plan.json: plan format_version None is not supported (this assistantsync "
                                   "reads 2); run plan again\n"),
    (["nope"], 1, "", "Usage: assistantsync [OPTIONS] COMMAND [ARGS]...\nTry 'assistantsync --help' for help.\n\n"
                      "Error: No such command 'nope'.\n"),
    (["apply", "--plan", "plan.json", "folder"], 1, "",
     "Usage: assistantsync apply [OPTIONS] [PATHS]...\nTry 'assistantsync apply --help' for help.\n\n"
     "Error: --plan applies a saved plan as it is: give no PATH, --strict, --prune, --target or "
     "--source-revision with it\n"),
], ids=["version", "invalid-files", "tool-error", "usage-error", "usage-error-of-a-command"])
def test_the_entry_point_ends_a_run_with_its_exit_code_and_at_most_one_message_on_stderr(
        tmp_path: Path, args: list[str], code: int, out: str, err: str) -> None:
    (tmp_path / "plan.json").write_text("{}", encoding="utf-8")
    script = f"import sys; sys.argv = ['assistantsync', *{args!r}]; from assistantsync.cli.main import entry; entry()"
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert_no_secrets(done.stdout, done.stderr)
    assert (done.returncode, done.stdout, done.stderr) == (code, out, err)
