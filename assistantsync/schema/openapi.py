"""OpenAPI schema objects to self-contained JSON Schema 2020-12, and the helpers to reshape the result.

Every `$ref` is inlined, OAS 3.0 `nullable` becomes a null union, and spec prose and vendor keys are dropped.
Unions without a discriminator are rewritten as `type`-discriminated if/then blocks: they accept the same
values, and an error then points inside the branch that was meant instead of at a vague oneOf failure.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject
from assistantsync.schema.subschemas import SCHEMA_MAPS, holds_schemas, map_subschemas

# Spec prose, labels and vendor keys never reach our files; `format: unixtime` is not a JSON Schema format.
_DROPPED = {"description", "title", "example", "examples", "deprecated", "externalDocs", "xml"}
_UNIONS = ("oneOf", "anyOf")
# Keywords that only constrain instances of one type, so they can share a schema with other types.
_OWN_KEYWORDS = {
    "string": {"maxLength", "minLength", "pattern"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
    "array": {"items", "prefixItems", "maxItems", "minItems", "uniqueItems", "contains"},
    "object": {"properties", "required", "additionalProperties", "maxProperties", "propertyNames"},
}
_OWN_KEYWORDS["integer"] = _OWN_KEYWORDS["number"]


def _kept(node: JsonObject) -> JsonObject:
    return {k: v for k, v in node.items()
            if k not in _DROPPED and not k.startswith("x-") and not (k == "format" and v == "unixtime")}


class Converter:
    """Turns OpenAPI schema objects into self-contained JSON Schema 2020-12."""

    def __init__(self, spec: JsonObject) -> None:
        self._spec = spec
        self._open_refs: list[str] = []  # refs being inlined, to refuse recursion instead of looping

    def target(self, ref: str) -> Any:
        node: Any = self._spec if ref.startswith("#/") else None
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise AssistantSyncError(f"OpenAPI spec: cannot resolve $ref {ref} (only local refs work)")
            node = node[part]
        return node

    def deref(self, node: Any) -> Any:
        """Follow the `$ref`s of a non-schema object (a request body, a response)."""
        while isinstance(node, dict) and "$ref" in node:
            node = self.target(node["$ref"])
        return node

    def schema(self, node: Any) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            raise AssistantSyncError(f"OpenAPI spec: expected a schema object, found {node!r}")
        node = _kept(node)
        # OAS 3.0 `nullable`. Portkey also writes it beside a `$ref` (response_format), where 3.0 says
        # siblings are ignored; we honour it anyway: that is its intent, and the OpenAI 3.1 spec agrees.
        if node.pop("nullable", False) is True:
            return self.schema({"anyOf": [node, {"type": "null"}]})
        if "$ref" in node:
            ref = node.pop("$ref")
            if ref in self._open_refs:
                raise AssistantSyncError(f"OpenAPI spec: recursive $ref {ref} cannot be inlined")
            self._open_refs.append(ref)
            target = self.schema(self.target(ref))
            self._open_refs.pop()
            return {"allOf": [target, self.schema(node)]} if node else target  # 3.1: siblings apply too
        out: JsonObject = {}
        for key, value in node.items():
            if key in _UNIONS:
                continue  # below: rewritten as one type-keyed schema where it can be
            if holds_schemas(key):
                out[key] = map_subschemas(key, value, self.schema)
            elif key == "enum" and isinstance(value, list) and len(value) == 1:
                out["const"] = copy.deepcopy(value[0])  # e.g. OpenAI's x-stainless-const enums
            else:
                out[key] = copy.deepcopy(value)
        for key in _UNIONS:
            if key in node:
                union = _union([self.schema(sub) for sub in self._splice(node[key], frozenset())])
                if union is not None and all(out.get(k, v) == v for k, v in union.items()):
                    out.update(union)
                else:
                    out[key] = [self.schema(sub) for sub in node[key]]
        return out

    def _splice(self, branches: list[Any], seen: frozenset[str]) -> list[Any]:
        """Inline branches that are bare unions, so `anyOf [ref to a oneOf, null]` is one flat list."""
        flat: list[Any] = []
        for branch in branches:
            core, refs = branch, seen
            while isinstance(core, dict) and list(_kept(core)) == ["$ref"] and core["$ref"] not in refs:
                refs, core = refs | {core["$ref"]}, self.target(core["$ref"])
            kept = _kept(core) if isinstance(core, dict) else {}
            nested = [kept[k] for k in _UNIONS if list(kept) == [k]]
            flat.extend(self._splice(nested[0], refs) if nested else [branch])
        return flat


def _union(branches: list[Any]) -> JsonObject | None:
    """The union as one schema keyed by JSON type (objects by their `type` field), or None if it can't be."""
    groups: dict[str, list[JsonObject]] = {}
    for branch in branches:
        if not isinstance(branch, dict) or not isinstance(branch.get("type"), str):
            return None
        groups.setdefault(branch["type"], []).append({k: v for k, v in branch.items() if k != "type"})
    parts: dict[str, JsonObject] = {}
    for kind, members in groups.items():
        part = members[0] if len(members) == 1 else _discriminated(members) if kind == "object" else None
        if part is None:
            return None
        parts[kind] = part
    kinds = list(parts)
    if {"integer", "number"} <= set(kinds):  # not disjoint: 1 is both, so a oneOf would reject it
        return None
    if len(kinds) == 1:
        return {"type": kinds[0], **parts[kinds[0]]}
    values = _enum_of(parts)
    if values is not None:
        return values
    merged: JsonObject = {"type": kinds}
    for kind, part in parts.items():
        for key, value in part.items():
            if key in merged or key not in _OWN_KEYWORDS.get(kind, set()) | {"default"}:
                cases = [{"if": {"type": k}, "then": p} for k, p in parts.items() if p]
                return {"type": kinds, "allOf": cases}
            merged[key] = value
    return merged


def _enum_of(parts: dict[str, JsonObject]) -> JsonObject | None:
    """`{type: [...], enum: [...]}` when every part is a value list (or a bare null), else None."""
    values: list[Any] = []
    defaults = [part["default"] for part in parts.values() if "default" in part]
    for kind, part in parts.items():
        rest = set(part) - {"default"}
        if kind == "null" and not part:
            values.append(None)
        elif rest == {"const"}:
            values.append(part["const"])
        elif rest == {"enum"}:
            values.extend(part["enum"])
        else:
            return None
    if len(defaults) > 1:
        return None
    return {"type": list(parts), "enum": values, **({"default": defaults[0]} if defaults else {})}


def _discriminated(members: list[JsonObject]) -> JsonObject | None:
    """Object branches told apart by a required `type` field: an enum plus one if/then per branch."""
    tags: list[Any] = []
    cases: list[JsonObject] = []
    for member in members:
        tag = member.get("properties", {}).get("type")
        values = [tag["const"]] if isinstance(tag, dict) and "const" in tag else (tag or {}).get("enum") or []
        if not values or "type" not in member.get("required", []) or any(v in tags for v in values):
            return None
        tags += values
        match = {"const": values[0]} if len(values) == 1 else {"enum": values}
        cases.append({"if": {"properties": {"type": match}, "required": ["type"]}, "then": member})
    return {"properties": {"type": {"enum": tags}}, "required": ["type"], "allOf": cases}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def at(schema: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(schema, dict) or key not in schema:
            raise AssistantSyncError(f"OpenAPI spec: unexpected shape, no {'.'.join(keys)}")
        schema = schema[key]
    return schema


def variants(schema: Any) -> Iterator[JsonObject]:
    """The concrete object shapes of a schema, looking through the if/then blocks of `_union`."""
    if not isinstance(schema, dict):
        return
    cases = [case["then"] for case in schema.get("allOf", []) if "then" in case]
    if not cases:
        yield schema
    for case in cases:
        yield from variants(case)


def field_schema(schema: JsonObject, name: str) -> JsonObject | None:
    """The schema of property `name`, if schema has it."""
    found = schema.get("properties", {}).get(name)
    return found if isinstance(found, dict) else None


def close(schema: Any) -> None:
    """Forbid unknown keys in every object that lists its properties (not in `if`s: they only select)."""
    if isinstance(schema, list):
        for sub in schema:
            close(sub)
        return
    if not isinstance(schema, dict):
        return
    if "properties" in schema and "additionalProperties" not in schema and "allOf" not in schema:
        schema["additionalProperties"] = False
    for key, value in schema.items():
        if key in SCHEMA_MAPS:
            close(list(value.values()))
        elif holds_schemas(key) and key != "if":
            close(value)
