"""`plan`, `apply` and `show`: options, terminal I/O and exit codes around engine.py. No domain decisions here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistantsync.api.connect import build_client
from assistantsync.api.redaction import known_secrets
from assistantsync.cli.options import DEFAULT_PATHS, connection_options, format_option, no_color_option, paths_argument
from assistantsync.cli.output import emit, emit_json
from assistantsync.errors import EXIT_CHANGES, EXIT_ERROR, AlreadyApplied, AssistantSyncError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from assistantsync.api.client import ResourceClient
    from assistantsync.apply.outcome import Outcome
    from assistantsync.files.desired import DesiredResource
    from assistantsync.plan.changes import Plan


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def progress(message: str) -> None:
    """Progress for long work, on stderr and only for a person at a terminal: never in pipes or CI logs."""
    if sys.stderr.isatty() and not os.environ.get("CI"):
        emit(message, err=True)


def _saved_plan(path: Path) -> Plan:
    from assistantsync.plan.saved import plan_from_json
    from assistantsync.plan.saved_check import UnverifiedPlan, forged_problems

    plan = plan_from_json(path.read_text(encoding="utf-8"), str(path))
    problems = forged_problems(plan)  # so `show` displays exactly what `apply --plan` would send
    if problems:
        raise UnverifiedPlan(problems)
    return plan


def render(plan: Plan, output_format: str, no_color: bool) -> str:
    from assistantsync.plan.saved import plan_to_json
    from assistantsync.render.markdown import render_plan_markdown
    from assistantsync.render.text import render_plan_text

    if output_format == "json":
        return plan_to_json(plan, known_secrets(os.environ))
    if output_format == "markdown":
        return render_plan_markdown(plan)
    return render_plan_text(plan, color=use_color(no_color))


def _print_plan(text: str, output_format: str, no_color: bool) -> None:
    """`render`'s text printed: JSON kept the same JSON, text with the colour `render` gave it."""
    if output_format == "json":
        emit_json(text)
    else:
        emit(text, nl=False, color=output_format == "text" and use_color(no_color))


def _revision(given: str | None) -> str | None:
    from assistantsync.plan.revision import source_revision

    try:
        return source_revision(given, os.environ)
    except ValueError as error:
        raise AssistantSyncError(str(error)) from error


def _fetching(desired: Sequence[DesiredResource]) -> None:
    from assistantsync.render.kind_words import counted_resources

    progress(f"Fetching live state to compare with {counted_resources(desired)} in files...")


def _notices(plan: Plan, client: ResourceClient) -> None:
    from assistantsync.engine import notices

    for line in notices(plan, client):
        emit(line, err=True)


target_option = click.option(
    "--target", "targets", multiple=True, metavar="KEY",
    help="Plan only the assistant (key) or agent (name) KEY; repeatable. Not with --prune.")


def _targeted(desired: Sequence[DesiredResource], targets: tuple[str, ...], prune: bool) -> list[DesiredResource]:
    from assistantsync.files.targets import targeted

    if targets and prune:
        raise click.UsageError("--target narrows a run to some files, and --prune deletes what no file describes: "
                               "together they would delete every other managed resource; use one or the other")
    return targeted(desired, targets)


revision_option = click.option(
    "--source-revision", metavar="COMMIT",
    help="The git commit recorded in what is written (default: $GITHUB_SHA or $CI_COMMIT_SHA, if set).")


@click.command()
@paths_argument
@click.option("--strict", is_flag=True, help="Also manage fields the files omit, as their API defaults.")
@click.option("--prune", is_flag=True, help="Plan deleting managed assistants and agents that no file describes.")
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), help="Save the plan as JSON.")
@format_option
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 2 when the plan has any change or drift (0: none, 1: error).")
@target_option
@revision_option
@no_color_option
@connection_options
def plan(paths: tuple[Path, ...], strict: bool, prune: bool, out_file: Path | None, output_format: str,
         detailed_exitcode: bool, targets: tuple[str, ...], source_revision: str | None, no_color: bool,
         **connection: Any) -> None:
    """Show what apply would change, without changing anything."""
    from assistantsync.files.desired import load_desired

    desired = load_desired(paths or DEFAULT_PATHS)  # before credentials: a fork's PR still sees its file errors
    desired = _targeted(desired, targets, prune)
    from assistantsync.engine import plan_desired
    from assistantsync.plan.saved import plan_to_json

    saved = out_file is not None or output_format == "json"
    revision = _revision(source_revision)
    with build_client(**connection) as client:
        _fetching(desired)
        result = plan_desired(desired, client, strict=strict, prune=prune, revision=revision)
        _notices(result, client)
    # Made once, for the file and for --format json; a credential a server echoed in a live value is masked.
    as_json = plan_to_json(result, known_secrets(os.environ)) if saved else ""
    if out_file is not None:
        from assistantsync.files.safe_write import write_text_replacing

        write_text_replacing(out_file, as_json)  # a symlink committed at that path is replaced, not followed
    _print_plan(as_json if output_format == "json" else render(result, output_format, no_color), output_format,
                no_color)
    if result.errors:
        sys.exit(EXIT_ERROR)
    if detailed_exitcode and result.has_changes:
        sys.exit(EXIT_CHANGES)


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
@connection_options
def apply(paths: tuple[Path, ...], plan_file: Path | None, auto_approve: bool, strict: bool, prune: bool,
          out_file: Path | None, targets: tuple[str, ...], source_revision: str | None, no_color: bool,
          **connection: Any) -> None:
    """Make the live assistants and agents match the files (or a saved plan)."""
    made: list[Plan] = []  # the plan, once there is one: the outcome file names its errors
    try:
        outcomes = _apply(paths, plan_file, auto_approve, strict, prune, targets, source_revision, no_color, made,
                          connection)
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
           connection: dict[str, Any]) -> list[Outcome]:
    """apply's run: the outcomes of its writes ([] when nothing was to change)."""
    from assistantsync.files.desired import load_desired

    if plan_file is not None and (paths or strict or prune or source_revision or targets):
        raise click.UsageError("--plan applies a saved plan as it is: give no PATH, --strict, --prune, --target or "
                               "--source-revision with it")
    revision = _revision(source_revision) if plan_file is None else None
    color = use_color(no_color)
    saved = None if plan_file is None else _saved_plan(plan_file)
    if saved is not None:
        connection = _connection_of(saved, connection)
    desired = _targeted(load_desired(paths or DEFAULT_PATHS), targets, prune) if saved is None else ()
    from concurrent.futures import ThreadPoolExecutor

    from assistantsync.apply.runtime import HeldProgress, awaited, stop_on_signals
    from assistantsync.engine import apply_checked, plan_desired
    from assistantsync.render.text import render_outcomes_text, render_plan_text

    with build_client(**connection) as client:
        if saved is None:
            _fetching(desired)
        result = saved if saved is not None else plan_desired(desired, client, strict=strict, prune=prune,
                                                               revision=revision)
        made.append(result)
        _notices(result, client)
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
        gate = HeldProgress(len(result.pending), progress)
        with stop_on_signals(client.stopping) as stop, ThreadPoolExecutor(max_workers=1) as runner:
            writing = runner.submit(apply_checked, result, client, saved=plan_file is not None, stop=stop,
                                    on_done=gate.report)
            if overlap:
                emit(render_plan_text(result, color=color), nl=False, color=color)
            gate.release()
            try:
                outcomes = awaited(writing)
            except AlreadyApplied as done:  # applied twice: not an error, and nothing to write
                emit(done.message)
                return []
            # Still guarded: a signal now must not lose the summary of what was written.
            emit(render_outcomes_text(outcomes, color=color), nl=False, color=color)
    return outcomes


def _connection_of(saved: Plan, connection: dict[str, Any]) -> dict[str, Any]:
    """The connection options, with the provider and base URL a saved plan was made against where none was given
    (on the command line or in the environment): credentials still come from the environment."""
    from click.core import ParameterSource

    from assistantsync.sandbox.location import BASE_URL as EMBEDDED

    context = click.get_current_context()
    given = {name for name in ("provider", "base_url") if context.get_parameter_source(name) not in
             (ParameterSource.DEFAULT, None)}
    if saved.provider is None or "provider" in given:
        return connection
    chosen = {**connection, "provider": saved.provider}
    if "base_url" not in given and saved.target and saved.target != EMBEDDED:  # the embedded one is no URL
        chosen["base_url"] = saved.target
    return chosen


def _confirm(count: int) -> None:
    if not sys.stdin.isatty():
        raise AssistantSyncError("no terminal to confirm on: pass --auto-approve to apply unattended")
    if not click.confirm(f"Apply {count} change{'s' if count != 1 else ''}?", default=False):
        raise AssistantSyncError("apply cancelled; nothing was changed")


@click.command(short_help="Render a saved plan offline, e.g. as a pull-request comment.")
@click.argument("plan_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@format_option
@no_color_option
def show(plan_file: Path, output_format: str, no_color: bool) -> None:
    """Render a saved plan (plan --out) without credentials or network, e.g. as a pull-request comment."""
    _print_plan(render(_saved_plan(plan_file), output_format, no_color), output_format, no_color)
