"""The benchmark's rows and their Markdown table: one column group per code tree (used by bench_sync.py)."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

NOW = "now"  # the label of this checkout's code
SHARED = ""  # the tree of a row measured once for all trees (a bare httpx loop, another tool)
HAND_WRITTEN = "<!-- Written by hand from here on; bench_sync.py rewrites only the table above. -->"


@dataclass
class Row:
    name: str
    wall: float  # seconds, or megabytes when unit is "MB"
    bound: float | None = None
    requests: dict[str, int] = field(default_factory=dict)
    note: str = ""
    tree: str = NOW
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        return self.wall / self.bound if self.bound else None

    def cells(self) -> list[str]:
        """Value, bound and ratio."""
        if self.unit == "MB":
            value = f"{self.wall:.0f} MB"
        else:
            value = f"{self.wall * 1000:.3f} ms" if self.wall < 0.01 else f"{self.wall:.3f}"
        return [value, f"{self.bound:.3f}" if self.bound else "", f"{self.ratio:.2f}" if self.ratio else ""]


def to_markdown(rows: Sequence[Row], latency_ms: int, runs: int, trees: Sequence[str] = (NOW,),
                preface: Sequence[str] = ()) -> str:
    """The table; with two trees, each row shows both, and how many times faster the second is."""
    lines = [
        "# Benchmarks", "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()} ({platform.machine()}); "
        f"sandbox latency {latency_ms} ms per request; medians of {runs} runs (the SDK script: 1 run).",
        "Produced by `python benchmarks/bench_sync.py`; the CLI rows' wall times include its own start-up.",
        *preface, "",
    ]
    if len(trees) == 1:
        lines += ["| What | Wall (s) | Lower bound (s) | Ratio | Requests | Note |",
                  "| --- | ---: | ---: | ---: | --- | --- |"]
    else:
        first, second = trees
        lines += [f"| What | {first} (s) | bound | ratio | {second} (s) | bound | ratio | {first} / {second} "
                  "| Requests | Note |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    groups: dict[str, dict[str, Row]] = {}
    for row in rows:
        groups.setdefault(row.name, {})[row.tree] = row
    for name, by_tree in groups.items():
        found = {tree: by_tree.get(tree, by_tree.get(SHARED)) for tree in trees}
        cells = [cell for row in found.values() for cell in (row.cells() if row else ["-", "", ""])]
        if len(trees) == 2:
            first_row, second_row = (by_tree.get(tree) for tree in trees)
            cells.append(f"{first_row.wall / second_row.wall:.2f}" if first_row and second_row else "")
        present = {tree: row for tree, row in found.items() if row}
        cells += [_joined({tree: _requests(row) for tree, row in present.items()}),
                  _joined({tree: row.note for tree, row in present.items()})]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def _requests(row: Row) -> str:
    return ", ".join(f"{route}: {count}" for route, count in row.requests.items())


def _joined(by_tree: dict[str, str]) -> str:
    """One text when the trees agree, else each tree's own."""
    texts = set(by_tree.values())
    if len(texts) <= 1:
        return texts.pop() if texts else ""
    return "; ".join(f"{tree}: {text}" for tree, text in by_tree.items() if text)


def hand_written(path: Path) -> str:
    """What follows the table in `path` (analysis written by hand), kept when the table is refreshed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return "\n" + text[text.index(HAND_WRITTEN):] if HAND_WRITTEN in text else ""
