"""Plans and apply results as text for a terminal. Pure: returns strings; only the CLI prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistantsync.apply.execute import Outcome
from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.render.colour import Style, ansi, plain, style_diff
from assistantsync.render.kind_words import (
    action_word,
    counted,
    drift_note,
    kind_of,
    labelled_kind,
    noun,
    tallies,
    tally_phrase,
    version_note,
)
from assistantsync.render.value_diff import is_multiline, value_diff, whitespace_only
from assistantsync.render.values import declared_lines, scalar
from assistantsync.safe_text import shown, shown_lines

SYMBOLS = {"create": "+", "update": "~", "adopt": "~", "delete": "-", "no-op": " "}
GROUPS = ("create", "update", "adopt", "delete")
def field_lines(change: FieldChange, style: Style = plain, declared: Any = None) -> list[str]:
    """How one field's change reads: `before -> after`, a line diff, or an item-by-item diff. `declared`: the
    field's value as the file wrote it (its change's body holds it), whose keys alone show as context."""
    name = shown(change.path)  # a saved plan file can hold any path
    note = "  (whitespace only)" if whitespace_only(change.before, change.after) else ""
    if change.drift:
        head = style("drift", f"! {name}: changed outside git since the last apply; this apply overwrites it") + note
    else:
        head = f"{name}:{note}"
    if change.write_only:
        return [f"{name}: (write-only, not readable) -> {shown(scalar(change.after))}"]
    before, after = change.before, change.after
    if is_multiline(before) or is_multiline(after) or any(isinstance(v, (dict, list)) for v in (before, after)):
        # Content is escaped before styling: a file's text must never drive the reviewer's terminal.
        # A saved plan's values hold no key order marks: a reorder there shows as the plan described it.
        lines = shown_lines(value_diff(before, after, declared) or [f"~ {detail}" for detail in change.details])
        return [head, *("    " + line for line in style_diff(lines, style))]
    body = shown(f"{scalar(before)} -> {scalar(after)}")
    return [f"{head} {body}"] if not change.drift else [head, f"    {body}"]


def declared_value(change: Change, field: FieldChange) -> Any:
    """What the file wrote for a changed field, as its change's body sends it (None when it sends none)."""
    return (change.body or {}).get(field.path)


def _created_lines(change: Change, style: Style) -> list[str]:
    """What a create sends, as YAML-like lines (long text in a block, structures per key)."""
    lines = declared_lines([(field.path, field.after) for field in change.fields])
    return [style("add", line) for line in shown_lines(lines)]


def change_heading(change: Change) -> str:
    """`~ update KEY ID  (SOURCE)`: the key, id and file name shown, as a file or a server may put anything in them.
    A kind whose id is its key shows its version instead: `~ new version agent NAME  (version 2 -> 3)  (SOURCE)`."""
    where = f"  ({shown(change.source)})" if change.source else ""
    ident = f" {shown(change.id)}" if change.id and not kind_of(change).key_is_id else ""
    note = version_note(change)
    version = f"  ({shown(note)})" if note else ""
    takes_over = ""
    if change.action == "adopt":  # a latest version without the tool's record: made outside it, or never managed
        takes_over = ("  [takes over: adds assistantsync metadata]" if change.version is None else
                      f"  [version {shown(change.version)} has no assistantsync record: made outside the tool; "
                      "takes over in a new version]")
    name = f"{noun(change)}{shown(change.key)}"
    return f"{SYMBOLS[change.action]} {action_word(change)} {name}{ident}{version}{where}{takes_over}"


def summary_line(plan: Plan) -> str:
    """`Plan: 1 to create, 2 to update, 1 new version, 0 to delete.`: an update count per kind's update word for
    the kinds in the plan (`to update` alone for assistants); adopt only when there is one."""
    parts = [tally_phrase(word, count) for word, count in tallies(plan.changes) if word != "adopt" or count]
    where = f" (environment {plan.environment})" if plan.environment else ""
    return f"Plan{where}: {', '.join(parts)}."


def render_plan_text(plan: Plan, color: bool = False) -> str:
    style: Style = ansi if color else plain
    out: list[str] = []
    for key, message in plan.errors:
        out.append(style("error", shown(f"error: {key}: {message}")))
    for key, message in plan.warnings:
        out.append(style("drift", shown(f"warning: {key}: {message}")))
    drifted = [noun(c) + c.key for c in plan.changes if c.drift]
    if drifted:
        names = shown(", ".join(drifted))
        out.append(style("drift", f"Changed outside git since the last apply (will be overwritten): {names}"))
    for change in (c for c in plan.changes if c.drift and c.version is not None):
        out.append(style("drift", shown(f"drift: {noun(change)}{change.key}: {drift_note(change)}")))
    for action in GROUPS:
        for change in (c for c in plan.changes if c.action == action):
            out.append("")
            out.append(style("heading", change_heading(change)))
            body = _created_lines(change, style) if action == "create" else [
                line for f in change.fields for line in field_lines(f, style, declared_value(change, f))]
            out.extend("    " + line for line in body)
    if out:
        out.append("")
    if plan.errors:
        failed = counted(labelled_kind(key).name for key, _ in plan.errors)
        out.append(f"Plan failed: {failed} could not be planned; nothing will be applied until the errors are fixed.")
    elif not plan.has_changes:
        where = f" in environment {plan.environment}" if plan.environment else ""
        out.append(f"No changes{where}. {counted(c.kind for c in plan.changes)} up to date.")
    else:
        out.append(summary_line(plan))
    return "\n".join(out) + "\n"


def render_outcomes_text(outcomes: Sequence[Outcome], color: bool = False) -> str:
    style: Style = ansi if color else plain
    lines = []
    for outcome in outcomes:
        mark = "ok" if outcome.ok else style("error", "FAILED")
        ident = f" {outcome.id}" if outcome.id and not kind_of(outcome).key_is_id else ""
        name = f"{noun(outcome)}{shown(outcome.key)}{shown(ident)}"
        lines.append(f"{mark:>6}  {action_word(outcome)} {name}: {shown(outcome.message)}")
    # Changes an interruption kept from starting did not fail: the next apply makes them.
    skipped = sum(o.not_applied for o in outcomes)
    failed = sum(not o.ok for o in outcomes) - skipped
    tail = f", {skipped} not applied (interrupted)" if skipped else ""
    lines.append(f"Apply: {len(outcomes) - failed - skipped} succeeded, {failed} failed{tail}.")
    return "\n".join(lines) + "\n"
