"""Which live resource each file describes: stateless matching by pinned id, then identity key.

Identity is the file's `key` (never its path), stored in the resource's reserved metadata, so
renaming or moving a file never creates a duplicate and there is no state file to lose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistantsync.files.desired import DesiredResource
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.reserved import IDENTITY_KEY, live_metadata
from assistantsync.safe_text import join_words


@dataclass(frozen=True)
class Match:
    """A file's resource and the live object it corresponds to (None: to be created)."""

    desired: DesiredResource
    live: JsonObject | None


@dataclass(frozen=True)
class Matching:
    matches: tuple[Match, ...]
    errors: tuple[tuple[str, str], ...]  # (key, message), for files that cannot be planned
    orphans: tuple[JsonObject, ...]  # live resources the tool manages that no file describes


def claimed_key(kind: ResourceKind, live: JsonObject) -> str | None:
    """The identity key a live resource carries in its metadata, if any."""
    value = live_metadata(kind, live).get(IDENTITY_KEY)
    return value if isinstance(value, str) and value else None


def claims_by_key(kind: ResourceKind, live: Iterable[JsonObject]) -> dict[str, list[JsonObject]]:
    """The live resources carrying each identity key, in the order given."""
    claims: defaultdict[str, list[JsonObject]] = defaultdict(list)
    for item in live:
        key = claimed_key(kind, item)
        if key is not None:
            claims[key].append(item)
    return claims


def _duplicate_claims(kind: ResourceKind, key: str, ids: list[str]) -> str:
    if len(ids) == 2:
        return (f"live {kind.plural} {ids[0]} and {ids[1]} both claim key '{key}' in metadata {IDENTITY_KEY}; "
                f"delete one or clear its {IDENTITY_KEY}, then plan again")
    return (f"live {kind.plural} {join_words(ids, 'and')} all claim key '{key}' in metadata {IDENTITY_KEY}; "
            f"delete all but one or clear their {IDENTITY_KEY}, then plan again")


def _match_one(
    kind: ResourceKind, want: DesiredResource, claims: dict[str, list[JsonObject]], by_id: dict[str, JsonObject],
    pinned_ids: set[str], desired_keys: set[str],
) -> Match | str:
    """The match for one file, or the reason it cannot be planned."""
    claimants = claims.get(want.key, [])
    if len(claimants) > 1:
        return _duplicate_claims(kind, want.key, sorted(str(c["id"]) for c in claimants))
    claimant = claimants[0] if claimants else None
    if not want.id:
        if claimant is not None and claimant["id"] in pinned_ids:
            return f"{claimant['id']} claims key '{want.key}' but another file pins it"
        return Match(want, claimant)
    found = by_id.get(want.id)
    if found is None:
        return (f"pinned id {want.id} does not exist (or these credentials cannot see it); "
                f"remove `id:` from the file to create a new {kind.name}")
    other = claimed_key(kind, found)
    if other is not None and other != want.key and other in desired_keys:
        return f"pinned id {want.id} carries key '{other}', which another file uses"
    if claimant is not None and claimant["id"] != want.id:
        return (f"key '{want.key}' is claimed by {claimant['id']} but the file pins {want.id}; "
                f"remove the pin or clear {IDENTITY_KEY} on {claimant['id']}")
    return Match(want, found)


def match_resources(kind: ResourceKind, desired: Sequence[DesiredResource], live: Sequence[JsonObject]) -> Matching:
    """Pair files with live resources; every ambiguity is an error for that key, never a guess."""
    by_id = {str(item["id"]): item for item in live}
    claims = claims_by_key(kind, live)
    pinned_ids = {d.id for d in desired if d.id}
    desired_keys = {d.key for d in desired}

    matches: list[Match] = []
    errors: list[tuple[str, str]] = []
    for want in desired:
        result = _match_one(kind, want, claims, by_id, pinned_ids, desired_keys)
        if isinstance(result, Match):
            matches.append(result)
        else:
            errors.append((want.key, result))

    def is_orphan(item: JsonObject) -> bool:
        key = claimed_key(kind, item)
        return key is not None and key not in desired_keys and item["id"] not in pinned_ids

    orphans = tuple(sorted(filter(is_orphan, live), key=lambda i: (claimed_key(kind, i) or "", str(i["id"]))))
    return Matching(tuple(matches), tuple(sorted(errors)), orphans)


def name_twins(kind: ResourceKind, matching: Matching, live: Sequence[JsonObject]) -> tuple[tuple[str, str], ...]:
    """(key, warning) for each file to be created whose display name a live resource no file describes already has.

    That is the likeliest duplicate in the making: one made in a dashboard, or one whose key was renamed in
    its file or stripped from its metadata. A warning, not an error: two resources may share a display name
    on purpose. Pinning the id (`id:` in the file) adopts the existing one instead. None for a kind without
    a display name.
    """
    field = kind.display_name_field
    if field is None or all(match.live is not None for match in matching.matches):
        return ()  # nothing to be created: no index of the live names needed
    described = {id(match.live) for match in matching.matches if match.live is not None}
    by_name: defaultdict[str, list[JsonObject]] = defaultdict(list)
    for item in live:
        name = item.get(field)
        if isinstance(name, str) and name and id(item) not in described:
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
    key = claimed_key(kind, item)
    if key is None:
        return f"{item['id']} has that name and is not managed by assistantsync"
    return f"{item['id']} has that name and the key '{key}', which no file uses any more"
