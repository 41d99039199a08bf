"""How plans name a change's kind and action: an agent's update is a new version, with the version it starts
from and the one it is expected to become. Pure; shared by the text and Markdown renderers.

Words that hold text from a server or a saved plan (a version, a field path) take a `quote`: the text renderer
escapes whole lines afterwards, the Markdown one puts each such piece in a code span."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Protocol

from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.kind import ResourceKind
from assistantsync.kinds.registry import DEFAULT_KIND, KINDS
from assistantsync.plan.changes import ACTIONS, Change

Quote = Callable[[str], str]
Number = Callable[[int], str]
UNNUMBERED = "a new version"  # what follows a version that is not a number


class KindAction(Protocol):
    """A planned change or an apply outcome: both name their kind and action."""

    @property
    def kind(self) -> str: ...

    @property
    def action(self) -> str: ...


def kind_of(item: KindAction) -> ResourceKind:
    """The item's kind; a saved plan naming an unknown one is refused before rendering (saved_check)."""
    return KINDS.get(item.kind, DEFAULT_KIND)


def action_word(item: KindAction) -> str:
    """`create`, `update`, `new version`, `adopt`, `delete`."""
    return kind_of(item).update_word if item.action == "update" else item.action


def noun(item: KindAction) -> str:
    """`agent ` before the key of a change to an agent; nothing for an assistant (the tool's first kind)."""
    return kind_of(item).label_prefix


def next_version(version: str) -> str:
    """The version a new one is expected to get: versions count up per agent ([U] in the spec: the number the
    service gives is shown as expected, not promised). ASCII digits only: `²` is a digit to Python, not to int."""
    counts_up = version.isascii() and version.isdigit() and len(version) < 18
    return str(int(version) + 1) if counts_up else UNNUMBERED


def version_note(change: Change, quote: Quote = str) -> str:
    """`version 2 -> 3` for a change that makes a new version of a versioned resource; `version 2` for one that
    does not; "" for kinds without versions."""
    if change.version is None:
        return ""
    if change.action not in ("update", "adopt"):
        return f"version {quote(change.version)}"
    following = next_version(change.version)
    return f"version {quote(change.version)} -> {following if following == UNNUMBERED else quote(following)}"


def drift_note(change: Change, quote: Quote = str) -> str:
    """What a versioned resource's drift means: its latest version was made outside the tool."""
    fields = ", ".join(quote(f.path) for f in change.fields if f.drift)
    if change.version is not None:
        return (f"version {quote(change.version)} was not made by assistantsync (it differs in {fields}); "
                "this apply makes git the truth again in a new version")
    return f"{fields} changed outside git since the last apply; this apply overwrites it"


def kinds_in(kinds: Iterable[str]) -> list[ResourceKind]:
    """The kinds named, in the registry's order; the first kind when none is (an empty plan)."""
    named = set(kinds)
    return [kind for name, kind in KINDS.items() if name in named] or [DEFAULT_KIND]


def counted(kinds: Iterable[str], number: Number = str) -> str:
    """`6 assistants`, `1 agent`, `6 assistants and 2 agents` (in kind order), one kind name per item counted;
    `0 assistants` for none. `number` writes each count (`"{:,}".format` for thousands separators)."""
    counts = Counter(kinds)
    parts = [f"{number(counts[name])} {kind.name if counts[name] == 1 else kind.plural}"
             for name, kind in KINDS.items() if counts[name]]
    return " and ".join(parts) or f"{number(0)} {DEFAULT_KIND.plural}"


def counted_resources(desired: Iterable[DesiredResource]) -> str:
    """`3 assistants and 1 agent` declared in files."""
    return counted(want.kind for want in desired)


def kinds_plural(kinds: Iterable[str]) -> str:
    """`assistants` or `agents` when all are of one kind, else `resources`."""
    present = kinds_in(kinds)
    return present[0].plural if len(present) == 1 else "resources"


def labelled_kind(key: str) -> ResourceKind:
    """The kind of a plan's error or warning, by the label its key starts with (`agent NAME`); unlabelled keys
    are the first kind's. Keys hold no space, so a label cannot be mistaken for one."""
    labelled = (kind for kind in KINDS.values() if kind.label_prefix and key.startswith(kind.label_prefix))
    return next(labelled, DEFAULT_KIND)


def tallies(changes: Iterable[Change]) -> list[tuple[str, int]]:
    """The plan's counts per action word, in the order plans list them: create, the update word of each kind in
    the plan (`update`, `new version`), adopt, delete."""
    changes = list(changes)
    counts = Counter(action_word(change) for change in changes)
    updates = dict.fromkeys(kind.update_word for kind in kinds_in(c.kind for c in changes))
    return [("create", counts["create"]), *((word, counts[word]) for word in updates),
            ("adopt", counts["adopt"]), ("delete", counts["delete"])]


def tally_phrase(word: str, count: int, number: Number = str) -> str:
    """`3 to update` for an action (a verb), `2 new versions` for a kind's update word (a noun)."""
    if word in ACTIONS:
        return f"{number(count)} to {word}"
    return f"{number(count)} {word}{'' if count == 1 else 's'}"
