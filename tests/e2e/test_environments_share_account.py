"""Two environments on one account (issue 17), end to end against the embedded sandbox: one set of files applied
as dev and as prod makes two independent sets, each planning clean; prune in one never touches the other's; a
resource managed before environments is adopted in the open; a saved plan records its environment, and one
forged to write another environment's identity is refused.

Through the engine's own entry points (build_client, load_desired, plan_desired, apply_checked), as the CLI
calls them: `--env` was not wired into the CLI when this was written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.forged_plan import change_of, forged

from assistantsync.api.client import ResourceClient
from assistantsync.api.connect import build_client
from assistantsync.engine import apply_checked, plan_desired
from assistantsync.errors import AssistantSyncError
from assistantsync.files.desired import load_desired
from assistantsync.kinds.agent import AGENT
from assistantsync.plan.change_values import Plan
from assistantsync.plan.reserved import IDENTITY_KEY
from assistantsync.plan.saved import plan_from_json, plan_to_json
from assistantsync.plan.saved_check import UnverifiedPlan
from assistantsync.project.selection import saved_environment
from assistantsync.project.values import Environment
from assistantsync.render.text import render_plan_text

FILES = {
    "hr-helper.yaml": "model: ${{ vars.model }}\nname: HR helper\nmetadata:\n  env: ${{ vars.env }}\n",
    "faq.yaml": "model: gpt-4o-mini\nname: FAQ\n",
    "support.yaml": ("kind: agent\nname: support-${{ vars.env }}\ndefinition:\n  kind: prompt\n  model: gpt-4.1\n"
                     "  instructions: Help.\n"),
}
ENVIRONMENTS = {"dev": Environment("dev", {"env": "dev", "model": "gpt-4o-mini"}),
                "prod": Environment("prod", {"env": "prod", "model": "gpt-4o"})}


class Account:
    """One sandbox account and one folder of files, planned and applied as any environment."""

    def __init__(self, root: Path) -> None:
        self.state, self.files = root / "state.json", root / "assistants"
        self.files.mkdir()

    def write(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            (self.files / name).write_text(text, encoding="utf-8")

    def client(self) -> ResourceClient:
        return build_client(provider="sandbox", base_url=None, api_version=None, headers=(), timeout=10,
                            max_retries=0, parallelism=4, sandbox_state=self.state, verbose=False, env={})

    def plan(self, environment: str | None, prune: bool = False) -> Plan:
        desired = load_desired([self.files], environment=ENVIRONMENTS[environment] if environment else None)
        with self.client() as client:
            return plan_desired(desired, client, strict=False, prune=prune, environment=environment)

    def apply(self, plan: Plan, saved: bool = False) -> list[tuple[str, str, bool]]:
        with self.client() as client:
            return [(o.key, o.action, o.ok) for o in apply_checked(plan, client, saved=saved)]

    def claims(self) -> list[tuple[str, str]]:
        """(identity, id) of every live assistant and agent."""
        with self.client() as client:
            live = client.list_all() + client.for_kind(AGENT).list_all()
        return sorted((str((item.get("metadata") or {}).get(IDENTITY_KEY)), str(item["id"])) for item in live)


@pytest.fixture
def account(tmp_path: Path) -> Account:
    made = Account(tmp_path)
    made.write(FILES)
    return made


def ids(account: Account, environment: str) -> dict[str, str]:
    return {claim.partition("@")[0]: ident for claim, ident in account.claims() if claim.endswith(f"@{environment}")}


def test_dev_and_prod_on_one_account_are_two_independent_sets(account: Account) -> None:
    assert account.apply(account.plan("dev")) == [
        ("faq", "create", True), ("hr-helper", "create", True), ("support-dev", "create", True)]
    prod = account.plan("prod")
    assert [(c.key, c.action) for c in prod.changes] == [
        ("faq", "create"), ("hr-helper", "create"), ("support-prod", "create")]
    dev_ids = ids(account, "dev")
    assert prod.warnings == tuple(
        (key, f"assistant {key} of environment dev exists ({dev_ids[key]}); environment prod makes its own")
        for key in ("faq", "hr-helper"))
    assert render_plan_text(prod).splitlines()[-1] == "Plan (environment prod): 3 to create, 0 to update, " \
                                                      "0 new versions, 0 to delete."
    assert account.apply(prod) == [
        ("faq", "create", True), ("hr-helper", "create", True), ("support-prod", "create", True)]

    assert [claim for claim, _ in account.claims()] == [
        "faq@dev", "faq@prod", "hr-helper@dev", "hr-helper@prod", "support-dev@dev", "support-prod@prod"]
    for environment in ("dev", "prod"):
        again = account.plan(environment)
        assert (again.pending, again.errors, again.warnings) == ((), (), ())
        assert render_plan_text(again) == (f"No changes in environment {environment}. 2 assistants and 1 agent up "
                                           "to date.\n")


def test_prune_in_dev_deletes_only_devs(account: Account) -> None:
    for environment in ("dev", "prod"):
        account.apply(account.plan(environment))
    dev_ids, prod_ids = ids(account, "dev"), ids(account, "prod")
    (account.files / "faq.yaml").unlink()
    (account.files / "support.yaml").unlink()

    pruned = account.plan("dev", prune=True)
    assert [(c.key, c.id, c.action) for c in pruned.pending] == [
        ("faq", dev_ids["faq"], "delete"), ("support-dev", "support-dev", "delete")]
    assert account.apply(pruned) == [("faq", "delete", True), ("support-dev", "delete", True)]
    assert ids(account, "prod") == prod_ids
    assert [c.action for c in account.plan("prod").pending] == []  # prod's files: only hr-helper left


def test_a_resource_managed_before_environments_is_adopted_in_the_open(account: Account) -> None:
    for name in ("support.yaml", "faq.yaml"):
        (account.files / name).unlink()
    account.write({"hr-helper.yaml": "model: gpt-4o\nname: HR helper\n"})
    account.apply(account.plan(None))
    (old,) = [ident for claim, ident in account.claims() if claim == "hr-helper"]

    prod = account.plan("prod")
    assert [(c.key, c.id, c.action) for c in prod.pending] == [("hr-helper", old, "adopt")]
    assert prod.warnings == (("hr-helper", f"assistant {old} was managed without an environment (key 'hr-helper'); "
                                           "adopted by environment prod: apply records environment prod in its "
                                           "assistantsync_key"),)
    assert account.apply(prod) == [("hr-helper", "adopt", True)]
    assert ("hr-helper@prod", old) in account.claims()
    assert account.plan("prod").pending == ()
    dev = account.plan("dev")  # another environment now makes its own, and says why
    assert [(c.key, c.action) for c in dev.pending] == [("hr-helper", "create")]
    assert dev.warnings == (
        ("hr-helper", f"assistant hr-helper of environment prod exists ({old}); environment dev makes its own"),)


def test_a_saved_plan_records_its_environment_and_a_forged_identity_is_refused(account: Account) -> None:
    text = plan_to_json(account.plan("dev"))
    assert json.loads(text)["environment"] == "dev"
    saved = plan_from_json(text, "dev.json")
    assert saved.environment == "dev"
    saved_environment(saved.environment, "dev")  # what apply --plan checks (project/selection.py)
    with pytest.raises(AssistantSyncError, match="dev"):
        saved_environment(saved.environment, "prod")

    def prod_identity(document: dict[str, object]) -> None:
        change_of(document, "faq")["body"]["metadata"][IDENTITY_KEY] = "faq@prod"

    def other_environment(document: dict[str, object]) -> None:
        document["environment"] = "prod"

    for edit, problem in ((prod_identity, "faq: body's assistantsync_key is 'faq@prod', not its key in environment "
                                          "dev"),
                          (other_environment, "faq: body's assistantsync_key is 'faq@dev', not its key in "
                                              "environment prod")):
        with pytest.raises(UnverifiedPlan) as refused:
            account.apply(plan_from_json(forged(text, edit), "forged.json"), saved=True)
        assert problem in refused.value.message
    assert account.claims() == []  # nothing was applied

    assert account.apply(saved, saved=True) == [
        ("faq", "create", True), ("hr-helper", "create", True), ("support-dev", "create", True)]
    assert [claim for claim, _ in account.claims()] == ["faq@dev", "hr-helper@dev", "support-dev@dev"]
