"""An environment's policy adds to the top level's: each list the union of both, the top level's entries first."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistantsync.project.values import Policy, SecretAllowance, merged_policy

A, B = SecretAllowance("a.md", 1), SecretAllowance("b.md", 2)


@pytest.mark.parametrize(("base", "added", "expected"), [
    (Policy(), Policy(), Policy()),
    (Policy(forbidden_tools=("code_interpreter",)), Policy(forbidden_tools=("code_interpreter", "function")),
     Policy(forbidden_tools=("code_interpreter", "function"))),
    (Policy(allowed_models=("gpt-4o*",)), Policy(allowed_models=("gpt-4.1*",)),
     Policy(allowed_models=("gpt-4o*", "gpt-4.1*"))),
    (Policy(required_metadata=("owner",)), Policy(), Policy(required_metadata=("owner",))),
    (Policy(), Policy(required_metadata=("owner", "team")), Policy(required_metadata=("owner", "team"))),
    (Policy(schema=(Path("/p/a.json"),)), Policy(schema=(Path("/p/b.json"), Path("/p/a.json"))),
     Policy(schema=(Path("/p/a.json"), Path("/p/b.json")))),
    (Policy(allow_secrets=(A,)), Policy(allow_secrets=(B, A)), Policy(allow_secrets=(A, B))),
], ids=["empty", "tools", "models", "base-only", "added-only", "schemas", "allow-secrets"])
def test_merged_policy_joins_each_list(base: Policy, added: Policy, expected: Policy) -> None:
    assert merged_policy(base, added) == expected
