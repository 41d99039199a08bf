"""The one alias for JSON-shaped data, so signatures say what they carry."""

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
