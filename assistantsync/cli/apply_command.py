"""`apply`: options, terminal I/O and exit codes around engine.apply_checked; the outcome file. No domain decisions
here: what plan and apply share lives in plan_apply.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistantsync.api.connect import build_client
from assistantsync.api.redaction import known_secrets
from assistantsync.cli.options import DEFAULT_PATHS, connection_options, no_color_option, paths_argument
from assistantsync.cli.output import emit
from assistantsync.cli.plan_apply import (
    print_notices,
    print_warnings,
    progress,
    revision_given,
    revision_option,
    saved_plan,
    say_fetching,
    target_option,
    targeted_files,
    use_color,
)
from assistantsync.cli.project_options import (
    chosen,
    environment_name,
    given_options,
    project_environment,
    project_options,
    with_environment,
)
from assistantsync.errors import EXIT_ERROR, AlreadyApplied, AssistantSyncError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from assistantsync.apply.outcome import Outcome
    from assistantsync.files.desired import DesiredResource
    from assistantsync.plan.changes import Plan
    from assistantsync.project.values import Environment


@click.command(short_help="Make live assistants and agents match the files or a saved plan.")
@paths_argument
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Apply exactly this saved plan (refused whole if the live state moved since).")
@click.option("--auto-approve", is_flag=True, help="Do not ask; required when there is no terminal.")
@click.option("--strict", is_flag=True, help="Also manage fields the files omit, as their API defaults.")
@click.option("--prune", is_flag=True, help="Delete managed assistants and agents that no file describes.")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the outcome as JSON, whatever happened (for a workflow to report).")
@target_option
@revision_option
@no_color_option
@project_options
@connection_options
def apply(paths: tuple[Path, ...], plan_file: Path | None, auto_approve: bool, strict: bool, prune: bool,
          out_file: Path | None, targets: tuple[str, ...], source_revision: str | None, no_color: bool,
          project_file: str | None, env_name: str | None, **connection: Any) -> None:
    """Make the live assistants and agents match the files (or a saved plan)."""
    made: list[Plan] = []  # the plan, once there is one: the outcome file names its errors
    try:
        outcomes = _apply(paths, plan_file, auto_approve, strict, prune, targets, source_revision, no_color, made,
                          (project_file, env_name), connection)
    except AssistantSyncError as error:
        _write_outcome(out_file, made, [], error.message)
        raise
    _write_outcome(out_file, made, outcomes, None)
    if not all(outcome.ok for outcome in outcomes):
        sys.exit(EXIT_ERROR)


def _write_outcome(out_file: Path | None, made: list[Plan], outcomes: list[Outcome], error: str | None) -> None:
    if out_file is None:
        return
    from assistantsync.files.safe_write import write_text_replacing
    from assistantsync.render.outcome_json import outcome_json

    write_text_replacing(out_file, outcome_json(made[0] if made else None, outcomes, error,
                                                known_secrets(os.environ)))


def _apply(paths: tuple[Path, ...], plan_file: Path | None, auto_approve: bool, strict: bool, prune: bool,
           targets: tuple[str, ...], source_revision: str | None, no_color: bool, made: list[Plan],
           project_env: tuple[str | None, str | None], connection: dict[str, Any]) -> list[Outcome]:
    """apply's run: the outcomes of its writes ([] when nothing was to change)."""
    from assistantsync.project.checked_files import checked_files

    if plan_file is not None and (paths or strict or prune or source_revision or targets):
        raise click.UsageError("--plan applies a saved plan as it is: give no PATH, --strict, --prune, --target or "
                               "--source-revision with it")
    revision = revision_given(source_revision) if plan_file is None else None
    color = use_color(no_color)
    saved = None if plan_file is None else saved_plan(plan_file)
    desired: Sequence[DesiredResource] = ()
    if saved is not None:
        environment = _saved_environment(saved, *project_env)
        connection = with_environment(environment, _connection_of(saved, connection), {"provider", "base_url"})
    else:
        project, (environment,) = chosen(*project_env, every=False)
        files = checked_files(paths or DEFAULT_PATHS, project, environment)  # policy too: before any request
        print_warnings(files.warnings)
        desired = targeted_files(files.desired, targets, prune)
        connection = with_environment(environment, connection)
    from concurrent.futures import ThreadPoolExecutor

    from assistantsync.apply.runtime import HeldProgress, awaited, stop_on_signals
    from assistantsync.engine import apply_checked, plan_desired
    from assistantsync.render.text import render_outcomes_text, render_plan_text

    with build_client(**connection) as client, progress(connection["verbose"]) as status:
        if saved is None:
            say_fetching(desired, status)
        result = saved if saved is not None else plan_desired(desired, client, strict=strict, prune=prune,
                                                               revision=revision,
                                                               environment=environment_name(environment))
        status.erase()  # before anything else is printed, here and below: nothing of it stays on screen
        made.append(result)
        print_notices(result, client)
        if not result.has_changes and not result.errors:
            if saved is not None:  # checked against its server all the same: "No changes" must be true there
                apply_checked(result, client, saved=True)
            emit(render_plan_text(result, color=color), nl=False, color=color)
            return []
        ask = not auto_approve and not result.errors  # a plan with errors is refused without asking
        # Approved in advance: the writes start at once and the plan is rendered while they are in flight. Its
        # text still comes first, as always; with -v each write's log line would come before it, so not then.
        overlap = not ask and not connection["verbose"]
        if not overlap:
            emit(render_plan_text(result, color=color), nl=False, color=color)
        if ask:
            _confirm(len(result.pending))
        gate = HeldProgress(len(result.pending), status.show)
        with stop_on_signals(client.stopping, line_start=status.clear) as stop, \
                ThreadPoolExecutor(max_workers=1) as runner:
            writing = runner.submit(apply_checked, result, client, saved=plan_file is not None, stop=stop,
                                    on_done=gate.report)
            if overlap:
                emit(render_plan_text(result, color=color), nl=False, color=color)
            gate.release()
            try:
                outcomes = awaited(writing)
            except AlreadyApplied as done:  # applied twice: not an error, and nothing to write
                status.erase()
                emit(done.message)
                return []
            status.erase()  # the outcomes below are the one line per change
            # Still guarded: a signal now must not lose the summary of what was written.
            emit(render_outcomes_text(outcomes, color=color), nl=False, color=color)
    return outcomes


def _connection_of(saved: Plan, connection: dict[str, Any]) -> dict[str, Any]:
    """The connection options, with the provider and base URL a saved plan was made against where none was given
    (on the command line or in the environment): credentials still come from the environment."""
    from assistantsync.sandbox.location import BASE_URL as EMBEDDED

    given = given_options()
    if saved.provider is None or "provider" in given:
        return connection
    from_plan = {**connection, "provider": saved.provider}
    if "base_url" not in given and saved.target and saved.target != EMBEDDED:  # the embedded one is no URL
        from_plan["base_url"] = saved.target
    return from_plan


def _saved_environment(saved: Plan, project_file: str | None, env_name: str | None) -> Environment | None:
    """The environment a saved plan was made in, from the project file (for its credentials variable); an --env
    naming another is refused. Without a project file, the provider's own credentials variables are read."""
    from assistantsync.project.selection import chosen_name, saved_environment

    saved_environment(saved.environment, chosen_name(env_name, os.environ))
    return project_environment(project_file, saved.environment)


def _confirm(count: int) -> None:
    if not sys.stdin.isatty():
        raise AssistantSyncError("no terminal to confirm on: pass --auto-approve to apply unattended")
    if not click.confirm(f"Apply {count} change{'s' if count != 1 else ''}?", default=False):
        raise AssistantSyncError("apply cancelled; nothing was changed")
