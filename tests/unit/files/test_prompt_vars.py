"""Prompt files and variables: substituted only when `instructions_file: {path: ..., vars: true}` opts in."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import ValidationFailed
from assistantsync.files.desired import load_desired
from assistantsync.project.values import Environment

PROD = Environment("prod", {"company": "Acme", "max_results": 20, "strict": True})
PROMPT = "You work for ${{ vars.company }}.\nShow ${{ vars.max_results }} results (strict: ${{vars.strict}}).\n"
ASSISTANT = "model: gpt-4o\ninstructions_file: %s\n"
AGENT = "kind: agent\nname: bot\ndefinition:\n  kind: prompt\n  model: m\n  instructions_file: %s\n"


def instructions(in_tmp: Path, document: str, prompt: str, environment: Environment | None) -> object:
    write(in_tmp / "assistants/a.yaml", document)
    write(in_tmp / "assistants/prompts/a.md", prompt)
    [resource] = load_desired([Path("assistants")], environment=environment)
    return resource.fields.get("instructions", resource.fields.get("definition.instructions"))


SUBSTITUTED = "You work for Acme.\nShow 20 results (strict: true).\n"


@pytest.mark.parametrize(("document", "environment", "expected"), [
    (ASSISTANT % "{path: prompts/a.md, vars: true}", PROD, SUBSTITUTED),
    (AGENT % "{path: prompts/a.md, vars: true}", PROD, SUBSTITUTED),
    (ASSISTANT % "prompts/a.md", PROD, PROMPT),  # the plain form is sent as written
    (AGENT % "prompts/a.md", PROD, PROMPT),
    (ASSISTANT % "{path: prompts/a.md}", PROD, PROMPT),
    (ASSISTANT % "{path: prompts/a.md, vars: false}", PROD, PROMPT),
    (ASSISTANT % "{path: prompts/a.md, vars: true}", None, PROMPT),  # no environment: nothing is substituted
])
def test_only_a_prompt_that_opts_in_is_substituted(in_tmp: Path, document: str, environment: Environment | None,
                                                   expected: str) -> None:
    assert instructions(in_tmp, document, PROMPT, environment) == expected


def test_a_prompt_that_did_not_opt_in_may_hold_anything(in_tmp: Path) -> None:
    prompt = "Write GitHub workflows: ${{ secrets.TOKEN }}, ${{ vars.nope }}, $${{ x }}.\n"
    assert instructions(in_tmp, ASSISTANT % "prompts/a.md", prompt, PROD) == prompt


def test_an_opted_in_prompt_escapes_a_literal_reference(in_tmp: Path) -> None:
    prompt = "In workflows write $${{ secrets.TOKEN }} for ${{ vars.company }}.\n"
    assert instructions(in_tmp, ASSISTANT % "{path: prompts/a.md, vars: true}", prompt, PROD) == \
        "In workflows write ${{ secrets.TOKEN }} for Acme.\n"


def problems(in_tmp: Path, document: str, prompt: str, environment: Environment | None = PROD) -> list[str]:
    write(in_tmp / "assistants/a.yaml", document)
    write(in_tmp / "assistants/prompts/a.md", prompt)
    with pytest.raises(ValidationFailed) as failed:
        load_desired([Path("assistants")], environment=environment)
    return [str(problem) for problem in failed.value.problems]


@pytest.mark.parametrize(("document", "expected"), [
    (ASSISTANT % "{path: prompts/a.md, vars: true}",
     ["assistants/prompts/a.md:2:4: instructions: unknown variable 'compny' in environment 'prod' (did you mean "
      "'company'? defined: company, max_results, strict)",
      "assistants/prompts/a.md:3:4: instructions: '${{' must open a variable reference written ${{ vars.NAME }} "
      "(NAME: letters, digits and '_'); write $${{ for a literal '${{'"]),
    (AGENT % "{path: prompts/a.md, vars: true}",
     ["assistants/prompts/a.md:2:4: definition.instructions: unknown variable 'compny' in environment 'prod' (did "
      "you mean 'company'? defined: company, max_results, strict)",
      "assistants/prompts/a.md:3:4: definition.instructions: '${{' must open a variable reference written "
      "${{ vars.NAME }} (NAME: letters, digits and '_'); write $${{ for a literal '${{'"]),
])
def test_a_mistake_in_an_opted_in_prompt_is_located_in_the_prompt_file(in_tmp: Path, document: str,
                                                                       expected: list[str]) -> None:
    assert problems(in_tmp, document, "Hello.\nAt ${{ vars.compny }}.\nOK ${{ env.X }}\n") == expected


@pytest.mark.parametrize(("reference", "expected"), [
    ("{path: prompts/a.md, vars: true, var: 1}",
     "assistants/a.yaml:2:53: instructions_file.var: unknown field 'var' (did you mean 'vars'? allowed: path, "
     "vars)"),
    ("{path: prompts/a.md, vars: 'yes'}", "assistants/a.yaml:2:41: instructions_file.vars: must be a boolean, "
                                          "not a string"),
    ("{vars: true}", "assistants/a.yaml:2:1: instructions_file: required field 'path' is missing"),
    ("{path: '', vars: true}", "assistants/a.yaml:2:21: instructions_file.path: must not be empty"),
    ("7", "assistants/a.yaml:2:1: instructions_file: must be a string or a mapping, not an integer"),
])
def test_a_malformed_prompt_reference_is_refused_where_it_is_written(in_tmp: Path, reference: str,
                                                                     expected: str) -> None:
    assert problems(in_tmp, ASSISTANT % reference, "Hello.\n", None) == [expected]


def test_an_opted_in_prompt_is_scanned_for_secrets_with_or_without_an_environment(in_tmp: Path) -> None:
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    message = ("instructions: policy: looks like a GitHub personal access token; secrets must not be sent in a "
               "hosted prompt (move it to a secret store, or allow this line: see README)")
    document = ASSISTANT % "{path: prompts/a.md, vars: true}"
    assert problems(in_tmp, document, f"Key: {secret}\n", None) == [f"assistants/prompts/a.md:1:6: {message}"]
    assert problems(in_tmp, document, "Key: ${{ vars.token }}\n", Environment("prod", {"token": secret})) == [
        f"assistants/prompts/a.md:1:6: {message} (from vars.token of environment 'prod')"]
