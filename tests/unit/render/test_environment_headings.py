"""Plans made in an environment name it in their headings; without one they read exactly as before."""

from __future__ import annotations

import pytest

from assistantsync.plan.change_values import Change, Plan
from assistantsync.render.markdown import MARKER, render_plan_markdown
from assistantsync.render.text import render_plan_text

CREATE = Change("bot", None, "create", "bot.yaml", body={"model": "gpt-4o"})
SAME = Change("old", "asst_1", "no-op", "old.yaml")

# (case, plan, its text's last line, its markdown's first lines)
CASES: list[tuple[str, Plan, str, str]] = [
    ("changes, in an environment", Plan((CREATE,), environment="prod"),
     "Plan (environment prod): 1 to create, 0 to update, 0 to delete.",
     f"{MARKER}\n### assistantsync plan · prod: 1 to create\n"),
    ("changes, without one", Plan((CREATE,)), "Plan: 1 to create, 0 to update, 0 to delete.",
     f"{MARKER}\n### assistantsync plan: 1 to create\n"),
    ("no changes, in an environment", Plan((SAME,), environment="dev"),
     "No changes in environment dev. 1 assistant up to date.",
     f"{MARKER}\n**assistantsync plan · dev:** no changes (1 assistant up to date).\n"),
    ("no changes, without one", Plan((SAME,)), "No changes. 1 assistant up to date.",
     f"{MARKER}\n**assistantsync plan:** no changes (1 assistant up to date).\n"),
    ("failed, in an environment", Plan((), (("bot", "broken"),), environment="prod"),
     "Plan failed: 1 assistant could not be planned; nothing will be applied until the errors are fixed.",
     f"{MARKER}\n### assistantsync plan · prod: failed: 1 error\n"),
]


@pytest.mark.parametrize(("plan", "text", "markdown"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_headings_name_the_environment(plan: Plan, text: str, markdown: str) -> None:
    assert render_plan_text(plan).splitlines()[-1] == text
    assert render_plan_markdown(plan).startswith(markdown)
