"""The composite action's (action.yml) real shell steps, run in order with bash in a pull request's checkout,
against the served sandbox, installed from GITHUB_ACTION_PATH (this repository; the install line itself is
replaced, the package being installed already) and with `gh` faked: exit codes, outputs, the step summary
and the one sticky comment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.ci_repo import (
    INVALID,
    INVALID_WHERE,
    PULL_REQUEST,
    VALID,
    commit_files,
    fake_gh_on_path,
    github_context,
    github_env,
)
from helpers.ci_steps import StepRun, github_steps
from helpers.leakcheck import assert_no_secrets
from helpers.paths import REPO
from helpers.sandbox_server import ServedSandbox

from assistantsync.render.markdown import DEFAULT_MAX_CHARS, MARKER

ACTION: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = ("Install assistantsync from the action's checkout", "Validate", "Run", "Step summary",
         "Post or update the plan comment")


def run_action(root: Path, env: dict[str, str], **inputs: str) -> tuple[list[StepRun], str]:
    """The action's steps with these inputs (the rest at their defaults), and the step summary."""
    given = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    context = github_context("") | {f"inputs.{name}": value for name, value in given.items()}
    summary = root.parent / "summary.md"
    summary.write_text("", encoding="utf-8")
    step_env = {**env, "GITHUB_ACTION_PATH": str(REPO), "GITHUB_STEP_SUMMARY": str(summary)}
    runs = github_steps(ACTION["runs"]["steps"], step_env, context, root)
    assert_no_secrets(*(r.printed for r in runs), env=step_env)
    return runs, summary.read_text(encoding="utf-8")


def comments(env: dict[str, str]) -> list[dict[str, Any]]:
    state = json.loads(Path(env["FAKE_GH_STATE"]).read_text(encoding="utf-8"))
    return [c for c in state["comments"] if c["issue"] == int(PULL_REQUEST)]


def checkout(tmp_path: Path, sandbox: ServedSandbox, files: dict[str, str],
             secret_set: bool) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    env = github_env(root, commit_files(root, files), sandbox.base_url)
    env["PATH"] = fake_gh_on_path(tmp_path / "bin", Path(env["FAKE_GH_STATE"]), [])
    env = {k: v for k, v in env.items() if k != "ASSISTANTSYNC_BASE_URL"}  # the action's input says where
    if not secret_set:
        env["OPENAI_API_KEY"] = ""
    return root, env


CASES = [
    # (case, files, applied first, secret set, Run's exit, outputs, heading says, body says)
    ("changes", VALID, False, True, 0, {"has-changes": "true", "exitcode": "2"}, "create", "weather"),
    ("no changes", VALID, True, True, 0, {"has-changes": "false", "exitcode": "0"}, "no changes", "up to date"),
    ("invalid file", INVALID, False, True, 1, {"has-changes": "false", "exitcode": "1"}, "failed", INVALID_WHERE),
    ("missing credentials", VALID, False, False, 1, {"has-changes": "false", "exitcode": "1"}, "failed",
     "OPENAI_API_KEY"),
]


@pytest.mark.parametrize(("case", "files", "applied", "secret_set", "run_exit", "outputs", "heading", "says"),
                         CASES, ids=[c[0] for c in CASES])
def test_plan_keeps_one_comment_that_tells_the_outcome(
        tmp_path: Path, sandbox_server: ServedSandbox, case: str, files: dict[str, str], applied: bool,
        secret_set: bool, run_exit: int, outputs: dict[str, str], heading: str, says: str) -> None:
    root, env = checkout(tmp_path, sandbox_server, files, secret_set)
    where = {"provider": "openai", "base-url": sandbox_server.base_url}
    if applied:
        runs, _ = run_action(root, env, command="apply", **where)
        assert dict(runs[2].outputs) == {"has-changes": "true", "exitcode": "0"}, runs
    for _ in range(2):  # the second run edits the comment the first one posted
        runs, summary = run_action(root, env, **where)
        assert [(r.name, r.exitcode) for r in runs] == list(zip(STEPS, [0, 0, run_exit, 0, 0], strict=True)), runs
        assert dict(runs[2].outputs) == outputs
    (comment,) = comments(env)
    body: str = comment["body"]
    assert body.split("\n")[0] == MARKER and heading in body.split("\n")[1] and says in body, body
    assert summary == body == (root / "plan.md").read_text(encoding="utf-8") and len(body) <= DEFAULT_MAX_CHARS
    annotated = "::error file=assistants/weather.yaml,line=3,col=1,title=assistantsync::" in runs[1].printed
    assert annotated is (case == "invalid file")


def test_apply_applies_and_a_plan_after_it_is_clean(tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    root, env = checkout(tmp_path, sandbox_server, VALID, secret_set=True)
    where = {"provider": "openai", "base-url": sandbox_server.base_url, "comment": "false"}
    runs, summary = run_action(root, env, command="apply", **where)
    assert [(r.name, r.exitcode) for r in runs] == list(zip(STEPS, [0] * 5, strict=True)), runs
    assert dict(runs[2].outputs) == {"has-changes": "true", "exitcode": "0"}
    assert summary.startswith(MARKER) and "create" in summary.split("\n")[1]
    assert sorted(item["assistant"]["name"] for item in sandbox_server.state()["assistants"]) == ["Support", "Weather"]
    runs, _ = run_action(root, env, **where)
    assert dict(runs[2].outputs) == {"has-changes": "false", "exitcode": "0"}
    assert comments(env) == []  # comment: false


def test_an_unknown_command_fails_and_still_replaces_the_comment(tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    root, env = checkout(tmp_path, sandbox_server, VALID, secret_set=True)
    runs, _ = run_action(root, env, command="destroy", provider="openai", **{"base-url": sandbox_server.base_url})
    assert [(r.name, r.exitcode) for r in runs] == list(zip(STEPS, [0, 0, 1, 0, 0], strict=True)), runs
    assert "::error title=assistantsync::command must be plan or apply" in runs[2].printed
    (comment,) = comments(env)
    assert comment["body"].startswith(f"{MARKER}\n### assistantsync plan: failed\n\nThe plan printed nothing")
