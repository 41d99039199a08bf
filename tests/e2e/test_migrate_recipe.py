"""The README's migration recipe, command by command, against `sandbox serve` used as a Foundry project.

The commands are the README's, word for word (RECIPE); the provider and endpoint come from the environment as
the recipe sets them, with ASSISTANTSYNC_BASE_URL (= --base-url) at the served sandbox's URL in place of
AZURE_AI_PROJECT_ENDPOINT. The live assistants are the repository's examples, made through the API as in the
portal: no files, none of the tool's metadata.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from helpers.cli_harness import CLEAN_ENV, Result
from helpers.paths import EXAMPLES
from helpers.sandbox_server import BETA_HEADERS, ServedSandbox

from assistantsync.api.providers import FOUNDRY_CLASSIC_NOTICE
from assistantsync.cli.main import cli
from assistantsync.files.desired import load_desired

TOKEN = "entra-token-for-the-recipe"
V1 = {"api-version": "v1"}
# import names each file after the assistant's display name (slugged), and migrate each agent after its file.
AGENTS = ["hr-helper", "invoice-extractor", "support-analyst", "support-knowledge-base", "support-triage", "weather"]
# The README's commands, in order (the shell's `rm assistants/*.yaml` is done by the test).
RECIPE = {
    "import": "assistantsync import --all --out assistants/",
    "migrate": "assistantsync migrate assistants/ --out assistants/agents/",
    "validate": "assistantsync validate assistants/",
    "plan": "assistantsync plan assistants/",
    "apply": "assistantsync apply assistants/ --auto-approve",
    "check": "assistantsync plan assistants/ --detailed-exitcode",
    "plan prune": "assistantsync plan assistants/ --prune",
    "apply prune": "assistantsync apply assistants/ --prune --auto-approve",
    "check prune": "assistantsync plan assistants/ --prune --detailed-exitcode",
}
ID_REASON = "an agent is found by its name; the assistant id it pinned does not apply"
# import writes the ranker the API returns: the assistant's `auto` comes back as the dated one.
RANKER = ("assistants/support-knowledge-base.yaml: tools[0].file_search.ranking_options.ranker: changed: "
          "Foundry has no ranker default_2024_08_21: written as auto, the nearest it offers")
REPORT = [line for name in AGENTS for line in (
    f"assistants/{name}.yaml: id: dropped: {ID_REASON}",
    f"assistants/{name}.yaml: name: dropped: an agent has no display name apart from its name '{name}'",
    *([RANKER] if name == "support-knowledge-base" else []))]


def _run(served: ServedSandbox, line: str) -> Result:
    program, *arguments = shlex.split(line)
    assert program == "assistantsync"
    env = {**CLEAN_ENV, "ASSISTANTSYNC_PROVIDER": "azure-foundry", "ASSISTANTSYNC_BASE_URL": served.base_url,
           "AZURE_AI_TOKEN": TOKEN}
    result = CliRunner().invoke(cli, arguments, env=env, catch_exceptions=False)
    assert TOKEN not in result.stdout + result.stderr
    return Result(result.exit_code, result.stdout, result.stderr)


def _foundry(served: ServedSandbox) -> httpx.Client:
    return httpx.Client(base_url=served.base_url, headers={"Authorization": f"Bearer {TOKEN}", **BETA_HEADERS},
                        timeout=10)


def _step(served: ServedSandbox, name: str) -> Result:
    return _run(served, RECIPE[name])


def _changes(result: Result) -> list[str]:
    return [line for line in result.out.splitlines() if line[:2] in ("+ ", "~ ", "- ", "! ")]


@pytest.fixture
def project(tmp_path: Path, sandbox_server: ServedSandbox, monkeypatch: pytest.MonkeyPatch) -> ServedSandbox:
    """A Foundry project (the served sandbox) holding the examples as live assistants; an empty repository."""
    sandbox_server.set_auth("azure-foundry")
    with _foundry(sandbox_server) as api:  # made in the portal: no file, none of the tool's metadata
        for resource in load_desired([EXAMPLES]):
            assert api.post("assistants", params=V1, json=resource.fields).status_code == 200
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    return sandbox_server


def test_the_whole_move_from_live_assistants_to_agents(project: ServedSandbox) -> None:
    imported = _step(project, "import")
    assert (imported.code, imported.err) == (0, "Imported 6 assistants into assistants (6 YAML, 1 prompt file).\n"
                                             f"Wrote {Path('assistants/schemas/assistant.schema.json')}, the "
                                             "assistant file schema the files point editors at.\n")

    migrated = _step(project, "migrate")
    assert (migrated.code, migrated.out.splitlines()) == (0, REPORT)
    assert migrated.err == ("Migrated 6 assistants into assistants/agents (13 report items).\n"
                            f"Wrote {Path('assistants/agents/schemas/agent.schema.json')}, the agent file schema "
                            "the files point editors at.\n")
    assert _step(project, "validate") == Result(0, "6 assistants and 6 agents valid\n", "")

    # The pull request: one create per agent; each assistant made outside the tool is adopted (given the tool's
    # metadata, which is what lets --prune delete it at the end), its fields untouched.
    planned = _step(project, "plan")
    assert (planned.code, [line.split(" asst_")[0] for line in _changes(planned)]) == (0, [
        *(f"+ create agent {name}  (assistants/agents/{name}.yaml:3:1)" for name in AGENTS),
        *(f"~ adopt {name}" for name in AGENTS)])
    assert planned.out.endswith("Plan: 6 to create, 0 to update, 0 new versions, 6 to adopt, 0 to delete.\n")
    assert planned.err == FOUNDRY_CLASSIC_NOTICE + "\n"

    applied = _step(project, "apply")
    assert (applied.code, applied.out.splitlines()[-1]) == (0, "Apply: 12 succeeded, 0 failed.")
    assert _step(project, "check") == Result(0, "No changes. 6 assistants and 6 agents up to date.\n",
                                             FOUNDRY_CLASSIC_NOTICE + "\n")

    # Callers switch to `agent_reference: {type: agent_reference, name: NAME, version: "1"}`.
    with _foundry(project) as api:
        versions = [api.get(f"agents/{name}", params=V1).json()["versions"]["latest"]["version"]
                    for name in AGENTS]
    assert versions == ["1"] * 6

    for path in Path("assistants").glob("*.yaml"):  # `git rm assistants/*.yaml`: the prompts stay, agents use them
        path.unlink()
    pruning = _step(project, "plan prune")
    assert [line.rsplit(" ", 1)[0] for line in _changes(pruning)] == [f"- delete {name}" for name in AGENTS]
    assert pruning.out.endswith("Plan: 0 to create, 0 to update, 0 new versions, 6 to delete.\n")
    pruned = _step(project, "apply prune")
    assert (pruned.code, pruned.out.splitlines()[-1]) == (0, "Apply: 6 succeeded, 0 failed.")
    assert _step(project, "check prune") == Result(0, "No changes. 6 agents up to date.\n", "")
    state = project.state()
    assert (state["assistants"], sorted(agent["name"] for agent in state["agents"])) == ([], AGENTS)
