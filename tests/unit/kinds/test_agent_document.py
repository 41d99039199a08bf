"""kinds/agent/file_document.py: a file's document as flat fields and back; a live agent as the file import writes,
which must validate against the agent schema and plan clean."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.kinds.agent import AGENT
from assistantsync.kinds.agent.file_document import field_path, flat_fields, to_document
from assistantsync.kinds.agent.file_format import AGENT_SCHEMA
from assistantsync.kinds.agent.normalise import AGENT_DEFAULTS, AGENT_FIELDS, normalise_field
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY
from assistantsync.schema.validate import validate_instance

# (case, a resolved document, its flat fields)
FLAT: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("kind and the definition's kind dropped, members prefixed",
     {"kind": "agent", "name": "bot", "description": "D", "metadata": {"a": "1"},
      "definition": {"kind": "prompt", "model": "m", "instructions": "Hi", "tools": []}},
     {"name": "bot", "description": "D", "metadata": {"a": "1"}, "definition.model": "m",
      "definition.instructions": "Hi", "definition.tools": []}),
    ("an empty definition adds nothing", {"kind": "agent", "name": "bot", "definition": {}}, {"name": "bot"}),
    ("a definition that is no mapping stays as it is (the schema reports it)",
     {"kind": "agent", "name": "bot", "definition": "prompt"}, {"name": "bot", "definition": "prompt"}),
    ("fields the schema refuses pass through for it to report", {"kind": "agent", "key": "k", "id": "i"},
     {"key": "k", "id": "i"}),
]


@pytest.mark.parametrize(("document", "fields"), [c[1:] for c in FLAT], ids=[c[0] for c in FLAT])
def test_flat_fields(document: dict[str, Any], fields: dict[str, Any]) -> None:
    assert flat_fields(document) == fields
    assert AGENT.document_fields(document) == fields


@pytest.mark.parametrize(("field", "path"), [
    ("name", ("name",)), ("description", ("description",)), ("metadata", ("metadata",)),
    ("definition.model", ("definition", "model")), ("definition.instructions", ("definition", "instructions")),
    ("definition.tools", ("definition", "tools")),
])
def test_field_path(field: str, path: tuple[str, ...]) -> None:
    assert field_path(field) == path
    assert AGENT.document_path(field) == path


PARAMETERS = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
# A live agent (flat, wire.py) with every member set away from its default, as a server returns it.
EVERY_MEMBER = {
    "id": "support-bot", "name": "support-bot", "version": "4", "created_at": 1767225600,
    "description": "Tier 1", "metadata": {"team": "support", IDENTITY_KEY: "support-bot", STATE_KEY: "v1 m=x"},
    "definition.kind": "prompt", "definition.model": "gpt-4.1", "definition.instructions": "Answer briefly.",
    "definition.temperature": 0.3, "definition.top_p": 0.9,
    "definition.reasoning": {"effort": "low", "summary": None},
    "definition.tools": [
        {"type": "function", "name": "get_order", "description": None, "parameters": PARAMETERS, "strict": True},
        {"type": "function", "name": "ping", "description": "Is it up?", "parameters": None, "strict": False},
        {"type": "function", "name": "now", "parameters": {"type": "object"}},
        {"type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": None},
        {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-1"]}},
    ],
    "definition.tool_choice": "required",
    "definition.text": {"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"},
                                   "strict": True}},
    "definition.structured_inputs": {"topic": {"description": "What the user asks about", "required": True}},
    "definition.rai_config": {"rai_policy_name": "strict-policy"},
}
EVERY_MEMBER_DOCUMENT = {
    "kind": "agent", "name": "support-bot", "description": "Tier 1", "metadata": {"team": "support"},
    "definition": {
        "kind": "prompt", "model": "gpt-4.1", "instructions": "Answer briefly.", "temperature": 0.3, "top_p": 0.9,
        "reasoning": {"effort": "low", "summary": None},
        "tools": [
            {"type": "function", "name": "get_order", "parameters": PARAMETERS, "strict": True},
            {"type": "function", "name": "ping", "description": "Is it up?", "parameters": None, "strict": False},
            {"type": "function", "name": "now", "parameters": {"type": "object"}, "strict": False},
            {"type": "file_search", "vector_store_ids": ["vs_1"]},
            {"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-1"]}},
        ],
        "tool_choice": "required",
        "text": {"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"}, "strict": True}},
        "structured_inputs": {"topic": {"description": "What the user asks about", "required": True}},
        "rai_config": {"rai_policy_name": "strict-policy"},
    },
}
# Every member at a value its default stands for: as a server that fills in nulls and defaults returns it.
ONLY_DEFAULTS = {
    "id": "support-bot", "name": "support-bot", "version": "1", "created_at": 1767225600, "description": "",
    "metadata": {IDENTITY_KEY: "support-bot"}, "definition.kind": "prompt", "definition.model": "gpt-4.1",
    "definition.instructions": None, "definition.temperature": 1, "definition.top_p": None,
    "definition.reasoning": {"effort": None}, "definition.tools": None, "definition.tool_choice": "auto",
    "definition.text": {"format": {"type": "text"}}, "definition.structured_inputs": {},
    "definition.rai_config": None,
}
MODEL_ONLY = {"kind": "agent", "name": "support-bot", "definition": {"kind": "prompt", "model": "gpt-4.1"}}

# (case, a flat live agent, the document import writes: order is part of it)
DOCUMENTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("every member set", EVERY_MEMBER, EVERY_MEMBER_DOCUMENT),
    ("every member at its default", ONLY_DEFAULTS, MODEL_ONLY),
    ("members the server leaves out", {"id": "support-bot", "name": "support-bot", "definition.model": "gpt-4.1"},
     MODEL_ONLY),
    ("metadata holding only the tool's keys is no field", {**ONLY_DEFAULTS, "metadata": {STATE_KEY: "v1 m=x"}},
     MODEL_ONLY),
]


@pytest.mark.parametrize(("live", "document"), [c[1:] for c in DOCUMENTS], ids=[c[0] for c in DOCUMENTS])
def test_to_document(live: dict[str, Any], document: dict[str, Any]) -> None:
    written = to_document(live)
    assert written == document
    assert list(written) == list(document)
    assert list(written["definition"]) == list(document["definition"])


@pytest.mark.parametrize("live", [c[1] for c in DOCUMENTS], ids=[c[0] for c in DOCUMENTS])
def test_the_document_validates_against_the_agent_schema(live: dict[str, Any]) -> None:
    assert validate_instance(AGENT_SCHEMA, to_document(live)) == []


@pytest.mark.parametrize("live", [c[1] for c in DOCUMENTS], ids=[c[0] for c in DOCUMENTS])
def test_the_document_plans_clean(live: dict[str, Any]) -> None:
    fields = flat_fields(to_document(live))
    assert set(fields) <= set(AGENT_FIELDS)
    for field in AGENT_FIELDS:  # a field the file leaves out is compared as its default (whole versions)
        declared = fields.get(field, AGENT_DEFAULTS.get(field))
        assert normalise_field(field, declared) == normalise_field(field, live.get(field)), field


@pytest.mark.parametrize(("tool", "written"), [
    ({"type": "function", "name": "f", "parameters": {}, "strict": False}, {"type": "function", "name": "f",
                                                                            "parameters": {}, "strict": False}),
    ({"type": "function", "name": "f", "parameters": {}, "strict": None}, {"type": "function", "name": "f",
                                                                           "parameters": {}, "strict": False}),
    ({"type": "function", "name": "f"}, {"type": "function", "name": "f", "parameters": None, "strict": False}),
    ({"type": "function", "name": "f", "parameters": {}, "strict": True},
     {"type": "function", "name": "f", "parameters": {}, "strict": True}),
    ({"type": "web_search", "filters": None}, {"type": "web_search"}),
])
def test_a_function_tool_keeps_the_members_the_schema_requires(tool: dict[str, Any],
                                                               written: dict[str, Any]) -> None:
    document = to_document({"name": "bot", "definition.model": "m", "definition.tools": [tool]})
    assert document["definition"]["tools"] == [written]
    assert validate_instance(AGENT_SCHEMA, document) == []
