"""Two environments on one account, pure: literal files and live objects in, the plan each environment makes out.
A run sees only its own environment's resources (and adopts those managed before environments, in the open);
another environment's are never matched, pruned, nor counted as duplicates or name twins."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.agent_plan_inputs import agent_file, applied, live_agent
from helpers.plan_inputs import desired, server_object

from assistantsync.json_value import JsonObject
from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.kind import ResourceKind
from assistantsync.plan.changes import Action, Change, Plan, make_plan
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.reserved import IDENTITY_KEY
from assistantsync.plan.saved_check import live_problems

ENV_NOTE = "assistant bot of environment dev exists (asst_dev); environment prod makes its own"
ADOPTED = ("assistant asst_old was managed without an environment (key 'bot'); adopted by environment prod: "
           "apply records environment prod in its assistantsync_key")


def asst(ident: str, claim: str | None, created_at: int = 1, **fields: Any) -> dict[str, Any]:
    return server_object(ident, claim, created_at=created_at, **fields)


def outline(plan: Plan) -> tuple[list[tuple[str, str | None, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    return [(c.key, c.id, c.action) for c in plan.changes], list(plan.errors), list(plan.warnings)


Case = tuple[str, str | None, list[Any], list[JsonObject], bool,
             tuple[list[tuple[str, str | None, str]], list[tuple[str, str]], list[tuple[str, str]]]]
# (case, environment, files, live assistants, prune, (changes as (key, id, action), errors, warnings))
ASSISTANT_CASES: list[Case] = [
    ("its own environment's claim is its match", "prod", [desired("bot", model="gpt-4o")],
     [asst("asst_dev", "bot@dev"), asst("asst_prod", "bot@prod")], False,
     ([("bot", "asst_prod", "no-op")], [], [])),
    ("another environment's claim is never matched: a create, said in a warning", "prod",
     [desired("bot", model="gpt-4o")], [asst("asst_dev", "bot@dev")], False,
     ([("bot", None, "create")], [], [("bot", ENV_NOTE)])),
    ("a resource managed without an environment is adopted in the open", "prod", [desired("bot", model="gpt-4o")],
     [asst("asst_old", "bot")], False, ([("bot", "asst_old", "adopt")], [], [("bot", ADOPTED)])),
    ("its own claim wins over one made without an environment", "prod", [desired("bot", model="gpt-4o")],
     [asst("asst_old", "bot", 1), asst("asst_prod", "bot@prod", 2)], False,
     ([("bot", "asst_prod", "no-op")], [], [])),
    ("the oldest resource made without an environment is the one adopted; the other stays as it is", "prod",
     [desired("bot", model="gpt-4o")], [asst("asst_new", "bot", 2), asst("asst_old", "bot", 1)], False,
     ([("bot", "asst_old", "adopt")], [], [("bot", ADOPTED)])),
    ("prune in an environment deletes only its own orphans", "prod", [desired("keep", model="gpt-4o")],
     [asst("asst_k", "keep@prod"), asst("asst_p", "gone@prod"), asst("asst_d", "gone@dev"),
      asst("asst_o", "gone")], True,
     ([("gone", "asst_p", "delete"), ("keep", "asst_k", "no-op")], [], [])),
    ("prune without an environment never touches an environment's", None, [desired("keep", model="gpt-4o")],
     [asst("asst_k", "keep"), asst("asst_d", "gone@dev"), asst("asst_o", "gone")], True,
     ([("gone", "asst_o", "delete"), ("keep", "asst_k", "no-op")], [], [])),
    ("without an environment, an environment's claim is never adopted", None, [desired("bot", model="gpt-4o")],
     [asst("asst_dev", "bot@dev")], False,
     ([("bot", None, "create")], [],
      [("bot", "assistant bot of environment dev exists (asst_dev); this run, without an environment, makes its "
               "own")])),
    ("another environment's copies are no duplicates", "prod", [desired("bot", model="gpt-4o")],
     [asst("asst_d1", "bot@dev", 1), asst("asst_d2", "bot@dev", 2), asst("asst_prod", "bot@prod", 3)], False,
     ([("bot", "asst_prod", "no-op")], [], [])),
    ("copies in its own environment are duplicates, as ever", "prod", [desired("bot", model="gpt-4o")],
     [asst("asst_p1", "bot@prod", 1), asst("asst_p2", "bot@prod", 2), asst("asst_dev", "bot@dev", 3)], False,
     ([], [("bot", "live assistants asst_p1 and asst_p2 both claim key 'bot' in metadata assistantsync_key; "
                   "asst_p1 is kept, as the oldest one: run with --prune to delete the newer copy asst_p2, or "
                   "delete it yourself")], [])),
    ("a pin of another environment's resource is refused", "prod", [desired("bot", "asst_dev", model="gpt-4o")],
     [asst("asst_dev", "bot@dev")], False,
     ([], [("bot", "pinned id asst_dev belongs to environment dev; remove `id:` from the file to make its own")],
      [])),
    ("another environment's copy is no name twin", "prod", [desired("bot", model="gpt-4o", name="Bot")],
     [asst("asst_dev", "bot@dev", name="Bot")], False, ([("bot", None, "create")], [], [("bot", ENV_NOTE)])),
    ("one made without an environment still is", "prod", [desired("bot", model="gpt-4o", name="Bot")],
     [asst("asst_old", "old", name="Bot")], False,
     ([("bot", None, "create")], [],
      [("bot", "will create a second assistant named 'Bot': asst_old has that name and the key 'old', which no "
               "file uses any more. If the file means that one, add `id: asst_old` to it to take it over instead")])),
]


@pytest.mark.parametrize(("environment", "files", "live", "prune", "expected"), [c[1:] for c in ASSISTANT_CASES],
                         ids=[c[0] for c in ASSISTANT_CASES])
def test_assistants_per_environment(environment: str | None, files: list[Any], live: list[JsonObject],
                                    prune: bool, expected: Any) -> None:
    plan = make_plan(ASSISTANT, files, live, prune=prune, environment=environment)
    assert outline(plan) == expected
    assert plan.environment == environment


def identities(kind: ResourceKind, plan: Plan) -> list[str]:
    return [(c.body or {})[kind.metadata_field][IDENTITY_KEY] for c in plan.pending if c.body is not None]


def test_what_an_environment_writes_carries_its_name() -> None:
    files = [desired("new", model="gpt-4o"), desired("bot", model="gpt-4o")]
    plan = make_plan(ASSISTANT, files, [asst("asst_old", "bot")], environment="prod")
    assert [(c.key, c.action) for c in plan.pending] == [("bot", "adopt"), ("new", "create")]
    assert identities(ASSISTANT, plan) == ["bot@prod", "new@prod"]
    assert identities(ASSISTANT, make_plan(ASSISTANT, files, [asst("asst_old", "bot")])) == ["new"]


BOT = agent_file("bot", model="gpt-4.1", instructions="Hi")
OWNED = ("agent 'bot' belongs to environment dev; agent names are unique in a project: give it another name per "
         "environment, e.g. `name: bot-${{ vars.env }}`")


def agent(name: str, claim: str | None) -> JsonObject:
    return live_agent(name, metadata={IDENTITY_KEY: claim} if claim is not None else None, model="gpt-4.1",
                      instructions="Hi")


# (case, environment, files, live agents, prune, (changes, errors, warnings))
AGENT_CASES: list[Case] = [
    ("a name owned by another environment is an error for that file", "prod", [BOT], [agent("bot", "bot@dev")],
     False, ([], [("agent bot", OWNED)], [])),
    ("and without an environment too: never adopted", None, [BOT], [agent("bot", "bot@dev")], False,
     ([], [("agent bot", OWNED)], [])),
    ("a name claimed without an environment is adopted in the open", "prod", [BOT], [agent("bot", "bot")], False,
     ([("bot", "bot", "adopt")], [],
      [("agent bot", "agent bot was managed without an environment (key 'bot'); adopted by environment prod: "
                     "apply records environment prod in its assistantsync_key")])),
    ("an agent made outside the tool is adopted, as ever", "prod", [BOT], [agent("bot", None)], False,
     ([("bot", "bot", "adopt")], [], [])),
    ("a copied claim makes no agent another's, in an environment too", "prod", [BOT], [agent("copy", "bot@prod")],
     False, ([("bot", None, "create")], [], [])),
    ("prune in an environment deletes only its own agents", "prod", [BOT],
     [agent("bot", "bot@prod"), agent("zeta", "zeta@prod"), agent("alpha", "alpha@dev"), agent("beta", "beta")],
     True, ([("bot", "bot", "no-op"), ("zeta", "zeta", "delete")], [], [])),
]


@pytest.mark.parametrize(("environment", "files", "live", "prune", "expected"), [c[1:] for c in AGENT_CASES],
                         ids=[c[0] for c in AGENT_CASES])
def test_agents_per_environment(environment: str | None, files: list[Any], live: list[JsonObject], prune: bool,
                                expected: Any) -> None:
    assert outline(make_plan(AGENT, files, live, prune=prune, environment=environment)) == expected


def test_an_agent_created_in_an_environment_plans_clean_there_and_is_another_environments_error() -> None:
    created = make_plan(AGENT, [BOT], [], environment="dev")
    assert identities(AGENT, created) == ["bot@dev"]
    live = applied(created.changes[0].body or {}, "bot")
    assert outline(make_plan(AGENT, [BOT], [live], environment="dev")) == ([("bot", "bot", "no-op")], [], [])
    assert outline(make_plan(AGENT, [BOT], [live], environment="prod")) == ([], [("agent bot", OWNED)], [])


# (case, the live object a saved prod plan's change of `bot` writes to, the problem live_problems finds, if any)
SAVED: list[tuple[str, Action, JsonObject, list[str]]] = [
    ("an update of its own environment's resource", "update", asst("asst_1", "bot@prod"), []),
    ("an update of another environment's", "update", asst("asst_1", "bot@dev"),
     ["bot (asst_1): it carries the key 'bot@dev'; a saved plan only updates the assistant carrying the key "
      "'bot@prod'"]),
    ("an update of one managed without an environment", "update", asst("asst_1", "bot"),
     ["bot (asst_1): it carries the key 'bot'; a saved plan only updates the assistant carrying the key "
      "'bot@prod'"]),
    ("an adopt of one managed without an environment", "adopt", asst("asst_1", "bot"), []),
    ("an adopt of another environment's", "adopt", asst("asst_1", "bot@dev"),
     ["bot (asst_1): it is managed as 'bot@dev'; a saved plan only adopts assistants that carry no key: apply from "
      "the files to take it over"]),
]


@pytest.mark.parametrize(("action", "now", "problems"), [c[1:] for c in SAVED], ids=[c[0] for c in SAVED])
def test_a_saved_plan_writes_only_to_its_environments_resources(action: Action, now: JsonObject,
                                                                problems: list[str]) -> None:
    body = {"model": "gpt-4o", "metadata": {IDENTITY_KEY: "bot@prod"}}
    change = Change("bot", "asst_1", action, "bot.yaml", fingerprint=fingerprint(ASSISTANT, now), body=body)
    assert live_problems(ASSISTANT, Plan((change,), environment="prod"), [now]) == problems
