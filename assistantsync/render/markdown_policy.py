"""The Markdown plan with its policy section: which rules the resolved files passed, so a reviewer sees them
checked. Pure. Only for a project that sets a policy; without one, render_plan_markdown's text is unchanged.

The section closes the plan, below the collapsed changes, where it is seen at once; the plan before it gets
the budget less the section's size, which is bounded whatever the project file lists."""

from __future__ import annotations

from assistantsync.plan.changes import Plan
from assistantsync.policy.report import PolicyReport
from assistantsync.render.kind_words import counted
from assistantsync.render.markdown import DEFAULT_MAX_CHARS, MIN_MAX_CHARS, render_plan_markdown
from assistantsync.render.markdown_fit import code_span
from assistantsync.render.markdown_text import capped, short, thousands

MAX_VALUE_CHARS = 100  # of one pattern, key, tool type or file name
MAX_RULE_CHARS = 500  # of one rule's values; the rest are counted


def render_policy_plan_markdown(plan: Plan, policy: PolicyReport, *, max_chars: int = DEFAULT_MAX_CHARS,
                                plan_file_hint: str = "the JSON plan (plan --out)") -> str:
    """render_plan_markdown's plan, then the policy section, in at most `max_chars` characters in all."""
    section = "\n" + policy_section(policy)  # a blank line after the plan
    if max_chars < MIN_MAX_CHARS + len(section):
        raise ValueError(f"max_chars must be at least {MIN_MAX_CHARS + len(section)} with a policy section")
    return render_plan_markdown(plan, max_chars=max_chars - len(section), plan_file_hint=plan_file_hint) + section


def policy_section(report: PolicyReport) -> str:
    """`#### Policy`, the outcome in one line, then each rule with its values."""
    count = len(report.rules)
    checked = counted((kind for kind, number in report.kinds for _ in range(number)), thousands)
    outcome = "✅ all passed" if report.passed else "❌ failed"
    where = f" (environment {code_span(short(report.environment, MAX_VALUE_CHARS))})" if report.environment else ""
    rules = "".join(f"- {rule.name}: {_values(rule.values)}\n" for rule in report.rules)
    return f"#### Policy\n\n{count} rule{'' if count == 1 else 's'} checked on {checked}{where}: {outcome}\n" + (
        f"\n{rules}" if rules else "")


def _values(values: tuple[str, ...]) -> str:
    shown = [code_span(short(value, MAX_VALUE_CHARS)) for value in values]
    return ", ".join(capped(shown, MAX_RULE_CHARS, lambda left: f"… and {left:,} more"))
