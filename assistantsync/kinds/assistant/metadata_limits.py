"""The Assistants API's limits on an assistant's metadata map, and the pairs they leave a file once the tool's
reserved keys are in. The schema states them all; plans check the pair count through ASSISTANT."""

from __future__ import annotations

from assistantsync.plan.reserved import RESERVED_METADATA_KEYS

METADATA_MAX_PAIRS = 16
USER_METADATA_MAX_PAIRS = METADATA_MAX_PAIRS - len(RESERVED_METADATA_KEYS)
METADATA_KEY_MAX_CHARS = 64
METADATA_VALUE_MAX_CHARS = 512
