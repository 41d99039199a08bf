"""schema_fast says "valid" exactly when jsonschema finds no error, for every generated schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers.paths import SCHEMAS as SCHEMAS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from assistantsync.schema.fast_check import Unsupported, compile_schema, equal
from assistantsync.schema.validate import validate_assistant

SCHEMAS = sorted(SCHEMAS_DIR.glob("*.schema.json"))
LOADED = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS}
FIELD_NAMES = sorted({
    "model", "name", "description", "instructions", "instructions_file", "tools", "tool_resources", "metadata",
    "temperature", "top_p", "response_format", "reasoning_effort", "key", "id", "object", "created_at", "type",
    "function", "parameters", "parameters_file", "strict", "file_search", "max_num_results", "ranking_options",
    "ranker", "score_threshold", "json_schema", "schema", "code_interpreter", "file_ids", "vector_store_ids",
    "vector_stores", "data", "has_more", "first_id", "last_id", "deleted", "assistantsync_key", "team", "unknown",
})
LEAVES = [None, True, False, 0, 1, -1, 0.0, 0.5, 1.0, 2, 2.5, 5.0, 50, 51, 129, "", "x", "auto", "none", "low",
          "gpt-4o", "function", "file_search", "code_interpreter", "text", "json_object", "json_schema", "list",
          "assistant", "assistant.deleted", "default_2024_08_21", "asst_1", "asst_", "bad key", "k\n", "a" * 65,
          "x" * 513, "assistantsync_key", "vs_1"]
json_values = st.recursive(
    st.sampled_from(LEAVES),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(FIELD_NAMES), children,
                                                                      max_size=5),
    max_leaves=25,
)
TOOLS = [{"type": "code_interpreter"}, {"type": "file_search", "file_search": {"max_num_results": 8}},
         {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
BASE = {"model": "gpt-4o", "name": "Bot", "instructions": "Be brief.", "tools": TOOLS, "metadata": {"team": "a"},
        "temperature": 0.5, "response_format": {"type": "json_schema", "json_schema": {"name": "n"}}}


@pytest.mark.parametrize("name", sorted(LOADED))
def test_every_generated_schema_compiles(name: str) -> None:
    compile_schema(LOADED[name])


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(LOADED)), json_values)
def test_agrees_with_jsonschema_on_any_value(name: str, instance: Any) -> None:
    assert compile_schema(LOADED[name])(instance) == Draft202012Validator(LOADED[name]).is_valid(instance)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(LOADED)), st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=4),
       st.lists(st.sampled_from(sorted(BASE)), max_size=3), st.sampled_from(TOOLS))
def test_agrees_with_jsonschema_near_valid_assistants(name: str, changes: dict[str, Any], dropped: list[str],
                                                      tool: Any) -> None:
    instance = {**{k: v for k, v in BASE.items() if k not in dropped}, **changes}
    if isinstance(instance.get("tools"), list):
        instance["tools"] = [*instance["tools"], tool]
    assert compile_schema(LOADED[name])(instance) == Draft202012Validator(LOADED[name]).is_valid(instance)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    return [path, *(found for key, child in children for found in _paths(child, (*path, key)))]


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_paths(BASE)[1:]), st.sampled_from(LEAVES))
def test_agrees_with_jsonschema_one_value_away_from_a_valid_assistant(path: tuple[Any, ...], leaf: Any) -> None:
    instance = _replaced(BASE, path, leaf)
    assert compile_schema(LOADED["assistant.schema.json"])(instance) == \
        Draft202012Validator(LOADED["assistant.schema.json"]).is_valid(instance)


def test_a_valid_assistant_needs_no_wording() -> None:
    assert validate_assistant(BASE) == []
    assert [str(issue) for issue in validate_assistant({**BASE, "temperature": True})] == [
        "temperature: must be a number or null, not a boolean"]


@pytest.mark.parametrize(("one", "two", "same"), [
    (1, 1.0, True), (True, 1, False), (0, False, False), (True, True, True), ("a", "a", True),
    ([1, True], [1.0, True], True), ([True], [1], False), ({"a": [1]}, {"a": [1.0]}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False), (None, None, True), ("1", 1, False), ([], {}, False),
])
def test_equal_is_jsonschemas_equality(one: Any, two: Any, same: bool) -> None:
    assert equal(one, two) is same
    assert Draft202012Validator({"const": one}).is_valid(two) is same


@pytest.mark.parametrize("schema", [{"format": "email"}, {"$ref": "#/$defs/x"}, {"items": {"prefixItems": [{}]}}, 3,
                                    {"type": "any"}, {"type": ["string", "date"]},
                                    {"patternProperties": {"a": {}}, "additionalProperties": False}])
def test_a_keyword_it_does_not_know_is_never_guessed(schema: Any) -> None:
    with pytest.raises(Unsupported):
        compile_schema(schema)
