"""Executes a plan through the client: the only code that writes to the API.

Independent resources are written in parallel; one failing does not stop the others. Every
response is read back and compared with what was intended.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.changes import Action, Change, Plan, same_value
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.identity import claimed_key, claims_by_key
from assistantsync.plan.record import canonical_json
from assistantsync.plan.reserved import RESERVED_METADATA_KEYS, canonical, live_metadata

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient, RetryInterrupted


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


def stale_reasons(kind: ResourceKind, plan: Plan, live: Sequence[JsonObject]) -> list[str]:
    """Why a saved plan no longer matches the live state (empty: still fresh). Pure.

    `live` holds at least every resource the plan touches; when it is the whole list, an identity key
    claimed since the plan was made is found too.
    """
    by_id = {str(item["id"]): item for item in live}
    claims = claims_by_key(kind, live)
    reasons = []
    for change in plan.pending:
        others = sorted(str(i["id"]) for i in claims.get(change.key, []) if i["id"] != change.id)
        if change.action == "create":
            if others:
                reasons.append(f"{change.key}: now exists as {' and '.join(others)} (created since the plan was made)")
            continue
        now = by_id.get(change.id or "")
        if now is None:
            reasons.append(f"{change.key} ({change.id}): no longer exists")
            continue
        if others and change.action != "delete":
            reasons.append(f"{change.key} ({change.id}): {' and '.join(others)} now claims the same key")
        moved = _moved_fields(kind, change, now)
        if moved is not None:
            reasons.append(f"{change.key} ({change.id}): {moved} changed since the plan was made")
    return sorted(reasons)


def _moved_fields(kind: ResourceKind, change: Change, now: JsonObject) -> str | None:
    """The fields that differ from the planned fingerprint, or None when the object is as planned."""
    before = change.fingerprint
    current = fingerprint(kind, now)
    if before is None or before.object == current.object:
        return None
    names = sorted(set(before.fields) ^ set(current.fields)
                   | {f for f in before.fields if before.fields[f] != current.fields.get(f)})
    return ", ".join(names) or "the object"


def _short(value: Any) -> str:
    text = canonical_json(value)
    return text if len(text) <= 80 else text[:77] + "..."


def readback_problems(kind: ResourceKind, change: Change, returned: JsonObject) -> list[str]:
    """Fields of the response that do not hold what was sent (write-only fields cannot be checked)."""
    problems = []
    for field_change in change.fields:
        if field_change.write_only:
            continue
        name = field_change.path
        want = canonical(kind, name, field_change.after)
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


RECOVERED_NOTE = "the response was lost; found by its key"
NOT_APPLIED = "not applied: interrupted"


def interrupted_message(error: RetryInterrupted) -> str:
    """Why a change stopped between attempts: surely not applied, or perhaps applied by the failed attempt."""
    if error.maybe_written:
        return f"interrupted before a retry; the failed attempt may have been applied: {error.cause.message}"
    return f"{NOT_APPLIED} before a retry: {error.cause.message}"


def _execute(change: Change, client: ResourceClient, find_existing: Callable[[str], JsonObject | None],
             stop: threading.Event) -> Outcome:
    from assistantsync.api.client import RetryInterrupted

    recovered: list[JsonObject] = []  # what a lookup after an ambiguous create failure found

    def lookup() -> JsonObject | None:
        found = find_existing(change.key)
        if found is not None:
            recovered.append(found)
        return found

    try:
        if change.action == "delete":
            client.delete(str(change.id), stop=stop)
            return Outcome(change.key, change.action, change.id, True, "deleted")
        body = change.body or {}
        if change.action == "create":
            returned = client.create(body, find_existing=lookup, stop=stop)
        else:
            returned = client.modify(str(change.id), body, stop=stop)
    except RetryInterrupted as error:
        return Outcome(change.key, change.action, change.id, False, interrupted_message(error),
                       not_applied=not error.maybe_written)
    except AssistantSyncError as error:
        return Outcome(change.key, change.action, change.id, False, error.message)
    new_id = str(returned.get("id", change.id))
    problems = readback_problems(client.kind, change, returned)
    if problems:
        return Outcome(change.key, change.action, new_id, False, "; ".join(problems))
    done = {"create": "created", "update": "updated", "adopt": "adopted"}[change.action]
    # The user should know a create was only confirmed by a lookup, not by its own response.
    note = f" ({RECOVERED_NOTE})" if recovered and returned is recovered[-1] else ""
    return Outcome(change.key, change.action, new_id, True, done + note)


def apply_plan(
    plan: Plan,
    client: ResourceClient,
    *,
    stop: threading.Event | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Write every pending change through `client` (made for the plan's kind); deletions run last. Returns one
    outcome per change, sorted by key.

    Once `stop` is set no new write starts, and none is retried; those changes are reported as not applied.
    Writes in flight finish (or time out): abandoning one would leave its outcome unknown.
    """
    halt = stop or threading.Event()

    def find_existing(key: str) -> JsonObject | None:
        return next((item for item in client.list_all() if claimed_key(client.kind, item) == key), None)

    def run(change: Change) -> Outcome:
        if halt.is_set():
            outcome = Outcome(change.key, change.action, change.id, False, NOT_APPLIED, not_applied=True)
        else:
            outcome = _execute(change, client, find_existing, halt)
        if on_done is not None:
            on_done(outcome)
        return outcome

    writes = [c for c in plan.pending if c.action != "delete"]
    deletes = [c for c in plan.pending if c.action == "delete"]
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=client.settings.parallelism) as pool:  # settings check it is >= 1
        outcomes.extend(pool.map(run, writes))
        outcomes.extend(pool.map(run, deletes))
    return sorted(outcomes, key=lambda o: (o.key, o.id or ""))
