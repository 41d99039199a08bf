"""`validate` over a project's environments: the files checked in each (project/checked_files.py), and every
problem named with the environments it occurs in.

A problem the same in several environments (a schema error in a shared file) is shown once, naming them all,
so a project with ten environments does not print each mistake ten times. The text stays
`FILE:LINE:COL: FIELD: message`, the environments after it, so editors and CI annotations still parse it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistantsync.errors import Problem, ValidationFailed
from assistantsync.files.desired import DesiredResource
from assistantsync.project.checked_files import checked_files
from assistantsync.project.values import Environment, Project
from assistantsync.safe_text import join_words


@dataclass(frozen=True)
class Validated:
    desired: list[DesiredResource]  # the first environment's: each resolves the same files
    problems: list[Problem]  # one per environment it occurs in
    environments: list[str | None]  # the environment of each problem, in step with `problems`
    warnings: list[Problem]
    names: tuple[str, ...]  # the environments checked (none without environments)

    def shown_problems(self) -> list[Problem]:
        """Each problem once, its message ending with the environments it occurs in."""
        found: dict[Problem, list[str]] = {}
        for problem, name in zip(self.problems, self.environments, strict=True):
            found.setdefault(problem, []).extend([name] if name else [])
        return [replace(problem, message=problem.message + _in(names)) if names else problem
                for problem, names in found.items()]

    def where(self) -> str:
        """` in environments dev and prod`, or nothing without environments."""
        return f" in {_named(list(self.names))}" if self.names else ""


def validated_environments(paths: Sequence[Path], project: Project | None,
                           environments: Sequence[Environment | None]) -> Validated:
    """The files checked in each environment; every problem of each, not only of the first that fails."""
    desired: list[DesiredResource] | None = None
    problems: list[Problem] = []
    names: list[str | None] = []
    warnings: list[Problem] = []
    for environment in environments:
        name = environment.name if environment is not None else None
        try:
            files = checked_files(paths, project, environment)
        except ValidationFailed as failed:
            problems.extend(failed.problems)
            names.extend([name] * len(failed.problems))
            continue
        desired = files.desired if desired is None else desired
        warnings.extend(files.warnings)
    checked = tuple(environment.name for environment in environments if environment is not None)
    return Validated(desired or [], problems, names, warnings, checked)


def _in(names: list[str]) -> str:
    return f" ({_named(names)})"


def _named(names: list[str]) -> str:
    return f"environment{'s' if len(names) > 1 else ''} {join_words(names, 'and')}"
