"""What a migration returns: each agent document and the report of every field it could not carry as it was."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from assistantsync.json_value import JsonObject


class Outcome(str, Enum):
    """What happened to a field of the assistant file."""

    DROPPED = "dropped"  # not in the agent file at all
    CHANGED = "changed"  # carried, but with another value or shape than a plain move would give


@dataclass(frozen=True)
class ReportItem:
    """One field of one assistant file that did not move across unchanged, and why."""

    source: str  # the assistant file (and document) it comes from, as the caller names it
    field: str  # its path in the assistant document, e.g. `tools[0].file_search.ranking_options.ranker`
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class AssistantFile:
    """One assistant document to convert: where it comes from, its resolved key, and its fields as written."""

    source: str
    key: str  # the declared `key`, else the file name's stem (as validate resolves it)
    document: JsonObject


@dataclass(frozen=True)
class Conversion:
    """The agent document made from one assistant document, with the report items about it."""

    source: str
    agent: JsonObject
    items: tuple[ReportItem, ...]
