"""apply's runtime at a terminal: the writes' progress as one status text, held until the plan is shown; an
interrupt's message erasing the status line in the same write."""

from __future__ import annotations

import io
import os
import signal

import pytest

from assistantsync.apply.outcome import Outcome
from assistantsync.apply.runtime import HeldProgress, stop_on_signals


def outcome(key: str, ok: bool = True) -> Outcome:
    return Outcome(key=key, action="create", id=None, ok=ok, message="created" if ok else "HTTP 500")


def test_progress_is_held_until_the_plan_is_shown_then_one_text_per_outcome() -> None:
    shown: list[str] = []
    gate = HeldProgress(3, shown.append)
    gate.report(outcome("a"))
    assert shown == []
    gate.release()
    gate.report(outcome("b", ok=False))
    gate.report(outcome("c"))
    assert shown == ["Applying 3 changes: 1/3 done (create a)",
                     "Applying 3 changes: 2/3 done, 1 failed (create b)",
                     "Applying 3 changes: 3/3 done, 1 failed (create c)"]


def test_progress_released_before_any_write_has_no_last_change() -> None:
    shown: list[str] = []
    HeldProgress(1, shown.append).release()
    assert shown == ["Applying 1 change: 0/1 done"]


@pytest.mark.parametrize(("line_start", "expected"), [
    ("\r\x1b[2K", "\r\x1b[2KInterrupted (SIGINT): no new changes will start; those in flight get a second to "
                   "finish.\n"),
    ("", "Interrupted (SIGINT): no new changes will start; those in flight get a second to finish.\n"),
])
def test_an_interrupt_message_starts_with_what_erases_the_status_line(
        line_start: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()  # no file behind it: the handler prints instead of os.write
    monkeypatch.setattr("sys.stderr", stream)
    with stop_on_signals(line_start=line_start) as stop:
        os.kill(os.getpid(), signal.SIGINT)
        stop.wait(5)  # the handler runs in this thread at once; the wait only bounds a broken handler
    assert (stop.is_set(), stream.getvalue()) == (True, expected)
