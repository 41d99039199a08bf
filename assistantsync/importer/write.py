"""Import's work: fetch live resources of one kind, turn them into files (convert.py), refuse to overwrite (or,
with --force, to replace a file of another kind), write them.

No terminal I/O here: the `import` command (cli/import_.py) shows what these return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistantsync.api.errors import ApiError
from assistantsync.errors import AssistantSyncError, ValidationFailed
from assistantsync.files.safe_write import refuse_linked_folders, write_text_replacing
from assistantsync.files.schema_comment import SchemaCopy, SchemaRef, copy_in_the_way, write_schema_copy

if TYPE_CHECKING:
    from assistantsync.api.client import ResourceClient
    from assistantsync.importer.convert import ImportedFile
    from assistantsync.json_value import JsonObject
    from assistantsync.kinds.kind import ResourceKind


@dataclass(frozen=True)
class Imported:
    """The files written, in order, the live resources' identity-key conflicts to warn about, and the schema
    copy when it was written (it was missing or held something else)."""

    paths: tuple[Path, ...]
    conflicts: tuple[str, ...]
    schema_copy: Path | None


def fetch_live(client: ResourceClient, ids: Sequence[str] | None) -> list[JsonObject]:
    """Every resource of the client's kind these credentials can see (ids None), else those with these ids (an
    agent's: its name) in the order given."""
    return client.list_all() if ids is None else _fetch(client, ids)


def importable(kind: ResourceKind, live: Sequence[JsonObject]) -> tuple[list[JsonObject], list[str]]:
    """The live resources a file can declare, and the ids of those it cannot (`ResourceKind.unmanageable`: a
    hosted or workflow agent among prompt agents), which import leaves out as plan leaves them alone."""
    kept: list[JsonObject] = []
    left: list[str] = []
    for item in live:
        if kind.unmanageable(item) is None:
            kept.append(item)
        else:
            left.append(str(item.get("id")))
    return kept, left


def write_imported(kind: ResourceKind, live: Sequence[JsonObject], out_dir: Path, *, force: bool,
                   schema_ref: SchemaRef) -> Imported:
    """Write `live` as files of `kind` in `out_dir`, and the schema copy `schema_ref` may name (only when it
    differs: any file of that name is the tool's to update); refused whole, before any write, when a file exists
    (unless `force`, which still never replaces a file of another kind) or a path is in the way."""
    from assistantsync.importer.convert import import_files
    from assistantsync.importer.keys import claim_conflicts

    files = import_files(kind, live, schema_ref=schema_ref)
    copy = schema_ref if isinstance(schema_ref, SchemaCopy) else None
    _refuse_to_overwrite(kind, out_dir, files, force, copy)
    for file in files:
        write_text_replacing(out_dir / file.path, file.text)
    return Imported(tuple(out_dir / file.path for file in files), tuple(claim_conflicts(kind, live)),
                    write_schema_copy(out_dir, copy) if copy else None)


def problems_left(out_dir: Path) -> str | None:
    """Load the folder as plan would: the problems it finds, one per line, or None when it validates."""
    from assistantsync.files.desired import load_desired

    try:
        load_desired([out_dir])
    except ValidationFailed as failed:
        return failed.message
    return None


def _fetch(client: ResourceClient, ids: Sequence[str]) -> list[JsonObject]:
    """The resources with these ids, in the order given; every missing id is reported at once."""
    found = client.get_many(ids)
    errors = [result for result in found.values() if isinstance(result, ApiError)]
    for error in errors:
        if error.status != 404:
            raise error
    if errors:
        missing = ", ".join(ident for ident, result in found.items() if isinstance(result, ApiError))
        kind, what = client.kind, "name" if client.kind.key_is_id else "id"
        raise AssistantSyncError(f"no {kind.name} with {what} {missing} (or these credentials cannot see it): check "
                                 f"the {what}s, or list what you can see with `--all`. Nothing was written.")
    return [result for result in found.values() if not isinstance(result, ApiError)]


def _refuse_to_overwrite(kind: ResourceKind, out_dir: Path, files: Sequence[ImportedFile], force: bool,
                         copy: SchemaCopy | None) -> None:
    refuse_linked_folders(out_dir, [file.path for file in files])  # `schemas`: copy_in_the_way's
    targets = [out_dir / file.path for file in files]
    in_the_way = copy_in_the_way(out_dir, copy) if copy else []
    folders = {str(target) for target in targets if target.is_dir()} | set(in_the_way)
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
    other_kinds = [f"{path} holds {other}" for path in existing if (other := _other_kind(kind, path))]
    if other_kinds:
        lines = "".join(f"\n  {line}" for line in other_kinds)
        raise AssistantSyncError(f"--force replaces only {kind.name} files, and {len(other_kinds)} of the files to "
                                 f"write would replace another kind; nothing was written. Import the {kind.plural} "
                                 f"into another --out:{lines}")


def _other_kind(kind: ResourceKind, path: Path) -> str | None:
    """`an assistant` when the YAML file at `path` declares a resource of another kind than `kind`; None when it
    does not, or cannot be read (--force replaces what is no such file)."""
    from assistantsync.files.documents import kind_of
    from assistantsync.files.sources import UnreadableFile, read_text
    from assistantsync.files.yaml_read import load_yaml

    if path.suffix not in (".yaml", ".yml"):
        return None
    try:
        documents = load_yaml(read_text(path), str(path))
    except (UnreadableFile, ValidationFailed):
        return None
    found = {found.name for document in documents if (found := kind_of(document.data)) != kind
             and not isinstance(found, str)}
    return " and ".join(f"{'an' if name[0] in 'aeiou' else 'a'} {name}" for name in sorted(found)) or None


def _not_a_folder(path: Path) -> bool:
    """A file, or a link into a missing folder (which mkdir cannot make), where a folder must go."""
    return (path.exists() and not path.is_dir()) or (path.is_symlink() and not path.exists())
