"""What went wrong in one attempt, as the retry loop needs it: the ApiError to show, whether another attempt
could do better, and whether the server may already have applied the request.

This is where an error status or an httpx exception becomes an ApiError, once, with the hint that says
what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assistantsync.api import retry
from assistantsync.api.errors import ApiError, ErrorBody, parse_error_body

if TYPE_CHECKING:
    import httpx

    from assistantsync.api.connection import ConnectionSettings

RETIRED_HINT = (
    "this server does not serve the Assistants API here; OpenAI and Azure OpenAI retired it on 2026-08-26 "
    "(see --provider azure-foundry or --base-url for a server that still does)"
)


@dataclass(frozen=True)
class Failure:
    """An attempt that did not succeed, with what the retry loop needs to decide what to do next."""

    error: ApiError
    retryable: bool
    may_have_written: bool  # the server may have applied the request before failing
    headers: Mapping[str, str] = field(default_factory=dict)  # response headers, for retry-after
    cause: BaseException | None = None  # the httpx exception, for `raise ... from`
    # No answer in time: the server may still be working on it, so a lookup now cannot prove it never will.
    may_still_be_running: bool = False
    interrupted: bool = False  # abandoned in flight because the run is stopping: never retried, never looked up


def status_failure(
    settings: ConnectionSettings, method: str, path: str, full_path: str, response: httpx.Response,
    content: bytes, attempt: int
) -> Failure:
    """An answer with an error status: its message, code and type from the body, and whether to retry."""
    status = response.status_code
    try:
        body = parse_error_body(body_text(response, content), settings.secrets)
    except RecursionError:  # nested deep enough to exhaust json's stack: nothing in it is worth reading
        body = ErrorBody(message="(an error body nested too deep to read)")
    hint = ""
    if status in (401, 403):
        hint = settings.auth_hint
    elif status == 404 and path == "/assistants":
        hint = RETIRED_HINT
    detail = f"{status} {response.reason_phrase}".rstrip()
    described = body.describe()
    error = ApiError(
        method,
        full_path,
        f"{detail}: {described}" if described else detail,
        status=status,
        api_message=body.message,
        api_code=body.code,
        api_type=body.type,
        request_id=response.headers.get("x-request-id"),
        hint=hint,
        attempts=attempt + 1,
        secrets=settings.secrets,
    )
    retryable = retry.should_retry_status(status, response.headers, (body.code, body.type))
    return Failure(error, retryable, retry.may_have_written(status), response.headers,
                   may_still_be_running=retry.may_still_be_running(status))


def transport_failure(settings: ConnectionSettings, method: str, full_path: str, exc: httpx.RequestError,
                      attempt: int) -> Failure:
    """No answer: never sent, timed out, or cut off; the host named without any user:password@ part."""
    import httpx

    host = urlsplit(settings.target).netloc  # never a user:password@ part
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError))
    hint = ""
    if never_sent:
        detail = f"could not connect to {host} ({what})"
    elif isinstance(exc, httpx.TimeoutException):
        detail = f"no response from {host} within {settings.timeout:g}s ({what})"
        hint = "raise --timeout if the server is just slow"
    else:
        detail = f"the connection to {host} failed ({what})"
    # Our own bugs or a bad base URL: another attempt would fail the same way.
    permanent = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.DecodingError, httpx.TooManyRedirects)
    error = ApiError(method, full_path, detail, hint=hint, attempts=attempt + 1, secrets=settings.secrets)
    timed_out = isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout))  # sent (or partly), never answered
    return Failure(error, not isinstance(exc, permanent), not never_sent, cause=exc,
                   may_still_be_running=timed_out)


def body_text(response: httpx.Response, content: bytes) -> str:
    """The body as text, decoded as `Response.text` would (the charset it declares, else UTF-8)."""
    return content.decode(response.encoding or "utf-8", errors="replace")
