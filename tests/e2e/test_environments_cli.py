"""`--project` and `--env` end to end against the served sandbox: one set of files applied to two environments
on one account, environments refused or checked each, policy stopping runs before any request, and each
environment's credentials variable (`api_key_env`) read instead of OPENAI_API_KEY."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import STEERING
from helpers.leakcheck import assert_no_secrets
from helpers.sandbox_server import ServedSandbox
from helpers.tree import write

from assistantsync.cli.main import cli
from assistantsync.plan.reserved import IDENTITY_KEY

KEY = "sk-test-ENVKEY-e2e-5d1f"

HR = """\
name: HR helper (${{ vars.env }})
model: "${{ vars.model }}"
instructions: Answer questions about leave and benefits.
metadata: {owner: hr, env: "${{ vars.env }}"}
temperature: 1
"""
FAQ = """\
name: FAQ
model: "${{ vars.model }}"
instructions: Answer frequent questions.
metadata: {owner: support}
"""


def project(base_url: str, *, prod_model: str = "gpt-4o", policy: str = "") -> str:
    return f"""\
environments:
  dev:
    vars: {{model: gpt-4o-mini, env: dev}}
    provider: openai
    base_url: {base_url}
    api_key_env: DEV_KEY
  prod:
    vars: {{model: {prod_model}, env: prod}}
    overrides:
      hr: {{temperature: 0.1}}
    provider: openai
    base_url: {base_url}
    api_key_env: PROD_KEY
{policy}"""


@pytest.fixture
def sandbox(sandbox_server: ServedSandbox) -> ServedSandbox:
    """The session's sandbox, reset, demanding KEY: no server of its own to start."""
    sandbox_server.set_auth("openai", KEY)
    return sandbox_server


@pytest.fixture
def root(tmp_path: Path, sandbox: ServedSandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in (*STEERING, "OPENAI_API_KEY", "ASSISTANTSYNC_PROJECT", "ASSISTANTSYNC_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEV_KEY", KEY)
    monkeypatch.setenv("PROD_KEY", KEY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "assistants" / "hr.yaml", HR)
    write(tmp_path / "assistants" / "faq.yaml", FAQ)
    write(tmp_path / "assistantsync.yaml", project(sandbox.base_url))
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert_no_secrets(result.stdout + result.stderr, env={"OPENAI_API_KEY": KEY})
    return result.exit_code, result.stdout, result.stderr


def test_two_environments_on_one_account_are_two_clean_sets(root: Path, sandbox: ServedSandbox) -> None:
    assert run("apply", "--env", "dev", "--auto-approve")[0] == 0
    assert run("apply", "--env", "prod", "--auto-approve")[0] == 0
    stored = [item["assistant"] for item in sandbox.state()["assistants"]]
    assert sorted((a["name"], a["model"], a.get("temperature")) for a in stored) == [
        ("FAQ", "gpt-4o", 1.0), ("FAQ", "gpt-4o-mini", 1.0),
        ("HR helper (dev)", "gpt-4o-mini", 1), ("HR helper (prod)", "gpt-4o", 0.1)]
    assert len({a["metadata"][IDENTITY_KEY] for a in stored}) == 4
    for name in ("dev", "prod"):
        code, out, _ = run("plan", "--env", name, "--detailed-exitcode")
        assert code == 0, out
    code, out, _ = run("plan", "--env", "prod", "--format", "json")
    assert (code, json.loads(out)["environment"]) == (0, "prod")


def test_plan_without_env_is_refused_listing_the_names(root: Path, sandbox: ServedSandbox) -> None:
    before = sandbox.stats()["total"]
    for command in (["plan"], ["apply", "--auto-approve"], ["import", "--all", "--out", "imported"]):
        code, _, err = run(*command)
        assert (code, err) == (1, "Error: the project file assistantsync.yaml defines dev and prod: choose one "
                                  "with --env NAME (or ASSISTANTSYNC_ENV); nothing was sent\n")
    code, _, err = run("plan", "--env", "staging")
    assert (code, err) == (1, "Error: unknown environment 'staging': the project file assistantsync.yaml "
                              "defines dev and prod\n")
    assert sandbox.stats()["total"] == before


def test_env_without_a_project_file_is_refused(root: Path) -> None:
    (root / "assistantsync.yaml").unlink()
    code, _, err = run("validate", "--env", "dev")
    assert (code, err) == (1, "Error: --env dev (or ASSISTANTSYNC_ENV) needs a project file that defines it, and "
                              "there is none: no assistantsync.yaml here, no --project, no ASSISTANTSYNC_PROJECT\n")


def test_validate_checks_every_environment(root: Path, sandbox: ServedSandbox) -> None:
    assert run("validate") == (0, "2 assistants valid in environments dev and prod\n", "")
    write(root / "assistantsync.yaml", project(sandbox.base_url).replace(
        "prod:\n    vars: {model: gpt-4o, env: prod}", "prod:\n    vars: {model: gpt-4o}"))
    code, out, err = run("validate")
    assert code == 1
    assert err == ("assistants/hr.yaml:1:1: name: unknown variable 'env' in environment 'prod' (defined: model) "
                   "(environment prod)\n"
                   "assistants/hr.yaml:4:23: metadata.env: unknown variable 'env' in environment 'prod' "
                   "(defined: model) (environment prod)\n"
                   "2 problems found\n")
    assert run("validate", "--env", "dev")[0] == 0
    code, out, _ = run("validate", "--format", "json")
    assert code == 1
    assert [(entry["environment"], entry["field"]) for entry in json.loads(out)] == [
        ("prod", "name"), ("prod", "metadata.env")]


POLICY = """\
policy:
  allowed_models: ["gpt-4o*"]
  required_metadata: [owner, cost_center]
"""


def test_policy_violations_stop_validate_and_plan_before_any_request(root: Path, sandbox: ServedSandbox) -> None:
    write(root / "assistantsync.yaml", project(sandbox.base_url, prod_model="gpt-3.5-turbo", policy=POLICY))
    before = sandbox.stats()["total"]
    code, _, err = run("plan", "--env", "prod")
    assert (code, err) == (1, "assistants/faq.yaml:2:1: model: policy: 'gpt-3.5-turbo' is not an allowed model "
                              "(allowed: gpt-4o*) (from vars.model of environment 'prod')\n"
                              "assistants/faq.yaml:4:1: metadata: policy: the required key 'cost_center' is missing\n"
                              "assistants/hr.yaml:2:1: model: policy: 'gpt-3.5-turbo' is not an allowed model "
                              "(allowed: gpt-4o*) (from vars.model of environment 'prod')\n"
                              "assistants/hr.yaml:4:1: metadata: policy: the required key 'cost_center' is missing\n"
                              "4 problems found\n")
    code, _, err = run("validate")
    assert (code, err.splitlines()[:2]) == (1, [
        "assistants/faq.yaml:2:1: model: policy: 'gpt-3.5-turbo' is not an allowed model (allowed: gpt-4o*) "
        "(from vars.model of environment 'prod') (environment prod)",
        "assistants/faq.yaml:4:1: metadata: policy: the required key 'cost_center' is missing "
        "(environments dev and prod)"])
    code, out, _ = run("plan", "--env", "dev", "--format", "markdown")
    assert code == 1
    assert out.startswith("<!-- assistantsync-plan -->\n### assistantsync plan · dev: failed: 2 errors\n\n"
                          "**❌ The files break the project's policy; nothing was planned.**\n\n"
                          "- `assistants/faq.yaml:4:1: metadata: policy: the required key 'cost_center' is missing`\n")
    assert sandbox.stats()["total"] == before


def test_plan_markdown_shows_the_policy_section(root: Path, sandbox: ServedSandbox) -> None:
    write(root / "assistantsync.yaml", project(sandbox.base_url, policy="policy: {allowed_models: ['gpt-4o*']}\n"))
    code, out, _ = run("plan", "--env", "dev", "--format", "markdown")
    assert code == 0
    assert "assistantsync plan · dev" in out
    assert out.endswith("#### Policy\n\n1 rule checked on 2 assistants (environment `dev`): ✅ all passed\n\n"
                        "- allowed models: `gpt-4o*`\n")


def test_api_key_env_names_the_credential_read(root: Path, sandbox: ServedSandbox,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.delenv("DEV_KEY")
    code, _, err = run("plan", "--env", "dev")
    assert code == 1
    assert "DEV_KEY" in err and "OPENAI_API_KEY" not in err
    monkeypatch.setenv("DEV_KEY", "sk-test-wrong-key-0000")
    code, _, err = run("plan", "--env", "dev")
    assert code == 1
    assert "check DEV_KEY" in err
    assert run("plan", "--env", "prod")[0] == 0


def test_apply_saved_plan_keeps_its_environment(root: Path) -> None:
    assert run("plan", "--env", "dev", "--out", "dev.json")[0] == 0
    code, _, err = run("apply", "--plan", "dev.json", "--env", "prod", "--auto-approve")
    assert (code, err) == (1, "Error: the saved plan was made in environment dev, and --env (or "
                              "ASSISTANTSYNC_ENV) names prod: apply it in the environment it was made in, or plan "
                              "again; nothing was applied\n")
    code, out, _ = run("apply", "--plan", "dev.json", "--auto-approve")
    assert code == 0, out
    assert run("plan", "--env", "dev", "--detailed-exitcode")[0] == 0
    assert run("plan", "--env", "prod", "--detailed-exitcode")[0] == 2


def test_a_broken_project_file_is_reported_in_the_format_asked_for(root: Path) -> None:
    write(root / "assistantsync.yaml", "environments:\n  prod:\n    provder: openai\n")
    message = ("unknown field 'provder' (did you mean 'provider'? allowed: api_key_env, base_url, overrides, "
               "policy, provider, vars)")
    code, out, _ = run("validate", "--format", "json")
    assert (code, json.loads(out)) == (1, [{"file": "assistantsync.yaml", "line": 3, "column": 5,
                                            "field": "environments.prod.provder", "message": message}])
    code, out, _ = run("validate", "--format", "github")
    assert (code, out) == (1, "::error file=assistantsync.yaml,line=3,col=5,title=assistantsync::"
                              f"environments.prod.provder: {message}\n")



def identities(sandbox: ServedSandbox) -> list[str]:
    return sorted(item["assistant"]["metadata"][IDENTITY_KEY] for item in sandbox.state()["assistants"])


def test_prune_in_one_environment_leaves_the_other_alone(root: Path, sandbox: ServedSandbox) -> None:
    assert run("apply", "--env", "dev", "--auto-approve")[0] == 0
    assert run("apply", "--env", "prod", "--auto-approve")[0] == 0
    (root / "assistants" / "faq.yaml").unlink()
    code, out, _ = run("apply", "--env", "dev", "--prune", "--auto-approve")
    assert code == 0, out
    assert "delete faq" in out
    assert identities(sandbox) == ["faq@prod", "hr@dev", "hr@prod"]
    code, out, _ = run("plan", "--env", "prod", "--prune", "--format", "json")
    plan = json.loads(out)
    assert (code, plan["environment"], plan["summary"]["delete"]) == (0, "prod", 1)
    assert [(c["key"], c["action"]) for c in plan["changes"] if c["action"] != "no-op"] == [("faq", "delete")]
    code, out, _ = run("plan", "--env", "dev", "--prune", "--detailed-exitcode")
    assert code == 0, out


TOOLS = """\
policy:
  forbidden_tools: [code_interpreter]
"""
SCHEMA = """\
policy:
  schema: policy/rules.json
"""
RULES = {"type": "object", "required": ["description"],
         "properties": {"description": {"type": "string", "minLength": 10}}}


@pytest.mark.parametrize(("policy", "extra", "expected"), [
    (TOOLS, "tools: [{type: code_interpreter}]\n",
     ["assistants/faq.yaml:5:9: tools[0]: policy: the tool type 'code_interpreter' is forbidden "
      "(forbidden: code_interpreter)"]),
    (SCHEMA, "description: short\n",
     ["assistants/faq.yaml:5:1: description: policy: policy/rules.json: 'short' is too short",
      "assistants/hr.yaml:1:1: <document>: policy: policy/rules.json: 'description' is a required property"]),
])
def test_each_rule_stops_validate_and_plan_before_any_request(root: Path, sandbox: ServedSandbox, policy: str,
                                                              extra: str, expected: list[str]) -> None:
    write(root / "assistantsync.yaml", project(sandbox.base_url, policy=policy))
    write(root / "policy" / "rules.json", json.dumps(RULES))
    faq = root / "assistants" / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + extra, encoding="utf-8")
    before = sandbox.stats()["total"]
    code, _, err = run("plan", "--env", "dev")
    assert (code, err.splitlines()) == (1, [*expected, f"{len(expected)} problems found"
                                            if len(expected) > 1 else "1 problem found"])
    code, _, err = run("validate", "--env", "prod")
    assert (code, err.splitlines()[:len(expected)]) == (1, [f"{line} (environment prod)" for line in expected])
    code, out, _ = run("validate", "--format", "json")
    found = json.loads(out)
    assert code == 1
    assert sorted({entry["environment"] for entry in found}) == ["dev", "prod"]
    assert sandbox.stats()["total"] == before
