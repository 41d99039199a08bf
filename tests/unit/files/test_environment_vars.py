"""`${{ vars.NAME }}` in YAML values, and overrides: the pure rules, then as load_desired locates their mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import Location, ValidationFailed
from assistantsync.files.desired import load_desired, unused_variables
from assistantsync.files.environment_vars import Refusal, environment_lookup, expand, substitute
from assistantsync.files.overrides import merge
from assistantsync.project.values import Environment

PROD = Environment("prod", {"model": "gpt-4o", "max_results": 20, "temperature": 0.5, "strict": True,
                            "handbook_store": "vs_prod456"},
                   var_locations={"model": Location("assistantsync.yaml", 4, 7),
                                  "max_results": Location("assistantsync.yaml", 5, 7),
                                  "temperature": Location("assistantsync.yaml", 6, 7),
                                  "strict": Location("assistantsync.yaml", 7, 7),
                                  "handbook_store": Location("assistantsync.yaml", 8, 7)})
LOOKUP = environment_lookup(PROD)
MALFORMED = ("'${{' must open a variable reference written ${{ vars.NAME }} (NAME: letters, digits and '_'); "
             "write $${{ for a literal '${{'")


@pytest.mark.parametrize(("text", "value", "used"), [
    ("${{ vars.model }}", "gpt-4o", ("model",)),
    ("${{vars.max_results}}", 20, ("max_results",)),  # a whole-value reference keeps the variable's type
    ("${{ \tvars.temperature  }}", 0.5, ("temperature",)),
    ("${{ vars.strict }}", True, ("strict",)),
    ("top ${{ vars.max_results }}", "top 20", ("max_results",)),  # inside text: as JSON writes it
    ("${{ vars.strict }}!", "true!", ("strict",)),
    ("t=${{ vars.temperature }}, s=${{ vars.strict }}", "t=0.5, s=true", ("temperature", "strict")),
    ("${{ vars.model }}-${{ vars.model }}", "gpt-4o-gpt-4o", ("model",)),
    (" ${{ vars.max_results }}", " 20", ("max_results",)),  # a space outside the braces makes it text
    ("$${{ vars.model }}", "${{ vars.model }}", ()),  # the escape: a literal ${{
    ("a $${{ b }} c", "a ${{ b }} c", ()),
    ("$$${{ x }}", "$${{ x }}", ()),  # `$${{` is read first, left to right
    ("costs $5 and {{ braces }} and ${ x }", "costs $5 and {{ braces }} and ${ x }", ()),
    ("no reference", "no reference", ()),
])
def test_a_reference_is_replaced_typed_as_a_whole_value_and_as_text_inside_one(
        text: str, value: object, used: tuple[str, ...]) -> None:
    expanded = expand(text, LOOKUP)
    assert (expanded.value, expanded.used, expanded.problems) == (value, used, ())
    assert type(expanded.value) is type(value)


@pytest.mark.parametrize(("text", "problems"), [
    ("${{ vars.modle }}", [(0, "unknown variable 'modle' in environment 'prod' (did you mean 'model'? defined: "
                               "handbook_store, max_results, model, strict, temperature)")]),
    ("x ${{ vars.zzz }}", [(2, "unknown variable 'zzz' in environment 'prod' (defined: handbook_store, "
                               "max_results, model, strict, temperature)")]),
    ("${{ vars.model }", [(0, MALFORMED)]),
    ("${{ secrets.TOKEN }}", [(0, MALFORMED)]),
    ("${{ vars. model }}", [(0, MALFORMED)]),
    ("${{ vars.9lives }}", [(0, MALFORMED)]),
    ("${{ vars.model.x }}", [(0, MALFORMED)]),
    ("${{\nvars.model }}", [(0, MALFORMED)]),  # only spaces and tabs inside the braces
    ("ok ${{ vars.model }} then ${{ bad", [(26, MALFORMED)]),
])
def test_an_unknown_or_malformed_reference_is_a_problem_at_its_offset(
        text: str, problems: list[tuple[int, str]]) -> None:
    expanded = expand(text, LOOKUP)
    assert list(expanded.problems) == problems
    assert expanded.value == text.replace("${{ vars.model }}", "gpt-4o")  # what could not be replaced stays


def test_an_environment_without_variables_says_none_are_defined() -> None:
    assert environment_lookup(Environment("dev"))("model") == Refusal(
        "unknown variable 'model' in environment 'dev' (defined: none)")


def test_only_string_values_are_substituted_never_keys_or_other_scalars() -> None:
    data = {"${{ vars.model }}": "${{ vars.model }}", "n": 3, "b": False, "z": None,
            "list": ["${{ vars.max_results }}", 1.5, {"deep": "at ${{ vars.strict }}"}]}
    substituted = substitute(data, LOOKUP)
    assert substituted.data == {"${{ vars.model }}": "gpt-4o", "n": 3, "b": False, "z": None,
                                "list": [20, 1.5, {"deep": "at true"}]}
    assert substituted.uses == {("${{ vars.model }}",): ("model",), ("list", 0): ("max_results",),
                                ("list", 2, "deep"): ("strict",)}
    assert substituted.problems == ()


def test_substitution_reports_each_problem_at_its_value_path() -> None:
    substituted = substitute({"a": ["${{ vars.nope }}"], "b": "${{ x"}, LOOKUP)
    assert [path for path, _ in substituted.problems] == [("a", 0), ("b",)]


@pytest.mark.parametrize(("base", "override", "merged", "leaves"), [
    ({"temperature": 1, "model": "m"}, {"temperature": 0.1}, {"temperature": 0.1, "model": "m"},
     [("temperature",)]),
    ({"metadata": {"team": "hr", "env": "dev"}}, {"metadata": {"env": "prod", "owner": "ana"}},
     {"metadata": {"team": "hr", "env": "prod", "owner": "ana"}}, [("metadata", "env"), ("metadata", "owner")]),
    ({"tools": [{"type": "file_search"}, {"type": "code_interpreter"}]}, {"tools": [{"type": "file_search"}]},
     {"tools": [{"type": "file_search"}]}, [("tools",)]),  # a list is replaced, never merged item by item
    ({"response_format": "auto"}, {"response_format": {"type": "json_object"}},
     {"response_format": {"type": "json_object"}}, [("response_format",)]),  # a scalar replaced by a mapping
    ({"response_format": {"type": "json_object"}}, {"response_format": "auto"}, {"response_format": "auto"},
     [("response_format",)]),
    ({"model": "m"}, {"top_p": 0.5}, {"model": "m", "top_p": 0.5}, [("top_p",)]),  # added after the file's keys
    ({"definition": {"kind": "prompt", "model": "m", "temperature": 1}}, {"definition": {"temperature": 0.2}},
     {"definition": {"kind": "prompt", "model": "m", "temperature": 0.2}}, [("definition", "temperature")]),
])
def test_an_override_merges_mappings_key_by_key_and_replaces_lists_and_scalars(
        base: dict[str, object], override: dict[str, object], merged: dict[str, object],
        leaves: list[tuple[str, ...]]) -> None:
    before = repr(base)
    assert merge(base, override) == (merged, leaves)
    assert list(merge(base, override)[0]) == list(merged)
    assert repr(base) == before  # the file's data is left as it was


# Through load_desired: where each mistake is located.

def problems_in(environment: Environment) -> list[str]:
    with pytest.raises(ValidationFailed) as failed:
        load_desired([Path("assistants")], environment=environment)
    return [str(problem) for problem in failed.value.problems]


OVERRIDES = Environment("prod", {"model": "gpt-4o"},
                        overrides={"hr-helper": {"temperature": 3, "metadata": {"env": 7}}, "hr-helpr": {"top_p": 1},
                                   "bot": {"key": "other", "kind": "agent", "top_p": "${{ vars.model }}"}},
                        location=Location("assistantsync.yaml", 2, 3),
                        override_locations={"hr-helper": Location("assistantsync.yaml", 5, 7),
                                            "hr-helpr": Location("assistantsync.yaml", 6, 7),
                                            "bot": Location("assistantsync.yaml", 7, 7)})


@pytest.mark.parametrize(("files", "environment", "expected"), [
    ({"hr.yaml": 'name: hr\nmodel: "${{ vars.modle }}"\n'}, PROD,
     ["assistants/hr.yaml:2:1: model: unknown variable 'modle' in environment 'prod' (did you mean 'model'? "
      "defined: handbook_store, max_results, model, strict, temperature)"]),
    ({"hr.yaml": "model: gpt-4o\ndescription: 'see ${{ env.X }}'\n"}, PROD,
     [f"assistants/hr.yaml:2:1: description: {MALFORMED}"]),
    # A substituted value is checked by the schema as if written there, and named with its variable.
    ({"hr.yaml": "model: gpt-4o\nmetadata:\n  max: ${{ vars.max_results }}\n"}, PROD,
     ["assistants/hr.yaml:3:3: metadata.max: must be a string, not an integer (from vars.max_results of "
      "environment 'prod')"]),
    ({"agent.yaml": "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n"
                    "  temperature: ${{ vars.strict }}\n"}, PROD,
     ["assistants/agent.yaml:6:3: definition.temperature: must be a number or null, not a boolean (from vars.strict of "
      "environment 'prod')"]),
    # Overrides: a merged value's problem at the override, an unknown key and identity fields at theirs.
    ({"hr-helper.yaml": "model: gpt-4o\nmetadata: {team: hr}\n",
      "bot.yaml": "key: bot\nmodel: gpt-4o\n"}, OVERRIDES,
     ["assistantsync.yaml:5:7: metadata.env: must be a string, not an integer",
      "assistantsync.yaml:5:7: temperature: must be at most 2",
      "assistantsync.yaml:6:7: environments.prod.overrides.hr-helpr: no assistant or agent has the key "
      "'hr-helpr' (did you mean 'hr-helper'?)",
      "assistantsync.yaml:7:7: environments.prod.overrides.bot.key: an override cannot change `key`: it names "
      "the document the override applies to",
      "assistantsync.yaml:7:7: environments.prod.overrides.bot.kind: an override cannot change `kind`: it names "
      "the document the override applies to",
      "assistantsync.yaml:7:7: environments.prod.overrides.bot.top_p: variables are not substituted in "
      "overrides (vars.model): write the value itself",
      "assistantsync.yaml:7:7: top_p: must be a number or null, not a string"]),  # merged as written
])
def test_each_mistake_is_located_where_it_is_written(in_tmp: Path, files: dict[str, str],
                                                     environment: Environment, expected: list[str]) -> None:
    for name, text in files.items():
        write(in_tmp / "assistants" / name, text)
    assert problems_in(environment) == expected


def test_an_agent_override_is_found_by_its_name_and_may_not_rename_it(in_tmp: Path) -> None:
    write(in_tmp / "assistants/agent.yaml",
          "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n  temperature: 1\n")
    environment = Environment("prod", overrides={"bot": {"name": "other", "definition": {"temperature": 0.2}}},
                              override_locations={"bot": Location("assistantsync.yaml", 3, 7)})
    assert problems_in(environment) == [
        "assistantsync.yaml:3:7: environments.prod.overrides.bot.name: an override cannot change `name`: it names "
        "the document the override applies to"]
    write(in_tmp / "assistants/agent.yaml",
          "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n  temperature: 1\n")
    [agent] = load_desired([Path("assistants")], environment=Environment(
        "prod", overrides={"bot": {"definition": {"temperature": 0.2}}}))
    assert agent.fields == {"name": "bot", "definition.model": "m", "definition.temperature": 0.2}


def test_unused_variables_are_warnings_at_the_variable(in_tmp: Path) -> None:
    write(in_tmp / "assistants/hr.yaml", 'model: "${{ vars.model }}"\nname: "HR (${{ vars.strict }})"\n')
    desired = load_desired([Path("assistants")], environment=PROD)
    assert [resource.var_fields for resource in desired] == [{"model": ("model",), "name": ("strict",)}]
    assert [str(warning) for warning in unused_variables(PROD, desired)] == [
        "assistantsync.yaml:5:7: environments.prod.vars.max_results: variable 'max_results' of environment 'prod' "
        "is used by no file",
        "assistantsync.yaml:6:7: environments.prod.vars.temperature: variable 'temperature' of environment 'prod' "
        "is used by no file",
        "assistantsync.yaml:8:7: environments.prod.vars.handbook_store: variable 'handbook_store' of environment "
        "'prod' is used by no file"]


def test_without_an_environment_references_and_escapes_are_plain_text(in_tmp: Path) -> None:
    write(in_tmp / "assistants/hr.yaml", 'model: "${{ vars.modle }}"\nname: "$${{ x"\n')
    [assistant] = load_desired([Path("assistants")])
    assert assistant.fields == {"model": "${{ vars.modle }}", "name": "$${{ x"}
    assert assistant.var_fields == {}


def test_a_secret_in_a_variable_is_caught_without_printing_it(in_tmp: Path) -> None:
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    write(in_tmp / "assistants/hr.yaml",
          "model: gpt-4o\ndescription: ${{ vars.token }}  # assistantsync: allow-secret\n")
    found = problems_in(Environment("prod", {"token": secret}))
    assert found == ["assistants/hr.yaml:2:1: description: policy: looks like a GitHub personal access token; "
                     "secrets must not be sent in a hosted prompt (move it to a secret store, or allow this line: "
                     "see README) (from vars.token of environment 'prod')"]
    assert secret not in "\n".join(found)
