"""The key of each imported resource: the live `assistantsync_key`'s key (without the environment it names, if
any: plan/identity_value.py) if it is a usable key, else a slug of its
display name, else of the id; made unique with `-2`, `-3`, ... in creation order, keys the tool already
manages taking precedence. A kind whose id is its key (an agent's name) keeps the id as it is, case included.
And what to say when live resources claim one key between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistantsync.errors import AssistantSyncError
from assistantsync.files.file_format import KEY_MAX_CHARS, KEY_PATTERN, slug
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.identity import claim
from assistantsync.plan.identity_value import identity
from assistantsync.plan.reserved import IDENTITY_KEY
from assistantsync.safe_text import join_words


def assign_keys(kind: ResourceKind, resources: Sequence[JsonObject]) -> list[str]:
    """One unique key per resource, in the given order: managed keys first, then slugs with suffixes."""
    if kind.key_is_id:
        return id_keys(kind, resources)
    claimed: dict[int, str] = {}
    for index, live in enumerate(resources):
        key = _claimed(kind, live)
        if key is not None and key not in claimed.values() and _usable_key(key):
            claimed[index] = key
    taken = set(claimed.values())
    keys = []
    for index, live in enumerate(resources):
        key = claimed.get(index)
        if key is None:
            name = live.get(kind.display_name_field) if kind.display_name_field else None
            candidates = (_claimed(kind, live), name, live.get("id"))
            key = _unique(next((s for s in map(slug, candidates) if s), kind.name), taken)
            taken.add(key)
        keys.append(key)
    return keys


def claim_conflicts(kind: ResourceKind, resources: Iterable[JsonObject]) -> list[str]:
    """What to fix when live resources share one identity key: plan refuses them all until only one claims it."""
    claims: dict[str, list[JsonObject]] = {}
    for live in resources:
        claimed = claim(kind, live)  # one environment's key: another environment's copy is no conflict
        if claimed is not None:
            claims.setdefault(identity(*claimed), []).append(live)
    conflicts = []
    for key, found in sorted(claims.items()):
        ids = sorted({str(live.get("id")) for live in found})
        if len(ids) > 1:
            who = f"{join_words(ids, 'and')} {'both' if len(ids) == 2 else 'all'}"
            conflicts.append(f"{who} claim key '{key}' in {kind.metadata_field} {IDENTITY_KEY}; the files give them "
                             f"different keys, but plan refuses them until you clear {IDENTITY_KEY} on all but one")
    return conflicts


def _claimed(kind: ResourceKind, live: JsonObject) -> str | None:
    found = claim(kind, live)
    return found[0] if found is not None else None


def id_keys(kind: ResourceKind, resources: Sequence[JsonObject]) -> list[str]:
    """The ids (names) as keys and file names, case kept; refused when one cannot name a file, or when two differ
    only in case: a case-insensitive file system (macOS, Windows) would keep one file for both."""
    keys = [live.get("id") for live in resources]
    for key in keys:
        if not isinstance(key, str) or not _usable_key(key, re.IGNORECASE):
            raise AssistantSyncError(f"the server returned a live {kind.name} named {key!r:.80}, which cannot name a "
                                     "file; import the others by name, leaving this one out. Nothing was written.")
    by_folded: dict[str, list[str]] = {}
    for key in map(str, keys):
        by_folded.setdefault(key.casefold(), []).append(key)
    clashes = [join_words(names, "and") for names in by_folded.values() if len(names) > 1]
    if clashes:
        raise AssistantSyncError(f"{kind.plural} {'; '.join(clashes)} differ only in case, so their files would be "
                                 "one on a case-insensitive file system (macOS, Windows): import them by name into "
                                 "separate folders. Nothing was written.")
    return [str(key) for key in keys]


def _usable_key(key: str, flags: int = 0) -> bool:
    return re.fullmatch(KEY_PATTERN, key, flags) is not None and not key.startswith(".")


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: KEY_MAX_CHARS - len(suffix)].rstrip("-._") + suffix
    return candidate
