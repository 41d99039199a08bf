"""`--target KEY` narrows plan and apply to some files' resources (issue 16, point 6): embedded sandbox, real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assistantsync.cli.main import cli

FILES = {
    "weather.yaml": "model: gpt-4o\nname: Weather\n",
    "hr.yaml": "model: gpt-4o\nname: HR\n",
    "bot.yaml": "kind: agent\nname: bot\ndefinition: {kind: prompt, model: gpt-4.1}\n",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    files = tmp_path / "files"
    files.mkdir()
    for name, text in FILES.items():
        (files / name).write_text(text, encoding="utf-8")
    return files


def run(folder: Path, *args: str) -> Result:
    state = ["--provider", "sandbox", "--sandbox-state", str(folder.parent / "state.json")]
    return CliRunner().invoke(cli, [args[0], *state, *args[1:], str(folder)])


def test_plan_and_apply_touch_only_the_targets(folder: Path) -> None:
    planned = run(folder, "plan", "--target", "weather", "--target", "bot")
    assert planned.exit_code == 0
    assert [line for line in planned.output.splitlines() if line.startswith("+ ")] == [
        f"+ create weather  ({folder}/weather.yaml:1:1)", f"+ create agent bot  ({folder}/bot.yaml:1:1)"]
    assert planned.output.endswith("Plan: 2 to create, 0 to update, 0 new versions, 0 to delete.\n")
    applied = run(folder, "apply", "--auto-approve", "--target", "weather")
    assert applied.exit_code == 0 and applied.output.endswith("Apply: 1 succeeded, 0 failed.\n")
    rest = run(folder, "plan")
    assert [line.split("  ")[0] for line in rest.output.splitlines() if line.startswith("+ ")] == [
        "+ create hr", "+ create agent bot"]


def test_an_unknown_target_is_an_error_before_any_request(folder: Path) -> None:
    refused = run(folder, "plan", "--target", "weather", "--target", "nope", "--target", "zz")
    assert refused.exit_code == 1
    assert refused.output == ("Error: --target 'nope' and 'zz': no file loaded defines that key (an assistant's "
                              "`key`, or an agent's `name`)\n")
    assert not (folder.parent / "state.json").exists()


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]])
def test_target_with_prune_is_refused(folder: Path, command: list[str]) -> None:
    refused = run(folder, *command, "--prune", "--target", "weather")
    assert refused.exit_code == 2
    assert ("--target narrows a run to some files, and --prune deletes what no file describes: together they "
            "would delete every other managed resource; use one or the other") in refused.output
