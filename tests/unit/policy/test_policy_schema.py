"""The policy's custom JSON Schemas, end to end from real files: documents passing and failing (located at the
value, at an override, or at the document start), and every way a schema file can be unusable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import Location
from assistantsync.files.desired import load_desired
from assistantsync.files.sources import MAX_FILE_BYTES
from assistantsync.policy.checks import allowed_secrets, check_policy
from assistantsync.policy.schema_rule import PolicySchema, SchemaFile, read_schema
from assistantsync.project.loading import load_project

HOUSE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["description", "metadata"],
    "properties": {"description": {"type": "string", "minLength": 20},
                   "metadata": {"type": "object", "required": ["owner"]},
                   "contact": {"type": "string", "format": "email"}},
}
PROJECT = """\
environments:
  dev:
    vars: {model: gpt-4o-mini}
  prod:
    vars: {model: gpt-4o}
    overrides:
      hr-helper: {description: Short}
policy:
  schema: policy/house.json
"""
HR = """\
model: ${{ vars.model }}
description: Answers questions about the handbook.
metadata:
  owner: hr-team
"""
SHORT = """\
model: gpt-4o
description: Too short
"""
AGENT = """\
kind: agent
name: helper
description: Helps with anything the team asks.
metadata: {owner: it}
definition:
  kind: prompt
  model: gpt-4o
  instructions: Be brief.
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # problems name files as the user names them
    write(tmp_path / "assistantsync.yaml", PROJECT)
    write(tmp_path / "policy/house.json", json.dumps(HOUSE))
    write(tmp_path / "assistants/hr-helper.yaml", HR)
    write(tmp_path / "assistants/helper.yaml", AGENT)
    return tmp_path


def checked(environment: str | None = "dev") -> list[str]:
    project = load_project(Path("assistantsync.yaml"))
    chosen = project.environments[environment] if environment else None
    desired = load_desired([Path("assistants")], environment=chosen)
    return [str(problem) for problem in check_policy(desired, project, chosen).problems]


def test_documents_that_satisfy_the_schema_pass(repo: Path) -> None:
    assert checked() == []


def test_each_violation_is_located_at_the_value_or_the_document_start(repo: Path) -> None:
    write(repo / "assistants/short.yaml", SHORT)
    assert checked() == [
        "assistants/short.yaml:1:1: <document>: policy: policy/house.json: 'metadata' is a required property",
        "assistants/short.yaml:2:1: description: policy: policy/house.json: 'Too short' is too short",
    ]


def test_a_value_from_an_override_is_located_at_the_override(repo: Path) -> None:
    assert checked("prod") == [
        "assistantsync.yaml:7:7: description: policy: policy/house.json: 'Short' is too short"]


def test_an_agent_is_seen_in_its_file_shape_and_a_variable_is_named(repo: Path) -> None:
    write(repo / "policy/house.json", json.dumps({
        "properties": {"model": {"const": "gpt-4o"},
                       "definition": {"properties": {"model": {"const": "gpt-4.1"}}}}}))
    assert checked() == [
        "assistants/helper.yaml:7:3: definition.model: policy: policy/house.json: 'gpt-4.1' was expected",
        "assistants/hr-helper.yaml:1:1: model: policy: policy/house.json: 'gpt-4o' was expected "
        "(from vars.model of environment 'dev')",
    ]


def test_the_declared_draft_is_used(repo: Path) -> None:
    tuple_items = {"properties": {"definition": {"properties": {"tools": {"items": [{"type": "object"}]}}}}}
    write(repo / "policy/house.json", json.dumps({"$schema": "http://json-schema.org/draft-07/schema#",
                                                  **tuple_items}))
    assert checked() == []  # an array of `items` is draft 7's tuple form; 2020-12 refuses it (below)
    write(repo / "policy/house.json", json.dumps(tuple_items))
    assert checked() == ["assistantsync.yaml:9:3: policy.schema: policy: the schema file 'policy/house.json' is not "
                         "a valid JSON Schema at properties.definition.properties.tools.items: [{'type': 'object'}] "
                         "is not of type 'object', 'boolean'"]


@pytest.mark.parametrize(("content", "reason"), [
    ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
    ('{"type": "object", "type": "array"}', "has the key 'type' twice in one object"),
    ("[]", "must hold a JSON Schema object"),
    ('{"type": 12}', "is not a valid JSON Schema at type: 12 is not valid under any of the given schemas"),
    ('{"$schema": "https://example.com/mine"}',
     "declares an unknown $schema 'https://example.com/mine': name a JSON Schema draft"),
    ('{"$ref": "https://example.com/remote.json"}',
     "has a $ref that does not resolve within it ('https://example.com/remote.json'): a policy schema must be "
     "self-contained"),
    (b"\xff{}", "is not UTF-8 text (byte 0xff)"),
    ("{}" + " " * MAX_FILE_BYTES, f"is larger than the limit of {MAX_FILE_BYTES} bytes (1 MiB)"),
])
def test_an_unusable_schema_is_located_in_the_project_file(repo: Path, content: str | bytes, reason: str) -> None:
    write(repo / "policy/house.json", content)
    assert checked() == [f"assistantsync.yaml:9:3: policy.schema: policy: the schema file 'policy/house.json' "
                         f"{reason}"]


def test_format_checking_is_off(repo: Path) -> None:
    write(repo / "assistants/hr-helper.yaml", HR + "  contact: not-an-email\n")
    write(repo / "policy/house.json", json.dumps({"properties": {"metadata": {"properties": {
        "contact": {"type": "string", "format": "email"}}}}}))
    assert checked() == []


def test_an_environment_schema_adds_to_the_top_level_one(repo: Path) -> None:
    write(repo / "policy/prod.json", json.dumps({"properties": {"temperature": {"maximum": 0.5}}}))
    with_schema = PROJECT.replace("  prod:\n", "  prod:\n    policy: {schema: policy/prod.json}\n")
    write(repo / "assistantsync.yaml", with_schema)
    write(repo / "assistants/hr-helper.yaml", HR + "temperature: 0.9\n")
    assert checked("prod") == [
        "assistants/hr-helper.yaml:5:1: temperature: policy: policy/prod.json: 0.9 is greater than the maximum of 0.5",
        "assistantsync.yaml:8:7: description: policy: policy/house.json: 'Short' is too short",
    ]


def test_allowed_secrets_are_taken_from_the_project_folder(repo: Path) -> None:
    write(repo / "assistantsync.yaml", PROJECT + "  allow_secrets: [{file: prompts/a.md, line: 3}]\n")
    assert allowed_secrets(load_project(Path("assistantsync.yaml"))) == frozenset({("prompts/a.md", 3)})


def test_the_example_projects_schema_is_usable() -> None:
    example = Path(__file__).resolve().parents[3] / "examples/project/policy/assistant.policy.json"
    read = read_schema(SchemaFile(example, "policy/assistant.policy.json", Location("assistantsync.yaml"), "policy"))
    assert isinstance(read, PolicySchema)
    assert type(read.validator).__name__ == "Draft202012Validator"
