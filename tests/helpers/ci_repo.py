"""A pull request's checkout for running the CI recipes locally: a temp git repository holding assistant
files, and the environment a CI service would give the recipes' steps there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

VALID = {
    "weather.yaml": "model: gpt-4o-mini\nname: Weather\ninstructions: Report the weather in one sentence.\n",
    "support.yaml": "model: gpt-4o-mini\nname: Support\ninstructions: Answer support questions.\n",
}
INVALID = {**VALID, "weather.yaml": "model: gpt-4o-mini\nname: Weather\ndescripton: a typo\n"}
INVALID_WHERE = "assistants/weather.yaml:3:1"  # what the failed comment names
REPOSITORY = "acme/assistants"  # GITHUB_REPOSITORY
RUN_URL = f"https://github.com/{REPOSITORY}/actions/runs/1"
PULL_REQUEST = "7"
FAKE_GH = Path(__file__).with_name("fake_gh.py")


def commit_files(root: Path, files: Mapping[str, str]) -> str:
    """Replace assistants/ with `files` in the repository at `root` (made if missing); the commit's sha."""
    def git(*arguments: str) -> str:
        return subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, text=True,
                              check=True).stdout.strip()

    if not (root / ".git").exists():
        root.mkdir(parents=True, exist_ok=True)
        git("init", "-q")
    folder = root / "assistants"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    git("add", "-A", "assistants")
    git("-c", "user.name=ci", "-c", "user.email=ci@example.test", "commit", "-q", "--allow-empty", "-m", "files")
    return git("rev-parse", "HEAD")


def fake_gh_on_path(folder: Path, state: Path, comments: list[dict[str, object]]) -> str:
    """A PATH whose `gh` is the fake (helpers/fake_gh.py) on `state`, seeded with `comments`."""
    folder.mkdir(exist_ok=True)
    (folder / "gh").write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_GH}" "$@"\n', encoding="utf-8")
    (folder / "gh").chmod(0o755)
    state.write_text(json.dumps({"comments": comments, "next_id": 100, "calls": []}), encoding="utf-8")
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def github_env(root: Path, sha: str, base_url: str) -> dict[str, str]:
    """What a GitHub runner sets for a pull request's run, the sandbox as the provider's server, and the fake
    gh's state file."""
    state = root.parent / "gh-state.json"
    return {**os.environ, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_EVENT_NAME": "pull_request", "GITHUB_SHA": sha, "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "1", "ASSISTANTSYNC_BASE_URL": base_url, "FAKE_GH_STATE": str(state)}


def github_context(secret: str) -> dict[str, str]:
    """The values of the `${{ }}` expressions the GitHub recipes use."""
    return {"secrets.OPENAI_API_KEY": secret, "github.token": "ghs-fake-workflow-token",
            "github.event.pull_request.number": PULL_REQUEST, "github.server_url": "https://github.com",
            "github.repository": REPOSITORY, "github.run_id": "1"}
