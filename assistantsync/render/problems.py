"""The problems of invalid files for machines: as GitHub annotations (`validate --format github`) and as JSON
(`validate --format json`). The text format is ValidationFailed's own message.

Usage:

    for properties, message in github_annotations(failed.problems):
        emit_workflow_command("error", properties, message)
    emit_json(problems_json(failed.problems))
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from assistantsync.errors import Problem

TITLE = "assistantsync"  # the annotation's title on the pull request's files


def github_annotations(problems: Sequence[Problem]) -> list[tuple[list[tuple[str, str]], str]]:
    """Each problem as the properties and message of an `::error` command; line and column only when known."""
    return [(_properties(problem), _with_field(problem)) for problem in problems]


def _properties(problem: Problem) -> list[tuple[str, str]]:
    at = problem.location
    place = [("line", str(at.line)), ("col", str(at.column))] if at.line else []
    return [("file", at.path), *place, ("title", TITLE)]


def _with_field(problem: Problem) -> str:
    return f"{problem.field}: {problem.message}" if problem.field else problem.message


def problems_json(problems: Sequence[Problem], environments: Sequence[str | None] = ()) -> str:
    """A JSON list of {file, line, column, field, message}; line and column are null when unknown, and field is
    null for a problem with the whole file. With `environments` (in step with `problems`), each entry also names
    the project environment it occurs in (`environment`, null for none)."""
    entries: list[dict[str, object]] = [
        {"file": p.location.path, "line": p.location.line or None, "column": p.location.column or None,
         "field": p.field or None, "message": p.message} for p in problems]
    if any(environments):
        for entry, name in zip(entries, environments, strict=True):
            entry["environment"] = name
    return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
