"""When a failed request is worth another try, and how long to wait first.

Pure functions over a status, headers and numbers, so the policy is tested as a table. The rules
follow the official OpenAI SDK (see shared notes, api-behavior §6), except that a server-requested
delay is capped at SERVER_DELAY_CAP instead of being ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

BACKOFF_START = 0.5  # seconds before the first retry, doubling after that
BACKOFF_CAP = 8.0
JITTER_FLOOR = 0.75  # backoff is multiplied by a factor in (0.75, 1.0] so parallel clients spread out
SERVER_DELAY_CAP = 60.0
_RETRYABLE_STATUSES = frozenset({408, 409, 429})  # plus every 5xx


def should_retry_status(status: int, headers: Mapping[str, str], error_codes: tuple[str | None, ...]) -> bool:
    """Whether an error response deserves another attempt; `error_codes` are the body's code and type."""
    verdict = headers.get("x-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    if status == 429 and "insufficient_quota" in error_codes:
        return False  # an empty quota does not refill in seconds: retrying only delays the message
    return status in _RETRYABLE_STATUSES or status >= 500


def may_have_written(status: int) -> bool:
    """Whether a failed write may still have been applied: the server broke or timed out after receiving it."""
    return status == 408 or status >= 500


def may_still_be_running(status: int) -> bool:
    """Whether the request may still be in progress behind this response: a gateway gave up waiting (504)."""
    return status == 504


def retry_delay(retry: int, headers: Mapping[str, str], *, jitter: float, now: float) -> float:
    """Seconds to sleep before retry number `retry` (0-based).

    `jitter` is a random number in [0, 1); `now` is the wall-clock time, for HTTP-date `retry-after`.
    """
    requested = server_delay(headers, now=now)
    if requested is not None:
        return min(requested, SERVER_DELAY_CAP)
    backoff = min(BACKOFF_START * 2.0**retry, BACKOFF_CAP)
    return backoff * (1.0 - (1.0 - JITTER_FLOOR) * jitter)


def server_delay(headers: Mapping[str, str], *, now: float) -> float | None:
    """The positive delay the server asked for, in seconds, or None if it asked for none."""
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):  # Azure's millisecond headers are more precise
        millis = _number(headers.get(name))
        if millis is not None and millis > 0:
            return millis / 1000
    retry_after = headers.get("retry-after")
    if retry_after is None:
        return None
    seconds = _number(retry_after)
    if seconds is None:
        try:
            import email.utils  # not imported up front: only an HTTP-date Retry-After needs it

            seconds = email.utils.parsedate_to_datetime(retry_after).timestamp() - now
        except (TypeError, ValueError):
            return None  # neither seconds nor an HTTP date: fall back to our own backoff
    return seconds if seconds > 0 else None


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
