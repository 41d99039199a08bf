"""`plan` and `show` with `--format markdown` print a whole comment even when they fail.

A CI recipe posts whatever stdout holds as the pull request's one plan comment; printing nothing on failure
would leave the previous push's plan up, as if it still held. So an error the user can fix is rendered as a
failure comment on stdout, then raised on as before: the same message on stderr (cli/main.py) and exit 1.

Usage (closest to the function, under click's decorators, so it receives click's keyword arguments):

    @click.command()
    @format_option
    @comment_on_failure
    def plan(..., output_format: str, ...) -> None: ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import ParamSpec

from assistantsync.cli.output import emit, masked
from assistantsync.errors import AssistantSyncError

P = ParamSpec("P")


def comment_on_failure(command: Callable[P, None]) -> Callable[P, None]:
    """`command`, printing the failure comment for an AssistantSyncError when its output_format is markdown."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except AssistantSyncError as error:
            if kwargs.get("output_format") == "markdown":
                from assistantsync.render.markdown_failure import failure_of, render_failure_markdown

                failure = failure_of(error)
                # Masked before the renderer cuts a long line, so no cut can leave part of a credential unmasked.
                failure = replace(failure, lines=tuple(masked(line) for line in failure.lines),
                                  environment=_environment(kwargs["env_name"]) if "env_name" in kwargs else None)
                emit(render_failure_markdown(failure), nl=False)
            raise

    return run


def _environment(flag: object) -> str | None:
    """The environment the run was asked for, for the heading; only a well-formed name (it is printed as is)."""
    import os
    import re

    from assistantsync.project.file_format import ENVIRONMENT_PATTERN
    from assistantsync.project.selection import chosen_name

    name = chosen_name(flag if isinstance(flag, str) else None, os.environ)
    return name if name is not None and re.match(ENVIRONMENT_PATTERN, name) else None
