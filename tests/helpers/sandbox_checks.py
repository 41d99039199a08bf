"""Conformance: every body the sandbox sends must match the generated response schemas.

`assert_conforms(status, body)` picks the schema by the body's `object`; error bodies must have
exactly the API's error shape. `check_httpx_response` plugs the same check into an httpx client
as a response event hook, so every response a test receives is checked without extra lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from assistantsync.schema.validate import validate_instance

SCHEMA_BY_OBJECT = {
    "assistant": "assistant-object.schema.json",
    "list": "list-assistants-response.schema.json",
    "assistant.deleted": "delete-assistant-response.schema.json",
}
ERROR_KEYS = {"message", "type", "param", "code"}


class HttpResponse(Protocol):
    """The part of an httpx (or the openai SDK's httpx2) response the check reads."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def request(self) -> Any: ...

    def read(self) -> bytes: ...

    def json(self, **kwargs: Any) -> Any: ...


def assert_conforms(status: int, body: Any) -> None:
    assert isinstance(body, dict), body
    if status >= 400:
        assert_error_shape(body)
        return
    assert 200 <= status < 300, status
    schema = SCHEMA_BY_OBJECT.get(str(body.get("object")))
    assert schema is not None, f"unexpected success body: {body}"
    issues = validate_instance(schema, body)
    assert not issues, f"{schema}: {issues} in {body}"
    if schema == SCHEMA_BY_OBJECT["assistant"]:
        assert "reasoning_effort" not in body  # write-only: never returned


def assert_error_shape(body: Any) -> None:
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error, dict) and set(error) == ERROR_KEYS, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["type"], str), error
    assert error["param"] is None or isinstance(error["param"], str), error
    assert error["code"] is None or isinstance(error["code"], str), error


def check_httpx_response(response: HttpResponse) -> None:
    """An httpx `response` event hook: reads the body and checks it (control endpoints excepted)."""
    if response.request.url.path.startswith("/__sandbox"):
        return
    response.read()
    assert response.headers.get("content-type") == "application/json"
    assert_conforms(response.status_code, response.json())
