"""apply for agents against writes it does not control: a portal making a version between the plan and the
write, or an agent of the file's name, and an earlier run's create landing late.

The real client talks to the in-process sandbox; the portal acts at one exact moment (just before a given
request of ours is handled): no threads, no timing. Before: the portal's version was replaced unseen by a whole
new version, and an agent made in the portal was taken over by the create (POST /agents with a taken name makes
a new version of that agent).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.agent_plan_inputs import BOT_FILE, EDITED_FILE, NAME, agent_file, live_agent
from helpers.agent_versions import BOT, CREATE, GONE, UPDATE, moved
from hypothesis import given, settings
from hypothesis import strategies as st

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.apply.execute import Outcome, apply_plan
from assistantsync.apply.races import claimants_by_key, rebased_body
from assistantsync.kinds.agent import AGENT
from assistantsync.plan.changes import Plan, make_plan
from assistantsync.sandbox.core import Settings
from assistantsync.sandbox.embedded import SandboxTransport
from assistantsync.sandbox.location import BASE_URL


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
    assert [o.message for o in plan_and_apply(sandbox, EDITED_FILE)[1]] == ["updated (version 2)"]
    assert plan_and_apply(sandbox, EDITED_FILE)[0].pending == ()
    assert latest(sandbox)["definition.instructions"] == "Hello"


def test_a_portal_version_made_between_the_plan_and_the_write_is_not_replaced_unseen(sandbox: Portal) -> None:
    plan_and_apply(sandbox, BOT_FILE)
    portal_metadata = latest(sandbox)["metadata"]  # the portal copies the metadata into its version
    sandbox.when, sandbox.move = ("GET", f"/agents/{NAME}"), lambda: sandbox.portal(
        f"/agents/{NAME}", {"metadata": portal_metadata, "definition": PORTAL_DEFINITION})

    (outcome,) = plan_and_apply(sandbox, EDITED_FILE)[1]

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


# Files as a team writes them, in the forms the kind normalises: whatever two versions of the file are applied one
# after the other, each apply reads back what it sent and the next plan has nothing to do.
VALUES: dict[str, list[Any]] = {
    "description": [None, "", "Tier 1"],
    "metadata": [None, {}, {"team": "ops"}],
    "instructions": [None, "", "Hi"],
    "temperature": [None, 0, 1, 0.3],
    "tools": [None, [], [{"type": "code_interpreter"}],
              [{"type": "function", "name": "f", "parameters": {"b": 1, "a": 2}, "strict": False}]],
    "tool_choice": [None, "auto", "required"],
    "text": [None, {"format": {"type": "text"}}, {"format": {"type": "json_object"}}],
    "reasoning": [None, {"effort": "low"}],
}
files = st.fixed_dictionaries({"model": st.sampled_from(["gpt-4.1", "o3-mini"])},
                              optional={name: st.sampled_from(values) for name, values in VALUES.items()})


@settings(max_examples=60, deadline=None)
@given(first=files, second=files)
def test_every_version_applied_reads_back_as_sent_and_plans_clean(first: dict[str, Any],
                                                                 second: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder, client(SandboxTransport(Path(folder) / "state.json",
                                                                          Settings())) as api:
        for declared in (first, second):
            file = agent_file(**{name: value for name, value in declared.items() if value is not None})
            outcomes = apply_plan(make_plan(AGENT, [file], api.list_all()), api)
            assert [o.message for o in outcomes if not o.ok] == []
            assert make_plan(AGENT, [file], api.list_all()).pending == ()
