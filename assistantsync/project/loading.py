"""Reading a project file: the hardened YAML reader, the project's JSON Schema, then the values.

Every problem is located as in assistant files (`assistantsync.yaml:4:7: environments.prod.vars.model: ...`),
all of them reported at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.files.sources import UnreadableFile, read_text
from assistantsync.files.yaml_read import YamlDocument, load_yaml
from assistantsync.json_value import JsonObject, JsonPath, format_path
from assistantsync.project.file_format import PATTERN_HINTS, PROJECT_SCHEMA
from assistantsync.project.values import Environment, Policy, Project, SecretAllowance
from assistantsync.schema.validate import SchemaIssue, validate_instance

_SCALAR_TYPES = "must be a string, a number or a boolean, not "
_VAR_HINT = ("; a variable holds one value: lists and mappings belong in the assistant file, or in `overrides` "
             "when they differ per environment")


def load_project(path: Path) -> Project:
    """The project file at `path` (named so in problems); raises ValidationFailed with every problem in it."""
    file = str(path)
    try:
        text = read_text(path)
    except UnreadableFile as error:
        start = Location(file, error.line or 1, error.column or 1)
        raise ValidationFailed([Problem(start, "", f"the project file {error.reason}")]) from error
    documents = load_yaml(text, file)
    if len(documents) > 1:
        raise ValidationFailed([Problem(documents[1].start, "", "a project file holds one YAML document")])
    [document] = documents
    problems = [Problem(document.locate(issue.path), format_path(issue.path), _worded(issue))
                for issue in validate_instance(PROJECT_SCHEMA, document.data)]
    schemas: dict[JsonPath, Path] = {}
    for at, reference in _schema_references(document.data):  # checked even beside schema problems: all at once
        target, reason = _schema_file(reference, path.parent)
        if target is None:
            problems.append(Problem(document.locate(at), format_path(at), f"{reference!r} {reason}"))
        else:
            schemas[at] = target
    if problems:
        raise ValidationFailed(problems)
    return _Builder(document, schemas).project(path)


def _worded(issue: SchemaIssue) -> str:
    """The schema's message in the project's words: its names' rules, and why a variable cannot be a list."""
    message = issue.message
    for pattern, hint in PATTERN_HINTS.items():
        message = message.replace(f"must match the pattern {pattern}", hint)
    if len(issue.path) == 4 and issue.path[2] == "vars" and message.startswith(_SCALAR_TYPES + "a "):
        message += _VAR_HINT
    return message


def _schema_references(data: JsonObject) -> list[tuple[JsonPath, str]]:
    """Each policy's `schema` that is a string, with its path: the top level's, then each environment's."""
    found: list[tuple[JsonPath, Any]] = [(("policy", "schema"), _get(data, "policy", "schema"))]
    environments = data.get("environments")
    if isinstance(environments, dict):
        found += [(("environments", name, "policy", "schema"), _get(part, "policy", "schema"))
                  for name, part in environments.items()]
    return [(at, reference) for at, reference in found if isinstance(reference, str) and reference]


def _get(data: object, *keys: str) -> object:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _schema_file(reference: str, folder: Path) -> tuple[Path | None, str]:
    """The real path of a policy schema, or None and why it cannot be used. It is confined to the project file's
    folder as file references are to theirs (judged on real paths, hidden files refused), so a pull request
    cannot point CI at a file elsewhere."""
    if "\x00" in reference:
        return None, "is not a file path"
    if os.path.isabs(reference):
        return None, "is an absolute path; write it relative to the project file"
    root = Path(os.path.realpath(folder))
    target = Path(os.path.realpath(folder / reference))
    if not target.is_relative_to(root):
        return None, "leads outside the project file's folder: the policy schema must stay inside it"
    hidden = next((part for part in target.relative_to(root).parts if part.startswith(".")), None)
    if hidden is not None:  # .git/config may hold CI's token; .env files hold secrets
        return None, f"leads into the hidden {hidden!r}: the policy schema may not be hidden or in a hidden folder"
    if not target.is_file():
        return None, "is not a file" if target.exists() else "does not exist"
    return target, ""


class _Builder:
    """Values from a document the schema accepted, with the policy schemas' real paths found beforehand."""

    def __init__(self, document: YamlDocument, schemas: Mapping[JsonPath, Path]) -> None:
        self.document, self.schemas = document, schemas

    def project(self, path: Path) -> Project:
        data = self.document.data
        environments = {name: self.environment(name, part)
                        for name, part in data.get("environments", {}).items()}
        return Project(path, environments, self.policy(data.get("policy", {}), ("policy",)),
                       self.document.positions)

    def environment(self, name: str, data: JsonObject) -> Environment:
        at: JsonPath = ("environments", name)
        variables: Mapping[str, Any] = data.get("vars", {})
        overrides: Mapping[str, JsonObject] = data.get("overrides", {})
        return Environment(
            name, dict(variables), dict(overrides), self.policy(data.get("policy", {}), (*at, "policy")),
            data.get("provider"), data.get("base_url"), data.get("api_key_env"), self.document.locate(at),
            {var: self.document.locate((*at, "vars", var)) for var in variables},
            {key: self.document.locate((*at, "overrides", key)) for key in overrides})

    def policy(self, data: JsonObject, at: JsonPath) -> Policy:
        schema = self.schemas.get((*at, "schema"))
        return Policy(tuple(data.get("allowed_models", ())), tuple(data.get("required_metadata", ())),
                      tuple(data.get("forbidden_tools", ())), (schema,) if schema else (),
                      tuple(SecretAllowance(item["file"], item["line"]) for item in data.get("allow_secrets", ())))
