"""Line diffs a reviewer can read: long text as a unified diff, structured values item by item.

Pure functions from values to lines; the renderers decide on layout and colour. Every diff line
starts with its sign (`+`, `-`, ` `, `~` for a changed item's label, `@@` for a hunk), so a terminal
colours it and a Markdown ```diff block highlights it the same way. Structured values read as
YAML-like lines, never as JSON blobs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from assistantsync.render.declared_context import without_unset_context
from assistantsync.render.values import is_multiline as is_multiline
from assistantsync.render.values import pretty as pretty
from assistantsync.render.values import scalar as scalar
from assistantsync.render.values import yaml_lines

NO_NEWLINE = "\\ No newline at end of file"
CARRIAGE_RETURN = "\u240d"  # ␍, shown where a line's CR is part of the change
NESTED = "    "  # indent of an item's content under its label, after the sign column
_SHORT = 80  # a map value up to this long stays on its key's line


def whitespace_only(before: Any, after: Any) -> bool:
    """Two different texts that differ only in spaces, tabs and line breaks (invisible in most views)."""
    return isinstance(before, str) and isinstance(after, str) and before != after and before.split() == after.split()


def _split(text: str, mark_end: bool, mark_cr: bool) -> list[tuple[str, bool]]:
    """Lines as (text, lacks a final newline); line ends are compared only when they differ."""
    lines = text.split("\n")
    ended = lines[-1] == ""
    if ended:
        lines.pop()
    shown = [line[:-1] + CARRIAGE_RETURN if mark_cr and line.endswith("\r") else line for line in lines]
    return [(line, mark_end and not ended and index == len(shown) - 1) for index, line in enumerate(shown)]


def _range(start: int, stop: int) -> str:
    length = stop - start
    first = start + 1 if length else start
    return str(first) if length == 1 else f"{first},{length}"


def _groups(before: str, after: str, context: int) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]],
                                                             Iterable[list[tuple[str, int, int, int, int]]]]:
    mark_end = before.endswith("\n") != after.endswith("\n") and bool(before) and bool(after)
    mark_cr = before.count("\r") != after.count("\r")
    old, new = _split(before, mark_end, mark_cr), _split(after, mark_end, mark_cr)
    # autojunk: in a text of 200+ lines, a line repeated in over 1% of them (a blank line, `---`) cannot
    # anchor a match by itself. Without it, two rewritten prompts that share only their blank lines took
    # cubic time in their length and came out interleaved line by line.
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=True)
    return old, new, matcher.get_grouped_opcodes(context)


def _group_lines(old: list[tuple[str, bool]], new: list[tuple[str, bool]],
                 group: list[tuple[str, int, int, int, int]], prefix: str) -> list[str]:
    lines: list[str] = []
    for tag, i1, i2, j1, j2 in group:
        taken = ((" ", old[i1:i2]),) if tag == "equal" else (("-", old[i1:i2]), ("+", new[j1:j2]))
        for sign, items in taken:
            for text, unended in items:
                lines.append(f"{sign}{prefix}{text}" if text else sign)
                if unended:
                    lines.append(NO_NEWLINE)
    return lines


def unified_lines(before: str, after: str, context: int = 3) -> list[str]:
    """Unified diff lines (`@@`, `-`, `+`, ` `) without the file header; a changed line ending shows."""
    old, new, groups = _groups(before, after, context)
    lines: list[str] = []
    for group in groups:
        first, last = group[0], group[-1]
        lines.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@")
        lines.extend(_group_lines(old, new, group, ""))
    return lines


def _nested(before: Any, after: Any, context: int = 3, prefix: str = NESTED, declared: Any = None) -> list[str]:
    """The YAML-like lines of two values as a diff under an item's label; skipped lines show as `…`, and so do
    unchanged keys the file (`declared`, when known) does not set: they come last, after the file's."""
    before, after, unset = without_unset_context(before, after, declared)
    old_text, new_text = "\n".join(yaml_lines(before)) + "\n", "\n".join(yaml_lines(after)) + "\n"
    old, new, groups = _groups(old_text, new_text, context)
    lines: list[str] = []
    end = 0
    for group in groups:
        if group[0][1] > end:
            lines.append(" " + prefix + "…")
        lines.extend(_group_lines(old, new, group, prefix))
        end = group[-1][2]
    if lines and (end < len(old) or unset) and lines[-1] != " " + prefix + "…":
        lines.append(" " + prefix + "…")
    return lines


def _item_label(item: Any) -> str:
    """A list item's name in a diff: its `type`, and the `name` of the map its type keys, if that has one."""
    if not isinstance(item, dict):
        return scalar(item)
    kind = str(item.get("type"))
    nested = item.get(kind)  # an assistant's tool {"type": "function", "function": {"name": ...}}: "function <name>"
    if isinstance(nested, dict) and "name" in nested:
        return f"{kind} {nested['name']}"
    return kind


def item_diff(before: Any, after: Any, declared: Any = None) -> list[str]:
    """Per-item lines for lists of typed items and per-key lines for maps: never two whole JSON blobs.

    `+ label` / `- label` add or remove an item (an added item's content follows, signed); `~ label`
    heads the line diff of a changed item's YAML-like lines; other values diff as YAML-like lines. Keys come in
    `after`'s order, then `before`'s others; `declared`, the file's value as written, keeps unchanged keys it
    does not set out of the context lines.
    """
    if isinstance(before, list) and isinstance(after, list):
        return _list_diff(before, after, declared)
    if isinstance(before, dict) and isinstance(after, dict):
        return _map_diff(before, after, declared if isinstance(declared, dict) else {})
    return _nested(before, after, context=1_000_000, prefix=" ", declared=declared)


def _added(sign: str, label: str, value: Any) -> list[str]:
    return [f"{sign} {label}", *(f"{sign}{NESTED}{line}" for line in yaml_lines(value))]


def _list_diff(before: list[Any], after: list[Any], declared: Any) -> list[str]:
    labels_before, labels_after = [_item_label(t) for t in before], [_item_label(t) for t in after]
    if len(set(labels_before)) < len(before) or len(set(labels_after)) < len(after):
        return _nested(before, after, declared=declared)  # items without a unique label
    old, new = dict(zip(labels_before, before, strict=True)), dict(zip(labels_after, after, strict=True))
    written = {_item_label(item): item for item in declared} if isinstance(declared, list) else {}
    lines: list[str] = []
    for label in dict.fromkeys(labels_after + labels_before):
        if label not in old:
            lines.extend(_added("+", label, new[label]))
        elif label not in new:
            lines.append(f"- {label}")
        elif old[label] != new[label]:
            lines.extend([f"~ {label}", *_nested(old[label], new[label], declared=written.get(label))])
    if not lines and before != after:
        lines.append(f"~ order: {', '.join(labels_before)} -> {', '.join(labels_after)}")
    return lines


def _short(value: Any) -> str | None:
    text = scalar(value)
    return text if len(text) <= _SHORT and "\n" not in text else None


def _map_diff(before: dict[str, Any], after: dict[str, Any], declared: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in dict.fromkeys([*after, *before]):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        if key in before and key in after and _short(old) is None and _short(new) is None:
            lines.extend([f"~ {key}", *_nested(old, new, declared=declared.get(key))])
            continue
        for sign, present, value in (("-", key in before, old), ("+", key in after, new)):
            if present and _short(value) is not None:
                lines.append(f"{sign} {key}: {_short(value)}")
            elif present:
                lines.extend(_added(sign, f"{key}:", value))
    return lines


def value_diff(before: Any, after: Any, declared: Any = None) -> list[str]:
    """One field's change as diff lines: long text line by line, structures item by item, else `-`/`+`.
    `declared`: the field's value as the file wrote it, when known (see item_diff)."""
    texts = all(value is None or isinstance(value, str) for value in (before, after))
    if texts and (is_multiline(before) or is_multiline(after)):
        return unified_lines(before or "", after or "")
    if any(isinstance(value, (dict, list)) or is_multiline(value) for value in (before, after)):
        return item_diff(before, after, declared)
    return [f"- {scalar(before)}", f"+ {scalar(after)}"]
