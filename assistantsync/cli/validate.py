"""`validate`: check assistant and agent files offline, as plan would before it asks the API anything."""

from __future__ import annotations

from pathlib import Path

import click

from assistantsync.cli.options import DEFAULT_PATHS, paths_argument
from assistantsync.cli.output import emit


@click.command(short_help="Check assistant and agent files offline: YAML, schema, references.")
@paths_argument
def validate(paths: tuple[Path, ...]) -> None:
    """Check assistant and agent files offline (YAML, schema, file references); never touches the network."""
    from assistantsync.files.desired import load_desired
    from assistantsync.render.kind_words import counted_resources

    emit(f"{counted_resources(load_desired(paths or DEFAULT_PATHS))} valid")
