"""Normalisation: the table of server behaviours that must never show as a change."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.kinds.assistant.normalise import align_resolved, normalise_field

SERVER_FILE_SEARCH = {
    "type": "file_search",
    "file_search": {"ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0}},
}

EQUAL = [
    ("temperature", 1, 1.0),
    ("temperature", None, 1.0),
    ("top_p", None, 1),
    ("tools", [{"type": "file_search", "file_search": {"max_num_results": 5.0}}],
     [{"type": "file_search", "file_search": {"max_num_results": 5}}]),
    ("tools", [{"type": "file_search", "file_search": {"ranking_options": {"score_threshold": None}}}],
     [{"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0}}}]),
    ("top_p", 0, 0.0),
    ("name", "", None),
    ("instructions", "", None),
    ("response_format", None, "auto"),
    ("tool_resources", None, {}),
    ("tool_resources", {"file_search": {"vector_store_ids": []}}, {}),
    ("tool_resources", {"code_interpreter": {"file_ids": ["b", "a"]}}, {"code_interpreter": {"file_ids": ["a", "b"]}}),
    ("metadata", None, {}),
    ("metadata", {"team": "hr"}, {"team": "hr", "assistantsync_key": "x", "assistantsync_state": "v1 m=1"}),
    ("tools", None, []),
    ("tools", [{"type": "function", "function": {"name": "f"}}],
     [{"type": "function", "function": {"name": "f", "strict": False, "description": None}}]),
    ("tools", [{"type": "file_search", "file_search": {"max_num_results": None}}], [{"type": "file_search"}]),
    ("response_format", {"type": "json_schema", "json_schema": {"name": "x", "strict": False}},
     {"type": "json_schema", "json_schema": {"name": "x"}}),
]


@pytest.mark.parametrize(("field", "a", "b"), EQUAL, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(EQUAL)])
def test_equal_after_normalising(field: str, a: Any, b: Any) -> None:
    assert normalise_field(field, a) == normalise_field(field, b)


DIFFERENT = [
    ("temperature", 1, 0.5),
    ("temperature", None, 0.0),
    ("tools", [{"type": "file_search", "file_search": {"max_num_results": 5.5}}],
     [{"type": "file_search", "file_search": {"max_num_results": 5}}]),
    ("model", "gpt-4o", "gpt-4o-2024-08-06"),  # no alias resolution: the server echoes what was sent
    ("tools", [{"type": "function", "function": {"name": "f", "strict": True}}],
     [{"type": "function", "function": {"name": "f"}}]),
    ("metadata", {"team": "hr"}, {"team": "it"}),
    ("tool_resources", {"code_interpreter": {"file_ids": ["a"]}}, {}),
]


@pytest.mark.parametrize(("field", "a", "b"), DIFFERENT, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(DIFFERENT)])
def test_different_after_normalising(field: str, a: Any, b: Any) -> None:
    assert normalise_field(field, a) != normalise_field(field, b)


@pytest.mark.parametrize(("field", "value"), [(f, a) for f, a, _ in EQUAL + DIFFERENT])
def test_normalising_is_idempotent(field: str, value: Any) -> None:
    once = normalise_field(field, value)
    assert normalise_field(field, once) == once


@pytest.mark.parametrize(
    ("declared", "equal"),
    [
        ({"type": "file_search"}, True),  # omitted ranking options == the server's resolved default
        ({"type": "file_search", "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0}}}, True),
        ({"type": "file_search", "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                                     "score_threshold": 0}}}, True),
        ({"type": "file_search", "file_search": {"ranking_options": {"score_threshold": 0.5}}}, False),
        ({"type": "file_search", "file_search": {"max_num_results": 10}}, False),
    ],
)
def test_file_search_server_defaults(declared: dict[str, Any], equal: bool) -> None:
    want = normalise_field("tools", [declared])
    have = align_resolved("tools", want, normalise_field("tools", [SERVER_FILE_SEARCH]))
    assert (want == have) is equal
