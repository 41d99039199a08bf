"""importer/environment_scope.py, pure: which live resources an import in one environment takes, what it says of
the others, and the refusal of another environment's resource named by ID."""

from __future__ import annotations

import pytest

from assistantsync.errors import AssistantSyncError
from assistantsync.importer.environment_scope import in_environment, left_out_line
from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.reserved import IDENTITY_KEY


def assistant(ident: str, claim: str | None) -> JsonObject:
    return {"id": ident, "model": "gpt-4o", "metadata": {IDENTITY_KEY: claim} if claim else {}}


LIVE = [assistant("a1", "hr@dev"), assistant("a2", "hr@prod"), assistant("a3", "faq"), assistant("a4", None),
        assistant("a5", "faq@dev"), assistant("a6", "hr@staging")]

# environment -> (ids kept, the line about the others)
CASES = {
    None: (["a1", "a2", "a3", "a4", "a5", "a6"], None),
    "dev": (["a1", "a3", "a4", "a5"],
            "Left out 2 assistants of other environments, not dev: prod (1), staging (1)."),
    "prod": (["a2", "a3", "a4"], "Left out 3 assistants of other environments, not prod: dev (2), staging (1)."),
    "qa": (["a3", "a4"], "Left out 4 assistants of other environments, not qa: dev (2), prod (1), staging (1)."),
}


@pytest.mark.parametrize("environment", list(CASES))
def test_all_takes_the_environments_own_and_the_unclaimed(environment: str | None) -> None:
    scoped = in_environment(ASSISTANT, LIVE, environment, named=False)
    assert ([item["id"] for item in scoped.kept], left_out_line(ASSISTANT, scoped, environment)) == CASES[environment]


def test_another_environments_resources_named_are_refused_together() -> None:
    with pytest.raises(AssistantSyncError) as refused:
        in_environment(ASSISTANT, LIVE, "prod", named=True)
    assert refused.value.message == (
        "a1 belongs to environment dev; a5 belongs to environment dev; a6 belongs to environment staging, not prod: "
        "import each assistant with the --env that manages it, or leave its ID out. Nothing was written.")


def test_an_agent_claim_counts_only_under_its_own_name() -> None:
    live: list[JsonObject] = [{"id": "support-dev", "metadata": {IDENTITY_KEY: "support-dev@dev"}},
                              {"id": "copied", "metadata": {IDENTITY_KEY: "support-dev@dev"}}]  # no claim: unclaimed
    scoped = in_environment(AGENT, live, "prod", named=False)
    assert ([item["id"] for item in scoped.kept], left_out_line(AGENT, scoped, "prod")) == (
        ["copied"], "Left out 1 agent of other environments, not prod: dev (1).")
