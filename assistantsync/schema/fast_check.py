"""A fast, exact yes/no: is this instance valid under a generated schema? jsonschema words the errors.

Checking a valid file with jsonschema costs about a third of a millisecond, and nearly every file is
valid: `compile_schema` turns a schema into plain Python closures once, with the semantics of
jsonschema's Draft 2020-12 validator for each keyword it knows (types, `equal` for const and enum,
`re.search` for patterns...), so `validate_instance` only calls jsonschema, to word what is wrong,
when this says no. A keyword it does not know makes the whole schema Unsupported: never guessed.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping, Sequence, Sized
from typing import Any

Check = Callable[[Any], bool]
_ANNOTATIONS = frozenset({"$schema", "$comment", "$id", "title", "description", "default", "examples"})


class Unsupported(Exception):
    """The schema uses a keyword this module does not implement."""


def _integer(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float)
                                                                        and value.is_integer())


def _number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


_TYPES: Mapping[str, Check] = {
    "object": lambda value: isinstance(value, dict), "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str), "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None, "integer": _integer, "number": _number,
}


def equal(one: Any, two: Any) -> bool:
    """jsonschema's equality (`jsonschema._utils.equal`): True is not 1, 1 is 1.0."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(i, j) for i, j in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(key in two and equal(value, two[key]) for key, value in one.items())
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two  # both bools (the same one was caught above), or a bool and anything else
    return bool(one == two)


def compile_schema(schema: Any) -> Check:
    """A function telling exactly whether an instance is valid under `schema`; raises Unsupported."""
    if schema is True:
        return lambda value: True
    if schema is False:
        return lambda value: False
    if not isinstance(schema, dict):
        raise Unsupported(f"a schema must be an object or a boolean, not {type(schema).__name__}")
    # The object keywords share one isinstance test (each applies to objects only); the rest are checked as is.
    object_checks = [_OBJECT_KEYWORDS[keyword](argument, schema) for keyword, argument in schema.items()
                     if keyword in _OBJECT_KEYWORDS]
    checks = [_keyword(keyword, argument, schema) for keyword, argument in schema.items()
              if keyword not in _ANNOTATIONS and keyword not in ("then", "else") and keyword not in _OBJECT_KEYWORDS]
    if object_checks:
        on_objects = _every(object_checks)
        checks.append(lambda value: not isinstance(value, dict) or on_objects(value))
    return checks[0] if len(checks) == 1 else _every(checks)


def _every(checks: list[Check]) -> Check:
    """True when all `checks` pass (a loop: a generator per call would cost more than the checks)."""
    def check(value: Any) -> bool:
        for one in checks:
            if not one(value):
                return False
        return True

    return check


def _keyword(keyword: str, argument: Any, schema: Mapping[str, Any]) -> Check:
    if keyword == "type":
        names = [argument] if isinstance(argument, str) else argument
        if not set(names) <= set(_TYPES):
            raise Unsupported(f"type {argument!r}")
        kinds = [_TYPES[name] for name in names]
        if len(kinds) == 1:
            return kinds[0]
        return lambda value: any(kind(value) for kind in kinds)
    if keyword in _SIZES:
        kind, limit, most = _SIZES[keyword], int(argument), keyword.startswith("max")
        return lambda value: not isinstance(value, kind) or (len(value) <= limit if most else len(value) >= limit)
    if keyword in ("minimum", "maximum"):
        low = keyword == "minimum"
        return lambda value: not _number(value) or not (value < argument if low else value > argument)
    if keyword == "pattern":
        search = re.compile(argument).search
        return lambda value: not isinstance(value, str) or search(value) is not None
    if keyword == "const":
        return lambda value: equal(value, argument)
    if keyword == "enum":
        if all(isinstance(each, str) for each in argument):
            names = frozenset(argument)
            return lambda value: isinstance(value, str) and value in names
        return lambda value: any(equal(each, value) for each in argument)
    if keyword == "items" and "prefixItems" not in schema:
        item = compile_schema(argument)
        return lambda value: not isinstance(value, list) or all(item(each) for each in value)
    if keyword in ("allOf", "anyOf", "oneOf"):
        parts = [compile_schema(part) for part in argument]
        if keyword == "oneOf":
            return lambda value: sum(part(value) for part in parts) == 1
        if keyword == "allOf":
            return _every(parts)
        return lambda value: any(part(value) for part in parts)
    if keyword == "not":
        negated = compile_schema(argument)
        return lambda value: not negated(value)
    if keyword == "if":
        condition = compile_schema(argument)
        then, otherwise = compile_schema(schema.get("then", True)), compile_schema(schema.get("else", True))
        return lambda value: then(value) if condition(value) else otherwise(value)
    raise Unsupported(keyword)


def _properties(argument: Mapping[str, Any], schema: Mapping[str, Any]) -> Check:
    named = {name: compile_schema(sub) for name, sub in argument.items()}

    def check(value: Mapping[str, Any]) -> bool:
        for name, item in value.items():
            one = named.get(name)
            if one is not None and not one(item):
                return False
        return True

    return check


def _additional(argument: Any, schema: Mapping[str, Any]) -> Check:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known, extra = frozenset(schema.get("properties", {})), compile_schema(argument)
    return lambda value: all(extra(value[name]) for name in value if name not in known)


def _required(argument: Sequence[str], schema: Mapping[str, Any]) -> Check:
    return lambda value: all(name in value for name in argument)


def _property_names(argument: Any, schema: Mapping[str, Any]) -> Check:
    name_check = compile_schema(argument)
    return lambda value: all(name_check(name) for name in value)


def _dependent(argument: Mapping[str, Any], schema: Mapping[str, Any]) -> Check:
    dependents = {name: compile_schema(sub) for name, sub in argument.items()}
    return lambda value: all(check(value) for name, check in dependents.items() if name in value)


_OBJECT_KEYWORDS: Mapping[str, Callable[[Any, Mapping[str, Any]], Check]] = {
    "properties": _properties, "additionalProperties": _additional, "required": _required,
    "propertyNames": _property_names, "dependentSchemas": _dependent,
}
_SIZES: Mapping[str, type[Sized]] = {
    "maxLength": str, "minLength": str, "maxItems": list, "minItems": list, "maxProperties": dict,
    "minProperties": dict,
}
