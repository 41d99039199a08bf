"""The Markdown comment for a plan that could not be made at all. Pure: returns a string.

`plan --format markdown` prints a whole comment whatever happens, so a pull request never keeps the previous
push's plan as if it still held: the marker line (CI finds the one comment to update by it), a heading
`failed: N errors`, what failed, each error on its own line, and what to fix. Every error line is a code span
(render/markdown_text.py), as a plan's own errors are, so no file name, field or server message can close a
tag, open a comment or mention anyone; the list is cut to the budget with `… and N more`.

Usage:

    emit(render_failure_markdown(failure_of(error)), nl=False)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistantsync.api.errors import ApiError
from assistantsync.errors import (
    AssistantSyncError,
    ConnectionConfigError,
    MissingCredentials,
    PolicyViolated,
    ValidationFailed,
)
from assistantsync.render.markdown import DEFAULT_MAX_CHARS, MARKER, MIN_MAX_CHARS, failed_heading
from assistantsync.render.markdown_fit import code_span
from assistantsync.render.markdown_text import capped, short

MAX_LINE_CHARS = 1_000  # one error line; a whole problem (with its list of allowed fields) fits
FILES = "The files are invalid; nothing was planned."
FILES_FIX = ("correct each problem at the `file:line:column` it names (`assistantsync validate` lists the same), "
             "then push again.")
POLICY = "The files break the project's policy; nothing was planned."
POLICY_FIX = ("change each value the violation names (at its `file:line:column`; `assistantsync validate` lists "
              "the same), or the policy in the project file, then push again.")
CREDENTIALS = "The files are valid, but the plan could not read the live state: credentials are missing."
CREDENTIALS_FIX = ("set the variables the error names (in CI: as the repository's secrets; a pull request from a "
                   "fork is given none), then run again.")
CONNECTION = "The files are valid, but the connection settings are unusable."
CONNECTION_FIX = "correct the option or variable the error names, then run again."
UNREACHABLE = "The files are valid, but the API could not be reached; nothing was planned."
UNREACHABLE_FIX = ("check `--base-url` (or the provider's endpoint variable) and that the API is reachable from "
                   "where the plan runs, then run again.")
REFUSED = "The files are valid, but the API refused these credentials; nothing was planned."
REFUSED_FIX = "check the key or token and what it may access, then run again."
API = "The API answered with an error; nothing was planned."
API_FIX = "do what the error says, then run again (a 429 or a 5xx may pass on its own)."
OTHER = "No plan could be shown: the run stopped at the error below."
OTHER_FIX = "do what the error says, then run again."


@dataclass(frozen=True)
class Failure:
    """What stopped a plan: `what` failed (a sentence), the error `lines` (plain text, from files or servers),
    what to `fix` (a sentence, Markdown), and how many `errors` the heading counts."""

    what: str
    lines: tuple[str, ...]
    fix: str
    errors: int = 1  # a message of several lines is one error; each problem of invalid files is one
    environment: str | None = None  # the project environment the plan was for: named in the heading


def failure_of(error: AssistantSyncError) -> Failure:
    """The failure an error stands for: one line per problem of invalid files, else the message's lines."""
    if isinstance(error, PolicyViolated):
        return Failure(POLICY, tuple(str(problem) for problem in error.problems), POLICY_FIX, len(error.problems))
    if isinstance(error, ValidationFailed):
        return Failure(FILES, tuple(str(problem) for problem in error.problems), FILES_FIX, len(error.problems))
    lines = tuple(line.strip() for line in error.message.splitlines() if line.strip())
    if isinstance(error, MissingCredentials):
        return Failure(CREDENTIALS, lines, CREDENTIALS_FIX)
    if isinstance(error, ConnectionConfigError):
        return Failure(CONNECTION, lines, CONNECTION_FIX)
    if isinstance(error, ApiError) and error.status is None:
        return Failure(UNREACHABLE, lines, UNREACHABLE_FIX)
    if isinstance(error, ApiError) and error.status in (401, 403):
        return Failure(REFUSED, lines, REFUSED_FIX)
    if isinstance(error, ApiError):
        return Failure(API, lines, API_FIX)
    return Failure(OTHER, lines, OTHER_FIX)


def render_failure_markdown(failure: Failure, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The failure as a whole comment of at most `max_chars` characters."""
    if max_chars < MIN_MAX_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_MAX_CHARS}")
    head = f"{MARKER}\n{failed_heading(failure.errors, failure.environment)}**❌ {failure.what}**\n\n"
    tail = f"\n\n**To fix:** {failure.fix}\n"
    return head + _listed(failure.lines, max_chars - len(head) - len(tail)) + tail


def _listed(lines: Sequence[str], limit: int) -> str:
    items = [f"- {code_span(short(line, MAX_LINE_CHARS))}" for line in lines]
    return "\n".join(capped(items, limit, lambda n: f"- … and {n:,} more (the command's error output lists all)"))
