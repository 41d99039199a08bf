"""A plan as Markdown, for a pull-request comment or `$GITHUB_STEP_SUMMARY`. Pure: returns a string.

Layout: the marker comment on the first line (CI finds the one comment to update by it); a heading;
errors; deletions and drift called out; an action | count table; then one collapsed `<details>`
section per changed assistant, sorted by key, holding ```diff blocks. Text from files or servers only
ever appears inside code spans, code blocks or escaped, so it cannot break the layout or mention
anyone. The whole text stays within `max_chars` (GitHub refuses comments over 65,535 characters):
see markdown_fit for how the sections share the budget.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.render.markdown_fit import Block, Section, code_span, fit_sections
from assistantsync.render.text import SYMBOLS
from assistantsync.render.value_diff import value_diff, whitespace_only
from assistantsync.render.values import declared_lines, scalar
from assistantsync.safe_text import shown

MARKER = "<!-- assistantsync-plan -->"
DEFAULT_MAX_CHARS = 65_000
MIN_MAX_CHARS = 4_000
MAX_HINT_CHARS = 300
MAX_ERROR_CHARS = 500
MAX_NAME_CHARS = 200  # a key or id longer than this (only a hand-made plan file has one) is cut
ROWS = (("create", "create"), ("update", "update"), ("adopt", "adopt (take over)"), ("delete", "delete"),
        ("no-op", "unchanged"))
DRIFT_NOTE = "⚠️ changed outside git since the last apply; this apply overwrites it"
WRITE_ONLY_NOTE = "write-only: the API never returns it, so the previous value cannot be read"


def _html(text: str) -> str:
    """Text for HTML or Markdown prose: on one line, hidden characters shown (U+202E would reorder a
    <summary>), tags escaped, and `@` unable to mention anyone."""
    return html.escape(shown(" ".join(text.split())), quote=False).replace("@", "@\u2060")


def _diff_line(line: str) -> str:
    # A lone CR would end the line in Markdown; other hidden characters (bidirectional controls, zero-width
    # characters, escapes) would make the reviewed text read differently from what apply sends.
    return shown(line.replace("\r", "\u240d"))


def _capped(items: list[str], limit: int, more: Callable[[int], str]) -> list[str]:
    """As many items as fit in `limit` characters (each counted with a two-character separator), then
    `more(number left out)`."""
    kept: list[str] = []
    size = 0
    for index, item in enumerate(items):
        left = len(items) - index - 1
        if size + len(item) + 2 + (len(more(left)) + 2 if left else 0) > limit:
            return [*kept, more(left + 1)]
        kept.append(item)
        size += len(item) + 2
    return kept


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _field_block(field: FieldChange) -> Block:
    notes = [DRIFT_NOTE] if field.drift else []
    notes += ["whitespace-only change"] if whitespace_only(field.before, field.after) else []
    if field.write_only:
        notes.append(WRITE_ONLY_NOTE)
        lines = [f"+ {scalar(field.after)}"]
    else:
        # A saved plan's values hold no key order marks: a reorder there shows as the plan described it.
        lines = value_diff(field.before, field.after) or [f"~ {detail}" for detail in field.details]
    label = f"**{code_span(field.path)}**" + "".join(f" — {note}" for note in notes)
    return Block(label, tuple(_diff_line(line) for line in lines))


def _intro(change: Change) -> str:
    ident = code_span(_short(change.id or "", MAX_NAME_CHARS))
    source = f" from {code_span(_short(change.source, MAX_NAME_CHARS))}" if change.source else ""
    if change.action == "create":
        return f"Creates a new assistant{source}:"
    if change.action == "delete":
        return f"Deletes {ident}: it carries assistantsync's key and no file describes it (`--prune`)."
    if change.action == "adopt":
        return f"Takes over {ident} (adds assistantsync's metadata keys){source}."
    return f"Updates {ident}{source}."


def _section(change: Change) -> Section:
    names = [f.path for f in change.fields]
    key = _html(_short(change.key, MAX_NAME_CHARS))
    summary = f"<b>{SYMBOLS[change.action]} {change.action}</b> <code>{key}</code>"
    if names:
        summary += " — " + _html(", ".join(_capped(names, 200, lambda n: f"… {n} more")))
    summary += " — ⚠️ changed outside git" if change.drift else ""
    summary += f" — ⚠️ deletes {_html(_short(change.id or '', MAX_NAME_CHARS))}" if change.action == "delete" else ""
    head = f"<details><summary>{summary}</summary>\n\n{_intro(change)}\n\n"
    if change.action == "create":
        lines = declared_lines([(f.path, f.after) for f in change.fields])
        block = Block("", tuple(_diff_line(f"+ {line}" if line else "+") for line in lines))
        return Section(change.key, head, (block,) if lines else (), ("",) if lines else ())
    return Section(change.key, head, tuple(_field_block(f) for f in change.fields), tuple(names))


def _heading(plan: Plan) -> str:
    counts = plan.summary()
    parts = [f"{counts[action]:,} to {action}" for action in ("create", "update", "adopt", "delete") if counts[action]]
    return f"### assistantsync plan: {', '.join(parts) or 'no changes'}\n\n"


def _errors(plan: Plan, limit: int) -> str:
    if not plan.errors:
        return ""
    count = len(plan.errors)
    return (f"**❌ {count:,} assistant{'s' if count != 1 else ''} could not be planned; "
            f"this plan cannot be applied:**\n{_notes(plan.errors, limit, 'JSON output')}\n\n")


def _notes(notes: Sequence[tuple[str, str]], limit: int, json_name: str) -> str:
    """(key, message) pairs as a list of at most `limit` items, then how many more the full plan holds."""
    items = [f"- {code_span(_short(key, MAX_NAME_CHARS))}: {code_span(_short(message, MAX_ERROR_CHARS))}"
             for key, message in notes]
    return "\n".join(_capped(items, limit, lambda n: f"- … and {n:,} more (see the plan's text or {json_name})"))


def _warnings(plan: Plan, limit: int) -> str:
    out = ""
    if plan.warnings:
        out += f"**⚠️ Worth a look before applying:**\n{_notes(plan.warnings, limit, 'JSON')}\n\n"
    deleted = [f"{code_span(_short(c.key, MAX_NAME_CHARS))} ({code_span(_short(c.id or '', MAX_NAME_CHARS))})"
               for c in plan.changes if c.action == "delete"]
    if deleted:
        names = ", ".join(_capped(deleted, limit, lambda n: f"… and {n:,} more"))
        out += f"> ⚠️ **Deletes {len(deleted):,} assistant{'s' if len(deleted) != 1 else ''}:** {names}\n\n"
    drifted = [f"{code_span(_short(c.key, MAX_NAME_CHARS))} ({_html(', '.join(f.path for f in c.fields if f.drift))})"
               for c in plan.changes if c.drift]
    if drifted:
        names = ", ".join(_capped(drifted, limit, lambda n: f"… and {n:,} more"))
        out += f"> ⚠️ **Changed outside git since the last apply; this apply overwrites it:** {names}\n\n"
    return out


def _table(plan: Plan) -> str:
    counts = plan.summary()
    rows = "".join(f"| {label} | {counts[action]:,} |\n" for action, label in ROWS)
    return f"| Action | Assistants |\n| --- | ---: |\n{rows}\n"


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
        unchanged = plan.summary()["no-op"]
        return (f"{MARKER}\n**assistantsync plan:** no changes "
                f"({unchanged:,} assistant{'s' if unchanged != 1 else ''} up to date).\n")
    share = max_chars // 10  # for each list in the header: errors, warnings, deletions, drift
    head = f"{MARKER}\n{_heading(plan)}{_errors(plan, share)}{_warnings(plan, share)}{_table(plan)}"
    sections = [_section(c) for c in sorted(plan.pending, key=lambda c: (c.key, c.id or ""))]
    body, cut = fit_sections(sections, max_chars - len(head) - len(_truncated(plan_file_hint)), plan_file_hint)
    return (head + (_truncated(plan_file_hint) if cut else "") + body).rstrip("\n") + "\n"
