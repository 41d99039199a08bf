"""JSON-shaped data: the aliases signatures use, and the two helpers every stage needs (paths, depth)."""

from __future__ import annotations

from typing import Any

JsonObject = dict[str, Any]
JsonPath = tuple[str | int, ...]


def format_path(path: JsonPath) -> str:
    """Render a JSON path as `tools[0].function.name` (empty path: `<document>`)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<document>"


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether JSON-shaped `value` nests more than `limit` levels (a scalar is one level).

    A loop, not recursion: the point is to survive data deep enough to exhaust the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return False
