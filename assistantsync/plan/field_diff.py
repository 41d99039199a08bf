"""The per-field diff of a plan: the only module that uses deepdiff, its results made our own FieldChange values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.change_values import FieldChange
from assistantsync.plan.file_order import fields_in_file_order, in_file_order
from assistantsync.plan.record import canonical_json, decode_record, digest
from assistantsync.plan.reserved import STATE_KEY, canonical, live_metadata


def field_changes(kind: ResourceKind, wanted: Mapping[str, Any], live: JsonObject,
                   declared: Mapping[str, Any]) -> list[FieldChange]:
    """The fields that change, in the file's order (`declared`'s), each live value shown in the order of the
    file's (plan/file_order.py)."""
    record = decode_record(kind, live_metadata(kind, live).get(STATE_KEY))
    changes = []
    for name in (f for f in fields_in_file_order(declared, kind.fields) if f in wanted):
        want = wanted[name]
        if name in kind.write_only:
            if record is None or record.get(name) != digest(want):
                changes.append(FieldChange(name, None, want, write_only=True))
            continue
        live_value = canonical(kind, name, live.get(name))
        have = kind.align_resolved(name, want, live_value)
        paths = _changed_paths(have, want)
        if paths is not None:
            readings = {digest(have), *(digest(r) for r in kind.resolved_readings(name, live_value))}
            drift = record is not None and name in record and record[name] not in readings
            changes.append(FieldChange(name, in_file_order(have, want), want, drift,
                                       details=paths if paths != ("",) else ()))
    return changes


def _changed_paths(before: Any, after: Any) -> tuple[str, ...] | None:
    """Sub-paths that differ, or None when equal. deepdiff only runs when the values differ."""
    if isinstance(before, str) and isinstance(after, str):  # a prompt: no need to serialise it twice
        return None if before == after else ("",)  # what deepdiff says of two strings: the root changed
    if canonical_json(before) == canonical_json(after):
        return None
    from deepdiff import DeepDiff

    from assistantsync.key_order import reorderings

    found = DeepDiff(before, after, ignore_numeric_type_changes=True, view="tree")
    paths = sorted({_render_path(level.path(output_format="list")) for levels in found.values() for level in levels})
    paths += reorderings(before, after)  # deepdiff sees no key order, which a kind's ordered paths make a change
    return tuple(paths) if paths else None


def same_value(before: Any, after: Any) -> bool:
    """Whether two canonical values are equal the way the plan compares them (1 == 1.0 anywhere inside)."""
    return _changed_paths(before, after) is None


def _render_path(parts: Sequence[Any]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
