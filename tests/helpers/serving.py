"""A stdlib HTTP server of a test, served from a daemon thread for the length of a `with` block."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import BaseServer


@contextmanager
def in_background(server: BaseServer, poll_interval: float = 0.05) -> Iterator[None]:
    """Serve `server` until the block ends; then stop it, close its socket and wait for its thread."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": poll_interval}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
