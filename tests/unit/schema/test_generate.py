"""Schema generation from the committed spec extracts (both specs), and the committed schemas it writes."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers.assistant_samples import REALISTIC_ASSISTANT, file_search_tool
from helpers.json_pairs import key_value_pairs
from helpers.paths import REPO
from jsonschema import Draft202012Validator

from assistantsync.cli.main import cli
from assistantsync.errors import AssistantSyncError
from assistantsync.schema.generate import generate_schemas, write_schemas

# Structure-only extracts of the two specs (spec/README.md): the tests need nothing outside the repository.
OPENAI_SPEC = REPO / "spec" / "assistants-openapi.extract.yaml"
PORTKEY_SPEC = REPO / "spec" / "assistants-openapi.portkey.extract.yaml"
CREATE, DELETE = "create-assistant-request.schema.json", "delete-assistant-response.schema.json"
SCHEMA_NAMES = sorted(["assistant-object.schema.json", "assistant.schema.json", CREATE, DELETE,
                       "list-assistants-response.schema.json", "modify-assistant-request.schema.json"])
# The assistants spec's schemas; agent.schema.json comes from the agents spec (test_agent_schema.py), and
# project.schema.json is written by hand (tests/unit/project/test_schema.py).
COMMITTED = sorted(p for p in (REPO / "schemas").glob("*.schema.json")
                   if p.name not in ("agent.schema.json", "project.schema.json"))
M = {"model": "gpt-4o"}


# --- the committed files -----------------------------------------------------------------------------


def test_committed_schemas_are_what_the_generator_writes() -> None:
    generated = generate_schemas(OPENAI_SPEC)
    assert sorted(generated) == [path.name for path in COMMITTED] == SCHEMA_NAMES
    for path in COMMITTED:
        assert path.read_bytes() == generated[path.name].encode("utf-8"), f"regenerate {path.name}"


def test_readme_regeneration_command_writes_the_committed_schemas(tmp_path: Path) -> None:
    """The command in README.md's "Schemas" section, run from the repository root, into a scratch folder."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Schemas\n", 1)[1].split("\n## ", 1)[0]
    [command] = re.findall(r"^assistantsync (schema generate .*)$", section, flags=re.MULTILINE)
    args = shlex.split(command)
    assert args[:3] == ["schema", "generate", "--spec"] and args[4:] == ["--out", "schemas"]
    result = CliRunner().invoke(cli, [*args[:3], str(REPO / args[3]), "--out", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == "".join(f"{tmp_path / name}\n" for name in SCHEMA_NAMES)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {p.name: p.read_bytes() for p in COMMITTED}


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_schema_holds_no_examples_or_vendor_keys(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    keys = {k for k, _ in key_value_pairs(schema)}
    assert not {k for k in keys if k.startswith("x-")}
    assert not keys & {"example", "examples", "deprecated", "nullable", "format"}


def test_spec_prose_never_reaches_the_schemas(tmp_path: Path) -> None:
    """The extracts hold no prose, so put some back: every schema and property gets text; nothing changes."""
    spec = yaml.safe_load(OPENAI_SPEC.read_text(encoding="utf-8"))
    prose = {"description": "SPEC PROSE", "title": "SPEC TITLE", "example": "SPEC", "examples": ["SPEC"],
             "x-oaiMeta": {"name": "SPEC"}, "externalDocs": {"url": "https://spec.test"}}
    for operation in (op for item in spec["paths"].values() for op in item.values()):
        operation.update({"summary": "SPEC SUMMARY", "description": "SPEC PROSE", "x-oaiMeta": {"name": "SPEC"}})
    for schema in spec["components"]["schemas"].values():
        schema.update(prose)
        for field in (schema.get("properties") or {}).values():
            field.update(prose)
    with_prose = tmp_path / "with-prose.yaml"
    with_prose.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    assert generate_schemas(with_prose) == generate_schemas(OPENAI_SPEC)


def test_yaml_anchors_read_as_the_nodes_they_share(tmp_path: Path) -> None:
    """Portkey's full spec shares nodes through YAML anchors; each place still gets its own schema."""
    spec = yaml.safe_load(OPENAI_SPEC.read_text(encoding="utf-8"))
    create, modify = (spec["components"]["schemas"][name]["properties"]
                      for name in ("CreateAssistantRequest", "ModifyAssistantRequest"))
    for field in ("description", "metadata", "temperature", "tools"):
        modify[field] = create[field]  # equal already: sharing them changes nothing but the text
    shared = tmp_path / "shared.yaml"
    shared.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    assert shared.read_text(encoding="utf-8").count("*id00") == 4
    assert generate_schemas(shared) == generate_schemas(OPENAI_SPEC)


# --- generation ------------------------------------------------------------------------------------


def test_write_schemas_creates_the_folder_and_returns_sorted_paths(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "schemas"
    written = write_schemas(OPENAI_SPEC, out)
    assert written == [out / name for name in SCHEMA_NAMES]
    assert all(path.read_text(encoding="utf-8").endswith("}\n") for path in written)


@pytest.mark.parametrize(("text", "message"), [
    (None, "cannot read OpenAPI spec"),
    ("openapi: 3.1.0\ninfo: {title: x}\n", "is not an OpenAPI document: it has no paths"),
    ("openapi: 3.1.0\npaths: {/pets: {}}\n", "has no JSON request body for POST /assistants"),
    ("[unclosed\n", "cannot read OpenAPI spec"),
], ids=["missing", "no-paths", "no-assistants", "bad-yaml"])
def test_generate_rejects_what_is_not_an_assistants_spec(
    tmp_path: Path, text: str | None, message: str,
) -> None:
    spec = tmp_path / "spec.yaml"
    if text is not None:
        spec.write_text(text, encoding="utf-8")
    with pytest.raises(AssistantSyncError, match=message):
        generate_schemas(spec)


def test_portkey_spec_generates_usable_schemas(tmp_path: Path) -> None:
    """Portkey's 3.0 spec: `nullable` (also beside a $ref), fewer features."""
    written = write_schemas(PORTKEY_SPEC, tmp_path)
    assert [p.name for p in written] == SCHEMA_NAMES
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in written}
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schemas["assistant.schema.json"])

    def errors(**fields: object) -> list[tuple[str, str]]:
        found = validator.iter_errors({**M, **fields})
        return sorted((".".join(map(str, e.absolute_path)), str(e.validator)) for e in found)

    assert errors(**REALISTIC_ASSISTANT) == []
    assert errors(response_format=None, metadata=None) == []  # `nullable` beside a $ref is honoured
    assert errors(response_format="none") == []  # Portkey also allows "none"
    assert errors(tools=[file_search_tool(max_results=5)]) == [("tools.0.file_search", "additionalProperties")]
    assert errors(temprature=1) == [("", "additionalProperties")]
    assert errors(metadata={"assistantsync_key": "x"}) == [("metadata", "not")]
    assert errors(metadata={"n": 1}) == [("metadata.n", "type")]
    # What Portkey lacks (spec-notes §14): the json_schema format, reasoning_effort, ranking_options.
    assert errors(response_format={"type": "json_schema"}) == [("response_format.type", "enum")]
    assert errors(reasoning_effort="low") == [("", "additionalProperties")]
    ranking = file_search_tool(ranking_options={"score_threshold": 0.5})
    assert errors(tools=[ranking]) == [("tools.0.file_search", "additionalProperties")]


def test_both_specs_give_the_same_shape_where_they_agree() -> None:
    openai, portkey = generate_schemas(OPENAI_SPEC), generate_schemas(PORTKEY_SPEC)
    assert json.loads(openai[DELETE])["properties"] == json.loads(portkey[DELETE])["properties"]
    shared = ("name", "description", "instructions", "metadata", "temperature", "top_p")
    own = ("key", "id", "instructions_file", "tool_resources")
    for name, fields in [("assistant.schema.json", shared + own), (CREATE, shared)]:  # vector_stores differ
        ours, theirs = json.loads(openai[name])["properties"], json.loads(portkey[name])["properties"]
        for field in fields:
            assert ours[field] == theirs[field], (name, field)
