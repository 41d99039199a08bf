"""A saved plan against the live state, beyond freshness: a plan that changes nothing is still checked against its
server, and a plan whose result is already live is told apart from one overtaken by someone else. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.change_values import Change, Plan
from assistantsync.plan.fingerprint import moved
from assistantsync.plan.identity import claims_by_key
from assistantsync.plan.record import decode_record, digest
from assistantsync.plan.reserved import STATE_KEY, canonical, live_metadata


def unchanged_moved(kind: ResourceKind, plan: Plan, live: Sequence[JsonObject]) -> list[str]:
    """Why a plan's no-op changes of `kind` no longer hold: the resource is gone, or moved since the plan."""
    by_id = {str(item["id"]): item for item in live}
    reasons = []
    for change in (c for c in plan.changes if c.kind == kind.name and c.action == "no-op" and c.id):
        now = by_id.get(change.id or "")
        label = f"{kind.label_prefix}{change.key}"
        if now is None:
            reasons.append(f"{label}: no longer exists")
        elif moved(kind, change.fingerprint, now):
            reasons.append(f"{label}: changed since the plan was made")
    return reasons


def already_applied(kind: ResourceKind, plan: Plan, live: Sequence[JsonObject]) -> bool:
    """Whether every pending change of `kind` is already live as the plan would make it: each create and update
    carries the record its body would write, each delete is gone. (The record digests every managed field.)"""
    by_id = {str(item["id"]): item for item in live}
    claims = claims_by_key(kind, live, plan.environment)
    return all(_landed(kind, change, by_id, claims) for change in plan.pending if change.kind == kind.name)


def _landed(kind: ResourceKind, change: Change, by_id: dict[str, JsonObject],
            claims: dict[str, list[JsonObject]]) -> bool:
    if change.action == "delete":
        return change.id not in by_id
    sent = (change.body or {}).get(kind.metadata_field)
    record = sent.get(STATE_KEY) if isinstance(sent, dict) else None
    candidates = claims.get(change.key, []) if change.action == "create" else [by_id.get(change.id or "") or {}]
    return record is not None and any(live_metadata(kind, item).get(STATE_KEY) == record and _holds(kind, record, item)
                                      for item in candidates)


def _holds(kind: ResourceKind, record: str, item: JsonObject) -> bool:
    """Whether the live object still holds every value its record digests (nobody changed it since)."""
    digests = decode_record(kind, record) or {}
    for field, wanted in digests.items():
        if field in kind.write_only:
            continue  # never returned: the record is all there is
        value = canonical(kind, field, item.get(field))
        if wanted not in {digest(value), *(digest(reading) for reading in kind.resolved_readings(field, value))}:
            return False
    return True
