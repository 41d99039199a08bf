"""migrate/convert.py and tools.py: literal assistant documents in, the exact agent document and report out."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.migrate.convert import convert, convert_all
from assistantsync.migrate.report import AssistantFile, Outcome, ReportItem

DROPPED, CHANGED = Outcome.DROPPED, Outcome.CHANGED
SCHEMA = {"type": "object", "properties": {"z": {"type": "string"}, "a": {"type": "number"}},
          "required": ["z", "a"], "additionalProperties": False}


def agent(definition: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"kind": "agent", "name": "bot", **top, "definition": {"kind": "prompt", "model": "gpt-4o", **definition}}


# (case, assistant document with key "bot", the agent document (its key order is part of it), (field, outcome)s)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[tuple[str, Outcome]]]] = [
    ("the model only", {"model": "gpt-4o"}, agent({}), []),
    ("top-level fields in the create body's order, the prompt's in the definition",
     {"metadata": {"team": "x"}, "top_p": 0.9, "temperature": 0.1, "instructions": "Hi", "description": "D",
      "model": "gpt-4o", "name": "bot"},
     agent({"instructions": "Hi", "temperature": 0.1, "top_p": 0.9}, description="D", metadata={"team": "x"}), []),
    ("nulls are defaults: left out, not reported",
     {"model": "gpt-4o", "name": None, "description": None, "instructions": None, "temperature": None,
      "top_p": None, "reasoning_effort": None, "response_format": None, "metadata": None, "tools": None,
      "tool_resources": None}, agent({}), []),
    ("the prompt file is referenced, not read", {"model": "gpt-4o", "instructions_file": "prompts/bot.md"},
     agent({"instructions_file": "prompts/bot.md"}), []),
    ("reasoning effort moves under reasoning", {"model": "gpt-4o", "reasoning_effort": "low"},
     agent({"reasoning": {"effort": "low"}}), []),
    ("a display name other than the agent name has nowhere to go", {"model": "gpt-4o", "name": "Bot"},
     agent({}), [("name", DROPPED)]),
    ("the pinned id and unknown fields are reported", {"id": "asst_1", "model": "gpt-4o", "object": "assistant"},
     agent({}), [("id", DROPPED), ("object", DROPPED)]),
    ("the tool's reserved metadata keys are dropped and reported",
     {"model": "gpt-4o", "metadata": {"assistantsync_key": "bot", "team": "x", "assistantsync_state": "s"}},
     agent({}, metadata={"team": "x"}), [("metadata.assistantsync_key", DROPPED), ("metadata.assistantsync_state",
                                                                                  DROPPED)]),
    ("metadata holding only reserved keys leaves none", {"model": "gpt-4o", "metadata": {"assistantsync_key": "b"}},
     agent({}), [("metadata.assistantsync_key", DROPPED)]),
    ("response_format auto is the default: dropped, and said", {"model": "gpt-4o", "response_format": "auto"},
     agent({}), [("response_format", DROPPED)]),
    ("text and json_object keep their type", {"model": "gpt-4o", "response_format": {"type": "json_object"}},
     agent({"text": {"format": {"type": "json_object"}}}), []),
    ("text", {"model": "gpt-4o", "response_format": {"type": "text"}},
     agent({"text": {"format": {"type": "text"}}}), []),
    ("json_schema flattened into text.format, schema shared as written",
     {"model": "gpt-4o", "response_format": {"type": "json_schema", "json_schema": {
         "strict": True, "schema": SCHEMA, "description": "d", "name": "out", "extra": 1}}},
     agent({"text": {"format": {"type": "json_schema", "name": "out", "description": "d", "schema": SCHEMA,
                                "strict": True}}}), [("response_format.json_schema.extra", DROPPED)]),
    ("a function tool flattened; strict written out as false, absent parameters as null",
     {"model": "gpt-4o", "tools": [{"type": "function", "function": {"name": "f"}}]},
     agent({"tools": [{"type": "function", "name": "f", "parameters": None, "strict": False}]}), []),
    ("a function tool with everything, and one with a parameters file",
     {"model": "gpt-4o", "tools": [
         {"type": "function", "function": {"strict": True, "parameters": SCHEMA, "description": "d", "name": "f"}},
         {"type": "function", "function": {"name": "g", "parameters_file": "schemas/g.json", "x": 1}}]},
     agent({"tools": [{"type": "function", "name": "f", "description": "d", "parameters": SCHEMA, "strict": True},
                      {"type": "function", "name": "g", "parameters_file": "schemas/g.json", "strict": False}]}),
     [("tools[1].function.x", DROPPED)]),
    ("file_search takes the vector stores and options; the dated ranker becomes auto",
     {"model": "gpt-4o", "tools": [{"type": "file_search", "file_search": {
         "max_num_results": 5, "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.5}}}],
      "tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}}},
     agent({"tools": [{"type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": 5,
                       "ranking_options": {"ranker": "auto", "score_threshold": 0.5}}]}),
     [("tools[0].file_search.ranking_options.ranker", CHANGED)]),
    ("file_search without resources searches no store; inline vector stores cannot move",
     {"model": "gpt-4o", "tools": [{"type": "file_search"}],
      "tool_resources": {"file_search": {"vector_stores": [{"file_ids": ["f"]}]}}},
     agent({"tools": [{"type": "file_search", "vector_store_ids": []}]}),
     [("tool_resources.file_search.vector_stores", DROPPED)]),
    ("code_interpreter takes its files in an auto container",
     {"model": "gpt-4o", "tools": [{"type": "code_interpreter"}],
      "tool_resources": {"code_interpreter": {"file_ids": ["file-1", "file-2"]}}},
     agent({"tools": [{"type": "code_interpreter", "container": {"type": "auto", "file_ids": ["file-1", "file-2"]}}]}),
     []),
    ("code_interpreter without files: an empty auto container",
     {"model": "gpt-4o", "tools": [{"type": "code_interpreter"}]},
     agent({"tools": [{"type": "code_interpreter", "container": {"type": "auto"}}]}), []),
    ("resources without their tool, unknown tools and tool keys are reported",
     {"model": "gpt-4o", "tools": [{"type": "retrieval"}, {"type": "code_interpreter", "extra": True}],
      "tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}, "other": {}}},
     agent({"tools": [{"type": "code_interpreter", "container": {"type": "auto"}}]}),
     [("tools[0]", DROPPED), ("tools[1].extra", DROPPED), ("tool_resources.file_search", DROPPED),
      ("tool_resources.other", DROPPED)]),
]


@pytest.mark.parametrize(("document", "expected", "items"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_convert(document: dict[str, Any], expected: dict[str, Any], items: list[tuple[str, Outcome]]) -> None:
    result = convert(AssistantFile("bot.yaml", "bot", document))
    assert result.agent == expected
    assert _order(result.agent) == _order(expected)
    assert [(item.field, item.outcome) for item in result.items] == items
    assert {item.source for item in result.items} <= {"bot.yaml"}


def _order(value: Any) -> Any:
    """The key order at every depth, which == on dicts ignores."""
    if isinstance(value, dict):
        return [(key, _order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_order(item) for item in value]
    return value


def test_items_say_what_happened_and_why() -> None:
    document = {"key": "Support_KB", "id": "asst_9", "model": "gpt-4o", "name": "Support KB"}
    result = convert(AssistantFile("team.yaml#2", "Support_KB", document))
    assert result.agent == {"kind": "agent", "name": "support-kb", "definition": {"kind": "prompt", "model": "gpt-4o"}}
    assert result.items == (
        ReportItem("team.yaml#2", "key", CHANGED,
                   "agent names allow only letters, digits and inner hyphens: 'Support_KB' became agent 'support-kb'"),
        ReportItem("team.yaml#2", "id", DROPPED,
                   "an agent is found by its name; the assistant id it pinned does not apply"),
        ReportItem("team.yaml#2", "name", DROPPED, "an agent has no display name apart from its name 'support-kb'"),
    )


def test_the_input_is_never_changed() -> None:
    document = {"model": "gpt-4o", "metadata": {"assistantsync_key": "bot"}, "response_format": {
        "type": "json_schema", "json_schema": {"name": "o", "schema": {"type": "object"}}},
        "tools": [{"type": "function", "function": {"name": "f"}}]}
    before = repr(document)
    convert(AssistantFile("bot.yaml", "bot", document))
    assert repr(document) == before


def test_convert_all_names_each_file_in_order() -> None:
    files = [AssistantFile("a.yaml", "support.triage", {"model": "m"}), AssistantFile("b.yaml", "kb", {"model": "m"})]
    assert [(c.source, c.agent["name"]) for c in convert_all(files)] == [("a.yaml", "support-triage"),
                                                                          ("b.yaml", "kb")]
