"""Plans and apply results as text for a terminal. Pure: returns strings; only the CLI prints."""

from __future__ import annotations

from collections.abc import Sequence

from assistantsync.apply.execute import Outcome
from assistantsync.kinds.registry import KINDS
from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.render.colour import Style, ansi, plain, style_diff
from assistantsync.render.kind_words import action_word, counted, drift_note, kind_of, noun, version_note
from assistantsync.render.value_diff import is_multiline, value_diff, whitespace_only
from assistantsync.render.values import declared_lines, scalar
from assistantsync.safe_text import shown, shown_lines

SYMBOLS = {"create": "+", "update": "~", "adopt": "~", "delete": "-", "no-op": " "}
GROUPS = ("create", "update", "adopt", "delete")
def field_lines(change: FieldChange, style: Style = plain) -> list[str]:
    """How one field's change reads: `before -> after`, a line diff, or an item-by-item diff."""
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
        lines = shown_lines(value_diff(before, after) or [f"~ {detail}" for detail in change.details])
        return [head, *("    " + line for line in style_diff(lines, style))]
    body = shown(f"{scalar(before)} -> {scalar(after)}")
    return [f"{head} {body}"] if not change.drift else [head, f"    {body}"]


def _created_lines(change: Change, style: Style) -> list[str]:
    """What a create sends, as YAML-like lines (long text in a block, structures per key)."""
    lines = declared_lines([(field.path, field.after) for field in change.fields])
    return [style("add", line) for line in shown_lines(lines)]


def change_heading(change: Change) -> str:
    """`~ update KEY ID  (SOURCE)`: the key, id and file name shown, as a file or a server may put anything in them.
    A versioned resource's id is its key, so its version is shown instead: `~ new version agent NAME  (version
    2 -> 3)  (SOURCE)`."""
    where = f"  ({shown(change.source)})" if change.source else ""
    versioned = change.version is not None or kind_of(change).version_field is not None
    ident = f" {shown(change.id)}" if change.id and not versioned else ""
    version = f"  ({shown(version_note(change))})" if version_note(change) else ""
    note = "  [takes over: adds assistantsync metadata]" if change.action == "adopt" else ""
    name = f"{noun(change)}{shown(change.key)}"
    return f"{SYMBOLS[change.action]} {action_word(change)} {name}{ident}{version}{where}{note}"


def summary_line(plan: Plan) -> str:
    counts = plan.summary()
    versions = sum(1 for c in plan.changes if c.action == "update" and action_word(c) != "update")
    adopt = f", {counts['adopt']} to adopt" if counts["adopt"] else ""
    new_versions = f", {versions} new version{'s' if versions != 1 else ''}" if versions else ""
    return (f"Plan: {counts['create']} to create, {counts['update'] - versions} to update{new_versions}{adopt}, "
            f"{counts['delete']} to delete.")


def render_plan_text(plan: Plan, color: bool = False) -> str:
    style: Style = ansi if color else plain
    out: list[str] = []
    for key, message in plan.errors:
        out.append(style("error", shown(f"error: {key}: {message}")))
    for key, message in plan.warnings:
        out.append(style("drift", shown(f"warning: {key}: {message}")))
    drifted = [c.key + (f" (version {c.version})" if c.version else "") for c in plan.changes if c.drift]
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
                line for f in change.fields for line in field_lines(f, style)]
            out.extend("    " + line for line in body)
    if out:
        out.append("")
    if plan.errors:
        count = len(plan.errors)
        what = _planned_noun(plan, count)
        out.append(f"Plan failed: {count} {what} could not be planned; "
                   "nothing will be applied until the errors are fixed.")
    elif not plan.has_changes:
        out.append(f"No changes. {counted(plan, plan.changes)} up to date.")
    else:
        out.append(summary_line(plan))
    return "\n".join(out) + "\n"


def _planned_noun(plan: Plan, count: int) -> str:
    """What could not be planned: assistants, unless a kind with a label (an agent) is in the plan."""
    labelled = any(kind_of(c).label_prefix for c in plan.changes) or any(
        key.startswith(kind.label_prefix) for kind in KINDS.values() if kind.label_prefix for key, _ in plan.errors)
    return ("resource" if labelled else "assistant") + ("s" if count != 1 else "")


def render_outcomes_text(outcomes: Sequence[Outcome], color: bool = False) -> str:
    style: Style = ansi if color else plain
    lines = []
    for outcome in outcomes:
        mark = "ok" if outcome.ok else style("error", "FAILED")
        ident = f" {outcome.id}" if outcome.id else ""
        kind = KINDS.get(outcome.kind)
        action = kind.update_word if kind is not None and outcome.action == "update" else outcome.action
        prefix = kind.label_prefix if kind is not None else ""
        ident = "" if kind is not None and kind.key_is_id else ident  # its id is its key
        lines.append(f"{mark:>6}  {action} {prefix}{shown(outcome.key)}{shown(ident)}: {shown(outcome.message)}")
    # Changes an interruption kept from starting did not fail: the next apply makes them.
    skipped = sum(o.not_applied for o in outcomes)
    failed = sum(not o.ok for o in outcomes) - skipped
    tail = f", {skipped} not applied (interrupted)" if skipped else ""
    lines.append(f"Apply: {len(outcomes) - failed - skipped} succeeded, {failed} failed{tail}.")
    return "\n".join(lines) + "\n"
