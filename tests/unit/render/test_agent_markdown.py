"""The Markdown plan (a pull-request comment) for agents, alone and beside assistants: exact text from literal
plans, hostile versions and names kept in code, and many agents cut to fit."""

from __future__ import annotations

import re

import pytest
from helpers.agent_plan_samples import (
    ASSISTANT_NOOP,
    ASSISTANT_UPDATE,
    CREATE,
    DELETE,
    DRIFT,
    NEW_VERSION,
    TEMPERATURE,
    drifted_bot,
)

from assistantsync.plan.changes import Change, FieldChange, Plan
from assistantsync.render.markdown import MARKER, render_plan_markdown
from assistantsync.safe_text import log_safe

ADOPT = Change("legacy", "legacy", "adopt", "agents/legacy.yaml:1:1", (TEMPERATURE,), kind="agent", version="7")
ASSISTANT_DELETE = Change("old-helper", "asst_old", "delete", None)
AGENT_NOOP = Change("calm", "calm", "no-op", "agents/calm.yaml:1:1", kind="agent", version="1")


def table(column: str, *rows: tuple[str, int]) -> str:
    return f"| Action | {column} |\n| --- | ---: |\n" + "".join(f"| {label} | {count} |\n" for label, count in rows)


AGENT_ROWS = (("create", 0), ("new version", 0), ("adopt (take over)", 0), ("delete", 0), ("unchanged", 0))


def agent_table(**counts: int) -> str:
    return table("Agents", *((label, counts.get(label.split(" ")[0], count)) for label, count in AGENT_ROWS))


TEMPERATURE_BLOCK = "**`definition.temperature`**\n```diff\n- 0.3\n+ 0.5\n```\n\n"

PLANS: dict[str, tuple[Plan, str]] = {
    "a new version": (Plan((NEW_VERSION,)), (
        f"{MARKER}\n### assistantsync plan: 1 new version\n\n{agent_table(new=1)}\n"
        "<details><summary><b>~ new version</b> agent <code>support-bot</code> (version 2 -&gt; 3) — "
        "definition.temperature</summary>\n\n"
        "Makes a new version of agent `support-bot` from `agents/support-bot.yaml:1:1`: version `2` -> `3`.\n\n"
        f"{TEMPERATURE_BLOCK}</details>\n")),
    "a create": (Plan((CREATE,)), (
        f"{MARKER}\n### assistantsync plan: 1 to create\n\n{agent_table(create=1)}\n"
        "<details><summary><b>+ create</b> agent <code>new-bot</code> — name, definition.model</summary>\n\n"
        "Creates a new agent from `agents/new-bot.yaml:1:1`:\n\n"
        "```diff\n+ name: new-bot\n+ definition.model: gpt-4.1\n```\n\n</details>\n")),
    "a prune delete": (Plan((DELETE,), prune=True), (
        f"{MARKER}\n### assistantsync plan: 1 to delete\n\n"
        "> ⚠️ **Deletes 1 agent:** `old-bot`\n\n"
        f"{agent_table(delete=1)}\n"
        "<details><summary><b>- delete</b> agent <code>old-bot</code> (version 4) — ⚠️ deletes every version"
        "</summary>\n\n"
        "Deletes agent `old-bot` and every version of it (the latest: version `4`): it carries assistantsync's key "
        "and no file describes it (`--prune`).\n\n</details>\n")),
    "an adopt": (Plan((ADOPT,)), (
        f"{MARKER}\n### assistantsync plan: 1 to adopt\n\n{agent_table(adopt=1)}\n"
        "<details><summary><b>~ adopt</b> agent <code>legacy</code> (version 7 -&gt; 8) — "
        "definition.temperature</summary>\n\n"
        "Takes over agent `legacy` (adds assistantsync's metadata keys in a new version) from "
        "`agents/legacy.yaml:1:1`: version `7` -> `8`. Its latest version, `7`, carries no assistantsync record: it "
        "was made outside the tool.\n\n"
        f"{TEMPERATURE_BLOCK}</details>\n")),
    "drift": (Plan((DRIFT, AGENT_NOOP)), (
        f"{MARKER}\n### assistantsync plan: 1 new version\n\n"
        "> ⚠️ **Changed outside git since the last apply:**\n"
        "> - agent `support-bot`: version `4` was not made by assistantsync (it differs in "
        "`definition.instructions`); this apply makes git the truth again in a new version\n\n"
        f"{agent_table(new=1, unchanged=1)}\n"
        "<details><summary><b>~ new version</b> agent <code>support-bot</code> (version 4 -&gt; 5) — "
        "definition.instructions, definition.temperature — ⚠️ version 4 not made by assistantsync</summary>\n\n"
        "Makes a new version of agent `support-bot` from `agents/support-bot.yaml:1:1`: version `4` -> `5`.\n\n"
        "**`definition.instructions`** — ⚠️ changed outside git since the last apply; this apply overwrites it\n"
        '```diff\n- "Portal text."\n+ "Hi"\n```\n\n'
        f"{TEMPERATURE_BLOCK}</details>\n")),
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_agent_plans_read_exactly(name: str) -> None:
    plan, expected = PLANS[name]
    assert render_plan_markdown(plan) == expected


MIXED = Plan((CREATE, ASSISTANT_UPDATE, ASSISTANT_DELETE, ASSISTANT_NOOP, DELETE, DRIFT,
              Change("helper-2", "asst_3", "update", "assistants/helper-2.yaml:2:1",
                     (FieldChange("top_p", 1.0, 0.5, drift=True),))),
             (("agent bad-bot", "no such model @octocat"), ("broken", "y")), prune=True)


def test_a_mixed_plan_counts_each_kind_and_names_each_by_its_kind() -> None:
    rendered = render_plan_markdown(MIXED)
    head = rendered[: rendered.index("<details>")]
    assert head == (
        f"{MARKER}\n### assistantsync plan: failed: 2 errors\n\n"  # its tallies: the table's
        "**❌ 1 assistant and 1 agent could not be planned; this plan cannot be applied:**\n"
        "- agent `bad-bot`: `no such model @octocat`\n"
        "- `broken`: `y`\n\n"
        "> ⚠️ **Deletes 1 assistant and 1 agent:** `old-helper` (`asst_old`), agent `old-bot`\n\n"
        "> ⚠️ **Changed outside git since the last apply; this apply overwrites it:** `helper-2` (top_p)\n\n"
        "> ⚠️ **Changed outside git since the last apply:**\n"
        "> - agent `support-bot`: version `4` was not made by assistantsync (it differs in "
        "`definition.instructions`); this apply makes git the truth again in a new version\n\n"
        + table("Resources", ("create", 1), ("update", 2), ("new version", 1), ("adopt (take over)", 0),
                ("delete", 2), ("unchanged", 1)) + "\n")
    summaries = re.findall(r"^<details><summary>(.*?) — .*</summary>$", rendered, re.MULTILINE)
    assert summaries == ["<b>~ update</b> <code>helper</code>", "<b>~ update</b> <code>helper-2</code>",
                         "<b>+ create</b> agent <code>new-bot</code>",
                         "<b>- delete</b> agent <code>old-bot</code> (version 4)",
                         "<b>- delete</b> <code>old-helper</code>",
                         "<b>~ new version</b> agent <code>support-bot</code> (version 4 -&gt; 5)"]


NO_CHANGES = [  # (unchanged assistants, unchanged agents, what the comment says is up to date)
    (6, 2, "6 assistants and 2 agents"),
    (0, 1, "1 agent"),
    (0, 1_200, "1,200 agents"),
    (1_200, 1, "1,200 assistants and 1 agent"),
]


@pytest.mark.parametrize(("assistants", "agents", "counted"), NO_CHANGES)
def test_no_changes_counts_each_kind(assistants: int, agents: int, counted: str) -> None:
    plan = Plan((*[ASSISTANT_NOOP] * assistants, *[AGENT_NOOP] * agents))
    assert render_plan_markdown(plan) == f"{MARKER}\n**assistantsync plan:** no changes ({counted} up to date).\n"


HOSTILE_VERSIONS = [  # (a version a server returned, how the comment's intro shows it, how its <summary> does)
    ("1`</summary>[x](https://evil.test)", "version ``1`</summary>[x](https://evil.test)`` -> a new version",
     "version 1`&lt;/summary&gt;[x](https://evil.test) -&gt; a new version"),
    # A line break in Markdown code or HTML is a space, as in every key and id the comment shows.
    ("2\n::error::pwned @octocat", "version `2 ::error::pwned @octocat` -> a new version",
     "version 2 ::error::pwned @\u2060octocat -&gt; a new version"),
    ("3\x1b[31m\u202e", "version `3\\x1b[31m\\u202e` -> a new version",
     "version 3\\x1b[31m\\u202e -&gt; a new version"),
    ("9", "version `9` -> `10`", "version 9 -&gt; 10"),
]


@pytest.mark.parametrize(("version", "intro", "summary"), HOSTILE_VERSIONS)
def test_a_hostile_version_stays_in_code_or_escaped(version: str, intro: str, summary: str) -> None:
    drifted = drifted_bot(version)
    rendered = render_plan_markdown(Plan((drifted,)))
    lines = rendered.split("\n")
    assert f"> - agent `bot`: {intro.split(' -> ')[0]} was not made by assistantsync (it differs in " \
           "`definition.instructions`); this apply makes git the truth again in a new version" in lines
    assert [line for line in lines if line.startswith("<details>")] == [
        f"<details><summary><b>~ new version</b> agent <code>bot</code> ({summary}) — definition.instructions — "
        f"⚠️ {summary.split(' -&gt; ')[0]} not made by assistantsync</summary>"]
    assert f"Makes a new version of agent `bot` from `agents/bot.yaml:1:1`: {intro}." in lines
    assert rendered.count("<details>") == 1 and rendered.count("</details>") == 1
    # No hidden character but the word joiner that keeps `@` from mentioning, no line a CI runner reads as a command.
    assert log_safe(rendered.replace("@\u2060", "@")) == rendered.replace("@\u2060", "@")


def test_many_agents_cut_to_fit_are_named_as_agents() -> None:
    prompt = "".join(f"Rule {n}.\n" for n in range(400))
    changes = tuple(Change(f"agent-{n:04d}", f"agent-{n:04d}", "update", f"agents/agent-{n:04d}.yaml:1:1",
                           (FieldChange("definition.instructions", prompt, prompt + "Be kind.\n"),), kind="agent",
                           version="1") for n in range(500))
    rendered = render_plan_markdown(Plan(changes), max_chars=20_000)
    assert len(rendered) <= 20_000
    named = re.search(r"^\*\*([\d,]+) more changed agents, not shown here\*\* — see the JSON plan \(plan --out\): "
                      r"`agent-(\d{4})`, ", rendered, re.MULTILINE)
    assert named is not None and int(named.group(1).replace(",", "")) == 500 - rendered.count("<details>")
    assert int(named.group(2)) == rendered.count("<details>")


def test_sections_cut_from_a_mixed_plan_are_named_with_their_kind() -> None:
    prompt = "".join(f"Rule {n}.\n" for n in range(400))
    agents = [Change(f"a-{n:04d}", f"a-{n:04d}", "update", "agents/a.yaml:1:1",
                     (FieldChange("definition.instructions", prompt, prompt + "Be kind.\n"),), kind="agent",
                     version="1") for n in range(60)]
    assistants = [Change(f"b-{n:04d}", f"asst_{n}", "update", "assistants/b.yaml:2:1",
                         (FieldChange("instructions", prompt, prompt + "Be kind.\n"),)) for n in range(60)]
    rendered = render_plan_markdown(Plan((*agents, *assistants)), max_chars=20_000)
    assert len(rendered) <= 20_000
    named = re.search(r"^\*\*[\d,]+ more changed resources, not shown here\*\* — see [^:]*: (.*)$", rendered,
                      re.MULTILINE)
    assert named is not None
    assert re.findall(r"agent `a-\d{4}`", named.group(1)) and named.group(1).endswith(", `b-0059`")
    assert "agent `b-" not in named.group(1)
