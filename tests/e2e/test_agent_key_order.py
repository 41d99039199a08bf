"""A reorder of a structured output's schema is a change for an agent too, and it lands: the sandbox (like, perhaps,
Foundry) compares definitions without key order, so apply sends a reorder alone where a version is always made."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from assistantsync.cli.main import cli

AGENT = """kind: agent
name: triage
definition:
  kind: prompt
  model: gpt-4.1
  text:
    format:
      type: json_schema
      name: triage
      schema:
        type: object
        properties:
          {first}: {{type: string}}
          {second}: {{type: string}}
"""


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--provider", "sandbox", "--sandbox-state", str(tmp_path / "s.json"),
                                      str(tmp_path / "agents")])
    return result.exit_code, result.output


def test_a_reorder_alone_makes_one_new_version_and_the_next_plan_is_clean(tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    file = tmp_path / "agents" / "triage.yaml"
    file.write_text(AGENT.format(first="product", second="urgency"), encoding="utf-8")
    assert run(tmp_path, "apply", "--auto-approve")[0] == 0
    file.write_text(AGENT.format(first="urgency", second="product"), encoding="utf-8")
    code, planned = run(tmp_path, "plan")
    assert code == 0
    assert "~ new version agent triage  (version 1 -> 2)" in planned
    assert planned.endswith("Plan: 0 to create, 1 new version, 0 to delete.\n")
    code, applied = run(tmp_path, "apply", "--auto-approve")
    assert (code, applied.splitlines()[-2:]) == (
        0, ["    ok  new version agent triage: updated (version 2)", "Apply: 1 succeeded, 0 failed."])
    assert run(tmp_path, "plan", "--detailed-exitcode") == (0, "No changes. 1 agent up to date.\n")
    state = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    [stored] = state["agents"]
    assert [version["version"] for version in stored["versions"]] == ["1", "2"]
    latest = stored["versions"][-1]
    assert list(latest["definition"]["text"]["format"]["schema"]["properties"]) == ["urgency", "product"]
