"""The committed schema files, finding them, and the messages validation produces (generation: test_generate.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers.assistant_samples import REALISTIC_ASSISTANT, file_search_tool, function_tool
from helpers.paths import REPO
from jsonschema import Draft202012Validator

from assistantsync.errors import AssistantSyncError
from assistantsync.schema.validate import SchemaIssue, load_schema, schema_path, validate_assistant, validate_instance

COMMITTED = sorted((REPO / "schemas").glob("*.schema.json"))
ASSISTANT, CREATE, MODIFY = ("assistant-object.schema.json", "create-assistant-request.schema.json",
                             "modify-assistant-request.schema.json")
LIST, DELETE = "list-assistants-response.schema.json", "delete-assistant-response.schema.json"

VECTOR_STORES_HINT = ("vector_stores is a create-only helper and is not part of the file format: "
                      "create the vector store separately and list its id in vector_store_ids")
NAME_HINT = "must be 1-64 characters, each a letter, digit, '_' or '-'"
KEY_HINT = "must be 1-64 characters, each a lowercase letter, digit, '.', '_' or '-'"
TOP_LEVEL_FIELDS = ("description, id, instructions, instructions_file, key, metadata, model, name, "
                    "reasoning_effort, response_format, temperature, tool_resources, tools, top_p")
M = {"model": "gpt-4o"}
CODE = {"type": "code_interpreter"}


def _stores(**file_search: object) -> dict[str, Any]:
    return {"tool_resources": {"file_search": file_search}}


def _json_schema(**json_schema: object) -> dict[str, Any]:
    return {"response_format": {"type": "json_schema", "json_schema": json_schema}}


# --- the committed files -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_schema_is_valid_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    assert "$id" not in schema


def test_schema_path_and_load_schema_find_the_committed_file() -> None:
    assert schema_path("assistant.schema.json").is_file()
    assert load_schema("assistant.schema.json")["title"] == "assistantsync assistant file"


def test_schema_path_names_a_missing_schema() -> None:
    with pytest.raises(AssistantSyncError, match="schema nope.schema.json not found"):
        schema_path("nope.schema.json")


def test_importing_schema_does_not_import_jsonschema_or_the_generator() -> None:
    code = ("import sys, assistantsync.schema.validate, assistantsync.files.desired; "
            "found = sorted({'jsonschema', 'assistantsync.schema.generate'} & set(sys.modules)); "
            "sys.exit(str(found) if found else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# --- the file format -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [
    M,
    REALISTIC_ASSISTANT,
    {**M, "key": "a.b_c-1", "id": "asst_abc123", "instructions_file": "prompts/hr.md",
     "tools": [CODE, function_tool(name="f", parameters_file="f.json", strict=True)],
     "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]},
                        "file_search": {"vector_store_ids": []}}},
    {**M, "name": None, "description": None, "instructions": None, "tool_resources": None, "metadata": None,
     "temperature": None, "top_p": None, "response_format": None, "reasoning_effort": None},
    {**M, "response_format": "auto", "reasoning_effort": "high", "top_p": 1, "temperature": 2},
    {**M, **_json_schema(name="answer", schema={"type": "object"}, strict=True)},
    {**M, "tools": [file_search_tool(ranking_options={"ranker": "default_2024_08_21", "score_threshold": 0.0})]},
    {**M, "metadata": {f"k{i}": "v" * 512 for i in range(14)}},
    {**M, "tools": [CODE] * 128},
    {"model": "my-org:ft-gpt-4o:2024"},
], ids=["minimal", "realistic", "own-fields", "nulls", "scalars", "json-schema", "ranking", "metadata-max",
        "tools-max", "fine-tune"])
def test_valid_assistant_has_no_issues(data: dict[str, Any]) -> None:
    assert validate_assistant(data) == []


def _case(case_id: str, data: object, *issues: tuple[tuple[str | int, ...], str]) -> Any:
    return pytest.param(data, list(issues), id=case_id)


FILE_FORMAT_CASES = [
    _case("file-search-typo", {**M, "tools": [file_search_tool(max_results=5)]},
          (("tools", 0, "file_search", "max_results"),
           "unknown field 'max_results' (did you mean 'max_num_results'? allowed: max_num_results, ranking_options)")),
    _case("vector-stores-helper", {**M, **_stores(vector_stores=[{"file_ids": ["file-1"]}])},
          (("tool_resources", "file_search", "vector_stores"), VECTOR_STORES_HINT)),
    _case("metadata-15-pairs", {**M, "metadata": {f"k{i:02}": "v" for i in range(15)}},
          (("metadata",),
           "must have at most 14 pairs, not 15 (2 of the API's 16 are reserved for assistantsync)")),
    _case("metadata-reserved-key", {**M, "metadata": {"assistantsync_key": "hr"}},
          (("metadata", "assistantsync_key"), "'assistantsync_key' is reserved for assistantsync")),
    _case("metadata-reserved-state", {**M, "metadata": {"assistantsync_state": "x"}},
          (("metadata", "assistantsync_state"), "'assistantsync_state' is reserved for assistantsync")),
    _case("metadata-65-char-key", {**M, "metadata": {"k" * 65: "v"}},
          (("metadata", "k" * 65), "key must be at most 64 characters long, not 65")),
    _case("metadata-513-char-value", {**M, "metadata": {"note": "v" * 513}},
          (("metadata", "note"), "must be at most 512 characters long, not 513")),
    _case("metadata-integer-value", {**M, "metadata": {"count": 3}},
          (("metadata", "count"), "must be a string, not an integer")),
    _case("function-name-space", {**M, "tools": [CODE, function_tool(name="get weather")]},
          (("tools", 1, "function", "name"), NAME_HINT)),
    _case("function-name-65", {**M, "tools": [function_tool(name="f" * 65)]},
          (("tools", 0, "function", "name"), NAME_HINT)),
    _case("max-num-results-51", {**M, "tools": [file_search_tool(max_num_results=51)]},
          (("tools", 0, "file_search", "max_num_results"), "must be at most 50")),
    _case("max-num-results-0", {**M, "tools": [file_search_tool(max_num_results=0)]},
          (("tools", 0, "file_search", "max_num_results"), "must be at least 1")),
    _case("two-vector-store-ids", {**M, **_stores(vector_store_ids=["vs_1", "vs_2"])},
          (("tool_resources", "file_search", "vector_store_ids"), "must have at most 1 item, not 2")),
    _case("21-file-ids", {**M, "tool_resources": {"code_interpreter": {"file_ids": ["file-1"] * 21}}},
          (("tool_resources", "code_interpreter", "file_ids"), "must have at most 20 items, not 21")),
    _case("129-tools", {**M, "tools": [CODE] * 129}, (("tools",), "must have at most 128 items, not 129")),
    _case("instructions-and-file", {**M, "instructions": "Be brief.", "instructions_file": "prompt.md"},
          (("instructions_file",), "instructions and instructions_file are mutually exclusive: keep one")),
    _case("parameters-and-file",
          {**M, "tools": [function_tool(name="f", parameters={}, parameters_file="f.json")]},
          (("tools", 0, "function", "parameters_file"),
           "parameters and parameters_file are mutually exclusive: keep one")),
    _case("key-pattern", {**M, "key": "HR Helper"}, (("key",), KEY_HINT)),
    _case("key-65", {**M, "key": "k" * 65}, (("key",), KEY_HINT)),
    _case("id-pattern", {**M, "id": "abc123"},
          (("id",), "must be an assistant id: 'asst_' then letters, digits, '_' or '-'")),
    _case("temperature-3", {**M, "temperature": 3}, (("temperature",), "must be at most 2")),
    _case("temperature-string", {**M, "temperature": "hot"},
          (("temperature",), "must be a number or null, not a string")),
    _case("top-p-negative", {**M, "top_p": -0.1}, (("top_p",), "must be at least 0")),
    _case("response-format-none", {**M, "response_format": "none"}, (("response_format",), "must be 'auto'")),
    _case("json-schema-without-name", {**M, **_json_schema(schema={})},
          (("response_format", "json_schema"), "required field 'name' is missing")),
    _case("json-schema-name-space", {**M, **_json_schema(name="my answer")},
          (("response_format", "json_schema", "name"), NAME_HINT)),
    _case("response-format-type", {**M, "response_format": {"type": "xml"}},
          (("response_format", "type"), "must be one of: text, json_object, json_schema")),
    _case("response-format-integer", {**M, "response_format": 1},
          (("response_format",), "must be a string, a mapping or null, not an integer")),
    _case("reasoning-effort-bogus", {**M, "reasoning_effort": "extreme"},
          (("reasoning_effort",), "must be one of: none, minimal, low, medium, high, xhigh, max, null")),
    _case("model-missing", {}, ((), "required field 'model' is missing")),
    _case("model-integer", {"model": 4}, (("model",), "must be a string, not an integer")),
    _case("model-null", {"model": None}, (("model",), "must be a string, not null")),
    _case("top-level-typo", {**M, "temprature": 1},
          (("temprature",), f"unknown field 'temprature' (did you mean 'temperature'? allowed: {TOP_LEVEL_FIELDS})")),
    # A misspelt required field is one mistake, so one message; an unrelated extra key is a second one.
    _case("model-misspelt", {"modle": "gpt-4o"},
          (("modle",), f"unknown field 'modle' (did you mean 'model'? allowed: {TOP_LEVEL_FIELDS})")),
    _case("model-missing-and-extra", {"engine": "gpt-4o"}, ((), "required field 'model' is missing"),
          (("engine",), f"unknown field 'engine' (allowed: {TOP_LEVEL_FIELDS})")),
    _case("tool-type-unknown", {**M, "tools": [{"type": "web_search"}]},
          (("tools", 0, "type"), "must be one of: code_interpreter, file_search, function")),
    _case("tool-type-missing", {**M, "tools": [{"function": {"name": "f"}}]},
          (("tools", 0), "required field 'type' is missing")),
    _case("function-missing", {**M, "tools": [{"type": "function"}]},
          (("tools", 0), "required field 'function' is missing")),
    _case("code-interpreter-extra", {**M, "tools": [{**CODE, "file_ids": []}]},
          (("tools", 0, "file_ids"), "unknown field 'file_ids' (allowed: type)")),
    _case("tools-string", {**M, "tools": "code_interpreter"}, (("tools",), "must be a list, not a string")),
    _case("ranking-without-threshold", {**M, "tools": [file_search_tool(ranking_options={"ranker": "auto"})]},
          (("tools", 0, "file_search", "ranking_options"), "required field 'score_threshold' is missing")),
    _case("file-search-empty", {**M, **_stores()},
          (("tool_resources", "file_search"), "required field 'vector_store_ids' is missing")),
    _case("vector-store-ids-misspelt", {**M, **_stores(vector_store_id=["vs_1"])},
          (("tool_resources", "file_search", "vector_store_id"),
           "unknown field 'vector_store_id' (did you mean 'vector_store_ids'? allowed: vector_store_ids)")),
    _case("instructions-file-empty", {**M, "instructions_file": ""},
          (("instructions_file",), "must not be empty")),
    _case("document-is-a-list", ["model", "gpt-4o"], ((), "must be a mapping, not a list")),
    _case("non-string-key", {"model": "gpt-4o", 1: "x"},  # YAML allows such keys; it must not crash the messages
          ((1,), f"unknown field '1' (allowed: {TOP_LEVEL_FIELDS})")),
]


@pytest.mark.parametrize(("data", "issues"), FILE_FORMAT_CASES)
def test_invalid_assistant_gets_one_clear_issue_per_mistake(
    data: object, issues: list[tuple[tuple[str | int, ...], str]],
) -> None:
    assert validate_assistant(data) == [SchemaIssue(path, message) for path, message in issues]


def test_every_issue_is_reported_sorted_by_path() -> None:
    tools = [CODE] * 2 + [function_tool(name="a b")] + [CODE] * 7 + [file_search_tool(max_num_results=99)]
    data = {**M, "tools": tools, "temperature": 9, "metadata": {"assistantsync_key": "x"}}
    assert [str(issue) for issue in validate_assistant(data)] == [
        "metadata.assistantsync_key: 'assistantsync_key' is reserved for assistantsync",
        "temperature: must be at most 2",
        f"tools[2].function.name: {NAME_HINT}",
        "tools[10].file_search.max_num_results: must be at most 50",
    ]


# --- the wire schemas ------------------------------------------------------------------------------

ASSISTANT_OBJECT: dict[str, Any] = {  # as the spec's example and captured responses show it
    "id": "asst_abc123",
    "object": "assistant",
    "created_at": 1698984975,
    "name": "Math Tutor",
    "description": None,
    "model": "gpt-4o",
    "instructions": "You are a personal math tutor.",
    "tools": [CODE, file_search_tool(ranking_options={"ranker": "default_2024_08_21", "score_threshold": 0.0})],
    "tool_resources": {"code_interpreter": {"file_ids": []}, "file_search": {"vector_store_ids": []}},
    "metadata": {},
    "top_p": 1.0,
    "temperature": 1.0,
    "response_format": "auto",
}
STORE_HELPER = _stores(vector_stores=[{
    "file_ids": ["file-1"],
    "chunking_strategy": {"type": "static",
                          "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}},
    "metadata": {"source": "handbook"},
}])
EMPTY_PAGE: dict[str, Any] = {"object": "list", "data": [], "first_id": None, "last_id": None,
                              "has_more": False}


@pytest.mark.parametrize(("schema", "data"), [
    (ASSISTANT, ASSISTANT_OBJECT),
    (ASSISTANT, {**ASSISTANT_OBJECT, "reasoning_effort": "low", "future_field": 1}),
    (LIST, {**EMPTY_PAGE, "data": [ASSISTANT_OBJECT], "first_id": "asst_abc123", "last_id": "asst_abc123"}),
    (LIST, EMPTY_PAGE),
    (DELETE, {"id": "asst_abc123", "object": "assistant.deleted", "deleted": True}),
    (CREATE, {**M, **STORE_HELPER}),
    (CREATE, {**M, "metadata": {"assistantsync_key": "hr", **{f"k{i}": "v" for i in range(15)}}}),
    (MODIFY, dict.fromkeys(["name", "instructions", "tool_resources", "metadata", "response_format"])),
    (MODIFY, _stores()),
], ids=["object", "object-open", "list", "list-empty", "delete", "create-store-helper", "create-16-pairs",
        "modify-nulls", "modify-empty-file-search"])
def test_valid_wire_instance_has_no_issues(schema: str, data: dict[str, Any]) -> None:
    assert validate_instance(schema, data) == []


WIRE_CASES = [
    _case("modify-store-helper", (MODIFY, STORE_HELPER),
          (("tool_resources", "file_search", "vector_stores"),
           "unknown field 'vector_stores' (did you mean 'vector_store_ids'? allowed: vector_store_ids)")),
    _case("modify-null-model-tools", (MODIFY, {"model": None, "tools": None}),
          (("model",), "must be a string, not null"), (("tools",), "must be a list, not null")),
    _case("create-empty-file-search", (CREATE, {**M, **_stores()}),
          (("tool_resources", "file_search"), "needs one of: vector_store_ids, vector_stores")),
    _case("create-both-store-keys", (CREATE, {**M, **_stores(vector_store_ids=[], vector_stores=[])}),
          (("tool_resources", "file_search"),
           "vector_store_ids and vector_stores are mutually exclusive: keep one")),
    _case("create-static-without-sizes",
          (CREATE, {**M, **_stores(vector_stores=[{"chunking_strategy": {"type": "static"}}])}),
          (("tool_resources", "file_search", "vector_stores", 0, "chunking_strategy"),
           "required field 'static' is missing")),
    _case("create-17-pairs", (CREATE, {**M, "metadata": {f"k{i:02}": "v" for i in range(17)}}),
          (("metadata",), "must have at most 16 pairs, not 17")),
    _case("create-function-name", (CREATE, {**M, "tools": [function_tool(name="a b")]}),
          (("tools", 0, "function", "name"), NAME_HINT)),
    _case("object-missing-field",
          (ASSISTANT, {k: v for k, v in ASSISTANT_OBJECT.items() if k != "description"}),
          ((), "required field 'description' is missing")),
    _case("list-bad-items", (LIST, {**EMPTY_PAGE, "data": [{**ASSISTANT_OBJECT, "object": "thread"}],
                                    "has_more": "no"}),
          (("data", 0, "object"), "must be 'assistant'"), (("has_more",), "must be a boolean, not a string")),
    _case("delete-bad-object", (DELETE, {"id": "asst_abc123", "object": "assistant", "deleted": True}),
          (("object",), "must be 'assistant.deleted'")),
]


@pytest.mark.parametrize(("schema_and_data", "issues"), WIRE_CASES)
def test_invalid_wire_instance_gets_clear_issues(
    schema_and_data: tuple[str, dict[str, Any]], issues: list[tuple[tuple[str | int, ...], str]],
) -> None:
    schema, data = schema_and_data
    assert validate_instance(schema, data) == [SchemaIssue(path, message) for path, message in issues]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"model": "gpt-4o", "key": "abc\n"}, ("key",)),
        ({"model": "gpt-4o", "id": "asst_x\n"}, ("id",)),
        ({"model": "gpt-4o", "tools": [{"type": "function", "function": {"name": "f\n"}}]},
         ("tools", 0, "function", "name")),
    ],
)
def test_patterns_refuse_a_trailing_newline(document: dict[str, object], path: tuple[object, ...]) -> None:
    # Python's `$` matches before a final newline; the generated patterns must not let that through.
    assert [issue.path for issue in validate_assistant(document)] == [path]
