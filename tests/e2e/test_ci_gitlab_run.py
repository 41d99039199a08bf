"""The GitLab recipe's real jobs, run as the runner would (before_script and script in one bash, then
after_script in another) in a merge request's checkout, against the served sandbox and a fake GitLab notes
API on loopback: exit codes and the one note per merge request, for a plan with changes, one without, and
plans that fail."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.ci_repo import INVALID, INVALID_WHERE, VALID, commit_files
from helpers.ci_steps import StepRun, gitlab_job
from helpers.fake_gitlab_notes import BOT, FakeGitLab, serve_gitlab_notes
from helpers.leakcheck import assert_no_secrets
from helpers.paths import REPO
from helpers.sandbox_server import ServedSandbox

from assistantsync.render.markdown import DEFAULT_MAX_CHARS, MARKER

PIPELINE: dict[str, Any] = yaml.safe_load((REPO / "examples" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))
TOKEN = "glpat-fake-project-token"
NOTES = "/api/v4/projects/42/merge_requests/7/notes"
SEEDED = [  # two notes before the plan's, so it lands on the fake's second page
    {"id": 1, "body": "Please look at the prompt", "author": {"username": "alice"}, "system": False},
    {"id": 2, "body": "added 1 commit", "author": {"username": "alice"}, "system": True},
]


def job_env(root: Path, sha: str, base_url: str, gitlab: FakeGitLab, secret: str, token: str) -> dict[str, str]:
    """What a GitLab runner sets for a merge request pipeline, with the sandbox as the provider's server."""
    return {**os.environ, "CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": str(root), "CI_COMMIT_SHA": sha,
            "CI_PIPELINE_SOURCE": "merge_request_event", "CI_API_V4_URL": gitlab.api_url, "CI_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_IID": "7", "CI_JOB_URL": "https://gitlab.example.test/acme/assistants/-/jobs/1",
            "ASSISTANTSYNC_GITLAB_TOKEN": token, "ASSISTANTSYNC_BASE_URL": base_url, "OPENAI_API_KEY": secret}


def run_job(job: str, root: Path, env: dict[str, str]) -> tuple[StepRun, StepRun]:
    script, after = gitlab_job(PIPELINE, job, env, root)
    assert_no_secrets(script.printed, after.printed, env=env)
    return script, after


CASES = [
    # (case, files, applied first, secret set, script's exit, heading says, body says)
    ("changes", VALID, False, True, 0, "create", "weather"),
    ("no changes", VALID, True, True, 0, "no changes", "up to date"),
    ("invalid file", INVALID, False, True, 1, "failed", INVALID_WHERE),
    ("missing credentials", VALID, False, False, 1, "failed", "OPENAI_API_KEY"),
]


@pytest.mark.parametrize(("case", "files", "applied", "secret_set", "script_exit", "heading", "says"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_plan_job_keeps_one_note_that_tells_the_outcome(
        tmp_path: Path, sandbox_server: ServedSandbox, case: str, files: dict[str, str], applied: bool,
        secret_set: bool, script_exit: int, heading: str, says: str) -> None:
    root = tmp_path / "repo"
    sha = commit_files(root, files)
    with serve_gitlab_notes(TOKEN) as gitlab:
        gitlab.notes[("42", "7")] = [dict(note) for note in SEEDED]
        secret = os.environ["OPENAI_API_KEY"] if secret_set else ""
        env = job_env(root, sha, sandbox_server.base_url, gitlab, secret, TOKEN)
        if applied:
            assert [run.exitcode for run in run_job("apply", root, env)] == [0, 0]
        for _ in range(2):  # the second run edits the note the first one posted
            script, after = run_job("plan", root, env)
            assert (script.exitcode, after.exitcode) == (script_exit, 0), (script, after)
        notes = gitlab.notes[("42", "7")]
    assert notes[:2] == SEEDED and [n["author"]["username"] for n in notes[2:]] == [BOT]
    body: str = notes[2]["body"]
    assert body.split("\n")[0] == MARKER and heading in body.split("\n")[1] and says in body, body
    assert body == (root / "plan.md").read_text(encoding="utf-8") and len(body) <= DEFAULT_MAX_CHARS
    # First one page of two notes, then two pages: the plan's note is on the second.
    assert gitlab.calls == [("GET", NOTES), ("POST", NOTES), ("GET", NOTES), ("GET", NOTES), ("PUT", f"{NOTES}/101")]


def test_without_a_token_the_plan_runs_and_posts_nothing(tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    root = tmp_path / "repo"
    sha = commit_files(root, VALID)
    with serve_gitlab_notes(TOKEN) as gitlab:
        env = job_env(root, sha, sandbox_server.base_url, gitlab, os.environ["OPENAI_API_KEY"], "")
        script, after = run_job("plan", root, env)
    assert (script.exitcode, after.exitcode, gitlab.calls) == (0, 0, [])


def test_a_tool_that_never_ran_still_replaces_the_note(tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    root = tmp_path / "repo"
    sha = commit_files(root, VALID)
    with serve_gitlab_notes(TOKEN) as gitlab:
        env = job_env(root, sha, sandbox_server.base_url, gitlab, os.environ["OPENAI_API_KEY"], TOKEN)
        script, after = gitlab_job(PIPELINE, "plan", env, root, install="false")
        (note,) = gitlab.notes[("42", "7")]
    assert (script.exitcode, after.exitcode) == (1, 0)
    assert note["body"] == (f"{MARKER}\n### assistantsync plan: failed\n\nThe plan printed nothing: see the log of "
                            "https://gitlab.example.test/acme/assistants/-/jobs/1\n")
