"""Where a written file's first comment line points editors for its schema (`yaml-language-server: $schema=`).

The files are meant to be committed, so the reference must work in every clone: by default the kind's schema
is copied into the output folder (`schemas/<kind>.schema.json`) and each file points at that copy by a path
relative to itself; `--schema-ref` chooses another reference (a URL, a relative path) or none. Never a path
of this machine (the installed package's), which no teammate has.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import TypeAlias

from assistantsync.errors import AssistantSyncError
from assistantsync.files.safe_write import write_text_replacing
from assistantsync.safe_text import shown

SCHEMAS_DIR = "schemas"
NO_REFERENCE = "none"  # `--schema-ref none`: no schema comment line


@dataclass(frozen=True)
class SchemaCopy:
    """The shipped schema `name` copied into the output folder at schemas/<name>, each file pointing at it."""

    name: str

    @property
    def path(self) -> PurePosixPath:
        """Where the copy goes, relative to the output folder."""
        return PurePosixPath(SCHEMAS_DIR, self.name)

    def reference_from(self, file: PurePath) -> str:
        """The copy's path relative to `file` (itself relative to the output folder), with forward slashes."""
        return "../" * (len(file.parts) - 1) + self.path.as_posix()


# What written files point at: the copy, a reference written as given (--schema-ref), or nothing (None).
SchemaRef: TypeAlias = SchemaCopy | str | None


def schema_comment(ref: SchemaRef, file: PurePath) -> str:
    """The first line of the file at `file` (relative to the output folder): the comment, or '' for no reference."""
    if ref is None:
        return ""
    text = ref.reference_from(file) if isinstance(ref, SchemaCopy) else ref
    # A line break must not end the comment (--schema-ref is checked; this guards every other caller).
    return f"# yaml-language-server: $schema={text if text.isprintable() else json.dumps(text)}\n"


def chosen_schema_ref(value: str | None, schema_name: str) -> SchemaRef:
    """What `--schema-ref VALUE` asks for: no value, the copy of `schema_name`; `none`, no comment; else VALUE,
    refused unless it is one printable line and no absolute path of this machine (it lands in committed files)."""
    if value is None:
        return SchemaCopy(schema_name)
    if value == NO_REFERENCE:
        return None
    problem = ("is empty" if not value.strip() else
               "holds a line break or another control character" if not value.isprintable() else
               "is an absolute path of this machine, which no clone has" if _machine_local(value) else None)
    if problem is not None:
        raise AssistantSyncError(f"--schema-ref {shown(value)} {problem}: give a URL (such as the schema file at a "
                                 "pinned tag), a path relative to each written file, or `none`. Nothing was written.")
    return value


def _machine_local(value: str) -> bool:
    return (value.lower().startswith("file:") or PurePosixPath(value).is_absolute()
            or PureWindowsPath(value).is_absolute() or value.startswith("\\"))


def copy_in_the_way(out_dir: Path, copy: SchemaCopy) -> list[str]:
    """What stands where the copy goes: a `schemas` that is a link (the copy stays inside the output folder) or
    a file, or a folder at the copy's own path."""
    folder, target = out_dir / SCHEMAS_DIR, out_dir / copy.path
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return [str(folder)]
    return [str(target)] if target.is_dir() and not target.is_symlink() else []


def write_schema_copy(out_dir: Path, copy: SchemaCopy) -> Path | None:
    """Write the shipped schema at its copy's path unless the file there already holds exactly it (a link there
    is replaced, never followed): the path written, else None."""
    from assistantsync.schema.validate import schema_path

    shipped = schema_path(copy.name).read_bytes()
    target = out_dir / copy.path
    if _holds(target, shipped):
        return None
    write_text_replacing(target, shipped.decode("utf-8"))
    return target


def _holds(target: Path, content: bytes) -> bool:
    """Whether the regular file at `target` (not a link) holds exactly `content`; an unreadable one does not."""
    try:
        return not target.is_symlink() and target.is_file() and target.read_bytes() == content
    except OSError:
        return False
