"""Import's work: fetch live assistants, turn them into files (convert.py), refuse to overwrite, write them.

No terminal I/O here: the `import` command (cli/import_.py) shows what these return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistantsync.api.errors import ApiError
from assistantsync.errors import AssistantSyncError, ValidationFailed
from assistantsync.files.safe_write import write_text_replacing
from assistantsync.files.schema_comment import schema_reference
from assistantsync.kinds.assistant.file_format import ASSISTANT_SCHEMA

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient
    from assistantsync.importer.convert import ImportedFile
    from assistantsync.json_value import JsonObject


@dataclass(frozen=True)
class Imported:
    """The files written, in order, and the live assistants' identity-key conflicts to warn about."""

    paths: tuple[Path, ...]
    conflicts: tuple[str, ...]


def fetch_live(client: ResourceClient, ids: Sequence[str] | None) -> list[JsonObject]:
    """Every assistant these credentials can see (ids None), else those with these ids in the order given."""
    return client.list_all() if ids is None else _fetch(client, ids)


def write_imported(live: Sequence[JsonObject], out_dir: Path, *, force: bool) -> Imported:
    """Write `live` as files in `out_dir`; refused whole, before any write, when a file exists (unless `force`)
    or a path is in the way."""
    from assistantsync.importer.convert import import_files
    from assistantsync.importer.keys import claim_conflicts
    from assistantsync.kinds.assistant import ASSISTANT

    files = import_files(ASSISTANT, live, schema_ref=schema_reference(out_dir, ASSISTANT_SCHEMA))
    _refuse_to_overwrite(out_dir, files, force)
    for file in files:
        write_text_replacing(out_dir / file.path, file.text)
    return Imported(tuple(out_dir / file.path for file in files), tuple(claim_conflicts(ASSISTANT, live)))


def problems_left(out_dir: Path) -> str | None:
    """Load the folder as plan would: the problems it finds, one per line, or None when it validates."""
    from assistantsync.files.desired import load_desired

    try:
        load_desired([out_dir])
    except ValidationFailed as failed:
        return failed.message
    return None


def _fetch(client: ResourceClient, ids: Sequence[str]) -> list[JsonObject]:
    """The assistants with these ids, in the order given; every missing id is reported at once."""
    found = client.get_many(ids)
    errors = [result for result in found.values() if isinstance(result, ApiError)]
    for error in errors:
        if error.status != 404:
            raise error
    if errors:
        missing = ", ".join(ident for ident, result in found.items() if isinstance(result, ApiError))
        raise AssistantSyncError(f"no assistant with id {missing} (or these credentials cannot see it): check the "
                                 "ids, or list what you can see with `--all`. Nothing was written.")
    return [result for result in found.values() if not isinstance(result, ApiError)]


def _refuse_to_overwrite(out_dir: Path, files: Sequence[ImportedFile], force: bool) -> None:
    targets = [out_dir / file.path for file in files]
    folders = {str(target) for target in targets if target.is_dir()}
    not_folders = {str(target.parent) for target in targets if _not_a_folder(target.parent)}
    if folders or not_folders:
        raise AssistantSyncError("these paths are in the way of the files to write: "
                                 f"{', '.join(sorted(folders | not_folders))}; move them or choose another --out. "
                                 "Nothing was written.")
    existing = [path for path in targets if path.exists() or path.is_symlink()]
    if existing and not force:
        lines = "".join(f"\n  {path}" for path in existing)
        raise AssistantSyncError(f"{len(existing)} file{'s' if len(existing) != 1 else ''} already exist; "
                                 f"nothing was written. Pass --force to overwrite them, or choose another --out:"
                                 f"{lines}")


def _not_a_folder(path: Path) -> bool:
    """A file, or a link into a missing folder (which mkdir cannot make), where a folder must go."""
    return (path.exists() and not path.is_dir()) or (path.is_symlink() and not path.exists())
