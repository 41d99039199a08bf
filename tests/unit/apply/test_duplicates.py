"""apply against another writer it cannot see: an earlier run's create that lands late, a concurrent apply
creating the same key, a dashboard edit of metadata between plan and write.

The real client talks to the in-process sandbox through a transport that lets the other writer act at one
exact moment (just before a given request of ours is handled, or just after): no threads, no timing. Ids
count up and every object is made in the same second, so the list order alone tells which came first.
Before: the late create and the concurrent create each made a second assistant, and the dashboard edit
was written over with the copy read at plan time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.apply.execute import Outcome, apply_plan
from assistantsync.apply.races import METADATA_CONFLICT, rival_first
from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Change, Plan, make_plan
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY
from assistantsync.sandbox.core import Settings
from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL

Hook = Callable[[], None]


@dataclass
class Interposed(httpx.BaseTransport):
    """The sandbox, with the other writer's move run once just before (or after) our first request matching
    `when` (method, path) is handled."""

    inner: SandboxTransport
    when: tuple[str, str] | None = None
    move: Hook | None = None
    after: bool = False
    seen: list[tuple[str, str]] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = (request.method, request.url.path.removeprefix("/v1"))
        self.seen.append(sent)
        due = self.move is not None and sent == self.when
        if due and not self.after:
            self._move()
        response = self.inner.handle_request(request)
        if due and self.after:
            self._move()
        return response

    def _move(self) -> None:
        move, self.move = self.move, None
        assert move is not None
        move()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Interposed]:
    counter = itertools.count(1)
    settings = Settings(clock=lambda: 1_800_000_000, new_id=lambda prefix: f"{prefix}{next(counter):03d}")
    yield Interposed(SandboxTransport(tmp_path / "state.json", settings))


def client(transport: httpx.BaseTransport, retries: int = 2) -> ResourceClient:
    settings = ConnectionSettings(base_url=BASE_URL, headers={}, max_retries=retries)
    return ResourceClient(settings, kind=ASSISTANT, transport=transport)


def another_writer(sandbox: Interposed) -> httpx.Client:
    """The dashboard, an earlier run or another apply: straight to the sandbox, never interposed."""
    return httpx.Client(transport=sandbox.inner, base_url=BASE_URL, headers={"OpenAI-Beta": "assistants=v2"})


def desired(**fields: Any) -> DesiredResource:
    return DesiredResource("bot", None, Location("bot.yaml", 1, 1), {"model": "gpt-4o", "name": "Bot", **fields})


def planned(sandbox: Interposed, *files: DesiredResource) -> Plan:
    with client(sandbox) as reader:
        return make_plan(ASSISTANT, files, reader.list_all())


def applied(sandbox: Interposed, plan: Plan, retries: int = 2) -> list[Outcome]:
    with client(sandbox, retries) as writer:
        return apply_plan(plan, writer)


def live(sandbox: Interposed) -> list[dict[str, Any]]:
    with client(sandbox.inner) as reader:
        return reader.list_all()


def create_body(plan: Plan) -> dict[str, Any]:
    (change,) = plan.pending
    assert change.action == "create" and change.body is not None
    return change.body


def post(sandbox: Interposed, path: str, body: dict[str, Any]) -> dict[str, Any]:
    with another_writer(sandbox) as other:
        response = other.post(path, json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert isinstance(data, dict)
    return data


ALREADY = "already exists as asst_001: created meanwhile (an earlier run's create that timed out, or another apply?)"


@pytest.mark.parametrize(("late_body", "ok", "message"), [
    ({}, True, f"{ALREADY}; it holds what the file says"),
    ({"name": "Older file"}, False, f"{ALREADY}; not created again: run plan again"),
], ids=["the same file", "another version of the file"])
def test_a_key_that_turned_live_after_the_plan_is_never_created_again(
        sandbox: Interposed, late_body: dict[str, Any], ok: bool, message: str) -> None:
    plan = planned(sandbox, desired())
    post(sandbox, "/assistants", {**create_body(plan), **late_body})  # an earlier run's create, landing late

    outcomes = applied(sandbox, plan)

    assert [(o.key, o.id, o.ok, o.message) for o in outcomes] == [("bot", "asst_001", ok, message)]
    assert ("POST", "/assistants") not in sandbox.seen
    assert [item["id"] for item in live(sandbox)] == ["asst_001"]


def test_a_concurrent_apply_that_created_the_key_first_keeps_its_copy_and_we_delete_ours(
        sandbox: Interposed) -> None:
    plan = planned(sandbox, desired())
    sandbox.when, sandbox.move = ("POST", "/assistants"), lambda: post(sandbox, "/assistants", create_body(plan))

    outcomes = applied(sandbox, plan)

    assert [(o.key, o.id, o.ok, o.message) for o in outcomes] == [
        ("bot", "asst_001", True, "a concurrent apply created bot as asst_001 first; kept it, deleted ours (asst_002)")]
    assert [item["id"] for item in live(sandbox)] == ["asst_001"]
    assert sandbox.seen[-1] == ("DELETE", "/assistants/asst_002")


def test_a_concurrent_copy_that_differs_is_kept_all_the_same_and_the_outcome_fails(sandbox: Interposed) -> None:
    plan = planned(sandbox, desired())
    theirs = {**create_body(plan), "name": "Their branch"}
    sandbox.when, sandbox.move = ("POST", "/assistants"), lambda: post(sandbox, "/assistants", theirs)

    (outcome,) = applied(sandbox, plan)

    assert (outcome.id, outcome.ok) == ("asst_001", False)
    assert outcome.message.endswith("kept it, deleted ours (asst_002); it differs from the file: run plan again")
    assert [item["name"] for item in live(sandbox)] == ["Their branch"]


def test_a_concurrent_copy_made_after_ours_is_theirs_to_delete_never_ours(sandbox: Interposed) -> None:
    plan = planned(sandbox, desired())
    sandbox.when, sandbox.move = ("POST", "/assistants"), lambda: post(sandbox, "/assistants", create_body(plan))
    sandbox.after = True

    outcomes = applied(sandbox, plan)

    assert [(o.id, o.ok, o.message) for o in outcomes] == [("asst_001", True, "created")]
    assert [item["id"] for item in live(sandbox)] == ["asst_001", "asst_002"]  # the other apply deletes asst_002
    assert not any(method == "DELETE" for method, _ in sandbox.seen)


def test_a_failed_check_after_the_creates_leaves_them_created_with_a_note(sandbox: Interposed) -> None:
    plan = planned(sandbox, desired())

    def broken() -> None:
        raise httpx.ConnectError("the connection broke")

    def arm() -> None:  # once our create is stored, the next list fails
        sandbox.when, sandbox.move, sandbox.after = ("GET", "/assistants"), broken, False

    sandbox.when, sandbox.move, sandbox.after = ("POST", "/assistants"), arm, True

    (outcome,) = applied(sandbox, plan, retries=0)

    assert (outcome.id, outcome.ok) == ("asst_001", True)
    assert outcome.message.startswith("created; the check for a concurrent create of the same key failed (GET "
                                      "/v1/assistants: ")
    assert outcome.message.endswith("): run plan to see whether it exists twice")
    assert [item["id"] for item in live(sandbox)] == ["asst_001"]


def test_the_creates_cost_one_list_before_and_one_after_whatever_their_number(sandbox: Interposed) -> None:
    files = [DesiredResource(f"bot-{n}", None, Location(f"bot-{n}.yaml", 1, 1), {"model": "gpt-4o"})
             for n in range(5)]
    plan = planned(sandbox, *files)
    sandbox.seen.clear()

    assert all(outcome.ok for outcome in applied(sandbox, plan))

    assert sandbox.seen.count(("GET", "/assistants")) == 2
    assert sandbox.seen.count(("POST", "/assistants")) == 5
    assert [sandbox.seen[0], sandbox.seen[-1]] == [("GET", "/assistants")] * 2


def ident(n: int) -> dict[str, Any]:
    return {"id": f"asst_{n}"}


@pytest.mark.parametrize(("claimants", "ours", "rival"), [
    ([ident(1)], "asst_1", None),
    ([ident(1), ident(2)], "asst_1", None),  # ours came first: the other apply deletes its own
    ([ident(2), ident(1)], "asst_1", "asst_2"),
    ([ident(3), ident(2), ident(1)], "asst_2", "asst_3"),
    ([ident(2)], "asst_1", None),  # the list does not show ours yet: no order to trust, nothing deleted
    ([], "asst_1", None),
])
def test_rival_first(claimants: list[dict[str, Any]], ours: str, rival: str | None) -> None:
    found = rival_first(claimants, ours)
    assert (found["id"] if found else None) == rival


# --- metadata edited in the dashboard between plan and write ------------------------------------------


def seeded(sandbox: Interposed, **fields: Any) -> tuple[Plan, str]:
    """bot applied once, then its file changed (temperature): the plan of that update, and the id."""
    assert all(o.ok for o in applied(sandbox, planned(sandbox, desired(**fields))))
    plan = planned(sandbox, desired(temperature=0.5, **fields))
    (change,) = plan.pending
    assert change.action == "update" and change.id is not None
    return plan, change.id


def dashboard_metadata(sandbox: Interposed, ident: str, metadata: dict[str, str]) -> None:
    current = next(item for item in live(sandbox) if item["id"] == ident)["metadata"]
    post(sandbox, f"/assistants/{ident}", {"metadata": {**current, **metadata}})


def update_of(plan: Plan) -> Change:
    (change,) = plan.pending
    return change


def test_a_dashboard_edit_of_metadata_the_file_does_not_manage_survives(sandbox: Interposed) -> None:
    plan, ident = seeded(sandbox)
    dashboard_metadata(sandbox, ident, {"owner": "ana"})

    (outcome,) = applied(sandbox, plan)

    assert (outcome.ok, outcome.message) == (True, "updated")
    (item,) = live(sandbox)
    assert item["temperature"] == 0.5
    assert {k: v for k, v in item["metadata"].items() if k != STATE_KEY} == {"owner": "ana", IDENTITY_KEY: "bot"}
    assert item["metadata"][STATE_KEY] == (update_of(plan).body or {})["metadata"][STATE_KEY]


def test_a_dashboard_edit_of_metadata_the_file_manages_is_a_conflict_not_overwritten(sandbox: Interposed) -> None:
    plan, ident = seeded(sandbox, metadata={"team": "hr"})
    dashboard_metadata(sandbox, ident, {"team": "ops"})
    sandbox.seen.clear()

    (outcome,) = applied(sandbox, plan)

    assert (outcome.ok, outcome.message) == (False, METADATA_CONFLICT)
    assert sandbox.seen == [("GET", f"/assistants/{ident}")]  # read, and nothing written
    (item,) = live(sandbox)
    assert (item["temperature"], item["metadata"]["team"]) == (1.0, "ops")


def test_a_file_that_manages_metadata_still_writes_when_nobody_else_touched_it(sandbox: Interposed) -> None:
    plan, _ = seeded(sandbox, metadata={"team": "hr"})
    (outcome,) = applied(sandbox, plan)
    assert (outcome.ok, outcome.message) == (True, "updated")
    assert live(sandbox)[0]["metadata"]["team"] == "hr"


def test_a_dashboard_edit_that_leaves_no_room_for_the_reserved_keys_is_reported(sandbox: Interposed) -> None:
    plan, ident = seeded(sandbox)
    post(sandbox, f"/assistants/{ident}", {"metadata": {f"k{n}": "v" for n in range(15)}})  # reserved keys gone too

    (outcome,) = applied(sandbox, plan)

    assert (outcome.ok, outcome.message) == (False, "metadata changed in the dashboard since the plan and now has 15 "
                                                    "pairs; assistantsync needs 2 of the 16 for its own keys")
