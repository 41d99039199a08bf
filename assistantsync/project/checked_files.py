"""The files as one environment resolves them, checked against the project's policy: what validate, plan and
apply run before any request.

Without a project file this is load_desired as always. With one, the environment's variables and overrides
are resolved, its secret allow list applies, and every policy violation fails the run as invalid files do
(all of them, located), so nothing is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistantsync.errors import PolicyViolated, Problem
from assistantsync.files.desired import DesiredResource, load_desired, unused_variables
from assistantsync.policy.checks import allowed_secrets, check_policy
from assistantsync.policy.report import PolicyReport
from assistantsync.project.values import Environment, Project


@dataclass(frozen=True)
class CheckedFiles:
    desired: list[DesiredResource]
    warnings: list[Problem]  # variables no file uses
    policy: PolicyReport | None  # for the plan's policy section; None when the project sets no rule


def checked_files(paths: Sequence[Path], project: Project | None, environment: Environment | None) -> CheckedFiles:
    """The resources under `paths` resolved for `environment`; raises ValidationFailed with every problem of the
    files, or else PolicyViolated with every violation (a policy judges documents that loaded)."""
    if project is None:
        return CheckedFiles(load_desired(paths), [], None)
    desired = load_desired(paths, allowed_secrets=allowed_secrets(project, environment), environment=environment)
    check = check_policy(desired, project, environment)
    if check.problems:
        raise PolicyViolated(list(check.problems))
    warnings = unused_variables(environment, desired) if environment is not None else []
    return CheckedFiles(desired, warnings, check.report if check.report.rules else None)
