"""apply's pure checks for agents: did the new version hold what was sent, and is a saved plan still fresh.

Plans are made by the real engine from literal files and live agents (helpers.agent_plan_inputs); the service's
answer, or the live state, then differs in one exact way per case. The races with a portal: test_agent_races.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers.agent_plan_inputs import EDITED_FILE, applied
from helpers.agent_versions import BOT, CREATE, GONE, UPDATE, moved

from assistantsync.apply.execute import stale_reasons
from assistantsync.apply.outcome import readback_problems
from assistantsync.kinds.agent import AGENT
from assistantsync.plan.changes import Change, make_plan
from assistantsync.plan.reserved import STATE_KEY


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


PLAN = make_plan(AGENT, [EDITED_FILE], [BOT, GONE], prune=True)
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
