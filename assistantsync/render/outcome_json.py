"""What `apply --out FILE` writes: the run's outcome as JSON, whatever happened, for a workflow to report. Pure.

One entry per change apply reached (its kind, key, id, action, whether it was applied, the message, and the fields
it wrote); a run that stopped before any write (a plan with errors, a stale saved plan, missing credentials) has no
entries and says why in `error`. Credentials are masked in every string, as in saved plans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from assistantsync import __version__
from assistantsync.api.redaction import redact_json
from assistantsync.apply.outcome import Outcome
from assistantsync.json_value import JsonObject
from assistantsync.plan.change_values import Plan

FORMAT_VERSION = 1


def outcome_document(plan: Plan | None, outcomes: Sequence[Outcome], error: str | None,
                     secrets: Iterable[str] = ()) -> JsonObject:
    """The run as JSON data: `ok` only when nothing failed and no error stopped it."""
    written = {(c.kind, c.key, c.id): [f.path for f in c.fields] for c in plan.changes} if plan else {}
    created = {(c.kind, c.key): [f.path for f in c.fields] for c in plan.changes if c.action == "create"} if plan \
        else {}
    results = [{
        "kind": o.kind, "key": o.key, "id": o.id, "action": o.action, "ok": o.ok, "not_applied": o.not_applied,
        "message": o.message,
        "fields": written.get((o.kind, o.key, o.id), created.get((o.kind, o.key), [])) if o.ok else [],
    } for o in outcomes]
    skipped = sum(o.not_applied for o in outcomes)
    failed = sum(not o.ok for o in outcomes) - skipped
    document: JsonObject = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "assistantsync", "version": __version__},
        "ok": error is None and failed == 0 and skipped == 0,
        "error": error,
        "plan_errors": [{"key": key, "message": message} for key, message in (plan.errors if plan else ())],
        "summary": {"succeeded": len(outcomes) - failed - skipped, "failed": failed, "not_applied": skipped},
        "results": results,
    }
    return redact_json(document, secrets)


def outcome_json(plan: Plan | None, outcomes: Sequence[Outcome], error: str | None,
                 secrets: Iterable[str] = ()) -> str:
    return json.dumps(outcome_document(plan, outcomes, error, secrets), indent=2, ensure_ascii=False) + "\n"
