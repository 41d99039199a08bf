"""Writes that race with something apply does not control, decided from what the server shows.

Three races: an earlier run's create that timed out and lands after this run's plan (its key is looked up
once more right before the creates); another apply creating the same key at the same time (looked up once
more after the creates: the oldest copy is kept, each apply deletes only its own); and a dashboard edit of
metadata between the plan and the write (the object is re-read right before the write). For a kind whose
key is its id (an agent's name) any object of that id takes the key, managed or not, and for a kind whose
write makes a whole new version, any version made between the plan and the write stops it.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from assistantsync.apply.outcome import Outcome, readback_problems
from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.changes import Change, live_version
from assistantsync.plan.identity import claimed_key, oldest_first
from assistantsync.plan.record import decode_record, digest
from assistantsync.plan.reserved import RESERVED_METADATA_KEYS, STATE_KEY, live_metadata, user_metadata

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient

METADATA_CONFLICT = "metadata changed in the dashboard since the plan; not written: run plan again"


def claimants_by_key(kind: ResourceKind, live: Iterable[JsonObject], keys: set[str],
                     environment: str | None = None) -> dict[str, list[JsonObject]]:
    """For each of `keys` claimed live in `environment`, its claimants, the one to keep first
    (identity.oldest_first)."""
    found: dict[str, list[JsonObject]] = {}
    for item in live:
        # Creating an agent whose name is taken makes a new version of it: one made in a portal (or by another
        # environment) is taken too.
        key = str(item.get("id")) if kind.key_is_id else claimed_key(kind, item, environment)
        if key in keys:
            found.setdefault(key, []).append(item)
    return {key: oldest_first(items) for key, items in found.items()}


def already_there(kind: ResourceKind, change: Change, existing: JsonObject,
                  environment: str | None = None) -> Outcome:
    """A create whose key turned live after the plan: it is never created a second time."""
    if claimed_key(kind, existing, environment) != change.key:  # taken by its name (claimants_by_key), not by the tool
        return Outcome(change.key, change.action, str(existing["id"]), False,
                       f"{existing['id']} was made since the plan, not by assistantsync; not created over it: "
                       "run plan again")
    said = (f"already exists as {existing['id']}: created meanwhile (an earlier run's create that timed out, or "
            "another apply?)")
    if readback_problems(kind, change, existing):
        return Outcome(change.key, change.action, str(existing["id"]), False, f"{said}; not created again: "
                                                                               "run plan again")
    return Outcome(change.key, change.action, str(existing["id"]), True, f"{said}; it holds what the file says")


def rival_first(claimants: list[JsonObject], ours: str) -> JsonObject | None:
    """The object another apply created first, if ours must give way to it; None to keep ours.

    Only with ours among `claimants`: were the list late to show ours, an order against it could not be
    trusted, and each apply must decide the same way without talking to the other. The first claimant existed
    before ours, so the other apply saw ours after its own, and keeps its own.
    """
    if not claimants or all(item["id"] != ours for item in claimants) or claimants[0]["id"] == ours:
        return None
    return claimants[0]


def settle_creates(made: list[tuple[Change, JsonObject]], client: ResourceClient, pool: ThreadPoolExecutor,
                   environment: str | None = None) -> list[Outcome]:
    """The outcomes of the creates confirmed by their own response, after one more list of their keys."""
    if not made:
        return []
    try:
        now = claimants_by_key(client.kind, client.list_all(), {change.key for change, _ in made}, environment)
    except AssistantSyncError as error:  # created all the same; a twin, if any, is the next plan's to report
        return [Outcome(change.key, change.action, str(ours["id"]), True,
                        f"created; the check for a concurrent create of the same key failed ({error.message}): "
                        "run plan to see whether it exists twice") for change, ours in made]

    def settle(pair: tuple[Change, JsonObject]) -> Outcome:
        change, ours = pair
        return _settle(change, str(ours["id"]), now.get(change.key, []), client)

    return list(pool.map(settle, made))


def _settle(change: Change, ours: str, claimants: list[JsonObject], client: ResourceClient) -> Outcome:
    theirs = rival_first(claimants, ours)
    if theirs is None:
        return Outcome(change.key, change.action, ours, True, "created")
    said = f"a concurrent apply created {change.key} as {theirs['id']} first"
    try:
        client.delete(ours)  # not stopped by a signal: it undoes a write that was in flight
    except AssistantSyncError as error:
        return Outcome(change.key, change.action, ours, False,
                       f"{said}; deleting ours failed: {error.message}; run plan --prune to delete it")
    said += f"; kept it, deleted ours ({ours})"
    if readback_problems(client.kind, change, theirs):
        return Outcome(change.key, change.action, str(theirs["id"]), False, f"{said}; it differs from the file: "
                                                                              "run plan again")
    return Outcome(change.key, change.action, str(theirs["id"]), True, said)


def rebased_body(kind: ResourceKind, change: Change, current: JsonObject) -> JsonObject | str:
    """The body to write to `current` (the object re-read just now), or why it must not be written.

    A file that does not manage metadata gets the user's keys as they are now, with the tool's reserved keys
    from the plan: a dashboard edit since the plan survives. A file that manages metadata wins only over
    what the plan showed: changed since, it is a conflict for this change (METADATA_CONFLICT).
    """
    moved = _new_version(kind, change, current)
    if moved is not None:
        return moved
    body = change.body or {}
    field = kind.metadata_field
    planned = body.get(field)
    if not isinstance(planned, dict):
        return body
    if field in (decode_record(kind, planned.get(STATE_KEY)) or {}):  # the record lists the fields managed
        before = change.fingerprint.fields.get(field) if change.fingerprint is not None else None
        now = digest(current[field]) if field in current else None
        return METADATA_CONFLICT if change.fingerprint is not None and before != now else body
    user = user_metadata(live_metadata(kind, current))
    if len(user) + len(RESERVED_METADATA_KEYS) > kind.metadata_max_pairs:
        return (f"metadata changed in the dashboard since the plan and now has {len(user)} pairs; assistantsync "
                f"needs {len(RESERVED_METADATA_KEYS)} of the {kind.metadata_max_pairs} for its own keys")
    return {**body, field: {**user, **{k: planned[k] for k in RESERVED_METADATA_KEYS if k in planned}}}


def _new_version(kind: ResourceKind, change: Change, current: JsonObject) -> str | None:
    """Why a new version must not be written over `current`: one was made since the plan, which a whole new
    version would replace unseen (None: it is still the version planned from)."""
    now = live_version(kind, current)
    if not kind.whole_versions or change.version is None or now == change.version:
        return None
    return (f"version {now} was made since the plan, which started from version {change.version}; not written: "
            "run plan again")
