"""`validate`: check assistant and agent files offline, as plan would before it asks the API anything."""

from __future__ import annotations

from pathlib import Path

import click

from assistantsync.cli.options import DEFAULT_PATHS, paths_argument
from assistantsync.cli.output import emit, emit_json, emit_workflow_command
from assistantsync.errors import EXIT_ERROR, ValidationFailed


@click.command(short_help="Check assistant and agent files offline: YAML, schema, references.")
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True,
              help="text for a terminal; github: each problem as a GitHub Actions error annotation on stdout; json: "
                   "a list of {file, line, column, field, message} on stdout.")
def validate(paths: tuple[Path, ...], output_format: str) -> None:
    """Check assistant and agent files offline (YAML, schema, file references); never touches the network."""
    from assistantsync.files.desired import load_desired
    from assistantsync.render.kind_words import counted_resources
    from assistantsync.render.problems import github_annotations, problems_json

    try:
        desired = load_desired(paths or DEFAULT_PATHS)
    except ValidationFailed as failed:
        if output_format == "text":
            raise  # the CLI prints its problems on stderr, one per line
        if output_format == "json":
            emit_json(problems_json(failed.problems))
        else:
            for properties, message in github_annotations(failed.problems):
                emit_workflow_command("error", properties, message)
        raise click.exceptions.Exit(EXIT_ERROR) from failed
    if output_format == "json":
        emit_json(problems_json([]))
    else:
        emit(f"{counted_resources(desired)} valid")
