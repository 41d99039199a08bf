"""The installed entry point (`cli.entry`), as only a real process shows it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.leakcheck import assert_no_secrets


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
    script = f"import sys; sys.argv = ['assistantsync', *{args!r}]; from assistantsync.cli.main import entry; entry()"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert_no_secrets(done.stdout, done.stderr)
    assert done.returncode == code and done.stdout.startswith(out), done
    assert ("no such file or folder" in done.stderr) == (code == 1)
