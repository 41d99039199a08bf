"""A task run in a forked child process while this one works on something else: the second core, cheaply.

Forking copies nothing up front (pages are shared until written), so a child starts in a few milliseconds
with every module and object of its parent: no re-import and no arguments to pickle, as a process pool
would need. Only its results cross back, as messages over a pipe. It is used only where that is safe: on
Linux (macOS system libraries do not survive a fork without exec), in a process with a single thread (a
fork copies only the calling thread; a lock another thread held would stay locked in the child forever).
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from types import TracebackType

_TOKEN = struct.Struct("<H")
_LENGTH = struct.Struct("<I")  # before each message the child sends
PIPE_BYTES = 1 << 20  # the most a pipe may hold unless raised by root (/proc/sys/fs/pipe-max-size)
MAX_CHUNKS = 4096  # their tokens (2 bytes each) fit the smallest pipe buffer Linux allows, so writing never waits


def forking_pays() -> bool:
    """Whether a child may be forked here, and a second core is there to run it."""
    return sys.platform.startswith("linux") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


class Forked:
    """`task(send)` running in a forked child, which may `send` any number of messages (bytes) back.

    The parent picks up what has arrived with `received()`, which never waits, between pieces of its own work,
    so that by the time it has finished, most of what the child sent is already unpacked; `rest()` waits for
    the child's end and returns what is left. A child that fails simply stops sending: a message it only half
    sent is dropped, and the caller does the work the child took but did not send (a bug then shows there,
    with its traceback). Use as a context manager, so that the child is always waited for, even when the
    parent's own work fails.
    """

    def __init__(self, task: Callable[[Callable[[bytes], None]], object]) -> None:
        for stream in (sys.stdout, sys.stderr):  # a child must not inherit and later repeat buffered output
            stream.flush()
        import fcntl  # here: Linux-only, as forking is

        read_end, write_end = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # more room: the child rarely waits for the parent
            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read_end)
            status = 1
            try:
                with os.fdopen(write_end, "wb") as out:
                    def send(message: bytes) -> None:
                        out.write(_LENGTH.pack(len(message)) + message)
                        out.flush()  # at once, and whole: a buffered flush repeats a write the pipe took in part

                    task(send)
                status = 0
            finally:  # never return into the parent's code, never run its exit handlers
                os._exit(status)
        os.close(write_end)
        os.set_blocking(read_end, False)
        self._read_end: int | None = read_end
        self._buffer = bytearray()

    def received(self) -> list[bytes]:
        """The messages that have arrived whole since the last call; never waits."""
        while self._read_end is not None:
            try:
                data = os.read(self._read_end, PIPE_BYTES)
            except BlockingIOError:
                break
            if not data:
                break
            self._buffer += data
        return self._messages()

    def rest(self) -> list[bytes]:
        """Every message not yet received, once the child has ended (whether it finished or failed)."""
        if self._read_end is not None:
            os.set_blocking(self._read_end, True)
            while data := os.read(self._read_end, PIPE_BYTES):
                self._buffer += data
        self.close()
        return self._messages()

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
        """Stop reading (a child still writing then stops too) and wait for the child to exit."""
        if self._read_end is not None:
            os.close(self._read_end)
            self._read_end = None
            os.waitpid(self.pid, 0)

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
