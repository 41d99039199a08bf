"""The installed entry point (`cli.entry`), as only a real process shows it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.leakcheck import assert_no_secrets
from helpers.paths import EXAMPLES as EXAMPLES_DIR

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


@pytest.mark.parametrize(("args", "code", "out"), [
    (["--version"], 0, "assistantsync, version "),
    (["validate", "no/such/folder"], 1, ""),
])
def test_the_entry_point_exits_with_mains_code_and_flushed_output(args: list[str], code: int, out: str) -> None:
    # entry() skips the interpreter's teardown (os._exit): buffered output must still get out, codes stay.
    script = f"import sys; sys.argv = ['assistantsync', *{args!r}]; from assistantsync.cli.main import entry; entry()"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert_no_secrets(done.stdout, done.stderr)
    assert done.returncode == code and done.stdout.startswith(out), done
    assert ("no such file or folder" in done.stderr) == (code == 1)


def test_the_installed_command_diffs_lists_without_numpy_or_pydantic(tmp_path: Path) -> None:
    # deepdiff imports both when installed (66 ms); cli.entry() keeps them out, and deepdiff still works.
    folder, state = tmp_path / "assistants", str(tmp_path / "state.json")
    folder.mkdir()
    (folder / "bot.yaml").write_text("model: gpt-4o\ntools:\n  - type: code_interpreter\n", encoding="utf-8")
    sandbox = ["--provider", "sandbox", "--sandbox-state", state]
    assert CliRunner().invoke(cli, ["apply", str(folder), "--auto-approve", *sandbox]).exit_code == 0
    (folder / "bot.yaml").write_text("model: gpt-4o\ntools:\n  - type: file_search\n", encoding="utf-8")
    code = ("import sys; from assistantsync.cli import main as cli; inner = cli.main\n"
            "def main():\n"
            "    try:\n"
            "        inner()\n"
            "    finally:\n"
            "        print(sorted(m for m in ('deepdiff', 'numpy', 'pydantic') if sys.modules.get(m)))\n"
            "cli.main = main\n"
            "sys.argv = ['assistantsync', 'plan', *sys.argv[1:]]\n"
            "cli.entry()")
    done = subprocess.run([sys.executable, "-c", code, str(folder), *sandbox],
                          capture_output=True, text=True, check=False)
    assert_no_secrets(done.stdout, done.stderr)
    assert "1 to update" in done.stdout and done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("['deepdiff']\n"), done.stdout + done.stderr


def test_the_cli_process_never_imports_trio_or_httpx_cli(tmp_path: Path) -> None:
    # httpcore imports trio when installed (40 ms); cli.main() keeps it out of the process.
    code = ("import sys, atexit; from assistantsync.cli import main as cli; "
            "atexit.register(lambda: print(sorted(m for m in ('trio', 'httpx._main') if sys.modules.get(m)))); "
            "sys.argv = ['assistantsync', 'plan', sys.argv[1], '--provider', 'sandbox', "
            "'--sandbox-state', sys.argv[2]]; "
            "cli.main()")
    examples = EXAMPLES_DIR
    done = subprocess.run([sys.executable, "-c", code, str(examples), str(tmp_path / "state.json")],
                          capture_output=True, text=True, check=False)
    assert_no_secrets(done.stdout, done.stderr)
    assert "to create" in done.stdout and done.returncode == 0, done.stdout + done.stderr  # the plan ran, over httpx
    assert done.stdout.endswith("[]\n"), done.stdout + done.stderr
