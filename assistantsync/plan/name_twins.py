"""The warning that a file to be created shares its display name with a live resource no file describes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.identity import Matching, claim, foreign_environment


def name_twins(kind: ResourceKind, matching: Matching, live: Sequence[JsonObject],
               environment: str | None = None) -> tuple[tuple[str, str], ...]:
    """(key, warning) for each file to be created whose display name a live resource no file describes already has.

    That is the likeliest duplicate in the making: one made in a dashboard, or one whose key was renamed in
    its file or stripped from its metadata. A warning, not an error: two resources may share a display name
    on purpose. Pinning the id (`id:` in the file) adopts the existing one instead. None for a kind without
    a display name. Another environment's resources are no twins: each environment has its own copy by design.
    """
    field = kind.display_name_field
    if field is None or all(match.live is not None for match in matching.matches):
        return ()  # nothing to be created: no index of the live names needed
    described = {id(match.live) for match in matching.matches if match.live is not None}
    by_name: defaultdict[str, list[JsonObject]] = defaultdict(list)
    for item in live:
        name = item.get(field)
        if isinstance(name, str) and name and id(item) not in described and \
                foreign_environment(kind, item, environment) is None:
            by_name[name].append(item)
    warnings = []
    for match in matching.matches:
        name = match.desired.fields.get(field)
        if match.live is None and isinstance(name, str) and name in by_name:
            twins = sorted(by_name[name], key=lambda item: str(item["id"]))
            what = "; ".join(_twin(kind, item) for item in twins)
            warnings.append((match.desired.key, f"will create a second {kind.name} named {name!r}: {what}. If the "
                                                 f"file means that one, add `id: {twins[0]['id']}` to it to take "
                                                 "it over instead"))
    return tuple(sorted(warnings))


def _twin(kind: ResourceKind, item: JsonObject) -> str:
    found = claim(kind, item)
    if found is None:
        return f"{item['id']} has that name and is not managed by assistantsync"
    return f"{item['id']} has that name and the key '{found[0]}', which no file uses any more"
