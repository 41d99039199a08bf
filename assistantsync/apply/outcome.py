"""What apply says about each change: its Outcome, and whether a response holds what was sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.changes import Action, Change
from assistantsync.plan.field_diff import same_value
from assistantsync.plan.record import canonical_json
from assistantsync.plan.reserved import RESERVED_METADATA_KEYS, canonical, live_metadata

if TYPE_CHECKING:
    from assistantsync.api.client import RetryInterrupted

RECOVERED_NOTE = "the response was lost; found by its key"
NOT_APPLIED = "not applied: interrupted"


@dataclass(frozen=True)
class Outcome:
    """What happened to one planned change."""

    key: str
    action: Action
    id: str | None
    ok: bool
    message: str
    # Surely not applied because the run was stopping (never started, or not retried after a failure that left
    # nothing applied): not a failure, the next apply makes it.
    not_applied: bool = False
    kind: str = "assistant"  # the ResourceKind's name


def _short(value: Any) -> str:
    text = canonical_json(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _sent(kind: ResourceKind, change: Change) -> list[tuple[str, Any]]:
    """What a response must hold: the fields the change shows (write-only ones cannot be checked); for a kind
    whose write makes a whole new version, every field its body sends, shown or not."""
    if kind.whole_versions and change.body is not None:
        return [(name, change.body[name]) for name in kind.fields if name in change.body]
    return [(f.path, f.after) for f in change.fields if not f.write_only]


def readback_problems(kind: ResourceKind, change: Change, returned: JsonObject) -> list[str]:
    """Fields of the response that do not hold what was sent (write-only fields cannot be checked)."""
    problems = []
    for name, after in _sent(kind, change):
        want = canonical(kind, name, after)
        shown = canonical(kind, name, returned.get(name))  # metadata without the reserved keys
        if not same_value(kind.align_resolved(name, want, shown), want):
            problems.append(f"{name} did not take effect: the server returned {_short(shown)}")
    sent = (change.body or {}).get(kind.metadata_field) or {}
    got = live_metadata(kind, returned)
    # Checked on every write: a resource whose reserved keys were dropped is no longer matched to
    # its file, and the next apply would create a second one.
    for key in (k for k in RESERVED_METADATA_KEYS if got.get(k) != sent.get(k)):
        problems.append(f"metadata key {key!r} did not take effect: the server returned {_short(got.get(key))}")
    for key in sorted(set(got) - set(sent)):
        problems.append(f"metadata key {key!r} is still there: this server merges metadata instead of replacing it")
    return problems


def interrupted_message(error: RetryInterrupted) -> str:
    """Why a change stopped between attempts: surely not applied, or perhaps applied by the failed attempt."""
    if error.maybe_written:
        return f"interrupted before a retry; the failed attempt may have been applied: {error.cause.message}"
    return f"{NOT_APPLIED} before a retry: {error.cause.message}"
