from __future__ import annotations

import pytest

from assistantsync.errors import AssistantSyncError, Location, PolicyViolated, Problem, ValidationFailed
from assistantsync.render.markdown_failure import Failure, failure_of, render_failure_markdown

PROBLEM = Problem(Location("assistants/hr.yaml", 2, 8), "model", "policy: 'gpt-3.5' is not an allowed model")

WHAT = [  # error, what failed
    (PolicyViolated([PROBLEM]), "The files break the project's policy; nothing was planned."),
    (ValidationFailed([PROBLEM]), "The files are invalid; nothing was planned."),
]


@pytest.mark.parametrize(("error", "what"), WHAT)
def test_policy_violations_are_listed_like_problems_under_their_own_outcome(error: AssistantSyncError,
                                                                            what: str) -> None:
    failure = failure_of(error)
    assert (failure.what, failure.lines, failure.errors) == (what, (str(PROBLEM),), 1)


HEADINGS = [  # environment, heading
    (None, "### assistantsync plan: failed: 1 error"),
    ("prod", "### assistantsync plan · prod: failed: 1 error"),
]


@pytest.mark.parametrize(("environment", "heading"), HEADINGS)
def test_the_heading_names_the_environment(environment: str | None, heading: str) -> None:
    text = render_failure_markdown(Failure("What.", ("line",), "fix.", environment=environment))
    assert text.splitlines()[:2] == ["<!-- assistantsync-plan -->", heading]
