"""A reorder inside the schemas Structured Outputs follow, end to end against the embedded sandbox (issue 14,
defect 14): planned as one update, sent and stored in the file's order, and then nothing left to change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV
from helpers.tree import write

from assistantsync.cli.main import cli


def properties(indent: str, first: str, second: str) -> str:
    return "".join(f"{indent}{name}: {{type: string}}\n" for name in (first, second))


def bot(first: str, second: str) -> str:
    return ("model: gpt-4o\n"
            "response_format:\n  type: json_schema\n  json_schema:\n    name: answer\n    strict: true\n"
            "    schema:\n      type: object\n      properties:\n" + properties(" " * 8, first, second) +
            "      required: [a, b]\n      additionalProperties: false\n"
            "tools:\n  - type: function\n    function:\n      name: lookup\n      parameters:\n"
            "        type: object\n        properties:\n" + properties(" " * 10, first, second))


def stored(state: Path) -> list[list[str]]:
    """The properties' order of the one stored assistant: its response format's schema's, its function's."""
    [record] = json.loads(state.read_text(encoding="utf-8"))["assistants"]
    assistant = record["assistant"]
    schema = assistant["response_format"]["json_schema"]["schema"]
    parameters = assistant["tools"][0]["function"]["parameters"]
    return [list(schema["properties"]), list(parameters["properties"])]


def test_a_reordered_schema_is_planned_sent_in_file_order_and_then_settled(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state.json"
    sandbox = ["--provider", "sandbox", "--sandbox-state", str(state), "--no-color"]

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, [*args[:1], *sandbox, *args[1:], "assistants"], env=CLEAN_ENV)
        return result.exit_code, result.stdout

    write(tmp_path / "assistants/bot.yaml", bot("a", "b"))
    assert run("apply", "--auto-approve")[0] == 0
    assert stored(state) == [["a", "b"], ["a", "b"]]

    write(tmp_path / "assistants/bot.yaml", bot("b", "a"))
    code, out = run("plan", "--detailed-exitcode")
    assert code == 2, out
    assert "Plan: 0 to create, 1 to update, 0 to delete." in out
    plan = json.loads(run("plan", "--format", "json")[1])
    assert [(f["path"], f["details"]) for c in plan["changes"] for f in c["fields"]] == [
        ("response_format", [".json_schema.schema.properties: keys reordered: a, b -> b, a"]),
        ("tools", ["[0].function.parameters.properties: keys reordered: a, b -> b, a"])]

    assert run("plan", "--out", "plan.json")[0] == 0  # a saved plan's values hold no order marks: shown from
    shown = CliRunner().invoke(cli, ["show", "plan.json"], env=CLEAN_ENV)  # the plan's own description
    assert "        ~ .json_schema.schema.properties: keys reordered: a, b -> b, a" in shown.stdout.splitlines()

    assert run("apply", "--auto-approve")[0] == 0
    assert stored(state) == [["b", "a"], ["b", "a"]]
    code, out = run("plan", "--detailed-exitcode")
    assert (code, out.strip()) == (0, "No changes. 1 assistant up to date.")
