"""The two jobs end to end, each as one call: make a plan from files and live state, apply it safely.

Everything here composes the pipeline's pure steps with the client; the CLI only adds terminal I/O. A run
plans each kind of resource its files declare (with --prune, every kind the API serves) through a client for
that kind, and one Plan holds them all; apply writes each kind's changes through its own client.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from assistantsync.apply.execute import Outcome, apply_plan, stale_reasons
from assistantsync.apply.saved_state import already_applied, unchanged_moved
from assistantsync.errors import AlreadyApplied, AssistantSyncError, OtherTarget, PlanHasErrors, StalePlan
from assistantsync.files.desired import DesiredResource
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind
from assistantsync.kinds.registry import KINDS
from assistantsync.plan.changes import Plan, PlanBuilder
from assistantsync.plan.saved_check import UnverifiedPlan, forged_problems, live_problems

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient


def known_kinds(client: ResourceClient) -> dict[str, ResourceKind]:
    """The kinds the tool ships, and the client's own (a kind made elsewhere plans and applies the same way)."""
    return {**KINDS, client.kind.name: client.kind}


def planned_kinds(desired: Sequence[DesiredResource], client: ResourceClient, prune: bool) -> list[ResourceKind]:
    """The kinds a run plans: those its files declare, and with --prune every kind served (a kind whose files
    were all removed is pruned too: that is how the last assistant is retired after a migration)."""
    declared = {want.kind for want in desired} or {client.kind.name}  # no files: still checks the API answers
    served = client.settings.kinds
    return [kind for name, kind in known_kinds(client).items() if name in declared or (prune and name in served)]


def plan_desired(desired: Sequence[DesiredResource], client: ResourceClient, *, strict: bool,
                 prune: bool, revision: str | None = None, environment: str | None = None) -> Plan:
    """Fetch everything live of each kind planned (one paginated list each) and diff it with the validated files.
    With an `environment`, the plan sees only that environment's resources (and adopts those managed without one):
    two environments share one account without touching each other's (plan/identity.py)."""
    if prune and not desired:
        # An empty or mistyped folder would otherwise plan deleting every resource the tool manages.
        raise AssistantSyncError("refusing to --prune with no files loaded: it would delete every managed "
                                 f"{' and '.join(kind.name for kind in planned_kinds((), client, True))}; check "
                                 "the PATHs given")
    clients = [client.for_kind(kind) for kind in planned_kinds(desired, client, prune)]  # refused before any request
    plans = [_plan_kind([want for want in desired if want.kind == each.kind.name], each, strict=strict, prune=prune,
                        revision=revision, environment=environment) for each in clients]
    return dataclasses.replace(merged(plans, strict=strict, prune=prune), target=client.settings.target,
                               provider=client.settings.provider, environment=environment)


def notices(plan: Plan, client: ResourceClient) -> list[str]:
    """The lines the API asks a plan touching each of its kinds to print (a retirement date), once each."""
    touched = {change.kind for change in plan.changes}
    return [line for kind, line in client.settings.notices.items() if kind in touched]


def _plan_kind(desired: Sequence[DesiredResource], client: ResourceClient, *, strict: bool, prune: bool,
               revision: str | None, environment: str | None) -> Plan:
    builder = PlanBuilder(client.kind, desired, strict=strict, prune=prune, revision=revision, environment=environment)
    # Each page is diffed by a worker while the next one is in flight, so the diffs cost no wall time but
    # the last page's. The worker only fills a store that `finish` falls back from: its errors are its own.
    with ThreadPoolExecutor(max_workers=1) as worker, \
            client.observing_pages(lambda page: worker.submit(builder.add_page, page)):
        live = client.list_all()
    return builder.finish(live)


def merged(plans: Sequence[Plan], *, strict: bool, prune: bool) -> Plan:
    """One plan of several kinds' plans (of one environment): changes in kind order, errors and warnings sorted."""
    return Plan(tuple(change for plan in plans for change in plan.changes),
                tuple(sorted(note for plan in plans for note in plan.errors)), strict, prune,
                warnings=tuple(sorted(note for plan in plans for note in plan.warnings)),
                revision=next((plan.revision for plan in plans if plan.revision), None),
                environment=next((plan.environment for plan in plans if plan.environment), None))


def of_kind(plan: Plan, kind: ResourceKind) -> Plan:
    """The part of a plan that is about one kind."""
    return dataclasses.replace(plan, changes=tuple(change for change in plan.changes if change.kind == kind.name))


def _live_now(plan: Plan, client: ResourceClient) -> list[JsonObject]:
    """The current live objects the plan touches; the whole list when it gives out identity keys (create,
    adopt), since another resource may have claimed one of those keys since the plan was made."""
    if any(change.action in ("create", "adopt") for change in plan.pending):
        return client.list_all()
    found = client.get_many(change.id for change in plan.changes if change.id)
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
    changes = plan.changes if saved else plan.pending  # a saved plan's unchanged resources are checked too
    kinds = [kind for kind in known_kinds(client).values() if any(c.kind == kind.name for c in changes)]
    clients = {kind.name: client.for_kind(kind) for kind in kinds}  # a kind the API does not serve: refused here
    if saved:
        problems = forged_problems(plan, known_kinds(client))
        if problems:
            raise UnverifiedPlan(problems)
        # A create-only plan would pass the freshness check anywhere: the key it creates is free on any account.
        if plan.target != client.settings.target:
            raise OtherTarget(str(plan.target), client.settings.target)
        reasons, moved, applied = [], [], True
        for kind in kinds:
            part = of_kind(plan, kind)
            live = _live_now(part, clients[kind.name])
            problems = live_problems(kind, part, live)
            if problems:
                raise UnverifiedPlan(problems)
            reasons.extend(stale_reasons(kind, part, live))
            moved.extend(unchanged_moved(kind, part, live))
            applied = applied and already_applied(kind, part, live)
        if reasons and applied and not moved:  # stale only because its own changes are live already
            raise AlreadyApplied()
        if reasons or moved:
            raise StalePlan(sorted(reasons + moved))
    outcomes: list[Outcome] = []
    for kind in kinds:  # one kind after the other: each kind's writes run in parallel
        outcomes.extend(apply_plan(of_kind(plan, kind), clients[kind.name], stop=stop, on_done=on_done))
    return outcomes
