"""`import --env` on an account two environments share, end to end on the embedded sandbox through the CLI: each
environment imports its own copies under their plain keys (never `hr` and `hr-2`), and those no environment
manages; another environment's are left out with one line counting them, or refused when named; the files plan
clean in that environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV, Result

from assistantsync.api.client import ResourceClient
from assistantsync.api.connect import build_client
from assistantsync.cli.main import cli
from assistantsync.plan.reserved import IDENTITY_KEY

PROJECT = """\
environments:
  dev:
    vars: {model: gpt-4o-mini, env: dev}
    provider: sandbox
  prod:
    vars: {model: gpt-4o, env: prod}
    provider: sandbox
    overrides:
      hr: {temperature: 0.1}
"""
FILES = {
    "hr.yaml": "key: hr\nname: HR (${{ vars.env }})\nmodel: ${{ vars.model }}\ninstructions: Answer.\n",
    "faq.yaml": "key: faq\nname: FAQ\nmodel: ${{ vars.model }}\n",
    "support.yaml": ("kind: agent\nname: support-${{ vars.env }}\ndefinition:\n  kind: prompt\n"
                     "  model: ${{ vars.model }}\n  instructions: Help.\n"),
}
LEGACY = "key: legacy\nname: Legacy\nmodel: gpt-4o\n"  # applied before environments: a plain key


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("assistantsync.yaml").write_text(PROJECT, encoding="utf-8")
    Path("before.yaml").write_text("{}\n", encoding="utf-8")  # a project file defining no environments
    for folder, files in (("assistants", FILES), ("old", {"legacy.yaml": LEGACY})):
        Path(folder).mkdir()
        for name, text in files.items():
            Path(folder, name).write_text(text, encoding="utf-8")
    state = tmp_path / "state.json"
    legacy = ("--project", "before.yaml", "--provider", "sandbox", "old")
    for args in (("--env", "dev", "assistants"), ("--env", "prod", "assistants"), legacy):
        assert run(state, "apply", "--auto-approve", *args).code == 0
    with client(state) as made:  # one no file manages
        made.create({"model": "gpt-4o", "name": "Unmanaged"})
    return state


def run(state: Path, command: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, [command, "--sandbox-state", str(state), *args], env=CLEAN_ENV,
                                catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def client(state: Path) -> ResourceClient:
    return build_client(provider="sandbox", base_url=None, api_version=None, headers=(), timeout=10, max_retries=0,
                        parallelism=1, sandbox_state=state, verbose=False, env={})


def claimed_ids(state: Path) -> dict[str, str]:
    """Each live assistant's identity value (its name when it has none) -> its id."""
    with client(state) as live:
        return {str((item.get("metadata") or {}).get(IDENTITY_KEY) or item["name"]): str(item["id"])
                for item in live.list_all()}


def yaml_files(folder: str) -> list[str]:
    return sorted(path.name for path in Path(folder).glob("*.yaml"))


@pytest.mark.parametrize("environment, other", [("dev", "prod"), ("prod", "dev")])
def test_each_environment_imports_its_own_copies_and_the_unclaimed(state: Path, environment: str,
                                                                    other: str) -> None:
    assistants = run(state, "import", "--env", environment, "--all", "--out", "out")
    assert assistants.code == 0
    assert assistants.err.startswith(f"Left out 2 assistants of other environments, not {environment}: {other} (2).\n")
    agents = run(state, "import", "--kind", "agent", "--env", environment, "--all", "--out", "out")
    assert agents.code == 0
    assert agents.err.startswith(f"Left out 1 agent of other environments, not {environment}: {other} (1).\n")
    mine = ["faq.yaml", "hr.yaml", f"support-{environment}.yaml"]
    assert yaml_files("out") == ["faq.yaml", "hr.yaml", "legacy.yaml", f"support-{environment}.yaml", "unmanaged.yaml"]
    assert f"id: {claimed_ids(state)[f'hr@{environment}']}\n" in Path("out", "hr.yaml").read_text(encoding="utf-8")
    planned = run(state, "plan", "--env", environment, "out").out
    assert planned.endswith(f"Plan (environment {environment}): 0 to create, 0 to update, 0 new versions, 2 to adopt, "
                            "0 to delete.\n")  # the two no environment managed, adopted in the open
    Path("mine").mkdir()
    for name in mine:
        Path("out", name).rename(Path("mine", name))
    assert run(state, "plan", "--env", environment, "mine").out == (
        f"No changes in environment {environment}. 2 assistants and 1 agent up to date.\n")


def test_another_environments_resource_named_by_id_is_refused_and_the_unclaimed_imported(state: Path) -> None:
    ids = claimed_ids(state)
    done = run(state, "import", "--env", "prod", ids["hr@prod"], ids["faq@dev"], "--out", "out")
    assert done == Result(1, "", f"Error: {ids['faq@dev']} belongs to environment dev, not prod: import each "
                                 "assistant with the --env that manages it, or leave its ID out. Nothing was "
                                 "written.\n")
    assert not Path("out").exists()
    agent = run(state, "import", "--kind", "agent", "--env", "dev", "support-prod", "--out", "out")
    assert agent == Result(1, "", "Error: support-prod belongs to environment prod, not dev: import each agent with "
                                  "the --env that manages it, or leave its name out. Nothing was written.\n")
    done = run(state, "import", "--env", "prod", ids["hr@prod"], ids["legacy"], ids["Unmanaged"], "--out", "out")
    assert (done.code, yaml_files("out")) == (0, ["hr.yaml", "legacy.yaml", "unmanaged.yaml"])
