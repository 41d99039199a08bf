"""The YAML loader's cap on what a file expands to: one long string repeated by aliases is a few values but
gigabytes of text once a plan writes each use out (issue 14, defect 3). Counted while composing, so a refused
file is never expanded; the value-count and nesting limits stay as they were (test_yaml_read.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistantsync.cli.main import cli
from assistantsync.errors import ValidationFailed
from assistantsync.files import yaml_read
from assistantsync.files.sources import MAX_FILE_BYTES
from assistantsync.files.yaml_read import MAX_ALIAS_NODES, MAX_CHARACTERS, load_yaml

REFUSED = f"the file expands to more than {MAX_CHARACTERS} characters through aliases; use fewer aliases of long values"
LONG = "x" * 100_000
HALF_MILLION = "y" * 500_000
LONG_KEY = "k" * 100_000


def problems_of(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        load_yaml(text, "f.yaml")
    return [str(problem) for problem in failed.value.problems]


def aliases(name: str, count: int) -> str:
    return "[" + ", ".join([f"*{name}"] * count) + "]"


@pytest.mark.parametrize(
    ("text", "location"),
    [
        # The defect's shape, scaled down: 50 uses of a 100,000-character string; the 41st alias is one too many.
        (f"model: m\nname: &s {LONG}\ntools: {aliases('s', 50)}\n", f"3:{9 + 4 * 40}"),
        # Keys count at every use too: a mapping whose one key is long, repeated through aliases.
        (f"base: &b\n  ? {LONG_KEY}\n  : 1\nlist: {aliases('b', 50)}\n", f"4:{8 + 4 * 40}"),
        # Merged through `<<`, the same way.
        (f"base: &b\n  ? {LONG_KEY}\n  : 1\n" + "".join(f"m{n}: {{<<: *b}}\n" for n in range(50)), "44:11"),
        # Per file, not per document: the third document's second alias is the one too many.
        ("".join(f"---\nmodel: m\nname: &s {HALF_MILLION}\ntools: [*s, *s]\n" for _ in range(3)), "12:13"),
    ],
    ids=["string-in-a-list", "long-key", "merge-key", "across-documents"],
)
def test_refuses_a_file_that_aliases_expand_beyond_the_cap(text: str, location: str) -> None:
    assert len(text) < MAX_FILE_BYTES * 2  # the text is small; only its expansion is large
    assert problems_of(text) == [f"f.yaml:{location}: {REFUSED}"]


def test_loads_a_file_that_expands_to_just_under_the_cap() -> None:
    text = "s: &s " + "z" * 1_000_000 + "\nl: " + aliases("s", 3) + "\n"  # 4,000,005 characters, keys included
    [document] = load_yaml(text, "f.yaml")
    assert document.data["l"] == ["z" * 1_000_000] * 3


def test_the_cap_is_reached_only_through_aliases() -> None:
    # A file without aliases holds at most MAX_FILE_BYTES, far below the cap; the alias value limit alone lets a
    # file under the size limit expand to gigabytes, which is what the cap is for.
    assert MAX_FILE_BYTES < MAX_CHARACTERS < (MAX_FILE_BYTES // 2) * MAX_ALIAS_NODES


def test_either_reader_refuses_a_file_beyond_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml reads files without aliases; lowered, the cap applies to them as well, worded by PyYAML's reader.
    monkeypatch.setattr(yaml_read, "MAX_CHARACTERS", 20)
    assert problems_of("name: abcdefghij\nmodel: klmnopqrstu\n") == [
        "f.yaml:2:8: the file expands to more than 20 characters through aliases; use fewer aliases of long values"]
    assert load_yaml("name: abc\nmodel: klmn\n", "f.yaml")  # 16 characters, keys included


def test_validate_and_plan_refuse_it_with_every_other_problem(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "assistants"
    folder.mkdir()
    (folder / "bomb.yaml").write_text(f"model: gpt-4o\nname: &s {LONG}\ntools: {aliases('s', 50)}\n")
    (folder / "other.yaml").write_text("model: gpt-4o\ncolour: red\n")
    state = tmp_path / "state.json"
    for command in (["validate"], ["plan", "--provider", "sandbox", "--sandbox-state", str(state)]):
        result = CliRunner().invoke(cli, command, catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert f"assistants/bomb.yaml:3:{9 + 4 * 40}: {REFUSED}" in result.stderr.splitlines()
        assert any(line.startswith("assistants/other.yaml:2:1: colour: unknown field") for line in
                   result.stderr.splitlines())
    assert not state.exists()  # plan stopped before any request
