"""Colour for a terminal: the palette (`ansi`), and for diff lines (value_diff.py makes them) a sign's colour
per line and the changed words inside a removed line and the added line that replaces it. Without colour
(`plain`), lines stay exactly as they are.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

Style = Callable[[str, str], str]  # (role, text) -> text; roles: add, remove, hunk, word_add, word_remove


def plain(role: str, text: str) -> str:
    return text


_ANSI = {"add": "32", "remove": "31", "hunk": "36", "word_add": "1;42;30", "word_remove": "1;41;37",
         "drift": "1;33", "heading": "1", "error": "1;31"}
RESET = "\x1b[0m"
# Exactly the escape sequences `ansi` writes: what cli/output.py lets through raw when colour is on.
TOOL_SEQUENCES = re.compile("(" + "|".join(re.escape(f"\x1b[{code}m") for code in (*_ANSI.values(), "0")) + ")")


def ansi(role: str, text: str) -> str:
    """`text` in the colour of `role` (SGR codes for a terminal); unknown roles and empty text stay plain."""
    code = _ANSI.get(role)
    return f"\x1b[{code}m{text}{RESET}" if code and text else text


_WORD = re.compile(r"\s+|\w+|[^\w\s]")


def _highlight_pair(removed: str, added: str, style: Style) -> tuple[str, str]:
    """Mark the words that differ between a removed line and the added line replacing it."""
    old, new = _WORD.findall(removed), _WORD.findall(added)
    # autojunk: spaces are popular in a long line (see textdiff._groups)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=True)
    out_old, out_new = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal":
            out_old.append(style("remove", a))
            out_new.append(style("add", b))
        else:
            out_old.append(style("word_remove", a))
            out_new.append(style("word_add", b))
    return "".join(out_old), "".join(out_new)


def _alike(removed: str, added: str) -> bool:
    return difflib.SequenceMatcher(a=removed, b=added, autojunk=False).ratio() >= 0.6


def style_diff(lines: list[str], style: Style) -> list[str]:
    """Colour diff lines; changed words inside paired -/+ lines stand out."""
    if style is plain:  # every branch below would return each line as it is
        return lines
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("@@"):
            out.append(style("hunk", line))
        elif line.startswith("-"):
            removed = [line]
            while index + 1 < len(lines) and lines[index + 1].startswith("-"):
                index += 1
                removed.append(lines[index])
            added = []
            while index + 1 < len(lines) and lines[index + 1].startswith("+"):
                index += 1
                added.append(lines[index])
            # Runs of unequal length pair their leading lines only when they are alike (a map key whose value
            # changed, followed by a key added after it): highlighting words of unrelated lines is noise.
            paired = min(len(removed), len(added))
            if len(removed) != len(added):
                paired = next((n for n in range(paired) if not _alike(removed[n][1:], added[n][1:])), paired)
            leading = zip(removed[:paired], added[:paired], strict=True)
            pairs = [_highlight_pair(r[1:], a[1:], style) for r, a in leading]
            out.extend(style("remove", "-") + old for old, _ in pairs)
            out.extend(style("remove", r) for r in removed[paired:])
            out.extend(style("add", "+") + new for _, new in pairs)
            out.extend(style("add", a) for a in added[paired:])
        elif line.startswith("+"):
            out.append(style("add", line))
        else:
            out.append(line)
        index += 1
    return out
