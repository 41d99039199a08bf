"""What a plan shows of the policy: which rules were checked, on how many resources, and whether all passed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistantsync.project.values import Policy


@dataclass(frozen=True)
class PolicyRule:
    """One rule as a reviewer reads it: `allowed models` and its patterns."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class PolicyReport:
    """The policy check of one set of resolved resources (one environment's, when it has a name)."""

    rules: tuple[PolicyRule, ...]
    kinds: tuple[tuple[str, int], ...]  # resources checked: (kind name, count), in the order first met
    passed: bool
    environment: str | None = None


def policy_rules(policy: Policy, schema_names: Sequence[str]) -> tuple[PolicyRule, ...]:
    """The rules a policy sets, each once: a list of patterns is one rule, each schema file another. The secret
    scan is always on, policy or not, so it is no rule of the policy."""
    rules = [PolicyRule(name, values) for name, values in (("allowed models", policy.allowed_models),
                                                           ("required metadata", policy.required_metadata),
                                                           ("forbidden tools", policy.forbidden_tools)) if values]
    return (*rules, *(PolicyRule("schema", (name,)) for name in schema_names))


def kind_counts(kinds: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(Counter(kinds).items())
