"""The Markdown plan (PR comment / step summary): exact snapshots, the size cap, and valid Markdown."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from helpers.plan_samples import PLANS, change, field, long_prompt
from helpers.snapshot_check import assert_snapshot

from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.plan.saved import plan_from_json, plan_to_json
from assistantsync.render.markdown import MARKER, render_plan_markdown

LIMIT = 65_000
FENCE = re.compile(r"^(`{3,})(.*)$")


def assert_valid(markdown: str) -> None:
    """Every fence opened is closed; <details> open and close in pairs, outside fences, never nested."""
    fence: str | None = None
    depth = 0
    for line in markdown.split("\n"):
        opening = FENCE.match(line)
        if fence is not None:
            if line.strip() == fence or (opening and opening.group(1).startswith(fence) and not opening.group(2)):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
        elif line.startswith("<details>"):
            assert depth == 0 and line.endswith("</summary>"), line
            depth += 1
        elif line == "</details>":
            assert depth == 1
            depth -= 1
    assert fence is None, "a fence is left open"
    assert depth == 0, "a <details> is left open"


def many(count: int, big: bool) -> Plan:
    fields = (field("instructions", long_prompt(60, False), long_prompt(60, True)),) if big else ()
    return Plan(tuple(change(f"assistant-{n:04d}", "update", *fields, field("temperature", 1.0, 0.5), ident=f"asst_{n}")
                      for n in range(count)))


@pytest.mark.parametrize("name", sorted(PLANS))
def test_snapshot(name: str) -> None:
    rendered = render_plan_markdown(PLANS[name])
    assert_snapshot(f"{name}.md", rendered)
    assert rendered.startswith(MARKER + "\n")
    assert len(rendered) <= LIMIT
    assert_valid(rendered)


def test_no_changes_is_one_line_after_the_marker() -> None:
    assert render_plan_markdown(PLANS["no-changes"]) == (
        f"{MARKER}\n**assistantsync plan:** no changes (2 assistants up to date).\n")
    empty = render_plan_markdown(Plan(()))
    assert empty == f"{MARKER}\n**assistantsync plan:** no changes (0 assistants up to date).\n"


def test_errors_deletions_and_drift_come_before_every_section() -> None:
    rendered = render_plan_markdown(Plan((*PLANS["mixed"].changes, *PLANS["drift"].changes), PLANS["errors"].errors))
    first_section = rendered.index("<details>")
    for callout in ("could not be planned", "**Deletes 1 assistant:** `old-bot` (`asst_old`)",
                    "this apply overwrites it:** `hr-helper` (instructions, temperature)", "| Action | Assistants |"):
        assert rendered.index(callout) < first_section, callout
    keys = re.findall(r"^<details><summary><b>[^<]*</b> <code>([^<]*)</code>", rendered, re.MULTILINE)
    assert keys == sorted(keys) == ["hr-helper", "legacy-bot", "new-bot", "old-bot", "planner", "weather"]


def test_content_cannot_break_the_markdown() -> None:
    rendered = render_plan_markdown(PLANS["hostile"])
    assert "`````diff\n@@ -1 +1,3 @@" in rendered  # longer than the ```` inside the prompt
    assert "````diff\n+ note:" in rendered
    assert "Updates `asst_<x>`" in rendered  # in a code span, where < is literal
    assert re.findall(r"^</?details>", rendered, re.MULTILINE) == ["<details>", "</details>"]  # others are in fences
    assert_valid(rendered)


def test_summaries_escape_html_and_mentions() -> None:
    odd = Change("k", "asst_1", "update", "a.yaml:1:1", (FieldChange("@octocat <b>", 1, 2),))
    rendered = render_plan_markdown(Plan((odd,), (("x", "mail @octocat about `this`"),)))
    assert "— @\u2060octocat &lt;b&gt;</summary>" in rendered
    assert "- `x`: `` mail @octocat about `this` ``" in rendered  # in code, where GitHub mentions no one


def test_the_5000_line_prompt_change_is_cut_to_fit_with_a_note() -> None:
    plan = PLANS["prompt-5000"]
    rendered = render_plan_markdown(plan)
    assert 60_000 < len(rendered) <= LIMIT
    assert_valid(rendered)
    assert "*Some changes are shortened to fit; the full plan: the JSON plan (plan --out).*" in rendered
    left_out = re.search(r"\*Truncated: ([\d,]+) of ([\d,]+) diff lines not shown in full \(instructions\)\. "
                         r"The full plan: the JSON plan \(plan --out\)\.\*", rendered)
    assert left_out is not None
    shown = rendered.split("```diff\n", 1)[1].split("\n```\n", 1)[0].split("\n")
    assert int(left_out.group(2).replace(",", "")) == 4498 == len(shown) + int(left_out.group(1).replace(",", ""))
    last_hunk = shown[max(i for i, line in enumerate(shown) if line.startswith("@@")):]
    old, new = (int(n) for n in re.findall(r"[-+]\d+,(\d+)", last_hunk[0]))
    assert sum(not line.startswith("+") for line in last_hunk[1:]) == old  # the last hunk shown is whole
    assert sum(not line.startswith("-") for line in last_hunk[1:]) == new


@pytest.mark.parametrize("big", [False, True])
def test_2000_changed_assistants_fit_and_the_rest_are_named(big: bool) -> None:
    rendered = render_plan_markdown(many(2000, big))
    assert len(rendered) <= LIMIT
    assert_valid(rendered)
    sections = rendered.count("<details>")
    assert 20 < sections < 2000
    named = re.search(r"^\*\*([\d,]+) more changed assistants, not shown here\*\* — see the JSON plan "
                      r"\(plan --out\): (.*)$", rendered, re.MULTILINE)
    assert named is not None and int(named.group(1).replace(",", "")) == 2000 - sections
    assert named.group(2).split(", ") == [f"`assistant-{n:04d}`" for n in range(sections, 2000)]


def test_when_not_even_the_names_fit_the_line_says_how_many_more() -> None:
    rendered = render_plan_markdown(many(6000, False))
    assert len(rendered) <= LIMIT
    assert re.search(r", … and [\d,]+ more$", rendered.rstrip("\n"))


def test_small_sections_stay_whole_and_large_ones_share_equally() -> None:
    small = [change(f"small-{n}", "update", field("temperature", 1.0, 0.5)) for n in range(5)]
    large = [change(f"large-{n}", "update", field("instructions", long_prompt(3000, False), long_prompt(3000, True)))
             for n in range(2)]
    rendered = render_plan_markdown(Plan(tuple(sorted(small + large, key=lambda c: c.key))), max_chars=30_000)
    assert len(rendered) <= 30_000
    sections = rendered.split("<details>")[1:]
    sizes = {re.search(r"<code>([^<]*)</code>", s).group(1): len(s) for s in sections}  # type: ignore[union-attr]
    assert all("Truncated" not in s for s in sections if "small-" in s[:80])
    assert abs(sizes["large-0"] - sizes["large-1"]) < 200


def test_a_huge_single_line_is_cut_inside_the_line() -> None:
    plan = Plan((change("one-line", "update", field("description", "a" * 100_000, "b" * 100_000)),))
    rendered = render_plan_markdown(plan)
    assert len(rendered) <= LIMIT and "…\n" in rendered
    assert "*Truncated: 2 of 2 diff lines not shown in full (description)." in rendered
    assert_valid(rendered)


@pytest.mark.parametrize("max_chars", [4_000, 4_321, 6_000, 9_999, 20_000, 65_000])
def test_every_plan_stays_within_any_budget(max_chars: int) -> None:
    everything = Plan(tuple(sorted((c for p in PLANS.values() for c in p.changes if c.action != "no-op"),
                                   key=lambda c: c.key)), PLANS["errors"].errors, prune=True)
    for plan in [*PLANS.values(), many(300, True), everything]:
        rendered = render_plan_markdown(plan, max_chars=max_chars, plan_file_hint="[plan.json](https://x.test/p)")
        assert len(rendered) <= max_chars
        assert_valid(rendered)


@pytest.mark.parametrize("max_chars", [4_000, 65_000])
def test_long_callout_lists_are_capped(max_chars: int) -> None:
    deletes = [change(f"gone-{n:04d}", "delete", ident=f"asst_g{n}") for n in range(1500)]
    drifts = [change(f"moved-{n:04d}", "update", field("top_p", 0.9, 1.0, drift=True)) for n in range(1500)]
    errors = tuple((f"bad-{n:04d}", "x" * 2_000) for n in range(1500))
    rendered = render_plan_markdown(Plan((*deletes, *drifts), errors), max_chars=max_chars)
    assert len(rendered) <= max_chars
    assert_valid(rendered)
    head = rendered.split("<details>")[0]
    assert re.search(r"^- … and [\d,]+ more \(see the plan's text or JSON output\)$", head, re.MULTILINE)
    assert head.count("… and") >= 3 and "**Deletes 1,500 assistants:**" in head
    assert head.startswith(f"{MARKER}\n### assistantsync plan: failed: 1,500 errors\n")


def test_a_saved_plan_renders_the_same() -> None:
    plan = PLANS["mixed"]
    assert render_plan_markdown(plan_from_json(plan_to_json(plan), "plan.json")) == render_plan_markdown(plan)


def test_budget_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        render_plan_markdown(PLANS["update"], max_chars=1_000)
    with pytest.raises(ValueError, match="plan_file_hint"):
        render_plan_markdown(PLANS["update"], plan_file_hint="x" * 301)


def test_warnings_are_listed_in_the_header_as_code() -> None:
    plan = replace(PLANS["create"], warnings=(("bot", "will create a second assistant named 'W' @octocat"),))
    rendered = render_plan_markdown(plan)
    head = rendered[: rendered.index("| Action |")]
    assert ("**⚠️ Worth a look before applying:**\n- `bot`: `will create a second assistant named 'W' @octocat`\n"
            in head)
