"""The public JSON form of a plan (`plan --out FILE`, `--format json`, `apply --plan FILE`).

Versioned with `format_version` and sealed with a `digest` of its contents; documented in the README. It holds
the fields of its resources (each change names its kind: none means an assistant, as in plans from before
agents) and digests only, never credentials: the secrets given are masked in every string before the digest
is taken. What a plan would send is checked against what it shows in plan/saved_check.py. A plan made in an
environment names it (`"environment": "prod"`); one made without names none, exactly as before environments, so
format_version stays 2: an absent `environment` is a plan of the resources managed without one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from assistantsync import __version__
from assistantsync.api.redaction import redact_json
from assistantsync.errors import AssistantSyncError
from assistantsync.json_value import JsonObject, depth_exceeds
from assistantsync.plan.changes import ACTIONS, Change, FieldChange, Plan
from assistantsync.plan.fingerprint import Fingerprint
from assistantsync.plan.identity_value import is_environment

FORMAT_VERSION = 2  # 2: the document carries `digest`, and every change is checked before it is shown or applied
# Deepest a plan may nest: the files' own limit (64, as yaml_read and the sandbox's MAX_DEPTH) plus the plan's
# framing around an assistant's values (document, changes, change, fields, field). Checked before anything
# walks the values: render, the stale check and apply recurse over them.
MAX_DEPTH = 64 + 8


def plan_to_document(plan: Plan, secrets: Iterable[str] = ()) -> JsonObject:
    """The plan as JSON data, `secrets` masked in every string, sealed with the digest of the masked rest."""
    document: JsonObject = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "assistantsync", "version": __version__},
        "options": {"strict": plan.strict, "prune": plan.prune,
                    **({"revision": plan.revision} if plan.revision else {})},
        "target": {"base_url": plan.target, **({"provider": plan.provider} if plan.provider else {})},
        **({"environment": plan.environment} if plan.environment is not None else {}),
        "summary": plan.summary(),
        "errors": [{"key": key, "message": message} for key, message in plan.errors],
        "warnings": [{"key": key, "message": message} for key, message in plan.warnings],
        "changes": [_change_to_json(c) for c in plan.changes],
    }
    # Every string, keys too: live names and descriptions echo what a server was sent, and a saved plan is a CI
    # artifact anyone with read access can download.
    document = redact_json(document, secrets)
    return {"format_version": FORMAT_VERSION, "digest": document_digest(document), **document}


def plan_to_json(plan: Plan, secrets: Iterable[str] = ()) -> str:
    return json.dumps(plan_to_document(plan, secrets), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def document_digest(document: JsonObject) -> str:
    """`sha256:` and the hex SHA-256 of the document without its `digest`, as JSON with sorted keys, no spaces
    and ASCII escapes (so any string, even a lone surrogate read from an edited file, has one encoding).

    No secret goes in: it tells a plan edited by hand or corrupted from the one plan wrote, not a forger who
    recomputes it. What stops a forged plan is saved_check.py."""
    rest = {name: value for name, value in document.items() if name != "digest"}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _change_to_json(change: Change) -> JsonObject:
    fp = change.fingerprint
    return {
        "kind": change.kind,
        "key": change.key,
        "id": change.id,
        **({"version": change.version} if change.version is not None else {}),
        "action": change.action,
        "source": change.source,
        "drift": change.drift,
        "fields": [
            {"path": f.path, "before": f.before, "after": f.after, "drift": f.drift, "write_only": f.write_only,
             "details": list(f.details)}
            for f in change.fields
        ],
        "fingerprint": None if fp is None else {"object": fp.object, "fields": dict(sorted(fp.fields.items()))},
        "body": change.body,
    }


def plan_from_json(text: str, source: str) -> Plan:
    """Read a saved plan back; anything that is not a plan this version wrote is refused, naming what is wrong:
    a plan file is an input like any other, and every later step (show, the stale check, apply) trusts its types."""
    try:
        decoded = json.loads(text)
        deep = depth_exceeds(decoded, MAX_DEPTH)
    except RecursionError:  # json's decoder recurses: deep input exhausts the stack before any check runs
        deep = True
    except ValueError as error:
        raise _not_a_plan(source, str(error)) from error
    if deep:
        raise _not_a_plan(source, f"nested too deep: more than {MAX_DEPTH} levels")
    try:
        document = _typed(decoded, dict, "the document")
        if document.get("format_version") != FORMAT_VERSION:
            raise AssistantSyncError(
                f"{source}: plan format_version {document.get('format_version')!r} is not supported "
                f"(this assistantsync reads {FORMAT_VERSION}); run plan again"
            )
        options = _typed(document.get("options"), dict, "options")
        changes = tuple(_change_from_json(_typed(change, dict, f"changes[{n}]"), f"changes[{n}]")
                        for n, change in enumerate(_typed(document.get("changes"), list, "changes")))
        targeted = _typed(document.get("target"), dict, "target")
        plan = Plan(changes, _notes(document, "errors"), _typed(options.get("strict"), bool, "options.strict"),
                    _typed(options.get("prune"), bool, "options.prune"),
                    _typed(targeted.get("base_url"), (str, type(None)), "target.base_url"),
                    _notes(document, "warnings"), _revision(options.get("revision")),
                    _provider(targeted.get("provider")), _environment(document.get("environment")))
        sealed = _typed(document.get("digest"), str, "digest")
    except ValueError as error:
        raise _not_a_plan(source, str(error)) from error
    if sealed != document_digest(document):
        raise AssistantSyncError(f"{source}: edited after it was written (digest does not match); run plan again")
    return plan


def _provider(value: Any) -> str | None:
    """The provider a plan names: one this version knows, or none (plans from before it was recorded)."""
    from assistantsync.api.providers import PROVIDERS

    if value is None:
        return None
    if not isinstance(value, str) or value not in PROVIDERS:
        raise ValueError(f"target.provider {str(value)[:40]!r} is not a provider this assistantsync knows")
    return value


def _environment(value: Any) -> str | None:
    """The environment a plan was made in: a name a project may define, or none (made without one)."""
    if value is not None and not (isinstance(value, str) and is_environment(value)):
        raise ValueError(f"environment {str(value)[:40]!r} is not an environment name")
    return value


def _revision(value: Any) -> str | None:
    if value is None:
        return None
    from assistantsync.plan.revision import checked_revision

    return checked_revision(_typed(value, str, "options.revision"), "options.revision")


def _not_a_plan(source: str, reason: str) -> AssistantSyncError:
    return AssistantSyncError(f"{source}: not a plan file written by assistantsync ({reason})")


def _typed(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"{where} is {type(value).__name__}, not what a plan holds there")
    return value


def _notes(document: JsonObject, name: str) -> tuple[tuple[str, str], ...]:
    """`errors` or `warnings`: (key, message) pairs."""
    notes = []
    for n, note in enumerate(_typed(document.get(name), list, name)):
        where = f"{name}[{n}]"
        note = _typed(note, dict, where)
        notes.append((_typed(note.get("key"), str, f"{where}.key"),
                      _typed(note.get("message"), str, f"{where}.message")))
    return tuple(notes)


def _change_from_json(data: JsonObject, where: str) -> Change:
    action = data.get("action")
    if action not in ACTIONS:
        raise ValueError(f"{where}.action {action!r} is not one of {', '.join(ACTIONS)}")
    fp = _typed(data.get("fingerprint"), (dict, type(None)), f"{where}.fingerprint")
    fields = []
    for n, field in enumerate(_typed(data.get("fields"), list, f"{where}.fields")):
        at = f"{where}.fields[{n}]"
        field = _typed(field, dict, at)
        details = _typed(field.get("details", []), list, f"{at}.details")
        fields.append(FieldChange(_typed(field.get("path"), str, f"{at}.path"), field.get("before"), field.get("after"),
                                  _typed(field.get("drift"), bool, f"{at}.drift"),
                                  _typed(field.get("write_only"), bool, f"{at}.write_only"),
                                  tuple(_typed(d, str, f"{at}.details[]") for d in details)))
    fingerprint = None
    if fp is not None:
        at = f"{where}.fingerprint"
        digests = {_typed(name, str, f"{at}.fields"): _typed(value, str, f"{at}.fields.{name}")
                   for name, value in _typed(fp.get("fields"), dict, f"{at}.fields").items()}
        fingerprint = Fingerprint(_typed(fp.get("object"), str, f"{at}.object"), digests)
    return Change(
        kind=_typed(data.get("kind", "assistant"), str, f"{where}.kind"),  # plans from before agents: assistants
        version=_typed(data.get("version"), (str, type(None)), f"{where}.version"),
        key=_typed(data.get("key"), str, f"{where}.key"),
        id=_typed(data.get("id"), (str, type(None)), f"{where}.id"),
        action=action,
        source=_typed(data.get("source"), (str, type(None)), f"{where}.source"),
        fields=tuple(fields),
        fingerprint=fingerprint,
        body=_typed(data.get("body"), (dict, type(None)), f"{where}.body"),
    )
