"""`import`: live assistants written as files, ready to commit. The work is importer/write.py's; this shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from assistantsync.api.connect import build_client
from assistantsync.cli.options import connection_options
from assistantsync.cli.output import emit


@click.command("import")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "import_all", is_flag=True, help="Import every assistant these credentials can see.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write <key>.yaml files (and prompts/<key>.md) into.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist in the folder.")
@connection_options
def import_assistants(ids: tuple[str, ...], import_all: bool, out_dir: Path, force: bool, **connection: Any) -> None:
    """Write live assistants as files, ready to commit: adopt them, or back them up."""
    from assistantsync.importer.write import fetch_live, problems_left, write_imported

    if import_all == bool(ids):
        raise click.UsageError("give either --all or assistant IDs, not both" if import_all
                               else "nothing to import: give --all or one or more assistant IDs")
    with build_client(**connection) as client:
        live = fetch_live(client, None if import_all else ids)
    if not live:
        emit("No assistants to import.", err=True)
        return
    imported = write_imported(live, out_dir, force=force)
    for path in imported.paths:
        emit(str(path))
    prompts = sum(1 for path in imported.paths if path.suffix == ".md")
    yaml_files = len(imported.paths) - prompts
    emit(f"Imported {len(live)} assistant{'s' if len(live) != 1 else ''} into {out_dir} "
         f"({yaml_files} YAML, {prompts} prompt file{'s' if prompts != 1 else ''}).", err=True)
    for conflict in imported.conflicts:
        emit(f"warning: {conflict}", err=True)
    problems = problems_left(out_dir)
    if problems is not None:
        emit(f"warning: {out_dir} does not validate yet; fix these before running plan:", err=True)
        emit(problems, err=True)
