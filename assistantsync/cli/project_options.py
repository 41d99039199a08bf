"""`--project FILE` and `--env NAME`, shared by validate, plan, apply and import: the project file loaded and the
environments chosen (project/selection.py decides), and the connection options an environment fills in.

Usage:

    @click.command()
    @project_options
    def plan(project_file: Path | None, env_name: str | None, ...) -> None:
        project, environments = chosen(project_file, env_name, every=False)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from assistantsync.project.values import Environment, Project

F = TypeVar("F", bound=Callable[..., Any])

_PROJECT = click.option("--project", "project_file", metavar="FILE",
                        help="The project file (environments, policy); default: $ASSISTANTSYNC_PROJECT, else "
                             "./assistantsync.yaml if there is one.")
_ENV = click.option("--env", "env_name", metavar="NAME",
                    help="The project's environment to use (also: ASSISTANTSYNC_ENV).")


def project_options(command: F) -> F:
    """Add --project and --env; the command receives them as project_file and env_name."""
    return _PROJECT(_ENV(command))


def chosen(project_file: str | None, env_name: str | None, *,
           every: bool) -> tuple[Project | None, tuple[Environment | None, ...]]:
    """The project file (None without one) and the environments to run in (see environments_to_run)."""
    from assistantsync.project.finding import project_path
    from assistantsync.project.loading import load_project
    from assistantsync.project.selection import chosen_name, environments_to_run

    path = project_path(project_file, os.environ, Path.cwd())
    project = load_project(path) if path is not None else None
    return project, environments_to_run(project, chosen_name(env_name, os.environ), every=every)


def project_environment(project_file: str | None, name: str | None) -> Environment | None:
    """The environment `name` of the project file, if there is a file and it defines one of that name."""
    from assistantsync.project.finding import project_path
    from assistantsync.project.loading import load_project

    if name is None:
        return None
    path = project_path(project_file, os.environ, Path.cwd())
    return load_project(path).environments.get(name) if path is not None else None


def given_options() -> set[str]:
    """The connection options the command line or their variables gave (so an environment does not replace
    them)."""
    from click.core import ParameterSource

    context = click.get_current_context()
    return {name for name in ("provider", "base_url")
            if context.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)}


def with_environment(environment: Environment | None, connection: dict[str, Any],
                     given: set[str] | None = None) -> dict[str, Any]:
    """The connection options with what `environment` names where no option gave it."""
    from assistantsync.project.selection import environment_connection

    return environment_connection(environment, connection, given_options() if given is None else given)


def environment_name(environment: Environment | None) -> str | None:
    return environment.name if environment is not None else None
