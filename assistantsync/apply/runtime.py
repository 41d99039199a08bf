"""What runs around apply's writes: signals that stop new writes, and progress shown in order."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistantsync.apply.execute import Outcome

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """SIGINT/SIGTERM stop new writes from starting; writes in flight finish or time out.

    A second signal does not abort: a write cut off mid-flight may or may not have been applied, and the
    summary could no longer say which. It is acknowledged, so the person knows the tool is not stuck.
    """
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            _say("Already stopping: waiting for the changes in flight to finish (each gives up within --timeout).")
            return
        stop.set()
        _say(f"Interrupted ({signal.Signals(signum).name}): no new changes will start; waiting for those in "
             "flight.")

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


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
    """Progress lines of the writes, held back until the plan has been shown above them; `show` prints one."""

    def __init__(self, total: int, show: Callable[[str], None]) -> None:
        self._total, self._done, self._held, self._show = total, 0, list[str](), show
        self._shown = False
        self._lock = threading.Lock()

    def report(self, outcome: Outcome) -> None:
        with self._lock:
            self._done += 1
            line = f"[{self._done}/{self._total}] {outcome.action} {outcome.key}: {'ok' if outcome.ok else 'failed'}"
            if self._shown:
                self._show(line)
            else:
                self._held.append(line)

    def release(self) -> None:
        with self._lock:
            self._shown = True
            self._show(f"Applying {self._total} change{'s' if self._total != 1 else ''}...")
            for line in self._held:
                self._show(line)
