"""The plan's values: a Plan, its Changes and their FieldChanges, as plan makes them, saved plans hold them, render
shows them and apply executes them. Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from assistantsync.json_value import JsonObject
from assistantsync.plan.fingerprint import Fingerprint

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
    kind: str = "assistant"  # the ResourceKind's name
    version: str | None = None  # a versioned kind's live version the change was planned from

    @property
    def drift(self) -> bool:
        return any(f.drift for f in self.fields)


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    errors: tuple[tuple[str, str], ...] = ()  # (key, message): files that could not be planned
    strict: bool = False
    prune: bool = False
    target: str | None = None  # the API base URL (no user:password) whose live state the plan was made from
    warnings: tuple[tuple[str, str], ...] = ()  # (key, message): worth a look, never blocking (name twins)
    revision: str | None = None  # the git commit the plan's records name (kinds that record one)
    provider: str | None = None  # the --provider the plan was made with: apply --plan connects with it again
    environment: str | None = None  # the environment whose resources it plans (None: those managed without one)

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
