"""Files to desired state: load every document, check it against the schema, resolve its file references,
check keys and pinned ids across documents, and report every problem at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from assistantsync.errors import AssistantSyncError, Location, Problem, ValidationFailed
from assistantsync.files.documents import DesiredResource, FileResult, read_files
from assistantsync.files.prompt_secrets import AllowedLines
from assistantsync.files.sources import find_sources
from assistantsync.kinds.registry import KINDS
from assistantsync.safe_text import join_words, shown

__all__ = ["DesiredResource", "load_desired"]


def load_desired(paths: Sequence[Path], root: Path | None = None,
                 allowed_secrets: AllowedLines = frozenset()) -> list[DesiredResource]:
    """The resources declared under `paths` (assistants and agents), sorted by kind and key; raises
    ValidationFailed with every problem found (credential-shaped text included, less `allowed_secrets`: (file,
    line) pairs), and AssistantSyncError when `paths` declare none."""
    sources, problems = find_sources(paths, root)
    files = read_files(sources, allowed_secrets)
    parameter_files = frozenset().union(*(file.parameter_files for file in files))
    kept = [file for file in files if not _is_parameter_schema(file, parameter_files)]
    problems.extend(problem for file in kept for problem in file.problems)
    declared = [assistant for file in kept for assistant in file.assistants]
    # A key taken from the file name is located at the document start, where `key:` would go.
    keyed = [(a.key, at) for a, at, _ in declared if a.key and not _named(a)]
    problems.extend(_clashes("key", "defined", keyed))
    problems.extend(_clashes("name", "defined", [(a.key, a.source) for a, _, _ in declared if a.key and _named(a)]))
    problems.extend(_clashes("id", "pinned", [(a.id, at) for a, _, at in declared if a.id]))
    if problems:  # file names, keys and values quoted in messages may hold anything: print them escaped
        raise ValidationFailed([Problem(Location(shown(p.location.path), p.location.line, p.location.column),
                                        shown(p.field), shown(p.message)) for p in problems])
    if not declared:  # a mistyped PATH in CI must fail, not pass as "0 assistants valid"
        raise AssistantSyncError("no assistant or agent files found under "
                                 + join_words([shown(str(path)) for path in dict.fromkeys(paths)], "and"))
    return sorted((assistant for assistant, _, _ in declared), key=lambda assistant: (assistant.kind, assistant.key))


def _named(resource: DesiredResource) -> bool:
    """Whether the resource's key is its name (an agent's): clashes are between names, located at the document."""
    return KINDS[resource.kind].key_is_id


def _is_parameter_schema(file: FileResult, parameter_files: frozenset[Path]) -> bool:
    """Whether a walked file is a function's parameters_file: data, not an assistant.

    A file with a `model` stays an assistant, so that a mistaken reference cannot make one vanish.
    """
    return not file.source.explicit and file.source.real in parameter_files and not file.has_model


def _clashes(name: str, verb: str, places: list[tuple[str, Location]]) -> list[Problem]:
    """One problem at each place that shares a value with another place, naming the others."""
    by_value: defaultdict[str, list[Location]] = defaultdict(list)
    for value, location in places:
        by_value[value].append(location)
    return [Problem(location, name, f"{name} '{value}' is also {verb} at "
                                    + ", ".join(str(other) for other in locations if other != location))
            for value, locations in by_value.items() if len(locations) > 1 for location in locations]
