"""The policy's field rules on literal resolved resources of both kinds: each rule passing and failing, with
the exact located messages."""

from __future__ import annotations

import pytest

from assistantsync.errors import Location, Problem
from assistantsync.files.documents import DesiredResource
from assistantsync.policy.rules import rule_problems
from assistantsync.project.values import Policy

HR = "assistants/hr.yaml"
AGENT = "agents/helper.yaml"


def assistant(**fields: object) -> DesiredResource:
    """hr-helper: `model` on line 4, `tools` on 6, `metadata` on 9 (each key at column 1)."""
    places = {"model": Location(HR, 4, 1), "tools": Location(HR, 6, 1), "metadata": Location(HR, 9, 1)}
    return DesiredResource("hr-helper", None, Location(HR, 1, 1), dict(fields),
                           {name: at for name, at in places.items() if name in fields})


def agent(**fields: object) -> DesiredResource:
    """An agent: its definition's members are flat fields, `definition.model` on line 5."""
    places = {"metadata": Location(AGENT, 3, 1), "definition.model": Location(AGENT, 5, 3),
              "definition.tools": Location(AGENT, 6, 3)}
    flat = {name.replace("__", "."): value for name, value in fields.items()}
    return DesiredResource("helper", None, Location(AGENT, 1, 1), {"name": "helper", **flat},
                           {name: at for name, at in places.items() if name in flat}, "agent")


OWNED = {"owner": "hr-team"}
CASES = [
    # allowed_models: shell-style, case-sensitive
    ("model allowed", Policy(allowed_models=("gpt-4o*", "gpt-4.1*")), assistant(model="gpt-4o-mini"), []),
    ("model by a character class", Policy(allowed_models=("gpt-4.[01]",)), assistant(model="gpt-4.1"), []),
    ("model refused", Policy(allowed_models=("gpt-4o*", "gpt-4.1*")), assistant(model="gpt-3.5-turbo"),
     [f"{HR}:4:1: model: policy: 'gpt-3.5-turbo' is not an allowed model (allowed: gpt-4o*, gpt-4.1*)"]),
    ("case matters", Policy(allowed_models=("gpt-4o*",)), assistant(model="GPT-4o"),
     [f"{HR}:4:1: model: policy: 'GPT-4o' is not an allowed model (allowed: gpt-4o*)"]),
    ("agent model allowed", Policy(allowed_models=("gpt-4o*",)), agent(definition__model="gpt-4o"), []),
    ("agent model refused", Policy(allowed_models=("gpt-4o*",)), agent(definition__model="o3"),
     [f"{AGENT}:5:3: definition.model: policy: 'o3' is not an allowed model (allowed: gpt-4o*)"]),
    ("no patterns: any model", Policy(), assistant(model="anything"), []),
    # required_metadata
    ("metadata present", Policy(required_metadata=("owner",)), assistant(model="m", metadata=OWNED), []),
    ("metadata key missing", Policy(required_metadata=("owner", "cost_center")),
     assistant(model="m", metadata={"env": "dev"}),
     [f"{HR}:9:1: metadata: policy: the required key 'owner' is missing",
      f"{HR}:9:1: metadata: policy: the required key 'cost_center' is missing"]),
    ("no metadata at all: at the document start", Policy(required_metadata=("owner",)), assistant(model="m"),
     [f"{HR}:1:1: metadata: policy: the required key 'owner' is missing"]),
    ("metadata value blank", Policy(required_metadata=("owner",)), assistant(model="m", metadata={"owner": "  "}),
     [f"{HR}:9:1: metadata.owner: policy: the required key 'owner' is empty"]),
    ("agent metadata missing", Policy(required_metadata=("owner",)), agent(definition__model="gpt-4o"),
     [f"{AGENT}:1:1: metadata: policy: the required key 'owner' is missing"]),
    ("agent metadata present", Policy(required_metadata=("owner",)), agent(metadata=OWNED), []),
    # forbidden_tools, at the tool item
    ("tools allowed", Policy(forbidden_tools=("code_interpreter",)),
     assistant(model="m", tools=[{"type": "file_search"}]), []),
    ("tool forbidden", Policy(forbidden_tools=("code_interpreter", "function")),
     assistant(model="m", tools=[{"type": "file_search"}, {"type": "code_interpreter"},
                                 {"type": "function", "function": {"name": "f"}}]),
     [f"{HR}:6:1: tools[1]: policy: the tool type 'code_interpreter' is forbidden "
      "(forbidden: code_interpreter, function)",
      f"{HR}:6:1: tools[2]: policy: the tool type 'function' is forbidden (forbidden: code_interpreter, function)"]),
    ("agent tool forbidden", Policy(forbidden_tools=("bing_grounding",)),
     agent(definition__tools=[{"type": "bing_grounding", "bing_grounding": {}}]),
     [f"{AGENT}:6:3: definition.tools[0]: policy: the tool type 'bing_grounding' is forbidden "
      "(forbidden: bing_grounding)"]),
    ("every rule at once", Policy(("gpt-4o",), ("owner",), ("code_interpreter",)),
     assistant(model="gpt-4", tools=[{"type": "code_interpreter"}]),
     [f"{HR}:4:1: model: policy: 'gpt-4' is not an allowed model (allowed: gpt-4o)",
      f"{HR}:1:1: metadata: policy: the required key 'owner' is missing",
      f"{HR}:6:1: tools[0]: policy: the tool type 'code_interpreter' is forbidden (forbidden: code_interpreter)"]),
]


@pytest.mark.parametrize(("policy", "resource", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_rules(policy: Policy, resource: DesiredResource, expected: list[str]) -> None:
    assert [str(problem) for problem in rule_problems([resource], policy)] == expected


def test_a_model_from_a_variable_names_it_and_the_environment() -> None:
    resource = DesiredResource("hr-helper", None, Location(HR, 1, 1), {"model": "gpt-3.5-turbo"},
                               {"model": Location(HR, 4, 8)}, var_fields={"model": ("model",)})
    [problem] = rule_problems([resource], Policy(allowed_models=("gpt-4o*",)), environment="prod")
    assert problem == Problem(Location(HR, 4, 8), "model", "policy: 'gpt-3.5-turbo' is not an allowed model "
                              "(allowed: gpt-4o*) (from vars.model of environment 'prod')")


def test_a_locator_places_the_tool_item() -> None:
    placed = rule_problems([assistant(model="m", tools=[{"type": "code_interpreter"}])],
                           Policy(forbidden_tools=("code_interpreter",)),
                           locate=lambda resource, path: Location(HR, 7, len(path)))
    assert [problem.location for problem in placed] == [Location(HR, 7, 2)]


def test_a_long_model_name_is_cut_in_the_message() -> None:
    [problem] = rule_problems([assistant(model="x" * 500)], Policy(allowed_models=("gpt-4o",)))
    assert problem.message == f"policy: '{'x' * 99}…' is not an allowed model (allowed: gpt-4o)"
