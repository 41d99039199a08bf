"""apply for agents: did the new version hold what was sent, is a saved plan still fresh, and the writes that
race with a portal between the plan and the write.

The pure checks take plans made by the real engine from literal files and live agents (helpers.agent_plan_inputs).
The races run the real client against the in-process sandbox, with the portal acting at one exact moment (just
before a given request of ours is handled): no threads, no timing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.agent_plan_inputs import NAME, agent_file, applied, live_agent

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.apply.execute import Outcome, apply_plan, stale_reasons
from assistantsync.apply.outcome import readback_problems
from assistantsync.apply.races import claimants_by_key, rebased_body
from assistantsync.kinds.agent import AGENT
from assistantsync.plan.changes import Change, Plan, make_plan
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY
from assistantsync.sandbox.core import Settings
from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL

BOT_FILE = agent_file(model="gpt-4.1", instructions="Hi", temperature=0.3, tools=[{"type": "code_interpreter"}])
CREATE = make_plan(AGENT, [BOT_FILE], []).changes[0]
BOT = applied(CREATE.body or {}, version="2")
EDITED = agent_file(model="gpt-4.1", instructions="Hello", temperature=0.3, tools=[{"type": "code_interpreter"}])
UPDATE = make_plan(AGENT, [EDITED], [BOT]).changes[0]
GONE = live_agent("gone", "5", metadata={IDENTITY_KEY: "gone"}, model="gpt-4.1")


def test_the_cases_hold_what_they_assume() -> None:
    assert (CREATE.action, UPDATE.action, UPDATE.version) == ("create", "update", "2")
    assert [f.path for f in UPDATE.fields] == ["definition.instructions"]  # the tools are sent, not shown
    assert UPDATE.body is not None and UPDATE.body["definition.tools"] == [{"type": "code_interpreter"}]


def returned(change: Change, version: str = "3", **members: Any) -> dict[str, Any]:
    """The new version a service made of the change's body, then `members` (flat names) set as it stored them."""
    return {**applied(change.body or {}, version=version), **members}


RESERVED_DROPPED = ["metadata key 'assistantsync_key' did not take effect: the server returned null",
                    "metadata key 'assistantsync_state' did not take effect: the server returned null"]
READBACK: list[tuple[str, Change, dict[str, Any], list[str]]] = [
    ("a create stored as sent", CREATE, returned(CREATE, "1"), []),
    ("a new version stored as sent", UPDATE, returned(UPDATE), []),
    ("server-filled forms of what was sent", UPDATE, returned(UPDATE, **{"definition.temperature": 0.3,
                                                                          "definition.tool_choice": "auto"}), []),
    ("a sent field the new version lacks, though the plan shows no change to it", UPDATE,
     returned(UPDATE, **{"definition.tools": None}), ["definition.tools did not take effect: the server returned []"]),
    ("a create's new version lacking a sent field", CREATE, returned(CREATE, "1", **{"definition.temperature": None}),
     ["definition.temperature did not take effect: the server returned 1.0"]),
    ("the shown field did not take effect", UPDATE, returned(UPDATE, **{"definition.instructions": "Hi"}),
     ["definition.instructions did not take effect: the server returned \"Hi\""]),
    ("a new version without the reserved keys", UPDATE, returned(UPDATE, metadata=None), RESERVED_DROPPED),
    ("the old version returned: nothing was made", UPDATE, BOT,
     ["definition.instructions did not take effect: the server returned \"Hi\"",
      "metadata key 'assistantsync_state' did not take effect: the server returned "
      f"{json.dumps(BOT['metadata'][STATE_KEY])[:77]}..."]),
]


@pytest.mark.parametrize(("change", "response", "problems"), [c[1:] for c in READBACK], ids=[c[0] for c in READBACK])
def test_readback_problems(change: Change, response: dict[str, Any], problems: list[str]) -> None:
    assert readback_problems(AGENT, change, response) == problems


def moved(item: dict[str, Any], version: str, **members: Any) -> dict[str, Any]:
    """`item` after a portal made version `version` of it, its metadata copied along."""
    return {**item, "version": version, "created_at": item["created_at"] + 1, **members}


PLAN = make_plan(AGENT, [EDITED], [BOT, GONE], prune=True)
STALE: list[tuple[str, list[dict[str, Any]], list[str]]] = [
    ("nothing moved", [BOT, GONE], []),
    ("a portal version of the agent the plan updates", [moved(BOT, "3", **{"definition.temperature": 0.5}), GONE],
     ["agent support-bot: version 3 was made since the plan (which started from version 2); definition.temperature "
      "changed"]),
    ("a portal version of the agent the plan deletes", [BOT, moved(GONE, "6", **{"definition.model": "o3"})],
     ["agent gone: version 6 was made since the plan (which started from version 5); definition.model changed"]),
    ("a new version equal in every field", [moved(BOT, "3"), GONE],
     ["agent support-bot: version 3 was made since the plan (which started from version 2); the object changed"]),
    ("the agents were deleted", [], ["agent gone: no longer exists", "agent support-bot: no longer exists"]),
]


@pytest.mark.parametrize(("live", "reasons"), [c[1:] for c in STALE], ids=[c[0] for c in STALE])
def test_a_saved_plan_is_stale_once_a_new_version_was_made(live: list[dict[str, Any]], reasons: list[str]) -> None:
    assert stale_reasons(AGENT, PLAN, live) == reasons


def test_a_new_version_is_not_written_over_one_made_since_the_plan() -> None:
    assert rebased_body(AGENT, UPDATE, BOT) == UPDATE.body
    assert rebased_body(AGENT, UPDATE, moved(BOT, "3")) == (
        "version 3 was made since the plan, which started from version 2; not written: run plan again")


def test_an_agent_of_the_name_takes_the_key_managed_or_not() -> None:
    # Creating an agent whose name is taken makes a new version of the one there: never to be done unseen.
    theirs = live_agent(metadata={"team": "support"}, model="gpt-4.1")
    assert claimants_by_key(AGENT, [GONE, theirs], {NAME}) == {NAME: [theirs]}


# --- against the sandbox, the portal acting between the plan and the write --------------------------------------


@dataclass
class Portal(httpx.BaseTransport):
    """The sandbox, the portal's `move` run once just before our first request `when` (method, path) is handled."""

    inner: SandboxTransport
    when: tuple[str, str] | None = None
    move: Callable[[], None] | None = None
    seen: list[tuple[str, str]] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = (request.method, request.url.path.removeprefix("/v1"))
        self.seen.append(sent)
        if self.move is not None and sent == self.when:
            move, self.move = self.move, None
            move()
        return self.inner.handle_request(request)

    def portal(self, path: str, body: dict[str, Any]) -> None:
        with httpx.Client(transport=self.inner, base_url=BASE_URL, params={"api-version": "v1"}) as other:
            assert other.post(path, json=body).status_code == 200


@pytest.fixture
def sandbox(tmp_path: Path) -> Portal:
    return Portal(SandboxTransport(tmp_path / "state.json", Settings(clock=lambda: 1_800_000_000)))


def client(transport: httpx.BaseTransport) -> ResourceClient:
    settings = ConnectionSettings(base_url=BASE_URL, max_retries=0, kinds=("assistant", "agent"))
    return ResourceClient(settings, kind=AGENT, transport=transport)


def plan_and_apply(sandbox: Portal, *files: Any) -> tuple[Plan, list[Outcome]]:
    """Plan from the sandbox as it is, then apply through the portal's moment."""
    with client(sandbox.inner) as reader:
        plan = make_plan(AGENT, files, reader.list_all())
    with client(sandbox) as api:
        return plan, apply_plan(plan, api)


def latest(sandbox: Portal) -> dict[str, Any]:
    with client(sandbox.inner) as api:
        (agent,) = api.list_all()
        return agent


PORTAL_DEFINITION = {"kind": "prompt", "model": "gpt-4.1", "instructions": "From the portal"}


def test_files_apply_as_one_version_per_change(sandbox: Portal) -> None:
    assert [o.message for o in plan_and_apply(sandbox, BOT_FILE)[1]] == ["created"]
    assert [o.message for o in plan_and_apply(sandbox, EDITED)[1]] == ["updated (version 2)"]
    assert plan_and_apply(sandbox, EDITED)[0].pending == ()
    assert latest(sandbox)["definition.instructions"] == "Hello"


def test_a_portal_version_made_between_the_plan_and_the_write_is_not_replaced_unseen(sandbox: Portal) -> None:
    plan_and_apply(sandbox, BOT_FILE)
    portal_metadata = latest(sandbox)["metadata"]  # the portal copies the metadata into its version
    sandbox.when, sandbox.move = ("GET", f"/agents/{NAME}"), lambda: sandbox.portal(
        f"/agents/{NAME}", {"metadata": portal_metadata, "definition": PORTAL_DEFINITION})

    (outcome,) = plan_and_apply(sandbox, EDITED)[1]

    assert (outcome.ok, outcome.message) == (
        False, "version 2 was made since the plan, which started from version 1; not written: run plan again")
    assert (latest(sandbox)["version"], latest(sandbox)["definition.instructions"]) == ("2", "From the portal")


def test_an_agent_made_in_the_portal_after_the_plan_is_never_created_over(sandbox: Portal) -> None:
    # POST /agents with a name taken makes a new version of that agent: the tool's would replace the portal's.
    sandbox.when, sandbox.move = ("GET", "/agents"), lambda: sandbox.portal(
        "/agents", {"name": NAME, "definition": PORTAL_DEFINITION})

    (outcome,) = plan_and_apply(sandbox, BOT_FILE)[1]

    assert (outcome.ok, outcome.message) == (
        False, f"{NAME} was made since the plan, not by assistantsync; not created over it: run plan again")
    assert (latest(sandbox)["version"], latest(sandbox)["definition.instructions"]) == ("1", "From the portal")


def test_a_create_that_landed_late_is_still_found_as_the_tools_own(sandbox: Portal) -> None:
    sandbox.when, sandbox.move = ("GET", "/agents"), lambda: sandbox.portal("/agents", AGENT.to_wire(
        "create", CREATE.body or {}))  # an earlier run's create, landed after this run's plan

    (outcome,) = plan_and_apply(sandbox, BOT_FILE)[1]

    assert (outcome.ok, outcome.message) == (
        True, f"already exists as {NAME}: created meanwhile (an earlier run's create that timed out, or another "
              "apply?); it holds what the file says")
    assert latest(sandbox)["version"] == "1"
