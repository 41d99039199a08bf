"""`--provider azure-foundry` end to end: the URL `sandbox serve` prints, used as a Foundry project endpoint.

One provider serves both kinds: assistants at URL/assistants (Foundry classic) and agents at URL/agents, every
request with `api-version=v1` and the bearer token from AZURE_AI_TOKEN. A plan touching assistants there says
once, on stderr, when Foundry classic retires; a provider that serves no agents refuses agent files before
any request.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.agent_files import ALPHA, BOT, TOKEN, V1, Foundry
from helpers.sandbox_server import ServedSandbox

LIST = {**V1, "limit": "100", "order": "asc"}
NOTICE = ("note: Azure AI Foundry Agents (classic), which serves these assistants, retires on 2027-03-31; "
          "`assistantsync migrate` turns assistant files into agent files (README, \"Moving assistants to agents\")\n")
ASSISTANT_FILE = {"alpha.yaml": ALPHA}
AGENT_FILE = {"support-bot.yaml": BOT}
BOTH = {**ASSISTANT_FILE, **AGENT_FILE}
UNATTENDED: dict[str, tuple[str, ...]] = {"plan": (), "apply": ("--auto-approve",)}


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Foundry]:
    monkeypatch.chdir(tmp_path)
    yield Foundry(tmp_path, sandbox_server)


def write_all(env: Foundry, files: dict[str, str]) -> None:
    for name, text in files.items():
        env.write(name, text)


def test_both_kinds_are_reached_under_the_project_url_with_api_version_v1_and_the_token(env: Foundry) -> None:
    env.sandbox.set_auth("azure-foundry", TOKEN)  # from here on, only this bearer token is let in
    write_all(env, BOTH)
    mark = env.mark()
    planned = env.plan("--detailed-exitcode")
    assert (planned.code, planned.err) == (2, NOTICE)
    assert env.since(mark) == [("GET", "/v1/assistants", LIST), ("GET", "/v1/agents", LIST)]

    mark = env.mark()
    done = env.apply("--auto-approve")
    assert (done.code, done.err) == (0, NOTICE)
    assert done.out.endswith("    ok  create agent support-bot: created\nApply: 2 succeeded, 0 failed.\n")
    assert env.since(mark) == [
        ("GET", "/v1/assistants", LIST), ("GET", "/v1/agents", LIST),  # the plan
        ("GET", "/v1/assistants", LIST), ("POST", "/v1/assistants", V1), ("GET", "/v1/assistants", LIST),
        ("GET", "/v1/agents", LIST), ("POST", "/v1/agents", V1), ("GET", "/v1/agents", LIST),
    ]
    assert (len(env.sandbox.state()["assistants"]), env.names()) == (1, ["support-bot"])


def test_another_token_is_refused_and_named(env: Foundry) -> None:
    env.sandbox.set_auth("azure-foundry", "the-project-token")
    write_all(env, AGENT_FILE)
    refused = env.plan()
    assert (refused.code, refused.out) == (1, "")
    assert refused.err.startswith("Error: GET /v1/agents: 401 ")
    assert refused.err.endswith("; check AZURE_AI_TOKEN\n")
    assert env.sandbox.count("GET", "/agents") == 1


NOTICES = [
    pytest.param("azure-foundry", ASSISTANT_FILE, NOTICE, id="assistants on foundry"),
    pytest.param("azure-foundry", BOTH, NOTICE, id="both kinds on foundry"),
    pytest.param("azure-foundry", AGENT_FILE, "", id="agents only on foundry"),
    pytest.param("sandbox", BOTH, "", id="both kinds on the sandbox provider"),
    pytest.param("openai", ASSISTANT_FILE, "", id="assistants on openai"),
]


@pytest.mark.parametrize(("provider", "files", "err"), NOTICES)
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_the_retirement_notice_is_one_line_when_foundry_classic_assistants_are_planned(
    env: Foundry, provider: str, files: dict[str, str], err: str, command: str,
) -> None:
    write_all(env, files)
    done = env.cli(command, *UNATTENDED[command], provider=provider)
    assert (done.code, done.err) == (0, err)
    assert "retires" not in done.out


@pytest.mark.parametrize("files", [AGENT_FILE, BOTH], ids=["agent file", "agent and assistant files"])
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_provider_that_serves_no_agents_refuses_agent_files_before_any_request(
    env: Foundry, files: dict[str, str], command: str,
) -> None:
    write_all(env, files)
    refused = env.cli(command, *UNATTENDED[command], provider="openai")
    assert (refused.code, refused.out, refused.err) == (
        1, "", "Error: --provider openai serves no agents: manage agents with --provider azure-foundry or sandbox\n")
    assert env.sandbox.stats()["total"] == 0
