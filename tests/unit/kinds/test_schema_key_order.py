"""Key order inside the JSON Schemas Structured Outputs follow is part of an assistant's value (issue 14, defect
14): a reorder there is a planned change, shown and recorded as one; key order anywhere else still means nothing."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.plan_inputs import desired, server_object

from assistantsync.files.yaml_write import dump_yaml
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.plan.changes import Change, plan_resource
from assistantsync.plan.field_diff import same_value
from assistantsync.plan.fingerprint import fingerprint
from assistantsync.plan.record import decode_record, digest, encode_record
from assistantsync.plan.reserved import STATE_KEY, canonical
from assistantsync.render.value_diff import value_diff

A_B = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
       "required": ["a", "b"], "additionalProperties": False}
B_A = {"type": "object", "properties": {"b": {"type": "integer"}, "a": {"type": "string"}},
       "required": ["a", "b"], "additionalProperties": False}


def response_format(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": schema}}


def tools(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "function", "function": {"name": "lookup", "parameters": schema}}]


def live_tools(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "function", "function": {"name": "lookup", "description": None, "strict": False,
                                              "parameters": schema}}]


def planned(field: str, file_value: Any, live_value: Any, record: str | None = None) -> Change:
    change = plan_resource(ASSISTANT, desired(**{"model": "gpt-4o", field: file_value}),
                           server_object(record=record, **{field: live_value}))
    assert isinstance(change, Change)
    return change


# Each case: the file's value; a live value with the schema's keys in another order; one whose keys differ in
# order only outside the schema (`strict` before `name`, `type` last), which is no change.
@pytest.mark.parametrize(
    ("field", "file_value", "reordered", "reordered_outside", "detail"),
    [
        ("response_format", response_format(B_A), response_format(A_B),
         {"json_schema": {"schema": B_A, "strict": True, "name": "answer"}, "type": "json_schema"},
         ".json_schema.schema.properties: keys reordered: a, b -> b, a"),
        ("tools", tools(B_A), live_tools(A_B),
         [{"function": {"parameters": B_A, "strict": False, "name": "lookup"}, "type": "function"}],
         "[0].function.parameters.properties: keys reordered: a, b -> b, a"),
        ("response_format", response_format({**A_B, "properties": {"x": {"type": "object", "properties": {
            "p": {"type": "string"}, "q": {"type": "string"}}}}}),
         response_format({**A_B, "properties": {"x": {"type": "object", "properties": {
             "q": {"type": "string"}, "p": {"type": "string"}}}}}),
         {"type": "json_schema", "json_schema": {"strict": True, "name": "answer", "schema": {**A_B, "properties": {
             "x": {"type": "object", "properties": {"p": {"type": "string"}, "q": {"type": "string"}}}}}}},
         ".json_schema.schema.properties.x.properties: keys reordered: q, p -> p, q"),
    ],
    ids=["response-format", "function-parameters", "nested-properties"],
)
def test_a_reorder_is_an_update_inside_an_ordered_schema_only(field: str, file_value: Any, reordered: Any,
                                                              reordered_outside: Any, detail: str) -> None:
    change = planned(field, file_value, reordered)
    assert change.action == "update"
    assert [(f.path, f.details) for f in change.fields] == [(field, (detail,))]
    assert change.body is not None and change.body[field] == file_value
    assert not same_value(canonical(ASSISTANT, field, reordered), canonical(ASSISTANT, field, file_value))
    assert planned(field, file_value, reordered_outside).action == "no-op"


def test_the_record_tells_a_reorder_outside_git_from_one_in_git() -> None:
    # Applied with a, b; reordered to b, a in a dashboard; the file still says a, b: drift, as for any other edit.
    applied = encode_record(ASSISTANT, {"response_format": digest(canonical(ASSISTANT, "response_format",
                                                                            response_format(A_B)))})
    outside = planned("response_format", response_format(A_B), response_format(B_A), record=applied)
    assert [f.drift for f in outside.fields] == [True]
    # The file reordered in git, the live object as last applied: a change, not drift; the new record differs.
    in_git = planned("response_format", response_format(B_A), response_format(A_B), record=applied)
    assert [f.drift for f in in_git.fields] == [False]
    assert in_git.body is not None
    sent, before = decode_record(ASSISTANT, in_git.body["metadata"][STATE_KEY]), decode_record(ASSISTANT, applied)
    assert sent is not None and before is not None and sent["response_format"] != before["response_format"]


def test_digests_change_with_order_only_where_order_counts() -> None:
    ordered = [digest(canonical(ASSISTANT, "response_format", response_format(s))) for s in (A_B, B_A)]
    assert ordered[0] != ordered[1]
    once = canonical(ASSISTANT, "response_format", response_format(B_A))  # normalising keeps the order, and again
    assert canonical(ASSISTANT, "response_format", once) == once and digest(once) == ordered[1]
    unordered = [digest(canonical(ASSISTANT, "metadata", m)) for m in ({"x": "1", "y": "2"}, {"y": "2", "x": "1"})]
    assert unordered[0] == unordered[1]
    # A schema already in sorted order digests as before key order counted: records written then still match.
    sorted_schema = {"additionalProperties": False, "properties": {"a": {"type": "string"}}, "type": "object"}
    assert digest(canonical(ASSISTANT, "response_format", response_format(sorted_schema))) == digest(
        response_format(sorted_schema))


def test_a_fingerprint_sees_a_reorder_in_an_ordered_schema() -> None:
    before = fingerprint(ASSISTANT, server_object(response_format=response_format(A_B)))
    after = fingerprint(ASSISTANT, server_object(response_format=response_format(B_A)))
    assert before.fields["response_format"] != after.fields["response_format"]
    assert before.object != after.object
    same = fingerprint(ASSISTANT, server_object(metadata={"y": "2", "x": "1"}))
    assert same == fingerprint(ASSISTANT, server_object(metadata={"x": "1", "y": "2"}))


def test_the_plan_shows_the_new_order() -> None:
    change = planned("response_format", response_format(B_A), response_format(A_B))
    [field] = change.fields
    lines = value_diff(field.before, field.after)
    assert lines[0] == "~ json_schema"
    assert [line for line in lines if line.startswith(("-", "+"))] == [
        "+        b:", "+          type: integer", "-        b:", "-          type: integer"]
    assert dump_yaml(field.after["json_schema"]["schema"], sort_keys=True).startswith(
        "type: object\nproperties:\n  b:\n")
