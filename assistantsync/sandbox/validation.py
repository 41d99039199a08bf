"""Request bodies: parse them strictly, check them against the generated schemas, answer like the API.

The first schema issue becomes one OpenAI-shaped 400, with `param` as a path such as
`tools[0].function.name` and `code` one of `unknown_parameter`, `missing_required_parameter`,
`invalid_type` or `invalid_value`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from assistantsync.json_value import JsonObject, JsonPath, depth_exceeds, format_path
from assistantsync.sandbox.protocol import ErrorReply

MAX_DEPTH = 64  # deeper bodies are refused before anything recurses over them
MAX_MESSAGE_CHARS = 300  # schema messages quote the value, which may be a 256,000-character prompt

INVALID_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
    "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
)
# How assistantsync.schema.validate words the issues that map to the API's specific codes.
_UNKNOWN = re.compile(r"^unknown field '")
_REQUIRED = re.compile(r"^required field '(?P<name>[^']*)' is missing")
_WRONG_TYPE = re.compile(r", not (a string|an integer|a number|a boolean|a mapping|a list|null)$")


class Issue(Protocol):
    """What `assistantsync.schema.validate.validate_instance` returns per problem (its `SchemaIssue`)."""

    @property
    def path(self) -> JsonPath: ...

    @property
    def message(self) -> str: ...


Validator = Callable[[str, object], Sequence[Issue]]


def schema_validator(schema_name: str, instance: object) -> Sequence[Issue]:
    """The project's generated schemas; imported late so that the core's import stays cheap."""
    from assistantsync.schema.validate import validate_instance

    return validate_instance(schema_name, instance)


def parse_object(raw: bytes) -> JsonObject:
    """A request body as a JSON object; anything else is the API's 400."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float)
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise ErrorReply(400, INVALID_JSON) from None
    if not isinstance(value, dict):
        raise ErrorReply(400, f"Invalid body: expected a JSON object, but got {_json_kind(value)} instead.",
                         code="invalid_type")
    if depth_exceeds(value, MAX_DEPTH):
        raise ErrorReply(400, f"Invalid body: nested deeper than {MAX_DEPTH} levels.", code="invalid_value")
    return value


def check_body(validate: Validator, schema_name: str, body: JsonObject) -> None:
    """Raise the API's 400 for the first issue the schema finds."""
    issues = validate(schema_name, body)
    if issues:
        raise describe(issues[0])


def describe(issue: Issue) -> ErrorReply:
    """One schema issue as the API would word it (the field in `param`, never the whole value)."""
    message = issue.message
    if _UNKNOWN.search(message):
        param = _param(issue.path)  # the path ends at the unknown key itself
        return ErrorReply(400, f"Unknown parameter: '{param}'.", param=param, code="unknown_parameter")
    required = _REQUIRED.search(message)
    if required:
        param = _param((*issue.path, required["name"]))
        return ErrorReply(400, f"Missing required parameter: '{param}'.", param=param,
                          code="missing_required_parameter")
    param = _param(issue.path)
    where = f"'{param}'" if param else "body"
    wrong_type = bool(_WRONG_TYPE.search(message))
    return ErrorReply(400, f"Invalid {'type' if wrong_type else 'value'} for {where}: {_shorten(message)}.",
                      param=param, code="invalid_type" if wrong_type else "invalid_value")


def _param(path: JsonPath) -> str | None:
    return format_path(path) if path else None


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python's json would otherwise accept NaN and Infinity


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 overflows to inf, which JSON cannot carry back
        raise ValueError(f"{text} is out of range")
    return value


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "null" if value is None else "a number"

