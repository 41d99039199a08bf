"""The terminal plan: exact snapshots (plain and coloured) on the shared sample plans, and its diff rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers.plan_samples import PLANS, change, field
from helpers.snapshot_check import assert_snapshot

from assistantsync.apply.execute import Outcome
from assistantsync.plan.changes import Plan
from assistantsync.render.text import field_lines, render_outcomes_text, render_plan_text
from assistantsync.render.value_diff import NO_NEWLINE, item_diff, unified_lines, whitespace_only

GREEN, RED = "\x1b[32m", "\x1b[31m"


@pytest.mark.parametrize("name", sorted(PLANS))
def test_snapshot_plain(name: str) -> None:
    rendered = render_plan_text(PLANS[name])
    assert_snapshot(f"{name}.txt", rendered)
    assert "\x1b" not in rendered


# The 5,000-line prompt is left out in colour: its plain snapshot covers the layout, and colour adds 40 KB of codes.
@pytest.mark.parametrize("name", sorted(set(PLANS) - {"prompt-5000"}))
def test_snapshot_color(name: str) -> None:
    rendered = render_plan_text(PLANS[name], color=True)
    assert_snapshot(f"{name}.color.txt", rendered)


def test_creates_read_as_yaml_not_json() -> None:
    rendered = render_plan_text(PLANS["create"])
    assert "    tools:\n      - type: file_search\n        file_search:\n          max_num_results: 8\n" in rendered
    assert "    instructions: |\n      You are an HR bot," in rendered
    assert "{" not in rendered and '"' not in rendered


def test_a_value_written_once_and_used_twice_is_shown_twice_not_as_a_yaml_alias() -> None:
    # A YAML anchor in a file (`parameters: &p ...` then `*p`) gives the same object twice.
    shared = {"type": "object", "properties": {"q": {"type": "string"}}}
    tools = [{"type": "function", "function": {"name": name, "parameters": shared}} for name in ("a", "b")]
    rendered = render_plan_text(Plan((change("bot", "create", field("tools", None, tools)),)))
    assert "&id" not in rendered and "*id" not in rendered
    shared_lines = "          parameters:\n            type: object\n            properties:\n              q:\n"
    assert rendered.count(shared_lines) == 2


def test_changes_inside_a_tool_are_coloured() -> None:
    rendered = render_plan_text(PLANS["tools"], color=True)
    assert f"{RED}-{GREEN}" not in rendered
    assert f"{GREEN}+        additionalProperties: false\x1b[0m" in rendered
    assert "\x1b[1;41;37mfalse\x1b[0m" in rendered and "\x1b[1;42;30mtrue\x1b[0m" in rendered  # the changed word


def test_a_changed_final_newline_is_visible() -> None:
    assert unified_lines("a\nb\n", "a\nb") == ["@@ -1,2 +1,2 @@", " a", "-b", "+b", NO_NEWLINE]
    assert unified_lines("a\nb", "a\nc") == ["@@ -1,2 +1,2 @@", " a", "-b", "+c"]  # no marker when both lack it
    assert unified_lines("", "a\n") == ["@@ -0,0 +1 @@", "+a"]


def test_changed_line_endings_are_visible() -> None:
    assert unified_lines("a\r\nb\r\n", "a\nb\n") == ["@@ -1,2 +1,2 @@", "-a\u240d", "-b\u240d", "+a", "+b"]


def test_whitespace_only_changes_are_named() -> None:
    assert whitespace_only("a  b\n", "a b\n") and not whitespace_only("a", "b") and not whitespace_only("a", "a")
    lines = field_lines(field("instructions", "one\ntwo \n", "one\ntwo\n"))
    assert lines[0] == "instructions:  (whitespace only)"


def test_item_diff_shapes() -> None:
    assert item_diff({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}) == ['- b: "2"', '+ b: "3"', '+ c: "4"']
    assert item_diff([{"type": "code_interpreter"}, {"type": "file_search"}],
                     [{"type": "file_search"}, {"type": "code_interpreter"}]) == [
        "~ order: code_interpreter, file_search -> file_search, code_interpreter"]
    assert item_diff("auto", {"type": "json_object"}) == ['- "auto"', "+ type: json_object"]
    long = {"schema": {"properties": {f"p{n}": {"type": "string"} for n in range(12)}}}
    changed = {"schema": {"properties": {**long["schema"]["properties"], "p5": {"type": "integer"}}}}
    lines = item_diff({"json_schema": long}, {"json_schema": changed})
    assert lines[0] == "~ json_schema" and "-          type: string" in lines and "+          type: integer" in lines
    assert lines[1] == "     …" and lines[-1] == "     …"  # unchanged parts elided


def test_text_plan_of_many_groups_by_action() -> None:
    plan = Plan((change("b", "update", field("top_p", 1.0, 0.5)), change("a", "create", field("model", None, "m"))))
    assert render_plan_text(plan).index("+ create a") < render_plan_text(plan).index("~ update b")


def test_warnings_come_after_errors_and_before_the_changes_escaped() -> None:
    plan = replace(PLANS["create"], errors=(("broken", "bad"),), warnings=(("bot", "named 'W\x1b[31m'"),))
    lines = render_plan_text(plan).splitlines()
    assert lines[:2] == ["error: broken: bad", "warning: bot: named 'W\\x1b[31m'"]
    assert render_plan_text(replace(plan, errors=()), color=True).startswith(
        "\x1b[1;33mwarning: bot: named 'W\\x1b[31m'\x1b[0m\n")


def test_the_apply_summary_counts_what_an_interruption_kept_from_applying_apart_from_failures() -> None:
    outcomes = [
        Outcome("a", "update", "asst_1", True, "updated"),
        Outcome("b", "create", None, False, "not applied: interrupted", not_applied=True),
        # A server may word its own error alike: only the flag says the change surely was not applied.
        Outcome("c", "update", "asst_3", False, "not applied: interrupted by the gateway (503)"),
        Outcome("d", "update", "asst_4", False, "interrupted before a retry; the failed attempt may have been applied"),
    ]
    assert render_outcomes_text(outcomes).splitlines() == [
        "    ok  update a asst_1: updated",
        "FAILED  create b: not applied: interrupted",
        "FAILED  update c asst_3: not applied: interrupted by the gateway (503)",
        "FAILED  update d asst_4: interrupted before a retry; the failed attempt may have been applied",
        "Apply: 1 succeeded, 2 failed, 1 not applied (interrupted).",
    ]
