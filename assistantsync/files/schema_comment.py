"""Where a written file's first comment line points editors for its schema (`yaml-language-server: $schema=`)."""

from __future__ import annotations

import os
from pathlib import Path


def schema_reference(out_dir: Path, schema_name: str) -> str:
    """The path to the schema `schema_name` for files written into `out_dir`.

    Relative from `out_dir` to `schemas/<schema_name>` in the nearest folder above it that has one, looking no
    higher than the repository root (the first folder with a `.git`); else the installed schema.
    """
    from assistantsync.schema.validate import schema_path

    here = Path(os.path.realpath(out_dir))
    for folder in (here, *here.parents):
        candidate = folder / "schemas" / schema_name
        if candidate.is_file():
            return Path(os.path.relpath(candidate, here)).as_posix()
        if (folder / ".git").exists():
            break
    return schema_path(schema_name).as_posix()
