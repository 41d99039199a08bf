"""`validate`: check assistant and agent files offline, as plan would before it asks the API anything."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from assistantsync.cli.options import DEFAULT_PATHS, paths_argument
from assistantsync.cli.output import emit, emit_json, emit_workflow_command
from assistantsync.cli.project_options import chosen, project_options
from assistantsync.errors import EXIT_ERROR, Problem, ValidationFailed


@click.command(short_help="Check assistant and agent files offline: YAML, schema, references.")
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True,
              help="text for a terminal; github: each problem as a GitHub Actions error annotation on stdout; json: "
                   "a list of {file, line, column, field, message} on stdout (and environment, with a project "
                   "file's environments).")
@project_options
def validate(paths: tuple[Path, ...], output_format: str, project_file: str | None, env_name: str | None) -> None:
    """Check assistant and agent files offline (YAML, schema, file references); never touches the network.

    With a project file, also its policy; where it defines environments, in each of them (or the one --env
    names), each problem naming the environment it occurs in.
    """
    from assistantsync.project.environment_problems import validated_environments
    from assistantsync.render.kind_words import counted_resources
    from assistantsync.render.problems import problems_json

    try:
        project, environments = chosen(project_file, env_name, every=True)
    except ValidationFailed as failed:  # the project file's own problems, in the format asked for
        _fail(output_format, list(failed.problems), list(failed.problems), [])
    result = validated_environments(paths or DEFAULT_PATHS, project, environments)
    for warning in result.warnings:
        emit(f"warning: {warning}", err=True)
    if result.problems:
        _fail(output_format, result.shown_problems(), result.problems, result.environments)
    if output_format == "json":
        emit_json(problems_json([]))
    else:
        emit(f"{counted_resources(result.desired)} valid{result.where()}")


def _fail(output_format: str, shown: list[Problem], each: Sequence[Problem],
          environments: Sequence[str | None]) -> NoReturn:
    """Exit 1 with the problems: `shown` (each once, naming its environments) as text or annotations, `each`
    (one per environment, with `environments` in step) as JSON."""
    from assistantsync.render.problems import github_annotations, problems_json

    if output_format == "text":
        raise ValidationFailed(shown)  # the CLI prints them on stderr, one per line
    if output_format == "json":
        emit_json(problems_json(each, environments))
    else:
        for properties, message in github_annotations(shown):
            emit_workflow_command("error", properties, message)
    raise click.exceptions.Exit(EXIT_ERROR)
