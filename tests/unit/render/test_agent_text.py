"""The terminal plan and apply summary for agents, alone and beside assistants: exact text from literal plans."""

from __future__ import annotations

import pytest
from helpers.agent_plan_samples import (
    ASSISTANT_NOOP,
    ASSISTANT_UPDATE,
    CREATE,
    DELETE,
    DRIFT,
    NEW_VERSION,
    drifted_bot,
)

from assistantsync.apply.execute import Outcome
from assistantsync.plan.changes import Change, Plan
from assistantsync.render.text import render_outcomes_text, render_plan_text
from assistantsync.safe_text import log_safe

ADOPT = Change("legacy", "legacy", "adopt", "agents/legacy.yaml:1:1", kind="agent", version="7")
FAILED = "nothing will be applied until the errors are fixed."
# The sections several plans below share, as they print.
NEW_VERSION_SECTION = (
    "~ new version agent support-bot  (version 2 -> 3)  (agents/support-bot.yaml:1:1)\n"
    "    definition.temperature: 0.3 -> 0.5\n")
DRIFT_WARNING = (
    "Changed outside git since the last apply (will be overwritten): agent support-bot\n"
    "drift: agent support-bot: version 4 was not made by assistantsync (it differs in definition.instructions); "
    "this apply makes git the truth again in a new version\n")
DRIFT_SECTION = (
    "~ new version agent support-bot  (version 4 -> 5)  (agents/support-bot.yaml:1:1)\n"
    "    ! definition.instructions: changed outside git since the last apply; this apply overwrites it\n"
    '        "Portal text." -> "Hi"\n'
    "    definition.temperature: 0.3 -> 0.5\n")

PLANS: dict[str, tuple[Plan, str]] = {
    "a new version names the version it starts from and the one expected": (Plan((NEW_VERSION,)), (
        f"\n{NEW_VERSION_SECTION}\n"
        "Plan: 0 to create, 1 new version, 0 to delete.\n")),
    "a create of an agent counts new versions, not updates": (Plan((CREATE,)), (
        "\n"
        "+ create agent new-bot  (agents/new-bot.yaml:1:1)\n"
        "    name: new-bot\n"
        "    definition.model: gpt-4.1\n"
        "\n"
        "Plan: 1 to create, 0 new versions, 0 to delete.\n")),
    "a delete names the latest version, not the id that is its name": (Plan((DELETE,), prune=True), (
        "\n"
        "- delete agent old-bot  (version 4)\n"
        "\n"
        "Plan: 0 to create, 0 new versions, 1 to delete.\n")),
    "an adopt makes a version": (Plan((ADOPT,)), (
        "\n"
        "~ adopt agent legacy  (version 7 -> 8)  (agents/legacy.yaml:1:1)  [version 7 has no "
        "assistantsync record: made outside the tool; takes over in a new version]\n"
        "\n"
        "Plan: 0 to create, 0 new versions, 1 to adopt, 0 to delete.\n")),
    "drift names the agent and the version made outside the tool": (Plan((DRIFT,)), (
        f"{DRIFT_WARNING}\n{DRIFT_SECTION}\n"
        "Plan: 0 to create, 1 new version, 0 to delete.\n")),
    "a mixed plan counts updates and new versions apart": (
        Plan((CREATE, ASSISTANT_UPDATE, ASSISTANT_NOOP, DRIFT, DELETE), prune=True), (
            f"{DRIFT_WARNING}\n"
            "+ create agent new-bot  (agents/new-bot.yaml:1:1)\n"
            "    name: new-bot\n"
            "    definition.model: gpt-4.1\n"
            "\n"
            "~ update helper asst_1  (assistants/helper.yaml:2:1)\n"
            "    temperature: 1.0 -> 0.2\n"
            "\n"
            f"{DRIFT_SECTION}\n"
            "- delete agent old-bot  (version 4)\n"
            "\n"
            "Plan: 1 to create, 1 to update, 1 new version, 1 to delete.\n")),
    "errors are counted by their kind": (
        Plan((NEW_VERSION,), (("agent bad-bot", "no such model"), ("agent other", "x"), ("broken", "y"))), (
            "error: agent bad-bot: no such model\n"
            "error: agent other: x\n"
            "error: broken: y\n"
            f"\n{NEW_VERSION_SECTION}\n"
            f"Plan failed: 1 assistant and 2 agents could not be planned; {FAILED}\n")),
    "an assistant's error beside agents is an assistant's": (
        Plan((NEW_VERSION,), (("broken", "y"),)), (
            "error: broken: y\n"
            f"\n{NEW_VERSION_SECTION}\n"
            f"Plan failed: 1 assistant could not be planned; {FAILED}\n")),
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_agent_plans_read_exactly(name: str) -> None:
    plan, expected = PLANS[name]
    assert render_plan_text(plan) == expected


VERSIONS = [  # (the live version, what the heading says of it)
    ("2", "version 2 -> 3"),
    ("v2", "version v2 -> a new version"),  # opaque in the spec: no number is guessed
    ("²", "version ² -> a new version"),  # a digit to Python, not to int()
    ("12345678901234567890", "version 12345678901234567890 -> a new version"),
    ("1\x1b[31m\n::error::pwned", "version 1\\x1b[31m\\n::error::pwned -> a new version"),
    ("3\u202e", "version 3\\u202e -> a new version"),
]


@pytest.mark.parametrize(("version", "note"), VERSIONS)
def test_any_version_a_server_returns_prints_as_one_escaped_line(version: str, note: str) -> None:
    drifted = drifted_bot(version)
    deleted = Change("gone\x1b]0;x\x07", "gone\x1b]0;x\x07", "delete", None, kind="agent", version=version)
    rendered = render_plan_text(Plan((drifted, deleted), prune=True))
    escaped = note.split(" -> ")[0]
    assert rendered.splitlines()[:4] == [
        "Changed outside git since the last apply (will be overwritten): agent bot",
        f"drift: agent bot: {escaped} was not made by assistantsync (it differs in definition.instructions); "
        "this apply makes git the truth again in a new version",
        "",
        f"~ new version agent bot  ({note})  (agents/bot.yaml:1:1)",
    ]
    assert f"- delete agent gone\\x1b]0;x\\x07  ({escaped})" in rendered.splitlines()
    assert log_safe(rendered) == rendered  # nothing left for the CLI's last line of defence to escape


def test_apply_outcomes_name_an_agent_by_its_name_and_its_update_as_a_new_version() -> None:
    outcomes = [
        Outcome("support-bot", "update", "support-bot", True, "made version 3", kind="agent"),
        Outcome("new-bot", "create", "new-bot", True, "created version 1", kind="agent"),
        Outcome("helper", "update", "asst_1", False, "server error (500)"),
    ]
    assert render_outcomes_text(outcomes).splitlines() == [
        "    ok  new version agent support-bot: made version 3",
        "    ok  create agent new-bot: created version 1",
        "FAILED  update helper asst_1: server error (500)",
        "Apply: 2 succeeded, 1 failed.",
    ]
