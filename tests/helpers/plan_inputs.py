"""The plan engine's two inputs, made from literals: an assistant as the files declare it, and one as the live
service returns it (every server default filled in)."""

from __future__ import annotations

from typing import Any

from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY


def desired(key: str = "bot", pin: str | None = None, **fields: Any) -> DesiredResource:
    return DesiredResource(key, pin, Location(f"{key}.yaml", 1, 1), fields)


def server_object(
    ident: str = "asst_1", key: str | None = "bot", record: str | None = None, **fields: Any
) -> dict[str, Any]:
    """What the live service returns: every default filled in."""
    metadata = dict(fields.pop("metadata", {}))
    if key:
        metadata[IDENTITY_KEY] = key
    if record:
        metadata[STATE_KEY] = record
    base = {"id": ident, "object": "assistant", "created_at": 1, "name": None, "description": None,
            "instructions": None, "model": "gpt-4o", "tools": [], "tool_resources": {}, "metadata": metadata,
            "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
    return {**base, **fields}
