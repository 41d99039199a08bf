"""The assistant store: records in creation order, each record's JSON encoding, and the list ranking.

Invariant: a stored record is replaced, never mutated. Create and modify build a new `public`
dict and `put` it; nothing changes a stored dict in place. That is what lets get and list hand
out the stored dicts without copying them, encode each record once, and keep the ranking until
the next write. A response body from get or list shares the store's dicts: read it, never change it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from assistantsync.json_value import JsonObject
from assistantsync.sandbox.agent_records import AgentStore
from assistantsync.sandbox.protocol import ErrorReply


@dataclass
class StoredAssistant:
    """One assistant: the object exactly as the API returns it, plus the fields it never returns."""

    public: JsonObject
    write_only: JsonObject = field(default_factory=dict)

    @cached_property
    def encoded(self) -> bytes:
        """`public` as `json.dumps` writes it, alone or nested in any larger body (cached: see the invariant)."""
        return json.dumps(self.public).encode("ascii")


@dataclass(frozen=True)
class Ranking:
    """The list endpoint's order: oldest first by created_at, ties in creation order."""

    ascending: tuple[StoredAssistant, ...]
    position: Mapping[str, int]  # id -> index in `ascending`


class Store:
    """Assistants in creation order, and the Foundry agents beside them; `revision` grows on every write
    (of either), so callers can tell reads from writes."""

    def __init__(self, records: Iterable[StoredAssistant] = (), revision: int = 0,
                 agents: AgentStore | None = None) -> None:
        self._records: dict[str, StoredAssistant] = {r.public["id"]: r for r in records}
        self.revision = revision
        self.agents = agents if agents is not None else AgentStore()
        self._ranking: tuple[int, Ranking] | None = None  # and the revision it was made at: any write moves it

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, assistant_id: object) -> bool:
        return assistant_id in self._records

    def get(self, assistant_id: str) -> StoredAssistant:
        record = self._records.get(assistant_id)
        if record is None:
            raise ErrorReply(404, f"No assistant found with id '{assistant_id}'.")
        return record

    def put(self, record: StoredAssistant) -> None:
        """Store a new record, or replace one whole; never change a stored record in place."""
        self._records[record.public["id"]] = record  # a replaced id keeps its place in creation order
        self.revision += 1

    def remove(self, assistant_id: str) -> None:
        del self._records[assistant_id]
        self.revision += 1

    def clear(self) -> None:
        self._records.clear()
        self.agents = AgentStore()
        self.revision += 1

    def in_creation_order(self) -> list[StoredAssistant]:
        return list(self._records.values())

    def ranking(self) -> Ranking:
        """Sorted once per revision: paging through N records costs O(N log N) once, not per page."""
        if self._ranking is None or self._ranking[0] != self.revision:
            records = self.in_creation_order()
            pairs = sorted(enumerate(records), key=lambda pair: (pair[1].public["created_at"], pair[0]))
            ascending = tuple(record for _, record in pairs)
            position = {record.public["id"]: index for index, record in enumerate(ascending)}
            self._ranking = (self.revision, Ranking(ascending, position))
        return self._ranking[1]
