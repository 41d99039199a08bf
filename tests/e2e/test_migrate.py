"""`assistantsync migrate` through the real CLI: the repository's examples become valid agent files in another
folder, with an exact report; conflicts, collisions and invalid files stop it before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result
from helpers.paths import EXAMPLES, SCHEMAS

from assistantsync.cli.main import cli

AGENT_FILES = ["hr-helper.yaml", "invoice-extractor.yaml", "support-analyst.yaml", "support-kb.yaml",
               "support-triage.yaml", "weather.yaml"]
# (source, agent name): the examples in the order they are read.
SOURCES = [("assistants/hr-helper.yaml", "hr-helper"), ("assistants/invoice-extractor.yaml", "invoice-extractor"),
           ("assistants/support-team.yaml#1", "support-triage"), ("assistants/support-team.yaml#2", "support-analyst"),
           ("assistants/support-team.yaml#3", "support-kb"), ("assistants/weather.yaml", "weather")]
REPORT = [f"{source}: name: dropped: an agent has no display name apart from its name '{name}'"
          for source, name in SOURCES]


@pytest.fixture(autouse=True)
def _from_examples_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES.parent)  # so sources read `assistants/...`, as a user in the repository types


def _migrate(*arguments: str) -> Result:
    return CliRunner().invoke(cli, ["migrate", *arguments])


def test_examples_become_valid_agent_files_with_an_exact_report(tmp_path: Path) -> None:
    out = tmp_path / "agents"
    result = _migrate("assistants", "--out", str(out))
    assert (result.exit_code, result.stdout.splitlines()) == (0, REPORT)
    copy = out / "schemas" / "agent.schema.json"
    assert result.stderr == (f"Migrated 6 assistants into {out} (6 report items).\n"
                             f"Wrote {copy}, the agent file schema the files point editors at.\n")
    assert sorted(path.name for path in out.iterdir()) == sorted([*AGENT_FILES, "schemas"])
    assert copy.read_bytes() == (SCHEMAS / "agent.schema.json").read_bytes()  # the schema each file points at
    schema = json.loads((SCHEMAS / "agent.schema.json").read_text(encoding="utf-8"))
    for name in AGENT_FILES:
        text = (out / name).read_text(encoding="utf-8")
        assert text.splitlines()[0] == "# yaml-language-server: $schema=schemas/agent.schema.json"
        jsonschema.validate(yaml.safe_load(text), schema)


@pytest.mark.parametrize(("agent", "path", "target"), [
    ("hr-helper", ("instructions_file",), EXAMPLES / "prompts" / "hr-helper.md"),
    ("weather", ("tools", 0, "parameters_file"), EXAMPLES / "schemas" / "get_weather.json"),
])
def test_references_resolve_from_the_out_dir(tmp_path: Path, agent: str, path: tuple[str | int, ...],
                                             target: Path) -> None:
    out = tmp_path / "deep" / "agents"
    assert _migrate("assistants", "--out", str(out)).exit_code == 0
    value = yaml.safe_load((out / f"{agent}.yaml").read_text(encoding="utf-8"))["definition"]
    for step in path:
        value = value[step]
    assert not Path(value).is_absolute() and (out / value).resolve() == target.resolve()


def test_json_report_is_the_documented_document(tmp_path: Path) -> None:
    out = tmp_path / "agents"
    result = _migrate("assistants", "--out", str(out), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "version": 1,
        "agents": [{"source": source, "name": name, "file": str(out / f"{name}.yaml")} for source, name in SOURCES],
        "report": [{"source": source, "field": "name", "outcome": "dropped",
                    "reason": f"an agent has no display name apart from its name '{name}'"}
                   for source, name in SOURCES],
    }


def test_existing_files_are_listed_and_nothing_written_without_force(tmp_path: Path) -> None:
    out = tmp_path / "agents"
    out.mkdir()
    (out / "weather.yaml").write_text("mine\n", encoding="utf-8")
    (out / "hr-helper.yaml").write_text("mine\n", encoding="utf-8")
    refused = _migrate("assistants", "--out", str(out))
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == ("Error: 2 files already exist; nothing was written. Pass --force to overwrite them, "
                              f"or choose another --out:\n  {out / 'hr-helper.yaml'}\n  {out / 'weather.yaml'}\n")
    assert sorted(path.name for path in out.iterdir()) == ["hr-helper.yaml", "weather.yaml"]
    assert (out / "weather.yaml").read_text(encoding="utf-8") == "mine\n"
    forced = _migrate("assistants", "--out", str(out), "--force")
    assert forced.exit_code == 0 and sorted(path.name for path in out.iterdir()) == sorted([*AGENT_FILES, "schemas"])
    assert yaml.safe_load((out / "weather.yaml").read_text(encoding="utf-8"))["name"] == "weather"


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_two_files_that_would_be_one_agent_are_refused(tmp_path: Path) -> None:
    source, out = tmp_path / "assistants", tmp_path / "agents"
    _write(source, {"a.yaml": "key: support.bot\nmodel: gpt-4o\n", "b.yaml": "key: support_bot\nmodel: gpt-4o\n"})
    result = _migrate(str(source), "--out", str(out))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {source / 'b.yaml'} (key 'support_bot') and "
                             f"{source / 'a.yaml'} (key 'support.bot') would both become agent "
                             "'support-bot': give one of them another key\n")
    assert not out.exists()


def test_an_invalid_assistant_file_stops_it_with_located_problems(tmp_path: Path) -> None:
    source, out = tmp_path / "assistants", tmp_path / "agents"
    _write(source, {"good.yaml": "model: gpt-4o\n", "bad.yaml": "model: gpt-4o\ntemperature: 9\n"})
    result = _migrate(str(source), "--out", str(out))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{source / 'bad.yaml'}:2:1: temperature: must be at most 2\n1 problem found\n"
    assert not out.exists()
