"""validate --format github|json through the real CLI, offline, on files a hostile pull request could send.

GitHub reads a log line as a workflow command when it starts with `::`; the only such lines validate may
print are its own `::error` annotations, one per problem, whatever the file names and values hold.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV
from helpers.leakcheck import assert_no_secrets
from helpers.tree import write

from assistantsync.cli.main import cli

ALLOWED = ("description, id, instructions, instructions_file, key, metadata, model, name, reasoning_effort, "
           "response_format, temperature, tool_resources, tools, top_p")
HOSTILE = {  # file name -> text: a hostile key, a file name GitHub would decode, a file name with a newline
    "a.yaml": 'model: gpt-4o\n"x\\n::error::y %0A::warning::z": 1\n',
    "b%0A::warning::c,d.yaml": "key: b\nmodel: 3\n",
    "n\n::error::m.yaml": "model: gpt-4o\n",
}
GITHUB = [
    "::error file=g/a.yaml,line=2,col=1,title=assistantsync::x\\n::error::y %250A::warning::z: unknown field "
    f"'x\\n::error::y %250A::warning::z' (allowed: {ALLOWED})",
    "::error file=g/b%250A%3A%3Awarning%3A%3Ac%2Cd.yaml,line=2,col=1,title=assistantsync::model: must be a "
    "string, not an integer",
    "::error file=g/n\\n%3A%3Aerror%3A%3Am.yaml,line=1,col=1,title=assistantsync::the file name holds the "
    "character U+000A; rename the file",
]
JSON = [
    {"file": "g/a.yaml", "line": 2, "column": 1, "field": "x\\n::error::y %0A::warning::z",
     "message": f"unknown field 'x\\n::error::y %0A::warning::z' (allowed: {ALLOWED})"},
    {"file": "g/b%0A::warning::c,d.yaml", "line": 2, "column": 1, "field": "model",
     "message": "must be a string, not an integer"},
    {"file": "g/n\\n::error::m.yaml", "line": 1, "column": 1, "field": None,
     "message": "the file name holds the character U+000A; rename the file"},
]


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name, text in HOSTILE.items():
        write(tmp_path / "g" / name, text)
    return tmp_path


def validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", *args], env=CLEAN_ENV, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_github_prints_one_annotation_per_problem_and_nothing_else_a_runner_would_obey(hostile: Path) -> None:
    assert validate("--format", "github", "g") == (1, "".join(line + "\n" for line in GITHUB), "")


def test_github_from_the_real_entry_point_prints_the_same_lines(hostile: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "assistantsync", "validate", "--format", "github", "g"],
                          capture_output=True, text=True, check=False, timeout=60)
    assert_no_secrets(done.stdout + done.stderr)
    assert (done.returncode, done.stdout.splitlines(), done.stderr) == (1, GITHUB, "")


def test_json_lists_every_problem_as_written_in_the_text_format(hostile: Path) -> None:
    code, out, err = validate("--format", "json", "g")
    assert (code, json.loads(out), err) == (1, JSON, "")
    assert validate("g")[2].splitlines()[:-1] == [
        f"{p['file']}:{p['line']}:{p['column']}: " + (f"{p['field']}: " if p["field"] else "") + str(p["message"])
        for p in JSON]


@pytest.mark.parametrize(("output_format", "out"), [("text", "1 assistant valid\n"),
                                                     ("github", "1 assistant valid\n"), ("json", "[]\n")])
def test_valid_files_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, out: str) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "assistants" / "bot.yaml", "model: gpt-4o\n")
    assert validate("--format", output_format) == (0, out, "")


@pytest.mark.parametrize("output_format", ["github", "json"])
def test_no_files_is_an_error_on_stderr_in_every_format(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert validate("--format", output_format, "empty") == (
        1, "", "Error: no assistant or agent files found under empty\n")
