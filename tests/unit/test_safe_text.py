"""The log-safety rule: text and JSON made safe for a CI log, line by line, and still reading the same."""

from __future__ import annotations

import json
import re

import pytest

from assistantsync.render.colour import TOOL_SEQUENCES, ansi
from assistantsync.safe_text import json_log_safe, log_safe


@pytest.mark.parametrize(("text", "safe"), [
    ("No changes. 3 assistants up to date.\n", "No changes. 3 assistants up to date.\n"),
    ("::add-mask::Plan", "\\::add-mask::Plan"),
    ("      ::add-mask::Plan", "      \\::add-mask::Plan"),  # the text plan's indented prompt line
    ("    +   ::stop-commands::tok", "    +   ::stop-commands::tok"),  # not first: the runner ignores it
    ("\t::error::x", "\\t::error::x"),  # a tab is escaped, so nothing but `\` leads
    ("\u00a0\u3000::warning::x", "\u00a0\u3000\\::warning::x"),  # Unicode spaces the runner trims too
    ("a\n  ::error::b\nc", "a\n  \\::error::b\nc"),
    ("::", "\\::"),
    (":x::y", ":x::y"),
    ("key: a::b", "key: a::b"),
    ("##[error]forged annotation", "##\\[error]forged annotation"),
    ("bad.yaml:2:1: ##[error]x: unknown field", "bad.yaml:2:1: ##\\[error]x: unknown field"),
    ("###[x] ##[y", "###\\[x] ##\\[y"),
    ("#[x] # #[ ##", "#[x] # #[ ##"),
    ("key\n::error file=a::b", "key\n\\::error file=a::b"),
    ("x\r::error::y", "x\\r::error::y"),  # a CR cannot start a line the runner reads
    ("x\u2028::error::y", "x\\u2028::error::y"),
    ("x\x85::error::y", "x\\x85::error::y"),
    ("clear\x1b[2Jscreen", "clear\\x1b[2Jscreen"),
    ("\u202eevil", "\\u202eevil"),
    ("nul\x00", "nul\\x00"),
    ("zero\u200bwidth ::x", "zero\\u200bwidth ::x"),
    ("\u200b::x", "\\u200b::x"),
    ("tag\U000e0041", "tag\\U000e0041"),
    ("##\x1b[31m[", "##\\x1b[31m["),
], ids=repr)
def test_every_line_is_shown_and_no_workflow_command_survives(text: str, safe: str) -> None:
    assert log_safe(text) == safe
    assert log_safe(safe) == safe  # idempotent: text made safe twice reads the same


@pytest.mark.parametrize(("text", "safe"), [
    (ansi("add", "+ ::add-mask::x"), "\x1b[32m+ ::add-mask::x\x1b[0m"),
    ("    " + ansi("add", "::add-mask::x"), "    \x1b[32m\\::add-mask::x\x1b[0m"),
    (ansi("heading", "  ") + "::x", "\x1b[1m  \x1b[0m\\::x"),
    ("#" + ansi("word_add", "#[x"), "#\x1b[1;42;30m#\\[x\x1b[0m"),  # `##[` as a reader sees it, split by colour
    (ansi("error", "a\x1b[2Jb"), "\x1b[1;31ma\\x1b[2Jb\x1b[0m"),  # only the tool's own sequences pass
    ("\x1b[32;1m" + ansi("add", "x"), "\\x1b[32;1m\x1b[32mx\x1b[0m"),
], ids=repr)
def test_the_tools_own_colour_is_kept_and_nothing_else(text: str, safe: str) -> None:
    assert log_safe(text, TOOL_SEQUENCES) == safe


@pytest.mark.parametrize("value", [
    {"key": "##[error]x", "name": "a\u202eb", "nested": ["\x1b[2J", "\u2028::add-mask::y"]},
    {"tag": "\U000e0041", "lone": "\udcff", "nul": "\x00", "plain": "naïve — ok", "hashes": "###[["},
    {"##[": 1, "\n::error::x": [None, True, 1.5]},
], ids=["hostile", "astral-and-surrogate", "keys"])
def test_json_stays_the_same_json_with_no_hidden_character_or_command(value: object) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    safe = json_log_safe(text)
    assert json.loads(safe) == value
    assert log_safe(safe) == safe
    assert "##[" not in safe
    assert re.search(r"[^\n\x20-\x7e]", safe.replace("naïve — ok", "")) is None


def test_json_spells_the_escapes_as_json_does() -> None:
    assert json_log_safe('{"a": "##[x\u202e\U000e0041"}') == '{"a": "##\\u005bx\\u202e\\udb40\\udc41"}'
    assert json_log_safe('{\n  "a": "ok"\n}\n') == '{\n  "a": "ok"\n}\n'
