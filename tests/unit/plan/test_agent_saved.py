"""Saved plans holding agents: the JSON keeps each change's kind and version and the plan's revision, and a
forged agent change (edited, then sealed again as anyone can) is refused naming the change and what it would
make; every agent plan the engine makes passes untouched.

The honest plan is made by the real engine from literal files and live objects (assistants and agents in
one plan, as a run that plans both kinds); each case edits its JSON the way an attacker with write access to
the plan file would. Mirrors tests/unit/plan/test_saved_check.py for assistants.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from helpers.agent_plan_inputs import EDITED_FILE, NAME, agent_file, live_agent
from helpers.agent_versions import BOT, GONE
from helpers.forged_plan import Document, change_of, forged, sealed
from helpers.plan_inputs import desired, server_object
from hypothesis import given, settings
from hypothesis import strategies as st

from assistantsync.apply.execute import stale_reasons
from assistantsync.errors import AssistantSyncError
from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Plan, make_plan
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.record import digest, encode_record
from assistantsync.plan.reserved import IDENTITY_KEY, RESERVED_METADATA_KEYS, canonical
from assistantsync.plan.saved import plan_from_json, plan_to_json
from assistantsync.plan.saved_check import forged_problems, live_problems

TARGET = "https://example.services.ai.azure.com/api/projects/p"
REVISION = "0123abcd"
THEIRS = live_agent("theirs", metadata={"team": "x"}, model="gpt-4.1")
SOMEONES = live_agent("someones", metadata={"team": "y"}, model="gpt-4.1")  # no file names it
AGENTS = [BOT, GONE, THEIRS, SOMEONES]
AGENT_FILES = [EDITED_FILE, agent_file("fresh", model="gpt-4.1", description="New"),
               agent_file("theirs", model="gpt-4.1")]
ALPHA = server_object("asst_1", "alpha", name="Alpha", temperature=0.3)


def mixed() -> Plan:
    """One plan of both kinds, as engine.merged makes it: an assistant update, and an agent new version,
    create, adopt and delete."""
    assistants = make_plan(ASSISTANT, [desired("alpha", model="gpt-4o", name="Alpha", temperature=0.5)], [ALPHA])
    agents = make_plan(AGENT, AGENT_FILES, AGENTS, prune=True, revision=REVISION)
    return Plan(assistants.changes + agents.changes, prune=True, target=TARGET, revision=agents.revision)


PLAN = mixed()
HONEST = plan_to_json(PLAN)


def test_a_mixed_plan_reads_back_as_it_was_written() -> None:
    plan = plan_from_json(HONEST, "plan.json")
    assert plan == PLAN
    assert [(c.kind, c.key, c.action, c.version) for c in plan.changes] == [
        ("assistant", "alpha", "update", None), ("agent", "fresh", "create", None),
        ("agent", "gone", "delete", "5"), ("agent", NAME, "update", "2"), ("agent", "theirs", "adopt", "1")]
    assert plan.revision == REVISION
    document = json.loads(HONEST)
    assert document["options"] == {"strict": False, "prune": True, "revision": REVISION}
    assert "version" not in change_of(document, "alpha") and change_of(document, NAME)["version"] == "2"
    assert (forged_problems(plan), live_problems(AGENT, plan, AGENTS)) == ([], [])


def test_a_plan_without_a_revision_writes_none() -> None:
    plan = dataclasses.replace(PLAN, revision=None)
    assert "revision" not in json.loads(plan_to_json(plan))["options"]


def test_a_change_without_kind_reads_as_an_assistant() -> None:
    # Plans written before agents hold no kind: each of their changes is an assistant's.
    def edit(document: Document) -> None:
        del change_of(document, "alpha")["kind"]
    plan = plan_from_json(forged(HONEST, edit), "plan.json")
    assert [c.kind for c in plan.changes if c.key == "alpha"] == ["assistant"]
    assert forged_problems(plan) == []


def resealed(edit: Any) -> str:
    document = json.loads(HONEST)
    edit(document)
    return json.dumps(sealed(document))


@pytest.mark.parametrize(("text", "reason"), [
    (resealed(lambda d: d["options"].update(revision=7)), "options.revision is int, not what a plan holds there"),
    (resealed(lambda d: d["options"].update(revision="main; rm -rf")),
     "options.revision must be a commit id, tag or branch name (letters, digits and . _ / + -, at most 64 "
     "characters)"),
    (resealed(lambda d: change_of(d, NAME).update(kind=["agent"])),
     "changes[3].kind is list, not what a plan holds there"),
    (resealed(lambda d: change_of(d, NAME).update(version=2)),
     "changes[3].version is int, not what a plan holds there"),
], ids=["revision a number", "revision not a commit", "kind a list", "version a number"])
def test_a_malformed_revision_kind_or_version_is_refused(text: str, reason: str) -> None:
    with pytest.raises(AssistantSyncError) as refused:
        plan_from_json(text, "plan.json")
    assert str(refused.value) == f"plan.json: not a plan file written by assistantsync ({reason})"


def body_of(key: str, **values: Any) -> Any:
    def edit(document: Document) -> None:
        change_of(document, key)["body"].update(values)
    return edit


def dropped(key: str, name: str) -> Any:
    def edit(document: Document) -> None:
        del change_of(document, key)["body"][name]
    return edit


def both(*edits: Any) -> Any:
    def edit(document: Document) -> None:
        for one in edits:
            one(document)
    return edit


def recorded(key: str) -> Any:
    """The forger's next step: the record rewritten to what plan writes for the forged body (its digests and
    the revision), so that only the live version can tell."""
    def edit(document: Document) -> None:
        change = change_of(document, key)
        body = {name: value for name, value in change["body"].items() if name != "name"}
        body["metadata"] = {k: v for k, v in body["metadata"].items() if k not in RESERVED_METADATA_KEYS}
        honest = make_plan(AGENT, [agent_file(NAME, **{name.removeprefix("definition."): value
                                                      for name, value in body.items()})],
                           [BOT], revision=REVISION).changes[0]
        change["body"]["metadata"] = (honest.body or {})["metadata"]
    return edit


def listed_twice(key: str) -> Any:
    def edit(document: Document) -> None:
        document["changes"].append(change_of(document, key))
    return edit


BOT_ = f"{NAME} ({NAME}): "
VERSION_RECORD = "body's assistantsync_state does not record the version its body makes"
HIDDEN = "body makes {} other than the live version, and its fields show no change to them"
OTHER_METADATA = "body sends other metadata than the live one, and its fields show no change to it"
# (case, edit, what forged_problems says, what live_problems says once the live agents are read)
FORGERIES: list[tuple[str, Any, list[str], list[str]]] = [
    ("the body changes a field its fields do not show", body_of(NAME, **{"definition.model": "gpt-evil"}),
     [BOT_ + VERSION_RECORD], [BOT_ + HIDDEN.format("definition.model")]),
    ("... with the record rewritten to match", both(body_of(NAME, **{"definition.model": "gpt-evil"}),
                                                    recorded(NAME)),
     [], [BOT_ + HIDDEN.format("definition.model")]),
    ("... and the version it starts from forged too", both(body_of(NAME, **{"definition.model": "gpt-evil"}),
                                                         recorded(NAME), lambda d: change_of(d, NAME).update(
                                                             version="99")),
     [], [BOT_ + HIDDEN.format("definition.model")]),
    ("the body drops a declared field: the version takes its default", dropped(NAME, "definition.tools"),
     [BOT_ + VERSION_RECORD], [BOT_ + HIDDEN.format("definition.tools")]),
    ("... with the record rewritten to match", both(dropped(NAME, "definition.tools"), recorded(NAME)),
     [], [BOT_ + HIDDEN.format("definition.tools")]),
    ("the body adds a member the live version lacks", body_of(NAME, **{"definition.top_p": 0.1}),
     [BOT_ + VERSION_RECORD], [BOT_ + HIDDEN.format("definition.top_p")]),
    ("the body adds user metadata", lambda d: change_of(d, NAME)["body"]["metadata"].update(owner="mallory"),
     [BOT_ + VERSION_RECORD], [BOT_ + OTHER_METADATA]),
    ("... with the record rewritten to match", both(lambda d: change_of(d, NAME)["body"]["metadata"].update(
        owner="mallory"), recorded(NAME)),
     [], [BOT_ + OTHER_METADATA]),
    ("the body sends another value than shown", body_of(NAME, **{"definition.instructions": "Obey the PR."}),
     [BOT_ + "body sends another definition.instructions than its fields show", BOT_ + VERSION_RECORD], []),
    ("the record names another revision", both(recorded(NAME), lambda d: change_of(d, NAME)["body"]["metadata"]
                                               .update(assistantsync_state=change_of(d, NAME)["body"]["metadata"]
                                                       ["assistantsync_state"].replace(REVISION, "evil"))),
     [BOT_ + VERSION_RECORD], []),
    ("a change of a kind assistantsync does not manage", lambda d: change_of(d, NAME).update(kind="robot"),
     [BOT_ + "kind 'robot' is not one assistantsync manages"], []),
    ("an agent change read as an assistant's", lambda d: change_of(d, "fresh").pop("kind"),
     ["fresh: definition.model is not one of the assistant fields",
      "fresh: body's assistantsync_state does not record the values its fields show"], []),
    ("two changes write the same agent", listed_twice(NAME),
     [f"{NAME}: 2 changes write it", f"{NAME}: 2 changes give out this key"], []),
    ("a create claiming another agent's key", lambda d: change_of(d, "fresh")["body"]["metadata"].update(
        assistantsync_key=NAME), ["fresh: body's assistantsync_key is 'support-bot', not its key"], []),
]


@pytest.mark.parametrize(("edit", "forged_only", "live"), [c[1:] for c in FORGERIES], ids=[c[0] for c in FORGERIES])
def test_a_forged_agent_change_is_refused_naming_each_problem(edit: Any, forged_only: list[str],
                                                             live: list[str]) -> None:
    plan = plan_from_json(forged(HONEST, edit), "plan.json")
    assert (forged_problems(plan), live_problems(AGENT, plan, AGENTS)) == (forged_only, live)


def test_a_forged_delete_moved_onto_an_unmanaged_agent_is_refused_offline_and_with_the_live_agents() -> None:
    def edit(document: Document) -> None:
        change_of(document, "gone").update(id="someones", fingerprint=fingerprint_of(SOMEONES))
    plan = plan_from_json(forged(HONEST, edit), "plan.json")
    assert forged_problems(plan) == ["gone (someones): it writes someones, not the agent its key names"]
    assert live_problems(AGENT, plan, AGENTS) == [
        "gone (someones): it carries no key; a saved plan only deletes the agent carrying the key 'gone'"]


def test_a_forged_adopt_of_another_agent_is_refused_before_the_live_agents_are_read() -> None:
    # Plans show an agent by its key alone: "adopt agent theirs" must write the agent named theirs. Moved onto
    # an unmanaged agent no file names, its body made to match that agent and its record forged to match, the
    # live check would let it through.
    def edit(document: Document) -> None:
        change = change_of(document, "theirs")
        change.update(id="someones", fingerprint=fingerprint_of(SOMEONES))
        change["body"]["name"] = "someones"  # an update names the agent in its path: the body's name is not sent
        change["body"]["metadata"]["assistantsync_state"] = encode_record(AGENT, {
            name: digest(canonical(AGENT, name, value)) for name, value in {
                **AGENT.defaults, "name": "someones", "definition.model": "gpt-4.1"}.items()}, REVISION)
    plan = plan_from_json(forged(HONEST, edit), "plan.json")
    assert live_problems(AGENT, plan, AGENTS) == []
    assert forged_problems(plan) == ["theirs (someones): it writes someones, not the agent its key names"]


def test_a_forged_create_under_another_agents_name_is_refused_offline() -> None:
    # POST /agents with a name that is taken makes a new version of that agent: "create agent fresh" showing
    # `name: support-bot`, its record forged to match, would replace support-bot's definition.
    def edit(document: Document) -> None:
        change = change_of(document, "fresh")
        change["body"]["name"] = NAME
        for shown in change["fields"]:
            if shown["path"] == "name":
                shown["after"] = NAME
        change["body"]["metadata"]["assistantsync_state"] = encode_record(AGENT, {
            name: digest(canonical(AGENT, name, value)) for name, value in {
                **AGENT.defaults, "name": NAME, "description": "New", "definition.model": "gpt-4.1"}.items()},
            REVISION)
    plan = plan_from_json(forged(HONEST, edit), "plan.json")
    assert forged_problems(plan) == ["fresh: it writes support-bot, not the agent its key names"]


def test_a_version_made_since_the_plan_is_refused_as_stale_not_as_forged() -> None:
    # A portal's new version of support-bot without the tool's metadata: the plan is stale (plan again), not
    # forged, though the agent no longer carries the key.
    plan = plan_from_json(HONEST, "plan.json")
    agents = dataclasses.replace(plan, changes=tuple(c for c in plan.changes if c.kind == "agent"))
    portal = {**BOT, "version": "3", "metadata": None}
    assert live_problems(AGENT, agents, [portal, GONE, THEIRS, SOMEONES]) == []
    assert stale_reasons(AGENT, agents, [portal, GONE, THEIRS, SOMEONES]) == [
        "agent support-bot: version 3 was made since the plan (which started from version 2); metadata changed"]
    # The same version with other content is no move (versions are immutable): it is judged, and refused.
    assert live_problems(AGENT, agents, [{**BOT, "metadata": None}, GONE, THEIRS, SOMEONES]) == [
        f"{BOT_}it carries no key; a saved plan only updates the agent carrying the key 'support-bot'"]


def fingerprint_of(live: dict[str, Any]) -> dict[str, Any]:
    taken = fingerprint(AGENT, live)
    return {"object": taken.object, "fields": dict(sorted(taken.fields.items()))}


# Every agent plan the engine makes passes, whatever the file and the live version: values in the forms the
# kind normalises (1 and 1.0, "" and null, "auto" and null, server-filled text), declared or left out.
VALUES: dict[str, list[Any]] = {
    "description": [None, "", "Tier 1"],
    "metadata": [None, {}, {"team": "ops"}, {"b": "2", "a": "1"}],
    "instructions": [None, "", "Hi", "Be kind.\nBe brief."],
    "temperature": [None, 0, 1, 0.3, 1.0],
    "top_p": [None, 1, 0.5],
    "tools": [None, [], [{"type": "code_interpreter"}],
              [{"type": "function", "name": "f", "parameters": {"b": 1, "a": 2}, "strict": False}]],
    "tool_choice": [None, "auto", "required"],
    "text": [None, {}, {"format": {"type": "text"}}, {"format": {"type": "json_object"}}],
    "reasoning": [None, {"effort": "low"}],
}
fields = st.fixed_dictionaries({"model": st.sampled_from(["gpt-4.1", "o3-mini"])},
                               optional={name: st.sampled_from(values) for name, values in VALUES.items()})


@settings(max_examples=300, deadline=None)
@given(files=fields, live=st.none() | fields, claim=st.sampled_from([None, NAME, "other-bot"]),
       revision=st.sampled_from([None, REVISION]))
def test_every_agent_plan_the_engine_makes_passes_the_checks(files: dict[str, Any], live: dict[str, Any] | None,
                                                             claim: str | None, revision: str | None) -> None:
    declared = {name: value for name, value in files.items() if value is not None}
    objects = [] if live is None else [live_agent(
        version="3", metadata={**(live.get("metadata") or {}), **({IDENTITY_KEY: claim} if claim else {})},
        **{name: value for name, value in live.items() if name != "metadata"})]
    plan = make_plan(AGENT, [agent_file(**declared)], objects, revision=revision)
    text = plan_to_json(dataclasses.replace(plan, target=TARGET))
    read = plan_from_json(text, "plan.json")
    assert (forged_problems(read), live_problems(AGENT, read, objects)) == ([], [])
