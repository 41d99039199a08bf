"""A task run in a forked child process while this one works on something else: the second core, cheaply.

Forking copies nothing up front (pages are shared until written), so a child starts in a few milliseconds
with every module and object of its parent: no re-import and no arguments to pickle, as a process pool
would need. Only its result crosses back, as bytes over a pipe. It is used only where that is safe: on
Linux (macOS system libraries do not survive a fork without exec), in a process with a single thread (a
fork copies only the calling thread; a lock another thread held would stay locked in the child forever).
"""

from __future__ import annotations

import os
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from types import TracebackType

_TOKEN = struct.Struct("<H")
MAX_CHUNKS = 4096  # their tokens (2 bytes each) fit the smallest pipe buffer Linux allows, so writing never waits


def forking_pays() -> bool:
    """Whether a child may be forked here, and a second core is there to run it."""
    return sys.platform.startswith("linux") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


class Forked:
    """`task()` running in a forked child; `result()` waits for its bytes, None when the child failed.

    Use as a context manager, so that the child is always waited for, even when the parent's own work
    fails. A child that fails exits without output: the caller then does the task itself, so that the
    failure (a bug) shows there, with its traceback.
    """

    def __init__(self, task: Callable[[], bytes]) -> None:
        for stream in (sys.stdout, sys.stderr):  # a child must not inherit and later repeat buffered output
            stream.flush()
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read_end)
            status = 1
            try:
                with os.fdopen(write_end, "wb") as out:
                    out.write(task())
                status = 0
            finally:  # never return into the parent's code, never run its exit handlers
                os._exit(status)
        os.close(write_end)
        self._incoming = os.fdopen(read_end, "rb")
        self._status: int | None = None

    def result(self) -> bytes | None:
        data = self._incoming.read()
        self.close()
        return data if self._status == 0 and data else None

    def close(self) -> None:
        """Stop reading (a child still writing then stops too) and wait for the child to exit."""
        if self._status is None:
            self._incoming.close()
            self._status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


class Chunks:
    """The numbers 0..count-1 in a pipe that a parent and its forked child both take from, one at a time, until
    none is left: whichever is free takes the next chunk of work, so the two finish together however the
    work and the other things each has to do are spread. A read of one token from a pipe is atomic."""

    def __init__(self, count: int) -> None:
        if not 0 < count <= MAX_CHUNKS:
            raise ValueError(f"between 1 and {MAX_CHUNKS} chunks, not {count}")
        self._read_end, write_end = os.pipe()
        with os.fdopen(write_end, "wb") as tokens:  # closed: a read past the last token returns nothing
            tokens.write(b"".join(_TOKEN.pack(number) for number in range(count)))

    def __iter__(self) -> Iterator[int]:
        while token := os.read(self._read_end, _TOKEN.size):
            yield _TOKEN.unpack(token)[0]

    def close(self) -> None:
        os.close(self._read_end)
