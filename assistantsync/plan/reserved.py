"""Metadata keys the tool reserves for itself on every assistant it manages.

They live in the assistant's own metadata (no state file to lose or lock), like kubectl's
last-applied annotation. User files may not set them; the limits below leave room for them.
"""

from __future__ import annotations

from typing import Any

IDENTITY_KEY = "assistantsync_key"  # the file's `key`: how a live assistant is matched to its file
STATE_KEY = "assistantsync_state"  # compact per-field digests of what the tool last applied
RESERVED_METADATA_KEYS = (IDENTITY_KEY, STATE_KEY)

METADATA_MAX_PAIRS = 16  # the API's limit
USER_METADATA_MAX_PAIRS = METADATA_MAX_PAIRS - len(RESERVED_METADATA_KEYS)
METADATA_KEY_MAX_CHARS = 64
METADATA_VALUE_MAX_CHARS = 512


def live_metadata(live: dict[str, Any]) -> dict[str, Any]:
    """A live assistant's metadata map, where the reserved keys are read; {} when a server sends anything else
    (a list, a string): such an object holds no identity and no record, and its metadata is replaced whole."""
    metadata = live.get("metadata")
    return metadata if isinstance(metadata, dict) else {}
