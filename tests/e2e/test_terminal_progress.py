"""What a person sees at a terminal during `plan` and `apply`: one status line on stderr, replaced in place and
erased before anything else is printed, so the screen ends with the plan and one line per outcome, and
nothing of the progress is left behind. Off a terminal, and in CI, stderr holds no carriage return or escape.

The real entry point runs in a subprocess against the embedded sandbox, with stderr (and in one case stdout
too) on a pseudo-terminal from the standard library. What the terminal ends up showing is read from the bytes
it got by `on_screen`, a model of the three controls the tool may write: carriage return, newline and
erase-line. Any other escape sequence fails the test. Nothing is timed: each run is read to its end.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.cli_harness import CLEAN_ENV
from helpers.tree import write

ERASE = "\r\x1b[2K"
COLUMNS = 64
LONG_KEY = "a-rather-long-assistant-key-that-cannot-fit-on-one-status-line"
KEYS = ["hr-helper", "triage-bot", LONG_KEY]
OUTCOME = re.compile(r"^ +ok  create (?P<key>\S+) asst_\w+: created$", re.M)
CONTROL = re.compile(r"(\r|\n|\x1b\[2K)")


@dataclass(frozen=True)
class Run:
    code: int
    out: str  # stdout's bytes, or every byte the terminal got when stdout was on it too
    err: str


def run_cli(root: Path, *args: str, err_tty: bool, out_tty: bool = False, ci: bool = False) -> Run:
    """`python -m assistantsync ARGS --provider sandbox`, stderr (and with `out_tty` stdout) on a terminal."""
    environment = {k: v for k, v in {**os.environ, **CLEAN_ENV}.items() if v is not None and k != "CI"}
    if ci:
        environment["CI"] = "true"
    command = [sys.executable, "-m", "assistantsync", *args, "--provider", "sandbox", "--sandbox-state",
               str(root / "sandbox.json")]
    if not err_tty:
        done = subprocess.run(command, cwd=root, env=environment, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60, check=False)
        return Run(done.returncode, done.stdout, done.stderr)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))  # rows, columns
    received = bytearray()
    reader = threading.Thread(target=_read_all, args=(master, received))
    reader.start()
    try:
        process = subprocess.Popen(command, cwd=root, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=slave if out_tty else subprocess.PIPE, stderr=slave)
        os.close(slave)  # the child holds it now: the reader sees the end when the child exits
        out, _ = process.communicate(timeout=60)
    finally:
        reader.join(timeout=60)
        os.close(master)
    terminal = received.decode("utf-8")
    return Run(process.returncode, terminal if out_tty else out.decode("utf-8"), "" if out_tty else terminal)


def _read_all(master: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every writer has closed the terminal
            return
        if not chunk:
            return
        into.extend(chunk)


def on_screen(data: str) -> list[str]:
    """The lines a terminal shows after `data`, trailing empty ones dropped; fails on any escape sequence
    but erase-line, and on a status text wider than the terminal minus one column."""
    lines, column = [""], 0
    for piece in CONTROL.split(data):
        if piece == "\n":
            lines.append("")
            column = 0
        elif piece == "\r":
            column = 0
        elif piece == "\x1b[2K":
            lines[-1] = ""
        elif piece:
            assert "\x1b" not in piece, repr(piece)
            line = lines[-1].ljust(column)
            lines[-1] = line[:column] + piece + line[column + len(piece):]
            column += len(piece)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def status_texts(err: str) -> list[str]:
    """Each text the status line showed: what follows an erase up to the next control."""
    return [piece for piece in CONTROL.split(err.replace(ERASE, "\x1b[2K")) if piece and piece not in "\r\n"
            and piece != "\x1b[2K"]


def without_ids(text: str) -> str:
    return re.sub(r"asst_\w+", "asst_ID", text)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for key in KEYS:
        write(tmp_path / "assistants" / f"{key}.yaml", f"model: gpt-4o\nname: Bot {key}\n")
    return tmp_path


def test_apply_at_a_terminal_prints_one_line_per_outcome_and_leaves_no_progress(root: Path) -> None:
    shown = run_cli(root, "apply", "--auto-approve", err_tty=True)
    assert shown.code == 0, shown
    assert sorted(match["key"] for match in OUTCOME.finditer(shown.out)) == sorted(KEYS)
    assert shown.out.endswith("Apply: 3 succeeded, 0 failed.\n")
    texts = status_texts(shown.err)
    assert texts[0] == "Fetching live state to compare with 3 assistants in files..."
    assert texts[-1].startswith("Applying 3 changes: 3/3 done (create ")
    assert all(len(text) <= COLUMNS - 1 for text in texts), texts  # cut to fit: a wrapped line stays behind
    assert [text for text in texts if text.endswith("...") and "(create a-rather" in text] != []
    assert on_screen(shown.err) == []  # every status text erased, no result printed twice


def test_the_screen_holds_exactly_the_piped_output_when_both_streams_are_the_terminal(root: Path) -> None:
    both = run_cli(root, "apply", "--auto-approve", err_tty=True, out_tty=True)
    assert both.code == 0, both
    (root / "sandbox.json").unlink()  # the same run again, from the same empty sandbox, with no terminal
    piped = run_cli(root, "apply", "--auto-approve", err_tty=False)
    assert (piped.code, piped.err) == (0, "")
    assert "Applying" in both.out  # the status line was there, and was erased before each stdout write
    assert [without_ids(line) for line in on_screen(both.out)] == without_ids(piped.out).splitlines()


def test_plan_at_a_terminal_erases_the_fetching_line_before_the_plan(root: Path) -> None:
    both = run_cli(root, "plan", err_tty=True, out_tty=True)
    piped = run_cli(root, "plan", err_tty=False)
    assert (both.code, piped.code, piped.err) == (0, 0, "")
    assert "Fetching live state" in both.out
    assert on_screen(both.out) == piped.out.splitlines()


@pytest.mark.parametrize(("args", "err_tty", "ci"), [
    (("apply", "--auto-approve"), False, False),  # a pipe
    (("apply", "--auto-approve"), True, True),  # a CI log, even on a terminal
    (("apply", "--auto-approve", "-v"), True, False),  # -v: its request lines are the progress
    (("plan",), True, True),
])
def test_no_carriage_return_or_escape_off_a_terminal_in_ci_or_with_verbose(
        root: Path, args: tuple[str, ...], err_tty: bool, ci: bool) -> None:
    done = run_cli(root, *args, err_tty=err_tty, ci=ci)
    assert done.code == 0, done
    assert "\x1b" not in done.err and "\r" not in done.err.replace("\r\n", "\n"), repr(done.err)
    assert "Fetching" not in done.err and "Applying" not in done.err
