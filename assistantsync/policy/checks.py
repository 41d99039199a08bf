"""The policy check the CLI runs before any request: one environment's rules (the project's, plus the
environment's own) on its resolved resources, every violation located, and the report a plan shows.

Also the secret scan's reviewed exceptions (`policy.allow_secrets`) in the form files/prompt_secrets.py takes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.files.documents import DesiredResource
from assistantsync.files.prompt_secrets import AllowedLines
from assistantsync.files.sources import UnreadableFile, read_text
from assistantsync.files.yaml_read import YamlDocument, load_yaml
from assistantsync.json_value import JsonPath, format_path
from assistantsync.kinds.registry import KINDS
from assistantsync.policy.document import by_field, field_at
from assistantsync.policy.report import PolicyReport, kind_counts, policy_rules
from assistantsync.policy.rules import rule_problems
from assistantsync.policy.schema_rule import PolicySchema, SchemaFile, read_schema, schema_problems
from assistantsync.project.values import Environment, Policy, Project, merged_policy
from assistantsync.safe_text import shown


@dataclass(frozen=True)
class PolicyCheck:
    problems: tuple[Problem, ...]  # sorted; file names and values quoted may hold anything: shown escaped
    report: PolicyReport


def environment_policy(project: Project, environment: Environment | None = None) -> Policy:
    """The rules that apply: the project's, with the environment's added."""
    return merged_policy(project.policy, environment.policy) if environment is not None else project.policy


def allowed_secrets(project: Project, environment: Environment | None = None) -> AllowedLines:
    """`allow_secrets` entries as (file, line), each file taken from the project file's folder."""
    folder = project.path.parent
    return frozenset((str(folder / allowed.file), allowed.line)
                     for allowed in environment_policy(project, environment).allow_secrets)


def check_policy(desired: Sequence[DesiredResource], project: Project,
                 environment: Environment | None = None) -> PolicyCheck:
    """Every violation of the policy by `desired` (resolved for `environment`), and the report for the plan."""
    name = environment.name if environment is not None else None
    policy = environment_policy(project, environment)
    places = WrittenPlaces(environment)
    files = _schema_files(project, environment)
    problems = rule_problems(desired, policy, name, places)
    schemas: list[PolicySchema] = []
    for file in files:
        read = read_schema(file)
        if isinstance(read, Problem):
            problems.append(read)
        else:
            schemas.append(read)
    problems.extend(schema_problems(desired, schemas, name, places))
    report = PolicyReport(policy_rules(policy, [file.name for file in files]),
                          kind_counts(resource.kind for resource in desired), not problems, name)
    return PolicyCheck(tuple(sorted(Problem(Location(shown(p.location.path), p.location.line, p.location.column),
                                     shown(p.field), shown(p.message)) for p in problems)), report)


def _schema_files(project: Project, environment: Environment | None) -> list[SchemaFile]:
    """Each policy schema once, with the place the project file names it: the top level's, then the
    environment's."""
    named: list[tuple[Path, JsonPath]] = [(path, ("policy", "schema")) for path in project.policy.schema]
    if environment is not None:
        named += [(path, ("environments", environment.name, "policy", "schema")) for path in environment.policy.schema]
    folder = os.path.realpath(project.path.parent)
    first: dict[Path, JsonPath] = {}
    for path, at in named:
        first.setdefault(path, at)
    return [SchemaFile(path, os.path.relpath(path, folder), project.positions.get(at, Location(str(project.path))),
                       format_path(at)) for path, at in first.items()]


class WrittenPlaces:
    """Where a path of a resource's document was written, finer than its field: the YAML file is read again
    only when a problem needs it (as the secret scan reads lines again), and a value an override set is located
    at the override in the project file."""

    def __init__(self, environment: Environment | None) -> None:
        self._environment = environment
        self._files: dict[str, list[YamlDocument]] = {}

    def __call__(self, resource: DesiredResource, path: JsonPath) -> Location:
        overridden = self._override(resource, path)
        if overridden is not None:
            return overridden
        field = field_at(resource, path)
        depth = len(KINDS[resource.kind].document_path(field)) if field is not None else 0
        document = self._document(resource) if len(path) > depth else None  # a field's own place is known
        for end in range(len(path), depth, -1):  # the nearest part of the value that the file writes
            if document is not None and path[:end] in document.positions.marks:
                return document.positions[path[:end]]
        return by_field(resource, path)

    def _override(self, resource: DesiredResource, path: JsonPath) -> Location | None:
        environment = self._environment
        value: object = environment.overrides.get(resource.key) if environment is not None else None
        if environment is None or value is None or not path:
            return None
        for part in path:
            if not isinstance(value, dict) or part not in value:
                return None if isinstance(value, dict) else environment.override_locations.get(resource.key)
            value = value[part]
        return environment.override_locations.get(resource.key)

    def _document(self, resource: DesiredResource) -> YamlDocument | None:
        file = resource.source.path
        if file not in self._files:
            try:
                self._files[file] = load_yaml(read_text(Path(file)), file)
            except (UnreadableFile, ValidationFailed):  # read a moment ago; gone now: the field's place will do
                self._files[file] = []
        return next((document for document in self._files[file] if document.start == resource.source), None)
