"""The plan: what would change, per resource and per field, computed purely from files and live state.

Each field's diff is plan/field_diff.py's. The same Plan is rendered for review, saved as JSON, and executed
by apply. What a field means (its canonical form, its default, whether the server ever returns it) is the
kind's: every step takes the ResourceKind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistantsync.files.desired import DesiredResource
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.change_values import ACTIONS, Action, Change, FieldChange, Plan
from assistantsync.plan.environment_notes import environment_notes
from assistantsync.plan.field_diff import field_changes
from assistantsync.plan.file_order import fields_in_file_order
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.identity import claimed_key, match_resources
from assistantsync.plan.identity_value import identity
from assistantsync.plan.name_twins import name_twins
from assistantsync.plan.record import digest, encode_record
from assistantsync.plan.reserved import (
    IDENTITY_KEY,
    RESERVED_METADATA_KEYS,
    STATE_KEY,
    canonical,
    live_metadata,
    user_metadata,
)

# The values live in change_values.py; importing them from here, where plans are made, keeps working.
__all__ = ["ACTIONS", "Action", "Change", "FieldChange", "Plan", "PlanBuilder", "make_plan", "metadata_body",
           "plan_resource", "sent_fields"]


def _managed(kind: ResourceKind, desired: DesiredResource, strict: bool) -> JsonObject:
    """The fields this file manages: those it declares (with --strict, or for a kind whose file is the whole
    resource, every field, as its default)."""
    return {**kind.defaults, **desired.fields} if strict or kind.whole_versions else dict(desired.fields)


def metadata_body(kind: ResourceKind, key: str, user: Any, wanted: Mapping[str, Any],
                  revision: str | None = None, environment: str | None = None) -> JsonObject:
    record = encode_record(kind, {f: digest(v) for f, v in wanted.items()}, revision)
    return {**(user if isinstance(user, dict) else {}), IDENTITY_KEY: identity(key, environment), STATE_KEY: record}


def sent_fields(kind: ResourceKind, managed: JsonObject, declared: Mapping[str, Any]) -> JsonObject:
    """What a create sends besides metadata: the managed fields; for a versioned kind, those the file declares
    (what it leaves out, the new version takes as the API's default)."""
    return {f: managed[f] for f in managed if f in declared or not kind.whole_versions}


def _create(kind: ResourceKind, desired: DesiredResource, managed: JsonObject, wanted: Mapping[str, Any],
            revision: str | None, environment: str | None) -> Change:
    metadata = kind.metadata_field
    sent = sent_fields(kind, managed, desired.fields)
    body = {**sent, metadata: metadata_body(kind, desired.key, user_metadata(managed.get(metadata)), wanted,
                                            revision, environment)}
    # A create shows what the file declares, as it will be sent (no canonical defaults filled in).
    fields = tuple(FieldChange(f, None, managed[f], write_only=f in kind.write_only)
                   for f in fields_in_file_order(desired.fields, kind.fields) if f in desired.fields)
    return Change(desired.key, None, "create", str(desired.source), fields, None, body, kind.name)


def plan_resource(
    kind: ResourceKind, desired: DesiredResource, live: JsonObject | None, strict: bool = False,
    revision: str | None = None, environment: str | None = None,
) -> Change | str:
    """The change for one file and its live match, or the reason it cannot be planned; a live resource that does
    not carry the file's key in `environment` is adopted (given it)."""
    managed = _managed(kind, desired, strict)
    wanted = {f: canonical(kind, f, v) for f, v in managed.items()}
    if live is None:
        return _create(kind, desired, managed, wanted, revision, environment)
    refused = kind.unmanageable(live)
    if refused is not None:
        return refused
    live_id = str(live["id"])
    changes = field_changes(kind, wanted, live, desired.fields)
    adopting = claimed_key(kind, live, environment) != desired.key
    action: Action = "adopt" if adopting else ("update" if changes else "no-op")
    body = None
    if action != "no-op":
        metadata = kind.metadata_field
        user = wanted[metadata] if metadata in wanted else user_metadata(live_metadata(kind, live))
        if len(user) + len(RESERVED_METADATA_KEYS) > kind.metadata_max_pairs:
            return (f"{live_id} has {len(user)} metadata pairs; assistantsync needs "
                    f"{len(RESERVED_METADATA_KEYS)} of the {kind.metadata_max_pairs} for its own keys")
        # A new version is made whole from its request: it carries every field the file declares.
        body = (sent_fields(kind, managed, desired.fields) if kind.whole_versions
                else {c.path: managed[c.path] for c in changes})
        body.pop(metadata, None)
        body[metadata] = metadata_body(kind, desired.key, managed.get(metadata, user), wanted, revision, environment)
    return Change(desired.key, live_id, action, str(desired.source), tuple(changes), fingerprint(kind, live), body,
                  kind.name, live_version(kind, live))


def live_version(kind: ResourceKind, live: JsonObject) -> str | None:
    """The version of a versioned kind's live object a change starts from (None for other kinds)."""
    version = live.get(kind.version_field) if kind.version_field else None
    return version if isinstance(version, str) else None


def make_plan(
    kind: ResourceKind, desired: Sequence[DesiredResource], live: Sequence[JsonObject], *, strict: bool = False,
    prune: bool = False, revision: str | None = None, environment: str | None = None,
) -> Plan:
    """Match files to live resources of `kind` and compute every change, sorted by key; with an `environment`,
    only against the live resources of that environment (identity.py)."""
    return PlanBuilder(kind, desired, strict=strict, prune=prune, revision=revision,
                       environment=environment).finish(live)


class PlanBuilder:
    """make_plan in two steps: `add_page` as each page of live resources arrives (while the next is fetched),
    `finish` once the whole list is in.

    Matching needs the whole list (a second resource claiming a key may come on the last page), so
    `add_page` only computes, ahead of time, the change of each file with the live resources it could
    be matched to (same pinned id, or its key claimed). `finish` matches as make_plan always did and takes
    each change from that store, computing any it lacks: the plan is the same whether `add_page` ran on
    every page, on some, or never.
    """

    def __init__(self, kind: ResourceKind, desired: Sequence[DesiredResource], *, strict: bool = False,
                 prune: bool = False, revision: str | None = None, environment: str | None = None) -> None:
        self._kind, self._desired, self._strict, self._prune = kind, desired, strict, prune
        self._revision, self._environment = revision, environment
        self._pinned = {want.id: want for want in desired if want.id}
        self._claimable = {want.key: want for want in desired if not want.id}
        self._early: dict[tuple[int, int], Change | str] = {}  # (id(desired), id(live)) -> its result

    def add_page(self, page: Sequence[JsonObject]) -> None:
        kind = self._kind
        for item in page:
            key = claimed_key(kind, item, self._environment)
            for want in (self._pinned.get(str(item.get("id"))), self._claimable.get(key) if key else None):
                if want is not None and (id(want), id(item)) not in self._early:
                    self._early[(id(want), id(item))] = plan_resource(kind, want, item, self._strict,
                                                                      self._revision, self._environment)

    def finish(self, live: Sequence[JsonObject]) -> Plan:
        kind = self._kind
        environment = self._environment
        matching = match_resources(kind, self._desired, live, environment)
        changes: list[Change] = []
        errors = list(matching.errors)
        warnings = [*name_twins(kind, matching, live, environment),
                    *environment_notes(kind, matching, live, environment)]
        duplicated = {dup.key: dup for dup in matching.duplicates}
        for match in matching.matches:
            dup = duplicated.get(match.desired.key)
            if dup is not None:
                # Never a dead end: the way out is in the message, and with --prune it is planned.
                (warnings if self._prune else errors).append((dup.key, dup.message(kind, self._prune)))
                if not self._prune:
                    continue
                changes.extend(Change(dup.key, str(copy["id"]), "delete", None, (), fingerprint(kind, copy),
                                      kind=kind.name, version=live_version(kind, copy)) for copy in dup.others)
            result = self._early.get((id(match.desired), id(match.live))) if match.live is not None else None
            if result is None:
                result = plan_resource(kind, match.desired, match.live, self._strict, self._revision, environment)
            if isinstance(result, Change):
                changes.append(result)
            else:
                errors.append((match.desired.key, result))
        if self._prune:
            for orphan in matching.orphans:
                key = claimed_key(kind, orphan, environment) or ""
                # A delete names its version too: the stale check says which version it started from.
                changes.append(Change(key, str(orphan["id"]), "delete", None, (), fingerprint(kind, orphan),
                                      kind=kind.name, version=live_version(kind, orphan)))
        changes.sort(key=lambda c: (c.key, c.id or ""))
        label = kind.label_prefix
        return Plan(tuple(changes), tuple(sorted((label + key, message) for key, message in errors)), self._strict,
                    self._prune, warnings=tuple(sorted((label + key, message) for key, message in warnings)),
                    revision=self._revision if kind.records_revision else None, environment=environment)
