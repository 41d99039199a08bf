"""Text from files, servers and saved plans in a Markdown plan: on one line, escaped, cut to size. Pure."""

from __future__ import annotations

import html
from collections.abc import Callable

from assistantsync.render.markdown_fit import code_span
from assistantsync.safe_text import shown

MAX_NAME_CHARS = 200  # a key, id or version longer than this (only a hand-made plan file has one) is cut


def html_text(text: str) -> str:
    """Text for HTML or Markdown prose: on one line, hidden characters shown (U+202E would reorder a
    <summary>), tags escaped, and `@` unable to mention anyone."""
    return html.escape(shown(" ".join(text.split())), quote=False).replace("@", "@\u2060")


def html_name(text: str) -> str:
    """A key, id or version in HTML (a <summary>), cut to MAX_NAME_CHARS."""
    return html_text(short(text, MAX_NAME_CHARS))


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(text: str) -> str:
    """A key, id or version in Markdown prose: a code span, cut to MAX_NAME_CHARS."""
    return code_span(short(text, MAX_NAME_CHARS))


def thousands(count: int) -> str:
    return f"{count:,}"


def capped(items: list[str], limit: int, more: Callable[[int], str]) -> list[str]:
    """As many items as fit in `limit` characters (each counted with a two-character separator), then
    `more(number left out)`."""
    kept: list[str] = []
    size = 0
    for index, item in enumerate(items):
        left = len(items) - index - 1
        if size + len(item) + 2 + (len(more(left)) + 2 if left else 0) > limit:
            return [*kept, more(left + 1)]
        kept.append(item)
        size += len(item) + 2
    return kept
