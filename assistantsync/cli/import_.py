"""`import`: live assistants (or agents) written as files, ready to commit. The work is importer/write.py's; this
shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from assistantsync.api.connect import build_client
from assistantsync.cli.options import connection_options
from assistantsync.cli.output import emit
from assistantsync.cli.project_options import chosen, environment_name, project_options, with_environment


@click.command("import", short_help="Write live assistants or agents as files, ready to commit.")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--kind", "kind_name", type=click.Choice(["assistant", "agent"]), default="assistant",
              show_default=True, help="What to import; an agent's ID is its name.")
@click.option("--all", "import_all", is_flag=True, help="Import every assistant (or agent) these credentials can see.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write <key>.yaml files (and prompts/<key>.md) into.")
@click.option("--force", is_flag=True, help="Overwrite files of the same kind that already exist in the folder.")
@click.option("--schema-ref", "schema_ref_text", metavar="REF",
              help="What each file's first line points editors at: a URL, a path relative to each file, or `none`. "
                   "Default: a copy of the schema that import keeps in OUT/schemas/.")
@project_options
@connection_options
def import_assistants(ids: tuple[str, ...], kind_name: str, import_all: bool, out_dir: Path, force: bool,
                      schema_ref_text: str | None, project_file: str | None, env_name: str | None,
                      **connection: Any) -> None:
    """Write live assistants as files, ready to commit: adopt them, or back them up.

    With --kind agent, live agents (their latest version): an agent's ID is its name, and its file <name>.yaml.
    With --env, only that environment's resources and those no environment manages; keys are written without it.
    Each file's first line points editors at the file schema: by default at OUT/schemas/<kind>.schema.json, a
    copy import writes (or updates when it differs), so the reference works in every clone.
    """
    from assistantsync.files.schema_comment import chosen_schema_ref
    from assistantsync.importer.environment_scope import in_environment, left_out_line
    from assistantsync.importer.write import fetch_live, importable, problems_left, write_imported
    from assistantsync.kinds.registry import KINDS

    kind = KINDS[kind_name]
    schema_ref = chosen_schema_ref(schema_ref_text, kind.schema_file)  # before any request: a refusal costs none
    what = f"{kind.name} {'names' if kind.key_is_id else 'IDs'}"
    if import_all == bool(ids):
        raise click.UsageError(f"give either --all or {what}, not both" if import_all
                               else f"nothing to import: give --all or one or more {what}")
    _, (environment,) = chosen(project_file, env_name, every=False)  # its provider, base URL and credentials
    connection = with_environment(environment, connection)
    with build_client(**connection) as client:
        fetched = fetch_live(client.for_kind(kind), None if import_all else ids)
    scoped = in_environment(kind, fetched, environment_name(environment), named=not import_all)
    if (others := left_out_line(kind, scoped, environment_name(environment))) is not None:
        emit(others, err=True)
    live, left_out = importable(kind, scoped.kept)
    if left_out:
        emit(f"warning: {len(left_out)} {kind.name if len(left_out) == 1 else kind.plural} left out, of a sort no "
             f"file can declare (plan leaves them alone): {', '.join(left_out)}", err=True)
    if not live:
        emit(f"No {kind.plural} to import.", err=True)
        return
    imported = write_imported(kind, live, out_dir, force=force, schema_ref=schema_ref)
    for path in imported.paths:
        emit(str(path))
    prompts = sum(1 for path in imported.paths if path.suffix == ".md")
    yaml_files = len(imported.paths) - prompts
    emit(f"Imported {len(live)} {kind.name if len(live) == 1 else kind.plural} into {out_dir} "
         f"({yaml_files} YAML, {prompts} prompt file{'s' if prompts != 1 else ''}).", err=True)
    if imported.schema_copy is not None:
        emit(f"Wrote {imported.schema_copy}, the {kind.name} file schema the files point editors at.", err=True)
    for conflict in imported.conflicts:
        emit(f"warning: {conflict}", err=True)
    problems = problems_left(out_dir)
    if problems is not None:
        emit(f"warning: {out_dir} does not validate yet; fix these before running plan:", err=True)
        emit(problems, err=True)
