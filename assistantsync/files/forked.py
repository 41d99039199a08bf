"""A task run in a forked child process while this one works on something else: the second core, cheaply.

Forking copies nothing up front (pages are shared until written), so a child starts in a few milliseconds
with every module and object of its parent: no re-import and no arguments to pickle, as a process pool
would need. Only its results cross back, as messages appended to an anonymous in-memory file that both
share. Not a pipe: a pipe holds at most 1 MiB, and a child whose parent was busy elsewhere (importing the
HTTP client) sat blocked on a full one for a fifth of its time; appending to a file never waits.
It is used only where that is safe: on Linux (macOS system libraries do not survive a fork without exec),
in a process with a single thread (a fork copies only the calling thread; a lock another thread held
would stay locked in the child forever).
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from types import TracebackType

_TOKEN = struct.Struct("<H")
_LENGTH = struct.Struct("<I")  # before each message the child sends
# Their tokens (2 bytes each) are written before the child runs: 4 KiB, one page, fit any pipe Linux makes, even
# one shrunk to a page once a user holds too many, so writing them never waits.
MAX_CHUNKS = 2048


def forking_pays() -> bool:
    """Whether a child may be forked here, and a second core is there to run it."""
    return sys.platform.startswith("linux") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


def _shared_file() -> int:
    """A file descriptor on an empty file no other process can open: in memory (memfd) where the system allows."""
    try:
        return os.memfd_create("assistantsync-results", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # no memfd here (an old kernel, a sandbox that forbids it): an unlinked file
        with tempfile.TemporaryFile() as handle:
            return os.dup(handle.fileno())


class Forked:
    """`task(send)` running in a forked child, which may `send` any number of messages (bytes) back.

    The parent picks up what has arrived with `received()`, which never waits, between pieces of its own work,
    so that by the time it has finished, most of what the child sent is already unpacked; `rest()` waits for
    the child's end and returns what is left. A child that fails simply stops sending: a message it only half
    sent is dropped, and the caller does the work the child took but did not send (a bug then shows there,
    with its traceback). Use as a context manager, so that the child is always waited for, even when the
    parent's own work fails (the child is then stopped: its results would be thrown away).
    """

    def __init__(self, task: Callable[[Callable[[bytes], None]], object]) -> None:
        for stream in (sys.stdout, sys.stderr):  # a child must not inherit and later repeat buffered output
            stream.flush()
        shared = _shared_file()
        self._file: int | None = shared  # None once closed
        try:
            self.pid = os.fork()
        except OSError:  # a process limit: the caller does the work alone
            os.close(shared)
            raise
        if self.pid == 0:
            status = 1
            try:
                def send(message: bytes) -> None:
                    _append(shared, _LENGTH.pack(len(message)) + message)

                task(send)
                status = 0
            finally:  # never return into the parent's code, never run its exit handlers
                os._exit(status)
        self._read = 0  # how much of the file the parent has taken into its buffer
        self._buffer = bytearray()
        self._child_ended = False

    def received(self) -> list[bytes]:
        """The messages that have arrived whole since the last call; never waits."""
        self._take_all()
        return self._messages()

    def rest(self) -> list[bytes]:
        """Every message not yet received, once the child has ended (whether it finished or failed)."""
        if self._file is not None:
            os.waitpid(self.pid, 0)
            self._child_ended = True
            self._take_all()
        self.close()
        return self._messages()

    def _take_all(self) -> None:
        # The child's writes advance the file's size only past bytes already written: all below it is whole.
        if self._file is None:
            return
        size = os.fstat(self._file).st_size
        while self._read < size and (data := os.pread(self._file, size - self._read, self._read)):
            self._buffer += data
            self._read += len(data)

    def _messages(self) -> list[bytes]:
        messages, offset = [], 0
        while offset + _LENGTH.size <= len(self._buffer):
            (size,) = _LENGTH.unpack_from(self._buffer, offset)
            if offset + _LENGTH.size + size > len(self._buffer):
                break  # not all there yet (or never: a child that failed mid-message)
            messages.append(bytes(self._buffer[offset + _LENGTH.size:offset + _LENGTH.size + size]))
            offset += _LENGTH.size + size
        del self._buffer[:offset]
        return messages

    def close(self) -> None:
        """Stop the child if it is still running (what it would send is no longer wanted) and wait for it."""
        if self._file is not None:
            if not self._child_ended:
                with contextlib.suppress(ProcessLookupError):  # it only reads and appends to the file: safe to stop
                    os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                self._child_ended = True
            os.close(self._file)
            self._file = None

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _append(file: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(file, view):]


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
