"""kinds/agent/normalise.py: every row of its defaults table, literal values in, equal or different out."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.kinds.agent.normalise import AGENT_DEFAULTS, AGENT_FIELDS, normalise_field
from assistantsync.plan.record import canonical_json, digest
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY

A_B = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
B_A = {"properties": {"b": {"type": "integer"}, "a": {"type": "string"}}, "type": "object"}
A_B_INSIDE = {"type": "object", "properties": {"b": {"type": "integer"}, "a": {"type": "string"}}}


def json_schema_text(schema: dict[str, Any]) -> dict[str, Any]:
    return {"format": {"type": "json_schema", "name": "answer", "strict": True, "schema": schema}}


def function(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "function", "name": "lookup", "parameters": parameters, "strict": True}]


# (row of the table, field, one value, another value it must equal)
EQUAL: list[tuple[str, str, Any, Any]] = [
    ("numbers: integer temperature", "definition.temperature", 1, 1.0),
    ("numbers: integer top_p", "definition.top_p", 0, 0.0),
    ("temperature null is the default", "definition.temperature", None, 1.0),
    ("top_p null is the default", "definition.top_p", None, 1),
    ("description empty is null", "description", "", None),
    ("instructions empty is null", "definition.instructions", "", None),
    ("reasoning null is empty", "definition.reasoning", None, {}),
    ("reasoning member null is absent", "definition.reasoning", {"effort": "low", "summary": None},
     {"effort": "low"}),
    ("reasoning all members null is null", "definition.reasoning", {"effort": None}, None),
    ("structured_inputs null is empty", "definition.structured_inputs", None, {}),
    ("structured_inputs member null is absent", "definition.structured_inputs",
     {"topic": {"description": "what about"}, "unused": None}, {"topic": {"description": "what about"}}),
    ("tool_choice null is auto", "definition.tool_choice", None, "auto"),
    ("text null is empty", "definition.text", None, {}),
    ("text empty is the text format", "definition.text", {}, {"format": {"type": "text"}}),
    ("text format null is absent", "definition.text", {"format": None}, None),
    ("tools null is empty", "definition.tools", None, []),
    ("tool member null is absent", "definition.tools",
     [{"type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": None}],
     [{"type": "file_search", "vector_store_ids": ["vs_1"]}]),
    ("function strict false is absent", "definition.tools",
     [{"type": "function", "name": "f", "parameters": {}, "strict": False}],
     [{"type": "function", "name": "f", "parameters": {}}]),
    ("function strict null is absent", "definition.tools",
     [{"type": "function", "name": "f", "parameters": {}, "strict": None, "description": None}],
     [{"type": "function", "name": "f", "parameters": {}}]),
    ("metadata null is empty", "metadata", None, {}),
    ("metadata without the tool's keys", "metadata", {"team": "hr"},
     {"team": "hr", IDENTITY_KEY: "bot", STATE_KEY: "v1 m=abc"}),
    ("key order: a tool's own members", "definition.tools", [{"type": "function", "name": "f", "parameters": {}}],
     [{"parameters": {}, "name": "f", "type": "function"}]),
    ("key order: text.format outside its schema", "definition.text", json_schema_text(A_B),
     {"format": {"schema": A_B, "strict": True, "name": "answer", "type": "json_schema"}}),
    ("key order: metadata", "metadata", {"a": "1", "b": "2"}, {"b": "2", "a": "1"}),
    ("key order: reasoning", "definition.reasoning", {"effort": "low", "summary": "auto"},
     {"summary": "auto", "effort": "low"}),
    ("key order: a structured input's schema", "definition.structured_inputs", {"topic": {"schema": A_B}},
     {"topic": {"schema": B_A}}),
    ("key order: a tool_choice object", "definition.tool_choice", {"type": "function", "name": "f"},
     {"name": "f", "type": "function"}),
    ("key order: rai_config", "definition.rai_config", {"rai_policy_name": "p", "x": 1},
     {"x": 1, "rai_policy_name": "p"}),
]

# (what differs, field, one value, another value it must not equal)
DIFFERENT: list[tuple[str, str, Any, Any]] = [
    ("temperature set", "definition.temperature", 0.5, 1.0),
    ("temperature zero is not null", "definition.temperature", 0.0, None),
    ("description set", "description", "Tier 1", None),
    ("instructions set", "definition.instructions", "Hi", ""),
    ("tool_choice required", "definition.tool_choice", "required", "auto"),
    ("text json_object", "definition.text", {"format": {"type": "json_object"}}, None),
    ("text with more than its format", "definition.text", {"format": {"type": "text"}, "verbosity": "low"}, None),
    ("reasoning set", "definition.reasoning", {"effort": "low"}, None),
    ("function strict true", "definition.tools",
     [{"type": "function", "name": "f", "parameters": {}, "strict": True}],
     [{"type": "function", "name": "f", "parameters": {}}]),
    ("tools in another order", "definition.tools", [{"type": "code_interpreter"}, {"type": "web_search"}],
     [{"type": "web_search"}, {"type": "code_interpreter"}]),
    ("metadata values", "metadata", {"team": "hr"}, {"team": "it"}),
    ("model: no alias resolution", "definition.model", "gpt-4.1", "gpt-4.1-2025-04-14"),
    ("key order counts in text.format.schema", "definition.text", json_schema_text(A_B), json_schema_text(B_A)),
    ("key order counts deep in text.format.schema", "definition.text", json_schema_text(A_B),
     json_schema_text(A_B_INSIDE)),
    ("key order counts in a function's parameters", "definition.tools", function(A_B), function(B_A)),
    ("key order counts deep in a function's parameters", "definition.tools", function(A_B),
     function(A_B_INSIDE)),
]


@pytest.mark.parametrize(("field", "first", "second"), [case[1:] for case in EQUAL], ids=[c[0] for c in EQUAL])
def test_equal_after_normalising(field: str, first: Any, second: Any) -> None:
    assert normalise_field(field, first) == normalise_field(field, second)
    assert digest(normalise_field(field, first)) == digest(normalise_field(field, second))  # the record agrees


@pytest.mark.parametrize(("field", "first", "second"), [case[1:] for case in DIFFERENT],
                         ids=[c[0] for c in DIFFERENT])
def test_different_after_normalising(field: str, first: Any, second: Any) -> None:
    assert normalise_field(field, first) != normalise_field(field, second)
    assert digest(normalise_field(field, first)) != digest(normalise_field(field, second))


@pytest.mark.parametrize(("field", "value"), [(c[1], v) for c in EQUAL + DIFFERENT for v in c[2:]],
                         ids=[f"{c[0]}-{i}" for c in EQUAL + DIFFERENT for i in (1, 2)])
def test_normalising_is_idempotent(field: str, value: Any) -> None:
    once = normalise_field(field, value)
    twice = normalise_field(field, once)
    assert twice == once
    assert canonical_json(twice) == canonical_json(once)


def test_the_defaults_table_covers_every_field_but_the_name_and_the_model() -> None:
    assert sorted(AGENT_DEFAULTS) == sorted(set(AGENT_FIELDS) - {"name", "definition.model"})


@pytest.mark.parametrize("field", sorted(AGENT_DEFAULTS))
def test_unset_null_and_the_default_are_one_value(field: str) -> None:
    # A file that leaves a field out is compared as its default (whole versions); a server may send null.
    assert normalise_field(field, None) == normalise_field(field, AGENT_DEFAULTS[field])
    assert canonical_json(normalise_field(field, None)) == canonical_json(
        normalise_field(field, AGENT_DEFAULTS[field]))


@pytest.mark.parametrize(("field", "value"), [
    ("definition.tools", "not a list"),
    ("definition.tools", ["odd", 3, None]),
    ("definition.text", "plain"),
    ("definition.reasoning", ["low"]),
    ("metadata", "team=hr"),
    ("definition.temperature", "hot"),
])
def test_odd_shapes_pass_unchanged(field: str, value: Any) -> None:
    assert normalise_field(field, value) == value


def test_normalising_never_changes_its_input() -> None:
    tools = [{"type": "function", "name": "f", "parameters": A_B, "strict": False, "description": None}]
    text = {"format": {"type": "text"}, "verbosity": None}
    normalise_field("definition.tools", tools)
    normalise_field("definition.text", text)
    assert tools == [{"type": "function", "name": "f", "parameters": A_B, "strict": False, "description": None}]
    assert text == {"format": {"type": "text"}, "verbosity": None}
