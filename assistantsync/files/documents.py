"""Each YAML file on its own: load it, resolve its references, check every document and make it a
DesiredResource.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.files.environment_vars import from_vars_note
from assistantsync.files.file_format import KEY_PATTERN, slug
from assistantsync.files.overrides import fields_from_vars, in_environment
from assistantsync.files.prompt_secrets import AllowedLines, secret_problems
from assistantsync.files.references import Reading, Resolved, resolve_references
from assistantsync.files.sources import SourceFile, load_file
from assistantsync.files.yaml_read import YamlDocument
from assistantsync.json_value import JsonObject, JsonPath, format_path
from assistantsync.kinds.kind import ResourceKind
from assistantsync.kinds.registry import DEFAULT_KIND, KINDS
from assistantsync.project.values import Environment
from assistantsync.schema.validate import validate_instance

FILE_ONLY_FIELDS = ("key", "id")  # the file format's own fields; never sent to the API
_RENAMED = {"instructions_file": "instructions"}  # references and the API field they become


@dataclass(frozen=True)
class DesiredResource:
    """One resource as its file declares it; `fields` holds only the API fields the document declares."""

    key: str
    id: str | None
    source: Location  # the start of its document
    fields: JsonObject  # in the kind's view (ResourceKind.document_fields)
    field_sources: Mapping[str, Location] = field(default_factory=dict, compare=False)
    kind: str = DEFAULT_KIND.name
    # Field -> the environment's variables its value came from (files/overrides.py), for messages about it.
    var_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)


class FieldSources(Mapping[str, Location]):
    """Where each field of a document was written, kept as one flat tuple and made into Locations when asked
    for: a dict of Locations per assistant weighed on a large plan's memory."""

    __slots__ = ("_file", "_flat")

    def __init__(self, file: str, places: Iterable[tuple[str, int, int]]) -> None:
        self._file = file
        self._flat = tuple(part for place in places for part in place)  # name, line, column, name, ...

    def __getitem__(self, name: str) -> Location:
        for index in range(0, len(self._flat), 3):
            if self._flat[index] == name:
                return Location(self._file, int(self._flat[index + 1]), int(self._flat[index + 2]))
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (str(name) for name in self._flat[::3])

    def __len__(self) -> int:
        return len(self._flat) // 3


@dataclass(frozen=True)
class FileResult:
    """One YAML file, read and checked on its own (its documents are not kept): what the checks across
    files need of it."""

    source: SourceFile
    assistants: Sequence[tuple[DesiredResource, Location, Location]]  # each with where its key and id are
    problems: Sequence[Problem]  # of the file and of each of its documents
    parameter_files: frozenset[Path]  # where its function tools' parameters_file references point
    has_model: bool  # some document declares a model


@dataclass(frozen=True)
class _Entry:
    source: SourceFile
    document: YamlDocument
    resolved: Resolved
    documents_in_file: int
    var_uses: Mapping[JsonPath, tuple[str, ...]]  # where the environment's variables were used in the document
    var_notes: Mapping[str, str]  # a field's path -> what a problem about its value adds: the variables it holds


def read_files(sources: Sequence[SourceFile], allowed_secrets: AllowedLines = frozenset(),
               environment: Environment | None = None) -> list[FileResult]:
    """Every file read and checked on its own, in order; `allowed_secrets`: see files/prompt_secrets.py. With an
    `environment`, each document is resolved for it first (files/overrides.py); without, files are as written."""
    reading = Reading()
    return [_read(source, reading, allowed_secrets, environment) for source in sources]


def _read(source: SourceFile, reading: Reading, allowed_secrets: AllowedLines,
          environment: Environment | None) -> FileResult:
    """Load, resolve and check the documents of one file; a file that is a parameters_file is judged later."""
    try:
        documents = load_file(source)
    except ValidationFailed as failed:
        return FileResult(source, (), failed.problems, frozenset(), has_model=False)
    problems: list[Problem] = []
    assistants = []
    parameter_files: set[Path] = set()
    for written in documents:
        document, uses = written, {}
        if environment is not None:
            resolving = in_environment(written, source.path.stem if len(documents) == 1 else "", environment)
            document, uses = resolving.document, dict(resolving.uses)
            problems.extend(resolving.problems)
        resolved = resolve_references(document, source, reading, environment)
        parameter_files.update(target for reference, target in resolved.files.items()
                               if reference[-1] == "parameters_file")
        uses.update(resolved.var_uses)
        notes = _var_notes(uses, environment)
        assistant = _check(_Entry(source, document, resolved, len(documents), uses, notes), problems)
        problems.extend(Problem(p.location, p.field, p.message + notes.get(p.field, ""))
                        for p in secret_problems(document, resolved, source, allowed_secrets, frozenset(uses)))
        assistants.append((assistant, document.locate(("key",)), document.locate(("id",))))
    return FileResult(source, assistants, problems, frozenset(parameter_files),
                 has_model=any(_declares_model(document.data) for document in documents))


def _declares_model(data: JsonObject) -> bool:
    definition = data.get("definition")
    return "model" in data or (isinstance(definition, dict) and "model" in definition)


def kind_of(data: JsonObject) -> ResourceKind | str:
    """The document's kind, or why its `kind:` names none (documents without one are assistants)."""
    if "kind" not in data:
        return DEFAULT_KIND
    named = data["kind"]
    found = KINDS.get(named) if isinstance(named, str) and named != DEFAULT_KIND.name else None
    if found is None:
        return (f"must be 'agent' (a Foundry agent), or left out for an assistant; not {str(named)[:40]!r}")
    return found


def _check(entry: _Entry, problems: list[Problem]) -> DesiredResource:
    """The document as a DesiredResource, reporting its schema, reference and key problems on the way."""
    document, data = entry.document, entry.document.data
    kind = kind_of(data)
    if isinstance(kind, str):
        problems.append(Problem(document.locate(("kind",)), "kind", kind))
        return DesiredResource("", None, document.start, {})
    problems.extend(Problem(document.locate(issue.path), field, issue.message + entry.var_notes.get(field, ""))
                    for issue in validate_instance(kind.schema_file, data) for field in [format_path(issue.path)])
    problems.extend(entry.resolved.problems)
    if kind.key_is_id:  # its name is its key: the schema checks it, and `key`/`id` are no fields of its format
        name = data.get("name")
        key, pinned = (name if isinstance(name, str) else ""), None
    else:
        key, pinned = _key(entry, problems), data.get("id")
    resolved = kind.document_fields(entry.resolved.data)
    fields = {name: value for name, value in resolved.items() if name not in FILE_ONLY_FIELDS or kind.key_is_id}
    # Field sources stay in the YAML file (plans read its lines), a field an override sets at the document start.
    in_file = YamlDocument(data, document.start, document.positions)
    sources = FieldSources(document.start.path, ((name, at.line, at.column) for name in fields
                                                 for at in [_located(in_file, kind, name)]))
    var_fields = fields_from_vars(entry.var_uses, {name: kind.document_path(name) for name in (*fields, "key", "id")})
    return DesiredResource(key, pinned if isinstance(pinned, str) else None, document.start, fields, sources,
                           kind.name, var_fields)


def _var_notes(uses: Mapping[JsonPath, tuple[str, ...]], environment: Environment | None) -> dict[str, str]:
    """What a problem about a value holding variables adds (from_vars_note), by the value's path."""
    return {format_path(path): from_vars_note(names, environment.name)
            for path, names in uses.items()} if environment is not None else {}


def _located(document: YamlDocument, kind: ResourceKind, field: str) -> Location:
    """Where a field is written: at its key, or at the `*_file` reference it was read from."""
    path = kind.document_path(field)
    reference = (*path[:-1], f"{path[-1]}_file")
    if path[-1] in _RENAMED.values() and reference in document.positions.marks:
        return document.locate(reference)
    return document.locate(path)


def _key(entry: _Entry, problems: list[Problem]) -> str:
    """The declared key, else the file name's stem for a single-document file; "" when there is none."""
    declared = entry.document.data.get("key")
    if "key" in entry.document.data:
        return declared if isinstance(declared, str) else ""  # the schema reports a malformed key
    start = entry.document.start
    if entry.documents_in_file > 1:
        problems.append(Problem(start, "key", "required in a file that holds several documents: add `key: <name>`"))
        return ""
    stem = entry.source.path.stem
    if re.fullmatch(KEY_PATTERN, stem):
        return stem
    suggestion = slug(stem) or "my-assistant"  # as import would name it
    problems.append(Problem(start, "key", f"the file name '{stem}' cannot be the key (1-64 lowercase letters, "
                                          f"digits, '.', '_' or '-'): set one, e.g. `key: {suggestion}`"))
    return ""
