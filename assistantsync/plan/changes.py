"""The plan: what would change, per assistant and per field, computed purely from files and live state.

The only module that uses deepdiff; its results become our own FieldChange values here. The same
Plan is rendered for review, saved as JSON, and executed by apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistantsync.files.desired import DesiredAssistant
from assistantsync.json_value import JsonObject
from assistantsync.plan.fingerprint import Fingerprint, fingerprint
from assistantsync.plan.identity import claimed_key, match_assistants, name_twins
from assistantsync.kinds.assistant.normalise import (
    API_DEFAULTS,
    API_FIELDS,
    WRITE_ONLY_FIELDS,
    align_resolved,
    normalise_field,
    resolved_readings,
    user_metadata,
)
from assistantsync.plan.record import canonical_json, decode_record, digest, encode_record
from assistantsync.plan.reserved import (
    IDENTITY_KEY,
    METADATA_MAX_PAIRS,
    RESERVED_METADATA_KEYS,
    STATE_KEY,
    live_metadata,
)

Action = Literal["create", "update", "adopt", "no-op", "delete"]
ACTIONS: tuple[Action, ...] = ("create", "update", "adopt", "delete", "no-op")


@dataclass(frozen=True)
class FieldChange:
    """One top-level field that will change; values are in canonical (normalised) form."""

    path: str
    before: Any
    after: Any
    drift: bool = False  # the live value was changed outside git since the tool last applied
    write_only: bool = False  # the API never returns this field: `before` is unknown
    details: tuple[str, ...] = ()  # changed sub-paths inside the field, e.g. `[1].function.strict`


@dataclass(frozen=True)
class Change:
    key: str
    id: str | None
    action: Action
    source: str | None
    fields: tuple[FieldChange, ...] = ()
    fingerprint: Fingerprint | None = None
    body: JsonObject | None = None  # the exact request body apply sends (create / update / adopt)

    @property
    def drift(self) -> bool:
        return any(f.drift for f in self.fields)


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    errors: tuple[tuple[str, str], ...] = ()  # (key, message): assistants that could not be planned
    strict: bool = False
    prune: bool = False
    target: str | None = None  # the API base URL (no user:password) whose live state the plan was made from
    warnings: tuple[tuple[str, str], ...] = ()  # (key, message): worth a look, never blocking (name twins)

    @property
    def pending(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action != "no-op")

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {action: 0 for action in ACTIONS}
        for change in self.changes:
            counts[change.action] += 1
        return counts


def _changed_paths(before: Any, after: Any) -> tuple[str, ...] | None:
    """Sub-paths that differ, or None when equal. deepdiff only runs when the values differ."""
    if isinstance(before, str) and isinstance(after, str):  # a prompt: no need to serialise it twice
        return None if before == after else ("",)  # what deepdiff says of two strings: the root changed
    if canonical_json(before) == canonical_json(after):
        return None
    from deepdiff import DeepDiff

    found = DeepDiff(before, after, ignore_numeric_type_changes=True, view="tree")
    paths = sorted({_render_path(level.path(output_format="list")) for levels in found.values() for level in levels})
    return tuple(paths) if paths else None


def same_value(before: Any, after: Any) -> bool:
    """Whether two canonical values are equal the way the plan compares them (1 == 1.0 anywhere inside)."""
    return _changed_paths(before, after) is None


def _render_path(parts: Sequence[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _managed(desired: DesiredAssistant, strict: bool) -> JsonObject:
    """The fields this file manages: those it declares (with --strict, every field, as its default)."""
    return {**API_DEFAULTS, **desired.fields} if strict else dict(desired.fields)


def _record(wanted: Mapping[str, Any]) -> str:
    return encode_record({f: digest(v) for f, v in wanted.items()})


def _metadata_body(key: str, user: Any, wanted: Mapping[str, Any]) -> JsonObject:
    return {**(user if isinstance(user, dict) else {}), IDENTITY_KEY: key, STATE_KEY: _record(wanted)}


def _create(desired: DesiredAssistant, managed: JsonObject, wanted: Mapping[str, Any]) -> Change:
    body = {**managed, "metadata": _metadata_body(desired.key, user_metadata(managed.get("metadata")), wanted)}
    # A create shows what the file declares, as it will be sent (no canonical defaults filled in).
    fields = tuple(FieldChange(f, None, managed[f], write_only=f in WRITE_ONLY_FIELDS)
                   for f in API_FIELDS if f in desired.fields)
    return Change(desired.key, None, "create", str(desired.source), fields, None, body)


def _field_changes(wanted: Mapping[str, Any], live: JsonObject) -> list[FieldChange]:
    record = decode_record(live_metadata(live).get(STATE_KEY))
    changes = []
    for name in (f for f in API_FIELDS if f in wanted):
        want = wanted[name]
        if name in WRITE_ONLY_FIELDS:
            if record is None or record.get(name) != digest(want):
                changes.append(FieldChange(name, None, want, write_only=True))
            continue
        live_value = normalise_field(name, live.get(name))
        have = align_resolved(name, want, live_value)
        paths = _changed_paths(have, want)
        if paths is not None:
            readings = {digest(have), *(digest(r) for r in resolved_readings(name, live_value))}
            drift = record is not None and name in record and record[name] not in readings
            changes.append(FieldChange(name, have, want, drift, details=paths if paths != ("",) else ()))
    return changes


def plan_assistant(desired: DesiredAssistant, live: JsonObject | None, strict: bool = False) -> Change | str:
    """The change for one file and its live match, or the reason it cannot be planned."""
    managed = _managed(desired, strict)
    wanted = {f: normalise_field(f, v) for f, v in managed.items()}
    if live is None:
        return _create(desired, managed, wanted)
    live_id = str(live["id"])
    changes = _field_changes(wanted, live)
    adopting = claimed_key(live) != desired.key
    action: Action = "adopt" if adopting else ("update" if changes else "no-op")
    body = None
    if action != "no-op":
        user = wanted["metadata"] if "metadata" in wanted else user_metadata(live_metadata(live))
        if len(user) + len(RESERVED_METADATA_KEYS) > METADATA_MAX_PAIRS:
            return (f"{live_id} has {len(user)} metadata pairs; assistantsync needs "
                    f"{len(RESERVED_METADATA_KEYS)} of the {METADATA_MAX_PAIRS} for its own keys")
        body = {c.path: managed[c.path] for c in changes}
        body["metadata"] = _metadata_body(desired.key, managed.get("metadata", user), wanted)
    return Change(desired.key, live_id, action, str(desired.source), tuple(changes), fingerprint(live), body)


def make_plan(
    desired: Sequence[DesiredAssistant], live: Sequence[JsonObject], *, strict: bool = False, prune: bool = False
) -> Plan:
    """Match files to live assistants and compute every change, sorted by key."""
    return PlanBuilder(desired, strict=strict, prune=prune).finish(live)


class PlanBuilder:
    """make_plan in two steps: `add_page` as each page of live assistants arrives (while the next is fetched),
    `finish` once the whole list is in.

    Matching needs the whole list (a second assistant claiming a key may come on the last page), so
    `add_page` only computes, ahead of time, the change of each file with the live assistants it could
    be matched to (same pinned id, or its key claimed). `finish` matches as make_plan always did and takes
    each change from that store, computing any it lacks: the plan is the same whether `add_page` ran on
    every page, on some, or never.
    """

    def __init__(self, desired: Sequence[DesiredAssistant], *, strict: bool = False, prune: bool = False) -> None:
        self._desired, self._strict, self._prune = desired, strict, prune
        self._pinned = {want.id: want for want in desired if want.id}
        self._claimable = {want.key: want for want in desired if not want.id}
        self._early: dict[tuple[int, int], Change | str] = {}  # (id(desired), id(live)) -> its result

    def add_page(self, page: Sequence[JsonObject]) -> None:
        for item in page:
            key = claimed_key(item)
            for want in (self._pinned.get(str(item.get("id"))), self._claimable.get(key) if key else None):
                if want is not None and (id(want), id(item)) not in self._early:
                    self._early[(id(want), id(item))] = plan_assistant(want, item, self._strict)

    def finish(self, live: Sequence[JsonObject]) -> Plan:
        matching = match_assistants(self._desired, live)
        changes: list[Change] = []
        errors = list(matching.errors)
        for match in matching.matches:
            result = self._early.get((id(match.desired), id(match.live))) if match.live is not None else None
            if result is None:
                result = plan_assistant(match.desired, match.live, self._strict)
            if isinstance(result, Change):
                changes.append(result)
            else:
                errors.append((match.desired.key, result))
        if self._prune:
            for orphan in matching.orphans:
                key = claimed_key(orphan) or ""
                changes.append(Change(key, str(orphan["id"]), "delete", None, (), fingerprint(orphan)))
        changes.sort(key=lambda c: (c.key, c.id or ""))
        return Plan(tuple(changes), tuple(sorted(errors)), self._strict, self._prune,
                    warnings=name_twins(matching, live))
