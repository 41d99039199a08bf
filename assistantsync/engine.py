"""The two jobs end to end, each as one call: make a plan from files and live state, apply it safely.

Everything here composes the pipeline's pure steps with the client; the CLI only adds terminal I/O. The
client is made for one kind of resource (`client.kind`), and both jobs plan and apply that kind.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from assistantsync.apply.execute import Outcome, apply_plan, stale_reasons
from assistantsync.errors import AssistantSyncError, OtherTarget, PlanHasErrors, StalePlan
from assistantsync.files.desired import DesiredResource
from assistantsync.json_value import JsonObject
from assistantsync.plan.changes import Plan, PlanBuilder
from assistantsync.plan.saved_check import UnverifiedPlan, forged_problems, live_problems

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient


def plan_desired(desired: Sequence[DesiredResource], client: ResourceClient, *, strict: bool,
                 prune: bool) -> Plan:
    """Fetch everything live of the client's kind (one paginated list) and diff it with the validated files."""
    kind = client.kind
    if prune and not desired:
        # An empty or mistyped folder would otherwise plan deleting every resource the tool manages.
        raise AssistantSyncError(f"refusing to --prune with no {kind.name} files loaded: it would delete every "
                                 f"managed {kind.name}; check the PATHs given")
    builder = PlanBuilder(kind, desired, strict=strict, prune=prune)
    # Each page is diffed by a worker while the next one is in flight, so the diffs cost no wall time but
    # the last page's. The worker only fills a store that `finish` falls back from: its errors are its own.
    with ThreadPoolExecutor(max_workers=1) as worker, \
            client.observing_pages(lambda page: worker.submit(builder.add_page, page)):
        live = client.list_all()
    return dataclasses.replace(builder.finish(live), target=client.settings.target)


def _live_now(plan: Plan, client: ResourceClient) -> list[JsonObject]:
    """The current live objects the plan touches; the whole list when it gives out identity keys (create,
    adopt), since another resource may have claimed one of those keys since the plan was made."""
    if any(change.action in ("create", "adopt") for change in plan.pending):
        return client.list_all()
    found = client.get_many(change.id for change in plan.pending if change.id)
    live = []
    for result in found.values():
        if isinstance(result, AssistantSyncError):
            if getattr(result, "status", None) == 404:
                continue  # gone: stale_reasons names it
            raise result
        live.append(result)
    return live


def apply_checked(
    plan: Plan,
    client: ResourceClient,
    *,
    saved: bool,
    stop: threading.Event | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Apply a plan. A saved plan is data to verify first, refused whole if it would send anything but what it
    shows (before any request), was made against another API, or would write to an object it may not touch
    or that moved since."""
    if plan.errors:
        raise PlanHasErrors(plan.errors)
    if saved:
        problems = forged_problems(client.kind, plan)
        if problems:
            raise UnverifiedPlan(problems)
        # A create-only plan would pass the freshness check anywhere: the key it creates is free on any account.
        if plan.target != client.settings.target:
            raise OtherTarget(str(plan.target), client.settings.target)
        live = _live_now(plan, client)
        problems = live_problems(client.kind, plan, live)
        if problems:
            raise UnverifiedPlan(problems)
        reasons = stale_reasons(client.kind, plan, live)
        if reasons:
            raise StalePlan(reasons)
    return apply_plan(plan, client, stop=stop, on_done=on_done)
