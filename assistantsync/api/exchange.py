"""One HTTP exchange on a daemon thread, awaited until it is done, its deadline passes or the run stops.

httpx's timeouts bound each network operation, not the whole exchange: a server that trickles a byte at a
time holds a request for as long as it likes, and a thread blocked in a read cannot notice SIGINT/SIGTERM.
So the exchange runs on a thread of its own and the caller waits for it here, against the deadline and the
stop events. When the caller gives up it abandons the exchange: the thread is a daemon, so it never keeps
the process alive, and it stops reading at its next chunk (`abandoned`).
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar, cast

T = TypeVar("T")

STOP_GRACE = 1.0  # seconds an exchange in flight may still finish once the run is stopping
_POLL = 0.05  # seconds between looks at the stop events while waiting


class Ending(enum.Enum):
    DONE = "done"  # the work returned or raised: see Exchange.result
    EXPIRED = "expired"  # the deadline passed first
    INTERRUPTED = "interrupted"  # a stop event was set, and the grace after it passed first


class Abandoned(Exception):
    """Raised inside an abandoned exchange to stop reading its body; nobody waits for it any more."""


class Exchange(Generic[T]):
    """`work` running on a daemon thread; `wait` says how the wait ended, `result` what the work gave."""

    def __init__(self) -> None:
        self.abandoned = threading.Event()
        self.sending = threading.Event()  # the request started going out (from httpcore's `trace` extension)
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None

    def trace(self, event: str, info: Mapping[str, object]) -> None:
        """httpcore's `trace` request extension: notes when the request's first bytes are sent."""
        if event.endswith(".send_request_headers.started"):
            self.sending.set()

    def start(self, work: Callable[[], T]) -> None:
        threading.Thread(target=self._run, args=(work,), name="assistantsync-exchange", daemon=True).start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._value = work()
        except BaseException as error:  # handed to the caller as it is, whatever it is
            self._error = error
        finally:
            self._done.set()

    def wait(self, deadline: float, stops: Sequence[threading.Event]) -> Ending:
        """Wait until the work is done, `deadline` (time.monotonic) passes, or STOP_GRACE has passed since any
        of `stops` was first seen set. Unless DONE, the exchange is abandoned."""
        give_up, reason = deadline, Ending.EXPIRED
        while not self._done.wait(max(0.0, min(give_up - time.monotonic(), _POLL))):
            now = time.monotonic()
            if reason is Ending.EXPIRED and any(stop.is_set() for stop in stops) and now + STOP_GRACE < give_up:
                give_up, reason = now + STOP_GRACE, Ending.INTERRUPTED
            if now >= give_up:
                self.abandoned.set()
                return reason
        return Ending.DONE

    def result(self) -> T:
        """What the work returned; raises what it raised. Only after `wait` returned DONE."""
        if self._error is not None:
            raise self._error
        return cast(T, self._value)
