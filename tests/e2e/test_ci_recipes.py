"""The CI recipes in examples/ci, the composite action (action.yml) and the repository's pre-commit hook: valid
YAML, only real commands and flags (checked against the live click command tree), exit code 2 treated as
success where it should be, and the tool installed from git at one pinned revision (it is not on PyPI).
Running the recipes' steps for real: test_ci_recipe_run.py, test_ci_action_run.py, test_ci_gitlab_run.py."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner
from helpers.ci_steps import AFTER_FAILURE, INSTALL
from helpers.paths import REPO as REPO_ROOT
from packaging.requirements import Requirement

from assistantsync.cli.main import cli
from assistantsync.render.markdown import MARKER

REPO = REPO_ROOT
CI = REPO / "examples" / "ci"
GITHUB, GITLAB, HOOKS = CI / "github-actions.yml", CI / "gitlab-ci.yml", REPO / ".pre-commit-hooks.yaml"
ACTION = REPO / "action.yml"
PINNED = 'python -m pip install "assistantsync @ git+$ASSISTANTSYNC_REPO@$ASSISTANTSYNC_REF"'
# `assistantsync` where a shell command starts (not `pip install assistantsync`, not the marker's text).
COMMAND = re.compile(r"(?:^|[;&|(!]|\bthen\b|\bdo\b|\belse\b)[ \t]*assistantsync(?=\s|$)(?P<args>[^;&|>)\n]*)",
                     re.MULTILINE)
STUB = """#!/bin/sh
case "$1" in plan) echo '{}' > plan.json; echo plan; exit "${STUB_PLAN_EXIT:-0}" ;; *) echo "$1"; exit 0 ;; esac
"""


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def github() -> dict[Any, Any]:
    workflow: dict[Any, Any] = load(GITHUB)
    workflow.setdefault("on", workflow.pop(True, None))  # YAML 1.1 reads the bare key `on` as true
    return workflow


def gitlab_jobs() -> dict[str, dict[str, Any]]:
    return {name: job for name, job in load(GITLAB).items() if isinstance(job, dict) and "script" in job}


def github_run_steps() -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, step) for every `run:` step of the workflow's jobs and of the action."""
    for name, job in github()["jobs"].items():
        for step in job["steps"]:
            if "run" in step:
                yield f"github {name}: {step.get('name', step['run'][:30])}", step
    for step in load(ACTION)["runs"]["steps"]:
        if "run" in step:
            yield f"action: {step['name']}", step


def shell_snippets() -> Iterator[tuple[str, str]]:
    for where, step in github_run_steps():
        yield where, step["run"]
    document = load(GITLAB)
    for name, job in document.items():
        for key in ("before_script", "script", "after_script"):
            for line in job.get(key, []) if isinstance(job, dict) else []:
                yield f"gitlab {name}.{key}", line


def invocations(shell: str) -> list[list[str]]:
    text = re.sub(r"\\\n", " ", shell)
    text = "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.split("\n"))
    return [shlex.split(match.group("args")) for match in COMMAND.finditer(text)]


def problems_with(tokens: list[str]) -> list[str]:
    """What in `assistantsync TOKENS` the command tree does not have; empty when all of it exists."""
    command: click.Command = cli
    rest = list(tokens)
    while isinstance(command, click.Group):
        sub = command.get_command(click.Context(command), rest[0]) if rest else None  # lazy ones included
        if sub is None:
            return [f"no command {rest[:1]} in {command.name}"]
        rest.pop(0)
        command = sub
    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in [*p.opts, *p.secondary_opts]}
    takes_arguments = any(isinstance(p, click.Argument) for p in command.params)
    found = []
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            found += [] if takes_arguments else [f"{command.name} takes no argument {token!r}"]
            continue
        name, equals, value = token.partition("=")
        if name not in options:
            found.append(f"{command.name} has no option {name}")
            continue
        option = options[name]
        if not option.is_flag and not equals:
            value = rest.pop(0) if rest else ""
        if isinstance(option.type, click.Choice) and "$" not in value and value not in option.type.choices:
            found.append(f"{command.name} {name} has no choice {value!r}")
    return found


# Waiting for the lead's CLI wiring (issue 5): `show PLAN_FILE --format ...` and `plan --format markdown`.
PENDING = re.compile(r"no command \['show'\]|--format has no choice 'markdown'")


def test_every_invocation_uses_only_commands_and_flags_that_exist() -> None:
    found = [(where, tokens, problem) for where, shell in shell_snippets() for tokens in invocations(shell)
             for problem in problems_with(tokens)]
    real = [entry for entry in found if not PENDING.search(entry[2])]
    assert real == []
    assert len([tokens for _, shell in shell_snippets() for tokens in invocations(shell)]) >= 10
    if found:
        pytest.xfail("the CLI does not have these yet: " + "; ".join(sorted({p for _, _, p in found})))


def test_the_checker_refuses_what_does_not_exist() -> None:
    assert problems_with(["plan", "--detailed-exitcode", "--out", "p.json", "assistants/"]) == []
    assert problems_with(["plan", "--format", "yaml"]) == ["plan --format has no choice 'yaml'"]
    assert problems_with(["plan", "--detailed-exit-code"]) == ["plan has no option --detailed-exit-code"]
    assert problems_with(["deploy"]) == ["no command ['deploy'] in cli"]
    assert invocations("pip install assistantsync && x=$(assistantsync schema path) # assistantsync apply") == [
        ["schema", "path"]]


def run_shell(script: str, tmp_path: Path, plan_exit: int) -> tuple[int, str]:
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    (stubs / "assistantsync").write_text(STUB, encoding="utf-8")
    (stubs / "assistantsync").chmod(0o755)
    (tmp_path / "output").write_text("", encoding="utf-8")
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}", "STUB_PLAN_EXIT": str(plan_exit),
           "GITHUB_OUTPUT": str(tmp_path / "output"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=30, check=False)
    return result.returncode, (tmp_path / "output").read_text(encoding="utf-8")


@pytest.mark.parametrize(("plan_exit", "expected"), [(0, 0), (2, 0), (1, 1)])
def test_exit_2_means_changes_and_is_not_a_failure(tmp_path: Path, plan_exit: int, expected: int) -> None:
    jobs = github()["jobs"]
    (plan_step,) = [s for s in jobs["plan"]["steps"] if s.get("id") == "plan"]
    assert "--detailed-exitcode" in plan_step["run"]
    assert run_shell(plan_step["run"], tmp_path, plan_exit) == (expected, f"exitcode={plan_exit}\n")
    (apply_plan,) = [s for s in jobs["apply"]["steps"] if s.get("name") == "Plan"]
    assert run_shell(apply_plan["run"], tmp_path, plan_exit)[0] == expected
    for job in ("plan", "apply"):
        script = "\n".join(gitlab_jobs()[job]["script"])
        assert "--detailed-exitcode" in script
        assert run_shell(script, tmp_path, plan_exit)[0] == expected


def test_github_workflow_shape() -> None:
    workflow = github()
    assert set(workflow["on"]) == {"pull_request", "push"}
    jobs = workflow["jobs"]
    assert jobs["apply"]["concurrency"]["cancel-in-progress"] is False
    assert jobs["plan"]["permissions"]["pull-requests"] == "write"
    assert "secrets." not in str(jobs["validate"])  # validate needs no credentials
    assert workflow["env"]["MARKER"] == MARKER
    uploaded = [s["with"]["name"] for s in jobs["plan"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert uploaded == ["assistantsync-plan"] and "--name assistantsync-plan" in str(jobs["apply"]["steps"])
    assert "--plan plan.json --auto-approve" in str(jobs["apply"]["steps"][-1]["run"])


def test_github_steps_get_values_through_env_and_run_after_a_failure_only_when_they_say_so() -> None:
    for where, step in github_run_steps():
        assert "${{" not in step["run"], where  # pasted into a script, a value could run as code
        assert step.get("if") in (None, AFTER_FAILURE), where  # the one condition test_ci_*_run.py simulates


def test_every_job_installs_the_tool_from_git_at_the_pinned_revision() -> None:
    workflow = github()
    installs = {name: [s["run"] for s in job["steps"] if INSTALL.search(s.get("run", ""))]
                for name, job in workflow["jobs"].items()}
    assert installs == {"validate": [PINNED], "plan": [PINNED], "apply": [PINNED]}
    document = load(GITLAB)
    assert document["default"]["before_script"] == [PINNED]
    assert not any("before_script" in job for job in gitlab_jobs().values())
    sha = "0123456789abcdef0123456789abcdef01234567"
    for variables in (workflow["env"], document["variables"]):
        assert variables["ASSISTANTSYNC_REF"] == "FULL_COMMIT_SHA"
        line = PINNED.replace("$ASSISTANTSYNC_REPO", variables["ASSISTANTSYNC_REPO"]).replace("$ASSISTANTSYNC_REF", sha)
        requirement = Requirement(shlex.split(line)[-1])
        assert (requirement.name, requirement.url) == ("assistantsync", f"git+https://github.com/OWNER/assistantsync@{sha}")
    (install,) = [s["run"] for s in load(ACTION)["runs"]["steps"] if INSTALL.search(s.get("run", ""))]
    assert install == 'python -m pip install "$GITHUB_ACTION_PATH"'  # the revision in `uses:` is what runs


def test_the_plan_runs_even_when_validate_fails_so_its_comment_says_so() -> None:
    assert "needs" not in github()["jobs"]["plan"] and gitlab_jobs()["plan"]["needs"] == []


def test_action_shape() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"command", "paths", "provider", "base-url", "comment", "plan-file", "args",
                                     "python-version", "github-token"}
    assert {name: spec["value"] for name, spec in action["outputs"].items()} == {
        "exitcode": "${{ steps.run.outputs.exitcode }}", "has-changes": "${{ steps.run.outputs.has-changes }}"}
    assert all(step["shell"] == "bash" for step in action["runs"]["steps"] if "run" in step)
    markers = [step["env"]["MARKER"] for step in action["runs"]["steps"] if "MARKER" in step.get("env", {})]
    assert markers == [MARKER, MARKER]


def test_gitlab_pipeline_shape() -> None:
    jobs = gitlab_jobs()
    assert jobs["apply"]["resource_group"]
    assert f'marker = "{MARKER}"' in "\n".join(jobs["plan"]["after_script"])
    assert jobs["plan"]["artifacts"]["when"] == "always" and "plan.json" in jobs["plan"]["artifacts"]["paths"]


def test_pre_commit_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (hook,) = load(HOOKS)
    assert {"id", "name", "entry", "language"} <= set(hook) and hook["id"] == "assistantsync-validate"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    program, *arguments = shlex.split(hook["entry"])
    assert program == "assistantsync" and problems_with([*arguments, *hook["args"]]) == []
    # pre-commit pip-installs the hook's own repository; the entry is the console script that install makes.
    assert 'assistantsync = "assistantsync.cli.main:entry"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    files = re.compile(hook["files"])
    assert files.search("assistants/prompts/hr.md") and not files.search("src/app.yaml")
    (tmp_path / "assistants").symlink_to(REPO / "examples" / "assistants")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*arguments, *hook["args"]])
    assert (result.exit_code, result.output) == (0, "6 assistants valid\n")


def test_codeowners_lines_name_owners() -> None:
    for line in (CI / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *owners = line.split()
            assert pattern.startswith("/") and owners and all(re.fullmatch(r"@[\w.-]+(/[\w.-]+)?", o) for o in owners)


def test_the_readme_describes_every_recipe() -> None:
    readme = (CI / "README.md").read_text(encoding="utf-8")
    for path in [*CI.iterdir(), HOOKS, ACTION]:
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path.name
