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
from assistantsync.files.yaml_read import YamlDocument, load_yaml
from assistantsync.safe_text import describe, hidden_character

MAX_FILE_BYTES = 1024 * 1024  # per file read (YAML, prompt, parameter schema); no assistant comes close
YAML_SUFFIXES = (".yaml", ".yml")
# UTF-32 before UTF-16: the UTF-32 little-endian mark starts with the UTF-16 one.
_FOREIGN_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
                 (b"\xfe\xff", "UTF-16"))


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
        if source.real in seen:
            continue
        seen.add(source.real)
        hidden = hidden_character(str(source.path))
        if hidden is None:
            unique.append(source)
        else:  # the name would reach messages and plans, where it could break lines or drive a terminal
            what = "bytes that are not UTF-8" if "\udc80" <= hidden <= "\udcff" else f"the character {describe(hidden)}"
            problems.append(Problem(Location(str(source.path), 1, 1), "",
                                    f"the file name holds {what}; rename the file"))
    return unique, problems


def _walk(folder: Path, root: Path | None, problems: list[Problem]) -> list[SourceFile]:
    """YAML files under `folder`, sorted; hidden entries are skipped and folder symlinks not followed."""
    root_real, label = _real(root or folder), str(root or folder)

    # The walk never enters a symlinked folder, so each folder it enters is its parent's real path plus its
    # name, and so is each file that is not itself a symlink. os.scandir tells files, folders and symlinks
    # apart without a system call per file; the order is os.walk's: a folder's files, then its subfolders.
    found: list[SourceFile] = []
    pending = [(str(folder), root_real if root is None else _real(folder))]
    while pending:
        current, current_real = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted((entry for entry in listing if not entry.name.startswith(".")),
                                 key=lambda entry: entry.name)
        except OSError as error:
            problems.append(Problem(Location(str(error.filename)), "", f"cannot read the folder: {error.strerror}"))
            continue
        inside = current_real.is_relative_to(root_real)  # then so is every file in it that is no symlink
        folders: list[tuple[str, Path]] = []
        for entry in entries:
            if _is_folder(entry):
                if not entry.is_symlink():
                    folders.append((entry.path, current_real / entry.name))
                continue
            if not entry.name.lower().endswith(YAML_SUFFIXES):
                continue
            path, link = Path(entry.path), entry.is_symlink()
            real = _real(path) if link else current_real / entry.name
            if (inside and not link) or real.is_relative_to(root_real):
                found.append(SourceFile(path, real, root_real, label, explicit=False))
            else:
                problems.append(Problem(Location(str(path), 1, 1), "",
                                        f"the file links to a file outside {label}; it is not loaded"))
        pending.extend(reversed(folders))
    return found


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a symlink, as os.walk does to sort its entries
    except OSError:
        return False


def _file_root(path: Path, root: Path | None) -> tuple[Path, str]:
    if root is not None:
        return _real(root), str(root)
    cwd, parent = _real(Path.cwd()), _real(path.parent)
    return (cwd, ".") if parent.is_relative_to(cwd) else (parent, str(path.parent))


def _real(path: Path) -> Path:
    # os.path.realpath, not Path.resolve: on Python 3.11 resolve raises RuntimeError on symlink loops.
    return Path(os.path.realpath(path))


def read_text(path: Path) -> str:
    """The text of a regular UTF-8 file of at most MAX_FILE_BYTES, byte-faithful but for a leading UTF-8 BOM."""
    try:
        raw = _read_bytes(path)
    except FileNotFoundError:
        raise UnreadableFile("does not exist") from None
    except OSError as error:
        raise UnreadableFile(f"cannot be read: {error.strerror}") from error
    for bom, encoding in _FOREIGN_BOMS:
        if raw.startswith(bom):
            raise UnreadableFile(f"is {encoding} text (it starts with a {encoding} byte-order mark): save it as UTF-8",
                                 1, 1)
    # Line endings are kept as written: CRLF in a prompt is the author's choice, and git can normalise it.
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"is not UTF-8 text (byte 0x{raw[error.start]:02x})", *_position(raw, error.start)) \
            from error
    if b"\x00" in raw:  # git shows a file holding NUL as binary: reviewers would never see its content
        raise UnreadableFile("holds a NUL byte, so git treats it as binary, not text", *_position(raw, raw.find(0)))
    return text


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of a byte offset; lines end at LF, as git counts them."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[line_start:offset].decode("utf-8", "replace")) + 1


def _read_bytes(path: Path) -> bytes:
    # Non-blocking, so that opening a FIFO cannot wait for a writer; what was opened is judged by fstat.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("is not a regular file")
        too_large = UnreadableFile(f"is larger than the limit of {MAX_FILE_BYTES} bytes (1 MiB)")
        if info.st_size > MAX_FILE_BYTES:
            raise too_large
        # Reads sized to the file, not to the limit: a buffer of the limit's size for every file would cost more
        # than the read itself. The file may have grown since fstat: reading goes on to the end or the limit.
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while chunk := os.read(descriptor, min(left, info.st_size + 1 if not chunks else 64 * 1024)):
            chunks.append(chunk)
            left -= len(chunk)
            if not left:
                break
    finally:
        os.close(descriptor)
    if left == 0:
        raise too_large
    return b"".join(chunks)


def load_file(source: SourceFile) -> list[YamlDocument]:
    """The documents of one YAML file; raises ValidationFailed with every problem in it."""
    file = str(source.path)
    try:
        text = read_text(source.path)
    except UnreadableFile as error:
        at = Location(file, error.line or 1, error.column or 1)
        raise ValidationFailed([Problem(at, "", f"the file {error.reason}")]) from error
    return load_yaml(text, file)
