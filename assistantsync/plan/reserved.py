"""Metadata keys the tool reserves for itself on every resource it manages, whatever its kind.

They live in the resource's own metadata map (its kind's `metadata_field`: no state file to lose or lock),
like kubectl's last-applied annotation. User files may not set them; a kind's limits leave room for them.
"""

from __future__ import annotations

from typing import Any

from assistantsync.kinds.kind import ResourceKind

IDENTITY_KEY = "assistantsync_key"  # the file's `key`: how a live resource is matched to its file
STATE_KEY = "assistantsync_state"  # compact per-field digests of what the tool last applied
RESERVED_METADATA_KEYS = (IDENTITY_KEY, STATE_KEY)


def live_metadata(kind: ResourceKind, live: dict[str, Any]) -> dict[str, Any]:
    """A live resource's metadata map, where the reserved keys are read; {} when a server sends anything else
    (a list, a string): such an object holds no identity and no record, and its metadata is replaced whole."""
    metadata = live.get(kind.metadata_field)
    return metadata if isinstance(metadata, dict) else {}


def user_metadata(value: Any) -> Any:
    """The user's own metadata: the map without the tool's reserved keys (null == {})."""
    if not isinstance(value, dict):
        return {} if value is None else value
    if IDENTITY_KEY not in value and STATE_KEY not in value:
        return value  # nothing to drop (a file's map, or one stripped already): no copy
    return {k: v for k, v in value.items() if k not in RESERVED_METADATA_KEYS}


def canonical(kind: ResourceKind, field: str, value: Any) -> Any:
    """A field's value as plans compare it: the kind's canonical form, its metadata map without the tool's keys
    (which are the tool's to compare, never the kind's)."""
    return kind.normalise(field, user_metadata(value) if field == kind.metadata_field else value)
