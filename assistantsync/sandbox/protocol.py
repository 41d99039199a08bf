"""The sandbox's wire-level values: a request, a response, and the API's error shape.

Plain frozen dataclasses, so the core never sees an HTTP library: the server and the httpx
transport each translate to and from these once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from assistantsync.json_value import JsonObject


class Headers(Mapping[str, str]):
    """Read-only header map whose lookups ignore case, as HTTP header names do."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items = {name.lower(): value for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(frozen=True)
class SandboxRequest:
    """One request as the core sees it; `path` is the raw (percent-encoded) path without the query."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self) -> None:
        # Normalised once here so that every lookup downstream can be naive.
        object.__setattr__(self, "method", self.method.upper())
        if not isinstance(self.headers, Headers):
            object.__setattr__(self, "headers", Headers(self.headers))


@dataclass(frozen=True)
class SandboxResponse:
    """One response: a status, a JSON object body and any extra headers.

    `encoded`, when given, is the body already serialised (from cached record encodings, see
    records.py) and must be exactly `json.dumps(body)`; the body stays there for anyone reading it,
    and a caller that changes the body gets no new bytes from `content()`.
    """

    status: int
    body: JsonObject
    headers: Mapping[str, str] = field(default_factory=dict)
    encoded: bytes | None = field(default=None, repr=False, compare=False)

    def content(self) -> bytes:
        """The body as the bytes sent on the wire (ASCII-escaped, so any stored string encodes)."""
        if self.encoded is not None:
            return self.encoded
        return json.dumps(self.body).encode("ascii")

    def wire_headers(self) -> dict[str, str]:
        """The headers sent with it: its content type and a fresh request id, as the API sends, then its own."""
        return {"content-type": "application/json", "x-request-id": f"req_{uuid.uuid4().hex}", **self.headers}


def encode_with(body: JsonObject, arrays: Mapping[str, Iterable[bytes]]) -> bytes:
    """`json.dumps(body)` as ASCII bytes, where the arrays under the keys of `arrays` come as encoded items.

    Byte for byte a full dumps: with the default separators and no indent, a value's encoding does
    not depend on where it sits. One join, because each intermediate copy of a large body (such as
    `b"[" + data + b"]"`) would take fresh pages for all of it again.
    """
    parts = [b"{"]
    for index, (key, value) in enumerate(body.items()):
        parts += [b", " if index else b"", json.dumps(key).encode("ascii"), b": "]
        if key not in arrays:
            parts.append(json.dumps(value).encode("ascii"))
            continue
        parts.append(b"[")
        for position, item in enumerate(arrays[key]):
            parts += [b", " if position else b"", item]
        parts.append(b"]")
    parts.append(b"}")
    return b"".join(parts)


def error_body(
    message: str, *, type: str = "invalid_request_error", param: str | None = None, code: str | None = None
) -> JsonObject:
    """The API's error shape: `{"error": {message, type, param, code}}`, every key always present."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


class ErrorReply(Exception):
    """An error response raised from inside an operation; `core.handle` turns it into a response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = error_body(message, type=type, param=param, code=code)
        self.headers = dict(headers or {})

    def response(self) -> SandboxResponse:
        return SandboxResponse(self.status, self.body, self.headers)


def unknown_url(request: SandboxRequest) -> ErrorReply:
    return ErrorReply(404, f"Invalid URL ({request.method} {request.path})")


def method_not_allowed(request: SandboxRequest, allowed: Iterable[str]) -> ErrorReply:
    allow = ", ".join(allowed)
    return ErrorReply(405, f"Method {request.method} is not allowed for {request.path}.", headers={"allow": allow})
