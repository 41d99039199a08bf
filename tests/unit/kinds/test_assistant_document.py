"""kinds/assistant/file_document.py: literal live assistants in, the exact fields of their files out, in order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistantsync.files.yaml_write import FlowList
from assistantsync.kinds.assistant.file_document import FIELD_ORDER, to_document
from assistantsync.plan.reserved import IDENTITY_KEY, STATE_KEY

LIVE = {"id": "asst_1", "object": "assistant", "created_at": 1, "name": None, "description": None,
        "model": "gpt-4o", "instructions": None, "tools": [], "tool_resources": {}, "metadata": {},
        "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
DEFAULT_RANKING = {"ranker": "default_2024_08_21", "score_threshold": 0.0}

# (case, fields the server returned on top of LIVE, the document: its order is part of the expectation)
DOCUMENTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("defaults: the model only", {}, {"model": "gpt-4o"}),
    ("no model: kept as sent, the importer refuses it", {"model": None}, {"model": None}),
    ("server fields and write-only fields are not the file's",
     {"object": "assistant", "reasoning_effort": "low", "extra": 1}, {"model": "gpt-4o"}),
    ("fields in file order, whatever the server's order",
     {"metadata": {"b": "1", "a": "2"}, "top_p": 0.5, "temperature": 0.5, "tools": [{"type": "code_interpreter"}],
      "instructions": "Hi", "description": "D", "name": "N"},
     {"model": "gpt-4o", "name": "N", "description": "D", "instructions": "Hi",
      "tools": [{"type": "code_interpreter"}], "temperature": 0.5, "top_p": 0.5, "metadata": {"b": "1", "a": "2"}}),
    ("empty texts and integer defaults are defaults",
     {"name": "", "instructions": "", "temperature": 1, "response_format": None}, {"model": "gpt-4o"}),
    ("a function: name first, strict false and a null description dropped",
     {"tools": [{"function": {"parameters": {"type": "object"}, "strict": False, "description": None, "name": "f"},
                 "type": "function"}]},
     {"model": "gpt-4o", "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}),
    ("a strict function keeps strict, in order",
     {"tools": [{"type": "function", "function": {"parameters": {}, "strict": True, "description": "d", "name": "g"}}]},
     {"model": "gpt-4o", "tools": [{"type": "function", "function": {"name": "g", "description": "d", "strict": True,
                                                                     "parameters": {}}}]}),
    ("file_search: the default ranking and a null limit dropped",
     {"tools": [{"type": "file_search", "file_search": {"ranking_options": DEFAULT_RANKING, "max_num_results": None}}]},
     {"model": "gpt-4o", "tools": [{"type": "file_search"}]}),
    ("file_search: ranker auto with an integer zero is the default",
     {"tools": [{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0, "ranker": "auto"}}}]},
     {"model": "gpt-4o", "tools": [{"type": "file_search"}]}),
    ("file_search: chosen options kept, in order",
     {"tools": [{"file_search": {"ranking_options": {"score_threshold": 0.5, "ranker": "auto"}, "max_num_results": 7},
                 "type": "file_search"}]},
     {"model": "gpt-4o", "tools": [{"type": "file_search", "file_search": {
         "max_num_results": 7, "ranking_options": {"ranker": "auto", "score_threshold": 0.5}}}]}),
    ("tools of unknown shapes pass as sent", {"tools": ["odd", {"x": 1, "type": "new_tool"}]},
     {"model": "gpt-4o", "tools": ["odd", {"type": "new_tool", "x": 1}]}),
    ("json_schema: strict false dropped, name first",
     {"response_format": {"type": "json_schema", "json_schema": {"schema": {}, "strict": False, "name": "x"}}},
     {"model": "gpt-4o", "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}}),
    ("tool_resources: empty lists and resources dropped, ids in the server's order",
     {"tool_resources": {"code_interpreter": {"file_ids": ["file-b", "file-a"]},
                         "file_search": {"vector_store_ids": []}}},
     {"model": "gpt-4o", "tool_resources": {"code_interpreter": {"file_ids": ["file-b", "file-a"]}}}),
    ("metadata without the tool's reserved keys",
     {"metadata": {IDENTITY_KEY: "bot", "team": "hr", STATE_KEY: "v1;x"}},
     {"model": "gpt-4o", "metadata": {"team": "hr"}}),
    ("only reserved metadata is the default", {"metadata": {IDENTITY_KEY: "bot"}}, {"model": "gpt-4o"}),
]


@pytest.mark.parametrize(("fields", "expected"), [case[1:] for case in DOCUMENTS], ids=[case[0] for case in DOCUMENTS])
def test_to_document(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    document = to_document({**LIVE, **fields})
    assert json.dumps(document) == json.dumps(expected)  # JSON text: the order of every map counts too


def test_id_lists_are_written_on_one_line() -> None:
    document = to_document({**LIVE, "tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}})
    assert type(document["tool_resources"]["file_search"]["vector_store_ids"]) is FlowList


def test_the_document_leaves_the_key_and_id_to_the_importer_and_follows_the_file_order() -> None:
    assert FIELD_ORDER[:2] == ("key", "id")
    full = to_document({**LIVE, "name": "N", "description": "D", "instructions": "I", "tools": [{"type": "x"}],
                        "tool_resources": {"x": {"y": 1}}, "response_format": {"type": "json_object"},
                        "temperature": 0.1, "top_p": 0.1, "metadata": {"a": "b"}})
    assert tuple(full) == tuple(name for name in FIELD_ORDER if name not in ("key", "id", "instructions_file"))
