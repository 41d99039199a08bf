"""`import --kind agent` end to end against the served sandbox used as a Foundry project: agents made through the
agents API (as the portal makes them) and by `apply` -> files -> plan -> apply -> plan; both kinds in one folder.

The token used must never appear in any output or written file (the leak check's fake AZURE_AI_TOKEN).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.cli_harness import Harness, Result
from helpers.sandbox_server import ServedSandbox

from assistantsync.schema.validate import schema_path

V1 = {"api-version": "v1"}
COPY = "schemas/agent.schema.json"  # the schema copy import keeps beside the files, each file pointing at it
SHIPPED = schema_path("agent.schema.json").read_text(encoding="utf-8")
HANDBOOK = "".join(f"§ {n}: answer from the handbook, cite the section.\n" for n in range(1, 9))
FORECAST = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"},
                                             "units": {"type": "string", "enum": ["metric", "imperial"]}},
            "required": ["city"], "additionalProperties": False}
VERDICT = {"type": "object", "properties": {"verdict": {"type": "string"}, "because": {"type": "string"}},
           "required": ["verdict", "because"], "additionalProperties": False}
# Agents made through the API, outside the tool, in this order: (name, body).
PORTAL: list[tuple[str, dict[str, Any]]] = [
    ("HR-Helper", {"description": "Answers handbook questions.", "metadata": {"team": "people-ops"},
                   "definition": {"kind": "prompt", "model": "gpt-4.1", "instructions": HANDBOOK,
                                  "tools": [{"type": "file_search", "vector_store_ids": ["vs_handbook"],
                                             "max_num_results": 8}]}}),
    ("weather", {"definition": {
        "kind": "prompt", "model": "gpt-4.1-mini", "instructions": "Give forecasts.", "temperature": 0.2,
        "tools": [{"type": "function", "name": "get_forecast", "description": "Forecast for a city",
                   "parameters": FORECAST, "strict": True},
                  {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-stations"]}}],
        "tool_choice": "required"}}),
    ("judge", {"definition": {
        "kind": "prompt", "model": "o4-mini", "reasoning": {"effort": "high"},
        "text": {"format": {"type": "json_schema", "name": "verdict", "schema": VERDICT, "strict": True}},
        "structured_inputs": {"case": {"description": "The case to judge", "required": True}},
        "rai_config": {"rai_policy_name": "strict-policy"}}}),
]
CLASSIC_NOTE = ("note: Azure AI Foundry Agents (classic), which serves these assistants, retires on 2027-03-31; "
                "`assistantsync migrate` turns assistant files into agent files (README, \"Moving assistants to "
                "agents\")\n")
MANAGED = "kind: agent\nname: triage\ndefinition:\n  kind: prompt\n  model: gpt-4.1\n  instructions: Route it.\n"


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    monkeypatch.chdir(tmp_path)
    return Harness(tmp_path, sandbox_server)


def foundry(env: Harness, *args: str) -> Result:
    """A command against the sandbox as a Foundry project (agents and assistants)."""
    command, *rest = args
    return env.offline(command, "--provider", "azure-foundry", "--base-url", env.sandbox.base_url,
                       "--max-retries", "0", *rest)


def portal(env: Harness, name: str, body: dict[str, Any]) -> None:
    with httpx.Client(base_url=env.sandbox.base_url, params=V1, timeout=10,
                      headers={"Authorization": f"Bearer {os.environ['AZURE_AI_TOKEN']}"}) as api:
        response = api.post("agents", json={"name": name, **body})
    assert response.status_code == 200, response.text


def seed(env: Harness) -> None:
    for name, body in PORTAL:
        portal(env, name, body)
    (env.root / "seed").mkdir()
    (env.root / "seed" / "triage.yaml").write_text(MANAGED, encoding="utf-8")
    assert foundry(env, "apply", "seed", "--auto-approve").code == 0


def snapshot(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def header(name: str) -> str:
    return (f"# yaml-language-server: $schema={COPY}\n"
            f"# Imported from live agent {name} by `assistantsync import`.\n")


def wrote(out: str) -> str:
    return f"Wrote {Path(out, COPY)}, the agent file schema the files point editors at.\n"


TAKES_OVER = "[version 1 has no assistantsync record: made outside the tool; takes over in a new version]"
ADOPTIONS = "".join(f"\n~ adopt agent {name}  (version 1 -> 2)  (backup/{name}.yaml:3:1)  {TAKES_OVER}\n"
                    for name in ("HR-Helper", "judge", "weather")) + (
    "\nPlan: 0 to create, 0 new versions, 3 to adopt, 0 to delete.\n")


def test_import_all_agents_then_plan_adopt_apply_and_plan_no_changes(env: Harness) -> None:
    seed(env)
    imported = foundry(env, "import", "--kind", "agent", "--all", "--out", "backup")
    written = ["HR-Helper.yaml", "prompts/HR-Helper.md", "weather.yaml", "judge.yaml", "triage.yaml"]
    assert imported == Result(0, "".join(f"{Path('backup', name)}\n" for name in written),
                              "Imported 4 agents into backup (4 YAML, 1 prompt file).\n" + wrote("backup"))
    files = snapshot(env.root / "backup")
    assert files == {
        "HR-Helper.yaml": header("HR-Helper") + (
            "kind: agent\nname: HR-Helper\ndescription: Answers handbook questions.\nmetadata:\n  team: people-ops\n"
            "definition:\n  kind: prompt\n  model: gpt-4.1\n  instructions_file: prompts/HR-Helper.md\n  tools:\n"
            "    - type: file_search\n      vector_store_ids:\n        - vs_handbook\n      max_num_results: 8\n"),
        "prompts/HR-Helper.md": HANDBOOK,
        "weather.yaml": header("weather") + (
            "kind: agent\nname: weather\ndefinition:\n  kind: prompt\n  model: gpt-4.1-mini\n"
            "  instructions: Give forecasts.\n  temperature: 0.2\n  tools:\n    - type: function\n"
            "      name: get_forecast\n      description: Forecast for a city\n      parameters:\n"
            "        type: object\n        properties:\n          city:\n            type: string\n"
            "          days:\n            type: integer\n          units:\n            type: string\n"
            "            enum:\n              - metric\n              - imperial\n        required:\n"
            "          - city\n        additionalProperties: false\n      strict: true\n"
            "    - type: code_interpreter\n      container:\n        type: auto\n        file_ids:\n"
            "          - file-stations\n  tool_choice: required\n"),
        "judge.yaml": header("judge") + (
            "kind: agent\nname: judge\ndefinition:\n  kind: prompt\n  model: o4-mini\n  reasoning:\n"
            "    effort: high\n  text:\n    format:\n      type: json_schema\n      name: verdict\n      schema:\n"
            "        type: object\n        properties:\n          verdict:\n            type: string\n"
            "          because:\n            type: string\n        required:\n          - verdict\n"
            "          - because\n        additionalProperties: false\n      strict: true\n"
            "  structured_inputs:\n    case:\n      description: The case to judge\n      required: true\n"
            "  rai_config:\n    rai_policy_name: strict-policy\n"),
        "triage.yaml": header("triage") + MANAGED,
        COPY: SHIPPED,
    }
    assert foundry(env, "plan", "backup") == Result(0, ADOPTIONS, "")
    applied = foundry(env, "apply", "backup", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    assert foundry(env, "plan", "backup", "--detailed-exitcode") == Result(0, "No changes. 4 agents up to date.\n", "")
    # Adopted now, at version 2: importing again gives the same bytes (a file holds no version).
    again = foundry(env, "import", "--kind", "agent", "--all", "--out", "backup", "--force")
    assert again.code == 0, again.err
    assert snapshot(env.root / "backup") == files


def test_both_kinds_import_into_one_folder_and_plan_together(env: Harness) -> None:
    portal(env, "support-bot", {"definition": {"kind": "prompt", "model": "gpt-4.1"}})
    helper = env.create_live(name="Helper", model="gpt-4o")
    assert foundry(env, "import", "--all", "--out", "both").code == 0
    assert foundry(env, "import", "--kind", "agent", "--all", "--out", "both").code == 0
    assert set(snapshot(env.root / "both")) == {"helper.yaml", "support-bot.yaml", COPY,
                                                   "schemas/assistant.schema.json"}
    planned = foundry(env, "plan", "both")  # Foundry serves both kinds: one plan, adopting each
    assert planned.out == (
        f"\n~ adopt helper {helper['id']}  (both/helper.yaml:3:1)  [takes over: adds assistantsync metadata]\n"
        f"\n~ adopt agent support-bot  (version 1 -> 2)  (both/support-bot.yaml:3:1)  {TAKES_OVER}\n"
        "\nPlan: 0 to create, 0 to update, 0 new versions, 2 to adopt, 0 to delete.\n")
    assert (planned.code, planned.err) == (0, CLASSIC_NOTE)


def test_import_by_name_fetches_only_those(env: Harness) -> None:
    for name in ("first", "second", "third"):
        portal(env, name, {"definition": {"kind": "prompt", "model": "gpt-4.1"}})
    done = foundry(env, "import", "--kind", "agent", "third", "first", "third", "--out", "picked")
    assert done.code == 0, done.err
    assert set(snapshot(env.root / "picked")) == {"first.yaml", "third.yaml", COPY}
    assert env.sandbox.count("GET", "/agents") == 0
    assert env.sandbox.count("GET", "/agents/{agent_name}") == 2
    missing = foundry(env, "import", "--kind", "agent", "first", "gone", "--out", "other")
    assert missing == Result(1, "", "Error: no agent with name gone (or these credentials cannot see it): check the "
                                    "names, or list what you can see with `--all`. Nothing was written.\n")
    assert not (env.root / "other").exists()


def test_names_differing_only_in_case_are_refused_before_any_write(env: Harness) -> None:
    for name in ("Bot", "bot", "other"):
        portal(env, name, {"definition": {"kind": "prompt", "model": "gpt-4.1"}})
    done = foundry(env, "import", "--kind", "agent", "--all", "--out", "out")
    assert done == Result(1, "", "Error: agents Bot and bot differ only in case, so their files would be one on a "
                                 "case-insensitive file system (macOS, Windows): import them by name into separate "
                                 "folders. Nothing was written.\n")
    assert not (env.root / "out").exists()
    assert foundry(env, "import", "--kind", "agent", "Bot", "other", "--out", "out").code == 0
    assert set(snapshot(env.root / "out")) == {"Bot.yaml", "other.yaml", COPY}


def test_an_agent_no_file_can_declare_is_left_out_with_a_warning(env: Harness) -> None:
    portal(env, "hosted-bot", {"definition": {"kind": "hosted", "image": "registry/bot:1"}})
    portal(env, "prompt-bot", {"definition": {"kind": "prompt", "model": "gpt-4.1"}})
    done = foundry(env, "import", "--kind", "agent", "--all", "--out", "out")
    assert done == Result(0, f"{Path('out', 'prompt-bot.yaml')}\n", (
        "warning: 1 agent left out, of a sort no file can declare (plan leaves them alone): hosted-bot\n"
        "Imported 1 agent into out (1 YAML, 0 prompt files).\n" + wrote("out")))


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "agent", "--out", "x"], "nothing to import: give --all or one or more agent names"),
    (["--kind", "agent", "--all", "bot", "--out", "x"], "give either --all or agent names, not both"),
    (["--kind", "robot", "--all", "--out", "x"], "Invalid value for '--kind': 'robot' is not one of 'assistant', "
                                                 "'agent'."),
])
def test_usage_errors(env: Harness, args: list[str], message: str) -> None:
    done = foundry(env, "import", *args)
    assert done.code == 2 and message in done.err
    assert env.sandbox.stats()["total"] == 0
