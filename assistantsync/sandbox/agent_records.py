"""The agents store of the Foundry agents API (shared/spec/FOUNDRY-AGENTS.md): named agents, immutable versions.

An agent is a name plus its versions, oldest first; the latest is the last one left. A stored version
dict is never changed after it is made, so responses hand it out uncopied: read it, never change it.
Version numbers count up per agent and are never reused while the agent exists, so they are
deterministic given the store; timestamps come from the caller.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from assistantsync.json_value import JsonObject
from assistantsync.sandbox.protocol import ErrorReply

NAME_MAX = 63
# "Must start and end with alphanumeric characters, can contain hyphens in the middle, must not exceed
# 63 characters"; upper case is accepted (the SDK's tests use `MyAgent`). Case sensitivity is [U]:
# names are compared exactly here.
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def name_problem(name: object) -> str | None:
    """Why `name` breaks the agent name rules, or None when it keeps them."""
    if not isinstance(name, str):
        return "must be a string"
    if len(name) > NAME_MAX:
        return f"must not exceed {NAME_MAX} characters"
    if not _NAME.fullmatch(name):
        return "must start and end with a letter or digit and contain only letters, digits and hyphens"
    return None


def not_found(message: str) -> ErrorReply:
    # 404 for a missing agent or version is [U]: the spec names only 4XX.
    return ErrorReply(404, message, code="not_found")


@dataclass
class StoredAgent:
    """One agent: its versions by version string, oldest first, and the last number it handed out."""

    name: str
    versions: dict[str, JsonObject] = field(default_factory=dict)
    last_number: int = 0

    def latest(self) -> JsonObject:
        return next(reversed(self.versions.values()))

    def public(self) -> JsonObject:
        """The `AgentObject`; its id is the name ([U]: the notes' example shows it so)."""
        return {"object": "agent", "id": self.name, "name": self.name, "state": "enabled",
                "versions": {"latest": self.latest()}}


class AgentStore:
    """Agents in creation order (the list order); `revision` grows on every write."""

    def __init__(self, agents: Iterable[StoredAgent] = ()) -> None:
        self._agents: dict[str, StoredAgent] = {agent.name: agent for agent in agents}
        self.revision = 0

    def __len__(self) -> int:
        return len(self._agents)

    def __iter__(self) -> Iterator[StoredAgent]:
        return iter(list(self._agents.values()))

    def find(self, name: str) -> StoredAgent | None:
        return self._agents.get(name)

    def get(self, name: str) -> StoredAgent:
        agent = self._agents.get(name)
        if agent is None:
            raise not_found(f"Agent '{name}' was not found.")
        return agent

    def version(self, name: str, version: str) -> JsonObject:
        found = self.get(name).versions.get(version)
        if found is None:
            raise not_found(f"Version '{version}' of agent '{name}' was not found.")
        return found

    def add_version(self, name: str, body: JsonObject, *, now: int) -> JsonObject:
        """A new version from a checked body (`definition`, optional `description`, `metadata`);
        makes the agent when the name is new."""
        agent = self._agents.setdefault(name, StoredAgent(name))
        agent.last_number += 1
        number = str(agent.last_number)
        version: JsonObject = {
            "object": "agent.version",
            "id": f"{name}:{number}",  # "name:version" is [U]: an SDK sample's hint
            "name": name,
            "version": number,
            # Metadata is required and nullable in the spec; an omitted one reads back as {} ([U]).
            "metadata": copy.deepcopy(body.get("metadata")) or {},
            "created_at": now,
            "definition": copy.deepcopy(body["definition"]),  # as sent: server-filled defaults are [U]
            "status": "active",
        }
        if isinstance(body.get("description"), str):  # a plain string in the spec, never null: else left out
            version["description"] = body["description"]
        agent.versions[number] = version
        self.revision += 1
        return version

    def remove_version(self, name: str, version: str) -> None:
        """Deleting the latest makes the one before it latest; deleting the last version removes the
        agent, since an `AgentObject` must have a latest version (both [U])."""
        self.version(name, version)
        agent = self._agents[name]
        del agent.versions[version]
        if not agent.versions:
            del self._agents[name]
        self.revision += 1

    def remove(self, name: str) -> None:
        self.get(name)
        del self._agents[name]
        self.revision += 1
