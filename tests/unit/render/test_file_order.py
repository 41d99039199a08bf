"""Values and diffs in the file's order, and context lines only for keys the file declares (issue 16, point 1)."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.render.markdown import render_plan_markdown
from assistantsync.render.text import render_plan_text
from assistantsync.render.value_diff import value_diff
from assistantsync.render.values import declared_lines, yaml_lines

RANKING = {"ranker": "auto", "score_threshold": 0.0}
LIVE_TOOLS = [{"type": "file_search", "file_search": {"max_num_results": 8, "ranking_options": RANKING}}]
WANTED_TOOLS = [{"type": "file_search", "file_search": {"max_num_results": 5, "ranking_options": RANKING}}]
FILE_TOOLS = [{"type": "file_search", "file_search": {"max_num_results": 5}}]


def test_values_read_in_their_own_order() -> None:
    assert yaml_lines({"team": "t", "owner": "o"}) == ["team: t", "owner: o"]
    assert declared_lines([("tools", [{"type": "function", "function": {"name": "f", "description": "d"}}])]) == [
        "tools:", "  - type: function", "    function:", "      name: f", "      description: d"]


# (case, before, after, declared: the file's value as written, the diff lines)
DIFFS: list[tuple[str, Any, Any, Any, list[str]]] = [
    ("unchanged keys the file does not set are left out, as `…`", LIVE_TOOLS, WANTED_TOOLS, FILE_TOOLS,
     ["~ file_search", "     type: file_search", "     file_search:", "-      max_num_results: 8",
      "+      max_num_results: 5", "     …"]),
    ("unknown (a field a change's body does not send): every key shows", LIVE_TOOLS, WANTED_TOOLS, None,
     ["~ file_search", "     type: file_search", "     file_search:", "-      max_num_results: 8",
      "+      max_num_results: 5", "       ranking_options:", "         ranker: auto",
      "         score_threshold: 0.0"]),
    ("a key the file does not set still shows when it changes",
     [{"type": "file_search", "file_search": {"max_num_results": 8, "ranking_options": {**RANKING,
                                                                                        "score_threshold": 0.5}}}],
     WANTED_TOOLS, FILE_TOOLS,
     ["~ file_search", "     type: file_search", "     file_search:", "-      max_num_results: 8",
      "+      max_num_results: 5", "       ranking_options:", "         ranker: auto",
      "-        score_threshold: 0.5", "+        score_threshold: 0.0"]),
    ("a declared key stays as context", [{"type": "function", "function": {"name": "f", "strict": False}}],
     [{"type": "function", "function": {"name": "f", "strict": True}}],
     [{"type": "function", "function": {"name": "f", "strict": True}}],
     ["~ function f", "     type: function", "     function:", "       name: f", "-      strict: false",
      "+      strict: true"]),
    ("a map's keys: the file's order, then those only the live value has",
     {"owner": "x", "team": "a", "tier": "gold"}, {"team": "b", "owner": "x", "cost": "1"},
     {"team": "b", "owner": "x", "cost": "1"}, ['- team: "a"', '+ team: "b"', '+ cost: "1"', '- tier: "gold"']),
    ("inside a long map value",
     {"json_schema": {"name": "n", "strict": True, "schema": {"a": "x" * 90}}},
     {"json_schema": {"name": "n", "strict": True, "schema": {"a": "y" * 90}}},
     {"json_schema": {"name": "n", "schema": {"a": "y" * 90}}},
     ["~ json_schema", "     name: n", "     schema:", "-      a: " + "x" * 90, "+      a: " + "y" * 90, "     …"]),
]


@pytest.mark.parametrize(("before", "after", "declared", "expected"), [case[1:] for case in DIFFS],
                         ids=[case[0] for case in DIFFS])
def test_diffs_follow_the_file(before: Any, after: Any, declared: Any, expected: list[str]) -> None:
    assert value_diff(before, after, declared) == expected


def update(body: dict[str, Any] | None) -> Plan:
    field = FieldChange("tools", LIVE_TOOLS, WANTED_TOOLS)
    return Plan((Change("hr", "asst_1", "update", "hr.yaml:1:1", (field,), None, body),))


def test_text_and_markdown_take_the_files_keys_from_the_changes_body() -> None:
    body = {"tools": FILE_TOOLS, "metadata": {}}
    text = render_plan_text(update(body))
    assert "ranking_options" not in text and "            …\n" in text
    assert "ranking_options" not in render_plan_markdown(update(body))
    assert "ranking_options" in render_plan_text(update(None))  # a body that does not say: all shows
