"""examples/ci/github-promotion.yml: real commands and flags only, dev applied on main and prod on a tag or a
manual run behind the `prod` environment, and the pull request's plans joined into one comment under one
marker line, a section per environment, whatever each plan's outcome."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e.test_ci_recipes import PINNED, invocations, problems_with
from helpers.ci_steps import bash
from helpers.paths import REPO

from assistantsync.render.markdown import MARKER

RECIPE = REPO / "examples" / "ci" / "github-promotion.yml"
# Prints what `plan --env NAME --format markdown` prints (a whole comment, headed by the marker), and exits
# with $STUB_EXIT_<NAME>.
STUB = """#!/bin/sh
name=""
while [ $# -gt 0 ]; do [ "$1" = "--env" ] && name="$2"; shift; done
printf '%s\\n### assistantsync plan \\302\\267 %s: 1 to create\\n\\nbody of %s\\n' '<!-- assistantsync-plan -->' \
  "$name" "$name"
eval "size=\\${STUB_BODY_$name:-0}"
[ "$size" -gt 0 ] && head -c "$size" /dev/zero | tr '\\0' x && echo
eval "exit \\${STUB_EXIT_$name:-0}"
"""


def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    data.setdefault("on", data.pop(True, None))  # YAML 1.1 reads the bare key `on` as true
    return data


def run_steps() -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow()["jobs"].items() for step in job["steps"] if "run" in step]


def test_every_invocation_uses_only_commands_and_flags_that_exist() -> None:
    found = [tokens for _, step in run_steps() for tokens in invocations(step["run"])]
    assert [(tokens, problems_with(tokens)) for tokens in found if problems_with(tokens)] == []
    assert ["plan", "assistants/", "--env", "$name", "--format", "markdown", "--detailed-exitcode"] in found
    assert found.count(["apply", "--plan", "plan.json", "--auto-approve"]) == 2


def test_promotion_shape() -> None:
    data = workflow()
    assert data["on"]["push"] == {"branches": ["main"], "tags": ["v*"]} and "workflow_dispatch" in data["on"]
    assert data["env"]["MARKER"] == MARKER and data["env"]["ENVIRONMENTS"] == "dev prod"
    jobs = data["jobs"]
    for name in ("dev", "prod"):
        job = jobs[f"apply-{name}"]
        assert job["environment"] == name and job["concurrency"]["cancel-in-progress"] is False
        assert f"--env {name} --out plan.json" in str(job["steps"])
        assert list(job["env"]) == [f"{name.upper()}_OPENAI_API_KEY"]  # each job gets its own credential only
    assert jobs["apply-dev"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert "refs/tags/v" in jobs["apply-prod"]["if"] and "workflow_dispatch" in jobs["apply-prod"]["if"]
    assert "secrets." not in str(jobs["validate"])
    installs = [step["run"] for _, step in run_steps() if step.get("name") == "Install assistantsync"]
    assert installs == [PINNED] * 4
    for where, step in run_steps():
        assert "${{" not in step["run"], where  # values reach scripts through env:, never pasted into code


def plan_step_run(tmp_path: Path, exits: dict[str, int], bodies: dict[str, int] | None = None) -> tuple[int, str]:
    (plan_step,) = [step for name, step in run_steps() if name == "plan" and "Plan every" in step.get("name", "")]
    stubs = tmp_path / "bin"
    stubs.mkdir()
    (stubs / "assistantsync").write_text(STUB, encoding="utf-8")
    (stubs / "assistantsync").chmod(0o755)
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}", "ENVIRONMENTS": "dev prod",
           **{f"STUB_EXIT_{name}": str(code) for name, code in exits.items()},
           **{f"STUB_BODY_{name}": str(size) for name, size in (bodies or {}).items()}}
    code, _ = bash(plan_step["run"], env, tmp_path)
    return code, (tmp_path / "plan.md").read_text(encoding="utf-8")


JOINED = (f"{MARKER}\n### assistantsync plan · dev: 1 to create\n\nbody of dev\n\n---\n\n"
          "### assistantsync plan · prod: 1 to create\n\nbody of prod\n")


@pytest.mark.parametrize(("exits", "expected"), [({"dev": 0, "prod": 2}, 0), ({"dev": 2, "prod": 2}, 0),
                                                 ({"dev": 1, "prod": 0}, 1), ({"dev": 0, "prod": 1}, 1)])
def test_one_comment_a_section_per_environment(tmp_path: Path, exits: dict[str, int], expected: int) -> None:
    assert plan_step_run(tmp_path, exits) == (expected, JOINED)


def test_a_section_that_would_pass_githubs_limit_goes_to_the_step_summary_only(tmp_path: Path) -> None:
    """Two environments' comments may each take up to 65,000 characters: joined, GitHub would refuse them."""
    code, joined = plan_step_run(tmp_path, {"dev": 2, "prod": 2}, {"dev": 40_000, "prod": 40_000})
    assert code == 0
    assert len(joined) <= 65_000
    assert joined.endswith("\n---\n\n### assistantsync plan · prod: too long for this comment\n\n"
                           "See the step summary of this run.\n")
    assert (tmp_path / "overflow.md").read_text(encoding="utf-8").startswith(
        f"{MARKER}\n### assistantsync plan · prod: 1 to create\n")
