"""Command-line wiring: parse options, call one function, echo its result, pick the exit code.

No domain decision lives here; heavy libraries are imported inside commands so that
`--help` and `--version` stay fast.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NoReturn, cast

import click

from assistantsync import __version__
from assistantsync.api.redaction import known_secrets, redact
from assistantsync.cli.plan_apply import apply, plan, show
from assistantsync.errors import EXIT_ERROR, AssistantSyncError, ValidationFailed

DEFAULT_PATHS = ("assistants",)


class _Commands(click.Group):
    """The command group; `import` and `sandbox` are imported only when used or listed, not for a plan."""

    _lazy = {"import": ("assistantsync.importer.write", "import_assistants"),
             "sandbox": ("assistantsync.cli.sandbox", "sandbox")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self._lazy:
            module, name = self._lazy[cmd_name]
            command = cast(click.Command, getattr(importlib.import_module(module), name))
        return command

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
        if not self.bare:
            super().show(file)
            return
        # One problem per line, each starting with FILE:LINE:COL (no "Error: " prefix), so editors and CI
        # annotations can parse them.
        click.echo(self.message, file=file, err=True)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="assistantsync")
def cli() -> None:
    """Keep Assistants (API v2) in git: validate, plan, apply."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check assistant files offline (YAML, schema, file references); never touches the network."""
    from assistantsync.files.desired import load_desired

    assistants = load_desired(paths or tuple(Path(p) for p in DEFAULT_PATHS))
    count = len(assistants)
    click.echo(f"{count} assistant{'s' if count != 1 else ''} valid")


@cli.group()
def schema() -> None:
    """The JSON Schemas generated from the API's OpenAPI spec."""


@schema.command("generate")
@click.option("--spec", "spec_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="OpenAPI document (3.0 or 3.1) holding the Assistants paths.")
@click.option("--out", "out_dir", default=Path("schemas"), show_default=True,
              type=click.Path(path_type=Path, file_okay=False), help="Folder to write the schemas into.")
def schema_generate(spec_path: Path, out_dir: Path) -> None:
    """Generate JSON Schema 2020-12 files from an OpenAPI spec."""
    from assistantsync.schema.generate import write_schemas

    for written in write_schemas(spec_path, out_dir):
        click.echo(str(written))


@schema.command("path")
def schema_path_command() -> None:
    """Print where the installed assistant file schema is."""
    from assistantsync.schema.validate import schema_path

    click.echo(str(schema_path("assistant.schema.json")))


cli.add_command(plan)
cli.add_command(apply)
cli.add_command(show)


BUG_NOTE = "assistantsync: unexpected error (a bug); please report it with the traceback above (credentials masked)"


def _scrubbed(text: str) -> str:
    return redact(text, known_secrets(os.environ))


def report_crash(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """sys.excepthook: the full traceback of an error nobody raised on purpose, every credential masked.

    A bug's traceback stays whole (it must be debuggable), but its messages may quote a request or a
    variable, so every credential value is scrubbed first. Python then exits 1, as for any uncaught error.
    """
    import traceback  # only for a crash: not worth its import time on every run

    sys.stderr.write(_scrubbed("".join(traceback.format_exception(kind, error, trace))))
    if not issubclass(kind, KeyboardInterrupt):
        sys.stderr.write(BUG_NOTE + "\n")
    sys.stderr.flush()


def _show(error: click.ClickException) -> None:
    # Click's own messages quote option values, which may be a key given to the wrong option.
    shown = io.StringIO()
    error.show(file=shown)
    click.echo(_scrubbed(shown.getvalue()), err=True, nl=False)


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
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        _show(error)
        sys.exit(EXIT_ERROR if isinstance(error, click.UsageError) else error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
