"""Loading a project file: its values, and every class of mistake located as in assistant files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.tree import write

from assistantsync.errors import Location, ValidationFailed
from assistantsync.project.loading import load_project
from assistantsync.project.values import Environment, Policy, Project, SecretAllowance

COMPLETE = """\
environments:
  dev:
    vars: {model: gpt-4o-mini, store: vs_dev}
  prod:
    vars:
      model: gpt-4o
      top_k: 20
      ratio: 0.5
      strict: true
    overrides:
      hr-helper: {temperature: 0.1, metadata: {tier: gold}}
    policy: {forbidden_tools: [function], schema: policy/prod.json}
    provider: azure-foundry
    base_url: https://prod.example.com/api
    api_key_env: PROD_FOUNDRY_TOKEN
policy:
  allowed_models: ["gpt-4o*"]
  required_metadata: [owner]
  forbidden_tools: [code_interpreter]
  schema: policy/all.json
  allow_secrets: [{file: prompts/a.md, line: 3}]
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # problems name the file as the user named it
    write(tmp_path / "policy/all.json", "{}")
    write(tmp_path / "policy/prod.json", "{}")
    return tmp_path


def problems(text: str | bytes, name: str = "assistantsync.yaml") -> list[str]:
    write(Path(name), text)
    with pytest.raises(ValidationFailed) as failed:
        load_project(Path(name))
    return [str(problem) for problem in failed.value.problems]


def test_a_complete_file_becomes_its_values(repo: Path) -> None:
    write(repo / "assistantsync.yaml", COMPLETE)
    real = Path(os.path.realpath(repo))
    project = load_project(Path("assistantsync.yaml"))
    at = "assistantsync.yaml"
    assert project.environments["dev"] == Environment(
        "dev", {"model": "gpt-4o-mini", "store": "vs_dev"}, location=Location(at, 2, 3),
        var_locations={"model": Location(at, 3, 12), "store": Location(at, 3, 32)})
    assert project.environments["prod"] == Environment(
        "prod", {"model": "gpt-4o", "top_k": 20, "ratio": 0.5, "strict": True},
        {"hr-helper": {"temperature": 0.1, "metadata": {"tier": "gold"}}},
        Policy(forbidden_tools=("function",), schema=(real / "policy/prod.json",)),
        "azure-foundry", "https://prod.example.com/api", "PROD_FOUNDRY_TOKEN", Location(at, 4, 3),
        {"model": Location(at, 6, 7), "top_k": Location(at, 7, 7), "ratio": Location(at, 8, 7),
         "strict": Location(at, 9, 7)},
        {"hr-helper": Location(at, 11, 7)})
    assert project == Project(Path(at), project.environments, Policy(
        ("gpt-4o*",), ("owner",), ("code_interpreter",), (real / "policy/all.json",),
        (SecretAllowance("prompts/a.md", 3),)), project.positions)
    assert project.positions[("environments", "prod", "overrides", "hr-helper", "metadata", "tier")] == \
        Location(at, 11, 48)


@pytest.mark.parametrize(("text", "expected"), [
    ("policy: {}\n", Project(Path("assistantsync.yaml"))),
    ("environments: {}\n", Project(Path("assistantsync.yaml"))),
    ("environments: {ci: {}}\n", Project(Path("assistantsync.yaml"), {
        "ci": Environment("ci", location=Location("assistantsync.yaml", 1, 16))})),
], ids=["policy-only", "no-environments", "empty-environment"])
def test_minimal_files(repo: Path, text: str, expected: Project) -> None:
    write(repo / "assistantsync.yaml", text)
    project = load_project(Path("assistantsync.yaml"))
    assert (project.path, project.environments, project.policy) == \
        (expected.path, expected.environments, expected.policy)


P = "assistantsync.yaml"
UNKNOWN_ENV_FIELD = ("unknown field 'provder' (did you mean 'provider'? allowed: api_key_env, base_url, overrides, "
                     "policy, provider, vars)")
ENV_NAME = ("key must be an environment name: 1-32 characters, a lowercase letter then lowercase letters, digits, "
            "'_' or '-'")
VAR_NAME = "key must be a variable name: 1-64 letters, digits or '_', not starting with a digit"
LIST_VAR = ("must be a string, a number or a boolean, not a list; a variable holds one value: lists and mappings "
            "belong in the assistant file, or in `overrides` when they differ per environment")
ENV_VAR = ("must be the NAME of an environment variable (uppercase letters, digits and '_', not starting with a "
           "digit), never the credential itself")


@pytest.mark.parametrize(("text", "expected"), [
    ("polcy: {}\n",
     [f"{P}:1:1: polcy: unknown field 'polcy' (did you mean 'policy'? allowed: environments, policy)"]),
    ("environments:\n  dev:\n    varz: {a: 1}\n",
     [f"{P}:3:5: environments.dev.varz: unknown field 'varz' (did you mean 'vars'? allowed: api_key_env, base_url, "
      "overrides, policy, provider, vars)"]),
    ("policy:\n  allowed_model: [x]\n",
     [f"{P}:2:3: policy.allowed_model: unknown field 'allowed_model' (did you mean 'allowed_models'? allowed: "
      "allow_secrets, allowed_models, forbidden_tools, required_metadata, schema)"]),
    ("environments: [dev, prod]\n", [f"{P}:1:1: environments: must be a mapping, not a list"]),
    ("policy:\n  required_metadata: owner\n", [f"{P}:2:3: policy.required_metadata: must be a list, not a string"]),
    ("environments:\n  dev:\n    vars: {n: 1}\n    overrides: {hr: 3}\n",
     [f"{P}:4:17: environments.dev.overrides.hr: must be a mapping, not an integer"]),
    ("environments:\n  Prod: {}\n  my env: {}\n", [f"{P}:2:3: environments.Prod: {ENV_NAME}",
                                                  f"{P}:3:3: environments.my env: {ENV_NAME}"]),
    ("environments:\n  " + "a" * 33 + ": {}\n", [f"{P}:2:3: environments.{'a' * 33}: {ENV_NAME}"]),
    ("environments:\n  dev:\n    vars:\n      2nd: x\n      a-b: y\n",
     [f"{P}:4:7: environments.dev.vars.2nd: {VAR_NAME}", f"{P}:5:7: environments.dev.vars.a-b: {VAR_NAME}"]),
    ("environments:\n  dev:\n    vars:\n      models: [a, b]\n",
     [f"{P}:4:7: environments.dev.vars.models: {LIST_VAR}"]),
    ("environments:\n  dev:\n    vars: {m: {a: 1}, n: null}\n",
     [f"{P}:3:12: environments.dev.vars.m: must be a string, a number or a boolean, not a mapping; a variable "
      "holds one value: lists and mappings belong in the assistant file, or in `overrides` when they differ per "
      "environment",
      f"{P}:3:23: environments.dev.vars.n: must be a string, a number or a boolean, not null"]),
    ("environments:\n  dev:\n    api_key_env: sk-proj-abc123\n",
     [f"{P}:3:5: environments.dev.api_key_env: {ENV_VAR}"]),
    ("environments:\n  dev:\n    api_key_env: ghp_abcdefghij0123456789\n",
     [f"{P}:3:5: environments.dev.api_key_env: {ENV_VAR}"]),
    ("environments:\n  dev:\n    provider: openia\n    base_url: example.com\n",
     [f"{P}:3:5: environments.dev.provider: must be one of: openai, portkey, azure-openai, azure-foundry, sandbox",
      f"{P}:4:5: environments.dev.base_url: must be an http:// or https:// URL without spaces"]),
    ("policy:\n  forbidden_tools: [Code Interpreter]\n  allow_secrets: [{file: a.md}, {file: b, line: 0}]\n",
     [f"{P}:2:21: policy.forbidden_tools[0]: must be a tool type such as code_interpreter, file_search or function",
      f"{P}:3:19: policy.allow_secrets[0]: required field 'line' is missing",
      f"{P}:3:43: policy.allow_secrets[1].line: must be at least 1"]),
    ("policy: {schema: ../outside.json}\n",
     [f"{P}:1:10: policy.schema: '../outside.json' leads outside the project file's folder: the policy schema must "
      "stay inside it"]),
    ("policy: {schema: /etc/passwd}\n",
     [f"{P}:1:10: policy.schema: '/etc/passwd' is an absolute path; write it relative to the project file"]),
    ("policy: {schema: .git/config}\n",
     [f"{P}:1:10: policy.schema: '.git/config' leads into the hidden '.git': the policy schema may not be hidden or "
      "in a hidden folder"]),
    ("policy: {schema: policy/missing.json}\n", [f"{P}:1:10: policy.schema: 'policy/missing.json' does not exist"]),
    ("policy: {schema: policy}\n", [f"{P}:1:10: policy.schema: 'policy' is not a file"]),
    ("environments:\n  dev: {provder: x, policy: {schema: ../x.json}}\n",  # both kinds of problem at once
     [f"{P}:2:9: environments.dev.provder: {UNKNOWN_ENV_FIELD}",
      f"{P}:2:30: environments.dev.policy.schema: '../x.json' leads outside the project file's folder: the policy "
      "schema must stay inside it"]),
    ("policy: {}\n---\npolicy: {}\n", [f"{P}:2:1: a project file holds one YAML document"]),
    ("policy: {}\npolicy: {}\n",
     [f"{P}:2:1: policy: duplicate key 'policy' (first at line 1): YAML would silently keep only the last one"]),
    ("# only a comment\n", [f"{P}:1:1: no YAML document: the file is empty or only comments"]),
    (b"policy: {}\n\xff\n", [f"{P}:2:1: the project file is not UTF-8 text (byte 0xff)"]),
], ids=["unknown-top", "unknown-env-key", "unknown-policy-key", "wrong-type", "wrong-type-list", "override-type",
        "env-name", "env-name-long", "var-name", "list-var", "map-and-null-var", "api-key-value",
        "api-key-token", "provider-url", "policy-items", "schema-escapes", "schema-absolute", "schema-hidden",
        "schema-missing", "schema-folder", "all-at-once", "two-documents", "duplicate-key", "empty", "not-utf8"])
def test_each_mistake_is_located(repo: Path, text: str | bytes, expected: list[str]) -> None:
    assert problems(text) == expected


def test_a_missing_file_is_located_at_its_name(repo: Path) -> None:
    with pytest.raises(ValidationFailed) as failed:
        load_project(Path("gone.yaml"))
    assert [str(problem) for problem in failed.value.problems] == ["gone.yaml:1:1: the project file does not exist"]


def test_a_schema_symlinked_out_of_the_folder_is_refused(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = write(tmp_path_factory.mktemp("elsewhere") / "s.json", "{}")
    (repo / "policy/link.json").symlink_to(outside)
    assert problems("policy: {schema: policy/link.json}\n") == [
        f"{P}:1:10: policy.schema: 'policy/link.json' leads outside the project file's folder: the policy schema "
        "must stay inside it"]


def test_the_schema_is_found_beside_a_project_file_in_another_folder(repo: Path) -> None:
    write(repo / "config/policy.json", "{}")
    write(repo / "config/project.yaml", "policy: {schema: policy.json}\n")
    project = load_project(Path("config/project.yaml"))
    assert project.policy.schema == (Path(os.path.realpath(repo)) / "config/policy.json",)
