"""schemas/project.schema.json: written by hand, so held here to the values, the loader and the example."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.paths import REPO, SCHEMAS
from jsonschema import Draft202012Validator

from assistantsync.api.providers import PROVIDERS
from assistantsync.project.file_format import (
    BASE_URL_PATTERN,
    ENV_VARIABLE_PATTERN,
    ENVIRONMENT_PATTERN,
    OVERRIDE_KEY_PATTERN,
    PATTERN_HINTS,
    PROJECT_SCHEMA,
    TOOL_TYPE_PATTERN,
    VARIABLE_PATTERN,
)
from assistantsync.project.loading import load_project
from assistantsync.project.values import Environment, Policy, Project, SecretAllowance
from assistantsync.schema.validate import schema_path

SCHEMA: dict[str, Any] = json.loads((SCHEMAS / PROJECT_SCHEMA).read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]
EXAMPLE = REPO / "examples" / "project" / "assistantsync.yaml"


def _all_dicts(schema: object) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
    for value in schema.values() if isinstance(schema, dict) else schema if isinstance(schema, list) else ():
        yield from _all_dicts(value)


def _objects(schema: object) -> Iterator[dict[str, Any]]:
    return (part for part in _all_dicts(schema) if "properties" in part)


def test_the_schema_is_draft_2020_12_and_found_where_the_others_are() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema_path(PROJECT_SCHEMA) == SCHEMAS / PROJECT_SCHEMA  # as `schema path` finds the others


def test_every_object_is_closed_and_every_property_described() -> None:
    objects = list(_objects(SCHEMA))
    assert len(objects) == 4  # the file, an environment, a policy, an allowed secret
    for schema in objects:
        assert schema["additionalProperties"] is False
        assert all(part.get("description") for part in schema["properties"].values())


# Fields that are not keys of the file: where things were written, and the path and name the loader knows.
NOT_IN_FILE = {"path", "positions", "name", "location", "var_locations", "override_locations"}


@pytest.mark.parametrize(("value", "properties"), [
    (Project, SCHEMA["properties"]),
    (Environment, DEFS["environment"]["properties"]),
    (Policy, DEFS["policy"]["properties"]),
    (SecretAllowance, DEFS["policy"]["properties"]["allow_secrets"]["items"]["properties"]),
], ids=["project", "environment", "policy", "allow-secrets"])
def test_the_values_hold_exactly_the_schemas_properties(value: type, properties: dict[str, Any]) -> None:
    fields = {field.name for field in dataclasses.fields(value)}
    assert fields - NOT_IN_FILE == set(properties)


def test_the_schemas_rules_are_the_loaders() -> None:
    environment = DEFS["environment"]["properties"]
    assert SCHEMA["properties"]["environments"]["propertyNames"]["pattern"] == ENVIRONMENT_PATTERN
    assert environment["vars"]["propertyNames"]["pattern"] == VARIABLE_PATTERN
    assert environment["vars"]["additionalProperties"] == {"type": ["string", "number", "boolean"]}
    # the documents' keys and agents' names (which may hold capitals)
    assert environment["overrides"]["propertyNames"]["pattern"] == OVERRIDE_KEY_PATTERN
    assert environment["provider"]["enum"] == list(PROVIDERS)
    assert environment["base_url"]["pattern"] == BASE_URL_PATTERN
    assert environment["api_key_env"]["pattern"] == ENV_VARIABLE_PATTERN
    assert DEFS["policy"]["properties"]["forbidden_tools"]["items"]["pattern"] == TOOL_TYPE_PATTERN
    patterns = {part["pattern"] for part in _all_dicts(SCHEMA) if "pattern" in part}
    assert patterns == set(PATTERN_HINTS)  # every pattern of its own is worded


@pytest.mark.parametrize(("name", "valid"), [
    ("dev", True), ("prod-eu", True), ("a_1", True), ("a" * 32, True),
    ("Prod", False), ("1dev", False), ("-dev", False), ("a" * 33, False), ("dev\n", False), ("", False),
])
def test_environment_names(name: str, valid: bool) -> None:
    instance: dict[str, Any] = {"environments": {name: {}}}
    assert Draft202012Validator(SCHEMA).is_valid(instance) is valid


@pytest.mark.parametrize(("name", "valid"), [
    ("OPENAI_API_KEY", True), ("_X", True), ("PROD_FOUNDRY_TOKEN2", True),
    ("sk-proj-abc", False), ("ghp_abc", False), ("2X", False), ("eyJhbGciOiJIUzI1NiJ9.e30.x", False), ("A B", False),
])
def test_credential_variable_names(name: str, valid: bool) -> None:
    instance = {"environments": {"dev": {"api_key_env": name}}}
    assert Draft202012Validator(SCHEMA).is_valid(instance) is valid


def test_the_example_is_valid_and_loads() -> None:
    import yaml

    Draft202012Validator(SCHEMA).validate(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    project = load_project(EXAMPLE)
    assert sorted(project.environments) == ["dev", "prod"]
    assert project.policy.schema == (EXAMPLE.parent.resolve() / "policy" / "assistant.policy.json",)


def test_the_example_names_the_schema_for_editors() -> None:
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/project.schema.json"
    assert (EXAMPLE.parent / first.split("=", 1)[1]).resolve() == (SCHEMAS / PROJECT_SCHEMA).resolve()


def test_the_example_shows_every_key() -> None:
    """The README's complete example is this file: it should use every key the schema has."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    used = {key for part in _all_dicts(data) for key in part}
    named = {key for schema in _objects(SCHEMA) for key in schema["properties"]}
    assert named <= used


def test_the_example_path_is_what_the_loader_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLE.parent)
    assert load_project(Path("assistantsync.yaml")).path == Path("assistantsync.yaml")
