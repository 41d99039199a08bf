"""Writing the files a command makes (`plan --out`, `import --out`): never through a link, never a traceback.

A temporary file in the same folder, then os.replace: chosen over O_NOFOLLOW because the rename replaces a
symlink at the path instead of following it (its target is never opened, with no check-then-write race),
and a reader, or a failure half way, never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePath

from assistantsync.errors import AssistantSyncError
from assistantsync.safe_text import shown


def write_text_replacing(path: Path, text: str) -> None:
    """Write `text` as UTF-8 at `path`, making its folders; a symlink at `path` is replaced, not followed.

    The file gets the mode open() would give it (0666 less the umask), not mkstemp's 0600. Any OS failure
    (a folder that is a file or a link into nowhere, no permission, a full disk) is an AssistantSyncError.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        raise _cannot_write(path, error) from None
    finally:
        with contextlib.suppress(FileNotFoundError):  # gone once replaced; left behind only by a failure
            os.unlink(temporary)


def refuse_linked_folders(out_dir: Path, files: Iterable[PurePath]) -> None:
    """Refuse, before any write, when a folder between `out_dir` and one of `files` (relative to it) is a link: it
    would carry the file out of the folder given. `out_dir` itself, and the folders above it, are the user's choice.
    """
    links = sorted({str(folder) for file in files for folder in _inside(out_dir, file) if folder.is_symlink()})
    if links:
        named = ", ".join(shown(link) for link in links)
        raise AssistantSyncError(f"{named} {'is a link' if len(links) == 1 else 'are links'} inside "
                                 f"{shown(str(out_dir))}, and files are written only inside the folder given, never "
                                 "through a link: replace it with a real folder, or choose another --out. Nothing "
                                 "was written.")


def _inside(out_dir: Path, file: PurePath) -> list[Path]:
    """The folders from `out_dir` (excluded) down to `file`'s own folder."""
    return [out_dir.joinpath(*file.parts[:depth]) for depth in range(1, len(file.parts))]


def _cannot_write(path: Path, error: OSError) -> AssistantSyncError:
    reason = error.strerror or type(error).__name__
    return AssistantSyncError(f"cannot write {shown(str(path))}: {reason}; check that each folder on the path is "
                              "a real folder (not a file, nor a link to a missing one) that you can write to, "
                              "or choose another --out")


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask
