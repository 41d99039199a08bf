"""The exceptions the tool raises on purpose; each message says what to fix.

Everything a user can cause ends as an AssistantSyncError, which the CLI alone turns into one message on
stderr and exit 1 (cli/main.py). Anything else is a bug and keeps its traceback. ApiError, which reads
response bodies, lives with the client (api/errors.py) and derives from the same base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistantsync.safe_text import join_words

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


class AssistantSyncError(Exception):
    """Base of every error the user can fix; `message` is the whole text to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationFailed(AssistantSyncError):
    """The files are invalid; carries every problem found, sorted, one per line of the message."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found")
        super().__init__("\n".join(lines))


class PolicyViolated(ValidationFailed):
    """The files are valid, but break the project file's policy: each violation is a problem, shown alike."""


class ConnectionConfigError(AssistantSyncError):
    """A connection option or variable is unusable; the message says which, never its secret value."""


class MissingCredentials(ConnectionConfigError):
    """Variables a provider needs are not set."""

    def __init__(self, provider: str, missing: Sequence[str]) -> None:
        super().__init__(f"Missing credentials for --provider {provider}: set {join_words(missing, 'and')}")


class StalePlan(AssistantSyncError):
    """The live state moved since the saved plan was made; nothing was written."""

    def __init__(self, reasons: Sequence[str]) -> None:
        lines = "\n".join(f"  {reason}" for reason in reasons)
        super().__init__(f"the saved plan is stale; nothing was applied. Run plan again.\n{lines}")


class AlreadyApplied(AssistantSyncError):
    """A saved plan whose every change is live already, as it would make it: nothing to do, nothing written."""

    def __init__(self) -> None:
        super().__init__("the saved plan was already applied: the live state is what it would make; nothing was "
                         "written")


class OtherTarget(AssistantSyncError):
    """A saved plan made against another API than this apply connects to; nothing was written."""

    def __init__(self, made_for: str, connected: str) -> None:
        super().__init__(f"the saved plan was made against {made_for}, but this apply connects to {connected}; "
                         "nothing was applied. Apply it with the --provider and --base-url it was made with, or "
                         "run plan against this API")


class PlanHasErrors(AssistantSyncError):
    """A plan with errors (key, message) is never applied, not even in part."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        lines = "\n".join(f"  {key}: {message}" for key, message in errors)
        super().__init__(f"the plan has errors; nothing was applied:\n{lines}")


class SandboxStateError(AssistantSyncError):
    """The sandbox's state file exists but is not one this sandbox wrote."""


class FaultConfigError(AssistantSyncError):
    """A sandbox fault plan that does not make sense; the message names the field."""
