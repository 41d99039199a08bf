"""Which live resource each file describes: stateless matching by pinned id, then identity key.

Identity is the file's `key` (never its path), stored in the resource's reserved metadata, so
renaming or moving a file never creates a duplicate and there is no state file to lose. A run in an
environment sees only the resources claiming its keys in that environment (plan/identity_value.py), and
those managed before environments were used, which it adopts in the open; another environment's are not its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistantsync.files.desired import DesiredResource
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.identity_value import parse
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
    duplicates: tuple[Duplicates, ...] = ()  # per matched file, the other live resources claiming its key


def claim(kind: ResourceKind, live: JsonObject) -> tuple[str, str | None] | None:
    """The identity a live resource carries in its metadata, if any: (key, environment or None)."""
    value = live_metadata(kind, live).get(IDENTITY_KEY)
    if not isinstance(value, str) or not value:
        return None
    key, environment = parse(value)
    if kind.key_is_id and key != live.get("id"):
        return None  # a name's key is the name: a copied or edited claim makes no agent another's
    return key, environment


def claimed_key(kind: ResourceKind, live: JsonObject, environment: str | None = None) -> str | None:
    """The identity key a live resource carries in its metadata for `environment` (None: for none), if any."""
    found = claim(kind, live)
    return found[0] if found is not None and found[1] == environment else None


def foreign_environment(kind: ResourceKind, live: JsonObject, environment: str | None) -> str | None:
    """The other environment that manages a live resource, if one does (never None's, nor `environment`'s)."""
    found = claim(kind, live)
    return found[1] if found is not None and found[1] not in (None, environment) else None


def claims_by_key(kind: ResourceKind, live: Iterable[JsonObject],
                  environment: str | None = None) -> dict[str, list[JsonObject]]:
    """The live resources carrying each identity key in `environment`, in the order given."""
    claims: defaultdict[str, list[JsonObject]] = defaultdict(list)
    for item in live:
        key = claimed_key(kind, item, environment)
        if key is not None:
            claims[key].append(item)
    return claims


def oldest_first(claimants: Iterable[JsonObject]) -> list[JsonObject]:
    """Live resources claiming one key, the one to keep first: the oldest `created_at`, ties in the order the
    server lists them (creation order on the sandbox).

    Not the smallest id on a tie: ids are random, so the smaller may be the later one, which an apply that
    checked before it existed has already let stand (apply/races.py relies on this order).
    """
    return sorted(claimants, key=_created_at)


def _created_at(item: JsonObject) -> float:
    value = item.get("created_at")
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class Duplicates:
    """Live resources that claim one file's key: the one kept as its match, and the other copies."""

    key: str
    kept: JsonObject
    others: tuple[JsonObject, ...]  # oldest first
    pinned: bool  # kept because the file pins it, rather than as the oldest

    def message(self, kind: ResourceKind, prune: bool) -> str:
        """What the plan says: the way out without --prune, what it does with it."""
        ids = [str(item["id"]) for item in oldest_first((self.kept, *self.others))]
        claim = (f"live {kind.plural} {join_words(sorted(ids), 'and')} {'both' if len(ids) == 2 else 'all'} "
                 f"claim key '{self.key}' in metadata {IDENTITY_KEY}")
        kept = f"{self.kept['id']} is kept, as the {'pinned' if self.pinned else 'oldest'} one"
        one = len(self.others) == 1
        copies = f"{'other' if self.pinned else 'newer'} cop{'y' if one else 'ies'} " + join_words(
            [str(item["id"]) for item in self.others], "and")
        if prune:
            return f"{claim}; {kept}, and the {copies} {'is' if one else 'are'} deleted"
        return f"{claim}; {kept}: run with --prune to delete the {copies}, or delete {'it' if one else 'them'} yourself"


def _match_one(
    kind: ResourceKind, want: DesiredResource, claims: dict[str, list[JsonObject]], by_id: dict[str, JsonObject],
    pinned_ids: set[str], desired_keys: set[str], environment: str | None = None,
    unscoped: dict[str, list[JsonObject]] | None = None,
) -> tuple[Match, Duplicates | None] | str:
    """The match for one file and the other copies claiming its key, or the reason it cannot be planned.
    `unscoped`: the claims made without an environment, a run in one falls back to (to adopt them)."""
    if kind.key_is_id:  # the key is the server's id: one live object at most has it, managed or not
        found = by_id.get(want.key)
        owner = foreign_environment(kind, found, environment) if found is not None else None
        if owner is not None:
            return (f"{kind.name} '{want.key}' belongs to environment {owner}; {kind.name} names are unique in a "
                    f"project: give it another name per environment, e.g. `name: {want.key}-${{{{ vars.env }}}}`")
        return Match(want, found), None
    claimants = oldest_first(claims.get(want.key, []))
    if not claimants and not want.id and unscoped:  # managed before environments: adopted, never pruned
        claimants = [c for c in oldest_first(unscoped.get(want.key, [])) if c["id"] not in pinned_ids][:1]
    pinned = next((c for c in claimants if want.id and c["id"] == want.id), None)
    claimant = pinned or (claimants[0] if claimants else None)
    duplicates = None
    if claimant is not None and len(claimants) > 1:
        # Another file's pin takes its claimant over (adopted under that file's key): not a copy to delete.
        others = tuple(c for c in claimants if c is not claimant and c["id"] not in pinned_ids)
        duplicates = Duplicates(want.key, claimant, others, pinned is not None) if others else None
    if not want.id:
        if claimant is not None and claimant["id"] in pinned_ids:
            return f"{claimant['id']} claims key '{want.key}' but another file pins it"
        return Match(want, claimant), duplicates
    found = by_id.get(want.id)
    if found is None:
        return (f"pinned id {want.id} does not exist (or these credentials cannot see it); "
                f"remove `id:` from the file to create a new {kind.name}")
    owner = foreign_environment(kind, found, environment)
    if owner is not None:
        return f"pinned id {want.id} belongs to environment {owner}; remove `id:` from the file to make its own"
    other = claimed_key(kind, found, environment)
    if other is not None and other != want.key and other in desired_keys:
        return f"pinned id {want.id} carries key '{other}', which another file uses"
    if claimant is not None and claimant["id"] != want.id:
        return (f"key '{want.key}' is claimed by {claimant['id']} but the file pins {want.id}; "
                f"remove the pin or clear {IDENTITY_KEY} on {claimant['id']}")
    return Match(want, found), duplicates


def match_resources(kind: ResourceKind, desired: Sequence[DesiredResource], live: Sequence[JsonObject],
                    environment: str | None = None) -> Matching:
    """Pair files with live resources; every ambiguity is an error for that key, never a guess. Several live
    resources claiming a file's key are matched by the oldest (or the pinned one), the rest listed as duplicates.
    Only `environment`'s claims count, and in an environment those made without one when it has none."""
    by_id = {str(item["id"]): item for item in live}
    claims = claims_by_key(kind, live, environment)
    unscoped = claims_by_key(kind, live) if environment is not None else None
    pinned_ids = {d.id for d in desired if d.id}
    desired_keys = {d.key for d in desired}

    matches: list[Match] = []
    errors: list[tuple[str, str]] = []
    duplicates: list[Duplicates] = []
    for want in desired:
        result = _match_one(kind, want, claims, by_id, pinned_ids, desired_keys, environment, unscoped)
        if isinstance(result, str):
            errors.append((want.key, result))
            continue
        matches.append(result[0])
        if result[1] is not None:
            duplicates.append(result[1])

    def is_orphan(item: JsonObject) -> bool:
        key = claimed_key(kind, item, environment)
        return key is not None and key not in desired_keys and item["id"] not in pinned_ids

    orphans = tuple(sorted(filter(is_orphan, live),
                           key=lambda i: (claimed_key(kind, i, environment) or "", str(i["id"]))))
    return Matching(tuple(matches), tuple(sorted(errors)), orphans, tuple(duplicates))
