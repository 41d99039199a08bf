"""Which files are read, and how: the walk over PATHs, each file's root, and the limits on every file read.

Root rule: file references must stay inside a root folder, judged on real paths (symlinks resolved).
The root is the `root` argument when given; else the PATH itself when it is a folder; for a file
PATH, the current folder, or the file's own folder when the file lies outside the current folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.yaml_loader import YamlDocument, load_yaml

MAX_FILE_BYTES = 1024 * 1024  # per file read (YAML, prompt, parameter schema); no assistant comes close
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """A YAML file to load, and the folder its file references must stay inside."""

    path: Path  # as the user would write it: the PATH they gave, joined with what the walk found
    real: Path
    root: Path  # a real path
    root_label: str  # the root as the user would write it, for messages
    explicit: bool  # named as a PATH rather than found by a folder walk


class UnreadableFile(Exception):
    """A file that may not be used; `reason` reads after its name ("is not UTF-8 text")."""

    def __init__(self, reason: str, line: int = 0, column: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def find_sources(paths: Sequence[Path], root: Path | None = None) -> tuple[list[SourceFile], list[Problem]]:
    """Every YAML file under `paths`, each once, in a stable order; a missing PATH is a problem."""
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            sources.extend(_walk(path, root, problems))
        elif path.exists():
            root_real, label = _file_root(path, root)
            sources.append(SourceFile(path, _real(path), root_real, label, explicit=True))
        else:
            problems.append(Problem(Location(str(path)), "", "no such file or folder"))
    seen: set[Path] = set()
    unique: list[SourceFile] = []
    for source in sources:  # a file named twice, or named and also inside a named folder, loads once
        if source.real not in seen:
            seen.add(source.real)
            unique.append(source)
    return unique, problems


def _walk(folder: Path, root: Path | None, problems: list[Problem]) -> list[SourceFile]:
    """YAML files under `folder`, sorted; hidden entries are skipped and folder symlinks not followed."""
    root_real, label = _real(root or folder), str(root or folder)

    def report(error: OSError) -> None:
        problems.append(Problem(Location(str(error.filename)), "", f"cannot read the folder: {error.strerror}"))

    found: list[SourceFile] = []
    for current, folders, files in os.walk(folder, onerror=report):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(YAML_SUFFIXES):
                continue
            path = Path(current, name)
            real = _real(path)
            if real.is_relative_to(root_real):
                found.append(SourceFile(path, real, root_real, label, explicit=False))
            else:
                problems.append(Problem(Location(str(path), 1, 1), "",
                                        f"the file links to a file outside {label}; it is not loaded"))
    return found


def _file_root(path: Path, root: Path | None) -> tuple[Path, str]:
    if root is not None:
        return _real(root), str(root)
    cwd, parent = _real(Path.cwd()), _real(path.parent)
    return (cwd, ".") if parent.is_relative_to(cwd) else (parent, str(path.parent))


def _real(path: Path) -> Path:
    # os.path.realpath, not Path.resolve: on Python 3.11 resolve raises RuntimeError on symlink loops.
    return Path(os.path.realpath(path))


def read_text(path: Path) -> str:
    """The text of a regular UTF-8 file of at most MAX_FILE_BYTES, byte-faithful but for a leading BOM."""
    try:
        raw = _read_bytes(path)
    except FileNotFoundError:
        raise UnreadableFile("does not exist") from None
    except OSError as error:
        raise UnreadableFile(f"cannot be read: {error.strerror}") from error
    # Line endings are kept as written: CRLF in a prompt is the author's choice, and git can normalise it.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start: error.start].decode("utf-8", "replace")) + 1
        raise UnreadableFile(f"is not UTF-8 text (byte 0x{raw[error.start]:02x})",
                             raw.count(b"\n", 0, error.start) + 1, column) from error


def _read_bytes(path: Path) -> bytes:
    info = os.stat(path)  # before open: opening a FIFO would block
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("is not a regular file")
    too_large = UnreadableFile(f"is larger than the limit of {MAX_FILE_BYTES} bytes (1 MiB)")
    if info.st_size > MAX_FILE_BYTES:
        raise too_large
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
    if len(raw) > MAX_FILE_BYTES:
        raise too_large
    return raw


def load_file(source: SourceFile) -> list[YamlDocument]:
    """The documents of one YAML file; raises ValidationFailed with every problem in it."""
    file = str(source.path)
    try:
        text = read_text(source.path)
    except UnreadableFile as error:
        at = Location(file, error.line or 1, error.column or 1)
        raise ValidationFailed([Problem(at, "", f"the file {error.reason}")]) from error
    return load_yaml(text, file)
