"""The value of a managed resource's identity metadata key (reserved.IDENTITY_KEY): its file key, and the
environment that manages it. Pure; the one place that formats or splits such a value.

`key` alone: managed without an environment (every value written before environments existed). `key@env`: managed
by that environment. Keys never hold `@` (files/file_format.py's key pattern, an agent's name rule) and
environment names are `[a-z][a-z0-9_-]{0,31}` (project/file_format.py), so the split is unambiguous. A live value
that does not parse as `key@env` (written by hand, say) is a key alone, as every value was before.
"""

from __future__ import annotations

import re

from assistantsync.project.file_format import ENVIRONMENT_PATTERN

SEPARATOR = "@"


def is_environment(name: str) -> bool:
    """Whether `name` is an environment name a project may define."""
    return re.fullmatch(ENVIRONMENT_PATTERN, name) is not None


def identity(key: str, environment: str | None) -> str:
    """The value to write for `key` managed by `environment` (None: the key alone, as before environments)."""
    if environment is None:
        return key
    if SEPARATOR in key or not is_environment(environment):
        raise ValueError(f"no identity for key {key!r:.80} in environment {environment!r:.40}")
    return f"{key}{SEPARATOR}{environment}"


def parse(value: str) -> tuple[str, str | None]:
    """(key, environment) of an identity value; (value, None) when it names no environment. parse(identity(k, e))
    == (k, e) for every key and environment name."""
    key, separator, environment = value.rpartition(SEPARATOR)
    if not separator or not key or SEPARATOR in key or not is_environment(environment):
        return value, None
    return key, environment
