"""The assistant (OpenAI Assistants API v2) as the engine sees it: `ASSISTANT`, the one kind the tool ships.

Its field table and server defaults are in normalise.py; this module adds what the record and the API
paths need. Nothing outside kinds/assistant/ names an assistant field.
"""

from __future__ import annotations

from assistantsync.kinds.assistant.file_document import to_document
from assistantsync.kinds.assistant.file_format import ASSISTANT_SCHEMA
from assistantsync.kinds.assistant.metadata_limits import METADATA_MAX_PAIRS
from assistantsync.kinds.assistant.normalise import (
    API_DEFAULTS,
    API_FIELDS,
    ORDERED_PATHS,
    WRITE_ONLY_FIELDS,
    align_resolved,
    normalise_field,
    resolved_readings,
)
from assistantsync.kinds.kind import ResourceKind

# The record's short code of each field (`v1 m=…;t=…`). Records already written to live metadata are read by
# these codes: never change or reuse one.
FIELD_CODES = {
    "model": "m", "name": "n", "description": "d", "instructions": "i", "tools": "t",
    "tool_resources": "r", "metadata": "md", "temperature": "te", "top_p": "tp",
    "response_format": "rf", "reasoning_effort": "re",
}

ASSISTANT = ResourceKind(
    name="assistant",
    plural="assistants",
    collection_path="/assistants",
    fields=API_FIELDS,
    write_only=WRITE_ONLY_FIELDS,
    defaults=API_DEFAULTS,
    record_codes=FIELD_CODES,
    normalise=normalise_field,
    schema_file=ASSISTANT_SCHEMA,
    metadata_field="metadata",
    metadata_max_pairs=METADATA_MAX_PAIRS,
    display_name_field="name",
    align_resolved=align_resolved,
    resolved_readings=resolved_readings,
    to_document=to_document,
    required_live_fields=("model",),
    long_text_field="instructions",
    ordered_paths=ORDERED_PATHS,
)
