"""The agent name an assistant file becomes, and the refusal of two files that would become the same agent.

The rule: the agent name is the assistant file's key (the tool's identity for it, declared or the file name's
stem), lowercased, every run of characters other than ASCII letters and digits turned into one `-`, hyphens
stripped at both ends, cut to 63 characters and stripped again. That meets the agents API's rule (alphanumeric at
both ends, hyphens inside, at most 63 characters) by construction. The key, not the display `name`, is used: it is
already the stable identity in git, while a display name is free text that people edit. Lowercase keeps two files
apart even if Foundry compares names without case (its case sensitivity is unconfirmed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistantsync.errors import AssistantSyncError
from assistantsync.kinds.agent.file_format import NAME_MAX_CHARS
from assistantsync.migrate.report import AssistantFile


class UnusableName(AssistantSyncError):
    """A key from which no agent name can be made (it holds no letter or digit)."""


class NameCollision(AssistantSyncError):
    """Two assistant files would become the same agent."""


def agent_name(key: str) -> str:
    """The agent name for an assistant key under the rule above; "" when nothing is left."""
    dashed = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    return dashed[:NAME_MAX_CHARS].rstrip("-")


def agent_names(files: Sequence[AssistantFile]) -> tuple[str, ...]:
    """Each file's agent name, in order; refuses a key with no name in it and two files with the same name,
    naming both sources, since the second would silently become a new version of the first agent."""
    first_source: dict[str, AssistantFile] = {}
    names: list[str] = []
    for file in files:
        name = agent_name(file.key)
        if not name:
            raise UnusableName(f"{file.source}: key '{file.key}' holds no letter or digit to make an agent name "
                               f"from: set a key such as `key: my-agent`")
        earlier = first_source.setdefault(name, file)
        if earlier is not file:
            raise NameCollision(f"{file.source} (key '{file.key}') and {earlier.source} (key '{earlier.key}') "
                                f"would both become agent '{name}': give one of them another key")
        names.append(name)
    return tuple(names)
