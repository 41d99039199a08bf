"""Keeping credentials out of every line the tool prints, logs or raises.

Two defences: headers whose *name* says they carry a credential are always shown as `***`, and the
exact secret *values* are scrubbed from any text we build, including text a server echoes back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# Shorter values are placeholders for servers without auth ("x", "none"); masking every "x" in a
# message would garble it without protecting anything. Real keys and tokens are 20+ characters.
MIN_SECRET_LENGTH = 6
_SENSITIVE_NAME = re.compile(r"auth|key|token|secret|config|cookie|passw|signature|credential", re.IGNORECASE)
# A vendor name that merely contains "key": without this, every x-portkey-* header (x-portkey-provider:
# openai) would count as a credential, and a --header's plain value like "openai" would be scrubbed
# from every message as if it were a secret.
_NOT_A_CREDENTIAL_WORD = re.compile(r"portkey", re.IGNORECASE)


def is_sensitive_header(name: str) -> bool:
    """Whether a header's name suggests its value is a credential (Authorization, api-key, x-portkey-config...)."""
    return _SENSITIVE_NAME.search(_NOT_A_CREDENTIAL_WORD.sub("-", name)) is not None


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value replaced by `***` (longest first, so no secret is half-masked)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    return text


def masked_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str]) -> str:
    """Headers as `name: value; ...` for a log line, with credential-bearing values shown as `***`."""
    secrets = tuple(secrets)
    return "; ".join(
        f"{name}: {MASK if is_sensitive_header(name) else redact(value, secrets)}" for name, value in headers
    )
