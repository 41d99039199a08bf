"""fast_check says "valid" exactly when jsonschema finds no error, for every generated schema."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from typing import Any

import pytest
from helpers.paths import SCHEMAS as SCHEMAS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from assistantsync.files.file_format import KEY_PATTERN, NAME_PATTERN
from assistantsync.kinds.assistant.file_format import ID_PATTERN
from assistantsync.schema.fast_check import Check, compile_check
from assistantsync.schema.validate import validate_assistant

SCHEMAS = sorted(SCHEMAS_DIR.glob("*.schema.json"))
LOADED = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS}
FIELD_NAMES = sorted({
    "model", "name", "description", "instructions", "instructions_file", "tools", "tool_resources", "metadata",
    "temperature", "top_p", "response_format", "reasoning_effort", "key", "id", "object", "created_at", "type",
    "function", "parameters", "parameters_file", "strict", "file_search", "max_num_results", "ranking_options",
    "ranker", "score_threshold", "json_schema", "schema", "code_interpreter", "file_ids", "vector_store_ids",
    "vector_stores", "data", "has_more", "first_id", "last_id", "deleted", "assistantsync_key", "team", "unknown",
    "clé", "k\n",
})
# Besides the schemas' own words: numbers past 64 bits, and strings whose length or pattern match depends on
# how each side counts characters and reads `$`, `(?!\n)` and character classes (astral, combining, non-ASCII
# digits and letters, control characters).
LEAVES = [None, True, False, 0, 1, -1, 0.0, 0.5, 1.0, 2, 2.5, 5.0, 50, 51, 129, 2**64, -(10**30), 1e300, "", "x",
          "auto", "none", "low", "gpt-4o", "function", "file_search", "code_interpreter", "text", "json_object",
          "json_schema", "list", "assistant", "assistant.deleted", "default_2024_08_21", "asst_1", "asst_",
          "bad key", "k\n", "k\r", "\n", "a\x00", "é", "e\u0301", "١", "K", "asst_é", "a" * 64, "a" * 65,
          "😀" * 256, "😀" * 257, "x" * 513, "assistantsync_key", "vs_1"]
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


@functools.cache
def _check(name: str) -> Check:
    check = compile_check(LOADED[name])
    assert check is not None
    return check


def _agree(name: str, instance: Any) -> None:
    assert _check(name)(instance) == Draft202012Validator(LOADED[name]).is_valid(instance)


@pytest.mark.parametrize("name", sorted(LOADED))
def test_every_generated_schema_compiles(name: str) -> None:
    assert compile_check(LOADED[name]) is not None  # so jsonschema alone never has to decide


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(LOADED)), json_values)
def test_agrees_with_jsonschema_on_any_value(name: str, instance: Any) -> None:
    _agree(name, instance)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(LOADED)), st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=4),
       st.lists(st.sampled_from(sorted(BASE)), max_size=3), st.sampled_from(TOOLS))
def test_agrees_with_jsonschema_near_valid_assistants(name: str, changes: dict[str, Any], dropped: list[str],
                                                      tool: Any) -> None:
    instance = {**{k: v for k, v in BASE.items() if k not in dropped}, **changes}
    if isinstance(instance.get("tools"), list):
        instance["tools"] = [*instance["tools"], tool]
    _agree(name, instance)


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
    _agree("assistant.schema.json", _replaced(BASE, path, leaf))


def _patterns(node: Any) -> set[str]:
    if isinstance(node, list):
        return {found for item in node for found in _patterns(item)}
    if not isinstance(node, dict):
        return set()
    own = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
    return own.union(*(_patterns(value) for key, value in node.items() if key not in ("enum", "const")))


PATTERNS = sorted(set().union(*(_patterns(schema) for schema in LOADED.values())))
CHARACTERS = [*"azAZ09._- asst", "\n", "\r", "\t", "\x00", "é", "\u0301", "١", "K", "ſ", "İ", "😀", "\u2028"]


def test_the_file_formats_patterns_are_among_those_compared() -> None:
    assert {KEY_PATTERN, ID_PATTERN, NAME_PATTERN} <= set(PATTERNS)  # each with a lookahead: `$(?!\\n)`


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(PATTERNS), st.sampled_from(["", "asst_"]),
       st.text(alphabet=st.sampled_from(CHARACTERS), max_size=70))
def test_patterns_match_what_pythons_re_search_matches(pattern: str, prefix: str, text: str) -> None:
    """jsonschema applies `pattern` with Python's re.search; jsonschema-rs uses its own regex engine."""
    check = compile_check({"type": "string", "pattern": pattern})
    assert check is not None
    assert check(prefix + text) is (re.search(pattern, prefix + text) is not None)


def test_a_valid_assistant_needs_no_wording() -> None:
    assert validate_assistant(BASE) == []
    assert [str(issue) for issue in validate_assistant({**BASE, "temperature": True})] == [
        "temperature: must be a number or null, not a boolean"]


@pytest.mark.parametrize(("one", "two", "same"), [
    (1, 1.0, True), (True, 1, False), (0, False, False), (True, True, True), ("a", "a", True),
    ([1, True], [1.0, True], True), ([True], [1], False), ({"a": [1]}, {"a": [1.0]}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False), (None, None, True), ("1", 1, False), ([], {}, False),
    (2**53 + 1, float(2**53), False),
])
def test_const_and_enum_use_jsonschemas_equality(one: Any, two: Any, same: bool) -> None:
    for schema in ({"const": one}, {"enum": ["other", one]}):
        check = compile_check(schema)
        assert check is not None
        assert check(two) is same
        assert Draft202012Validator(schema).is_valid(two) is same


@pytest.mark.parametrize("schema", [{"pattern": "("}, {"pattern": "a\\Z"}, {"type": "any"}, {"$ref": "#/$defs/x"},
                                    {"$ref": "https://example.com/remote.schema.json"}])
def test_a_schema_it_cannot_compile_is_left_to_jsonschema(schema: Any) -> None:
    assert compile_check(schema) is None


@pytest.mark.parametrize(("instance", "issues"), [
    ({"model": "gpt-4o", "metadata": {1: "a"}}, []),  # a YAML key may be a number; no string rule applies
    ({"model": "gpt-4o", "name": b"x"}, ["name: must be a string or null, not bytes"]),
    ({"model": "gpt-4o", "temperature": float("nan")}, []),  # jsonschema-rs says no to NaN; jsonschema has no rule
])
def test_where_it_cannot_decide_jsonschema_does(instance: Any, issues: list[str]) -> None:
    assert _check("assistant.schema.json")(instance) is False
    assert [str(issue) for issue in validate_assistant(instance)] == issues


def test_validating_a_valid_assistant_loads_jsonschema_rs_only_then_and_never_jsonschema() -> None:
    code = ("import sys, assistantsync.schema.validate as v, assistantsync.files.desired\n"
            "before = 'jsonschema_rs' in sys.modules\n"
            "issues = v.validate_assistant({'model': 'gpt-4o'})\n"
            "print(before, issues, 'jsonschema_rs' in sys.modules, 'jsonschema' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False [] True False\n"
