"""Key order as part of a JSON value, where a kind says it is (ResourceKind.ordered_paths).

Everywhere else the order of an object's keys means nothing: canonical JSON sorts them and plans compare
without them. Inside a JSON Schema that Structured Outputs follow it is the order of the model's output, so
there the canonical form marks the object at each such path `KeyOrdered`: equal only in the same order at every
depth, written in its order by canonical JSON (plan/record.py) and by the plan's YAML (files/yaml_write.py), and a
reorder inside it is a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistantsync.json_value import JsonPath

EVERY_ITEM = "[*]"  # in an ordered path: every item of a list
REORDERED = "keys reordered"  # in a change's details: the same keys, in another order


class KeyOrdered(dict[str, Any]):
    """A JSON object whose key order, and that of every object inside it, is part of its value.

    Only the object at an ordered path is marked: what it holds is plain data, whose order counts because it is
    inside. Equal only to an object holding the same in the same order, at every depth."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, dict) and dict.__eq__(self, other) and _same_order(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # a dict: unhashable


def _same_order(first: Any, second: Any) -> bool:
    """Whether two equal values have their objects' keys in the same order, at every depth."""
    if isinstance(first, dict) and isinstance(second, dict):
        return list(first) == list(second) and all(_same_order(first[key], second[key]) for key in first)
    if isinstance(first, list) and isinstance(second, list):
        return all(_same_order(a, b) for a, b in zip(first, second, strict=False))
    return True


def with_ordered_paths(paths: Sequence[JsonPath], field: str, value: Any) -> Any:
    """A field's `value` with the objects at `paths` (those starting with `field`) marked KeyOrdered; the rest
    shared, never changed in place."""
    for path in paths:
        if path and path[0] == field:
            value = _ordered_at(value, path[1:])
    return value


def _ordered_at(value: Any, path: JsonPath) -> Any:
    if not path:
        return KeyOrdered(value) if isinstance(value, dict) else value
    step, rest = path[0], path[1:]
    if step == EVERY_ITEM:
        return [_ordered_at(item, rest) for item in value] if isinstance(value, list) else value
    if isinstance(value, dict) and step in value:
        return {**value, step: _ordered_at(value[step], rest)}
    return value


def holds_key_ordered(value: Any) -> bool:
    """Whether a KeyOrdered object is anywhere in `value` (a loop: values may nest deep)."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            if isinstance(item, KeyOrdered):
                return True
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return False


def in_canonical_order(value: Any) -> Any:
    """`value` with the keys of every object sorted, except inside a KeyOrdered (kept as it is): what canonical
    JSON writes in order. Only what lies outside the ordered objects is copied."""
    if isinstance(value, KeyOrdered):
        return value
    if isinstance(value, dict):
        return {key: in_canonical_order(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [in_canonical_order(item) for item in value]
    return value


def reorderings(before: Any, after: Any, at: str = "", ordered: bool = False) -> list[str]:
    """Where two values hold the same keys in another order inside a KeyOrdered, as `.path: a, b -> b, a`."""
    found: list[str] = []
    if isinstance(before, dict) and isinstance(after, dict):
        ordered = ordered or (isinstance(before, KeyOrdered) and isinstance(after, KeyOrdered))
        old, new = [k for k in before if k in after], [k for k in after if k in before]
        if ordered and old != new:
            found.append(f"{at or '.'}: {REORDERED}: {', '.join(old)} -> {', '.join(new)}")
        for key in new:
            found.extend(reorderings(before[key], after[key], f"{at}.{key}", ordered))
    elif isinstance(before, list) and isinstance(after, list):
        for index, (old_item, new_item) in enumerate(zip(before, after, strict=False)):
            found.extend(reorderings(old_item, new_item, f"{at}[{index}]", ordered))
    return found


def marked_within(value: Any) -> Any:
    """What a KeyOrdered holds, each object in it marked too: for writers that sort every unmarked object."""
    if isinstance(value, dict):
        return KeyOrdered(value)
    if isinstance(value, list):
        return [marked_within(item) for item in value]
    return value
