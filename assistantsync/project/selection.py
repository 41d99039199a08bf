"""Which environment a run uses, and what it takes from it: the decisions behind `--project` and `--env`.

Pure: the CLI passes the flags, the environment variables and which connection options were given, and gets
back the environments to run in and the connection to use. Without a project file nothing changes: one run,
in no environment, with the connection the options give.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistantsync.errors import AssistantSyncError
from assistantsync.project.values import Environment, Project
from assistantsync.safe_text import join_words

ENV_VARIABLE = "ASSISTANTSYNC_ENV"


class EnvironmentChoice(AssistantSyncError):
    """No environment, or one the project file does not define, where one is needed."""


def chosen_name(flag: str | None, environ: Mapping[str, str]) -> str | None:
    """The environment named by `--env`, else by ASSISTANTSYNC_ENV; None when neither names one (empty is unset)."""
    return flag or environ.get(ENV_VARIABLE) or None


def environments_to_run(project: Project | None, name: str | None, *, every: bool) -> tuple[Environment | None, ...]:
    """The environments a command runs in: the one named, else every one when `every` (validate), else none
    when the project defines none. Commands that talk to an API cannot guess: with environments defined and
    none named, they are refused before any request, listing the names. `(None,)`: one run in no environment."""
    if project is None:
        if name is not None:
            raise EnvironmentChoice(f"--env {name} (or {ENV_VARIABLE}) needs a project file that defines it, and "
                                    "there is none: no assistantsync.yaml here, no --project, no ASSISTANTSYNC_PROJECT")
        return (None,)
    defined = project.environments
    if name is not None:
        if name not in defined:
            raise EnvironmentChoice(f"unknown environment {name!r}: {_defines(project)}")
        return (defined[name],)
    if not defined:
        return (None,)
    if every:
        return tuple(defined.values())
    raise EnvironmentChoice(f"{_defines(project)}: choose one with --env NAME (or {ENV_VARIABLE}); nothing was sent")


def _defines(project: Project) -> str:
    names = list(project.environments)
    if not names:
        return f"the project file {project.path} defines no environments"
    return f"the project file {project.path} defines {join_words(names, 'and')}"


def environment_connection(environment: Environment | None, connection: Mapping[str, Any],
                           given: set[str]) -> dict[str, Any]:
    """The connection options with the environment's provider and base URL where no option (nor its variable)
    gave them, and its `api_key_env`. Options win. The environment's base URL and credentials variable are its
    provider's: when an option picks another provider, they are left out, so `--provider sandbox` never sends
    to the environment's real endpoint with its real credential."""
    chosen = dict(connection)
    if environment is None:
        return chosen
    if environment.provider is not None and "provider" not in given:
        chosen["provider"] = environment.provider
    if environment.provider is not None and chosen["provider"] != environment.provider:
        return chosen
    if environment.base_url is not None and "base_url" not in given:
        chosen["base_url"] = environment.base_url
    if environment.api_key_env is not None:
        chosen["api_key_env"] = environment.api_key_env
    return chosen


def saved_environment(made_in: str | None, name: str | None) -> None:
    """Refuse to apply or show a saved plan in another environment than the one it records: its identities are
    that environment's. Naming none follows the plan."""
    if name is not None and name != made_in:
        made = f"environment {made_in}" if made_in else "no environment"
        raise EnvironmentChoice(f"the saved plan was made in {made}, and --env (or {ENV_VARIABLE}) names {name}: "
                                "apply it in the environment it was made in, or plan again; nothing was applied")
