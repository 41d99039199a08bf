"""Line diffs a reviewer can read: long text as a unified diff, structured values item by item.

Pure functions from values to lines; the renderers decide on layout and colour.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from typing import Any

Style = Callable[[str, str], str]  # (role, text) -> text; roles: add, remove, hunk, word_add, word_remove


def plain(role: str, text: str) -> str:
    return text


def pretty(value: Any) -> str:
    """Stable, readable text for a value: strings as they are, everything else as indented JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def is_multiline(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value


def unified_lines(before: str, after: str, context: int = 3) -> list[str]:
    """Unified diff lines (`@@`, `-`, `+`, ` `) without the file header."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context)
    return [line for line in diff if not line.startswith(("---", "+++"))]


_WORD = re.compile(r"\s+|\w+|[^\w\s]")


def _highlight_pair(removed: str, added: str, style: Style) -> tuple[str, str]:
    """Mark the words that differ between a removed line and the added line replacing it."""
    old, new = _WORD.findall(removed), _WORD.findall(added)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    out_old, out_new = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal":
            out_old.append(style("remove", a))
            out_new.append(style("add", b))
        else:
            out_old.append(style("word_remove", a))
            out_new.append(style("word_add", b))
    return "".join(out_old), "".join(out_new)


def style_diff(lines: list[str], style: Style, highlight_words: bool) -> list[str]:
    """Colour diff lines; when asked, changed words inside paired -/+ lines stand out."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("@@"):
            out.append(style("hunk", line))
        elif line.startswith("-"):
            removed = [line]
            while index + 1 < len(lines) and lines[index + 1].startswith("-"):
                index += 1
                removed.append(lines[index])
            added = []
            while index + 1 < len(lines) and lines[index + 1].startswith("+"):
                index += 1
                added.append(lines[index])
            if highlight_words and len(removed) == len(added):
                pairs = [_highlight_pair(r[1:], a[1:], style) for r, a in zip(removed, added, strict=True)]
                out.extend(style("remove", "-") + old for old, _ in pairs)
                out.extend(style("add", "+") + new for _, new in pairs)
            else:
                out.extend(style("remove", r) for r in removed)
                out.extend(style("add", a) for a in added)
        elif line.startswith("+"):
            out.append(style("add", line))
        else:
            out.append(line)
        index += 1
    return out


def _tool_label(tool: Any) -> str:
    if not isinstance(tool, dict):
        return scalar(tool)
    kind = str(tool.get("type"))
    function = tool.get("function")
    if kind == "function" and isinstance(function, dict):
        return f"function {function.get('name')}"
    return kind


def item_diff(before: Any, after: Any) -> list[str]:
    """Per-item lines for lists of tools and per-key lines for maps: never two whole JSON blobs."""
    if isinstance(before, list) and isinstance(after, list):
        return _list_diff(before, after)
    if isinstance(before, dict) and isinstance(after, dict):
        return _map_diff(before, after)
    if isinstance(before, (dict, list)) or isinstance(after, (dict, list)):
        return unified_lines(pretty(before), pretty(after), context=2)
    return [f"{scalar(before)} -> {scalar(after)}"]


def _list_diff(before: list[Any], after: list[Any]) -> list[str]:
    lines: list[str] = []
    labels_before, labels_after = [_tool_label(t) for t in before], [_tool_label(t) for t in after]
    if len(set(labels_before)) < len(before) or len(set(labels_after)) < len(after):
        return unified_lines(pretty(before), pretty(after), context=2)  # items without a unique label
    old = {_tool_label(t): t for t in before}
    new = {_tool_label(t): t for t in after}
    order = [_tool_label(t) for t in after] + [label for label in old if label not in new]
    for label in dict.fromkeys(order):
        if label not in old:
            lines.append(f"+ {label}")
            lines.extend("    " + line for line in pretty(new[label]).splitlines())
        elif label not in new:
            lines.append(f"- {label}")
        elif old[label] != new[label]:
            lines.append(f"~ {label}")
            lines.extend("    " + line for line in unified_lines(pretty(old[label]), pretty(new[label]), 2))
    if not lines and before != after:
        lines.append("~ order changed")
    return lines


def _map_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = []
    for key in sorted(set(before) | set(after)):
        if key not in before:
            lines.append(f"+ {key}: {scalar(after[key])}")
        elif key not in after:
            lines.append(f"- {key}: {scalar(before[key])}")
        elif before[key] != after[key]:
            lines.append(f"~ {key}: {scalar(before[key])} -> {scalar(after[key])}")
    return lines
