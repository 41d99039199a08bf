"""The report items one conversion gathers as it goes, each tied to its source and field path."""

from __future__ import annotations

from assistantsync.json_value import JsonPath, format_path
from assistantsync.migrate.report import Outcome, ReportItem


class Findings:
    """Collects the report items of one assistant document, in the order the converter meets them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[ReportItem] = []

    def add(self, path: JsonPath, outcome: Outcome, reason: str) -> None:
        self.items.append(ReportItem(self.source, format_path(path), outcome, reason))

    def dropped(self, path: JsonPath, reason: str) -> None:
        self.add(path, Outcome.DROPPED, reason)

    def changed(self, path: JsonPath, reason: str) -> None:
        self.add(path, Outcome.CHANGED, reason)
