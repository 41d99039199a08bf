"""Run CI recipes' shell steps locally, in order, as the CI services would: GitHub Actions steps (a workflow
job's or a composite action's) and a GitLab job's script and after_script.

What is simulated, and nothing more: `${{ expr }}` in `env:` values, looked up in a flat table of the
expressions the recipes use (an unknown one is an error, never an empty string); GitHub's default bash
(`-eo pipefail`) and GitLab's; a fresh GITHUB_OUTPUT file per step, read back as `steps.ID.outputs.NAME`;
after a failed step, only steps whose `if` is `${{ !cancelled() }}` run. `uses:` steps are skipped, and
the line that pip-installs the tool is replaced by `install` (`:` when the package is installed already).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSTALL = re.compile(r"^(?P<indent>[ \t]*)python -m pip install .*$", re.MULTILINE)
EXPRESSION = re.compile(r"\$\{\{\s*(?P<expression>.*?)\s*\}\}")
AFTER_FAILURE = "${{ !cancelled() }}"  # the one condition a step that runs after a failure may have
BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c")
GUARD_SECONDS = 60  # against a hang, never a timing


@dataclass(frozen=True)
class StepRun:
    """One step: its exit code (None: skipped after a failure), what it printed, and its outputs."""

    name: str
    exitcode: int | None
    printed: str = ""
    outputs: tuple[tuple[str, str], ...] = ()


def with_install(script: str, install: str) -> str:
    """The script with its one pip-install line replaced by `install`."""
    replaced, count = INSTALL.subn(lambda m: m["indent"] + install, script)
    assert count == 1, f"expected one install line in {script!r}"
    return replaced


def evaluate(text: str, context: Mapping[str, str]) -> str:
    """`text` with each `${{ expression }}` replaced by its value in `context`."""
    return EXPRESSION.sub(lambda m: context[m["expression"]], text)


def bash(script: str, env: Mapping[str, str], cwd: Path) -> tuple[int, str]:
    result = subprocess.run([*BASH, script], cwd=cwd, env=dict(env), capture_output=True, text=True,
                            timeout=GUARD_SECONDS, check=False)
    return result.returncode, result.stdout + result.stderr


def github_steps(steps: list[dict[str, Any]], env: Mapping[str, str], context: Mapping[str, str], cwd: Path,
                 install: str = ":") -> list[StepRun]:
    """Run the `run:` steps in order; `env` holds the job's environment, `context` the expressions' values."""
    runs: list[StepRun] = []
    values = dict(context)
    failed = False
    for number, step in enumerate(steps):
        if "uses" in step:
            continue
        name = step.get("name", step["run"].split("\n")[0])
        if failed and step.get("if") != AFTER_FAILURE:
            runs.append(StepRun(name, None))
            continue
        output = cwd.parent / f"github-output-{number}"
        output.write_text("", encoding="utf-8")
        step_env = {**env, **{k: evaluate(str(v), values) for k, v in step.get("env", {}).items()},
                    "GITHUB_OUTPUT": str(output)}
        script = with_install(step["run"], install) if INSTALL.search(step["run"]) else step["run"]
        code, printed = bash(script, step_env, cwd)
        lines = output.read_text(encoding="utf-8").splitlines()
        outputs = tuple((key, value) for key, _, value in (line.partition("=") for line in lines))
        values.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs} if "id" in step else {})
        runs.append(StepRun(name, code, printed, outputs))
        failed = failed or code != 0
    return runs


def gitlab_job(document: Mapping[str, Any], job: str, env: Mapping[str, str], cwd: Path,
               install: str = ":") -> tuple[StepRun, StepRun]:
    """The job's before_script and script in one shell, then its after_script in another (as the runner)."""
    variables = {**document.get("variables", {}), **document[job].get("variables", {})}
    job_env = {**{k: str(v) for k, v in variables.items()}, **env}
    before = document[job].get("before_script", document.get("default", {}).get("before_script", []))
    script = "\n".join([*(with_install(line, install) if INSTALL.search(line) else line for line in before),
                        *document[job]["script"]])
    runs = []
    for name, text in (("script", script), ("after_script", "\n".join(document[job].get("after_script", [":"])))):
        code, printed = bash(text, job_env, cwd)
        runs.append(StepRun(name, code, printed))
    return runs[0], runs[1]
