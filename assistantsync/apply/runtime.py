"""What runs around apply's writes: signals that stop the run promptly, and progress shown in order."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, wait
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from assistantsync.apply.execute import Outcome

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
T = TypeVar("T")
_WAKE_SECONDS = 0.1


@contextmanager
def stop_on_signals(stop: threading.Event | None = None, *, line_start: str = "") -> Iterator[threading.Event]:
    """SIGINT/SIGTERM set `stop` (a new event if none is given, e.g. the client's `stopping`): no new write
    starts, none is retried, and a write still in flight a moment later is abandoned (api/exchange.py), its
    outcome reported as unknown. Whatever the server does, the run ends within a second or two.

    The handler only sets the event: the threads waiting on it do the stopping, and the summary of what was
    written is still printed. A second signal changes nothing, but is acknowledged, so the person knows the
    tool is not stuck.

    `line_start` goes before each such message, in the same write: at a terminal, what erases the status line
    (cli/status_line.py), so the message is not printed after the progress text on its line.
    """
    event = stop if stop is not None else threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        if event.is_set():
            _say(f"{line_start}Already stopping: the changes in flight are abandoned if they do not finish within "
                 "a second.")
            return
        event.set()
        _say(f"{line_start}Interrupted ({signal.Signals(signum).name}): no new changes will start; those in "
             "flight get a second to finish.")

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield event
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def awaited(future: Future[T]) -> T:
    """`future.result()` for the main thread while signals are awaited. Python runs a signal's handler in the
    main thread only, and when the kernel hands the signal to another thread, only once the main thread runs
    again: an untimed wait would hold the handler (and the stop) until the writes had all ended."""
    while not future.done():
        wait([future], timeout=_WAKE_SECONDS)
    return future.result()


def _say(line: str) -> None:
    """Write from a signal handler: one unbuffered write, as a handler may interrupt a print to the same stream."""
    try:
        descriptor = sys.stderr.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation: no real file behind stderr (a test's capture)
        print(line, file=sys.stderr, flush=True)
        return
    with contextlib.suppress(OSError):  # stderr is gone (a closed pipe): nothing to tell, and no reason to crash
        os.write(descriptor, (line + "\n").encode("utf-8", "replace"))


class HeldProgress:
    """The writes' progress as one status text, held back until the plan has been shown above it; `show`
    replaces the status line with it (cli/status_line.py), so each outcome is printed once, in the summary."""

    def __init__(self, total: int, show: Callable[[str], None]) -> None:
        self._total, self._done, self._failed, self._show = total, 0, 0, show
        self._last = ""
        self._shown = False
        self._lock = threading.Lock()

    def report(self, outcome: Outcome) -> None:
        with self._lock:
            self._done += 1
            self._failed += not outcome.ok
            self._last = f"{outcome.action} {outcome.key}"
            if self._shown:
                self._show(self._text())

    def release(self) -> None:
        with self._lock:
            self._shown = True
            self._show(self._text())

    def _text(self) -> str:
        failed = f", {self._failed} failed" if self._failed else ""
        last = f" ({self._last})" if self._last else ""
        return (f"Applying {self._total} change{'s' if self._total != 1 else ''}: {self._done}/{self._total} done"
                f"{failed}{last}")
