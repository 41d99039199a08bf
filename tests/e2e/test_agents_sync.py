"""`plan` and `apply` of agent files end to end: the real CLI, over real HTTP, against the served sandbox.

The sandbox is reached as a Foundry project (`--provider azure-foundry --base-url <served URL>`, see
helpers/agent_files.py). Each test checks exit codes, outputs, the request log (every write's body) and the
agents' versions afterwards: one version per change, none when nothing changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.agent_files import ALPHA, BOT, BOT_DEFINITION, V1, Foundry
from helpers.sandbox_server import ServedSandbox

from assistantsync.plan.record import digest
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY

LIST = {**V1, "limit": "100", "order": "asc"}
SOURCE = "(assistants/support-bot.yaml:1:1)"
NO_CHANGES = "No changes. 1 agent up to date.\n"
# BOT's record: each field's code and its canonical value (a file is the whole version: omitted = default).
BOT_FIELDS: dict[str, Any] = {
    "n": "support-bot", "d": None, "md": {}, "m": "gpt-4.1", "i": "Hi", "te": 0.3, "tp": 1.0, "re": None, "t": [],
    "tc": None, "tx": None, "si": None, "rc": None,
}


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Foundry]:
    monkeypatch.chdir(tmp_path)  # sources show as `assistants/NAME.yaml:1:1`
    yield Foundry(tmp_path, sandbox_server)


def record(git: str | None = None, **changed: Any) -> str:
    """The record a version of BOT with `changed` fields (by code) carries."""
    parts = [f"{code}={digest(changed.get(code, value))}" for code, value in BOT_FIELDS.items()]
    return "v1 " + ";".join([*parts, *([f"git={git}"] if git else [])])


def managed(state: str, **user: str) -> dict[str, str]:
    return {**user, IDENTITY_KEY: "support-bot", STATE_KEY: state}


def applied(env: Foundry, *files: tuple[str, str]) -> None:
    for name, text in files:
        env.write(name, text)
    done = env.apply("--auto-approve")
    assert done.code == 0, done


def new_version(before: str, after: str, *lines: str) -> str:
    return (f"\n~ new version agent support-bot  (version {before} -> {after})  {SOURCE}\n" + "".join(lines)
            + "\nPlan: 0 to create, 1 new version, 0 to delete.\n")


# --- create, then nothing to do -------------------------------------------------------------------


def test_create_then_apply_again_sends_nothing_and_makes_no_version(env: Foundry) -> None:
    env.write("support-bot.yaml", BOT)
    planned = env.plan("--detailed-exitcode")
    assert (planned.code, planned.err) == (2, "")
    assert planned.out == (
        f"\n+ create agent support-bot  {SOURCE}\n    name: support-bot\n    definition.model: gpt-4.1\n"
        "    definition.instructions: Hi\n    definition.temperature: 0.3\n\n"
        "Plan: 1 to create, 0 new versions, 0 to delete.\n")

    mark = env.mark()
    done = env.apply("--auto-approve")
    assert (done.code, done.err) == (0, "")
    assert done.out == planned.out + "    ok  create agent support-bot: created\nApply: 1 succeeded, 0 failed.\n"
    assert env.writes_since(mark) == [
        ("POST", "/v1/agents", {"name": "support-bot", "metadata": managed(record()), "definition": BOT_DEFINITION})]
    assert env.versions("support-bot") == ["1"]

    mark = env.mark()
    again = env.apply("--auto-approve")
    assert (again.code, again.out, again.err) == (0, NO_CHANGES, "")
    assert env.since(mark) == [("GET", "/v1/agents", LIST)]
    assert env.versions("support-bot") == ["1"]


# --- one new version per change, through the call the change needs ----------------------------------

CHANGES = [
    pytest.param(BOT.replace("Hi", "Hello"), "/v1/agents/support-bot",
                 '    definition.instructions: "Hi" -> "Hello"\n',
                 {"definition": {**BOT_DEFINITION, "instructions": "Hello"}}, {"i": "Hello"}, id="instructions"),
    pytest.param(BOT + "description: Tier-1 support\n", "/v1/agents/support-bot/versions",
                 '    description: null -> "Tier-1 support"\n',
                 {"description": "Tier-1 support", "definition": BOT_DEFINITION}, {"d": "Tier-1 support"},
                 id="description"),
    pytest.param(BOT + "metadata:\n  team: support\n", "/v1/agents/support-bot/versions",
                 "    metadata:\n        + team: \"support\"\n",
                 {"definition": BOT_DEFINITION}, {"md": {"team": "support"}}, id="metadata"),
]


@pytest.mark.parametrize(("text", "path", "line", "body", "codes"), CHANGES)
def test_a_change_makes_exactly_one_new_version(env: Foundry, text: str, path: str, line: str,
                                                body: dict[str, Any], codes: dict[str, Any]) -> None:
    applied(env, ("support-bot.yaml", BOT))
    env.write("support-bot.yaml", text)
    planned = env.plan("--detailed-exitcode")
    assert (planned.code, planned.out, planned.err) == (2, new_version("1", "2", line), "")

    mark = env.mark()
    done = env.apply("--auto-approve")
    assert (done.code, done.err) == (0, "")
    assert done.out == planned.out + "    ok  new version agent support-bot: updated (version 2)\n" \
                                      "Apply: 1 succeeded, 0 failed.\n"
    user = codes.get("md", {})
    assert env.writes_since(mark) == [("POST", path, {**body, "metadata": managed(record(**codes), **user)})]
    assert env.versions("support-bot") == ["1", "2"]
    latest = env.latest("support-bot")
    assert (latest["definition"], latest.get("description")) == (body["definition"], body.get("description"))

    mark = env.mark()
    again = env.apply("--auto-approve")
    assert (again.code, again.out) == (0, NO_CHANGES)
    assert env.since(mark) == [("GET", "/v1/agents", LIST)]
    assert env.versions("support-bot") == ["1", "2"]


# --- drift: a version made outside the tool ------------------------------------------------------------


def portal_edit(env: Foundry, **definition: Any) -> None:
    """A version made in the portal: the latest one with `definition` members replaced, its metadata kept."""
    latest = env.latest("support-bot")
    env.post("agents/support-bot", {"definition": {**latest["definition"], **definition},
                                    "metadata": latest["metadata"]})


def test_a_version_made_outside_the_tool_is_drift_and_apply_restores_the_file(env: Foundry) -> None:
    applied(env, ("support-bot.yaml", BOT))
    portal_edit(env, instructions="Portal edit")
    assert env.versions("support-bot") == ["1", "2"]

    planned = env.plan("--detailed-exitcode")
    assert (planned.code, planned.err) == (2, "")
    assert planned.out == (
        "Changed outside git since the last apply (will be overwritten): agent support-bot\n"
        "drift: agent support-bot: version 2 was not made by assistantsync (it differs in "
        "definition.instructions); this apply makes git the truth again in a new version\n"
        + new_version("2", "3", "    ! definition.instructions: changed outside git since the last apply; this "
                                "apply overwrites it\n", '        "Portal edit" -> "Hi"\n'))
    (change,) = json.loads(env.plan("--format", "json").out)["changes"]
    assert (change["kind"], change["key"], change["version"], change["action"], change["drift"]) == (
        "agent", "support-bot", "2", "update", True)
    assert [(f["path"], f["before"], f["after"], f["drift"]) for f in change["fields"]] == [
        ("definition.instructions", "Portal edit", "Hi", True)]

    mark = env.mark()
    done = env.apply("--auto-approve")
    assert (done.code, done.err) == (0, "")
    assert done.out == planned.out + "    ok  new version agent support-bot: updated (version 3)\n" \
                                     "Apply: 1 succeeded, 0 failed.\n"
    assert env.writes_since(mark) == [
        ("POST", "/v1/agents/support-bot", {"metadata": managed(record()), "definition": BOT_DEFINITION})]
    assert env.versions("support-bot") == ["1", "2", "3"]
    assert env.latest("support-bot")["definition"] == BOT_DEFINITION
    again = env.plan("--detailed-exitcode")
    assert (again.code, again.out) == (0, NO_CHANGES)


def test_a_version_made_without_the_tools_metadata_is_still_planned_back_to_the_file(env: Foundry) -> None:
    applied(env, ("support-bot.yaml", BOT))
    env.post("agents/support-bot", {"definition": {**BOT_DEFINITION, "instructions": "Script edit"}})

    planned = env.plan("--detailed-exitcode")
    assert planned.code == 2
    assert "agent support-bot  (version 2 -> 3)" in planned.out
    (change,) = json.loads(env.plan("--format", "json").out)["changes"]
    assert (change["key"], change["version"]) == ("support-bot", "2")
    assert [(f["path"], f["before"], f["after"]) for f in change["fields"]] == [
        ("definition.instructions", "Script edit", "Hi")]

    mark = env.mark()
    assert env.apply("--auto-approve").code == 0
    assert env.writes_since(mark) == [
        ("POST", "/v1/agents/support-bot", {"metadata": managed(record()), "definition": BOT_DEFINITION})]
    assert env.versions("support-bot") == ["1", "2", "3"]
    assert env.plan("--detailed-exitcode").code == 0


# --- prune: managed agents only -------------------------------------------------------------------------


def test_prune_deletes_a_managed_agent_without_a_file_and_leaves_unmanaged_ones(env: Foundry) -> None:
    hand_made = {"kind": "prompt", "model": "gpt-4.1", "instructions": "Made by hand."}
    env.post("agents", {"name": "hand-made", "definition": hand_made})
    applied(env, ("support-bot.yaml", BOT), ("billing-bot.yaml", BOT.replace("support-bot", "billing-bot")))
    env.remove("billing-bot.yaml")

    mark = env.mark()
    plain = env.apply("--auto-approve")
    assert (plain.code, plain.out) == (0, NO_CHANGES)
    planned = env.plan("--prune", "--detailed-exitcode")
    assert (planned.code, planned.out, planned.err) == (
        2, "\n- delete agent billing-bot  (version 1)\n\nPlan: 0 to create, 0 new versions, 1 to delete.\n", "")
    pruned = env.apply("--prune", "--auto-approve")
    assert pruned.code == 0, pruned
    assert pruned.out == planned.out + "    ok  delete agent billing-bot: deleted\nApply: 1 succeeded, 0 failed.\n"
    assert env.writes_since(mark) == [("DELETE", "/v1/agents/billing-bot", None)]
    assert env.names() == ["hand-made", "support-bot"]
    assert (env.versions("hand-made"), env.latest("hand-made")["definition"]) == (["1"], hand_made)
    assert env.plan("--prune", "--detailed-exitcode").code == 0


# --- assistants and agents in one run ------------------------------------------------------------------

NOTICE = ("note: Azure AI Foundry Agents (classic), which serves these assistants, retires on 2027-03-31; "
          "`assistantsync migrate` turns assistant files into agent files (README, \"Moving assistants to agents\")\n")


def test_one_folder_of_both_kinds_validates_plans_and_applies_then_prune_retires_the_assistants(
    env: Foundry,
) -> None:
    env.write("alpha.yaml", ALPHA)
    env.write("support-bot.yaml", BOT)
    valid = env.assistants.offline("validate")
    assert (valid.code, valid.out, valid.err) == (0, "1 assistant and 1 agent valid\n", "")
    planned = env.plan("--detailed-exitcode")
    assert (planned.code, planned.err) == (2, NOTICE)
    assert planned.out == (
        "\n+ create alpha  (assistants/alpha.yaml:1:1)\n    model: gpt-4o\n    name: Alpha\n"
        f"\n+ create agent support-bot  {SOURCE}\n    name: support-bot\n    definition.model: gpt-4.1\n"
        "    definition.instructions: Hi\n    definition.temperature: 0.3\n\n"
        "Plan: 2 to create, 0 to update, 0 new versions, 0 to delete.\n")

    mark = env.mark()
    done = env.apply("--auto-approve")
    assert (done.code, done.err) == (0, NOTICE)
    alpha_id = env.assistants.by_key()["alpha"]["id"]
    assert done.out == planned.out + (f"    ok  create alpha {alpha_id}: created\n"
                                      "    ok  create agent support-bot: created\nApply: 2 succeeded, 0 failed.\n")
    assert [(method, path) for method, path, _ in env.writes_since(mark)] == [("POST", "/v1/assistants"),
                                                                            ("POST", "/v1/agents")]
    again = env.plan("--detailed-exitcode")
    assert (again.code, again.out) == (0, "No changes. 1 assistant and 1 agent up to date.\n")

    # The migration's last step: only agent files are left, and --prune deletes the managed assistants.
    env.remove("alpha.yaml")
    mark = env.mark()
    plain = env.plan("--detailed-exitcode")
    assert (plain.code, plain.out, plain.err) == (0, NO_CHANGES, "")
    assert env.since(mark) == [("GET", "/v1/agents", LIST)]  # without --prune, no assistant is even listed
    pruning = env.plan("--prune", "--detailed-exitcode")
    assert (pruning.code, pruning.err) == (2, NOTICE)
    assert pruning.out == (f"\n- delete alpha {alpha_id}\n\n"
                           "Plan: 0 to create, 0 to update, 0 new versions, 1 to delete.\n")
    mark = env.mark()
    pruned = env.apply("--prune", "--auto-approve")
    assert pruned.code == 0, pruned
    assert pruned.out == pruning.out + f"    ok  delete alpha {alpha_id}: deleted\nApply: 1 succeeded, 0 failed.\n"
    assert env.writes_since(mark) == [("DELETE", f"/v1/assistants/{alpha_id}", None)]
    assert (env.assistants.live(), env.names(), env.versions("support-bot")) == ([], ["support-bot"], ["1"])
    assert env.plan("--prune", "--detailed-exitcode").code == 0


# --- the git commit in the record --------------------------------------------------------------------------

REVISIONS = [
    pytest.param(("--source-revision", "abc123"), {}, id="--source-revision"),
    pytest.param((), {"GITHUB_SHA": "abc123"}, id="GITHUB_SHA"),
    pytest.param((), {"CI_COMMIT_SHA": "abc123"}, id="CI_COMMIT_SHA"),
    pytest.param(("--source-revision", "abc123"), {"GITHUB_SHA": "fed987"}, id="the option wins"),
]


@pytest.mark.parametrize(("options", "variables"), REVISIONS)
def test_the_commit_is_recorded_in_the_version_it_applied(env: Foundry, options: tuple[str, ...],
                                                          variables: dict[str, str]) -> None:
    env.write("support-bot.yaml", BOT)
    mark = env.mark()
    done = env.module("apply", "--auto-approve", *options, env=variables)
    assert (done.returncode, done.stderr) == (0, "")
    assert env.writes_since(mark) == [("POST", "/v1/agents", {
        "name": "support-bot", "metadata": managed(record(git="abc123")), "definition": BOT_DEFINITION})]
    assert env.latest("support-bot")["metadata"] == managed(record(git="abc123"))
    # Another commit with the same file is no change: the commit is recorded, never compared.
    again = env.module("plan", "--detailed-exitcode", env={"GITHUB_SHA": "0ther"})
    assert (again.returncode, again.stdout) == (0, NO_CHANGES)


# --- saved plans ---------------------------------------------------------------------------------------------


def test_a_saved_plan_applies_as_planned_and_is_refused_once_a_version_moved(env: Foundry) -> None:
    env.write("support-bot.yaml", BOT)
    assert env.plan("--out", "plan.json", "--source-revision", "abc123").code == 0
    mark = env.mark()
    created = env.apply("--plan", "plan.json", "--auto-approve")
    assert created.code == 0, created
    assert env.writes_since(mark) == [("POST", "/v1/agents", {
        "name": "support-bot", "metadata": managed(record(git="abc123")), "definition": BOT_DEFINITION})]

    env.write("support-bot.yaml", BOT.replace("Hi", "Hello"))
    planned = env.plan("--out", "plan.json", "--source-revision", "def456")
    assert planned.code == 0
    saved = json.loads((env.root / "plan.json").read_text(encoding="utf-8"))
    assert [(c["kind"], c["key"], c["version"], c["action"]) for c in saved["changes"]] == [
        ("agent", "support-bot", "1", "update")]
    portal_edit(env, instructions="Portal edit")
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert (refused.code, refused.out) == (1, planned.out)
    assert refused.err == (
        "Error: the saved plan is stale; nothing was applied. Run plan again.\n"
        "  agent support-bot: version 2 was made since the plan (which started from version 1); "
        "definition.instructions changed\n")
    assert env.writes_since(mark) == []
    assert env.versions("support-bot") == ["1", "2"]

    assert env.plan("--out", "plan.json", "--source-revision", "def456").code == 0
    mark = env.mark()
    done = env.apply("--plan", "plan.json", "--auto-approve")
    assert done.code == 0, done
    assert done.out.endswith("    ok  new version agent support-bot: updated (version 3)\n"
                             "Apply: 1 succeeded, 0 failed.\n")
    assert env.writes_since(mark) == [("POST", "/v1/agents/support-bot", {
        "metadata": managed(record(git="def456", i="Hello")),
        "definition": {**BOT_DEFINITION, "instructions": "Hello"}})]
    assert env.versions("support-bot") == ["1", "2", "3"]
    assert env.plan("--detailed-exitcode").code == 0


def test_a_saved_plan_is_refused_when_a_field_it_leaves_alone_moved(env: Foundry) -> None:
    applied(env, ("support-bot.yaml", BOT))
    env.write("support-bot.yaml", BOT.replace("Hi", "Hello"))
    assert env.plan("--out", "plan.json").code == 0
    portal_edit(env, temperature=0.9)  # the saved body would silently put 0.3 back
    mark = env.mark()
    refused = env.apply("--plan", "plan.json", "--auto-approve")
    assert refused.code == 1
    assert refused.err.startswith("Error: the saved plan is ")
    assert refused.err == ("Error: the saved plan is stale; nothing was applied. Run plan again.\n"
                           "  agent support-bot: version 2 was made since the plan (which started from version 1); "
                           "definition.temperature changed\n")
    assert env.writes_since(mark) == []
    assert env.versions("support-bot") == ["1", "2"]


# --- the embedded sandbox -------------------------------------------------------------------------------------


def test_the_embedded_sandbox_keeps_agent_versions_in_its_state_file(env: Foundry) -> None:
    harness = env.assistants
    options = ("--provider", "sandbox", "--sandbox-state", "state.json")
    env.write("support-bot.yaml", BOT)
    created = harness.offline("apply", *options, "--auto-approve")
    assert created.code == 0, created
    again = harness.offline("apply", *options, "--auto-approve")
    assert (again.code, again.out) == (0, NO_CHANGES)
    env.write("support-bot.yaml", BOT.replace("Hi", "Hello"))
    changed = harness.offline("apply", *options, "--auto-approve")
    assert (changed.code, changed.err) == (0, "")
    assert changed.out.endswith("    ok  new version agent support-bot: updated (version 2)\n"
                                "Apply: 1 succeeded, 0 failed.\n")
    (agent,) = json.loads((env.root / "state.json").read_text(encoding="utf-8"))["agents"]
    assert [(v["version"], v["definition"]["instructions"], v["metadata"][STATE_KEY]) for v in agent["versions"]] == [
        ("1", "Hi", record()), ("2", "Hello", record(i="Hello"))]
    assert env.sandbox.stats()["total"] == 0  # nothing went to the served sandbox
    assert harness.offline("plan", *options, "--detailed-exitcode").code == 0
