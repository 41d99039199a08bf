"""The Markdown plan's policy section: the rules a plan's files passed, after the plan as it renders without
one, within the same budget."""

from __future__ import annotations

import pytest
from helpers.plan_samples import UPDATE, noop

from assistantsync.plan.changes import Plan
from assistantsync.policy.report import PolicyReport, PolicyRule
from assistantsync.render.markdown import MIN_MAX_CHARS, render_plan_markdown
from assistantsync.render.markdown_policy import policy_section, render_policy_plan_markdown

RULES = (PolicyRule("allowed models", ("gpt-4o*", "gpt-4.1*")), PolicyRule("required metadata", ("owner",)),
         PolicyRule("forbidden tools", ("code_interpreter",)), PolicyRule("schema", ("policy/assistant.policy.json",)))
PASSED = PolicyReport(RULES, (("assistant", 6),), True)
SECTION = """\
#### Policy

4 rules checked on 6 assistants: ✅ all passed

- allowed models: `gpt-4o*`, `gpt-4.1*`
- required metadata: `owner`
- forbidden tools: `code_interpreter`
- schema: `policy/assistant.policy.json`
"""


@pytest.mark.parametrize(("report", "expected"), [
    (PASSED, SECTION),
    (PolicyReport(RULES[:1], (("assistant", 2), ("agent", 1)), True, "prod"),
     "#### Policy\n\n1 rule checked on 2 assistants and 1 agent (environment `prod`): ✅ all passed\n\n"
     "- allowed models: `gpt-4o*`, `gpt-4.1*`\n"),
    (PolicyReport((), (("agent", 1),), True), "#### Policy\n\n0 rules checked on 1 agent: ✅ all passed\n"),
    (PolicyReport(RULES[3:], (("assistant", 1),), False, "dev"),
     "#### Policy\n\n1 rule checked on 1 assistant (environment `dev`): ❌ failed\n\n"
     "- schema: `policy/assistant.policy.json`\n"),
    (PolicyReport((PolicyRule("allowed models", ("a`b", "x" * 300)),), (("assistant", 1),), True),
     f"#### Policy\n\n1 rule checked on 1 assistant: ✅ all passed\n\n- allowed models: ``a`b``, `{'x' * 99}…`\n"),
], ids=["all rules", "one rule, an environment, two kinds", "no rules", "failed", "values quoted and cut"])
def test_the_section(report: PolicyReport, expected: str) -> None:
    assert policy_section(report) == expected


@pytest.mark.parametrize("plan", [Plan((UPDATE, noop("billing"))), Plan((noop("billing"),))],
                         ids=["changes", "no changes"])
def test_the_section_follows_the_plan_as_it_renders_without_a_policy(plan: Plan) -> None:
    without = render_plan_markdown(plan, max_chars=65_000 - 1 - len(SECTION))
    assert render_policy_plan_markdown(plan, PASSED) == f"{without}\n{SECTION}"
    assert "Policy" not in render_plan_markdown(plan)


def test_the_plan_and_the_section_share_the_budget() -> None:
    patterns = tuple(f"model-{n}-*" for n in range(500))
    many = PolicyReport((PolicyRule("allowed models", patterns),), (("assistant", 1),), True)
    section = policy_section(many)
    assert len(section) < 700  # the patterns past 500 characters are counted, not listed
    assert section.endswith(", … and 465 more\n")
    text = render_policy_plan_markdown(Plan((UPDATE,)), many, max_chars=MIN_MAX_CHARS + 1 + len(section))
    assert len(text) <= MIN_MAX_CHARS + 1 + len(section) and text.endswith(section)
    with pytest.raises(ValueError, match=f"max_chars must be at least {MIN_MAX_CHARS + 1 + len(section)}"):
        render_policy_plan_markdown(Plan((UPDATE,)), many, max_chars=MIN_MAX_CHARS)
