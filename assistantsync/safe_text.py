"""Text taken from files and shown back in messages, made safe to print.

A hostile pull request controls file names, keys and values. Printed raw, a newline in one would split a
problem over two lines (and a line such as `::error::` is a workflow command to GitHub Actions), an escape
sequence would drive the terminal, and an invisible or bidirectional character would make text read
differently than it is. `shown` escapes all of them; `hidden_character` finds the first one.

`log_safe` is the one rule for whole output on its way to a log (cli/output.py applies it to everything
the CLI prints): every line shown, and GitHub workflow commands neutralised. `json_log_safe` does the
same to JSON text while keeping it the same JSON.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

# Control characters, lone surrogates (undecodable bytes in a file name), line and paragraph separators, and
# format characters: invisible ones such as U+200B and U+FEFF, and the bidirectional controls ("Trojan Source").
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp", "Cf"})


def is_hidden(char: str) -> bool:
    """Whether printing `char` raw could break a line, drive a terminal, hide, or reorder what a reader sees."""
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def hidden_character(text: str) -> str | None:
    """The first character of `text` that must not be printed raw, if any."""
    if text.isprintable():  # C speed; printable text holds no Cc, Cf, Cs, Zl or Zp character
        return None
    return next((char for char in text if is_hidden(char)), None)


def shown(text: str) -> str:
    """`text` with every hidden character written as an escape (`\\n`, `\\x1b`, `\\u202e`, `\\udcff`)."""
    if hidden_character(text) is None:
        return text
    return "".join(char.encode("unicode_escape").decode("ascii") if is_hidden(char) else char for char in text)


def shown_lines(lines: list[str]) -> list[str]:
    """Each of `lines` shown; one C-speed check when none needs escaping (the usual case: a 20 KB prompt's
    diff is hundreds of lines)."""
    if "".join(lines).isprintable():
        return lines
    return [shown(line) for line in lines]


# GitHub's runner reads a log line as a workflow command when it starts with `::` once leading whitespace
# is trimmed, and as a legacy one when `##[` appears anywhere in it. A backslash before the first `:` or the
# `[` makes the line plain text that still reads the same: `\\::add-mask::x`, `##\\[error]`.
_COMMAND_START = "::"
_LEGACY_COMMAND = "##["
_LEGACY_BRACKET = re.compile(r"(?<=##)\[")
_NOT_ASCII_TEXT = re.compile(r"[^\n\x20-\x7e]")  # what json_log_safe looks at one by one


def log_safe(text: str, keep: re.Pattern[str] | None = None) -> str:
    """`text` safe to print to a CI log, line by line: every hidden character escaped as `shown` does (a
    line can only end at a `\\n`), a line whose first non-whitespace characters are `::` given a backslash
    before them, and every `##[` written `##\\[`. Idempotent. `keep` matches what passes unescaped (the
    tool's own colour sequences); commands are then recognised in the text between its matches."""
    if _COMMAND_START not in text and _LEGACY_COMMAND not in text and text.replace("\n", "").isprintable():
        return text  # the usual case, at C speed
    return "\n".join(_safe_line(line, keep) for line in text.split("\n"))


def _safe_line(line: str, keep: re.Pattern[str] | None) -> str:
    if _COMMAND_START not in line and _LEGACY_COMMAND not in line and line.isprintable():
        return line
    pieces = keep.split(line) if keep is not None else [line]  # keep has one group: text, kept, text, ...
    texts, kept = [shown(piece) for piece in pieces[0::2]], pieces[1::2]
    cuts = _backslash_points("".join(texts))
    out: list[str] = []
    start = 0
    for index, text in enumerate(texts):
        end = start + len(text)
        inside = [0, *(point - start for point in cuts if start <= point < end), len(text)]
        out.append("\\".join(text[a:b] for a, b in pairwise(inside)))
        out.extend(kept[index: index + 1])
        start = end
    return "".join(out)


def _backslash_points(visible: str) -> list[int]:
    """Where a backslash goes in a line as read: before each `[` of `##[` and before a leading `::`."""
    points = [found.start() for found in _LEGACY_BRACKET.finditer(visible)]
    body = visible.lstrip()
    if body.startswith(_COMMAND_START):
        points.append(len(visible) - len(body))
    return sorted(points)


def json_log_safe(text: str) -> str:
    """JSON text as json.dumps writes it (control characters inside strings escaped, lines broken only by
    `\\n`), safe for a CI log and still the same JSON: hidden characters as `\\uXXXX` escapes and `##[` as
    `##\\u005b`. Both can only be inside strings, and no line of such text can start with `::`."""
    if _LEGACY_COMMAND not in text and text.replace("\n", "").isprintable():
        return text
    escaped = _NOT_ASCII_TEXT.sub(lambda found: _json_escape(found.group()), text)
    return escaped.replace(_LEGACY_COMMAND, "##\\u005b")


def _json_escape(char: str) -> str:
    return json.dumps(char)[1:-1] if is_hidden(char) else char  # astral: a surrogate pair, as JSON spells it


def describe(char: str) -> str:
    """`U+000A` and, when Unicode names it, its name: for messages about one character."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def join_words(words: Sequence[str], conjunction: str) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
