"""The plan engine for agents, pure: literal agent files and live agents (the flat view the agents API's
objects become, kinds/agent/wire.py) in, exact plan values out. A file is the whole version: what it omits is
compared as its default, and a new version carries every field the file declares."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.agent_plan_inputs import NAME, agent_file, applied, document, live_agent

from assistantsync.kinds.agent import AGENT
from assistantsync.plan.changes import Change, FieldChange, Plan, make_plan
from assistantsync.plan.record import decode_record, digest, encode_record, record_revision
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY
from assistantsync.schema.validate import validate_instance

FILE = agent_file(model="gpt-4.1", instructions="Hi", temperature=0.3)
# The record of FILE: every field, those it omits as their canonical defaults (a file is the whole version).
RECORDED = {"name": digest(NAME), "description": digest(None), "metadata": digest({}),
            "definition.model": digest("gpt-4.1"), "definition.instructions": digest("Hi"),
            "definition.temperature": digest(0.3), "definition.top_p": digest(1.0),
            "definition.reasoning": digest(None), "definition.tools": digest([]),
            "definition.tool_choice": digest(None), "definition.text": digest(None),
            "definition.structured_inputs": digest(None), "definition.rai_config": digest(None)}
RECORD = encode_record(AGENT, RECORDED)
MANAGED = {IDENTITY_KEY: NAME, STATE_KEY: RECORD}  # what apply left in FILE's version's metadata
APPLIED = live_agent(metadata=MANAGED, model="gpt-4.1", instructions="Hi", temperature=0.3)


def one(plan: Plan) -> Change:
    (change,) = plan.changes
    return change


def test_a_create_sends_exactly_the_declared_fields_and_the_tools_metadata() -> None:
    change = one(make_plan(AGENT, [FILE], []))
    assert (change.action, change.id, change.version, change.kind) == ("create", None, None, "agent")
    assert change.body == {"name": NAME, "definition.model": "gpt-4.1", "definition.instructions": "Hi",
                           "definition.temperature": 0.3, "metadata": MANAGED}
    assert change.fields == (FieldChange("name", None, NAME), FieldChange("definition.model", None, "gpt-4.1"),
                             FieldChange("definition.instructions", None, "Hi"),
                             FieldChange("definition.temperature", None, 0.3))
    assert AGENT.to_wire("create", change.body) == {
        "name": NAME, "metadata": MANAGED,
        "definition": {"kind": "prompt", "model": "gpt-4.1", "instructions": "Hi", "temperature": 0.3}}


def test_the_live_version_a_create_makes_plans_as_no_op() -> None:
    created = applied(one(make_plan(AGENT, [FILE], [])).body or {})
    assert created == APPLIED
    change = one(make_plan(AGENT, [FILE], [created]))
    assert (change.action, change.fields, change.body, change.version) == ("no-op", (), None, "1")


# (case, what the file declares beside its model, the live definition's members beside it): each the same version
NO_CHANGE: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("server fill: temperature, top_p null; tools []; tool_choice auto; text format text", {}, {}),
    ("temperature, top_p: 1 omitted is 1.0 live", {}, {"temperature": 1.0, "top_p": 1}),
    ("temperature declared 1 is null live", {"temperature": 1}, {}),
    ("tools omitted: null live", {}, {"tools": None}),
    ("tools declared []", {"tools": []}, {}),
    ("tool_choice omitted: null live", {}, {"tool_choice": None}),
    ("tool_choice declared auto", {"tool_choice": "auto"}, {"tool_choice": None}),
    ("text omitted: {} live", {}, {"text": {}}),
    ("text declared format text", {"text": {"format": {"type": "text"}}}, {"text": None}),
    ("instructions omitted: empty live", {}, {"instructions": ""}),
    ("reasoning with a null member", {"reasoning": {"effort": "low"}}, {"reasoning": {"effort": "low",
                                                                                       "summary": None}}),
    ("a function's strict: false is no strict", {"tools": [{"type": "function", "name": "f", "parameters": {}}]},
     {"tools": [{"type": "function", "name": "f", "parameters": {}, "strict": False}]}),
]


@pytest.mark.parametrize(("declared", "live"), [c[1:] for c in NO_CHANGE], ids=[c[0] for c in NO_CHANGE])
def test_server_filled_defaults_are_no_change(declared: dict[str, Any], live: dict[str, Any]) -> None:
    created = one(make_plan(AGENT, [agent_file(model="gpt-4.1", **declared)], []))
    version = applied(created.body or {})
    version.update({f"definition.{member}": value for member, value in live.items()})
    change = one(make_plan(AGENT, [agent_file(model="gpt-4.1", **declared)], [version]))
    assert (change.action, change.fields) == ("no-op", ())


def test_a_changed_member_is_a_new_version_showing_it_and_sending_every_declared_field() -> None:
    live = live_agent(version="4", metadata=MANAGED, model="gpt-4.1", instructions="Hi", temperature=0.3)
    edited = agent_file(model="gpt-4.1", instructions="Hello", temperature=0.3)
    change = one(make_plan(AGENT, [edited], [live]))
    assert (change.action, change.id, change.version) == ("update", NAME, "4")
    assert change.fields == (FieldChange("definition.instructions", "Hi", "Hello"),)
    assert change.body is not None
    assert {name: value for name, value in change.body.items() if name != "metadata"} == {
        "name": NAME, "definition.model": "gpt-4.1", "definition.instructions": "Hello",
        "definition.temperature": 0.3}
    assert change.body["metadata"] == {
        IDENTITY_KEY: NAME, STATE_KEY: encode_record(AGENT, {**RECORDED, "definition.instructions": digest("Hello")})}
    assert change.fingerprint is not None and not change.drift


def test_a_field_the_file_dropped_is_a_change_to_its_default() -> None:
    # The new version is made whole from the request: a temperature the file no longer declares becomes 1.0.
    change = one(make_plan(AGENT, [agent_file(model="gpt-4.1", instructions="Hi")], [APPLIED]))
    assert (change.action, change.fields) == ("update", (FieldChange("definition.temperature", 0.3, 1.0),))
    assert change.body is not None and "definition.temperature" not in change.body
    assert decode_record(AGENT, change.body["metadata"][STATE_KEY]) == {**RECORDED,
                                                                          "definition.temperature": digest(1.0)}


def test_a_description_only_change_still_sends_the_whole_definition() -> None:
    change = one(make_plan(AGENT, [agent_file(model="gpt-4.1", instructions="Hi", temperature=0.3,
                                              description="Tier 1")], [APPLIED]))
    assert change.fields == (FieldChange("description", None, "Tier 1"),)
    assert change.body is not None
    assert AGENT.to_wire("update", change.body)["definition"] == {"kind": "prompt", "model": "gpt-4.1",
                                                                  "instructions": "Hi", "temperature": 0.3}
    assert AGENT.update_path("/agents/support-bot", ("description",)) == "/agents/support-bot/versions"


# (case, the live version's definition members beside model and instructions, the file's, the fields shown)
DRIFT: list[tuple[str, dict[str, Any], dict[str, Any], tuple[FieldChange, ...]]] = [
    ("a portal version: back to the file", {"temperature": 0.5}, {"temperature": 0.3},
     (FieldChange("definition.temperature", 0.5, 0.3, drift=True),)),
    ("a portal version and a change in git to the same member", {"temperature": 0.5}, {"temperature": 0.7},
     (FieldChange("definition.temperature", 0.5, 0.7, drift=True),)),
    ("a portal version adding a member the file omits", {"temperature": 0.3, "top_p": 0.2},
     {"temperature": 0.3}, (FieldChange("definition.top_p", 0.2, 1.0, drift=True),)),
    ("no portal version: a change in git only", {"temperature": 0.3}, {"temperature": 0.7},
     (FieldChange("definition.temperature", 0.3, 0.7),)),
]


@pytest.mark.parametrize(("live", "declared", "fields"), [c[1:] for c in DRIFT], ids=[c[0] for c in DRIFT])
def test_a_live_version_other_than_the_record_is_drift(live: dict[str, Any], declared: dict[str, Any],
                                                       fields: tuple[FieldChange, ...]) -> None:
    # The portal copies the metadata into its new version (version 2), so the record is the last apply's.
    version = live_agent(version="2", metadata=MANAGED, model="gpt-4.1", instructions="Hi", **live)
    change = one(make_plan(AGENT, [agent_file(model="gpt-4.1", instructions="Hi", **declared)], [version]))
    assert (change.action, change.version, change.fields) == ("update", "2", fields)
    assert change.drift == any(f.drift for f in fields)


UNMANAGED: list[tuple[str, dict[str, str] | None]] = [
    ("no metadata", None),
    ("the user's metadata only", {"team": "support"}),
    ("a claim copied from another agent", {IDENTITY_KEY: "other-bot", "team": "support"}),
]


@pytest.mark.parametrize("metadata", [c[1] for c in UNMANAGED], ids=[c[0] for c in UNMANAGED])
def test_an_unmanaged_agent_of_the_files_name_is_adopted(metadata: dict[str, str] | None) -> None:
    live = live_agent(version="7", metadata=metadata, model="gpt-4.1", instructions="Hi", temperature=0.3)
    change = one(make_plan(AGENT, [FILE], [live]))
    assert (change.action, change.id, change.version) == ("adopt", NAME, "7")
    # The file is the whole version: its metadata ({}) replaces the user's, and the plan shows it.
    user = {k: v for k, v in (metadata or {}).items() if k != IDENTITY_KEY}
    assert change.fields == ((FieldChange("metadata", user, {}, details=(".team",)),) if user else ())
    assert change.body == {"name": NAME, "definition.model": "gpt-4.1", "definition.instructions": "Hi",
                           "definition.temperature": 0.3, "metadata": MANAGED}


def test_prune_deletes_only_the_agents_the_tool_manages() -> None:
    gone = live_agent("gone", "3", metadata={IDENTITY_KEY: "gone"}, model="gpt-4.1")
    theirs = live_agent("theirs", metadata={"team": "x"}, model="gpt-4.1")
    copied = live_agent("copied", metadata={IDENTITY_KEY: "old-bot"}, model="gpt-4.1")  # a claim not its own
    plan = make_plan(AGENT, [FILE], [APPLIED, gone, theirs, copied], prune=True)
    assert [(c.key, c.id, c.action, c.version) for c in plan.changes] == [
        ("gone", "gone", "delete", "3"), (NAME, NAME, "no-op", "1")]
    unpruned = make_plan(AGENT, [FILE], [APPLIED, gone, theirs, copied])
    assert [(c.key, c.action) for c in unpruned.changes] == [(NAME, "no-op")]


@pytest.mark.parametrize("revision", ["0123abcd", None])
def test_the_record_names_the_revision_only_when_one_is_given(revision: str | None) -> None:
    create = make_plan(AGENT, [FILE], [], revision=revision)
    update = make_plan(AGENT, [agent_file(model="gpt-4.1", instructions="Hello")], [APPLIED], revision=revision)
    for plan in (create, update):
        state = (one(plan).body or {})["metadata"][STATE_KEY]
        assert plan.revision == revision
        assert record_revision(state) == revision
        assert state.endswith(f";git={revision}") == (revision is not None)
        assert decode_record(AGENT, state) is not None  # the revision is no field: the record still reads
    assert (one(create).body or {})["metadata"][STATE_KEY] == encode_record(AGENT, RECORDED, revision)


def test_a_revision_given_for_a_plan_of_no_change_is_recorded_nowhere() -> None:
    plan = make_plan(AGENT, [FILE], [APPLIED], revision="0123abcd")
    assert (one(plan).action, one(plan).body) == ("no-op", None)


# --- the metadata room ------------------------------------------------------------------------------------

PAIRS_15 = {f"k{n:02}": "v" for n in range(15)}


def test_an_agent_file_with_more_user_metadata_than_leaves_room_is_refused_by_the_schema() -> None:
    issues = validate_instance(AGENT.schema_file, document(model="gpt-4.1", metadata=PAIRS_15))
    assert [(issue.path, issue.message) for issue in issues] == [
        (("metadata",), "must have at most 14 pairs, not 15 (2 of the API's 16 are reserved for assistantsync)")]
    assert validate_instance(AGENT.schema_file, document(model="gpt-4.1", metadata=dict(list(
        PAIRS_15.items())[:14]))) == []


def test_adopting_an_agent_with_a_full_metadata_map_shows_the_file_replacing_it() -> None:
    # The live map leaves no room for the tool's two keys; a file without metadata declares {} (whole version),
    # so the new version holds only the tool's keys, and the plan says the 15 pairs go: no error, no surprise.
    live = live_agent(metadata=PAIRS_15, model="gpt-4.1", instructions="Hi", temperature=0.3)
    plan = make_plan(AGENT, [FILE], [live])
    change = one(plan)
    assert (plan.errors, change.action) == ((), "adopt")
    assert change.fields == (FieldChange("metadata", PAIRS_15, {}),)
    assert change.body is not None and change.body["metadata"] == MANAGED
