"""ApiError: every failed call to the API as one line saying what failed, why, and what to check.

Error bodies come in many shapes: OpenAI's `{"error": {...}}`, Azure's without `message`, Portkey's
gateway `{"status": "failure", "message": ...}`, FastAPI's `{"detail": ...}`, or a proxy's HTML page.
All become the same message. Whatever the server wrote is masked (a gateway may echo the key), then
made one line with hidden characters escaped, then cut: in that order, so a key straddling the cut never
shows its first part and a cut never leaves half an escape or half a mask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from assistantsync.api.redaction import MASK, redact
from assistantsync.errors import AssistantSyncError
from assistantsync.safe_text import shown

EXCERPT_CHARS = 300
# Masking is linear in the text but not free: only this much of a long body (whitespace collapsed) is masked
# before the excerpt is cut from it. A key straddling this point starts far past the excerpt's end.
_MASKED_CHARS = 64 * 1024
_TAG = re.compile(r"<[^>]*>")
_PIECE = re.compile(re.escape(MASK) + "|.", re.DOTALL)  # what a cut may not split: a mask or a character


class ApiError(AssistantSyncError):
    """A request failed; `status` is None when no response came back (connection refused, timeout)."""

    def __init__(
        self,
        method: str,
        path: str,
        detail: str,
        *,
        status: int | None = None,
        api_message: str | None = None,
        api_code: str | None = None,
        api_type: str | None = None,
        request_id: str | None = None,
        hint: str = "",
        attempts: int = 1,
        secrets: Collection[str] = (),
    ) -> None:
        self.method = method
        self.path = path  # never the query string: it may hold secrets
        self.detail = _server_text(detail, secrets)
        self.status = status
        # Every server-supplied field is scrubbed, not just the message: AmbiguousWriteError rebuilds its
        # text from these fields without the secrets, so a raw one would carry an echoed key through.
        self.api_message = _optional_server_text(api_message, secrets)
        self.api_code = _optional_server_text(api_code, secrets)
        self.api_type = _optional_server_text(api_type, secrets)
        self.request_id = _optional_server_text(request_id, secrets)
        self.hint = hint
        self.attempts = attempts
        text = f"{method} {path}: {self.detail}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        if attempts > 1:
            text += f" (gave up after {attempts} attempts)"
        if hint:
            text += f"; {hint}"
        super().__init__(_server_text(text, secrets))


class NotedApiError(ApiError):
    """An ApiError restated with a note on what it means for the run (the cause's fields kept as they are)."""

    def __init__(self, cause: ApiError, note: str) -> None:
        super().__init__(
            cause.method,
            cause.path,
            cause.detail,
            status=cause.status,
            api_message=cause.api_message,
            api_code=cause.api_code,
            api_type=cause.api_type,
            request_id=cause.request_id,
            hint="; ".join(part for part in (cause.hint, note) if part),
            attempts=cause.attempts,
        )


@dataclass(frozen=True)
class ErrorBody:
    """What an error response body says, whatever its shape."""

    message: str | None = None
    code: str | None = None
    param: str | None = None
    type: str | None = None

    def describe(self) -> str:
        extras = ", ".join(f"{name}: {value}" for name, value in (("code", self.code), ("param", self.param)) if value)
        message = self.message or self.type or ""
        if extras:
            return f"{message} ({extras})" if message else f"({extras})"
        return message


def parse_error_body(text: str, secrets: Collection[str]) -> ErrorBody:
    """Read an error body of any known shape, every field masked and on one line; unknown JSON and plain
    text become a short excerpt."""
    try:
        data = json.loads(text)
    except ValueError:
        return ErrorBody(message=excerpt(text, secrets) or None)
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            return ErrorBody(
                message=_as_text(error.get("message"), secrets),
                code=_as_text(error.get("code"), secrets),
                param=_as_text(error.get("param"), secrets),
                type=_as_text(error.get("type"), secrets),
            )
        for key in ("error", "message", "detail"):  # {"error": "text"}, Portkey's gateway, FastAPI
            if data.get(key) is not None:
                return ErrorBody(message=_as_text(data[key], secrets))
    return ErrorBody(message=excerpt(json.dumps(data), secrets) if data else None)  # `{}` says nothing


def excerpt(text: str, secrets: Collection[str]) -> str:
    """The start of a body on one line: HTML tags dropped (proxy error pages), secrets masked, hidden
    characters escaped, then cut to EXCERPT_CHARS between two characters or masks."""
    if text.lstrip().startswith("<"):
        text = _TAG.sub(" ", text)
    text = redact(" ".join(text.split())[:_MASKED_CHARS], secrets)
    kept: list[str] = []
    size = 0
    for piece in _PIECE.finditer(text):
        part = shown(piece.group())
        size += len(part)
        if size > EXCERPT_CHARS:
            return "".join(kept) + "..."
        kept.append(part)
    return "".join(kept)


def _as_text(value: Any, secrets: Collection[str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _server_text(value, secrets)
    if isinstance(value, list) and all(isinstance(item, dict) and "msg" in item for item in value):
        # FastAPI validation errors: [{"loc": ["body", "temperature"], "msg": "..."}]
        return _server_text("; ".join(": ".join(filter(None, (".".join(map(str, item.get("loc", ()))),
                                                               str(item["msg"])))) for item in value), secrets)
    return excerpt(json.dumps(value), secrets)


def _server_text(text: str, secrets: Collection[str]) -> str:
    """Text a server may have written, for a message: masked, then on one line with hidden characters escaped."""
    return shown(redact(text, secrets))


def _optional_server_text(text: str | None, secrets: Collection[str]) -> str | None:
    return _server_text(text, secrets) if text is not None else None


class AmbiguousWriteError(NotedApiError):
    """A create failed in a way that may have happened after the server stored the assistant."""


class RetryInterrupted(NotedApiError):
    """An attempt failed and was not retried because the run is stopping (SIGINT/SIGTERM)."""

    def __init__(self, cause: ApiError, maybe_written: bool) -> None:
        super().__init__(cause, "interrupted, so not retried")
        self.cause = cause
        self.maybe_written = maybe_written  # whether a failed attempt may still have been applied
