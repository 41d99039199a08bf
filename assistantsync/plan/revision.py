"""The git commit a plan records in what it writes (`--source-revision`, else `GITHUB_SHA` or `CI_COMMIT_SHA`).

It goes into live metadata, so it is checked like any input: a commit id, a tag or a branch name, nothing that
could break the record it sits in (`;`, `=`, spaces) or a log line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

REVISION_VARIABLES = ("GITHUB_SHA", "CI_COMMIT_SHA")  # GitHub Actions, GitLab CI
REVISION_MAX_CHARS = 64
_REVISION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/+-]{0,63}")


def checked_revision(value: str, source: str) -> str:
    """`value` if it can be recorded; ValueError naming `source` otherwise."""
    if not _REVISION.fullmatch(value):
        raise ValueError(f"{source} must be a commit id, tag or branch name (letters, digits and . _ / + -, at "
                         f"most {REVISION_MAX_CHARS} characters)")
    return value


def source_revision(given: str | None, env: Mapping[str, str]) -> str | None:
    """The revision given, else the CI's commit; None when there is none. Raises ValueError for a bad one."""
    if given is not None:
        return checked_revision(given, "--source-revision")
    for name in REVISION_VARIABLES:
        value = env.get(name, "").strip()
        if value:
            return checked_revision(value, name)
    return None
