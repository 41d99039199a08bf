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
from assistantsync.json_value import format_path
from assistantsync.kinds.registry import KINDS
from assistantsync.project.values import Environment
from assistantsync.safe_text import join_words, shown

__all__ = ["DesiredResource", "load_desired", "unused_variables"]


def load_desired(paths: Sequence[Path], root: Path | None = None, allowed_secrets: AllowedLines = frozenset(),
                 environment: Environment | None = None) -> list[DesiredResource]:
    """The resources declared under `paths` (assistants and agents), sorted by kind and key; raises
    ValidationFailed with every problem found (credential-shaped text included, less `allowed_secrets`: (file,
    line) pairs), and AssistantSyncError when `paths` declare none. With an `environment`, its variables and
    overrides are resolved first (files/overrides.py), and an override for no declared key is a problem; without
    one, files load exactly as written. unused_variables() gives the warnings about the environment."""
    sources, problems = find_sources(paths, root)
    files = read_files(sources, allowed_secrets, environment)
    parameter_files = frozenset().union(*(file.parameter_files for file in files))
    kept = [file for file in files if not _is_parameter_schema(file, parameter_files)]
    problems.extend(problem for file in kept for problem in file.problems)
    declared = [assistant for file in kept for assistant in file.assistants]
    # A key taken from the file name is located at the document start, where `key:` would go.
    keyed = [(a.key, at) for a, at, _ in declared if a.key and not _named(a)]
    problems.extend(_clashes("key", "defined", keyed))
    problems.extend(_clashes("name", "defined", [(a.key, a.source) for a, _, _ in declared if a.key and _named(a)]))
    problems.extend(_clashes("id", "pinned", [(a.id, at) for a, _, at in declared if a.id]))
    if environment is not None:
        problems.extend(_unknown_overrides(environment, {a.key for a, _, _ in declared}))
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


def _unknown_overrides(environment: Environment, keys: set[str]) -> list[Problem]:
    """One problem per override whose key no document has: a typo there would silently change nothing."""
    import difflib  # only for a project with a mistake

    problems = []
    for key in environment.overrides:
        if key not in keys:
            close = difflib.get_close_matches(key, sorted(keys), n=1, cutoff=0.75)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(environment.override_locations.get(key, environment.location),
                                    format_path(("environments", environment.name, "overrides", key)),
                                    f"no assistant or agent has the key '{key}'{guess}"))
    return problems


def unused_variables(environment: Environment, resources: Sequence[DesiredResource]) -> list[Problem]:
    """A warning at each variable of `environment` that no resource's value (prompt files that opt in included)
    used: a variable left over, or one a file meant to use under another name."""
    used = {name for resource in resources for names in resource.var_fields.values() for name in names}
    return [Problem(environment.var_locations.get(name, environment.location),
                    format_path(("environments", environment.name, "vars", name)),
                    f"variable '{name}' of environment '{environment.name}' is used by no file")
            for name in environment.vars if name not in used]
