"""A saved plan is data to verify, not commands to run: it may send only what it shows, and only where it may. Pure.

`show` and `apply --plan` refuse a plan whose request bodies are not the ones plan builds from the fields it
shows (plan/changes.py), or that lacks a target, an id or a fingerprint where plan always writes one. Apply,
with the live objects in hand, also refuses an update or delete of an object that does not carry the tool's
identity key for that change, and an adopt of one managed under another key. Every identity is the plan's
environment's (`key@env`, plan/identity_value.py): a plan cannot write to another environment's resources, nor
give out their identities. Every problem is listed at once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistantsync.api.redaction import MASK
from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.kinds.registry import KINDS
from assistantsync.plan.changes import Change, Plan, live_version, metadata_body, sent_fields
from assistantsync.plan.fingerprint import moved
from assistantsync.plan.identity import claim, claimed_key
from assistantsync.plan.identity_value import SEPARATOR, identity
from assistantsync.plan.record import canonical_json, decode_record, digest
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY, canonical, live_metadata, user_metadata
from assistantsync.plan.saved_versions import hidden_fields, version_record


class UnverifiedPlan(AssistantSyncError):
    """A saved plan that would send, or write to, something else than what it shows; nothing was applied."""

    def __init__(self, problems: Sequence[str]) -> None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"the saved plan is refused: it is not a plan assistantsync wrote for this state; nothing "
                         f"was applied. Run plan again.\n{lines}")


# Said when a refused change holds a mask: a value plan --out masked can no longer be sent as the file says.
MASKED = "a credential was masked out of it when it was saved: apply from the files instead"


def _exact(value: Any) -> str:
    """JSON text that tells apart what the server would: key order (a schema's properties), 1 from 1.0 and true."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def _label(change: Change) -> str:
    return change.key if change.id is None else f"{change.key} ({change.id})"


def forged_problems(plan: Plan, kinds: Mapping[str, ResourceKind] = KINDS) -> list[str]:
    """What in a saved plan is not what plan writes (empty: each body is what its fields show)."""
    problems = [] if plan.target is not None else ["the plan names no target: which API it was made against"]
    for change in plan.changes:
        kind = kinds.get(change.kind)
        if kind is None:
            problems.append(f"{_label(change)}: kind {change.kind!r} is not one assistantsync manages")
            continue
        found = _change_problems(kind, plan.strict, change, plan.revision, plan.environment)
        if found and MASK in _exact([[f.after for f in change.fields], change.body]):
            found.append(MASKED)
        problems.extend(f"{_label(change)}: {problem}" for problem in found)
    writes = Counter((c.kind, c.id) for c in plan.pending if c.id is not None)
    keys = Counter((c.kind, c.key) for c in plan.pending if c.action != "delete")
    problems.extend(f"{ident}: {count} changes write it" for (_, ident), count in sorted(writes.items()) if count > 1)
    problems.extend(f"{key}: {count} changes give out this key" for (_, key), count in sorted(keys.items())
                    if count > 1)
    return problems


def _change_problems(kind: ResourceKind, strict: bool, change: Change, revision: str | None,
                     environment: str | None) -> list[str]:
    shown = {f.path: f.after for f in change.fields}
    problems = [f"{name} is not one of the {kind.name} fields" for name in shown if name not in kind.fields]
    if SEPARATOR in change.key:  # it would give out an identity that reads as another environment's
        problems.append(f"its key holds '{SEPARATOR}', which no file's key does")
    if len(shown) < len(change.fields):
        problems.append("a field is listed twice")
    problems.extend(f"{f.path} is{'' if f.write_only else ' not'} marked write-only" for f in change.fields
                    if f.write_only != (f.path in kind.write_only))
    if change.action == "create" and change.id is not None:
        problems.append(f"a create names no id, but this one names {change.id}")
    if change.action in ("update", "adopt", "delete"):
        problems.extend(f"no {what}: plan writes one for every {kind.name} it changes" for what, value
                        in (("id", change.id), ("fingerprint", change.fingerprint)) if value is None)
    # Its key is its id (an agent's name): plans show the key alone, so a change may write nowhere else. A create
    # names the id in its body: creating an agent whose name is taken makes a new version of that agent.
    target = (change.body or {}).get(kind.key_field) if change.action == "create" and kind.key_field else change.id
    if kind.key_is_id and target is not None and target != change.key:
        problems.append(f"it writes {target}, not the {kind.name} its key names")
    if change.action in ("delete", "no-op"):
        if change.fields or change.body is not None:
            problems.append(f"a {change.action} sends nothing, but this one shows fields or holds a body")
        return problems
    if change.body is None:
        return [*problems, "no body"]
    if change.action == "create":
        return problems + _create_problems(kind, strict, change, change.body, shown, revision, environment)
    return problems + _update_problems(kind, change, change.body, shown, revision, environment)


def _create_problems(kind: ResourceKind, strict: bool, change: Change, body: JsonObject,
                     shown: JsonObject, revision: str | None, environment: str | None) -> list[str]:
    """A create's body, rebuilt whole as plan builds it: the file's fields (with --strict, the defaults of the
    others) exactly as shown, and the metadata map with its key and the record of those values."""
    metadata = kind.metadata_field
    managed = {**(kind.defaults if strict or kind.whole_versions else {}), **shown}
    wanted = {name: canonical(kind, name, value) for name, value in managed.items()}
    want = metadata_body(kind, change.key, user_metadata(managed.get(metadata)), wanted, revision, environment)
    sent = sent_fields(kind, managed, shown)
    problems = _fields_problems(kind, body, {n: v for n, v in sent.items() if n != metadata}, lambda n, v: v)
    got, found = _metadata_map(kind, change, body, environment)
    if got is not None:
        if _exact(user_metadata(got)) != _exact(user_metadata(want)):
            found.append(f"body sends other {metadata} than its fields show")
        if got.get(STATE_KEY) != want[STATE_KEY]:
            found.append(f"body's {STATE_KEY} does not record the values its fields show")
    return problems + found


def _update_problems(kind: ResourceKind, change: Change, body: JsonObject, shown: JsonObject,
                     revision: str | None, environment: str | None) -> list[str]:
    """An update's or adopt's body: the shown fields, each in a form with the same canonical value (plan sends
    the file's form and shows the canonical one), and the metadata map with its key and a record holding the
    shown values. The record's other digests, and the user's map when the file does not manage it, are the live
    object's business: see live_problems. A new version is whole, so its record is too: it must be the one
    plan writes for what the body sends (a field left out as its default)."""
    metadata = kind.metadata_field
    # Shown values are canonical already; read back from JSON they lose what canonical() marks on them (the
    # key order that counts, key_order.py), so both sides are compared as canonical() makes them.
    wanted = {name: canonical(kind, name, value) for name, value in shown.items()}
    # A new version takes what its body leaves out as the default: a field the file dropped is sent that way.
    made = {**{name: kind.defaults[name] for name in shown if name in kind.defaults and name not in body},
            **body} if kind.whole_versions else body
    problems = _fields_problems(kind, made, {n: v for n, v in wanted.items() if n != metadata},
                                lambda name, value: canonical(kind, name, value), kind.whole_versions)
    got, found = _metadata_map(kind, change, body, environment)
    if got is not None:
        if metadata in shown and _exact(canonical(kind, metadata, got)) != _exact(wanted[metadata]):
            found.append(f"body sends other {metadata} than its fields show")
        record = decode_record(kind, got.get(STATE_KEY))
        if record is None or any(record.get(name) != digest(value) for name, value in wanted.items()):
            found.append(f"body's {STATE_KEY} does not record the values its fields show")
        elif kind.whole_versions and got.get(STATE_KEY) != version_record(kind, change.key, body, revision,
                                                                                environment):
            found.append(f"body's {STATE_KEY} does not record the version its body makes")
    return problems + found


def _fields_problems(kind: ResourceKind, body: JsonObject, expected: JsonObject,
                     sent: Callable[[str, Any], Any], others_live: bool = False) -> list[str]:
    """`body`'s fields but metadata against `expected`, each body value read as `sent(name, value)`. With
    `others_live` (a new version carries every field), other fields of the kind are the live object's business."""
    metadata = kind.metadata_field
    problems = [f"body sets {name}, which its fields do not show" for name in body
                if name != metadata and name not in expected and not (others_live and name in kind.fields)]
    problems.extend(f"body does not set {name}, which its fields show" for name in expected if name not in body)
    problems.extend(f"body sends another {name} than its fields show" for name in expected
                    if name in body and _exact(sent(name, body[name])) != _exact(expected[name]))
    return problems


def _metadata_map(kind: ResourceKind, change: Change, body: JsonObject,
                  environment: str | None) -> tuple[JsonObject | None, list[str]]:
    """The body's metadata map (None when it is none) and what is wrong with the identity it gives out: the
    change's key in the plan's environment, nothing else."""
    got = body.get(kind.metadata_field)
    if not isinstance(got, dict):
        return None, [f"body's {kind.metadata_field} is not a map carrying its key"]
    if SEPARATOR in change.key or got.get(IDENTITY_KEY) != identity(change.key, environment):
        where = "" if environment is None else f" in environment {environment}"
        return got, [f"body's {IDENTITY_KEY} is {got.get(IDENTITY_KEY)!r}, not its key{where}"]
    return got, []


def live_problems(kind: ResourceKind, plan: Plan, live: Sequence[JsonObject]) -> list[str]:
    """What a saved plan would write to an object it may not touch, or beyond what it shows (empty: nothing).

    `live` holds at least every object the plan updates, adopts or deletes; one missing is stale_reasons'.
    A version made since the plan (a portal's, without the tool's key, say) is not judged: stale_reasons refuses
    it, naming what moved and rightly saying to plan again."""
    by_id = {str(item["id"]): item for item in live}
    problems = []
    for change in plan.pending:
        now = by_id.get(change.id or "")
        if change.action == "create" or now is None or _new_version(kind, change, now):
            continue
        found = claim(kind, now)  # an adopt takes one carrying no key, or its key from before environments
        carried = None if found is None else identity(found[0], found[1])
        if change.action == "adopt" and found is not None and found not in ((change.key, None),
                                                                            (change.key, plan.environment)):
            problems.append(f"{_label(change)}: it is managed as '{carried}'; a saved plan only adopts "
                            f"{kind.plural} that carry no key: apply from the files to take it over")
        elif change.action != "adopt" and claimed_key(kind, now, plan.environment) != change.key:
            what = "no key" if carried is None else f"the key '{carried}'"
            problems.append(f"{_label(change)}: it carries {what}; a saved plan only {change.action}s the "
                            f"{kind.name} carrying the key '{identity(change.key, plan.environment)}'")
        elif change.action != "delete" and kind.whole_versions and hidden_fields(kind, change, now):
            problems.append(f"{_label(change)}: body makes {', '.join(hidden_fields(kind, change, now))} other "
                            "than the live version, and its fields show no change to them")
        elif change.action != "delete" and _sends_other_metadata(kind, change, now):
            problems.append(f"{_label(change)}: body sends other {kind.metadata_field} than the live one, and its "
                            "fields show no change to it")
            if MASK in _exact((change.body or {}).get(kind.metadata_field)):
                problems.append(f"{_label(change)}: {MASKED}")
    return problems


def _new_version(kind: ResourceKind, change: Change, now: JsonObject) -> bool:
    """Whether `now` is a version made since the plan: another version, and (so that stale_reasons surely
    refuses it) another fingerprint. Versions are immutable: the same one with other content is no move."""
    return live_version(kind, now) not in (None, change.version) and moved(kind, change.fingerprint, now)


def _sends_other_metadata(kind: ResourceKind, change: Change, now: JsonObject) -> bool:
    """Whether a change whose fields show no metadata change sends the user's map other than it is live. Only
    judged on the object the change was planned from: on one that moved since, stale_reasons says so."""
    metadata = kind.metadata_field
    if metadata in {f.path for f in change.fields} or moved(kind, change.fingerprint, now):
        return False
    sent = (change.body or {}).get(metadata)
    return canonical_json(canonical(kind, metadata, sent)) != canonical_json(
        canonical(kind, metadata, live_metadata(kind, now)))
