"""The Foundry agent (`api-version=v1`, named agents with immutable versions) as the engine sees it: `AGENT`.

Its identity is its name (`key_is_id`): a file's `name` is its key, and a live agent is matched by name. Every
write makes a version (`whole_versions`); the tool's record and the git commit go in that version's metadata.
Nothing outside kinds/agent/ names an agent field.
"""

from __future__ import annotations

from assistantsync.kinds.agent.file_document import field_path, flat_fields, to_document
from assistantsync.kinds.agent.file_format import AGENT_SCHEMA, METADATA_MAX_PAIRS
from assistantsync.kinds.agent.normalise import AGENT_DEFAULTS, AGENT_FIELDS, ORDERED_PATHS, normalise_field
from assistantsync.kinds.agent.wire import from_wire, to_wire, unmanageable, update_path
from assistantsync.kinds.kind import ResourceKind

# The record's short code of each field. Records already written to live metadata are read by these codes:
# never change or reuse one.
FIELD_CODES = {
    "name": "n", "description": "d", "metadata": "md", "definition.model": "m", "definition.instructions": "i",
    "definition.temperature": "te", "definition.top_p": "tp", "definition.reasoning": "re",
    "definition.tools": "t", "definition.tool_choice": "tc", "definition.text": "tx",
    "definition.structured_inputs": "si", "definition.rai_config": "rc",
}

AGENT = ResourceKind(
    name="agent",
    plural="agents",
    collection_path="/agents",
    fields=AGENT_FIELDS,
    write_only=frozenset(),
    defaults=AGENT_DEFAULTS,
    record_codes=FIELD_CODES,
    normalise=normalise_field,
    schema_file=AGENT_SCHEMA,
    metadata_field="metadata",
    metadata_max_pairs=METADATA_MAX_PAIRS,
    display_name_field=None,  # the name is the identity: two agents never share one
    to_document=to_document,
    required_live_fields=("definition.model",),
    long_text_field="definition.instructions",
    ordered_paths=ORDERED_PATHS,
    key_is_id=True,
    key_field="name",
    whole_versions=True,
    update_word="new version",
    version_field="version",
    records_revision=True,
    label_prefix="agent ",
    headers={"OpenAI-Beta": None},  # the Assistants API's header: a Foundry client sends none
    query={"api-version": "v1"},  # every agents operation requires it; --api-version or the provider's wins
    from_wire=from_wire,
    to_wire=to_wire,
    update_path=update_path,
    unmanageable=unmanageable,
    document_fields=flat_fields,
    document_path=field_path,
)
