"""The `assistantsync` command: its group, every command listed once, and how errors end a run.

Each family of commands is a module of its own (validate, schema, plan_apply, import_, sandbox), imported
only when one of its commands runs or the help lists it, so `--version` imports none of them. No domain
decision lives in cli/; heavy libraries are imported inside commands.
"""

from __future__ import annotations

import importlib
import io
import sys
from types import TracebackType
from typing import IO, Any, NoReturn, cast

import click

from assistantsync import __version__
from assistantsync.errors import EXIT_ERROR, AssistantSyncError, ValidationFailed

COMMANDS = {  # name -> (module, attribute)
    "validate": ("assistantsync.cli.validate", "validate"),
    "schema": ("assistantsync.cli.schema", "schema"),
    "plan": ("assistantsync.cli.plan_apply", "plan"),
    "apply": ("assistantsync.cli.apply_command", "apply"),
    "show": ("assistantsync.cli.plan_apply", "show"),
    "import": ("assistantsync.cli.import_", "import_assistants"),
    "migrate": ("assistantsync.cli.migrate", "migrate"),
    "sandbox": ("assistantsync.cli.sandbox", "sandbox"),
}


class _Commands(click.Group):
    """The group of COMMANDS, each imported when run or listed; where every error the user can fix is shown."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        return cast(click.Command, getattr(importlib.import_module(module), attribute))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Click cuts each summary to what fits beside the names, ending it in "..."; a summary is one sentence,
        # so it is shown whole (wrapped on a narrow terminal). No command is hidden.
        rows = [(name, command.get_short_help_str(limit=sys.maxsize)) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        # Every command runs inside this call, so here is the one place an error the user can fix becomes
        # click's: one message on stderr and exit 1, whether run by main() or by a test's CliRunner.
        try:
            return super().invoke(ctx)
        except AssistantSyncError as error:
            raise _Shown(error) from error


class _Shown(click.ClickException):
    """An AssistantSyncError as the CLI shows it: `Error: MESSAGE`, except for the problems of invalid files."""

    def __init__(self, error: AssistantSyncError) -> None:
        super().__init__(error.message)
        self.bare = isinstance(error, ValidationFailed)

    def show(self, file: IO[Any] | None = None) -> None:
        from assistantsync.cli.output import emit  # only for an error: --version imports no more of cli/

        # Bare: one problem per line, each starting with FILE:LINE:COL (no "Error: " prefix), so editors and CI
        # annotations can parse them.
        emit(self.message if self.bare else f"Error: {self.format_message()}", file=file, err=True)


@click.group(cls=_Commands, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="assistantsync")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Keep OpenAI assistants and Foundry agents in git: validate, plan, apply."""
    if ctx.invoked_subcommand is None:  # bare `assistantsync`: the help, on stdout, as a success
        click.echo(ctx.get_help())


BUG_NOTE = "assistantsync: unexpected error (a bug); please report it with the traceback above (credentials masked)"


def report_crash(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """sys.excepthook: the full traceback of an error nobody raised on purpose, every credential masked.

    A bug's traceback stays whole (it must be debuggable), but its messages may quote a request or a
    variable, so every credential value is scrubbed first. Python then exits 1, as for any uncaught error.
    """
    import traceback  # only for a crash: not worth its import time on every run

    from assistantsync.cli.output import masked
    from assistantsync.safe_text import log_safe

    sys.stderr.write(log_safe(masked("".join(traceback.format_exception(kind, error, trace)))))
    if not issubclass(kind, KeyboardInterrupt):
        sys.stderr.write(BUG_NOTE + "\n")
    sys.stderr.flush()


def _show(error: click.ClickException) -> None:
    from assistantsync.cli.output import emit

    # Click's own messages quote option values, which may be a key given to the wrong option.
    shown = io.StringIO()
    error.show(file=shown)
    emit(shown.getvalue(), err=True, nl=False)


def entry() -> NoReturn:
    """The installed `assistantsync` and `python -m assistantsync`: `main`, with whole writes to the streams."""
    _whole_writes()
    main()


def _whole_writes() -> None:
    """Where PYTHONUNBUFFERED (or -u) leaves stdout and stderr writing straight to their file descriptors, as in
    many CI images, a write a pipe takes only in part (its reader gone, a signal meanwhile) silently loses the
    rest, and a plan cut short would look whole. A BufferedWriter writes everything or raises; flushed at
    every line, output appears as soon as before (click.echo flushes every message anyway)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, io.TextIOWrapper) and isinstance(stream.buffer, io.FileIO):
            raw = io.FileIO(stream.fileno(), "w", closefd=False)  # the original stream keeps the descriptor
            setattr(sys, name, io.TextIOWrapper(io.BufferedWriter(raw), encoding=stream.encoding,
                                                errors=stream.errors, line_buffering=True))


def main() -> NoReturn:
    """Entry point: every error exits 1 (click's usage errors included); 2 is reserved for pending changes.

    Errors the tool raises on purpose print one message; anything else is a bug and reaches
    `report_crash` (installed here as sys.excepthook) with its traceback.
    """
    sys.excepthook = report_crash
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        from assistantsync.cli.output import emit

        emit("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        _show(error)
        sys.exit(EXIT_ERROR if isinstance(error, click.UsageError) else error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
