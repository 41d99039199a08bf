"""A plan as Markdown, for a pull-request comment or `$GITHUB_STEP_SUMMARY`. Pure: returns a string.

Layout: the marker comment on the first line (CI finds the one comment to update by it); a heading;
errors; deletions and drift called out; an action | count table; then one collapsed `<details>`
section per changed assistant or agent, sorted by key, holding ```diff blocks. Text from files or servers only
ever appears inside code spans, code blocks or escaped, so it cannot break the layout or mention
anyone. The whole text stays within `max_chars` (GitHub refuses comments over 65,535 characters):
see markdown_fit for how the sections share the budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.render.kind_words import (
    action_word,
    counted,
    drift_note,
    kind_of,
    kinds_plural,
    labelled_kind,
    noun,
    tallies,
    tally_phrase,
    version_note,
)
from assistantsync.render.markdown_fit import Block, Section, code_span, fit_sections
from assistantsync.render.markdown_text import capped, code, html_name, html_text, short, thousands
from assistantsync.render.text import SYMBOLS, declared_value
from assistantsync.render.value_diff import value_diff, whitespace_only
from assistantsync.render.values import declared_lines, scalar
from assistantsync.safe_text import shown

MARKER = "<!-- assistantsync-plan -->"
DEFAULT_MAX_CHARS = 65_000
MIN_MAX_CHARS = 4_000
MAX_HINT_CHARS = 300
MAX_ERROR_CHARS = 500
ROW_LABELS = {"adopt": "adopt (take over)"}  # the table's rows: the plan's tallies, then `unchanged`
DRIFT_NOTE = "⚠️ changed outside git since the last apply; this apply overwrites it"
WRITE_ONLY_NOTE = "write-only: the API never returns it, so the previous value cannot be read"


def _diff_line(line: str) -> str:
    # A lone CR would end the line in Markdown; other hidden characters (bidirectional controls, zero-width
    # characters, escapes) would make the reviewed text read differently from what apply sends.
    return shown(line.replace("\r", "\u240d"))


def _name(change: Change) -> str:
    """`key`, or agent `NAME`: the change's key, after its kind's label."""
    return noun(change) + code(change.key)


def _deleted(change: Change, labelled: bool) -> str:
    """`key` (`id`); `NAME` for a kind whose id is its key, agent `NAME` when `labelled` (kinds are mixed)."""
    if kind_of(change).key_is_id:
        return _name(change) if labelled else code(change.key)
    return f"{code(change.key)} ({code(change.id or '')})"


def _field_block(field: FieldChange, declared: Any = None) -> Block:
    notes = [DRIFT_NOTE] if field.drift else []
    notes += ["whitespace-only change"] if whitespace_only(field.before, field.after) else []
    if field.write_only:
        notes.append(WRITE_ONLY_NOTE)
        lines = [f"+ {scalar(field.after)}"]
    else:
        # A saved plan's values hold no key order marks: a reorder there shows as the plan described it.
        lines = value_diff(field.before, field.after, declared) or [f"~ {detail}" for detail in field.details]
    label = f"**{code_span(field.path)}**" + "".join(f" — {note}" for note in notes)
    return Block(label, tuple(_diff_line(line) for line in lines))


def _intro(change: Change) -> str:
    kind = kind_of(change)
    who = _name(change) if kind.key_is_id else code(change.id or "")
    source = f" from {code(change.source)}" if change.source else ""
    versioned = kind.version_field is not None
    note = version_note(change, code)
    if change.action == "create":
        return f"Creates a new {kind.name}{source}:"
    if change.action == "delete":
        versions = f" and every version of it{f' (the latest: {note})' if note else ''}" if versioned else ""
        return f"Deletes {who}{versions}: it carries assistantsync's key and no file describes it (`--prune`)."
    step = f": {note}" if note else ""
    if change.action == "adopt":
        new = " in a new version" if versioned else ""
        unrecorded = (f" Its latest version, {code(change.version)}, carries no assistantsync record: it was made "
                      "outside the tool." if change.version is not None else "")
        return f"Takes over {who} (adds assistantsync's metadata keys{new}){source}{step}.{unrecorded}"
    return f"Makes a {kind.update_word} of {who}{source}{step}." if versioned else f"Updates {who}{source}."


def _section(change: Change, labelled: bool) -> Section:
    """The change's <details>; `labelled` (the plan holds several kinds): named with its kind if cut."""
    names = [f.path for f in change.fields]
    note = version_note(change)
    key = html_name(change.key)
    summary = f"<b>{SYMBOLS[change.action]} {action_word(change)}</b> {noun(change)}<code>{key}</code>"
    summary += f" ({html_name(note)})" if note else ""
    if names:
        summary += " — " + html_text(", ".join(capped(names, 200, lambda n: f"… {n} more")))
    if change.drift:
        made = f"version {change.version} not made by assistantsync" if change.version is not None else None
        summary += f" — ⚠️ {html_name(made) if made else 'changed outside git'}"
    if change.action == "delete":
        versioned = kind_of(change).version_field is not None
        summary += f" — ⚠️ deletes {'every version' if versioned else html_name(change.id or '')}"
    head = f"<details><summary>{summary}</summary>\n\n{_intro(change)}\n\n"
    label = noun(change) if labelled else ""
    if change.action == "create":
        lines = declared_lines([(f.path, f.after) for f in change.fields])
        block = Block("", tuple(_diff_line(f"+ {line}" if line else "+") for line in lines))
        return Section(change.key, head, (block,) if lines else (), ("",) if lines else (), label)
    blocks = tuple(_field_block(f, declared_value(change, f)) for f in change.fields)
    return Section(change.key, head, blocks, tuple(names), label)


def _heading(plan: Plan) -> str:
    """The outcome: any error makes the plan failed (its changes still listed below), never `no changes`."""
    if plan.errors:
        return failed_heading(len(plan.errors), plan.environment)
    parts = [tally_phrase(word, count, thousands) for word, count in tallies(plan.changes) if count]
    return f"### {_title(plan.environment)}: {', '.join(parts) or 'no changes'}\n\n"


def _title(environment: str | None) -> str:
    """`assistantsync plan`, and ` · prod` for a plan made in an environment (its name is a plain word)."""
    return f"assistantsync plan · {environment}" if environment else "assistantsync plan"


def failed_heading(errors: int, environment: str | None = None) -> str:
    """The heading of a plan that failed, partly or whole (markdown_failure.py)."""
    return f"### {_title(environment)}: failed: {errors:,} error{'s' if errors != 1 else ''}\n\n"


def _errors(plan: Plan, limit: int) -> str:
    if not plan.errors:
        return ""
    failed = counted((labelled_kind(key).name for key, _ in plan.errors), thousands)
    return (f"**❌ {failed} could not be planned; "
            f"this plan cannot be applied:**\n{_notes(plan.errors, limit, 'JSON output')}\n\n")


def _noted(key: str) -> str:
    """An error's or warning's key, `agent NAME` as agent `NAME`."""
    label = labelled_kind(key).label_prefix
    return label + code(key[len(label):])


def _notes(notes: Sequence[tuple[str, str]], limit: int, json_name: str) -> str:
    """(key, message) pairs as a list of at most `limit` items, then how many more the full plan holds."""
    items = [f"- {_noted(key)}: {code_span(short(message, MAX_ERROR_CHARS))}" for key, message in notes]
    return "\n".join(capped(items, limit, lambda n: f"- … and {n:,} more (see the plan's text or {json_name})"))


def _warnings(plan: Plan, limit: int) -> str:
    out = ""
    if plan.warnings:
        out += f"**⚠️ Worth a look before applying:**\n{_notes(plan.warnings, limit, 'JSON')}\n\n"
    deleted = [c for c in plan.changes if c.action == "delete"]
    if deleted:
        labelled = len({c.kind for c in deleted}) > 1
        names = ", ".join(capped([_deleted(c, labelled) for c in deleted], limit, lambda n: f"… and {n:,} more"))
        out += f"> ⚠️ **Deletes {counted((c.kind for c in deleted), thousands)}:** {names}\n\n"
    return out + _drift(plan, limit)


def _drift(plan: Plan, limit: int) -> str:
    """Each drifted change named once, in `limit` characters in all: the fields changed outside git, or for a
    versioned kind the version made outside the tool (which the apply follows with a new one)."""
    out = ""
    drifted = [f"{_name(c)} ({html_text(', '.join(f.path for f in c.fields if f.drift))})"
               for c in plan.changes if c.drift and c.version is None]
    if drifted:
        names = ", ".join(capped(drifted, limit, lambda n: f"… and {n:,} more"))
        out += f"> ⚠️ **Changed outside git since the last apply; this apply overwrites it:** {names}\n\n"
    versions = [f"{_name(c)}: {drift_note(c, code)}" for c in plan.changes if c.drift and c.version is not None]
    if versions:
        items = capped(versions, limit - len(out), lambda n: f"… and {n:,} more")
        out += "> ⚠️ **Changed outside git since the last apply:**\n" + "".join(f"> - {item}\n" for item in items) + "\n"
    return out


def _table(plan: Plan) -> str:
    """A row per tally (one per kind's update word), then `unchanged`; one kind's plural, or `Resources`."""
    tally = [*tallies(plan.changes), ("unchanged", plan.summary()["no-op"])]
    rows = "".join(f"| {ROW_LABELS.get(word, word)} | {count:,} |\n" for word, count in tally)
    column = kinds_plural(c.kind for c in plan.changes).capitalize()
    return f"| Action | {column} |\n| --- | ---: |\n{rows}\n"


def _truncated(hint: str) -> str:
    return f"*Some changes are shortened to fit; the full plan: {hint}.*\n\n"


def render_plan_markdown(plan: Plan, *, max_chars: int = DEFAULT_MAX_CHARS,
                         plan_file_hint: str = "the JSON plan (plan --out)") -> str:
    """The plan as Markdown of at most `max_chars` characters; `plan_file_hint` (Markdown, e.g. a link)
    says where the full plan is, in truncation notes."""
    if max_chars < MIN_MAX_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_MAX_CHARS}")
    if len(plan_file_hint) > MAX_HINT_CHARS:
        raise ValueError(f"plan_file_hint must be at most {MAX_HINT_CHARS} characters")
    if not plan.has_changes and not plan.errors:
        unchanged = counted((c.kind for c in plan.changes), thousands)
        return f"{MARKER}\n**{_title(plan.environment)}:** no changes ({unchanged} up to date).\n"
    share = max_chars // 10  # for each list in the header: errors, warnings, deletions, drift
    head = f"{MARKER}\n{_heading(plan)}{_errors(plan, share)}{_warnings(plan, share)}{_table(plan)}"
    kinds = {c.kind for c in plan.pending}
    sections = [_section(c, len(kinds) > 1) for c in sorted(plan.pending, key=lambda c: (c.key, c.id or ""))]
    what = kinds_plural(kinds)
    body, cut = fit_sections(sections, max_chars - len(head) - len(_truncated(plan_file_hint)), plan_file_hint, what)
    return (head + (_truncated(plan_file_hint) if cut else "") + body).rstrip("\n") + "\n"
