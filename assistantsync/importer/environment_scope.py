"""Which live resources an import in one environment takes (README, "Environments on one account").

With `--env E`, import takes the resources claiming `key@E`, and those no environment claims: unmanaged ones and
ones managed before environments (a plain key), which E's plan adopts in the open. Another environment's copy is
that environment's to import: `--all` leaves it out (counted per environment), and naming its ID is refused,
since its file would pin the id under E and a plan in E could never make it its own. Without an environment,
every resource is taken, as before environments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.identity import foreign_environment


@dataclass(frozen=True)
class Scoped:
    """The resources to import, and per other environment (by name) how many of its resources were left out."""

    kept: tuple[JsonObject, ...]
    others: tuple[tuple[str, int], ...]


def in_environment(kind: ResourceKind, live: Sequence[JsonObject], environment: str | None, *,
                   named: bool) -> Scoped:
    """The resources `environment` may import; when they were `named` by ID, one of another environment's is
    refused before anything is written."""
    kept: list[JsonObject] = []
    others: Counter[str] = Counter()
    foreign: list[str] = []
    for item in live:
        other = foreign_environment(kind, item, environment) if environment is not None else None
        if other is None:
            kept.append(item)
        else:
            others[other] += 1
            foreign.append(f"{item.get('id')} belongs to environment {other}")
    if named and foreign:
        what = "name" if kind.key_is_id else "ID"
        raise AssistantSyncError(f"{'; '.join(foreign)}, not {environment}: import each {kind.name} with the --env "
                                 f"that manages it, or leave its {what} out. Nothing was written.")
    return Scoped(tuple(kept), tuple(sorted(others.items())))


def left_out_line(kind: ResourceKind, scoped: Scoped, environment: str | None) -> str | None:
    """The line telling what `--all` left out for belonging to other environments, None when nothing was."""
    count = sum(number for _, number in scoped.others)
    if not count:
        return None
    each = ", ".join(f"{name} ({number})" for name, number in scoped.others)
    return (f"Left out {count} {kind.name if count == 1 else kind.plural} of other environments, not {environment}: "
            f"{each}.")
