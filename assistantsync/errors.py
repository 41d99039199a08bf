"""The few exceptions the tool raises on purpose; each message says what to fix.

Everything a user can cause ends as an AssistantSyncError (exit 1). Anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import click

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2  # only with `plan --detailed-exitcode`


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based (0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, rendered as `FILE:LINE:COL: FIELD.PATH: message`."""

    location: Location
    field: str
    message: str

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.location}: {field}{self.message}"


class AssistantSyncError(click.ClickException):
    """Base of every error the user can fix; click prints it and exits 1."""

    exit_code = EXIT_ERROR


class ValidationFailed(AssistantSyncError):
    """The files are invalid; carries every problem found, sorted."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found")
        super().__init__("\n".join(lines))

    def show(self, file: IO[Any] | None = None) -> None:
        # One problem per line, each starting with FILE:LINE:COL (no "Error: " prefix), so editors
        # and CI annotations can parse them.
        click.echo(self.message, file=file, err=True)
