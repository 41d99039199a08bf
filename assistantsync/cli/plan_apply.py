"""`plan` and `show`, and what `apply` (apply_command.py) shares with them: options, terminal I/O and exit codes
around engine.py. No domain decisions here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistantsync.api.connect import build_client
from assistantsync.api.redaction import known_secrets
from assistantsync.cli.failure_comment import comment_on_failure
from assistantsync.cli.options import DEFAULT_PATHS, connection_options, format_option, no_color_option, paths_argument
from assistantsync.cli.output import emit, emit_json
from assistantsync.cli.project_options import chosen, environment_name, project_options, with_environment
from assistantsync.errors import EXIT_CHANGES, EXIT_ERROR, AssistantSyncError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from assistantsync.api.client import ResourceClient
    from assistantsync.cli.status_line import StatusLine
    from assistantsync.errors import Problem
    from assistantsync.files.desired import DesiredResource
    from assistantsync.plan.changes import Plan
    from assistantsync.policy.report import PolicyReport


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def progress(verbose: bool) -> StatusLine:
    """The status line of long work, on stderr and only for a person at a terminal: never in pipes or CI logs,
    nor with -v, whose request lines it would break up."""
    from assistantsync.cli.status_line import StatusLine

    return StatusLine.on_stderr(live=not verbose)


def saved_plan(path: Path) -> Plan:
    from assistantsync.plan.saved import plan_from_json
    from assistantsync.plan.saved_check import UnverifiedPlan, forged_problems

    plan = plan_from_json(path.read_text(encoding="utf-8"), str(path))
    problems = forged_problems(plan)  # so `show` displays exactly what `apply --plan` would send
    if problems:
        raise UnverifiedPlan(problems)
    return plan


def render(plan: Plan, output_format: str, no_color: bool, policy: PolicyReport | None = None) -> str:
    """The plan in `output_format`; the Markdown plan ends in the policy section when a policy was checked."""
    from assistantsync.plan.saved import plan_to_json
    from assistantsync.render.markdown import render_plan_markdown
    from assistantsync.render.markdown_policy import render_policy_plan_markdown
    from assistantsync.render.text import render_plan_text

    if output_format == "json":
        return plan_to_json(plan, known_secrets(os.environ))
    if output_format == "markdown":
        return render_plan_markdown(plan) if policy is None else render_policy_plan_markdown(plan, policy)
    return render_plan_text(plan, color=use_color(no_color))


def _print_plan(text: str, output_format: str, no_color: bool) -> None:
    """`render`'s text printed: JSON kept the same JSON, text with the colour `render` gave it."""
    if output_format == "json":
        emit_json(text)
    else:
        emit(text, nl=False, color=output_format == "text" and use_color(no_color))


def revision_given(given: str | None) -> str | None:
    """The git commit to record: --source-revision, else CI's own; a malformed one is an error."""
    from assistantsync.plan.revision import source_revision

    try:
        return source_revision(given, os.environ)
    except ValueError as error:
        raise AssistantSyncError(str(error)) from error


def say_fetching(desired: Sequence[DesiredResource], status: StatusLine) -> None:
    from assistantsync.render.kind_words import counted_resources

    status.show(f"Fetching live state to compare with {counted_resources(desired)} in files...")


def print_warnings(warnings: Sequence[Problem]) -> None:
    for warning in warnings:
        emit(f"warning: {warning}", err=True)


def print_notices(plan: Plan, client: ResourceClient) -> None:
    from assistantsync.engine import notices

    for line in notices(plan, client):
        emit(line, err=True)


target_option = click.option(
    "--target", "targets", multiple=True, metavar="KEY",
    help="Plan only the assistant (key) or agent (name) KEY; repeatable. Not with --prune.")


def targeted_files(desired: Sequence[DesiredResource], targets: tuple[str, ...], prune: bool) -> list[DesiredResource]:
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
@project_options
@connection_options
@comment_on_failure
def plan(paths: tuple[Path, ...], strict: bool, prune: bool, out_file: Path | None, output_format: str,
         detailed_exitcode: bool, targets: tuple[str, ...], source_revision: str | None, no_color: bool,
         project_file: str | None, env_name: str | None, **connection: Any) -> None:
    """Show what apply would change, without changing anything."""
    from assistantsync.project.checked_files import checked_files

    project, (environment,) = chosen(project_file, env_name, every=False)
    # Before credentials: a fork's PR still sees its file errors and policy violations.
    files = checked_files(paths or DEFAULT_PATHS, project, environment)
    print_warnings(files.warnings)
    desired = targeted_files(files.desired, targets, prune)
    connection = with_environment(environment, connection)
    from assistantsync.engine import plan_desired
    from assistantsync.plan.saved import plan_to_json

    saved = out_file is not None or output_format == "json"
    revision = revision_given(source_revision)
    with build_client(**connection) as client, progress(connection["verbose"]) as status:
        say_fetching(desired, status)
        result = plan_desired(desired, client, strict=strict, prune=prune, revision=revision,
                              environment=environment_name(environment))
        status.erase()  # gone before anything else is printed
        print_notices(result, client)
    # Made once, for the file and for --format json; a credential a server echoed in a live value is masked.
    as_json = plan_to_json(result, known_secrets(os.environ)) if saved else ""
    if out_file is not None:
        from assistantsync.files.safe_write import write_text_replacing

        write_text_replacing(out_file, as_json)  # a symlink committed at that path is replaced, not followed
    shown = as_json if output_format == "json" else render(result, output_format, no_color, files.policy)
    _print_plan(shown, output_format, no_color)
    if result.errors:
        sys.exit(EXIT_ERROR)
    if detailed_exitcode and result.has_changes:
        sys.exit(EXIT_CHANGES)


@click.command(short_help="Render a saved plan offline, e.g. as a pull-request comment.")
@click.argument("plan_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@format_option
@no_color_option
@comment_on_failure
def show(plan_file: Path, output_format: str, no_color: bool) -> None:
    """Render a saved plan (plan --out) without credentials or network, e.g. as a pull-request comment."""
    _print_plan(render(saved_plan(plan_file), output_format, no_color), output_format, no_color)
