"""The failure comment (a plan that could not be made) and the failed heading of a plan with errors: what each
error becomes, exact comments, hostile text kept inside code spans, and the character budget."""

from __future__ import annotations

import re

import pytest
from helpers.plan_samples import ERRORS, PLANS

from assistantsync.api.errors import ApiError
from assistantsync.errors import (
    AssistantSyncError,
    ConnectionConfigError,
    Location,
    MissingCredentials,
    Problem,
    ValidationFailed,
)
from assistantsync.plan.changes import Plan
from assistantsync.render import markdown_failure as failure
from assistantsync.render.markdown import MARKER, render_plan_markdown
from assistantsync.render.markdown_failure import Failure, failure_of, render_failure_markdown

PROBLEMS = (Problem(Location("assistants/b.yaml", 3, 1), "model", "must be a string, not an integer"),
            Problem(Location("assistants/a.yaml", 7, 5), "", "not valid YAML: mapping values are not allowed here"))
REFUSED_CALL = ApiError("GET", "/v1/assistants", "401 Unauthorized: Incorrect API key provided", status=401)

FAILURES = {  # error -> the failure it stands for
    "invalid files, sorted as validate sorts them": (ValidationFailed(PROBLEMS), Failure(failure.FILES, (
        "assistants/a.yaml:7:5: not valid YAML: mapping values are not allowed here",
        "assistants/b.yaml:3:1: model: must be a string, not an integer"), failure.FILES_FIX, 2)),
    "missing credentials": (MissingCredentials("openai", ["OPENAI_API_KEY"]), Failure(
        failure.CREDENTIALS, ("Missing credentials for --provider openai: set OPENAI_API_KEY",),
        failure.CREDENTIALS_FIX)),
    "an unusable connection setting": (ConnectionConfigError("--base-url 'ftp://x' is not an http(s) URL"), Failure(
        failure.CONNECTION, ("--base-url 'ftp://x' is not an http(s) URL",), failure.CONNECTION_FIX)),
    "no answer at all": (ApiError("GET", "/v1/assistants", "could not connect to 127.0.0.1:9", attempts=3), Failure(
        failure.UNREACHABLE, ("GET /v1/assistants: could not connect to 127.0.0.1:9 (gave up after 3 attempts)",),
        failure.UNREACHABLE_FIX)),
    "credentials refused": (REFUSED_CALL, Failure(
        failure.REFUSED, ("GET /v1/assistants: 401 Unauthorized: Incorrect API key provided",), failure.REFUSED_FIX)),
    "a server error": (ApiError("GET", "/v1/assistants", "500 Internal Server Error", status=500), Failure(
        failure.API, ("GET /v1/assistants: 500 Internal Server Error",), failure.API_FIX)),
    "any other error, one error of several lines": (
        AssistantSyncError("the saved plan is refused; nothing was applied.\n  x: forged\n\n  y: forged\n"),
        Failure(failure.OTHER, ("the saved plan is refused; nothing was applied.", "x: forged", "y: forged"),
                failure.OTHER_FIX)),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_each_error_stands_for_its_failure(name: str) -> None:
    error, expected = FAILURES[name]
    assert failure_of(error) == expected


COMMENTS = {  # failure -> the whole comment
    "invalid files": (failure_of(ValidationFailed(PROBLEMS)), (
        f"{MARKER}\n### assistantsync plan: failed: 2 errors\n\n"
        "**❌ The files are invalid; nothing was planned.**\n\n"
        "- `assistants/a.yaml:7:5: not valid YAML: mapping values are not allowed here`\n"
        "- `assistants/b.yaml:3:1: model: must be a string, not an integer`\n\n"
        "**To fix:** correct each problem at the `file:line:column` it names (`assistantsync validate` lists the "
        "same), then push again.\n")),
    "missing credentials": (failure_of(MissingCredentials("openai", ["OPENAI_API_KEY"])), (
        f"{MARKER}\n### assistantsync plan: failed: 1 error\n\n"
        "**❌ The files are valid, but the plan could not read the live state: credentials are missing.**\n\n"
        "- `Missing credentials for --provider openai: set OPENAI_API_KEY`\n\n"
        "**To fix:** set the variables the error names (in CI: as the repository's secrets; a pull request from a "
        "fork is given none), then run again.\n")),
    "hostile text stays in code spans": (Failure("What failed.", (
        "f.yaml:4:1: ::error::@someone</details><!--: unknown field", "`tick` and\nnew line ##[group]\u202e"),
        "fix it.", 2), (
        f"{MARKER}\n### assistantsync plan: failed: 2 errors\n\n**❌ What failed.**\n\n"
        "- `f.yaml:4:1: ::error::@someone</details><!--: unknown field`\n"
        "- `` `tick` and new line ##[group]\\u202e ``\n\n**To fix:** fix it.\n")),
}


@pytest.mark.parametrize("name", sorted(COMMENTS))
def test_the_comment_reads_exactly(name: str) -> None:
    given, expected = COMMENTS[name]
    assert render_failure_markdown(given) == expected


@pytest.mark.parametrize(("count", "max_chars"), [(1, 4_000), (1_000, 4_000), (1_000, 65_000), (5_000, 65_000)])
def test_a_thousand_problems_fit_the_budget(count: int, max_chars: int) -> None:
    problems = [Problem(Location(f"assistants/bot-{n:04d}.yaml", n + 1, 1), "instructions", "y" * 2_000)
                for n in range(count)]
    rendered = render_failure_markdown(failure_of(ValidationFailed(problems)), max_chars=max_chars)
    assert len(rendered) <= max_chars
    assert rendered.startswith(f"{MARKER}\n### assistantsync plan: failed: {count:,} error")
    assert rendered.endswith(f"**To fix:** {failure.FILES_FIX}\n")
    listed = re.findall(r"^- `assistants/bot-\d{4}\.yaml:\d+:1: instructions: y+…`$", rendered, re.MULTILINE)
    assert listed and len(listed[0]) == len("- ``") + failure.MAX_LINE_CHARS
    more = re.findall(r"^- … and ([\d,]+) more \(the command's error output lists all\)$", rendered, re.MULTILINE)
    assert [int(n.replace(",", "")) for n in more] == ([count - len(listed)] if len(listed) < count else [])


def test_the_budget_is_checked() -> None:
    with pytest.raises(ValueError, match="at least 4000"):
        render_failure_markdown(Failure("x", (), "y"), max_chars=3_999)


HEADINGS = {  # a plan -> its heading: any error makes it failed, whatever else it plans
    "changes only": (Plan(PLANS["mixed"].changes), "### assistantsync plan: 1 to create, 2 to update, 1 to adopt, "
                                                   "1 to delete"),
    "changes and one error": (PLANS["mixed"], "### assistantsync plan: failed: 1 error"),
    "errors only": (Plan((), ERRORS[:1]), "### assistantsync plan: failed: 1 error"),
    "errors and changes": (PLANS["errors"], "### assistantsync plan: failed: 2 errors"),
    "errors and no-ops": (Plan(PLANS["no-changes"].changes, ERRORS), "### assistantsync plan: failed: 2 errors"),
}


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_the_heading_never_contradicts_the_body(name: str) -> None:
    plan, heading = HEADINGS[name]
    rendered = render_plan_markdown(plan)
    assert rendered.startswith(f"{MARKER}\n{heading}\n\n")
    assert ("could not be planned; this plan cannot be applied" in rendered) == bool(plan.errors)
