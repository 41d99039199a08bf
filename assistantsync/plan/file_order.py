"""The order a plan presents values in: the file's.

A plan compares values without key order (except where a kind says it counts, key_order.py), so the order it
shows them in is free: a reviewer reads the file's. A create shows the file's own values; an update shows the
live value with its keys put in the order the file's value has them, keys only the live object has after them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assistantsync.key_order import KeyOrdered


def fields_in_file_order(declared: Iterable[str], fields: Iterable[str]) -> list[str]:
    """The kind's `fields`: those the file declares in its order, then the others in the kind's order."""
    known = list(fields)
    first = [name for name in declared if name in known]
    return first + [name for name in known if name not in first]


def in_file_order(value: Any, template: Any) -> Any:
    """`value` with each object's keys in the order `template` (the file's value) has them, at every depth; keys
    the template lacks follow in their own order. List items keep their order: each is ordered after the
    template's item of the same `type` (a tool), or else the one at its index. A KeyOrdered object is kept as it
    is: there the order is part of the value, and a reorder is the change to show."""
    if isinstance(value, KeyOrdered):
        return value
    if isinstance(value, dict):
        if not isinstance(template, Mapping):
            return value
        keys = [key for key in template if key in value] + [key for key in value if key not in template]
        return {key: in_file_order(value[key], template.get(key)) for key in keys}
    if isinstance(value, list) and isinstance(template, list):
        return [in_file_order(item, _template_item(item, index, template)) for index, item in enumerate(value)]
    return value


def _template_item(item: Any, index: int, template: list[Any]) -> Any:
    """The template's item to order `item` by: the only one of its `type`, else the one at its index."""
    if isinstance(item, dict) and "type" in item:
        typed = [other for other in template if isinstance(other, dict) and other.get("type") == item["type"]]
        if len(typed) == 1:
            return typed[0]
    return template[index] if index < len(template) else None
