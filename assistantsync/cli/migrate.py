"""`migrate`: assistant files written as Foundry agent files, with the report of every field that did not move
as it was. The work is migrate/run.py's; this shows it. Never touches an API."""

from __future__ import annotations

from pathlib import Path

import click

from assistantsync.cli.output import emit, emit_json


@click.command(short_help="Convert assistant files into agent files (offline).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write <agent name>.yaml files into.")
@click.option("--force", is_flag=True, help="Overwrite agent files that already exist in the folder.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="The report as lines `SOURCE: FIELD: dropped|changed: reason`, or as JSON (public format).")
def migrate(paths: tuple[Path, ...], out_dir: Path, force: bool, output_format: str) -> None:
    """Convert assistant files into agent files (offline); report each field dropped or changed."""
    import json

    from assistantsync.migrate.run import migrate as run_migration
    from assistantsync.migrate.run import report_document

    migration = run_migration(paths, out_dir, force=force)
    if output_format == "json":
        emit_json(json.dumps(report_document(migration), indent=2) + "\n")
    else:
        for item in migration.items:
            emit(f"{item.source}: {item.field}: {item.outcome.value}: {item.reason}")
    count = len(migration.files)
    emit(f"Migrated {count} assistant{'s' if count != 1 else ''} into {out_dir} "
         f"({len(migration.items)} report item{'s' if len(migration.items) != 1 else ''}).", err=True)
    if migration.schema_copy is not None:
        emit(f"Wrote {migration.schema_copy}, the agent file schema the files point editors at.", err=True)
