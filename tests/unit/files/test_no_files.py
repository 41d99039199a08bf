"""Paths that declare no assistant or agent are an error, so that a mistyped PATH in CI cannot pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.tree import write

from assistantsync.cli.main import cli
from assistantsync.errors import AssistantSyncError, ValidationFailed
from assistantsync.files.desired import load_desired


@pytest.mark.parametrize(("files", "paths", "message"), [
    ({}, ["empty"], "no assistant or agent files found under empty"),
    ({"docs/README.md": "# not YAML\n", ".hidden/bot.yaml": "model: gpt-4o\n"}, ["docs", ".hidden/.."],
     "no assistant or agent files found under docs and .hidden/.."),
    ({}, ["a", "b", "a"], "no assistant or agent files found under a and b"),
    ({}, ["a\n::error::x%0A::warning::y"],
     "no assistant or agent files found under a\\n::error::x%0A::warning::y"),
], ids=["empty-folder", "no-yaml-and-hidden", "each-path-named-once", "escaped-name"])
def test_paths_without_any_resource_are_an_error_naming_every_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], paths: list[str],
        message: str) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        write(tmp_path / name, text)
    for path in paths:
        Path(path).mkdir(parents=True, exist_ok=True)
    with pytest.raises(AssistantSyncError) as raised:
        load_desired([Path(path) for path in paths])
    assert (type(raised.value), raised.value.message) == (AssistantSyncError, message)


def test_a_missing_path_is_reported_as_before_not_as_an_empty_one(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationFailed) as raised:
        load_desired([tmp_path / "empty", tmp_path / "gone"])
    assert [problem.message for problem in raised.value.problems] == ["no such file or folder"]


@pytest.mark.parametrize("command", [["validate"], ["plan", "--provider", "sandbox"],
                                     ["apply", "--auto-approve", "--provider", "sandbox"],
                                     ["plan", "--prune", "--provider", "sandbox"]])
def test_validate_plan_and_apply_exit_1_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assistants").mkdir()
    (tmp_path / "other").mkdir()
    result = CliRunner().invoke(cli, [*command, "assistants", "other"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "Error: no assistant or agent files found under assistants and other\n")


def test_with_no_path_the_default_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assistants").mkdir()
    result = CliRunner().invoke(cli, ["validate"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "Error: no assistant or agent files found under assistants\n")
