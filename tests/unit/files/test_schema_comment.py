"""The schema comment written files start with: a reference that works in every clone, and the copy it names."""

from __future__ import annotations

from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

import pytest

from assistantsync.errors import AssistantSyncError
from assistantsync.files.schema_comment import (
    SchemaCopy,
    SchemaRef,
    chosen_schema_ref,
    copy_in_the_way,
    schema_comment,
    write_schema_copy,
)
from assistantsync.schema.validate import schema_path

ASSISTANT_COPY = SchemaCopy("assistant.schema.json")
SHIPPED = schema_path("assistant.schema.json").read_bytes()
PINNED = "https://raw.githubusercontent.com/acme/assistantsync/v1.4.0/schemas/assistant.schema.json"


@pytest.mark.parametrize(("file", "reference"), [
    (PurePosixPath("bot.yaml"), "schemas/assistant.schema.json"),
    (PurePosixPath("team/bot.yaml"), "../schemas/assistant.schema.json"),
    (PurePosixPath("a/b/bot.yaml"), "../../schemas/assistant.schema.json"),
    (PureWindowsPath("team\\bot.yaml"), "../schemas/assistant.schema.json"),  # forward slashes on every OS
])
def test_the_copy_is_referenced_relative_to_each_file(file: PurePath, reference: str) -> None:
    assert ASSISTANT_COPY.reference_from(file) == reference


@pytest.mark.parametrize(("ref", "file", "line"), [
    (ASSISTANT_COPY, "bot.yaml", "# yaml-language-server: $schema=schemas/assistant.schema.json\n"),
    (SchemaCopy("agent.schema.json"), "x/bot.yaml", "# yaml-language-server: $schema=../schemas/agent.schema.json\n"),
    (PINNED, "x/bot.yaml", f"# yaml-language-server: $schema={PINNED}\n"),  # as given, whatever the folder
    ("odd\nline", "bot.yaml", '# yaml-language-server: $schema="odd\\nline"\n'),
    (None, "bot.yaml", ""),
])
def test_the_comment_line(ref: SchemaRef, file: str, line: str) -> None:
    assert schema_comment(ref, PurePosixPath(file)) == line


@pytest.mark.parametrize(("value", "chosen"), [
    (None, ASSISTANT_COPY),
    ("none", None),
    (PINNED, PINNED),
    ("../shared/assistant.schema.json", "../shared/assistant.schema.json"),
    ("schemas/my schema.json", "schemas/my schema.json"),
])
def test_schema_ref_choices(value: str | None, chosen: SchemaRef) -> None:
    assert chosen_schema_ref(value, "assistant.schema.json") == chosen


CONTROL = "holds a line break or another control character"
LOCAL = "is an absolute path of this machine, which no clone has"
# (the value, as the refusal shows it, why it is refused)
HOSTILE = [
    ("", "", "is empty"),
    ("  ", "  ", "is empty"),
    ("x.json\nkey: evil", "x.json\\nkey: evil", CONTROL),
    ("x.json\rkey: evil", "x.json\\rkey: evil", CONTROL),
    ("x\u2028y", "x\\u2028y", CONTROL),
    ("\x1b[31mred", "\\x1b[31mred", CONTROL),
    ("x\u202ey.json", "x\\u202ey.json", CONTROL),
    ("/home/me/.venv/lib/site-packages/assistantsync/schemas/assistant.schema.json",
     "/home/me/.venv/lib/site-packages/assistantsync/schemas/assistant.schema.json", LOCAL),
    ("C:\\Users\\me\\assistant.schema.json", "C:\\Users\\me\\assistant.schema.json", LOCAL),
    ("\\\\server\\share\\assistant.schema.json", "\\\\server\\share\\assistant.schema.json", LOCAL),
    ("file:///home/me/assistant.schema.json", "file:///home/me/assistant.schema.json", LOCAL),
]


@pytest.mark.parametrize(("value", "shown", "problem"), HOSTILE)
def test_a_schema_ref_that_cannot_go_into_a_committed_file_is_refused(value: str, shown: str, problem: str) -> None:
    with pytest.raises(AssistantSyncError) as refused:
        chosen_schema_ref(value, "assistant.schema.json")
    assert refused.value.message == (
        f"--schema-ref {shown} {problem}: give a URL (such as the schema file at a pinned tag), a path relative to "
        "each written file, or `none`. Nothing was written.")


# --- the copy ------------------------------------------------------------------------------------------------------

def test_the_copy_is_written_when_missing_or_different_and_left_alone_when_equal(tmp_path: Path) -> None:
    copy = tmp_path / "schemas" / "assistant.schema.json"
    assert write_schema_copy(tmp_path, ASSISTANT_COPY) == copy
    assert copy.read_bytes() == SHIPPED
    inode = copy.stat().st_ino
    assert write_schema_copy(tmp_path, ASSISTANT_COPY) is None
    assert copy.stat().st_ino == inode  # untouched: a rewrite replaces the file
    copy.write_text("{}", encoding="utf-8")
    assert write_schema_copy(tmp_path, ASSISTANT_COPY) == copy
    assert copy.read_bytes() == SHIPPED


def test_a_link_at_the_copy_is_replaced_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_bytes(SHIPPED)  # even holding the very schema, a link is no copy in the clone
    (tmp_path / "out" / "schemas").mkdir(parents=True)
    copy = tmp_path / "out" / "schemas" / "assistant.schema.json"
    copy.symlink_to(outside)
    assert write_schema_copy(tmp_path / "out", ASSISTANT_COPY) == copy
    assert not copy.is_symlink() and copy.read_bytes() == SHIPPED
    assert outside.read_bytes() == SHIPPED and sorted(p.name for p in tmp_path.iterdir()) == ["out", "outside.json"]


def test_what_stands_in_the_way_of_the_copy(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    cases = {"free": None, "schemas-file": "file", "schemas-link": "link", "copy-folder": "folder"}
    for name, obstacle in cases.items():
        out = tmp_path / name
        out.mkdir()
        if obstacle == "file":
            (out / "schemas").write_text("", encoding="utf-8")
        elif obstacle == "link":
            (out / "schemas").symlink_to(tmp_path / "elsewhere")
        elif obstacle == "folder":
            (out / "schemas" / "assistant.schema.json").mkdir(parents=True)
    assert {name: copy_in_the_way(tmp_path / name, ASSISTANT_COPY) for name in cases} == {
        "free": [],
        "schemas-file": [str(tmp_path / "schemas-file" / "schemas")],
        "schemas-link": [str(tmp_path / "schemas-link" / "schemas")],
        "copy-folder": [str(tmp_path / "copy-folder" / "schemas" / "assistant.schema.json")],
    }
