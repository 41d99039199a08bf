"""A dashboard edit of metadata between plan and apply, over real HTTP against the served sandbox.

Before: apply wrote back the metadata it had read at plan time, so the edit was silently reverted, even
though the file does not manage metadata. Now the write re-reads the assistant just before it: the user's
keys are taken as they are now (only the reserved keys are the tool's), and a file that manages metadata
reports a conflict instead of overwriting the edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli_harness import API_KEY, Harness
from helpers.sandbox_server import ServedSandbox

from assistantsync.api.client import ResourceClient
from assistantsync.api.connection import ConnectionSettings
from assistantsync.apply.execute import Outcome, apply_plan
from assistantsync.apply.races import METADATA_CONFLICT
from assistantsync.engine import plan_desired
from assistantsync.files.desired import load_desired
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    monkeypatch.chdir(tmp_path)
    return Harness(tmp_path, sandbox_server)


def plan_edit_apply(env: Harness, ident: str, edit: dict[str, str]) -> Outcome:
    """Plan the files, let the dashboard set metadata `edit` on `ident`, then apply that plan."""
    settings = ConnectionSettings(base_url=env.sandbox.base_url, headers={"Authorization": f"Bearer {API_KEY}"})
    with ResourceClient(settings, kind=ASSISTANT) as client:
        plan = plan_desired(load_desired([env.root / "assistants"]), client, strict=False, prune=False)
        assert [(c.key, c.action) for c in plan.pending] == [("bot", "update")]
        current = env.by_key()["bot"]["metadata"]
        env.modify(ident, metadata={**current, **edit})
        (outcome,) = apply_plan(plan, client)
    return outcome


def test_a_dashboard_edit_to_metadata_the_file_does_not_manage_survives_apply(env: Harness) -> None:
    env.write("bot.yaml", "model: gpt-4o\nname: Bot\ntemperature: 0.2\n")
    assert env.apply("--auto-approve").code == 0
    ident = env.by_key()["bot"]["id"]
    env.write("bot.yaml", "model: gpt-4o\nname: Bot\ntemperature: 0.7\n")

    outcome = plan_edit_apply(env, ident, {"owner": "ana"})

    assert (outcome.ok, outcome.message) == (True, "updated")
    item = env.by_key()["bot"]
    assert item["temperature"] == 0.7
    assert sorted(item["metadata"]) == sorted(["owner", IDENTITY_KEY, STATE_KEY])
    assert item["metadata"]["owner"] == "ana"
    settled = env.plan("--detailed-exitcode")
    assert (settled.code, settled.out) == (0, "No changes. 1 assistant up to date.\n")


def test_a_dashboard_edit_to_metadata_the_file_manages_is_a_conflict_not_overwritten(env: Harness) -> None:
    env.write("bot.yaml", "model: gpt-4o\ntemperature: 0.2\nmetadata:\n  team: hr\n")
    assert env.apply("--auto-approve").code == 0
    ident = env.by_key()["bot"]["id"]
    env.write("bot.yaml", "model: gpt-4o\ntemperature: 0.7\nmetadata:\n  team: hr\n")
    mark = env.mark()

    outcome = plan_edit_apply(env, ident, {"team": "ops"})

    assert (outcome.ok, outcome.message) == (False, METADATA_CONFLICT)
    assert [w["method"] for w in env.writes_since(mark)] == ["POST"]  # the dashboard's edit alone
    item = env.by_key()["bot"]
    assert (item["temperature"], item["metadata"]["team"]) == (0.2, "ops")
    replanned = env.plan()  # the reviewer now sees the edit, and decides
    assert "team" in replanned.out and "ops" in replanned.out, replanned.out
