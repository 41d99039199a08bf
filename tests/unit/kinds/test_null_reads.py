"""Read liberally: the nulls a gateway (LiteLLM) sends where the spec has an object, a list or an unset member read
as absent, for both kinds, in the comparison (plan, read-back) and in what import writes; never inside a JSON
Schema, where `default: null` and `enum: [null]` mean something."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.assistant import ASSISTANT
from assistantsync.kinds.kind import ResourceKind

KINDS = {"assistant": ASSISTANT, "agent": AGENT}
NULLABLE = {"type": "object", "properties": {"note": {"type": ["string", "null"], "default": None,
                                                       "enum": ["a", None]}}}


def fn(**function: Any) -> list[dict[str, Any]]:
    return [{"type": "function", "function": {"name": "f", **function}}]


def agent_fn(**members: Any) -> list[dict[str, Any]]:
    return [{"type": "function", "name": "f", "parameters": NULLABLE, "strict": True, **members}]


# (rule, kind, field, as a gateway sends it, as the file says it)
EQUAL: list[tuple[str, str, str, Any, Any]] = [
    ("a null resource is absent", "assistant", "tool_resources", {"code_interpreter": None}, {}),
    ("a null resource beside a set one", "assistant", "tool_resources",
     {"code_interpreter": None, "file_search": {"vector_store_ids": ["vs_1"]}},
     {"file_search": {"vector_store_ids": ["vs_1"]}}),
    ("a null id list is absent", "assistant", "tool_resources", {"code_interpreter": {"file_ids": None}}, {}),
    ("a function's null parameters are absent", "assistant", "tools", fn(parameters=None, description=None), fn()),
    ("a json_schema's null description is absent", "assistant", "response_format",
     {"type": "json_schema", "json_schema": {"name": "a", "description": None, "schema": NULLABLE}},
     {"type": "json_schema", "json_schema": {"name": "a", "schema": NULLABLE}}),
    ("a file_search tool's null options are absent", "assistant", "tools",
     [{"type": "file_search", "file_search": None}], [{"type": "file_search"}]),
    ("a container's null file_ids are absent", "agent", "definition.tools",
     [{"type": "code_interpreter", "container": {"type": "auto", "file_ids": None, "memory_limit": None}}],
     [{"type": "code_interpreter", "container": {"type": "auto"}}]),
    ("an object of nulls in a tool is absent", "agent", "definition.tools",
     [{"type": "file_search", "vector_store_ids": ["vs_1"], "ranking_options": {"ranker": None}}],
     [{"type": "file_search", "vector_store_ids": ["vs_1"]}]),
    ("a function's null output_schema is absent", "agent", "definition.tools",
     agent_fn(output_schema=None, allowed_callers=None), agent_fn()),
    ("a text format's null description is absent", "agent", "definition.text",
     {"format": {"type": "json_schema", "name": "a", "schema": NULLABLE, "description": None}},
     {"format": {"type": "json_schema", "name": "a", "schema": NULLABLE}}),
    ("a structured input's null members are absent", "agent", "definition.structured_inputs",
     {"topic": {"description": None, "schema": None, "required": True}}, {"topic": {"required": True}}),
    ("a null tool_choice member is absent", "agent", "definition.tool_choice",
     {"type": "function", "name": "f", "server_label": None}, {"type": "function", "name": "f"}),
    ("rai_config of nulls is absent", "agent", "definition.rai_config", {"rai_policy_name": None}, None),
]

# (what must still differ, kind, field, one value, another)
DIFFERENT: list[tuple[str, str, str, Any, Any]] = [
    ("a null default inside parameters", "assistant", "tools", fn(parameters=NULLABLE),
     fn(parameters={"type": "object", "properties": {"note": {"type": ["string", "null"], "enum": ["a", None]}}})),
    ("a null enum item inside a json_schema", "assistant", "response_format",
     {"type": "json_schema", "json_schema": {"name": "a", "schema": {"enum": [None]}}},
     {"type": "json_schema", "json_schema": {"name": "a", "schema": {"enum": []}}}),
    ("a null default inside a tool's parameters", "agent", "definition.tools", agent_fn(),
     [{"type": "function", "name": "f", "parameters": {"type": "object", "properties": {"note": {}}},
       "strict": True}]),
    ("a null default inside a text schema", "agent", "definition.text",
     {"format": {"type": "json_schema", "name": "a", "schema": {"default": None}}},
     {"format": {"type": "json_schema", "name": "a", "schema": {}}}),
    ("a structured input's null default_value", "agent", "definition.structured_inputs",
     {"topic": {"default_value": None}}, {"topic": {}}),
    ("an explicitly empty object is not absent", "agent", "definition.tools",
     [{"type": "code_interpreter", "container": {}}], [{"type": "code_interpreter"}]),
]


def same(kind: ResourceKind, field: str, first: Any, second: Any) -> bool:
    return bool(kind.normalise(field, first) == kind.normalise(field, second))


@pytest.mark.parametrize(("kind", "field", "sent", "declared"), [c[1:] for c in EQUAL], ids=[c[0] for c in EQUAL])
def test_a_gateway_null_reads_as_absent(kind: str, field: str, sent: Any, declared: Any) -> None:
    assert same(KINDS[kind], field, sent, declared)


@pytest.mark.parametrize(("kind", "field", "first", "second"), [c[1:] for c in DIFFERENT],
                         ids=[c[0] for c in DIFFERENT])
def test_nulls_that_mean_something_stay(kind: str, field: str, first: Any, second: Any) -> None:
    assert not same(KINDS[kind], field, first, second)


GATEWAY_ASSISTANT = {
    "id": "asst_1", "object": "assistant", "model": "gpt-4o", "name": None, "description": None,
    "instructions": None, "metadata": None, "temperature": None, "top_p": None, "response_format": None,
    "tools": [{"type": "function", "function": {"name": "f", "description": None, "parameters": None,
                                                "strict": None}},
              {"type": "code_interpreter"}],
    "tool_resources": {"code_interpreter": None, "file_search": {"vector_store_ids": ["vs_1"],
                                                                 "vector_stores": None}},
}
GATEWAY_AGENT = {
    "id": "bot", "name": "bot", "description": None, "metadata": None, "definition.kind": "prompt",
    "definition.model": "gpt-4.1", "definition.instructions": None,
    "definition.tools": [{"type": "code_interpreter", "container": {"type": "auto", "file_ids": None}}],
    "definition.text": {"format": {"type": "json_schema", "name": "a", "description": None, "strict": None,
                                   "schema": NULLABLE}},
    "definition.structured_inputs": {"topic": {"description": None, "default_value": None}},
    "definition.rai_config": None,
}
# (kind, what a gateway answers, what import writes: no null where the spec has none)
DOCUMENTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("assistant", GATEWAY_ASSISTANT, {
        "model": "gpt-4o", "tools": [{"type": "function", "function": {"name": "f"}}, {"type": "code_interpreter"}],
        "tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}}),
    ("agent", GATEWAY_AGENT, {
        "kind": "agent", "name": "bot", "definition": {
            "kind": "prompt", "model": "gpt-4.1",
            "tools": [{"type": "code_interpreter", "container": {"type": "auto"}}],
            "text": {"format": {"type": "json_schema", "name": "a", "schema": NULLABLE}},
            "structured_inputs": {"topic": {"default_value": None}}}}),
]


@pytest.mark.parametrize(("kind", "live", "document"), DOCUMENTS, ids=[c[0] for c in DOCUMENTS])
def test_import_writes_no_gateway_null(kind: str, live: dict[str, Any], document: dict[str, Any]) -> None:
    assert KINDS[kind].to_document(live) == document
