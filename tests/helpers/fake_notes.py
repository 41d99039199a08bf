"""A fake notes server for the NOTE kind (helpers/note_kind.py), served to the real client over
httpx.MockTransport: an in-memory store with the list, get, create, modify and delete calls an OpenAI-style
collection has, paging by `after`, and every request recorded with its JSON body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from helpers.note_kind import NOTE, NOTE_DEFAULTS

BASE_URL = "https://notes.example.test/v1"
COLLECTION = "/v1/notes"


@dataclass
class FakeNotes:
    """Notes by id, in creation order. Tags are stored sorted and `notify` is kept apart, never returned."""

    page_size: int = 2  # small, so a few notes take several pages
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    notified: dict[str, Any] = field(default_factory=dict)  # id -> the last `notify` sent (write-only)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)  # (method, path, JSON body or None)
    created: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.path
        self.requests.append((request.method, path, body))
        if path == COLLECTION:
            return self._list(request) if request.method == "GET" else self._create(body)
        note_id = path.removeprefix(COLLECTION + "/")
        if note_id not in self.notes:
            return httpx.Response(404, json={"error": {"message": f"No note found with id '{note_id}'."}})
        if request.method == "GET":
            return httpx.Response(200, json=self.notes[note_id])
        if request.method == "DELETE":
            del self.notes[note_id]
            return httpx.Response(200, json={"id": note_id, "object": "note.deleted", "deleted": True})
        return self._store(note_id, body)

    def writes(self) -> list[tuple[str, str, Any]]:
        """The requests that changed something, in order."""
        return [r for r in self.requests if r[0] != "GET"]

    def _list(self, request: httpx.Request) -> httpx.Response:
        ids = list(self.notes)
        after = request.url.params.get("after")
        start = ids.index(after) + 1 if after else 0
        page = [self.notes[i] for i in ids[start:start + self.page_size]]
        return httpx.Response(200, json={"object": "list", "data": page, "last_id": page[-1]["id"] if page else None,
                                         "has_more": start + self.page_size < len(ids)})

    def _create(self, body: dict[str, Any]) -> httpx.Response:
        self.created += 1
        note_id = f"note_{self.created}"
        self.notes[note_id] = {"id": note_id, "object": "note", **NOTE_DEFAULTS, "title": None}
        return self._store(note_id, body)

    def _store(self, note_id: str, body: dict[str, Any]) -> httpx.Response:
        unknown = set(body) - set(NOTE.fields)
        if unknown:
            return httpx.Response(400, json={"error": {"message": f"unknown fields: {sorted(unknown)}"}})
        if "notify" in body:
            self.notified[note_id] = body["notify"]
        stored = {name: value for name, value in body.items() if name != "notify"}
        if "tags" in stored:
            stored["tags"] = sorted(stored["tags"])
        self.notes[note_id] = {**self.notes[note_id], **stored}  # metadata, like any field, is replaced whole
        return httpx.Response(200, json=self.notes[note_id])


def notes_client(server: FakeNotes) -> ResourceClient:
    """The real client, made for the NOTE kind, talking to `server`."""
    # One write at a time: the ids the fake hands out follow the plan order, which the tests spell out.
    settings = ConnectionSettings(base_url=BASE_URL, max_retries=0, parallelism=1, kinds=("note",))
    return ResourceClient(settings, kind=NOTE, transport=httpx.MockTransport(server))
