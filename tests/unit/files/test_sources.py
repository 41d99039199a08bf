from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import Location, Problem, ValidationFailed
from assistantsync.files.sources import MAX_FILE_BYTES, UnreadableFile, find_sources, load_file, read_text


def test_walks_folders_recursively_in_a_stable_order(in_tmp: Path) -> None:
    for name in ["b.yaml", "a.yml", "sub/z.yaml", "sub/deeper/c.YAML", "notes.md", "schema.json",
                 ".hidden.yaml", ".github/workflows/ci.yaml"]:
        write(in_tmp / "assistants" / name, "model: x\n")
    sources, problems = find_sources([Path("assistants")])
    assert problems == []
    assert [str(s.path) for s in sources] == [
        "assistants/a.yml", "assistants/b.yaml", "assistants/sub/z.yaml", "assistants/sub/deeper/c.YAML",
    ]
    assert {s.root for s in sources} == {in_tmp / "assistants"}
    assert {s.root_label for s in sources} == {"assistants"}
    assert not any(s.explicit for s in sources)


def test_a_missing_path_is_a_problem_not_a_traceback(in_tmp: Path) -> None:
    assert find_sources([Path("nowhere"), Path("gone.yaml")]) == (
        [], [Problem(Location("nowhere"), "", "no such file or folder"),
             Problem(Location("gone.yaml"), "", "no such file or folder")])


def test_a_file_is_loaded_once_however_often_it_is_named(in_tmp: Path) -> None:
    write(in_tmp / "assistants/a.yaml", "model: x\n")
    sources, _ = find_sources([Path("assistants/a.yaml"), Path("assistants"), Path("./assistants/a.yaml")])
    assert [(str(s.path), s.explicit) for s in sources] == [("assistants/a.yaml", True)]


def test_root_of_a_file_inside_the_current_folder_is_the_current_folder(in_tmp: Path) -> None:
    write(in_tmp / "assistants/a.yaml", "model: x\n")
    [source], _ = find_sources([Path("assistants/a.yaml")])
    assert (source.root, source.root_label, source.explicit) == (in_tmp, ".", True)


def test_root_of_a_file_outside_the_current_folder_is_its_own_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = write(tmp_path / "outside/a.yaml", "model: x\n")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    [source], _ = find_sources([Path("../outside/a.yaml")])
    assert (source.root, source.root_label) == (outside.parent, "../outside")


def test_an_explicit_root_wins(in_tmp: Path) -> None:
    write(in_tmp / "repo/assistants/a.yaml", "model: x\n")
    sources, _ = find_sources([Path("repo/assistants"), Path("repo/assistants/a.yaml")], root=Path("repo"))
    assert [(s.root, s.root_label) for s in sources] == [(in_tmp / "repo", "repo")]


def test_a_walked_symlink_to_a_file_outside_the_root_is_refused(in_tmp: Path) -> None:
    write(in_tmp / "secret.yaml", "model: x\n")
    write(in_tmp / "assistants/inside.yaml", "model: x\n")
    (in_tmp / "assistants/outside.yaml").symlink_to(in_tmp / "secret.yaml")
    (in_tmp / "assistants/again.yaml").symlink_to(in_tmp / "assistants/inside.yaml")
    (in_tmp / "assistants/linked-folder").symlink_to(in_tmp, target_is_directory=True)
    sources, problems = find_sources([Path("assistants")])
    assert [str(s.path) for s in sources] == ["assistants/again.yaml"]  # same real file as inside.yaml
    assert problems == [Problem(Location("assistants/outside.yaml", 1, 1), "",
                                "the file links to a file outside assistants; it is not loaded")]


def test_read_text_strips_a_bom_and_keeps_everything_else(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "\ufeffLine one\r\nLine two\r\n\ufeff\n".encode())
    assert read_text(path) == "Line one\r\nLine two\r\n\ufeff\n"


def test_read_text_accepts_exactly_the_size_limit(tmp_path: Path) -> None:
    assert len(read_text(write(tmp_path / "p.md", b"x" * MAX_FILE_BYTES))) == MAX_FILE_BYTES


@pytest.mark.parametrize(("size", "reported", "reason"), [
    (150_000, 0, None), (150_000, 10, None), (150_000, 149_999, None),
    (MAX_FILE_BYTES + 1, 0, "is larger than the limit of 1048576 bytes (1 MiB)"),
], ids=["zero", "short", "one-byte-short", "past-the-limit"])
def test_read_text_reads_past_the_size_fstat_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, reported: int, reason: str | None,
) -> None:
    # A file that grew after fstat, or a Linux /proc file (fstat says 0 bytes): reads are sized to fstat's
    # answer first, then go on to the end, and the size limit still holds.
    content = (b"0123456789abcde\n" * (size // 16 + 1))[:size]
    path = write(tmp_path / "p.md", content)
    real_fstat = os.fstat

    def fstat_of_a_smaller_file(descriptor: int) -> os.stat_result:
        info = real_fstat(descriptor)
        return os.stat_result((*info[:6], reported, *info[7:10]))

    monkeypatch.setattr(os, "fstat", fstat_of_a_smaller_file)
    if reason is None:
        assert read_text(path) == content.decode()
    else:
        with pytest.raises(UnreadableFile) as refused:
            read_text(path)
        assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("content", "reason", "line", "column"),
    [
        (b"x" * (MAX_FILE_BYTES + 1), "is larger than the limit of 1048576 bytes (1 MiB)", 0, 0),
        (b"ok\nd\xc3\xa9j\xe0 vu\n", "is not UTF-8 text (byte 0xe0)", 2, 4),
        (b"\xff\xfem\x00", "is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8", 1, 1),
        (b"\xfe\xff\x00m", "is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8", 1, 1),
        (b"\xff\xfe\x00\x00m\x00\x00\x00",
         "is UTF-32 text (it starts with a UTF-32 byte-order mark): save it as UTF-8", 1, 1),
        (b"\x00\x00\xfe\xff\x00\x00\x00m",
         "is UTF-32 text (it starts with a UTF-32 byte-order mark): save it as UTF-8", 1, 1),
        (b"text\nbefore \xc3\xa9\x00 a NUL\n", "holds a NUL byte, so git treats it as binary, not text", 2, 9),
    ],
    ids=["too-large", "latin-1", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "nul"],
)
def test_read_text_refuses(tmp_path: Path, content: bytes, reason: str, line: int, column: int) -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_text(write(tmp_path / "f", content))
    assert (refused.value.reason, refused.value.line, refused.value.column) == (reason, line, column)


def test_read_text_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")  # opening it would block forever
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    reasons = {}
    for name in ["fifo", "loop", "missing"]:
        with pytest.raises(UnreadableFile) as refused:
            read_text(tmp_path / name)
        reasons[name] = refused.value.reason
    with pytest.raises(UnreadableFile, match="is a folder, not a file"):
        read_text(tmp_path)
    with pytest.raises(UnreadableFile, match="is not a regular file"):
        read_text(Path("/dev/zero"))  # endless: refused before a byte is read
    assert reasons == {"fifo": "is not a regular file", "missing": "does not exist",
                       "loop": "cannot be read: Too many levels of symbolic links"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"model: x\nname: caf\xe9\n", "f.yaml:2:10: the file is not UTF-8 text (byte 0xe9)"),
        (b"model: " + b"x" * MAX_FILE_BYTES, "f.yaml:1:1: the file is larger than the limit of 1048576 bytes (1 MiB)"),
        (b"model: x\nname: [\n", "f.yaml:3:1: not valid YAML: while parsing a flow node at line 3: "
                                 "expected the node content, but found '<stream end>'"),
    ],
    ids=["not-utf8", "too-large", "not-yaml"],
)
def test_load_file_reports_located_problems(in_tmp: Path, content: bytes, expected: str) -> None:
    write(in_tmp / "f.yaml", content)
    [source], _ = find_sources([Path("f.yaml")])
    with pytest.raises(ValidationFailed) as failed:
        load_file(source)
    assert [str(problem) for problem in failed.value.problems] == [expected]


def test_load_file_accepts_a_bom_and_crlf(in_tmp: Path) -> None:
    write(in_tmp / "f.yaml", b"\xef\xbb\xbfmodel: x\r\nname: y\r\n")
    [source], _ = find_sources([Path("f.yaml")])
    [document] = load_file(source)
    assert document.data == {"model": "x", "name": "y"}
    assert document.positions[("name",)] == Location("f.yaml", 2, 1)


def test_file_names_that_would_print_as_something_else_are_refused(in_tmp: Path) -> None:
    for name in ["ok.yaml", "two\nlines.yaml", "rtl\u202egnp.yaml", "sub/bell\x07/a.yaml"]:
        write(in_tmp / "assistants" / name, "model: x\n")
    Path(os.fsdecode(b"assistants/caf\xe9.yaml")).write_text("model: x\n", encoding="utf-8")
    sources, problems = find_sources([Path("assistants"), Path("assistants/two\nlines.yaml")])
    assert [str(s.path) for s in sources] == ["assistants/ok.yaml"]
    assert [(p.location, p.message) for p in problems] == [
        (Location("assistants/caf\udce9.yaml", 1, 1), "the file name holds bytes that are not UTF-8; rename the file"),
        (Location("assistants/rtl\u202egnp.yaml", 1, 1),
         "the file name holds the character U+202E (RIGHT-TO-LEFT OVERRIDE); rename the file"),
        (Location("assistants/two\nlines.yaml", 1, 1), "the file name holds the character U+000A; rename the file"),
        (Location("assistants/sub/bell\x07/a.yaml", 1, 1),
         "the file name holds the character U+0007; rename the file"),
    ]

