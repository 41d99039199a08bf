"""Where the sandbox lives: its state file, the base URL its in-process transport answers on, the served one's host.

Constants only, so the provider table and the click options can name them without importing the sandbox.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_STATE_PATH = Path(".assistantsync/sandbox.json")
BASE_URL = "http://sandbox.invalid/v1"  # any host works in-process; `.invalid` can never resolve to a real one
DEFAULT_HOST = "127.0.0.1"  # served on loopback only unless asked: it checks no real credentials
