"""Which project file a run uses: `--project FILE`, else ASSISTANTSYNC_PROJECT, else ./assistantsync.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from assistantsync.errors import AssistantSyncError
from assistantsync.project.file_format import PROJECT_FILE, PROJECT_VARIABLE


class ProjectFileMissing(AssistantSyncError):
    """A project file named by the flag or the variable does not exist."""


def project_path(flag: str | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The project file to load, as the user named it (relative paths are relative to `cwd`); None when there is
    none, and then everything works as without projects. The flag wins over the variable, the variable over the
    file in `cwd`. A file the flag or the variable names must exist: a typo there would otherwise silently drop
    every environment and policy. An empty flag or variable counts as unset."""
    for named, source in ((flag, "--project"), (environ.get(PROJECT_VARIABLE), PROJECT_VARIABLE)):
        if named:
            if not (cwd / named).exists():
                raise ProjectFileMissing(f"the project file {named} (named by {source}) does not exist")
            return Path(named)
    return Path(PROJECT_FILE) if (cwd / PROJECT_FILE).exists() else None
