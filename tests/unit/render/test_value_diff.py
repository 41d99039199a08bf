"""render/value_diff.py: how list items are named in an item-by-item diff, whatever kind of resource holds them."""

from __future__ import annotations

from typing import Any

import pytest

from assistantsync.render.value_diff import item_diff

# (case, before, after, the diff lines)
LABELS: list[tuple[str, list[Any], list[Any], list[str]]] = [
    ("a typed item by its type", [], [{"type": "code_interpreter"}],
     ["+ code_interpreter", "+    type: code_interpreter"]),
    ("a named item by its type and the name of the map its type keys",
     [{"type": "function", "function": {"name": "f", "strict": False}}],
     [{"type": "function", "function": {"name": "f", "strict": True}}],
     ["~ function f", "     type: function", "     function:", "       name: f", "-      strict: false",
      "+      strict: true"]),
    ("any kind's named items", [{"type": "openapi", "openapi": {"name": "weather"}}], [], ["- openapi weather"]),
    ("a map under another key names nothing", [{"type": "file_search", "other": {"name": "x"}}], [], ["- file_search"]),
    ("a map without a name: the type alone", [{"type": "file_search", "file_search": {"max_num_results": 3}}], [],
     ["- file_search"]),
    ("no type", [{"name": "x"}], [], ["- None"]),
    ("scalars as JSON", ["a"], ["a", 1], ["+ 1", "+    1"]),
]


@pytest.mark.parametrize(("before", "after", "expected"), [case[1:] for case in LABELS],
                         ids=[case[0] for case in LABELS])
def test_list_items_are_labelled_by_type_and_nested_name(
        before: list[Any], after: list[Any], expected: list[str]) -> None:
    assert item_diff(before, after) == expected


def test_items_sharing_a_label_diff_as_lines() -> None:
    before = [{"type": "function", "function": {"name": "f"}}, {"type": "function", "function": {"name": "f"}}]
    assert item_diff(before, before[:1]) == ["     - type: function", "       function:", "         name: f",
                                             "-    - type: function", "-      function:", "-        name: f"]
