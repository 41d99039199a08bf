"""The plan engine, pure: literal files and live objects in, exact plan values out."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from helpers.plan_inputs import desired, server_object

from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Change, make_plan, plan_resource
from assistantsync.plan.record import decode_record, digest, encode_record
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY
from assistantsync.plan.saved import plan_from_json, plan_to_json


def applied(change: Change, live: dict[str, Any]) -> dict[str, Any]:
    """The live object after the sandbox-like server applied a change's body (server defaults kept)."""
    body = change.body or {}
    tools = body.get("tools", live["tools"])
    filled = [
        {**t, "file_search": {"ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
                              **t.get("file_search", {})}} if t.get("type") == "file_search" else t
        for t in tools
    ]
    return {**live, **{k: v for k, v in body.items() if k != "reasoning_effort"}, "tools": filled}


def test_create_carries_declared_fields_and_reserved_metadata() -> None:
    plan = make_plan(ASSISTANT, [desired(model="gpt-4o", name="Bot", metadata={"team": "hr"})], [])
    (change,) = plan.changes
    assert change.action == "create" and change.id is None
    assert change.body is not None
    assert set(change.body) == {"model", "name", "metadata"}
    assert change.body["metadata"]["team"] == "hr"
    assert change.body["metadata"][IDENTITY_KEY] == "bot"
    assert decode_record(ASSISTANT, change.body["metadata"][STATE_KEY]) == {
        "model": digest("gpt-4o"), "name": digest("Bot"), "metadata": digest({"team": "hr"})}
    assert [f.path for f in change.fields] == ["model", "name", "metadata"]
    assert plan.summary() == {"create": 1, "update": 0, "adopt": 0, "delete": 0, "no-op": 0}


NO_CHANGE = [
    ("numbers", {"temperature": 1, "top_p": 1}, {}),
    ("response_format null", {"response_format": None}, {}),
    ("bare file_search", {"tools": [{"type": "file_search"}]},
     {"tools": [{"type": "file_search", "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                                            "score_threshold": 0.0}}}],
      "tool_resources": {"file_search": {"vector_store_ids": []}}}),
    ("ranker auto", {"tools": [{"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto",
                                                                                           "score_threshold": 0}}}]},
     {"tools": [{"type": "file_search", "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                                            "score_threshold": 0.0}}}]}),
    ("function strict omitted", {"tools": [{"type": "function", "function": {"name": "f", "parameters": {"a": 1}}}]},
     {"tools": [{"type": "function", "function": {"name": "f", "parameters": {"a": 1}, "strict": False}}]}),
    ("empty resources", {"tool_resources": {"code_interpreter": {"file_ids": []}}},
     {"tool_resources": {"code_interpreter": {"file_ids": []}}}),
    ("empty string name", {"name": ""}, {}),
    ("user metadata beside reserved keys", {"metadata": {"team": "hr"}}, {"metadata": {"team": "hr"}}),
    ("key order",  # outside the schema: inside it, order is part of the value (test_schema_key_order.py)
     {"response_format": {"type": "json_schema", "json_schema": {"schema": {"a": 2, "b": 1}, "name": "x"}}},
     {"response_format": {"json_schema": {"name": "x", "schema": {"a": 2, "b": 1}}, "type": "json_schema"}}),
]


@pytest.mark.parametrize(("declared", "live_fields"), [c[1:] for c in NO_CHANGE], ids=[c[0] for c in NO_CHANGE])
def test_server_defaults_are_not_changes(declared: dict[str, Any], live_fields: dict[str, Any]) -> None:
    change = plan_resource(ASSISTANT, desired(model="gpt-4o", **declared), server_object(**live_fields))
    assert isinstance(change, Change)
    assert change.action == "no-op", change.fields


def test_update_body_holds_only_changed_fields_and_keeps_user_metadata() -> None:
    live = server_object(name="Bot", temperature=0.2, metadata={"owner": "ana", "cost-center": "42"})
    change = plan_resource(ASSISTANT, desired(model="gpt-4o", name="Bot", temperature=0.7), live)
    assert isinstance(change, Change) and change.action == "update"
    assert [(f.path, f.before, f.after, f.drift) for f in change.fields] == [("temperature", 0.2, 0.7, False)]
    assert change.body is not None
    assert set(change.body) == {"temperature", "metadata"}
    assert change.body["temperature"] == 0.7
    metadata = change.body["metadata"]
    user = {k: v for k, v in metadata.items() if k not in (IDENTITY_KEY, STATE_KEY)}
    assert user == {"owner": "ana", "cost-center": "42"}


def test_omitted_fields_are_left_alone_unless_strict() -> None:
    live = server_object(name="Set in dashboard", temperature=0.3)
    loose = plan_resource(ASSISTANT, desired(model="gpt-4o"), live)
    strict = plan_resource(ASSISTANT, desired(model="gpt-4o"), live, strict=True)
    assert isinstance(loose, Change) and loose.action == "no-op"
    assert isinstance(strict, Change) and strict.action == "update"
    assert [(f.path, f.after) for f in strict.fields] == [("name", None), ("temperature", 1.0)]


def test_apply_then_plan_again_is_empty() -> None:
    want = desired(model="gpt-4o", name="Bot", instructions="line 1\nline 2", temperature=1,
                   tools=[{"type": "file_search"}, {"type": "function", "function": {"name": "f"}}],
                   metadata={"team": "hr"}, reasoning_effort="low")
    live = server_object(key=None, metadata={"old": "x"})
    first = plan_resource(ASSISTANT, want, live)
    assert isinstance(first, Change) and first.action == "adopt"
    again = plan_resource(ASSISTANT, want, applied(first, live))
    assert isinstance(again, Change) and again.action == "no-op", again.fields


def test_write_only_field_compared_through_the_record() -> None:
    record = encode_record(ASSISTANT, {"model": digest("o3-mini"), "reasoning_effort": digest("low")})
    same = plan_resource(ASSISTANT, desired(model="o3-mini", reasoning_effort="low"),
                          server_object(model="o3-mini", record=record))
    changed = plan_resource(ASSISTANT, desired(model="o3-mini", reasoning_effort="high"),
                             server_object(model="o3-mini", record=record))
    assert isinstance(same, Change) and same.action == "no-op"
    assert isinstance(changed, Change)
    assert [(f.path, f.before, f.after, f.write_only) for f in changed.fields] == [
        ("reasoning_effort", None, "high", True)]


def test_drift_marks_fields_changed_outside_git() -> None:
    record = encode_record(ASSISTANT, {"model": digest("gpt-4o"), "instructions": digest("A"),
                                       "temperature": digest(0.2)})
    live = server_object(instructions="edited in the dashboard", temperature=0.2, record=record)
    change = plan_resource(ASSISTANT, desired(model="gpt-4o", instructions="A", temperature=0.5), live)
    assert isinstance(change, Change)
    assert [(f.path, f.drift) for f in change.fields] == [("instructions", True), ("temperature", False)]
    assert change.drift


def test_identity_errors_write_nothing() -> None:
    twins = [server_object("asst_a"), server_object("asst_b")]
    plan = make_plan(ASSISTANT, [desired(model="gpt-4o")], twins)
    assert plan.changes == ()
    assert plan.errors == (("bot", "live assistants asst_a and asst_b both claim key 'bot' in metadata "
                                   "assistantsync_key; asst_a is kept, as the oldest one: run with --prune to "
                                   "delete the newer copy asst_b, or delete it yourself"),)
    missing = make_plan(ASSISTANT, [desired(pin="asst_gone", model="gpt-4o")], [])
    assert missing.errors[0][1].startswith("pinned id asst_gone does not exist")


def test_pinned_assistant_is_adopted_and_prune_only_touches_managed() -> None:
    live = [server_object("asst_pinned", key=None), server_object("asst_old", key="old"),
            server_object("asst_foreign", key=None)]
    plan = make_plan(ASSISTANT, [desired(pin="asst_pinned", model="gpt-4o")], live, prune=True)
    assert [(c.key, c.id, c.action) for c in plan.changes] == [("bot", "asst_pinned", "adopt"),
                                                               ("old", "asst_old", "delete")]
    assert make_plan(ASSISTANT, [desired(pin="asst_pinned", model="gpt-4o")], live).summary()["delete"] == 0


def test_metadata_without_room_for_reserved_keys_is_an_error() -> None:
    full = {f"k{i}": "v" for i in range(15)}
    result = plan_resource(ASSISTANT, desired(model="gpt-4o"), server_object(key=None, metadata=full))
    assert result == "asst_1 has 15 metadata pairs; assistantsync needs 2 of the 16 for its own keys"


def test_plan_json_round_trip() -> None:
    live = [server_object(name="Old")]
    plan = make_plan(ASSISTANT, [desired(model="gpt-4o", name="New"), desired("fresh", model="gpt-4o")], live)
    text = plan_to_json(plan)
    assert plan_from_json(text, "plan.json") == plan
    assert '"format_version": 2' in text
    targeted = replace(plan, target="https://api.example/v1", warnings=(("fresh", "will create a second one"),))
    assert plan_from_json(plan_to_json(targeted), "plan.json") == targeted
    assert json.loads(plan_to_json(targeted))["warnings"] == [{"key": "fresh", "message": "will create a second one"}]


AUTO_SEARCH = {"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0.0}}}
PINNED_SEARCH = {"type": "file_search", "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                                            "score_threshold": 0.5}}}


@pytest.mark.parametrize(("before", "after"), [(AUTO_SEARCH, PINNED_SEARCH), (PINNED_SEARCH, AUTO_SEARCH)],
                         ids=["auto to a named ranker", "a named ranker to auto"])
def test_changing_how_the_ranker_is_chosen_is_not_drift(before: dict[str, Any], after: dict[str, Any]) -> None:
    """The record holds the file's value; the server resolved `auto` to its default ranker."""
    first = plan_resource(ASSISTANT, desired(model="gpt-4o", tools=[before]), server_object(key=None))
    assert isinstance(first, Change)
    ranking = before["file_search"]["ranking_options"]
    stored = {"type": "file_search", "file_search": {"ranking_options": {**ranking, "ranker": "default_2024_08_21"}}}
    live = {**applied(first, server_object(key=None)), "tools": [stored]}  # `auto` comes back resolved
    change = plan_resource(ASSISTANT, desired(model="gpt-4o", tools=[after]), live)
    assert isinstance(change, Change) and change.action == "update"
    assert [(f.path, f.drift) for f in change.fields] == [("tools", False)]
    edited = {**live, "tools": [{"type": "file_search", "file_search": {"ranking_options": {
        "ranker": "default_2024_08_21", "score_threshold": 0.9}}}]}
    outside = plan_resource(ASSISTANT, desired(model="gpt-4o", tools=[after]), edited)
    assert isinstance(outside, Change)
    assert [(f.path, f.drift) for f in outside.fields] == [("tools", True)]


def test_a_fingerprint_digests_its_live_object_only_when_read() -> None:
    from assistantsync.kinds.assistant.normalise import API_FIELDS
    from assistantsync.plan.fingerprint import Fingerprint, fingerprint
    from assistantsync.plan.record import digests

    live = server_object(instructions="Be brief.", temperature=0.5)
    taken, expected = fingerprint(ASSISTANT, live), digests(live, API_FIELDS)
    assert taken == Fingerprint(*expected) and (taken.object, dict(taken.fields)) == expected
    assert taken != fingerprint(ASSISTANT, {**live, "temperature": 0.7})
    # Not digested when planned: a value JSON cannot hold only fails once the digest is read.
    unread = fingerprint(ASSISTANT, {**live, "temperature": object()})
    with pytest.raises(TypeError):
        _ = unread.object


def test_a_saved_plan_keeps_the_fingerprints_of_unchanged_assistants() -> None:
    live = server_object(instructions="Be brief.")
    plan = make_plan(ASSISTANT, [desired(model="gpt-4o", instructions="Be brief.")], [live])
    assert [c.action for c in plan.changes] == ["no-op"]
    saved = json.loads(plan_to_json(plan))["changes"][0]["fingerprint"]
    assert saved == {"object": plan.changes[0].fingerprint.object,  # type: ignore[union-attr]
                     "fields": dict(sorted(plan.changes[0].fingerprint.fields.items()))}  # type: ignore[union-attr]
    assert plan_from_json(plan_to_json(plan), "plan.json") == plan


@pytest.mark.parametrize("metadata", [None, ["not", "a", "map"], "text", 5])
def test_a_live_metadata_that_is_no_map_holds_no_record_and_is_adopted(metadata: Any) -> None:
    live = {**server_object("asst_1", key=None), "metadata": metadata}
    result = plan_resource(ASSISTANT, desired("bot", pin="asst_1", model="gpt-4o"), live)
    assert isinstance(result, Change) and result.action == "adopt"
    assert result.body is not None and result.body["metadata"][IDENTITY_KEY] == "bot"
