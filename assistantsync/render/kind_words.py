"""How plans name a change's kind and action: an agent's update is a new version, with the version it starts
from and the one it is expected to become. Pure; shared by the text and Markdown renderers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.kind import ResourceKind
from assistantsync.kinds.registry import DEFAULT_KIND, KINDS
from assistantsync.plan.changes import Change, Plan


def kind_of(change: Change) -> ResourceKind:
    """The change's kind; a saved plan naming an unknown one is refused before rendering (saved_check)."""
    return KINDS.get(change.kind, DEFAULT_KIND)


def action_word(change: Change) -> str:
    """`create`, `update`, `new version`, `adopt`, `delete`."""
    return kind_of(change).update_word if change.action == "update" else change.action


def noun(change: Change) -> str:
    """`agent ` before the key of a change to an agent; nothing for an assistant (the tool's first kind)."""
    return kind_of(change).label_prefix


def next_version(version: str) -> str:
    """The version a new one is expected to get: versions count up per agent ([U] in the spec: the number the
    service gives is shown as expected, not promised)."""
    return str(int(version) + 1) if version.isdigit() and len(version) < 18 else "a new version"


def version_note(change: Change) -> str:
    """`version 2 -> 3` for a change that makes a new version of a versioned resource; `version 2` for one that
    does not; "" for kinds without versions."""
    if change.version is None:
        return ""
    if change.action in ("update", "adopt"):
        return f"version {change.version} -> {next_version(change.version)}"
    return f"version {change.version}"


def drift_note(change: Change) -> str:
    """What a versioned resource's drift means: its latest version was made outside the tool."""
    fields = ", ".join(f.path for f in change.fields if f.drift)
    if change.version is not None:
        return (f"version {change.version} was not made by assistantsync (it differs in {fields}); "
                "this apply makes git the truth again in a new version")
    return f"{fields} changed outside git since the last apply; this apply overwrites it"


def counted(plan: Plan, changes: Iterable[Change]) -> str:
    """`6 assistants`, `1 agent`, `6 assistants and 2 agents` (in kind order); `0 assistants` for none."""
    counts = Counter(change.kind for change in changes)
    parts = [f"{counts[name]} {kind.name if counts[name] == 1 else kind.plural}" for name, kind in KINDS.items()
             if counts[name]]
    return " and ".join(parts) or f"0 {DEFAULT_KIND.plural}"


def counted_resources(desired: Iterable[DesiredResource]) -> str:
    """`3 assistants and 1 agent` declared in files."""
    counts = Counter(want.kind for want in desired)
    parts = [f"{counts[name]} {kind.name if counts[name] == 1 else kind.plural}" for name, kind in KINDS.items()
             if counts[name]]
    return " and ".join(parts) or f"0 {DEFAULT_KIND.plural}"
