"""The policy check as the CLI runs it, from real files: a problem inside a field located at the item the
file writes, an override's value at the override, and the report a plan shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.files.desired import load_desired
from assistantsync.policy.checks import check_policy
from assistantsync.policy.report import PolicyReport, PolicyRule
from assistantsync.project.loading import load_project

PROJECT = """\
environments:
  dev: {}
  prod:
    overrides:
      hr-helper: {tools: [{type: function, function: {name: f}}]}
    policy: {forbidden_tools: [function]}
policy:
  allowed_models: ["gpt-4o*"]
  required_metadata: [owner]
  forbidden_tools: [code_interpreter]
"""
HR = """\
model: gpt-4o
tools:
  - type: file_search
  - type: code_interpreter
"""
AGENT = """\
kind: agent
name: helper
metadata: {owner: it}
definition:
  kind: prompt
  model: o3
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "assistantsync.yaml", PROJECT)
    write(tmp_path / "assistants/hr-helper.yaml", HR)
    write(tmp_path / "assistants/helper.yaml", AGENT)
    return tmp_path


def test_problems_point_at_the_item_the_file_writes(repo: Path) -> None:
    project = load_project(Path("assistantsync.yaml"))
    dev = project.environments["dev"]
    checked = check_policy(load_desired([Path("assistants")], environment=dev), project, dev)
    assert [str(problem) for problem in checked.problems] == [
        "assistants/helper.yaml:6:3: definition.model: policy: 'o3' is not an allowed model (allowed: gpt-4o*)",
        "assistants/hr-helper.yaml:1:1: metadata: policy: the required key 'owner' is missing",
        "assistants/hr-helper.yaml:4:5: tools[1]: policy: the tool type 'code_interpreter' is forbidden "
        "(forbidden: code_interpreter)",
    ]
    assert checked.report == PolicyReport(
        (PolicyRule("allowed models", ("gpt-4o*",)), PolicyRule("required metadata", ("owner",)),
         PolicyRule("forbidden tools", ("code_interpreter",))), (("agent", 1), ("assistant", 1)), False, "dev")


def test_a_value_an_override_set_points_at_the_override(repo: Path) -> None:
    write(repo / "assistants/helper.yaml", AGENT.replace("o3", "gpt-4o"))
    write(repo / "assistants/hr-helper.yaml", HR.replace("tools:", "metadata: {owner: hr}\ntools:"))
    project = load_project(Path("assistantsync.yaml"))
    prod = project.environments["prod"]
    checked = check_policy(load_desired([Path("assistants")], environment=prod), project, prod)
    assert [str(problem) for problem in checked.problems] == [
        "assistantsync.yaml:5:7: tools[0]: policy: the tool type 'function' is forbidden "
        "(forbidden: code_interpreter, function)"]


def test_a_passing_check_reports_it(repo: Path) -> None:
    write(repo / "assistants/helper.yaml", AGENT.replace("o3", "gpt-4o"))
    write(repo / "assistants/hr-helper.yaml", "model: gpt-4o-mini\nmetadata: {owner: hr}\n")
    project = load_project(Path("assistantsync.yaml"))
    checked = check_policy(load_desired([Path("assistants")]), project)
    assert (checked.problems, checked.report.passed, checked.report.environment) == ((), True, None)
