"""The agent's own names in the file format: its schema's file name, its `kind`, and the agent name rule.

`$(?!\n)`: as in files/file_format.py, it stops Python's `$` from matching before a final newline.
"""

from __future__ import annotations

AGENT_SCHEMA = "agent.schema.json"
# The document's `kind`: documents without one stay assistants, so existing repositories keep working.
AGENT_KIND = "agent"
# The one definition kind the file format takes (PromptAgentDefinition); the spec's others are out of scope.
DEFINITION_KIND = "prompt"
NAME_MAX_CHARS = 63
# The API's prose rule (alphanumeric at both ends, hyphens inside, at most 63 characters) as a regex.
NAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$(?!\n)"
# Foundry's limits on metadata, stated in prose only; the tool's reserved keys take their room, as for assistants.
METADATA_MAX_PAIRS = 16
METADATA_KEY_MAX_CHARS = 64
METADATA_VALUE_MAX_CHARS = 512
DESCRIPTION_MAX_CHARS = 512
