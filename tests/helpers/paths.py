"""Where the repository's own files are, for tests in any folder."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
EXAMPLES = REPO / "examples" / "assistants"
SCHEMAS = REPO / "schemas"
