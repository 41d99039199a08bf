"""One attempt at one request: send it, log it, and turn the result into a JSON object or a Failure.

What a failure means (its message, whether to retry, whether the server may have applied it) is decided in
failure.py. The exchange runs on a thread of its own (exchange.py), so that --timeout bounds it whole and a
stopping run need not wait for it. The retry loop that acts on the answers lives in client.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from assistantsync.api.errors import ApiError, excerpt
from assistantsync.api.exchange import Ending, Exchange
from assistantsync.api.failure import Failure, body_text, status_failure, transport_failure
from assistantsync.api.redaction import masked_headers, redact, redact_json
from assistantsync.api.response_body import BodyTooLarge, TooDeep, View, check_depth, decoded, read_capped
from assistantsync.json_value import JsonObject

if TYPE_CHECKING:
    import httpx

    from assistantsync.api.connection import ConnectionSettings

TOO_LARGE_HINT = ("check that --base-url points at an Assistants API server; its answers are far smaller "
                  "(--max-response-mib raises the cap)")
DEADLINE_PASSED = "the whole request took longer than --timeout"
IN_FLIGHT = "interrupted in flight"


class Transfer:
    """Sends requests over one shared httpx.Client (thread-safe, so get_many shares it)."""

    def __init__(
        self,
        http: httpx.Client,
        settings: ConnectionSettings,
        base_path: str,
        log: Callable[[str], None] | None,
        *,
        traced: bool,
    ) -> None:
        self._http = http
        self._settings = settings
        self._base_path = base_path
        self._log = log
        self._traced = traced  # the transport reports when a request starts going out (httpx's own does)

    def close(self) -> None:
        self._http.close()

    def full_path(self, path: str) -> str:
        """The URL path as the server sees it (e.g. /v1/assistants), for messages; never the query."""
        return self._base_path + path

    def log_line(self, text: str) -> None:
        if self._log is not None:
            self._log(redact(text, self._settings.secrets))

    def attempt(
        self,
        method: str,
        path: str,
        body: JsonObject | None,
        params: Mapping[str, str] | None,
        attempt: int,
        stops: Sequence[threading.Event] = (),
        view: View | None = None,
        headers: Mapping[str, str | None] | None = None,
    ) -> JsonObject | Failure:
        """One attempt, within --timeout from start to the body's last byte: the response's JSON object, or what
        went wrong. STOP_GRACE after one of `stops` is set, an attempt still in flight is abandoned. A success
        whose body is not a JSON object raises ApiError: another attempt would get the same. `view` is how the
        caller's kind reads an object (its depth is judged as read, naming the field a file would hold)."""
        full_path = self.full_path(path)
        tag = f"{method} {full_path} (attempt {attempt + 1}/{self._settings.max_retries + 1})"
        exchange: Exchange[JsonObject | Failure] = Exchange()
        request = self._http.build_request(method, path, json=body, params=params,
                                           extensions={"trace": exchange.trace})
        for name, value in (headers or {}).items():  # the caller's kind replaces or drops a default header
            if value is None:
                request.headers.pop(name, None)
            else:
                request.headers[name] = value
        self.log_line(f"-> {tag} {masked_headers(request.headers.items(), self._settings.secrets)}")
        started = time.perf_counter()
        deadline = time.monotonic() + self._settings.timeout
        exchange.start(lambda: self._exchange(request, path, tag, started, attempt, exchange.abandoned, view))
        ending = exchange.wait(deadline, stops)
        if ending is Ending.DONE:
            return exchange.result()
        sent = exchange.sending.is_set() or not self._traced
        if ending is Ending.INTERRUPTED:
            written = sent and method != "GET"
            detail = f"{IN_FLIGHT}: may have been applied" if written else IN_FLIGHT
            error = ApiError(method, full_path, detail, attempts=attempt + 1, secrets=self._settings.secrets)
            return self._failed(tag, started, Failure(error, False, written, interrupted=True))
        import httpx

        cut_off = httpx.ReadTimeout(DEADLINE_PASSED) if sent else httpx.ConnectTimeout(DEADLINE_PASSED)
        return self._failed(tag, started, transport_failure(self._settings, method, full_path, cut_off, attempt))

    def _exchange(self, request: httpx.Request, path: str, tag: str, started: float, attempt: int,
                  abandoned: threading.Event, view: View | None = None) -> JsonObject | Failure:
        """Send and read the whole answer; runs on the exchange's own thread (see attempt)."""
        import httpx

        method, full_path = request.method, self.full_path(path)
        try:
            response = self._http.send(request, stream=True)  # the body is read below, within the cap
        except httpx.RequestError as exc:
            return self._failed(tag, started, transport_failure(self._settings, method, full_path, exc, attempt))
        request_id = response.headers.get("x-request-id")
        if not abandoned.is_set():  # its caller has logged why it stopped waiting
            self.log_line(f"<- {tag} {response.status_code} {response.reason_phrase} in "
                          f"{time.perf_counter() - started:.2f}s"
                          + (f" x-request-id: {request_id}" if request_id else ""))
        try:
            try:
                content = read_capped(response, self._settings.max_body_bytes, abandoned)
            except httpx.RequestError as exc:  # the body broke off, timed out or would not decompress
                return self._failed(tag, started, transport_failure(self._settings, method, full_path, exc, attempt))
            except BodyTooLarge:
                raise self._too_large(method, full_path, response) from None
            if response.is_success:
                return self._json_object(method, full_path, response, content, view)
            return status_failure(self._settings, method, path, full_path, response, content, attempt)
        finally:
            response.close()
            # httpx binds a response's stream back to the response: a reference cycle that would keep the body
            # (half a megabyte for a list page) until the cyclic garbage collector happens to run. Unbound, the
            # response and its body go as soon as this returns.
            response.stream = httpx.ByteStream(b"")

    def _failed(self, tag: str, started: float, failure: Failure) -> Failure:
        self.log_line(f"<- {tag} failed after {time.perf_counter() - started:.2f}s: {failure.error.detail}")
        return failure

    def _too_large(self, method: str, full_path: str, response: httpx.Response) -> ApiError:
        """Another attempt would get the same, so it is not retried."""
        detail = (f"{response.status_code} {response.reason_phrase}: the server's answer exceeded "
                  f"{self._settings.max_body_bytes / 2**20:g} MiB after decompression")
        return ApiError(method, full_path, detail, status=response.status_code, hint=TOO_LARGE_HINT,
                        secrets=self._settings.secrets)

    def _json_object(self, method: str, full_path: str, response: httpx.Response, content: bytes,
                     view: View | None = None) -> JsonObject:
        """The body's JSON object (as httpx's `Response.json` reads it), else an ApiError naming the request."""
        try:
            data = decoded(content)
            if isinstance(data, dict):
                check_depth(data, view)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
            raise self._not_an_object(method, full_path, response, content) from exc
        except TooDeep as exc:
            raise ApiError(method, full_path, f"{response.status_code} {response.reason_phrase}: {exc}",
                           status=response.status_code, secrets=self._settings.secrets) from None
        if not isinstance(data, dict):
            raise self._not_an_object(method, full_path, response, content)
        return redact_json(data, self._settings.secrets)  # a live name or description may echo a key

    def _not_an_object(self, method: str, full_path: str, response: httpx.Response, content: bytes) -> ApiError:
        shown = excerpt(body_text(response, content), self._settings.secrets) or "(empty body)"
        detail = f"{response.status_code} {response.reason_phrase}: the response is not a JSON object: {shown}"
        return ApiError(method, full_path, detail, status=response.status_code, secrets=self._settings.secrets)
