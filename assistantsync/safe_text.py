"""Text taken from files and shown back in messages, made safe to print.

A hostile pull request controls file names, keys and values. Printed raw, a newline in one would split a
problem over two lines (and a line such as `::error::` is a workflow command to GitHub Actions), an escape
sequence would drive the terminal, and an invisible or bidirectional character would make text read
differently than it is. `shown` escapes all of them; `hidden_character` finds the first one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

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


def describe(char: str) -> str:
    """`U+000A` and, when Unicode names it, its name: for messages about one character."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def join_words(words: Sequence[str], conjunction: str) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
