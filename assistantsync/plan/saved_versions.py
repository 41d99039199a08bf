"""A saved plan's new versions, for a kind whose every write makes a whole version (an agent's). Pure.

Its body is the whole version: what it leaves out, the version takes as the default. So what a body makes is
known without the live version, and checked twice: offline, against the record the body carries (it must be
the one plan writes for that version); with the live version, field by field for the fields the plan does
not show (each must stay as it is live).
"""

from __future__ import annotations

from typing import Any

from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.changes import Change, metadata_body
from assistantsync.plan.field_diff import same_value
from assistantsync.plan.reserved import STATE_KEY, canonical


def _made(kind: ResourceKind, body: JsonObject, name: str) -> Any:
    """The canonical value of field `name` in the version `body` makes."""
    return canonical(kind, name, body[name] if name in body else kind.defaults.get(name))


def version_record(kind: ResourceKind, key: str, body: JsonObject, revision: str | None,
                   environment: str | None = None) -> str:
    """The record plan writes for the version made from `body`: what it sends, the defaults of the rest."""
    wanted = {name: _made(kind, body, name) for name in kind.fields if name in body or name in kind.defaults}
    return str(metadata_body(kind, key, wanted.get(kind.metadata_field), wanted, revision, environment)[STATE_KEY])


def hidden_fields(kind: ResourceKind, change: Change, now: JsonObject) -> list[str]:
    """The fields the body would make other than the live version `now` (the one it was planned from) has
    them, though the plan shows no change to them (its metadata is the reserved keys' business: saved_check)."""
    shown = {f.path for f in change.fields} | {kind.metadata_field}
    body = change.body or {}
    hidden = []
    for name in (name for name in kind.fields if name not in shown):
        sent = _made(kind, body, name)
        if not same_value(kind.align_resolved(name, sent, canonical(kind, name, now.get(name))), sent):
            hidden.append(name)
    return hidden
