"""Executes a plan through the client: the only code that writes to the API.

Independent resources are written in parallel; one failing does not stop the others. Every
response is read back and compared with what was intended.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from assistantsync.apply.outcome import NOT_APPLIED, RECOVERED_NOTE, Outcome, interrupted_message, readback_problems
from assistantsync.apply.races import already_there, claimants_by_key, rebased_body, settle_creates
from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject
from assistantsync.key_order import REORDERED
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.changes import Change, Plan
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.identity import claims_by_key
from assistantsync.plan.reserved import STATE_KEY, live_metadata

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient

# What a change's outcome is lives in outcome.py; callers keep importing it from here, where plans are applied.
__all__ = ["NOT_APPLIED", "RECOVERED_NOTE", "Outcome", "apply_plan", "interrupted_message", "readback_problems",
           "stale_reasons"]


def stale_reasons(kind: ResourceKind, plan: Plan, live: Sequence[JsonObject]) -> list[str]:
    """Why a saved plan no longer matches the live state (empty: still fresh). Pure.

    `live` holds at least every resource the plan touches; when it is the whole list, an identity key
    claimed since the plan was made (in the plan's environment) is found too.
    """
    by_id = {str(item["id"]): item for item in live}
    claims = claims_by_key(kind, live, plan.environment)
    # A duplicate the plan itself deletes (--prune) is no rival to the copy it keeps and updates.
    deleted = {change.id for change in plan.pending if change.action == "delete"}
    reasons = []
    for change in plan.pending:
        others = sorted(str(i["id"]) for i in claims.get(change.key, [])
                        if i["id"] != change.id and i["id"] not in deleted)
        if change.action == "create":
            if kind.key_is_id and change.key in by_id and not others:  # its name taken, with no claim of ours
                others = [change.key]
            if others:
                label = f"{kind.label_prefix}{change.key}"
                reasons.append(f"{label}: now exists as {' and '.join(others)} (created since the plan was made)")
            continue
        now = by_id.get(change.id or "")
        label = f"{kind.label_prefix}{change.key}" if kind.key_is_id else f"{change.key} ({change.id})"
        if now is None:
            reasons.append(f"{label}: no longer exists")
            continue
        if others and change.action != "delete":
            reasons.append(f"{label}: {' and '.join(others)} now claims the same key")
        moved = _moved_fields(kind, change, now)
        if moved is not None:
            reasons.append(f"{label}: {moved}")
    return sorted(reasons)


def _moved_fields(kind: ResourceKind, change: Change, now: JsonObject) -> str | None:
    """The fields that differ from the planned fingerprint, or None when the object is as planned."""
    before = change.fingerprint
    current = fingerprint(kind, now)
    if before is None or before.object == current.object:
        return None
    names = sorted(set(before.fields) ^ set(current.fields)
                   | {f for f in before.fields if before.fields[f] != current.fields.get(f)})
    moved = ", ".join(names) or "the object"
    version = now.get(kind.version_field) if kind.version_field else None
    if isinstance(version, str) and version != change.version:  # a versioned resource moves by a new version
        return (f"version {version} was made since the plan (which started from version {change.version}); "
                f"{moved} changed")
    return f"{moved} changed since the plan was made"


def _changed_content(change: Change) -> tuple[str, ...]:
    """The fields whose content changes, not only the order of keys inside: a server comparing definitions
    without key order (the agents API may) would take a reorder alone for no change, and make no version."""
    return tuple(f.path for f in change.fields if not (f.details and all(REORDERED in d for d in f.details)))


Written = tuple[Outcome, JsonObject | None]  # the outcome, and the object a create's own response returned


def _execute(change: Change, client: ResourceClient, find_existing: Callable[[str], JsonObject | None],
             stop: threading.Event) -> Written:
    from assistantsync.api.client import RetryInterrupted

    recovered: list[JsonObject] = []  # what a lookup after an ambiguous failure found

    def recorded(found: JsonObject | None) -> JsonObject | None:
        if found is not None:
            recovered.append(found)
        return found

    try:
        if change.action == "delete":
            client.delete(str(change.id), stop=stop)
            return Outcome(change.key, change.action, change.id, True, "deleted"), None
        if change.action == "create":
            returned = client.create(change.body or {}, find_existing=lambda: recorded(find_existing(change.key)),
                                     stop=stop)
        else:
            body = rebased_body(client.kind, change, client.get(str(change.id)))  # as late as can be
            if isinstance(body, str):
                return Outcome(change.key, change.action, change.id, False, body), None
            if stop.is_set():  # set while reading: this write has not started, so it does not
                return Outcome(change.key, change.action, change.id, False, NOT_APPLIED, not_applied=True), None
            change = dataclasses.replace(change, body=body)
            returned = client.modify(str(change.id), body, changed=_changed_content(change),
                                     find_existing=lambda: recorded(_sent_version(client, change, body)), stop=stop)
    except RetryInterrupted as error:
        return Outcome(change.key, change.action, change.id, False, interrupted_message(error),
                       not_applied=not error.maybe_written), None
    except AssistantSyncError as error:
        return Outcome(change.key, change.action, change.id, False, error.message), None
    new_id = str(returned.get("id", change.id))
    problems = readback_problems(client.kind, change, returned)
    if problems:
        return Outcome(change.key, change.action, new_id, False, "; ".join(problems)), None
    done = {"create": "created", "update": "updated", "adopt": "adopted"}[change.action]
    version = returned.get(client.kind.version_field) if client.kind.version_field else None
    if isinstance(version, str):  # which version the write made (or found, when nothing changed after all)
        done += f" (version {version})" if version != change.version else f" (still version {version})"
    # The user should know a create was only confirmed by a lookup, not by its own response. Whose object a
    # lookup found cannot be told, so only a create's own response is checked for a concurrent twin.
    if recovered and returned is recovered[-1]:
        return Outcome(change.key, change.action, new_id, True, f"{done} ({RECOVERED_NOTE})"), None
    return Outcome(change.key, change.action, new_id, True, done), returned if change.action == "create" else None


def _sent_version(client: ResourceClient, change: Change, body: JsonObject) -> JsonObject | None:
    """After an ambiguous failure, the live resource if its latest version is ours: one made since the plan's,
    carrying the record `body` sent (the record covers every field)."""
    kind, now = client.kind, client.get(str(change.id))
    sent = body.get(kind.metadata_field)
    if not isinstance(sent, dict) or now.get(kind.version_field or "") == change.version:
        return None
    return now if live_metadata(kind, now).get(STATE_KEY) == sent.get(STATE_KEY) else None


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

    Creates are bracketed by one list before and one after them, whatever their number (not two per create:
    a list is ceil(N/100) requests): a key claimed before is never created again, and a key another apply
    created too keeps the oldest copy (races.py).
    """
    halt = stop or threading.Event()
    kind = client.kind
    creates = {c.key for c in plan.pending if c.action == "create"}
    environment = plan.environment  # whose identities the creates give out, and whose claims take a key
    taken = claimants_by_key(kind, client.list_all(), creates, environment) if creates else {}

    def find_existing(key: str) -> JsonObject | None:
        return next(iter(claimants_by_key(kind, client.list_all(), {key}, environment).get(key, [])), None)

    def report(outcome: Outcome) -> Outcome:
        if on_done is not None:
            on_done(outcome)
        return outcome

    def run(change: Change) -> Written:
        if halt.is_set():
            return report(Outcome(change.key, change.action, change.id, False, NOT_APPLIED, not_applied=True)), None
        if change.key in taken and change.action == "create":
            return report(already_there(kind, change, taken[change.key][0], environment)), None
        outcome, created = _execute(change, client, find_existing, halt)
        return (outcome if created is not None else report(outcome)), created  # a create reports once settled

    writes = [c for c in plan.pending if c.action != "delete"]
    deletes = [c for c in plan.pending if c.action == "delete"]
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=client.settings.parallelism) as pool:  # settings check it is >= 1
        written = list(zip(writes, pool.map(run, writes), strict=True))
        outcomes.extend(outcome for _, (outcome, created) in written if created is None)
        made = [(change, created) for change, (_, created) in written if created is not None]
        outcomes.extend(map(report, settle_creates(made, client, pool, environment)))
        outcomes.extend(outcome for outcome, _ in pool.map(run, deletes))
    return sorted((dataclasses.replace(o, kind=kind.name) for o in outcomes), key=lambda o: (o.key, o.id or ""))
