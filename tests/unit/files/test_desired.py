from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.paths import TESTS as TESTS_DIR
from helpers.tree import write

from assistantsync.cli.main import cli
from assistantsync.errors import Location, ValidationFailed
from assistantsync.files.desired import DesiredResource, load_desired

CASES = TESTS_DIR / "cases"
VALID = sorted((CASES / "valid").glob("*.yaml"))
INVALID = sorted(path for path in (CASES / "invalid").iterdir() if path.is_dir())



def problems(paths: list[Path], root: Path | None = None) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        load_desired(paths, root)
    return [str(problem) for problem in failed.value.problems]




@pytest.mark.parametrize("case", VALID, ids=[path.stem for path in VALID])
def test_valid_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case.parent)
    loaded = [{"key": a.key, "id": a.id, "source": str(a.source), "fields": a.fields}
              for a in load_desired([Path(case.name)])]
    assert loaded == json.loads(case.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", INVALID, ids=[path.name for path in INVALID])
def test_invalid_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case.parent)
    assert problems([Path(case.name)]) == (case / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_the_valid_cases_load_together_and_a_referenced_yaml_file_is_not_an_assistant(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "valid")
    keys = [assistant.key for assistant in load_desired([Path(".")])]
    assert keys == sorted(keys)
    assert "lookup_order" not in keys  # schemas/lookup_order.yaml is every-field's parameters_file


def test_a_walked_yaml_parameters_file_is_data_unless_named_or_holding_a_model(in_tmp: Path) -> None:
    reference = "tools: [{type: function, function: {name: f, parameters_file: %s}}]\n"
    write(in_tmp / "a.yaml", "model: x\n" + reference % "p.yaml")
    write(in_tmp / "p.yaml", "type: object\n")
    assert [a.key for a in load_desired([Path(".")])] == ["a"]
    assert [a.key for a in load_desired([Path("."), Path("p.yaml")])] == ["a"]  # the walk found it first
    assert problems([Path("p.yaml"), Path(".")]) == [
        "p.yaml:1:1: <document>: required field 'model' is missing",
        "p.yaml:1:1: type: unknown field 'type' (allowed: description, id, instructions, instructions_file, key, "
        "metadata, model, name, reasoning_effort, response_format, temperature, tool_resources, tools, top_p)",
    ]
    (in_tmp / "p.yaml").unlink()
    write(in_tmp / "a.yaml", "model: x\n" + reference % "b.yaml")  # a mistake must not hide the assistant b
    write(in_tmp / "b.yaml", "model: y\n")
    assert [a.key for a in load_desired([Path(".")])] == ["a", "b"]


def test_fields_hold_exactly_the_declared_api_fields(in_tmp: Path) -> None:
    write(in_tmp / "prompts/p.md", "Be brief.\n")
    write(in_tmp / "helper.yml", "# comment\nid: asst_1\nmodel: gpt-4o\ninstructions_file: prompts/p.md\n"
                                 "tools: []\nmetadata: {}\n")
    [assistant] = load_desired([Path("helper.yml")])
    assert assistant == DesiredResource(
        key="helper", id="asst_1", source=Location("helper.yml", 2, 1),
        fields={"model": "gpt-4o", "instructions": "Be brief.\n", "tools": [], "metadata": {}})
    assert dict(assistant.field_sources) == {
        "model": Location("helper.yml", 3, 1), "instructions": Location("helper.yml", 4, 1),
        "tools": Location("helper.yml", 5, 1), "metadata": Location("helper.yml", 6, 1)}


def test_assistants_come_sorted_by_key(in_tmp: Path) -> None:
    write(in_tmp / "a/zeta.yaml", "model: x\n")
    write(in_tmp / "b/team.yaml", "key: mid\nmodel: x\n---\nkey: alpha\nmodel: x\n")
    assert [a.key for a in load_desired([Path("a"), Path("b")])] == ["alpha", "mid", "zeta"]


@pytest.mark.parametrize(("stem", "suggestion"), [
    ("Café Støre_Bot", "cafe-store_bot"),  # accents dropped, as import names its files
    ("-Über-", "uber"),
    ("???", "my-assistant"),
    ("x" * 70, "x" * 64),
])
def test_a_file_name_that_cannot_be_the_key_suggests_the_key_import_would_choose(in_tmp: Path, stem: str,
                                                                                  suggestion: str) -> None:
    write(in_tmp / f"{stem}.yaml", "model: gpt-4o\n")
    assert problems([in_tmp])[0].endswith(f"set one, e.g. `key: {suggestion}`")


def test_a_symlink_leading_outside_the_root_is_refused(in_tmp: Path) -> None:
    write(in_tmp / "secret.txt", "password")
    write(in_tmp / "assistants/a.yaml", "model: x\ninstructions_file: prompts/p.md\n")
    (in_tmp / "assistants/prompts").mkdir()
    (in_tmp / "assistants/prompts/p.md").symlink_to(in_tmp / "secret.txt")
    assert problems([Path("assistants")]) == [
        "assistants/a.yaml:2:1: instructions_file: 'prompts/p.md' is a symlink to a file outside assistants: "
        "file references must stay inside the folder being loaded"]


def test_an_explicit_root_confines_references(in_tmp: Path) -> None:
    write(in_tmp / "shared/p.md", "Shared.")
    write(in_tmp / "assistants/a.yaml", "model: x\ninstructions_file: ../shared/p.md\n")
    assert [a.fields["instructions"] for a in load_desired([Path("assistants")], root=Path("."))] == ["Shared."]
    assert problems([Path("assistants")]) == [
        "assistants/a.yaml:2:1: instructions_file: '../shared/p.md' leads outside assistants: "
        "file references must stay inside the folder being loaded"]


def test_problems_across_files_are_all_reported_once(in_tmp: Path) -> None:
    write(in_tmp / "a.yaml", "key: same\nmodel: x\nmodel: y\n")
    write(in_tmp / "b.yaml", "key: same\nmodel: x\ntemperature: 9\n")
    write(in_tmp / "c.yaml", "key: same\nmodel: x\n")
    assert problems([Path(".")]) == [
        "a.yaml:3:1: model: duplicate key 'model' (first at line 2): YAML would silently keep only the last one",
        "b.yaml:1:1: key: key 'same' is also defined at c.yaml:1:1",
        "b.yaml:3:1: temperature: must be at most 2",
        "c.yaml:1:1: key: key 'same' is also defined at b.yaml:1:1",
    ]


def test_a_missing_path_is_reported_with_the_others(in_tmp: Path) -> None:
    write(in_tmp / "a.yaml", "name: x\n")
    assert problems([Path("a.yaml"), Path("missing")]) == [
        "a.yaml:1:1: <document>: required field 'model' is missing", "missing: no such file or folder"]


def test_cli_reports_located_problems_on_stderr_and_exits_1(monkeypatch: pytest.MonkeyPatch,
                                                            no_network: None) -> None:
    monkeypatch.chdir(CASES / "invalid")
    result = CliRunner().invoke(cli, ["validate", "duplicate-pinned-id", "tool-field-typo"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[1:] == [
        "duplicate-pinned-id/b.yaml:2:1: id: id 'asst_abc123' is also pinned at duplicate-pinned-id/a.yaml:1:1",
        "tool-field-typo/assistant.yaml:5:7: tools[0].file_search.max_results: unknown field 'max_results' "
        "(did you mean 'max_num_results'? allowed: max_num_results, ranking_options)",
        "tool-field-typo/assistant.yaml:6:5: tools[1].type: must be one of: code_interpreter, file_search, function",
        "4 problems found",
    ]
    assert result.stderr.splitlines()[0].endswith(
        "duplicate-pinned-id/a.yaml:1:1: id: id 'asst_abc123' is also pinned at duplicate-pinned-id/b.yaml:2:1")
