"""A saved plan is data to verify: each forgery of an honest plan (edited, then sealed again as anyone can) is
refused naming the change and what it would send or touch; every plan the engine makes passes untouched.

The honest plan is made by the real engine from literal files and live objects; each case edits its JSON the
way an attacker with write access to the plan file (or to the CI artifact) would.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from helpers.forged_plan import Document, change_of, forged
from helpers.plan_inputs import desired, server_object
from hypothesis import given, settings
from hypothesis import strategies as st

from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Plan, make_plan
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.saved import plan_from_json, plan_to_json
from assistantsync.plan.saved_check import MASKED, forged_problems, live_problems

TARGET = "https://api.example/v1"
BOT = server_object("asst_1", "bot", name="Bot", temperature=0.3, instructions="Be brief.", metadata={"team": "ops"})
OTHER = server_object("asst_2", "other", name="Other")
THEIRS = server_object("asst_5", key=None, name="Theirs")
SOMEONES = server_object("asst_6", key=None, name="Someone's")
GONE = server_object("asst_9", "gone", name="Gone")
LIVE = [BOT, OTHER, THEIRS, SOMEONES, GONE]
FILES = [desired("bot", model="gpt-4o", name="Bot", temperature=0.35, instructions="Be brief."),
         desired("fresh", model="gpt-4o", name="Fresh", metadata={"owner": "ana"}),
         desired("legacy", "asst_5", model="gpt-4o", name="Legacy"),
         desired("other", model="gpt-4o", name="Other")]


def saved(files: list[Any] = FILES, live: list[dict[str, Any]] = LIVE, strict: bool = False) -> str:
    plan = make_plan(ASSISTANT, files, live, strict=strict, prune=True)
    return plan_to_json(dataclasses.replace(plan, target=TARGET))


HONEST = saved()
Edit = Callable[[Document], None]


def put(key: str, *path: Any) -> Edit:
    """Set the value at `path` (its last item is the value) inside the change of `key`."""
    *steps, name, value = path

    def edit(document: Document) -> None:
        node = change_of(document, key)
        for step in steps:
            node = node[step]
        node[name] = value
    return edit


def both(*edits: Edit) -> Edit:
    def edit(document: Document) -> None:
        for one in edits:
            one(document)
    return edit


def drop(key: str, *path: str) -> Edit:
    def edit(document: Document) -> None:
        node = change_of(document, key)
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]
    return edit


def whole_plan(name: str, value: Any) -> Edit:
    def edit(document: Document) -> None:
        document[name] = value
    return edit


def listed_twice(key: str) -> Edit:
    def edit(document: Document) -> None:
        document["changes"].append(change_of(document, key))
    return edit


def read(edit: Edit, text: str = HONEST) -> Plan:
    return plan_from_json(forged(text, edit), "plan.json")


def fingerprint_of(live: dict[str, Any]) -> dict[str, Any]:
    taken = fingerprint(ASSISTANT, live)
    return {"object": taken.object, "fields": dict(sorted(taken.fields.items()))}


def test_the_honest_plan_holds_one_change_of_each_kind_and_passes() -> None:
    plan = plan_from_json(HONEST, "plan.json")
    assert [(c.key, c.id, c.action) for c in plan.changes] == [
        ("bot", "asst_1", "update"), ("fresh", None, "create"), ("gone", "asst_9", "delete"),
        ("legacy", "asst_5", "adopt"), ("other", "asst_2", "no-op")]
    assert (forged_problems(plan), live_problems(ASSISTANT, plan, LIVE)) == ([], [])


BOT_ = "bot (asst_1): "
STATE = "body's assistantsync_state does not record the values its fields show"
FORGERIES: list[tuple[str, Edit, list[str]]] = [
    ("show says temperature 0.3 -> 0.35; the body sets model and instructions too",
     both(put("bot", "body", "model", "gpt-4o-mini"), put("bot", "body", "instructions", "Obey the PR.")),
     [BOT_ + "body sets model, which its fields do not show",
      BOT_ + "body sets instructions, which its fields do not show"]),
    ("the body sends another value than shown", put("bot", "body", "temperature", 0.9),
     [BOT_ + "body sends another temperature than its fields show"]),
    ("the shown value edited, the body left", put("bot", "fields", 0, "after", 0.9),
     [BOT_ + "body sends another temperature than its fields show", BOT_ + STATE]),
    ("a shown field the body does not set", drop("bot", "body", "temperature"),
     [BOT_ + "body does not set temperature, which its fields show"]),
    ("a field of no assistant", put("bot", "fields", 0, "path", "colour"),
     [BOT_ + "colour is not one of the assistant fields", BOT_ + "body sets temperature, which its fields do not "
      "show", BOT_ + "body does not set colour, which its fields show", BOT_ + STATE]),
    ("a field falsely marked write-only", put("bot", "fields", 0, "write_only", True),
     [BOT_ + "temperature is marked write-only"]),
    ("the record of what was applied forged", put("bot", "body", "metadata", "assistantsync_state", "v1 te=AAAA"),
     [BOT_ + STATE]),
    ("metadata sent as no map", put("bot", "body", "metadata", "owner"),
     [BOT_ + "body's metadata is not a map carrying its key"]),
    ("an update without a body", put("bot", "body", None), [BOT_ + "no body"]),
    ("an update without a fingerprint", put("bot", "fingerprint", None),
     [BOT_ + "no fingerprint: plan writes one for every assistant it changes"]),
    ("a delete without a fingerprint", put("gone", "fingerprint", None),
     ["gone (asst_9): no fingerprint: plan writes one for every assistant it changes"]),
    ("an adopt without an id", put("legacy", "id", None), ["legacy: no id: plan writes one for every assistant it "
                                                          "changes"]),
    ("no target", whole_plan("target", {"base_url": None}),
     ["the plan names no target: which API it was made against"]),
    ("a create whose body claims another key", put("fresh", "body", "metadata", "assistantsync_key", "bot"),
     ["fresh: body's assistantsync_key is 'bot', not its key"]),
    ("a create whose key differs from its body's", put("fresh", "key", "twin"),
     ["twin: body's assistantsync_key is 'fresh', not its key"]),
    ("a create widened", put("fresh", "body", "tools", [{"type": "code_interpreter"}]),
     ["fresh: body sets tools, which its fields do not show"]),
    ("a create sending other metadata", put("fresh", "body", "metadata", "owner", "mallory"),
     ["fresh: body sends other metadata than its fields show"]),
    ("a create naming an id", put("fresh", "id", "asst_1"),
     ["fresh (asst_1): a create names no id, but this one names asst_1", "asst_1: 2 changes write it"]),
    ("an adopt dropping its identity key", drop("legacy", "body", "metadata", "assistantsync_key"),
     ["legacy (asst_5): body's assistantsync_key is None, not its key"]),
    ("a delete with a body", put("gone", "body", {"name": "x"}),
     ["gone (asst_9): a delete sends nothing, but this one shows fields or holds a body"]),
    ("a no-op showing a change", put("other", "fields", [{"path": "name", "before": "Other", "after": "X",
                                                          "drift": False, "write_only": False, "details": []}]),
     ["other (asst_2): a no-op sends nothing, but this one shows fields or holds a body"]),
    ("one change listed twice", listed_twice("bot"),
     ["asst_1: 2 changes write it", "bot: 2 changes give out this key"]),
]


@pytest.mark.parametrize(("edit", "problems"), [c[1:] for c in FORGERIES], ids=[c[0] for c in FORGERIES])
def test_a_forged_plan_is_refused_naming_each_problem(edit: Edit, problems: list[str]) -> None:
    assert forged_problems(read(edit)) == problems


def test_with_strict_a_create_sends_the_defaults_it_does_not_show_and_nothing_else() -> None:
    strict = saved([desired("fresh", model="gpt-4o", name="Fresh")], [], strict=True)
    body = json.loads(strict)["changes"][0]["body"]
    assert (body["temperature"], body["tools"]) == (1.0, [])  # plan's own defaults: not shown, still sent
    assert forged_problems(plan_from_json(strict, "plan.json")) == []
    assert forged_problems(read(put("fresh", "body", "temperature", 2.0), strict)) == [
        "fresh: body sends another temperature than its fields show"]


LIVE_FORGERIES: list[tuple[str, Edit, list[str]]] = [
    ("an update moved onto an unmanaged assistant, with its fingerprint",
     both(put("bot", "id", "asst_6"), put("bot", "fingerprint", fingerprint_of(SOMEONES))),
     ["bot (asst_6): it carries no key; a saved plan only updates the assistant carrying the key 'bot'"]),
    ("a delete moved onto an unmanaged assistant",
     both(put("gone", "id", "asst_6"), put("gone", "fingerprint", fingerprint_of(SOMEONES))),
     ["gone (asst_6): it carries no key; a saved plan only deletes the assistant carrying the key 'gone'"]),
    ("a delete moved onto another file's assistant",
     both(put("gone", "id", "asst_2"), put("gone", "fingerprint", fingerprint_of(OTHER))),
     ["gone (asst_2): it carries the key 'other'; a saved plan only deletes the assistant carrying the key 'gone'"]),
    ("an adopt moved onto another file's assistant",
     both(put("legacy", "id", "asst_2"), put("legacy", "fingerprint", fingerprint_of(OTHER))),
     ["legacy (asst_2): it is managed as 'other'; a saved plan only adopts assistants that carry no key: apply "
      "from the files to take it over"]),
    ("an update adding user metadata the file does not manage", put("bot", "body", "metadata", "owner", "mallory"),
     ["bot (asst_1): body sends other metadata than the live one, and its fields show no change to it"]),
]


@pytest.mark.parametrize(("edit", "problems"), [c[1:] for c in LIVE_FORGERIES], ids=[c[0] for c in LIVE_FORGERIES])
def test_a_plan_writing_where_it_may_not_is_refused_once_the_live_objects_are_read(edit: Edit,
                                                                                  problems: list[str]) -> None:
    plan = read(edit)
    assert forged_problems(plan) == []  # nothing to see in the file alone ...
    assert live_problems(ASSISTANT, plan, LIVE) == problems  # ... but the live object tells


def test_a_moved_object_is_left_to_the_stale_check() -> None:
    plan = read(put("bot", "body", "metadata", "owner", "mallory"))
    moved = {**BOT, "metadata": {**BOT["metadata"], "owner": "mallory"}}  # fingerprint differs: stale, not forged
    assert live_problems(ASSISTANT, plan, [moved, OTHER, THEIRS, GONE]) == []


def test_a_saved_plan_never_takes_over_an_assistant_managed_under_another_key() -> None:
    # A file pinning an assistant whose key it renames is adopted from the files; from a saved plan the same
    # change cannot be told from a forged one, so it is refused, saying how to apply it.
    renamed = server_object("asst_7", "old-name")
    plan = plan_from_json(saved([desired("new-name", "asst_7", model="gpt-4o")], [renamed]), "plan.json")
    assert [(c.key, c.action) for c in plan.pending] == [("new-name", "adopt")]
    assert live_problems(ASSISTANT, plan, [renamed]) == [
        "new-name (asst_7): it is managed as 'old-name'; a saved plan only adopts assistants that carry no key: "
        "apply from the files to take it over"]


SECRET = "sk-test-SECRET-1234567890"


def test_a_masked_live_value_is_only_shown_and_the_plan_still_applies() -> None:
    echoed = server_object("asst_1", "bot", name=f"Bot {SECRET}")
    text = plan_to_json(dataclasses.replace(make_plan(ASSISTANT, [desired("bot", model="gpt-4o", name="Bot")],
                                                      [echoed]), target=TARGET), [SECRET])
    assert SECRET not in text
    plan = plan_from_json(text, "plan.json")
    assert plan.changes[0].fields[0].before == "Bot ***"
    assert (forged_problems(plan), live_problems(ASSISTANT, plan, [echoed])) == ([], [])


def test_a_masked_value_the_plan_would_send_is_refused_not_sent_masked() -> None:
    text = plan_to_json(dataclasses.replace(make_plan(ASSISTANT, [desired("fresh", model="gpt-4o", instructions=(
        f"Use {SECRET}."))], []), target=TARGET), [SECRET])
    assert SECRET not in text
    assert forged_problems(plan_from_json(text, "plan.json")) == [f"fresh: {STATE}", f"fresh: {MASKED}"]
    live = server_object("asst_1", "bot", metadata={"note": SECRET})  # the file leaves metadata to the dashboard
    text = plan_to_json(dataclasses.replace(make_plan(ASSISTANT, [desired("bot", model="gpt-4o-mini")], [live]),
                                            target=TARGET), [SECRET])
    plan = plan_from_json(text, "plan.json")
    assert (forged_problems(plan), live_problems(ASSISTANT, plan, [live])) == ([], [
        "bot (asst_1): body sends other metadata than the live one, and its fields show no change to it",
        f"bot (asst_1): {MASKED}"])


# Every plan the engine makes passes, whatever the files and live object: values in the forms the kind
# normalises (1 and 1.0, "" and null, a ranker left to the server, ids in any order, a schema's key order).
VALUES: dict[str, list[Any]] = {
    "name": [None, "", "Bot", "Other"],
    "instructions": [None, "Be brief.", "Be kind.\nBe brief."],
    "tools": [[], [{"type": "code_interpreter"}], [{"type": "file_search"}],
              [{"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0}}}],
              [{"type": "function", "function": {"name": "f", "parameters": {"b": 1, "a": 2}}}]],
    "tool_resources": [None, {}, {"code_interpreter": {"file_ids": ["file-b", "file-a"]}}],
    "metadata": [None, {}, {"team": "ops"}, {"b": "2", "a": "1"}],
    "temperature": [None, 0, 1, 0.5, 1.0],
    "response_format": [None, "auto", {"type": "json_object"},
                        {"type": "json_schema", "json_schema": {"name": "s", "schema": {"b": 1, "a": 2}}}],
    "reasoning_effort": ["low", "high"],
}
fields = st.fixed_dictionaries({"model": st.sampled_from(["gpt-4o", "o3-mini"])},
                               optional={name: st.sampled_from(values) for name, values in VALUES.items()})


@settings(max_examples=300, deadline=None)
@given(files=fields, live=st.none() | fields, claim=st.sampled_from([None, "bot", "old-name"]), pinned=st.booleans(),
       strict=st.booleans())
def test_every_plan_the_engine_makes_passes_the_checks(files: dict[str, Any], live: dict[str, Any] | None,
                                                       claim: str | None, pinned: bool, strict: bool) -> None:
    objects = [] if live is None else [server_object("asst_1", claim, **{
        name: value for name, value in live.items() if value is not None})]
    text = saved([desired("bot", "asst_1" if pinned and objects else None, **files)], objects, strict)
    plan = plan_from_json(text, "plan.json")
    assert forged_problems(plan) == []
    refused = live_problems(ASSISTANT, plan, objects)
    assert refused == ([] if not (objects and pinned and claim == "old-name") else [
        "bot (asst_1): it is managed as 'old-name'; a saved plan only adopts assistants that carry no key: apply "
        "from the files to take it over"])
