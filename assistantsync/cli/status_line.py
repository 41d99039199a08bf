"""The one status line of long work ("Fetching live state...", "Applying 6 changes: 3/6 done (...)"): on stderr,
rewritten in place, and erased before anything else is printed, so nothing of it is left on screen.

Only for a person at a terminal: when stderr is not a terminal, or in CI (`CI` set), or with `-v` (its request
lines would be broken up by it), the line is not live and writes nothing at all, so pipes and CI logs never
hold a carriage return or an escape sequence.

Usage:

    with StatusLine.on_stderr(live=not verbose) as status:  # leaving it erases the line
        status.show("Fetching live state...")
        ...
        status.erase()  # before printing anything else
        emit(text)
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import unicodedata
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any

from assistantsync.cli.output import masked
from assistantsync.safe_text import log_safe, shown

# Back to the start of the line, then erase all of it. Not colour: a terminal needs it to replace a line, so it
# is written at a terminal even under NO_COLOR (which is about colour only), and never anywhere else.
ERASE = "\r\x1b[2K"
_CUT = "..."


class StatusLine:
    """One line on `stream`, replaced by each `show` and removed by `erase`; inert unless `live`.

    `show` may come from the thread that runs the writes while the main thread erases: a lock keeps each
    write whole. `columns` gives the terminal's width, read at each `show` as the window may be resized."""

    def __init__(self, stream: IO[str], live: bool, columns: Callable[[], int]) -> None:
        self._stream, self._live, self._columns = stream, live, columns
        self._shown = False
        self._lock = threading.Lock()

    @classmethod
    def on_stderr(cls, *, live: bool = True) -> StatusLine:
        """The status line on stderr: live when `live` and stderr is a terminal outside CI."""
        stream = sys.stderr
        return cls(stream, live and stream.isatty() and not os.environ.get("CI"), lambda: _columns_of(stream))

    @property
    def clear(self) -> str:
        """What to write before a line printed some other way (a signal handler's): erases a status line that
        may be on screen, so the message starts at the left margin. Nothing when the line is not live."""
        return ERASE if self._live else ""

    def show(self, text: str) -> None:
        """Replace the line with `text`: masked, every hidden character escaped (a key from a file may hold
        escapes or newlines), and cut to the width, since a line that wrapped could not be erased."""
        if not self._live:
            return
        with self._lock:
            self._stream.write(ERASE + fitted(log_safe(shown(masked(text))), self._columns() - 1))
            self._stream.flush()
            self._shown = True

    def erase(self) -> None:
        """Remove the line, if one is on screen; the cursor stays at the start of the now empty line."""
        with self._lock:
            if self._shown:
                self._stream.write(ERASE)
                self._stream.flush()
                self._shown = False

    def __enter__(self) -> StatusLine:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.erase()  # an error message or a traceback follows: it must not share the line


def fitted(text: str, columns: int) -> str:
    """`text` cut so that it takes at most `columns` columns, ending in `...` when cut. East Asian wide
    characters count two; anything else one, which overestimates combining marks: a line cut short is fine, a
    line that wraps is not."""
    if _width(text) <= columns:
        return text
    room, kept = columns - len(_CUT), list[str]()
    for char in text:
        room -= _width(char)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept) + _CUT if columns >= len(_CUT) else ""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _columns_of(stream: IO[Any]) -> int:
    """The width of the terminal `stream` is on; shutil's answer ($COLUMNS, stdout's terminal, else 80) when
    it has none."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        columns = 0
    return columns or shutil.get_terminal_size().columns  # 0: a terminal whose size was never set
