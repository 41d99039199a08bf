"""What a server wrote, as an error message shows it: masked first, then on one line and escaped, then cut;
a cut never shows the start of a key, half an escape or half a mask."""

from __future__ import annotations

import json

import pytest

from assistantsync.api.errors import ApiError, ErrorBody, excerpt, parse_error_body

KEY = "sk-test-SECRET-1234567890abcdef"
SECRETS = frozenset({KEY})

EXCERPTS = [
    pytest.param("a" * 280 + " " + KEY + " is invalid", "a" * 280 + " *** is invalid", id="key-straddling-the-cut"),
    pytest.param("a" * 295 + KEY + "b" * 10, "a" * 295 + "***bb...", id="key-straddling-then-cut-after-it"),
    pytest.param("a" * 298 + KEY, "a" * 298 + "...", id="no-half-mask"),
    pytest.param("a" * 290 + " sk-test-SEC\nRET-1234567890abcdef", "a" * 290 + " ***", id="split-key-straddling"),
    pytest.param("a" * 297 + "\u202eb", "a" * 297 + "...", id="no-half-escape"),
    pytest.param("a" * 293 + "\u202eb", "a" * 293 + "\\u202eb", id="escape-that-fits"),
    pytest.param("bad\x1b[2J request\u2028id", "bad\\x1b[2J request id", id="one-line-and-escaped"),
    pytest.param("<html><p>key " + KEY.upper() + "</p></html>", "key ***", id="html-page"),
]


@pytest.mark.parametrize(("body", "expected"), EXCERPTS)
def test_an_excerpt_is_masked_escaped_then_cut(body: str, expected: str) -> None:
    assert excerpt(body, SECRETS) == expected


BODIES = [
    pytest.param({"error": {"message": "bad key sk-test-SEC\nRET-1234567890abcdef\n::error::forged",
                            "code": "invalid\u202ekey", "param": KEY.lower(), "type": "auth\x1b[31m"}},
                 ErrorBody(message="bad key ***\\n::error::forged", code="invalid\\u202ekey", param="***",
                           type="auth\\x1b[31m"), id="openai-shape"),
    pytest.param({"detail": [{"loc": ["body", KEY], "msg": "line\nbreak"}]},
                 ErrorBody(message="body.***: line\\nbreak"), id="fastapi-validation"),
    pytest.param({"status": "failure", "message": "c2stdGVzdC1TRUNSRVQtMTIzNDU2Nzg5MGFiY2RlZg=="},
                 ErrorBody(message="***"), id="portkey-base64"),
    pytest.param({"oops": "a" * 270 + KEY}, ErrorBody(message='{"oops": "' + "a" * 270 + '***"}'),
                 id="unknown-json-straddling"),
]


@pytest.mark.parametrize(("body", "expected"), BODIES)
def test_every_field_of_a_json_body_is_masked_and_on_one_line(body: object, expected: ErrorBody) -> None:
    assert parse_error_body(json.dumps(body), SECRETS) == expected


def test_a_plain_text_body_is_masked_before_it_is_cut() -> None:
    body = parse_error_body("a" * 280 + " " + KEY + " is invalid", SECRETS)
    assert body == ErrorBody(message="a" * 280 + " *** is invalid")


def test_an_error_escapes_its_request_id_and_detail() -> None:
    error = ApiError("GET", "/v1/assistants", f"400 Bad Request: {KEY}\nagain", status=400,
                     request_id=f"req\x1b[2J{KEY.upper()}", secrets=SECRETS)
    assert (error.detail, error.request_id) == ("400 Bad Request: ***\\nagain", "req\\x1b[2J***")
    assert str(error) == "GET /v1/assistants: 400 Bad Request: ***\\nagain (request id req\\x1b[2J***)"
