"""Hostile and broken input: every case under tests/hostile/ through the real CLI, offline.

Each case folder holds what a hostile or careless pull request could send, and `expected.txt`: the exact
problem lines that `assistantsync validate <case>`, run in tests/hostile, prints. What cannot be committed
(megabytes, symlinks, a FIFO, file names git or some file systems refuse) SETUP makes in a copy of the case.
`validate` and `plan` must both exit 1 with exactly those lines, and plan must stop before any request: a
socket connect or name lookup fails the test. No speed is asserted (that is benchmarks/' job); a case that
hung would stop the subprocess test below at its 60 s timeout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV
from helpers.leakcheck import assert_no_secrets
from helpers.paths import TESTS as TESTS_DIR
from helpers.sandbox_server import ServedSandbox
from helpers.tree import write

from assistantsync.cli.main import cli
from assistantsync.files.desired import load_desired
from assistantsync.files.references import INSTRUCTIONS_MAX_CHARS, REFERENCED_MAX_CHARS
from assistantsync.files.sources import MAX_FILE_BYTES
from assistantsync.files.yaml_read import MAX_VALUES
from assistantsync.safe_text import is_hidden

HOSTILE = TESTS_DIR / "hostile"
CASES = sorted(path.name for path in HOSTILE.iterdir() if path.is_dir())
ENV: dict[str, str | None] = {**CLEAN_ENV, "OPENAI_API_KEY": "sk-hostile-input-fake"}
UNREACHABLE = "http://127.0.0.1:9/v1"  # the discard port: nothing may even try it



def _huge_yaml_file(case: Path) -> None:
    write(case / "assistant.yaml", "model: gpt-4o\ninstructions: " + "x" * MAX_FILE_BYTES + "\n")


def _huge_prompt_file(case: Path) -> None:
    write(case / "prompts/huge.md", "x" * (MAX_FILE_BYTES + 1))


def _instructions_too_long(case: Path) -> None:
    text = "Be helpful. " * (INSTRUCTIONS_MAX_CHARS // 12) + "x" * (INSTRUCTIONS_MAX_CHARS % 12 + 1)
    assert len(text) == INSTRUCTIONS_MAX_CHARS + 1
    write(case / "prompts/long.md", text)
    write(case / "inline.yaml", f"model: gpt-4o\ninstructions: {text}\n")


def _ten_thousand_documents(case: Path) -> None:
    write(case / "assistants.yaml", "".join(f"---\nkey: k{n}\nmodel: gpt-4o\n" for n in range(10_000)))


def _too_many_values(case: Path) -> None:
    write(case / "assistant.yaml", "model: gpt-4o\nmetadata:\n  many: [" + "0, " * MAX_VALUES + "]\n")


def _references_budget(case: Path) -> None:
    head = '{"type": "object", "description": "'
    write(case / "schemas/big.json", head + "x" * (MAX_FILE_BYTES - len(head) - 2) + '"}')
    assert 16 * MAX_FILE_BYTES == REFERENCED_MAX_CHARS  # 16 references fit; the 17th is one too many


def _symlinks_outside(case: Path) -> None:
    outside = case.parent / "outside"
    write(outside / "passwd", "root:x:0:0:root:/root:/bin/bash\n")
    (case / "prompts").mkdir()
    (case / "prompts/passwd.md").symlink_to(outside / "passwd")
    (case / "prompts/root").symlink_to("/", target_is_directory=True)
    (case / "prompts/zero.json").symlink_to("/dev/zero")
    (case / "linked-copy.yaml").symlink_to(outside / "passwd")


def _hidden_files(case: Path) -> None:
    write(case / ".git/config", '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n')
    write(case / ".env.json", '{"type": "object", "description": "TOKEN=secret"}')
    (case / "prompts").mkdir()
    (case / "prompts/innocent.md").symlink_to("../.git/config")


def _prompt_not_a_file(case: Path) -> None:
    os.mkfifo(case / "prompts/fifo.md")  # opening it for reading would wait for a writer forever
    (case / "prompts/zero.md").symlink_to("/dev/zero")


def _file_names(case: Path) -> None:
    valid = b"key: %s\nmodel: gpt-4o\n"
    write(case / "evil\n::error file=README.md::pwned.yaml", valid % b"evil")
    write(case / "x\u202egnp.yaml", valid % b"reversed")
    write(case / "zero\u200bwidth.yaml", valid % b"zero-width")
    Path(os.fsdecode(os.fsencode(case) + b"/caf\xe9.yaml")).write_bytes(valid % b"latin1")
    write(case / "ok.yaml", "model: gpt-4o\n")  # still loaded: one bad name does not hide the others


SETUP: dict[str, Callable[[Path], None]] = {
    "file-names": _file_names,
    "hidden-files": _hidden_files,
    "huge-prompt-file": _huge_prompt_file,
    "huge-yaml-file": _huge_yaml_file,
    "instructions-too-long": _instructions_too_long,
    "prompt-not-a-file": _prompt_not_a_file,
    "references-budget": _references_budget,
    "symlinks-outside": _symlinks_outside,
    "ten-thousand-documents": _ten_thousand_documents,
    "too-many-values": _too_many_values,
}


def make_case(root: Path, case: str) -> None:
    """The case as a pull request would leave it: its committed files, plus what SETUP makes."""
    shutil.copytree(HOSTILE / case, root / case, ignore=shutil.ignore_patterns("expected.txt"))
    if case in SETUP:
        SETUP[case](root / case)


def expected(case: str) -> list[str]:
    return (HOSTILE / case / "expected.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Every connect or name lookup is recorded and refused; the test asserts the record stays empty."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network use during a hostile-input test")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


def run(args: list[str]) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, args, env=ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines, "no message"
    count = len(lines) - 1
    assert lines[-1] == f"{count} problem{'s' if count != 1 else ''} found"
    return result.exit_code, lines[:-1]


def test_every_case_has_its_expected_lines() -> None:
    assert len(CASES) >= 25
    for case in CASES:
        lines = expected(case)
        located = re.compile(rf"{re.escape(case)}/.+?:[1-9][0-9]*:[1-9][0-9]*: ")
        assert lines and all(located.match(line) for line in lines), case
    assert set(SETUP) <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_validate_refuses_with_located_problems(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                offline: list[object]) -> None:
    make_case(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    code, lines = run(["validate", case])
    assert (code, lines) == (1, expected(case))
    assert offline == []


@pytest.mark.parametrize("case", CASES)
def test_plan_refuses_before_any_request(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         offline: list[object]) -> None:
    make_case(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    code, lines = run(["plan", "--provider", "openai", "--base-url", UNREACHABLE, case])
    assert (code, lines) == (1, expected(case))
    assert offline == []


def test_the_entry_point_sends_no_request_for_any_case(tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    """`python -m assistantsync plan` on every case at once, pointed at a served sandbox that counts requests."""
    for case in CASES:
        make_case(tmp_path, case)
    environment = {**{k: v for k, v in os.environ.items() if k not in ENV}, "OPENAI_API_KEY": "sk-hostile-input-fake"}
    done = subprocess.run([sys.executable, "-m", "assistantsync", "plan", "--provider", "openai", "--base-url",
                           sandbox_server.base_url, *CASES], cwd=tmp_path, env=environment, capture_output=True,
                          text=True, timeout=60, check=False)
    assert_no_secrets(done.stdout, done.stderr, env=environment)
    assert done.returncode == 1
    assert done.stdout == ""
    printed = set(done.stderr.splitlines())
    assert [line for case in CASES for line in expected(case) if line not in printed] == []
    assert sandbox_server.stats()["requests"] == {}


def test_a_utf8_bom_crlf_and_escaped_control_characters_are_accepted(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """What is refused above is refused for a reason; these look odd but are read exactly as written."""
    write(tmp_path / "assistants/bom.yaml", b"\xef\xbb\xbfmodel: gpt-4o\r\nname: Windows\r\ninstructions_file: p.md\n")
    write(tmp_path / "assistants/p.md", b"\xef\xbb\xbfLine one\r\nLine two\rstill line two\n")
    write(tmp_path / "assistants/escaped.yaml", 'model: gpt-4o\nname: "bell \\a, escape \\e, nel \\N"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "assistants"], env=ENV)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "2 assistants valid\n", "")
    fields = {a.key: a.fields for a in load_desired([Path("assistants")])}
    assert fields == {
        "bom": {"model": "gpt-4o", "name": "Windows", "instructions": "Line one\r\nLine two\rstill line two\n"},
        "escaped": {"model": "gpt-4o", "name": "bell \x07, escape \x1b, nel \x85"}}
    state = ["--provider", "sandbox", "--sandbox-state", str(tmp_path / "state.json"), "--no-color"]
    applied = CliRunner().invoke(cli, ["apply", *state, "--auto-approve", "assistants"], env=ENV)
    assert applied.exit_code == 0, applied.output
    again = CliRunner().invoke(cli, ["plan", *state, "--detailed-exitcode", "assistants"], env=ENV)
    assert again.exit_code == 0, again.output
    assert json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))  # written by the sandbox


def test_plan_output_shows_control_characters_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "assistants/bot.yaml", 'model: gpt-4o\ninstructions: "ok\\e[2J\\e]0;pwned\\a\\nline two"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["plan", "--provider", "sandbox", "--sandbox-state", str(tmp_path / "s.json"),
                                      "--no-color", "assistants"], env=ENV)
    assert result.exit_code == 0, result.output
    assert "line two" in result.stdout
    assert [char for char in result.stdout if char != "\n" and is_hidden(char)] == []
    assert "[2J" in result.stdout  # shown escaped, not dropped
