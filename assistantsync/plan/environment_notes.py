"""What a plan in one environment says about the others sharing its account: never a silent takeover. Pure.

A resource managed before environments were used (its identity the key alone) is adopted by the first
environment that plans its key, and the plan says so; a key another environment holds is never matched, and the
plan says that this run makes its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.identity import Matching, claim
from assistantsync.plan.reserved import IDENTITY_KEY


def environment_notes(kind: ResourceKind, matching: Matching, live: Sequence[JsonObject],
                      environment: str | None) -> tuple[tuple[str, str], ...]:
    """(key, warning) for each file adopting a resource managed without an environment, and each file to be
    created whose key another environment holds."""
    notes = []
    if environment is not None:
        for match in matching.matches:
            found = claim(kind, match.live) if match.live is not None else None
            if match.live is not None and found is not None and found[1] is None:
                notes.append((match.desired.key, f"{kind.name} {match.live['id']} was managed without an environment "
                                                 f"(key '{found[0]}'); adopted by environment {environment}: apply "
                                                 f"records environment {environment} in its {IDENTITY_KEY}"))
    created = {match.desired.key for match in matching.matches if match.live is None}
    run = f"environment {environment}" if environment is not None else "this run, without an environment,"
    for item in live if created else ():
        found = claim(kind, item)
        if found is not None and found[0] in created and found[1] not in (None, environment):
            notes.append((found[0], f"{kind.name} {found[0]} of environment {found[1]} exists ({item['id']}); "
                                    f"{run} makes its own"))
    return tuple(sorted(notes))
