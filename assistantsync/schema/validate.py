"""The generated JSON Schemas at run time: find and load them, validate, and word the errors ourselves.

Generation lives in schema.generate (and schema.openapi), which nothing here imports: runs that only
validate never load the generator. fast_check says yes or no; jsonschema, imported only for an instance that
check rejects, finds the errors to word.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from assistantsync.errors import AssistantSyncError
from assistantsync.files.file_format import KEY_PATTERN, NAME_PATTERN
from assistantsync.json_value import JsonObject, JsonPath, format_path
from assistantsync.kinds.agent.file_format import NAME_PATTERN as AGENT_NAME_PATTERN
from assistantsync.kinds.assistant.file_format import ASSISTANT_SCHEMA, ID_PATTERN
from assistantsync.kinds.assistant.metadata_limits import METADATA_MAX_PAIRS, USER_METADATA_MAX_PAIRS
from assistantsync.plan.reserved import RESERVED_METADATA_KEYS
from assistantsync.schema.fast_check import Check, compile_check

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

__all__ = ["ASSISTANT_SCHEMA", "SchemaIssue", "load_schema", "schema_path", "validate_assistant", "validate_instance"]

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
# The wheel force-includes the top-level schemas/ as assistantsync/schemas; an editable install has neither
# copy nor link, so the source checkout's folder is the fallback.
_SCHEMA_DIRS = (_PACKAGE_DIR / "schemas", _PACKAGE_DIR.parent / "schemas")

_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "object": "a mapping", "array": "a list", "null": "null"}
_PATTERN_HINTS = {
    KEY_PATTERN: "must be 1-64 characters, each a lowercase letter, digit, '.', '_' or '-'",
    ID_PATTERN: "must be an assistant id: 'asst_' then letters, digits, '_' or '-'",
    NAME_PATTERN: "must be 1-64 characters, each a letter, digit, '_' or '-'",
    AGENT_NAME_PATTERN: "must be an agent name: 1-63 letters, digits and hyphens, starting and ending with a letter "
                        "or digit",
}
_VECTOR_STORES_HINT = ("vector_stores is a create-only helper and is not part of the file format: "
                       "create the vector store separately and list its id in vector_store_ids")


@dataclass(frozen=True)
class SchemaIssue:
    """One schema violation: where (a JSON path into the instance) and what, in our words."""

    path: JsonPath
    message: str

    def __str__(self) -> str:
        return f"{format_path(self.path)}: {self.message}"


def schema_path(name: str) -> Path:
    """Where the schema file `name` is: inside the installed package, else in the source checkout."""
    for folder in _SCHEMA_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise AssistantSyncError(f"schema {name} not found in {' or '.join(map(str, _SCHEMA_DIRS))}; "
                             "reinstall assistantsync or run `assistantsync schema generate`")


@functools.cache
def load_schema(name: str) -> JsonObject:
    """The parsed schema file `name` (cached: treat it as read-only)."""
    loaded = json.loads(schema_path(name).read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise AssistantSyncError(f"schema {schema_path(name)} is not a JSON object")
    return loaded


def validate_instance(schema_name: str, instance: object) -> list[SchemaIssue]:
    """Every violation of schema `schema_name` by instance (JSON data as json.loads or the YAML loader builds
    it), sorted by path then message."""
    valid = _fast_check(schema_name)
    if valid is not None and valid(instance):
        return []  # nothing to word: jsonschema (and its import) is only needed for an invalid instance
    file_format = schema_name == ASSISTANT_SCHEMA
    issues = {issue for error in _validator(schema_name).iter_errors(cast(Any, instance))
              for issue in _issues(error, file_format)}
    return sorted(issues, key=lambda issue: (_path_key(issue.path), issue.message))


def validate_assistant(data: object) -> list[SchemaIssue]:
    """Every violation of the assistant file format (one YAML document) by data."""
    return validate_instance(ASSISTANT_SCHEMA, data)


@functools.cache
def _fast_check(name: str) -> Check | None:
    return compile_check(load_schema(name))


@functools.cache
def _validator(name: str) -> Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def _path_key(path: JsonPath) -> tuple[tuple[int, int, str], ...]:
    """Sort list indexes numerically (tools[2] before tools[10]) and never compare an int with a str."""
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def _issues(error: ValidationError, file_format: bool) -> list[SchemaIssue]:
    path: JsonPath = tuple(error.absolute_path)
    kind: Any = error.validator  # typed `| Unset` by the stubs; always set on the errors iter_errors yields
    value: Any = error.validator_value
    instance: Any = error.instance
    rule = error.relative_schema_path
    if kind in ("anyOf", "oneOf"):
        return _union_issues(error, path, file_format)
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        patterns = error.schema.get("patternProperties", {}) if isinstance(error.schema, dict) else {}
        unknown = [k for k in instance
                   if k not in allowed and not any(re.search(p, str(k)) for p in patterns)]
        return [SchemaIssue(path + (k,), _unknown_field(path + (k,), allowed, file_format)) for k in unknown]
    if kind == "required" and isinstance(instance, dict):
        # A misspelt required field (vector_stores for vector_store_ids) is one mistake: report it once.
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        closed = isinstance(error.schema, dict) and error.schema.get("additionalProperties") is False
        unknown = [k for k in instance if closed and isinstance(k, str) and k not in known]
        import difflib  # only for a document with a problem

        return [SchemaIssue(path, f"required field '{name}' is missing") for name in value
                if name not in instance and not difflib.get_close_matches(name, unknown, cutoff=0.8)]
    if len(rule) >= 2 and rule[-2] == "propertyNames":  # reported at the mapping; we point at the key
        message = (f"'{instance}' is reserved for assistantsync" if kind == "not"
                   else f"key {_message(kind, value, instance)}")
        return [SchemaIssue(path + (instance,), message)]
    if kind == "not" and len(rule) >= 3 and rule[-3] == "dependentSchemas":
        field, other = str(rule[-2]), value.get("required", ["?"])[0]
        return [SchemaIssue(path + (field,), f"{other} and {field} are mutually exclusive: keep one")]
    return [SchemaIssue(path, _message(kind, value, instance))]


def _unknown_field(path: JsonPath, allowed: list[str], file_format: bool) -> str:
    if file_format and path[-3:] == ("tool_resources", "file_search", "vector_stores"):
        return _VECTOR_STORES_HINT
    import difflib  # only for a document with a problem

    # 0.75 suggests 'name' for 'nmae' and 'model' for 'modle' but not 'kind' for 'id' (0.67): a far-fetched
    # guess would mislead more than the allowed list that follows it.
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.75)
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown field '{path[-1]}' ({guess}allowed: {', '.join(sorted(allowed)) or 'none'})"


def _union_issues(error: ValidationError, path: JsonPath, file_format: bool) -> list[SchemaIssue]:
    """One branch's errors, not every branch's: the spec's remaining unions (model, create's file_search)."""
    branches: Any = error.validator_value
    instance: Any = error.instance
    if all(isinstance(b, dict) and list(b) == ["required"] and len(b["required"]) == 1 for b in branches):
        names = [b["required"][0] for b in branches]  # "exactly one of these keys"
        if error.context:
            return [SchemaIssue(path, f"needs one of: {', '.join(names)}")]
        present = [n for n in names if isinstance(instance, dict) and n in instance]
        return [SchemaIssue(path, f"{' and '.join(present)} are mutually exclusive: keep one")]
    if not error.context:
        return [SchemaIssue(path, "matches more than one allowed form")]
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    plausible = [subs for subs in by_branch.values()
                 if not any(s.validator == "type" and not s.relative_path for s in subs)]
    if not plausible:  # the value has the wrong type for every branch
        expected: list[Any] = [s.validator_value for subs in by_branch.values() for s in subs
                               if s.validator == "type"]
        types = [t for e in expected for t in ([e] if isinstance(e, str) else e)]
        return [SchemaIssue(path, _message("type", list(dict.fromkeys(types)), instance))]
    if len(plausible) == 1:
        return [issue for sub in plausible[0] for issue in _issues(sub, file_format)]
    from jsonschema.exceptions import best_match

    best = best_match([sub for subs in plausible for sub in subs])
    return _issues(best, file_format) if best is not None else [SchemaIssue(path, error.message)]


def _message(kind: str | None, value: Any, instance: Any) -> str:
    """Our wording of one failed keyword."""
    size = len(instance) if isinstance(instance, (str, list, dict)) else 0
    if kind == "type":
        names = [_TYPE_NAMES.get(t, t) for t in ([value] if isinstance(value, str) else value)]
        wanted = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        return f"must be {wanted}, not {_TYPE_NAMES.get(_json_type(instance), _json_type(instance))}"
    if kind == "enum":
        return f"must be one of: {', '.join(_show(v) for v in value)}"
    if kind == "const":
        return f"must be '{value}'" if isinstance(value, str) else f"must be {_show(value)}"
    if kind == "pattern":
        return _PATTERN_HINTS.get(value, f"must match the pattern {value}")
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "greater than",
                 "exclusiveMaximum": "less than"}
        return f"must be {words[kind]} {_show(value)}"
    if kind == "minLength" and value == 1:
        return "must not be empty"
    if kind in ("minLength", "maxLength"):
        return f"must be at {'least' if kind == 'minLength' else 'most'} {value} characters long, not {size}"
    if kind in ("minItems", "maxItems"):
        bound = "least" if kind == "minItems" else "most"
        return f"must have at {bound} {value} item{'s' if value != 1 else ''}, not {size}"
    if kind in ("minProperties", "maxProperties"):
        bound = "least" if kind == "minProperties" else "most"
        reserved = (f" ({len(RESERVED_METADATA_KEYS)} of the API's {METADATA_MAX_PAIRS} are reserved for "
                    "assistantsync)" if kind == "maxProperties" and value == USER_METADATA_MAX_PAIRS else "")
        return f"must have at {bound} {value} pairs, not {size}{reserved}"
    if kind == "uniqueItems":
        return "must not contain duplicates"
    if kind in (None, "not", "false"):  # a `false` schema has no keyword
        return "is not allowed here"
    return f"is invalid ({kind})"


def _json_type(instance: object) -> str:
    kinds = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"),
             (dict, "object"), (type(None), "null"))  # bool first: it is an int subclass
    return next((name for kind, name in kinds if isinstance(instance, kind)), type(instance).__name__)


def _show(value: object) -> str:
    return json.dumps(value) if value is None or isinstance(value, bool) else str(value)
