"""Where a JSON Schema holds other schemas: the one list both schema walks (convert, extract) follow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Keywords whose value is a map of schemas, a list of schemas, or one schema; every other keyword's value is data.
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
SCHEMA_VALUES = frozenset({"items", "additionalProperties", "not", "if", "then", "else", "propertyNames",
                           "contains", "unevaluatedProperties", "unevaluatedItems", "contentSchema"})


def holds_schemas(key: str) -> bool:
    return key in SCHEMA_MAPS or key in SCHEMA_LISTS or key in SCHEMA_VALUES


def map_subschemas(key: str, value: Any, walk: Callable[[Any], Any]) -> Any:
    """The value of keyword `key` (one that holds schemas) with `walk` applied to each schema in it."""
    if key in SCHEMA_MAPS:
        return {name: walk(sub) for name, sub in value.items()}
    if key in SCHEMA_LISTS:
        return [walk(sub) for sub in value]
    return walk(value)
