"""`schema generate` and `schema path`: the JSON Schemas of the assistant and agent files."""

from __future__ import annotations

from pathlib import Path

import click

from assistantsync.cli.output import emit


@click.group()
def schema() -> None:
    """The JSON Schemas generated from the API's OpenAPI spec."""


@schema.command("generate")
@click.option("--spec", "spec_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="OpenAPI document (3.0 to 3.2) holding the Assistants or the Agents paths.")
@click.option("--out", "out_dir", default=Path("schemas"), show_default=True,
              type=click.Path(path_type=Path, file_okay=False), help="Folder to write the schemas into.")
def generate(spec_path: Path, out_dir: Path) -> None:
    """Generate JSON Schema 2020-12 files from an OpenAPI spec."""
    from assistantsync.schema.generate import write_schemas

    for written in write_schemas(spec_path, out_dir):
        emit(str(written))


@schema.command("path")
@click.option("--kind", type=click.Choice(["assistant", "agent", "project"]), default="assistant", show_default=True,
              help="Whose file schema: a kind's, or the project file's (assistantsync.yaml).")
def path(kind: str) -> None:
    """Print where the installed file schema of a kind is (for editors)."""
    from assistantsync.kinds.registry import KINDS
    from assistantsync.project.file_format import PROJECT_SCHEMA
    from assistantsync.schema.validate import schema_path

    emit(str(schema_path(PROJECT_SCHEMA if kind == "project" else KINDS[kind].schema_file)))
