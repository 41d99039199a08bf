"""The plan in the file's order, end to end against the embedded and the served sandbox (issue 16, point 1):
a create reads as the file does, an update's diff shows no server-filled context, and a reordered map
is still no change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV
from helpers.paths import EXAMPLES
from helpers.sandbox_server import ServedSandbox

from assistantsync.cli.main import cli

SANDBOXES = ["embedded", "served"]


def block(out: str, heading: str) -> list[str]:
    """The lines of one change in a text plan: from its heading to the blank line after it."""
    lines = out.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(heading))
    end = lines.index("", start)
    return lines[start + 1:end]


@pytest.mark.parametrize("where", SANDBOXES)
def test_plans_follow_the_files_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      sandbox_server: ServedSandbox, where: str) -> None:
    if where == "embedded":
        _check_file_order(tmp_path, monkeypatch, ["--provider", "sandbox", "--sandbox-state",
                                                  str(tmp_path / "state.json")])
        return
    _check_file_order(tmp_path, monkeypatch, ["--provider", "openai", "--base-url", sandbox_server.base_url])


def _check_file_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES, tmp_path / "assistants")

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, [*args[:1], *sandbox, "--no-color", *args[1:], "assistants"], env=CLEAN_ENV)
        return result.exit_code, result.stdout

    code, out = run("plan")
    assert code == 0, out
    hr = block(out, "+ create hr-helper ")
    assert hr[hr.index("    tools:"):] == [
        "    tools:", "      - type: file_search", "        file_search:", "          max_num_results: 8",
        "    tool_resources:", "      file_search:", "        vector_store_ids:", "          - vs_67b2c0f1a8e48191",
        "    metadata:", "      team: people-ops", "      owner: hr-platform@example.com"]
    invoice = block(out, "+ create invoice-extractor ")
    assert [line.split(":")[0].strip() for line in invoice if not line.startswith("     ")] == [
        "model", "name", "description", "instructions", "temperature", "top_p", "response_format", "metadata"]
    assert invoice[invoice.index("    response_format:") + 1:][:4] == [
        "      type: json_schema", "      json_schema:", "        name: invoice",
        "        description: The fields of one supplier invoice."]
    plan = json.loads(run("plan", "--format", "json")[1])
    [tools] = [f["after"] for c in plan["changes"] if c["key"] == "hr-helper" for f in c["fields"]
               if f["path"] == "tools"]
    assert json.dumps(tools) == '[{"type": "file_search", "file_search": {"max_num_results": 8}}]'

    assert run("apply", "--auto-approve")[0] == 0
    hr_file = tmp_path / "assistants/hr-helper.yaml"
    original = hr_file.read_text(encoding="utf-8")
    hr_file.write_text(original.replace("max_num_results: 8", "max_num_results: 5"), encoding="utf-8")
    code, out = run("plan", "--detailed-exitcode")
    assert code == 2, out
    assert block(out, "~ update hr-helper ") == [
        "    tools:", "        ~ file_search", "             type: file_search", "             file_search:",
        "        -      max_num_results: 8", "        +      max_num_results: 5", "             …"]
    markdown = run("plan", "--format", "markdown")[1]
    assert "-      max_num_results: 8\n+      max_num_results: 5\n     …\n```" in markdown
    assert "ranking_options" not in out + markdown

    reordered = original.replace("  team: people-ops\n  owner: hr-platform@example.com\n",
                                 "  owner: hr-platform@example.com\n  team: people-ops\n")
    assert reordered != original
    hr_file.write_text(reordered, encoding="utf-8")
    code, out = run("plan", "--detailed-exitcode")
    assert (code, out.strip()) == (0, "No changes. 6 assistants up to date.")
