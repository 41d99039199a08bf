"""The policy's custom JSON Schemas: each file read as a parameter file is (size cap, UTF-8, JSON only), and
every resolved document (policy/document.py) validated against each.

A schema validates with the draft its `$schema` declares (2020-12 when it declares none), format checking off
(formats are annotations by default, and their checkers depend on which optional packages are installed: a
policy must not pass on one machine and fail on another). It must be self-contained: `$ref`s resolve only within
the file, so validating never reads another file or the network, whatever a pull request writes there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from assistantsync.errors import Location, Problem
from assistantsync.files.documents import DesiredResource
from assistantsync.files.parameter_files import parse_json  # the parameter files' strict JSON reading
from assistantsync.files.sources import UnreadableFile, read_text
from assistantsync.files.yaml_read import MAX_DEPTH
from assistantsync.json_value import depth_exceeds, format_path
from assistantsync.policy.document import Locate, by_field, resolved_document, var_note

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

MAX_MESSAGE_CHARS = 300  # jsonschema quotes the failing value whole: an instructions text would fill the screen


@dataclass(frozen=True)
class SchemaFile:
    """A policy schema to read: its real path, its name as messages show it, and where the project names it."""

    path: Path
    name: str  # relative to the project file's folder, as written there
    written_at: Location
    field: str  # `policy.schema` or `environments.NAME.policy.schema`


@dataclass(frozen=True)
class PolicySchema:
    """A policy schema read and checked: the file, and the validator of the draft it declares."""

    file: SchemaFile
    validator: Validator


def read_schema(file: SchemaFile) -> PolicySchema | Problem:
    """The schema, or the located problem that makes it unusable."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for
    from referencing import Registry

    try:
        schema = parse_json(read_text(file.path))
    except UnreadableFile as error:
        return _broken(file, error.reason)
    if not isinstance(schema, dict):
        return _broken(file, "must hold a JSON Schema object")
    if depth_exceeds(schema, MAX_DEPTH):
        return _broken(file, f"is nested more than {MAX_DEPTH} levels deep")
    declared = schema.get("$schema", "")
    draft: Any = validator_for(schema, default=cast(Any, None)) if "$schema" in schema else Draft202012Validator
    if draft is None:
        return _broken(file, f"declares an unknown $schema {str(declared)[:100]!r}: name a JSON Schema draft")
    try:
        draft.check_schema(schema)
    except SchemaError as error:
        where = format_path(tuple(error.absolute_path))
        return _broken(file, f"is not a valid JSON Schema at {where}: {_cut(error.message)}")
    # An empty registry: no remote or file `$ref` is ever fetched.
    return PolicySchema(file, draft(schema, registry=Registry()))


def schema_problems(desired: Sequence[DesiredResource], schemas: Sequence[PolicySchema],
                    environment: str | None = None, locate: Locate = by_field) -> list[Problem]:
    """Every violation of each schema by each resolved document, at the value when the path was written, else at
    the document start; one problem at the project file for a schema whose `$ref` leads out of it."""
    from referencing.exceptions import Unresolvable

    problems: list[Problem] = []
    for schema in schemas:
        try:
            for resource in desired:
                for error in schema.validator.iter_errors(resolved_document(resource)):
                    path = tuple(error.absolute_path)
                    problems.append(Problem(locate(resource, path), format_path(path),
                                            f"policy: {schema.file.name}: {_cut(error.message)}"
                                            f"{var_note(resource, path, environment)}"))
        except Unresolvable as error:
            problems.append(_broken(schema.file, f"has a $ref that does not resolve within it ({_cut(error.ref)!r}): "
                                                 "a policy schema must be self-contained"))
    return problems


def _broken(file: SchemaFile, reason: str) -> Problem:
    return Problem(file.written_at, file.field, f"policy: the schema file {file.name!r} {reason}")


def _cut(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS - 1] + "…"
