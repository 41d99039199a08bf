"""What the engine needs to know about one kind of resource: the seam between the engine and a kind.

Identity, plan, apply, render and import hold no field name of any resource; they ask the kind. A kind is
a value: its data (paths, fields, defaults) and its pure functions (normalise, import). A new kind is one
new module under kinds/ that builds one of these.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assistantsync.json_value import JsonObject, JsonPath


def _as_is_readings(field: str, live: Any) -> list[Any]:
    return [live]


def _as_is_aligned(field: str, desired: Any, live: Any) -> Any:
    return live


def _as_is(item: JsonObject) -> JsonObject:
    return item


def _as_sent(action: str, body: JsonObject) -> JsonObject:
    return body


def _document_path(field: str) -> tuple[str, ...]:
    return (field,)


def _no_problem(live: JsonObject) -> str | None:
    return None


def _same_path(item_path: str, changed: tuple[str, ...]) -> str:
    return item_path


@dataclass(frozen=True)
class ResourceKind:
    """One kind of server-side resource the tool keeps in files (an assistant, say)."""

    name: str  # singular noun shown to users: "assistant"
    plural: str  # "assistants"
    collection_path: str  # relative to the API's base URL: "/assistants"; an item is `{collection_path}/{id}`
    fields: tuple[str, ...]  # the API fields a file may manage, in the order plans and records list them
    write_only: frozenset[str]  # accepted on write, never returned: tracked through the tool's record only
    defaults: JsonObject  # what the API stores for a field nobody set (--strict, import)
    record_codes: Mapping[str, str]  # short code per field for the record kept in metadata
    normalise: Callable[[str, Any], Any]  # canonical form of one field's value; idempotent
    schema_file: str  # the generated JSON Schema of the file format, in schemas/
    metadata_field: str = "metadata"  # the string map where the tool keeps its identity key and record
    metadata_max_pairs: int = 16  # the API's limit on that map
    display_name_field: str | None = "name"  # a human name, to warn before creating a second one of it
    align_resolved: Callable[[str, Any, Any], Any] = _as_is_aligned  # live value read the way the file allows
    resolved_readings: Callable[[str, Any], list[Any]] = _as_is_readings  # earlier files' readings, for drift
    # import: a live object as its file's fields in file order, without server fill, `key` or `id` (None: no import)
    to_document: Callable[[JsonObject], JsonObject] | None = None
    required_live_fields: tuple[str, ...] = ()  # import refuses a live object without a non-empty string here
    long_text_field: str | None = None  # import moves long text here to prompts/<key>.md, as `<field>_file`
    # Where key order is part of a value (key_order.py), field first: `normalise` keeps and marks it there, and
    # fingerprints see it. Everywhere else the order of keys means nothing.
    ordered_paths: tuple[JsonPath, ...] = ()
    # A kind whose server id is the file's key (an agent's name): matched by it, never by a claim in metadata.
    key_is_id: bool = False
    key_field: str | None = None  # for such a kind, the field a create names that id in (an agent's `name`)
    # A kind whose every write makes a new immutable snapshot (an agent version): a file is the whole resource,
    # so what it omits is compared as its default (as --strict), and an update sends every field it declares.
    whole_versions: bool = False
    update_word: str = "update"  # what an update is called in plans: "new version" for a versioned kind
    version_field: str | None = None  # in the engine's view of a live object: the version a change starts from
    records_revision: bool = False  # writes the git commit (--source-revision) in its record
    query: Mapping[str, str] = dataclasses.field(default_factory=dict)  # on each of its requests, unless set
    # Default headers it replaces on its requests, or drops (None); a --header of the name wins.
    headers: Mapping[str, str | None] = dataclasses.field(default_factory=dict)
    label_prefix: str = ""  # before a key in plans' errors and warnings: "agent " (assistants need none)
    # The wire and the engine's view of it: `from_wire` makes any object the API returns the flat object the
    # engine compares (the kind's fields at its top level, `id` included); `to_wire(action, body)` makes a plan's
    # body ("create" or "update") the request the API takes; `update_path(item_path, changed fields)` is where
    # an update goes.
    from_wire: Callable[[JsonObject], JsonObject] = _as_is
    to_wire: Callable[[str, JsonObject], JsonObject] = _as_sent
    update_path: Callable[[str, tuple[str, ...]], str] = _same_path
    # The file side of the view: a resolved document's fields as the engine's, and where each is written.
    document_fields: Callable[[JsonObject], JsonObject] = _as_is
    document_path: Callable[[str], tuple[str, ...]] = _document_path
    unmanageable: Callable[[JsonObject], str | None] = _no_problem  # why a live object may not be written from a file
    # Derived from record_codes, not given: the field each code stands for, to read a record back.
    fields_by_code: Mapping[str, str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = self.record_codes
        if set(codes) != set(self.fields) or len(set(codes.values())) != len(codes):
            raise ValueError(f"{self.name}: record_codes must give each of its fields a code of its own")
        object.__setattr__(self, "fields_by_code", {code: name for name, code in codes.items()})
