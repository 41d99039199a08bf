"""A change's fingerprint: digests of the live object it was computed from, to refuse a stale saved plan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistantsync.json_value import JsonObject, JsonPath
from assistantsync.key_order import with_ordered_paths
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.record import digests


class Fingerprint:
    """Digests of the live object a change was computed from, to refuse a stale saved plan.

    `fingerprint(kind, live)` digests only when first read: only a saved plan and apply's freshness check read
    them, and digesting every unchanged resource was more than half of the diff's CPU. The live object is JSON
    nobody mutates; it is kept until then, with the names of its kind's fields.
    """

    __slots__ = ("_digests", "_live", "_names", "_ordered")

    def __init__(self, object: str, fields: Mapping[str, str]) -> None:
        self._digests: tuple[str, Mapping[str, str]] | None = (object, fields)
        self._live: JsonObject | None = None
        self._names: tuple[str, ...] = ()
        self._ordered: tuple[JsonPath, ...] = ()

    def _taken(self) -> tuple[str, Mapping[str, str]]:
        if self._digests is None:
            assert self._live is not None
            # Key order counts where the kind says it does: a schema reordered since the plan is a change too.
            live = {name: with_ordered_paths(self._ordered, name, value) for name, value in self._live.items()}
            self._digests, self._live = digests(live, self._names), None
        return self._digests

    @property
    def object(self) -> str:
        return self._taken()[0]

    @property
    def fields(self) -> Mapping[str, str]:
        return self._taken()[1]

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Fingerprint) and self._taken() == other._taken()

    __hash__ = None  # type: ignore[assignment]  # like the dataclass it replaced: equal by value, unhashable

    def __repr__(self) -> str:
        return f"Fingerprint(object={self.object!r}, fields={dict(self.fields)!r})"


def moved(kind: ResourceKind, planned: Fingerprint | None, now: JsonObject) -> bool:
    """Whether `now` is not the object whose fingerprint a change was planned from (a change without one: never)."""
    return planned is not None and planned.object != fingerprint(kind, now).object


def fingerprint(kind: ResourceKind, live: JsonObject) -> Fingerprint:
    """The fingerprint of `live` (the whole object, and each of the kind's fields), digested when first read."""
    taken = Fingerprint.__new__(Fingerprint)
    taken._digests, taken._live, taken._names, taken._ordered = None, live, kind.fields, kind.ordered_paths
    return taken
