"""emit and emit_json: every printed text masked, then log-safe; the tool's own colour kept, JSON kept JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import click
from click.testing import CliRunner

from assistantsync.cli.output import emit, emit_json
from assistantsync.render.colour import ansi


def printed(action: Callable[[], None], *, color: bool = False) -> tuple[str, str]:
    """What `action` prints to stdout and stderr inside a command, as a terminal (`color`) or a log sees it."""
    command = click.command()(action)
    result = CliRunner().invoke(command, [], color=color, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_a_credential_is_masked_before_the_line_is_made_safe() -> None:
    key = os.environ["OPENAI_API_KEY"]  # a leak-check fake: the test fails if it is printed anywhere
    out, err = printed(lambda: emit(f"Error: 401 for {key}\n::add-mask::{key}", err=True))
    assert (out, err) == ("", "Error: 401 for ***\n\\::add-mask::***\n")


def test_only_the_tools_own_colour_reaches_a_terminal() -> None:
    text = ansi("add", "+ ok") + " \x1b[2J\n" + ansi("heading", "::x")
    expected = "\x1b[32m+ ok\x1b[0m \\x1b[2J\n\x1b[1m\\::x\x1b[0m\n"
    assert printed(lambda: emit(text, color=True), color=True) == (expected, "")


def test_without_colour_every_escape_character_is_escaped_even_at_a_terminal() -> None:
    assert printed(lambda: emit(ansi("add", "x")), color=True) == ("\\x1b[32mx\\x1b[0m\n", "")


def test_json_output_reads_back_as_the_same_document() -> None:
    document = {"changes": [{"key": "k\n::error::x", "name": "##[error] \u202e\x1b[2J", "id": "asst_\u2028"}]}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    out, _ = printed(lambda: emit_json(text))
    assert json.loads(out) == document
    assert "##[" not in out and "\u202e" not in out and "\x1b" not in out and "\u2028" not in out
