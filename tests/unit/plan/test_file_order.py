"""plan/file_order.py and the plan it orders (issue 16, point 1): fields and keys as the file declares them,
keys only the live object has after them; comparison still blind to key order where it was."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers.plan_inputs import desired, server_object

from assistantsync.key_order import KeyOrdered
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Plan, plan_resource
from assistantsync.plan.file_order import fields_in_file_order, in_file_order
from assistantsync.plan.saved import plan_from_json, plan_to_json

RANKING = {"ranker": "auto", "score_threshold": 0.0}

# (case, value, template: the file's value, the value as JSON text: its keys' order shows)
ORDERS: list[tuple[str, Any, Any, str]] = [
    ("a map takes the file's order", {"owner": "o", "team": "t"}, {"team": "t", "owner": "o"},
     '{"team": "t", "owner": "o"}'),
    ("keys the file lacks come after its own", {"z": 1, "extra": 2, "a": 3}, {"a": 0, "z": 0},
     '{"a": 3, "z": 1, "extra": 2}'),
    ("at every depth", {"file_search": {"ranking_options": RANKING, "max_num_results": 8}, "type": "file_search"},
     {"type": "file_search", "file_search": {"max_num_results": 5}},
     '{"type": "file_search", "file_search": {"max_num_results": 8, "ranking_options": '
     '{"ranker": "auto", "score_threshold": 0.0}}}'),
    ("list items keep their order, each ordered by the file's item of its type",
     [{"function": {"name": "f"}, "type": "function"}, {"code_interpreter": {}, "type": "code_interpreter"}],
     [{"type": "code_interpreter"}, {"type": "function", "function": {"name": "f"}}],
     '[{"type": "function", "function": {"name": "f"}}, {"type": "code_interpreter", "code_interpreter": {}}]'),
    ("items sharing a type: by index", [{"b": 1, "type": "t"}, {"a": 2, "type": "t"}],
     [{"type": "t"}, {"a": 0, "type": "t"}],
     '[{"type": "t", "b": 1}, {"a": 2, "type": "t"}]'),
    ("a key-ordered object is its own order", KeyOrdered({"b": {"y": 1, "x": 2}, "a": 1}), {"a": 1, "b": {"x": 2}},
     '{"b": {"y": 1, "x": 2}, "a": 1}'),
    ("no map in the file: as it is", {"b": 1, "a": 2}, "auto", '{"b": 1, "a": 2}'),
    ("a scalar", 3, {"a": 1}, "3"),
]


@pytest.mark.parametrize(("value", "template", "expected"), [case[1:] for case in ORDERS],
                         ids=[case[0] for case in ORDERS])
def test_values_take_the_order_of_the_file(value: Any, template: Any, expected: str) -> None:
    ordered = in_file_order(value, template)
    assert json.dumps(ordered) == expected
    assert ordered == value


def test_a_key_ordered_value_stays_marked() -> None:
    marked = KeyOrdered({"b": 1, "a": 2})
    assert in_file_order({"schema": marked}, {"schema": {"a": 2, "b": 1}})["schema"] is marked


def test_fields_come_in_the_file_order_then_the_kinds() -> None:
    assert fields_in_file_order(["top_p", "metadata", "model"], ["model", "name", "metadata", "top_p"]) == [
        "top_p", "metadata", "model", "name"]


FILE = {"model": "gpt-4o", "temperature": 0.5, "metadata": {"team": "hr", "owner": "o@example.com"},
        "tools": [{"type": "file_search", "file_search": {"max_num_results": 5}}], "name": "Bot"}


def test_a_create_shows_its_fields_and_keys_as_the_file_declares_them() -> None:
    change = plan_resource(ASSISTANT, desired(**FILE), None)
    assert not isinstance(change, str)
    assert [f.path for f in change.fields] == ["model", "temperature", "metadata", "tools", "name"]
    assert json.dumps([f.after for f in change.fields][2:4]) == (
        '[{"team": "hr", "owner": "o@example.com"}, [{"type": "file_search", "file_search": {"max_num_results": 5}}]]')


def test_an_update_shows_fields_in_file_order_and_the_live_values_keys_in_the_files() -> None:
    live = server_object(name="Old", temperature=1.0, metadata={"owner": "x@example.com", "team": "ops"},
                         tools=[{"file_search": {"ranking_options": RANKING, "max_num_results": 8},
                                 "type": "file_search"}])
    change = plan_resource(ASSISTANT, desired(**FILE), live)
    assert not isinstance(change, str)
    assert [f.path for f in change.fields] == ["temperature", "metadata", "tools", "name"]
    shown = {f.path: (json.dumps(f.before), json.dumps(f.after)) for f in change.fields}
    assert shown["metadata"] == ('{"team": "ops", "owner": "x@example.com"}',
                                 '{"team": "hr", "owner": "o@example.com"}')
    assert shown["tools"][0] == ('[{"type": "file_search", "file_search": {"max_num_results": 8, '
                                 '"ranking_options": {"ranker": "auto", "score_threshold": 0.0}}}]')

    # A saved plan keeps the order: JSON objects are written and read in it, and the digest still matches.
    saved = plan_from_json(plan_to_json(Plan((change,), target="http://127.0.0.1:1/v1")), "plan.json")
    assert [json.dumps(f.before) for f in saved.changes[0].fields] == [json.dumps(f.before) for f in change.fields]


def test_a_reordered_map_in_the_file_is_still_no_change() -> None:
    live = server_object(metadata={"owner": "o@example.com", "team": "hr"})
    change = plan_resource(ASSISTANT, desired(metadata={"team": "hr", "owner": "o@example.com"}), live)
    assert not isinstance(change, str) and change.action == "no-op" and change.fields == ()
