"""A live agent that is not a prompt agent (hosted, workflow) is never overwritten by a file of the same name."""

from __future__ import annotations

import pytest

from assistantsync.errors import Location
from assistantsync.files.desired import DesiredResource
from assistantsync.kinds.agent import AGENT
from assistantsync.plan.changes import make_plan

FILE = DesiredResource("bot", None, Location("agents/bot.yaml", 1, 1),
                       {"name": "bot", "definition.model": "gpt-4.1"}, kind="agent")


def live(kind: object) -> dict[str, object]:
    return {"id": "bot", "name": "bot", "version": "3", "metadata": {}, "definition.kind": kind,
            "definition.model": "gpt-4.1"}


@pytest.mark.parametrize(("kind", "shown"), [("hosted", "'hosted'"), ("workflow", "'workflow'"), (None, "'None'")])
def test_a_file_never_plans_a_version_of_an_agent_of_another_kind(kind: object, shown: str) -> None:
    plan = make_plan(AGENT, [FILE], [live(kind)])
    assert plan.changes == ()
    assert plan.errors == (("agent bot", f"the live agent 'bot' is a {shown} agent, not a prompt agent; assistantsync "
                                         "writes prompt agents only, so it leaves this one alone: rename the file's "
                                         "agent"),)


def test_a_prompt_agent_of_the_same_name_is_taken_over() -> None:
    plan = make_plan(AGENT, [FILE], [live("prompt")])
    assert [(c.action, c.version) for c in plan.changes] == [("adopt", "3")]
    assert plan.errors == ()
