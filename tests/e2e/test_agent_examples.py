"""The agent examples: each validates on its own, points editors at the agent schema, and the folder plans,
applies and then plans clean on the embedded sandbox, beside the assistant examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.paths import REPO

from assistantsync.cli.main import cli
from assistantsync.files.desired import load_desired

EXAMPLES = Path("examples/agents")
EXAMPLE_FILES = sorted((REPO / EXAMPLES).glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/agent.schema.json"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=[path.stem for path in EXAMPLE_FILES])
def test_agent_example_validates_on_its_own(example: Path) -> None:
    [agent] = load_desired([EXAMPLES / example.name])
    assert (agent.kind, agent.key) == ("agent", example.stem)
    assert example.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


def test_the_agent_examples_read_their_prompt_and_parameter_files() -> None:
    by_key = {agent.key: agent for agent in load_desired([EXAMPLES])}
    assert sorted(by_key) == ["support-bot", "triage-bot"]
    support = by_key["support-bot"].fields
    assert support["definition.instructions"].startswith("You are the tier-1 support agent.")
    assert support["definition.tools"][0]["parameters"]["required"] == ["order_id"]
    assert "parameters_file" not in support["definition.tools"][0]


def test_both_example_folders_apply_on_the_embedded_sandbox_and_then_plan_clean(tmp_path: Path) -> None:
    state = ["--provider", "sandbox", "--sandbox-state", str(tmp_path / "sandbox.json")]
    folders = [str(EXAMPLES), "examples/assistants"]
    runner = CliRunner()
    first = runner.invoke(cli, ["plan", *state, *folders])
    assert first.exit_code == 0, first.output
    assert first.output.endswith("Plan: 8 to create, 0 to update, 0 new versions, 0 to delete.\n")
    assert "+ create agent support-bot  (examples/agents/support-bot.yaml:3:1)" in first.output
    applied = runner.invoke(cli, ["apply", "--auto-approve", *state, *folders])
    assert applied.exit_code == 0, applied.output
    assert applied.output.endswith("Apply: 8 succeeded, 0 failed.\n")
    again = runner.invoke(cli, ["plan", "--detailed-exitcode", *state, *folders])
    assert (again.exit_code, again.output) == (0, "No changes. 6 assistants and 2 agents up to date.\n")
