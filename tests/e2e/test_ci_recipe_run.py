"""The GitHub recipe's real shell steps, run in order with bash in a pull request's checkout, against the
served sandbox, with `gh` faked on a JSON file of comments: exit codes, the one sticky comment, the step
summary and the step outputs, for a plan with changes, one without, and plans that fail."""

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
    RUN_URL,
    VALID,
    commit_files,
    fake_gh_on_path,
    github_context,
    github_env,
)
from helpers.ci_steps import StepRun, evaluate, github_steps
from helpers.leakcheck import assert_no_secrets
from helpers.paths import REPO
from helpers.sandbox_server import ServedSandbox

from assistantsync.render.markdown import DEFAULT_MAX_CHARS, MARKER

WORKFLOW: dict[str, Any] = yaml.safe_load((REPO / "examples" / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
BOT = "github-actions[bot]"
SEEDED = [  # two comments before the plan's, so it lands on the fake's second page
    {"id": 1, "issue": 7, "user": {"login": "octocat"}, "body": f"{MARKER}\nquoted by a person: never edited"},
    {"id": 2, "issue": 7, "user": {"login": "octocat"}, "body": "Looks good"},
    {"id": 3, "issue": 8, "user": {"login": BOT}, "body": f"{MARKER}\nanother pull request's plan"},
]
PLAN_STEPS = ("Install assistantsync", "Plan", "Show the plan in the log", "Step summary",
              "Post or update the plan comment")


class Checkout:
    """A pull request's checkout with the fake gh on PATH; runs the recipe's jobs in it."""

    def __init__(self, tmp_path: Path, sandbox: ServedSandbox, files: dict[str, str]) -> None:
        self.root = tmp_path / "repo"
        self.sha = commit_files(self.root, files)
        self.env = github_env(self.root, self.sha, sandbox.base_url)
        self.env["PATH"] = fake_gh_on_path(tmp_path / "bin", Path(self.env["FAKE_GH_STATE"]), SEEDED)

    def run(self, job: str, secret: str, install: str = ":", event: str = "pull_request",
            **variables: str) -> tuple[list[StepRun], str]:
        """The job's steps and its step summary; `variables` replace the job's own."""
        context = github_context(secret)
        summary = self.root.parent / "summary.md"
        summary.write_text("", encoding="utf-8")
        job_env = {k: evaluate(str(v), context) for k, v in {**WORKFLOW["env"], **WORKFLOW["jobs"][job]["env"]}.items()}
        env = {**self.env, **job_env, **variables, "GITHUB_EVENT_NAME": event, "GITHUB_STEP_SUMMARY": str(summary)}
        runs = github_steps(WORKFLOW["jobs"][job]["steps"], env, context, self.root, install)
        assert_no_secrets(*(r.printed for r in runs), env=env)
        return runs, summary.read_text(encoding="utf-8")

    def reviewed(self, plan: Path, head: str) -> None:
        """Make `plan` the one reviewed on pull request 7 (head commit `head`), merged as the checkout's commit."""
        state = self.gh()
        state |= {"commit_pulls": {self.sha: [{"number": 7}]}, "pulls": {"7": {"head": {"sha": head}}},
                  "runs": {head: [{"databaseId": 5}]}, "artifacts": {"5": {"assistantsync-plan": str(plan)}}}
        Path(self.env["FAKE_GH_STATE"]).write_text(json.dumps(state), encoding="utf-8")

    def gh(self) -> dict[str, Any]:
        state: dict[str, Any] = json.loads(Path(self.env["FAKE_GH_STATE"]).read_text(encoding="utf-8"))
        return state


def codes(runs: list[StepRun]) -> list[tuple[str, int | None]]:
    return [(r.name, r.exitcode) for r in runs]


def outputs(runs: list[StepRun], name: str) -> dict[str, str]:
    (run,) = [r for r in runs if r.name == name]
    return dict(run.outputs)


def the_comment(checkout: Checkout) -> str:
    """The body of the one plan comment on the pull request, after checking the others stayed as they were."""
    comments = [c for c in checkout.gh()["comments"] if c["issue"] == int(PULL_REQUEST)]
    assert comments[:2] == SEEDED[:2] and [c["user"]["login"] for c in comments[2:]] == [BOT]
    body: str = comments[2]["body"]
    assert body.split("\n")[0] == MARKER and len(body) <= DEFAULT_MAX_CHARS
    return body


SECRET = "the repository secret"  # replaced by the leak check's fake OPENAI_API_KEY
CASES = [
    # (case, files, applied first, secret set, Plan step's exit, exitcode output, heading says, body says)
    ("changes", VALID, False, True, 0, "2", "create", "weather"),
    ("no changes", VALID, True, True, 0, "0", "no changes", "up to date"),
    ("invalid file", INVALID, False, True, 1, "1", "failed", INVALID_WHERE),
    ("missing credentials", VALID, False, False, 1, "1", "failed", "OPENAI_API_KEY"),
]


@pytest.mark.parametrize(("case", "files", "applied", "secret_set", "plan_exit", "exitcode", "heading", "says"),
                         CASES, ids=[c[0] for c in CASES])
def test_the_plan_job_keeps_one_comment_that_tells_the_outcome(
        tmp_path: Path, sandbox_server: ServedSandbox, case: str,
        files: dict[str, str], applied: bool, secret_set: bool, plan_exit: int, exitcode: str, heading: str,
        says: str) -> None:
    checkout = Checkout(tmp_path, sandbox_server, files)
    secret = checkout.env["OPENAI_API_KEY"] if secret_set else ""
    if applied:
        runs, _ = checkout.run("apply", secret, event="push")
        assert [code for _, code in codes(runs)] == [0] * 5, runs
    for _ in range(2):  # the second run edits the comment the first one posted
        runs, summary = checkout.run("plan", secret)
        assert codes(runs) == list(zip(PLAN_STEPS, [0, plan_exit, 0, 0, 0], strict=True)), runs
        assert outputs(runs, "Plan") == {"exitcode": exitcode}
    body = the_comment(checkout)
    assert heading in body.split("\n")[1] and says in body, body
    assert summary == body
    repo = "repos/acme/assistants/issues"
    assert [call for call in checkout.gh()["calls"] if "/issues/" in call[1]] == [
                                     ["GET", f"{repo}/7/comments"], ["POST", f"{repo}/7/comments"],
                                      ["GET", f"{repo}/7/comments"], ["PATCH", f"{repo}/comments/101"]]


def test_a_failed_plan_replaces_the_comment_of_the_last_push(tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    checkout = Checkout(tmp_path, sandbox_server, VALID)
    secret = checkout.env["OPENAI_API_KEY"]
    checkout.run("plan", secret)
    assert "create" in the_comment(checkout).split("\n")[1]
    commit_files(checkout.root, INVALID)
    runs, _ = checkout.run("plan", secret)
    assert outputs(runs, "Plan") == {"exitcode": "1"}
    body = the_comment(checkout)
    assert "failed" in body.split("\n")[1] and INVALID_WHERE in body and "create" not in body, body


def test_a_tool_that_could_not_be_installed_still_replaces_the_comment(
        tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    checkout = Checkout(tmp_path, sandbox_server, VALID)
    runs, summary = checkout.run("plan", checkout.env["OPENAI_API_KEY"], install="false")
    assert codes(runs) == list(zip(PLAN_STEPS, [1, None, 0, 0, 0], strict=True)), runs
    body = the_comment(checkout)
    assert body == f"{MARKER}\n### assistantsync plan: failed\n\nThe plan printed nothing: see the log of {RUN_URL}\n"
    assert summary == body


def test_the_apply_job_applies_what_the_pull_request_planned(tmp_path: Path, sandbox_server: ServedSandbox) -> None:
    checkout = Checkout(tmp_path, sandbox_server, VALID)
    runs, summary = checkout.run("apply", checkout.env["OPENAI_API_KEY"], event="push")
    assert codes(runs) == [("Install assistantsync", 0), ("Fetch the plan reviewed on the pull request", 0),
                           ("Plan", 0), ("Compare with the reviewed plan", 0), ("Apply", 0)], runs
    assert "No reviewed plan found (pull request: none)" in runs[1].printed
    assert summary.startswith(MARKER) and "create" in summary.split("\n")[1]
    assert sorted(item["assistant"]["name"] for item in sandbox_server.state()["assistants"]) == ["Support", "Weather"]


APPLY_STEPS = ("Install assistantsync", "Fetch the plan reviewed on the pull request", "Plan",
               "Compare with the reviewed plan", "Apply")
REVIEWED = [
    # (case, files merged after the review, REQUIRE_REVIEWED_PLAN, Compare's exit, Apply's exit, Compare says)
    ("fresh", VALID, "false", 0, 0, "The plan matches the reviewed plan."),
    ("stale", {**VALID, "support.yaml": VALID["support.yaml"] + "temperature: 0.2\n"}, "false", 0, 0,
     "::warning::The plan differs from the one reviewed on the pull request"),
    ("stale, review required", {**VALID, "support.yaml": VALID["support.yaml"] + "temperature: 0.2\n"}, "true",
     1, None, "::warning::The plan differs from the one reviewed on the pull request"),
]


@pytest.mark.parametrize(("case", "merged", "require", "compare_exit", "apply_exit", "says"), REVIEWED,
                         ids=[c[0] for c in REVIEWED])
def test_the_apply_job_compares_with_the_plan_reviewed_on_the_pull_request(
        tmp_path: Path, sandbox_server: ServedSandbox, case: str, merged: dict[str, str], require: str,
        compare_exit: int, apply_exit: int | None, says: str) -> None:
    checkout = Checkout(tmp_path, sandbox_server, VALID)
    secret = checkout.env["OPENAI_API_KEY"]
    checkout.run("plan", secret)
    artifact = tmp_path / "artifact" / "plan.json"
    artifact.parent.mkdir()
    (checkout.root / "plan.json").rename(artifact)
    head, checkout.sha = checkout.sha, commit_files(checkout.root, merged)
    checkout.env["GITHUB_SHA"] = checkout.sha
    checkout.reviewed(artifact, head)
    runs, _ = checkout.run("apply", secret, event="push", REQUIRE_REVIEWED_PLAN=require)
    assert codes(runs) == list(zip(APPLY_STEPS, [0, 0, 0, compare_exit, apply_exit], strict=True)), runs
    assert "Reviewed plan: pull request #7, run 5." in runs[1].printed and says in runs[3].printed
    assert len(sandbox_server.state()["assistants"]) == (0 if apply_exit is None else 2)
