"""A second kind of resource, defined only in the tests: a note. Planned and applied by the same engine as an
assistant, it shows the engine holds no assistant knowledge (tests/unit/kinds/test_seam.py).

Its own server behaviours, which its normaliser absorbs: a body nobody set is "" (null == ""), `pinned`
defaults to false (null == false), tags are a set (the server stores them sorted), metadata null == {},
`notify` is accepted on write and never returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistantsync.kinds.kind import ResourceKind

NOTE_FIELDS = ("title", "body", "pinned", "tags", "notify", "metadata")
NOTE_DEFAULTS = {"body": "", "pinned": False, "tags": [], "metadata": {}}


def _tags(value: Any) -> Any:
    if value is None:
        return []
    return sorted(value) if isinstance(value, list) and all(isinstance(tag, str) for tag in value) else value


_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "body": lambda value: "" if value is None else value,
    "pinned": lambda value: False if value is None else value,
    "tags": _tags,
    "metadata": lambda value: {} if value is None else value,  # the engine, not the kind, drops its own keys
}


def normalise_note_field(field: str, value: Any) -> Any:
    normaliser = _NORMALISERS.get(field)
    return normaliser(value) if normaliser else value


NOTE = ResourceKind(
    name="note",
    plural="notes",
    collection_path="/notes",
    fields=NOTE_FIELDS,
    write_only=frozenset({"notify"}),
    defaults=NOTE_DEFAULTS,
    record_codes={"title": "ti", "body": "b", "pinned": "p", "tags": "tg", "notify": "no", "metadata": "md"},
    normalise=normalise_note_field,
    schema_file="note.schema.json",
    display_name_field="title",
)
