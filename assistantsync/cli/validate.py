"""`validate`: check assistant files offline, as plan would before it asks the API anything."""

from __future__ import annotations

from pathlib import Path

import click

from assistantsync.cli.options import DEFAULT_PATHS, paths_argument
from assistantsync.cli.output import emit


@click.command()
@paths_argument
def validate(paths: tuple[Path, ...]) -> None:
    """Check assistant files offline (YAML, schema, file references); never touches the network."""
    from assistantsync.files.desired import load_desired

    assistants = load_desired(paths or DEFAULT_PATHS)
    count = len(assistants)
    emit(f"{count} assistant{'s' if count != 1 else ''} valid")
