"""write_text_replacing: a link at the path is replaced (its target untouched), a bad folder is a message."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assistantsync.errors import AssistantSyncError
from assistantsync.files.safe_write import write_text_replacing

FIX = ("check that each folder on the path is a real folder (not a file, nor a link to a missing one) that you "
       "can write to, or choose another --out")


def lay_out(root: Path) -> None:
    (root / "outside.txt").write_text("keep me", encoding="utf-8")
    (root / "to-file").symlink_to(root / "outside.txt")
    (root / "to-nowhere").symlink_to(root / "missing" / "folder" / "plan.json")
    (root / "gone").symlink_to(root / "missing" / "folder", target_is_directory=True)
    (root / "a-file").write_text("", encoding="utf-8")


@pytest.mark.parametrize("name", ["to-file", "to-nowhere", "new.json", "made/on/the/way.json"])
def test_writes_at_the_path_replacing_a_link_and_leaving_its_target_alone(tmp_path: Path, name: str) -> None:
    lay_out(tmp_path)
    write_text_replacing(tmp_path / name, "é plan\n")
    written = tmp_path / name
    assert not written.is_symlink() and written.read_bytes() == "é plan\n".encode()
    assert (tmp_path / "outside.txt").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "missing").exists()
    assert not [p.name for p in written.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(("name", "reason"), [
    ("gone/plan.json", "File exists"),  # mkdir cannot make a folder where a dangling link is
    ("a-file/plan.json", "File exists"),
    ("a-file/deeper/plan.json", "Not a directory"),
])
def test_a_folder_that_cannot_be_one_is_a_message(tmp_path: Path, name: str, reason: str) -> None:
    lay_out(tmp_path)
    with pytest.raises(AssistantSyncError) as raised:
        write_text_replacing(tmp_path / name, "plan\n")
    assert raised.value.message == f"cannot write {tmp_path / name}: {reason}; {FIX}"
    assert not (tmp_path / "missing").exists()


def test_the_mode_is_what_open_would_give_under_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        write_text_replacing(tmp_path / "plan.json", "{}\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "plan.json").stat().st_mode) == 0o640
