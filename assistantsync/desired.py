"""Files to desired state: load every document, check it against the schema, resolve its file references,
check keys and pinned ids across documents, and report every problem at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistantsync.config import SourceFile, find_sources, load_file
from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.jsontypes import JsonObject, format_path
from assistantsync.references import Reading, Resolved, resolve_references
from assistantsync.safe_text import shown
from assistantsync.schema import validate_assistant
from assistantsync.schema_gen import KEY_PATTERN
from assistantsync.yaml_loader import YamlDocument

FILE_ONLY_FIELDS = ("key", "id")  # the file format's own fields; never sent to the API
_RENAMED = {"instructions_file": "instructions"}  # top-level references and the API field they become


@dataclass(frozen=True)
class DesiredAssistant:
    """One assistant as the files declare it; `fields` holds only the API fields the document declares."""

    key: str
    id: str | None
    source: Location  # the start of its document
    fields: JsonObject
    field_sources: Mapping[str, Location] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class _File:
    source: SourceFile
    documents: Sequence[YamlDocument]
    problems: Sequence[Problem]


@dataclass(frozen=True)
class _Entry:
    source: SourceFile
    document: YamlDocument
    resolved: Resolved
    documents_in_file: int


def load_desired(paths: Sequence[Path], root: Path | None = None) -> list[DesiredAssistant]:
    """The assistants declared under `paths`, sorted by key; raises ValidationFailed with every problem found."""
    sources, problems = find_sources(paths, root)
    files = [_load(source) for source in sources]
    reading = Reading()
    entries = [_Entry(file.source, document, resolve_references(document, file.source, reading), len(file.documents))
               for file in files for document in file.documents]
    parameter_files = {target for entry in entries for reference, target in entry.resolved.files.items()
                       if reference[-1] == "parameters_file"}
    data_files = {file.source.real for file in files if _is_parameter_schema(file, parameter_files)}
    problems.extend(problem for file in files if file.source.real not in data_files for problem in file.problems)
    kept = [entry for entry in entries if entry.source.real not in data_files]
    assistants = [_check(entry, problems) for entry in kept]
    declared = list(zip(assistants, [entry.document for entry in kept], strict=True))
    # A key taken from the file name is located at the document start, where `key:` would go.
    problems.extend(_clashes("key", "defined", [(a.key, doc.locate(("key",))) for a, doc in declared if a.key]))
    problems.extend(_clashes("id", "pinned", [(a.id, doc.locate(("id",))) for a, doc in declared if a.id]))
    if problems:  # file names, keys and values quoted in messages may hold anything: print them escaped
        raise ValidationFailed([Problem(Location(shown(p.location.path), p.location.line, p.location.column),
                                        shown(p.field), shown(p.message)) for p in problems])
    return sorted(assistants, key=lambda assistant: assistant.key)


def _load(source: SourceFile) -> _File:
    try:
        return _File(source, load_file(source), ())
    except ValidationFailed as failed:
        return _File(source, (), failed.problems)


def _is_parameter_schema(file: _File, parameter_files: set[Path]) -> bool:
    """Whether a walked file is a function's parameters_file: data, not an assistant.

    A file with a `model` stays an assistant, so that a mistaken reference cannot make one vanish.
    """
    return (not file.source.explicit and file.source.real in parameter_files
            and not any("model" in document.data for document in file.documents))


def _check(entry: _Entry, problems: list[Problem]) -> DesiredAssistant:
    """The document as a DesiredAssistant, reporting its schema, reference and key problems on the way."""
    document, data = entry.document, entry.document.data
    problems.extend(Problem(document.locate(issue.path), format_path(issue.path), issue.message)
                    for issue in validate_assistant(data))
    problems.extend(entry.resolved.problems)
    key = _key(entry, problems)
    pinned = data.get("id")
    fields = {name: value for name, value in entry.resolved.data.items() if name not in FILE_ONLY_FIELDS}
    sources = {_RENAMED.get(name, name): document.locate((name,)) for name in data if name not in FILE_ONLY_FIELDS}
    return DesiredAssistant(key, pinned if isinstance(pinned, str) else None, document.start, fields, sources)


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
    suggestion = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-")[:64] or "my-assistant"
    problems.append(Problem(start, "key", f"the file name '{stem}' cannot be the key (1-64 lowercase letters, "
                                          f"digits, '.', '_' or '-'): set one, e.g. `key: {suggestion}`"))
    return ""


def _clashes(name: str, verb: str, places: list[tuple[str, Location]]) -> list[Problem]:
    """One problem at each place that shares a value with another place, naming the others."""
    by_value: defaultdict[str, list[Location]] = defaultdict(list)
    for value, location in places:
        by_value[value].append(location)
    return [Problem(location, name, f"{name} '{value}' is also {verb} at "
                                    + ", ".join(str(other) for other in locations if other != location))
            for value, locations in by_value.items() if len(locations) > 1 for location in locations]
