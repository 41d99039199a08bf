"""Exact snapshot comparison for rendered text: `UPDATE_SNAPSHOTS=1 python -m pytest ...` rewrites them.

A rewritten snapshot is a change to review like code: `git diff tests/snapshots` shows what moved.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"
ESCAPE = "\x1b"
SHOWN_ESCAPE = "\u241b"  # ␛: colour codes stay visible (and diffable) in the stored file


def assert_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    stored = actual.replace(ESCAPE, SHOWN_ESCAPE)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(stored, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        raise AssertionError(f"no snapshot {path}: run with UPDATE_SNAPSHOTS=1 and review the file")
    expected = path.read_text(encoding="utf-8")
    if stored != expected:
        diff = difflib.unified_diff(expected.splitlines(), stored.splitlines(), "snapshot", "rendered", lineterm="")
        shown = "\n".join(list(diff)[:80])
        raise AssertionError(f"{name} differs from its snapshot (UPDATE_SNAPSHOTS=1 rewrites it):\n{shown}")
