"""Every line the CLI prints goes out through here: results, errors, warnings, progress and `-v` lines.

On the way out each text gets the credential mask (every secret the environment and the connection hold),
then the one log-safety rule (safe_text.log_safe): hidden characters escaped, GitHub workflow commands
neutralised. So whatever a file, a live object or a server put into a message, no printed line can be read
as `::add-mask::`, `##[error]` or a terminal control sequence. The one exception is the tool's own workflow
command (`validate --format github`), which only emit_workflow_command writes: it builds the line from its
parts, so its leading `::` is the only one it can hold.

Usage:

    emit(render_plan_text(plan, color=color), nl=False, color=color)
    emit(f"warning: {message}", err=True)
    emit_json(plan_to_json(plan))  # still the same JSON
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO, Any

import click

from assistantsync.api.redaction import known_secrets, redact
from assistantsync.safe_text import json_log_safe, log_safe


def masked(text: str) -> str:
    """`text` with every known credential value shown as `***`."""
    return redact(text, known_secrets(os.environ))


def emit(text: str, *, err: bool = False, nl: bool = True, color: bool = False, file: IO[Any] | None = None) -> None:
    """Print `text` (to stdout, or stderr with `err`, or `file`) masked and log-safe.

    `color`: the text holds the tool's own colour (render/colour.py, used only when stdout is a terminal).
    The rule runs after colouring and keeps exactly the sequences `ansi` writes, matched whole: the renderers
    escape every value before colouring it, so any other escape character here came from data and is escaped.
    """
    keep = None
    if color:
        from assistantsync.render.colour import TOOL_SEQUENCES  # difflib: only when there is colour to keep

        keep = TOOL_SEQUENCES
    click.echo(log_safe(masked(text), keep), file=file, err=err, nl=nl)


def emit_json(text: str) -> None:
    """Print JSON text to stdout masked and log-safe as the same JSON (`json.loads` reads back what was given,
    credentials apart): hidden characters and `##[` become `\\u` escapes, which only strings can hold."""
    click.echo(log_safe(json_log_safe(masked(text))), nl=False)


def emit_workflow_command(command: str, properties: Sequence[tuple[str, str]], message: str) -> None:
    """Print one GitHub workflow command, `::COMMAND NAME=VALUE,...::MESSAGE`, to stdout.

    Built here from its parts rather than taken whole, so no value can start, end or add a command: each
    part is masked, then escaped by GitHub's rules (in property values `%`, CR, LF, `:` and `,`; in the
    message `%`, CR and LF), then the line after the leading `::` goes through the log-safety rule like any
    other (hidden characters shown, `##[` broken). `command` and the property names are the tool's own words.
    """
    listed = ",".join(f"{name}={_property_escaped(masked(value))}" for name, value in properties)
    head = f"{command} {listed}" if listed else command
    click.echo("::" + log_safe(f"{head}::{_message_escaped(masked(message))}"))


def _message_escaped(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property_escaped(text: str) -> str:
    return _message_escaped(text).replace(":", "%3A").replace(",", "%2C")
