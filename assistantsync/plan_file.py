"""The public JSON form of a plan (`plan --out FILE`, `--format json`, `apply --plan FILE`).

Versioned with `format_version`; documented in the README. It holds assistant fields and digests
only, never credentials.
"""

from __future__ import annotations

import json
from typing import Any

from assistantsync import __version__
from assistantsync.errors import AssistantSyncError
from assistantsync.fingerprint import Fingerprint
from assistantsync.jsontypes import JsonObject
from assistantsync.plan import ACTIONS, Change, FieldChange, Plan

FORMAT_VERSION = 1


def plan_to_document(plan: Plan) -> JsonObject:
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "assistantsync", "version": __version__},
        "options": {"strict": plan.strict, "prune": plan.prune},
        "target": {"base_url": plan.target},
        "summary": plan.summary(),
        "errors": [{"key": key, "message": message} for key, message in plan.errors],
        "warnings": [{"key": key, "message": message} for key, message in plan.warnings],
        "changes": [_change_to_json(c) for c in plan.changes],
    }


def plan_to_json(plan: Plan) -> str:
    return json.dumps(plan_to_document(plan), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def _change_to_json(change: Change) -> JsonObject:
    fp = change.fingerprint
    return {
        "key": change.key,
        "id": change.id,
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
    """Read a saved plan back; anything that is not a plan this version wrote is refused."""
    try:
        document = json.loads(text)
        if document.get("format_version") != FORMAT_VERSION:
            raise AssistantSyncError(
                f"{source}: plan format_version {document.get('format_version')!r} is not supported "
                f"(this assistantsync reads {FORMAT_VERSION}); run plan again"
            )
        options = document["options"]
        changes = tuple(_change_from_json(c) for c in document["changes"])
        errors = tuple((str(e["key"]), str(e["message"])) for e in document.get("errors", []))
        target = (document.get("target") or {}).get("base_url")  # absent from older plans: not checked
        if target is not None and not isinstance(target, str):
            raise ValueError("target.base_url is not a string")
        warnings = tuple((str(w["key"]), str(w["message"])) for w in document.get("warnings", []))
        return Plan(changes, errors, bool(options["strict"]), bool(options["prune"]), target, warnings)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise AssistantSyncError(f"{source}: not a plan file written by assistantsync ({error})") from error


def _change_from_json(data: Any) -> Change:
    if data["action"] not in ACTIONS:
        raise ValueError(f"unknown action {data['action']!r}")
    fp = data["fingerprint"]
    return Change(
        key=str(data["key"]),
        id=data["id"],
        action=data["action"],
        source=data["source"],
        fields=tuple(
            FieldChange(f["path"], f["before"], f["after"], bool(f["drift"]), bool(f["write_only"]),
                        tuple(f.get("details", ())))
            for f in data["fields"]
        ),
        fingerprint=None if fp is None else Fingerprint(str(fp["object"]), dict(fp["fields"])),
        body=data["body"],
    )
