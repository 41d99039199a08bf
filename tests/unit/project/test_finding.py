"""Which project file a run uses: the flag wins over the variable, the variable over ./assistantsync.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.project.finding import ProjectFileMissing, project_path

ENV = "ASSISTANTSYNC_PROJECT"


@pytest.mark.parametrize(("files", "flag", "environ", "expected"), [
    ([], None, {}, None),  # no project: everything works as without projects
    (["assistantsync.yaml"], None, {}, "assistantsync.yaml"),
    (["assistantsync.yaml", "env.yaml"], None, {ENV: "env.yaml"}, "env.yaml"),
    (["assistantsync.yaml", "env.yaml", "flag.yaml"], "flag.yaml", {ENV: "env.yaml"}, "flag.yaml"),
    (["flag.yaml"], "flag.yaml", {}, "flag.yaml"),
    (["sub/p.yaml"], "sub/p.yaml", {}, "sub/p.yaml"),
    (["assistantsync.yaml"], "", {ENV: ""}, "assistantsync.yaml"),  # empty counts as unset
    (["assistantsync.yml"], None, {}, None),  # only the exact name is found
    (["sub/assistantsync.yaml"], None, {}, None),  # the current folder only, not its subfolders
], ids=["none", "cwd", "env-over-cwd", "flag-over-env", "flag", "flag-subfolder", "empty", "yml", "subfolder"])
def test_the_project_file_chosen(tmp_path: Path, files: list[str], flag: str | None, environ: dict[str, str],
                                 expected: str | None) -> None:
    for name in files:
        write(tmp_path / name, "policy: {}\n")
    assert project_path(flag, environ, tmp_path) == (None if expected is None else Path(expected))


def test_an_absolute_name_is_kept(tmp_path: Path) -> None:
    named = write(tmp_path / "p.yaml", "policy: {}\n")
    assert project_path(str(named), {}, Path("/nonexistent")) == named


@pytest.mark.parametrize(("flag", "environ", "message"), [
    ("nope.yaml", {}, "the project file nope.yaml (named by --project) does not exist"),
    (None, {ENV: "nope.yaml"}, "the project file nope.yaml (named by ASSISTANTSYNC_PROJECT) does not exist"),
    ("nope.yaml", {ENV: "assistantsync.yaml"}, "the project file nope.yaml (named by --project) does not exist"),
])
def test_a_named_file_that_does_not_exist_is_an_error(tmp_path: Path, flag: str | None, environ: dict[str, str],
                                                      message: str) -> None:
    write(tmp_path / "assistantsync.yaml", "policy: {}\n")  # never a silent fallback to the default
    with pytest.raises(ProjectFileMissing) as raised:
        project_path(flag, environ, tmp_path)
    assert str(raised.value) == message
