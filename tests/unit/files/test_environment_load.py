"""One set of files, two environments: a project file loaded by load_project, resolved by load_desired."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import ValidationFailed
from assistantsync.files.desired import load_desired, unused_variables
from assistantsync.project.loading import load_project

PROJECT = """\
environments:
  dev:
    vars: {model: gpt-4o-mini, handbook_store: vs_dev123, env: dev, company: Acme Dev}
  prod:
    vars:
      model: gpt-4o
      handbook_store: vs_prod456
      env: prod
      company: Acme
      max_results: 20
    overrides:
      hr-helper: {temperature: 0.1, metadata: {tier: gold}}
      bot: {definition: {temperature: 0.2}}
"""
ASSISTANT = """\
model: "${{ vars.model }}"
name: HR helper (${{ vars.env }})
instructions_file: {path: prompts/hr.md, vars: true}
tools: [{type: file_search}]
tool_resources: {file_search: {vector_store_ids: ["${{ vars.handbook_store }}"]}}
metadata: {env: "${{ vars.env }}", team: hr}
temperature: 1
"""
AGENT = """\
kind: agent
name: bot
definition:
  kind: prompt
  model: ${{ vars.model }}
  instructions_file: prompts/bot.md
  temperature: 1
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "assistantsync.yaml", PROJECT)
    write(tmp_path / "assistants/hr-helper.yaml", ASSISTANT)
    write(tmp_path / "assistants/bot.yaml", AGENT)
    write(tmp_path / "assistants/prompts/hr.md", "You help the staff of ${{ vars.company }}.\n")
    write(tmp_path / "assistants/prompts/bot.md", "Sent as written: ${{ vars.company }}.\n")
    return tmp_path


@pytest.mark.parametrize(("name", "assistant", "agent"), [
    ("dev", {"model": "gpt-4o-mini", "name": "HR helper (dev)", "instructions": "You help the staff of Acme Dev.\n",
             "tools": [{"type": "file_search"}], "tool_resources": {"file_search": {"vector_store_ids": ["vs_dev123"]}},
             "metadata": {"env": "dev", "team": "hr"}, "temperature": 1},
     {"name": "bot", "definition.model": "gpt-4o-mini",
      "definition.instructions": "Sent as written: ${{ vars.company }}.\n", "definition.temperature": 1}),
    ("prod", {"model": "gpt-4o", "name": "HR helper (prod)", "instructions": "You help the staff of Acme.\n",
              "tools": [{"type": "file_search"}],
              "tool_resources": {"file_search": {"vector_store_ids": ["vs_prod456"]}},
              "metadata": {"env": "prod", "team": "hr", "tier": "gold"}, "temperature": 0.1},
     {"name": "bot", "definition.model": "gpt-4o",
      "definition.instructions": "Sent as written: ${{ vars.company }}.\n", "definition.temperature": 0.2}),
])
def test_each_environment_resolves_the_same_files_to_its_own_values(
        repo: Path, name: str, assistant: dict[str, object], agent: dict[str, object]) -> None:
    environment = load_project(Path("assistantsync.yaml")).environments[name]
    [loaded_agent, loaded_assistant] = load_desired([Path("assistants")], environment=environment)
    assert (loaded_assistant.key, loaded_assistant.fields) == ("hr-helper", assistant)
    assert (loaded_agent.key, loaded_agent.fields) == ("bot", agent)
    assert loaded_assistant.var_fields == {"model": ("model",), "name": ("env",), "instructions": ("company",),
                                           "tool_resources": ("handbook_store",), "metadata": ("env",)}
    assert loaded_agent.var_fields == {"definition.model": ("model",)}


def test_an_unused_variable_is_a_warning_at_its_place_in_the_project_file(repo: Path) -> None:
    project = load_project(Path("assistantsync.yaml"))
    warnings = {name: [str(warning) for warning in unused_variables(
        environment, load_desired([Path("assistants")], environment=environment))]
        for name, environment in project.environments.items()}
    assert warnings == {"dev": [], "prod": [
        "assistantsync.yaml:10:7: environments.prod.vars.max_results: variable 'max_results' of environment "
        "'prod' is used by no file"]}


def test_without_an_environment_the_files_load_as_written(repo: Path) -> None:
    [agent, assistant] = load_desired([Path("assistants")])
    assert (assistant.fields["model"], agent.fields["definition.model"]) == ("${{ vars.model }}", "${{ vars.model }}")
    assert assistant.fields["instructions"] == "You help the staff of ${{ vars.company }}.\n"


def test_mistakes_are_located_in_the_assistant_file_the_prompt_and_the_project_file(repo: Path) -> None:
    write(repo / "assistantsync.yaml", PROJECT.replace("{temperature: 0.1,", "{temperature: 9,")
          .replace("bot: {", "bott: {"))
    write(repo / "assistants/prompts/hr.md", "You help the staff of ${{ vars.compan }}.\n")
    write(repo / "assistants/hr-helper.yaml", ASSISTANT.replace("vars.env }})", "vars.envv }})"))
    with pytest.raises(ValidationFailed) as failed:
        load_desired([Path("assistants")], environment=load_project(Path("assistantsync.yaml")).environments["prod"])
    assert [str(problem) for problem in failed.value.problems] == [
        "assistants/hr-helper.yaml:2:1: name: unknown variable 'envv' in environment 'prod' (did you mean 'env'? "
        "defined: company, env, handbook_store, max_results, model)",
        "assistants/prompts/hr.md:1:23: instructions: unknown variable 'compan' in environment 'prod' (did you "
        "mean 'company'? defined: company, env, handbook_store, max_results, model)",
        "assistantsync.yaml:12:7: temperature: must be at most 2",
        "assistantsync.yaml:13:7: environments.prod.overrides.bott: no assistant or agent has the key 'bott' "
        "(did you mean 'bot'?)"]


def test_an_agent_whose_name_has_capitals_can_be_overridden(repo: Path) -> None:
    """Override keys take an agent's name as it is written: agent names may hold capitals, keys may not."""
    write(repo / "assistantsync.yaml", PROJECT.replace("bot: {definition", "Support-Bot: {definition"))
    write(repo / "assistants/bot.yaml", AGENT.replace("name: bot", "name: Support-Bot"))
    prod = load_project(Path("assistantsync.yaml")).environments["prod"]
    agent = next(item for item in load_desired([Path("assistants")], environment=prod) if item.kind == "agent")
    assert (agent.key, agent.fields["definition.temperature"]) == ("Support-Bot", 0.2)
