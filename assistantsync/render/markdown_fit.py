"""Fitting the per-resource sections of a Markdown plan into a character budget, fairly. Pure.

Rule: sections that fit whole stay whole; when they do not all fit, every section first gets a floor
(its heading and a few lines), and what is left is shared by water-filling: a level L is found, each
section gets min(its size, max(its floor, L)), so small sections stay whole and large ones get equal
shares. A truncated section ends with a note saying how many diff lines it leaves out and where the
full plan is. When not even the floors fit, the first sections (by key) are kept and the others are
named in one line. Fences and <details> are always closed, so the output stays valid Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistantsync.safe_text import shown

TAIL = "</details>\n\n"
MIN_BODY = 400  # a truncated section shows at least about this much of its diff when any section gets any
MIN_CUT = 40  # a line longer than the room left is cut (rather than dropped) when this much room is left
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class Block:
    """A Markdown line (a field's label) and the diff lines fenced under it (none: no fence)."""

    label: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    head: str  # from `<details>` to the paragraph before the first block, ending in a blank line
    blocks: tuple[Block, ...]
    fields: tuple[str, ...]  # the field names, for the truncation note, in block order (or "")
    label: str = ""  # before the key where sections are named: the kind's label ("agent "), Markdown


def fence_for(lines: tuple[str, ...]) -> str:
    """A backtick fence longer than any backtick run inside, so no content can close it."""
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    return "`" * max(3, longest + 1)


def _block_text(block: Block, lines: tuple[str, ...] | list[str]) -> str:
    label = f"{block.label}\n" if block.label else ""
    if not block.lines:
        return f"{label}\n"
    fence = fence_for(block.lines)
    body = "".join(f"{line}\n" for line in lines)
    return f"{label}{fence}diff\n{body}{fence}\n\n"


def full_text(section: Section) -> str:
    return section.head + "".join(_block_text(b, b.lines) for b in section.blocks) + TAIL


def _note(left_out: int, total: int, fields: list[str], hint: str) -> str:
    where = f" ({shown(', '.join(fields))})" if fields else ""
    return (f"*Truncated: {left_out:,} of {total:,} diff lines not shown in full{where}. "
            f"The full plan: {hint}.*\n\n")


def _reserve(section: Section, hint: str) -> int:
    total = sum(len(b.lines) for b in section.blocks)
    return len(_note(total, total, [f for f in section.fields if f], hint))


def skeleton(section: Section, hint: str) -> int:
    """The size of the section with no diff lines: heading, truncation note and closing tag."""
    return len(section.head) + len(TAIL) + _reserve(section, hint)


def _whole_hunks(shown: list[str]) -> list[str]:
    """Shown lines cut back to the last whole hunk, or else to before a removal whose `+` is cut off."""
    starts = [index for index, line in enumerate(shown) if line.startswith("@@")]
    if len(starts) > 1:
        return shown[: starts[-1]]
    while shown and shown[-1].startswith("-"):
        shown = shown[:-1]
    return shown


def truncated_text(section: Section, limit: int, hint: str) -> str:
    """The section in at most `limit` characters (limit >= skeleton), its diffs cut with a note."""
    full = full_text(section)
    if len(full) <= limit:
        return full
    room = limit - skeleton(section, hint)
    parts, left_out, cut_fields = [section.head], 0, []
    total = sum(len(b.lines) for b in section.blocks)
    stopped = False
    for block, name in zip(section.blocks, section.fields, strict=True):
        overhead = len(_block_text(block, []))
        least = min(MIN_CUT, len(block.lines[0]) + 1) if block.lines else 0
        if stopped or overhead + least > room:
            stopped = True
            left_out += len(block.lines)
            cut_fields.append(name)
            continue
        room -= overhead
        shown: list[str] = []
        partial = False
        for line in block.lines:
            if len(line) + 1 <= room:
                shown.append(line)
                room -= len(line) + 1
                continue
            if not shown and room >= MIN_CUT:  # one very long line: show its start
                shown.append(line[: room - 2] + "…")
                partial, room = True, 0
            break
        if len(shown) < len(block.lines) and not partial:
            shown = _whole_hunks(shown)
        if len(shown) < len(block.lines) or partial:
            stopped = True
            left_out += len(block.lines) - len(shown) + partial
            cut_fields.append(name)
        parts.append(_block_text(block if shown else Block(block.label), shown))
    parts.append(_note(left_out, total, [f for f in cut_fields if f], hint))
    parts.append(TAIL)
    return "".join(parts)


def code_span(text: str) -> str:
    """Inline code that shows `text` literally whatever backticks it holds, on one line with every other
    hidden character shown."""
    text = shown(text.replace("\r", " ").replace("\n", " "))
    ticks = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _names_head(count: int, hint: str, what: str) -> str:
    return f"**{count:,} more changed {what}, not shown here** — see {hint}: "


def _section_name(section: Section) -> str:
    return section.label + code_span(section.key)


def names_line(names: list[str], limit: int, hint: str, what: str) -> str:
    """One paragraph naming (`names`, Markdown) the `what` whose sections did not fit, cut to `limit` with
    `… and N more`."""
    head = _names_head(len(names), hint, what)
    shown: list[str] = []
    size = len(head) + 2
    for index, item in enumerate(names):
        rest = len(names) - index - 1
        tail = len(f", … and {rest:,} more") if rest else 0
        if size + len(item) + 2 + tail > limit:
            return head + ", ".join(shown) + f"{', ' if shown else ''}… and {len(names) - index:,} more\n\n"
        shown.append(item)
        size += len(item) + 2
    return head + ", ".join(shown) + "\n\n"


def fit_sections(sections: list[Section], budget: int, hint: str, what: str) -> tuple[str, bool]:
    """The sections in at most `budget` characters, and whether anything was cut or left out (`what`: the
    plural noun for those left out)."""
    texts = [full_text(s) for s in sections]
    if sum(map(len, texts)) <= budget:
        return "".join(texts), False
    floors = [min(len(t), skeleton(s, hint) + MIN_BODY) for s, t in zip(sections, texts, strict=True)]
    names = [_section_name(s) for s in sections]
    named = [0] * (len(names) + 1)  # named[k]: the length of names[k:], listed in full
    for index in range(len(names) - 1, -1, -1):
        named[index] = named[index + 1] + len(names[index]) + 2
    kept, used = len(sections), sum(floors)
    while kept and used + (len(_names_head(len(names) - kept, hint, what)) + named[kept] if kept < len(names)
                           else 0) > budget:
        kept -= 1
        used -= floors[kept]
    rest = names_line(names[kept:], budget - used, hint, what) if kept < len(sections) else ""
    share = budget - len(rest)
    sizes = [len(t) for t in texts[:kept]]
    low, high = 0, max(sizes, default=0)
    while low < high:  # the highest level L whose allocations fit the share
        level = (low + high + 1) // 2
        if sum(min(size, max(floor, level)) for size, floor in zip(sizes, floors, strict=False)) <= share:
            low = level
        else:
            high = level - 1
    out = [truncated_text(s, min(size, max(floor, low)), hint)
           for s, size, floor in zip(sections, sizes, floors, strict=False)]
    return "".join(out) + rest, True
