"""Agents keep the assistant kind's other guarantees: located errors, masked credentials, bounded responses.

Located: every problem in an agent file is one line `FILE:LINE:COL: FIELD: message`, all found at once.
Masked: a Foundry token pasted into an agent's description (or echoed back by a gateway) shows as `***` in every
plan format and the saved plan; a 401 or a 403 quoting the token names the variable to check, never the token.
Bounded: a server answering the agents list with too much, too deep, or pages without end, or never finishing
a create, ends in one message and exit 1. The served sandbox and a local misbehaving server, over loopback.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.agent_files import BOT, FOUNDRY_ENV, TOKEN, Foundry
from helpers.hostile_server import answer, serve_hostile, trickle
from helpers.sandbox_server import ServedSandbox

from assistantsync.cli.main import cli

EMPTY = {"data": [], "has_more": False}
LATEST: dict[str, Any] = {
    "object": "agent.version", "id": "bot:1", "name": "bot", "version": "1", "metadata": {}, "created_at": 1,
    "definition": {"kind": "prompt", "model": "gpt-4.1"}}
CREATED: dict[str, Any] = {"object": "agent", "id": "bot", "name": "bot", "versions": {"latest": LATEST}}


@pytest.fixture
def env(sandbox_server: ServedSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Foundry]:
    monkeypatch.chdir(tmp_path)
    yield Foundry(tmp_path, sandbox_server)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# --- located errors --------------------------------------------------------------------------------------------

BAD_FILES = {
    "a.yaml": "kind: agent\nname: -bad-\ndefinition:\n  kind: prompt\n  model: gpt-4.1\n  temperature: 7\n",
    "b.yaml": "kind: agent\nname: good\ndescripton: typo\ndefinition:\n  kind: prompt\n  instructions_file: none.md\n",
    "c.yaml": "kind: agent\nname: twin\ndefinition: {kind: prompt, model: gpt-4.1}\n---\n"
              "kind: agent\nname: twin\ndefinition: {kind: prompt, model: gpt-4.1}\n",
    "d.yaml": "kind: agent\nname: meta\nmetadata: {assistantsync_key: x}\ndefinition: {kind: hosted, model: 5}\n",
}
LOCATED = [
    "assistants/a.yaml:2:1: name: must be an agent name: 1-63 letters, digits and hyphens, starting and ending "
    "with a letter or digit",
    "assistants/a.yaml:6:3: definition.temperature: must be at most 2",
    "assistants/b.yaml:3:1: descripton: unknown field 'descripton' (did you mean 'description'? allowed: "
    "definition, description, kind, metadata, name)",
    "assistants/b.yaml:4:1: definition: required field 'model' is missing",
    "assistants/b.yaml:6:3: definition.instructions_file: 'none.md' does not exist",
    "assistants/c.yaml:1:1: name: name 'twin' is also defined at assistants/c.yaml:4:1",
    "assistants/c.yaml:4:1: name: name 'twin' is also defined at assistants/c.yaml:1:1",
    "assistants/d.yaml:3:12: metadata.assistantsync_key: 'assistantsync_key' is reserved for assistantsync",
    "assistants/d.yaml:4:14: definition.kind: must be 'prompt'",
    "assistants/d.yaml:4:28: definition.model: must be a string, not an integer",
]


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_every_problem_in_agent_files_is_one_located_line(env: Foundry, command: str) -> None:
    for name, text in BAD_FILES.items():
        env.write(name, text)
    mark = env.mark()
    if command == "plan":
        planned = env.cli("plan")
        code, err = planned.code, planned.err
    else:
        validated = CliRunner().invoke(cli, ["validate"], env=FOUNDRY_ENV)
        code, err = validated.exit_code, validated.stderr
    lines = err.splitlines()
    assert code == 1
    assert lines == [*LOCATED, f"{len(LOCATED)} problems found"]
    assert env.since(mark) == []  # files are checked before any request


# --- masked credentials -----------------------------------------------------------------------------------------

def test_a_token_in_an_agents_description_is_masked_in_every_plan_and_the_saved_plan(env: Foundry) -> None:
    env.write("support-bot.yaml", BOT)
    assert env.apply("--auto-approve").code == 0
    latest = env.latest("support-bot")
    description = f"copied {TOKEN}; encoded {b64('Bearer ' + TOKEN)}; upper {TOKEN.upper()} end"
    env.post("agents/support-bot/versions", {"description": description, "metadata": latest["metadata"],
                                             "definition": latest["definition"]})
    masked = "copied ***; encoded QmVhcmVyIH***; upper *** end"

    text, markdown = env.plan(), env.plan("--format", "markdown")
    as_json, saved = env.plan("--format", "json"), env.plan("--out", "plan.json")
    document = json.loads((env.root / "plan.json").read_text(encoding="utf-8"))

    assert (text.code, markdown.code, as_json.code, saved.code) == (0, 0, 0, 0)
    assert f'        "{masked}" -> null' in text.out.splitlines(), text.out
    (change,) = document["changes"]
    assert [(f["path"], f["before"], f["after"]) for f in change["fields"]] == [("description", masked, None)]
    for shown in (text.out, text.err, markdown.out, as_json.out, saved.out, json.dumps(document)):
        for part in (TOKEN[:12], TOKEN[9:], b64("Bearer " + TOKEN)[12:24]):
            assert part.casefold() not in shown.casefold()
    assert env.apply("--plan", "plan.json", "--auto-approve").code == 0  # a mask only in `before` sends nothing


def test_a_wrong_token_fails_naming_the_variable_and_never_the_token(env: Foundry) -> None:
    env.write("support-bot.yaml", BOT)
    env.sandbox.set_auth("azure-foundry", "the-right-token-0123")
    for command in (("plan", "-v"), ("apply", "--auto-approve", "-v")):
        result = env.cli(*command)
        logged = result.err.splitlines()
        assert (result.code, result.out) == (1, "")
        assert logged[0].startswith("-> GET /v1/agents ") and logged[0].endswith("authorization: ***")
        assert logged[-1].startswith("Error: GET /v1/agents: 401 Unauthorized: ")
        assert logged[-1].endswith("; check AZURE_AI_TOKEN") and TOKEN not in result.err
    assert {(r["method"], r["status"]) for r in env.sandbox.requests()} == {("GET", 401)}  # nothing written


# --- bounded responses: a local server that misbehaves ---------------------------------------------------------

def foundry_cli(base_url: str, *args: str) -> tuple[int, str, str]:
    command, *rest = args
    result = CliRunner().invoke(cli, [command, "--provider", "azure-foundry", "--base-url", base_url,
                                      "--max-retries", "0", *rest], env=FOUNDRY_ENV, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"deeper": value}
    return value


def endless_agents(handler: Any) -> None:
    """A page of one new agent and a new cursor, every time, for ever."""
    number = handler.server_state.count("GET", "/v1/agents")
    item = {**CREATED, "id": f"bot{number}", "name": f"bot{number}"}
    handler.send_json(200, {"data": [item], "first_id": item["id"], "last_id": item["id"], "has_more": True})


@pytest.fixture
def bot_folder(tmp_path: Path) -> Path:
    (tmp_path / "assistants").mkdir()
    (tmp_path / "assistants" / "bot.yaml").write_text("kind: agent\nname: bot\ndefinition: {kind: prompt, model: m}\n")
    return tmp_path / "assistants"


def test_an_agents_list_too_large_or_endless_stops_with_one_message(bot_folder: Path) -> None:
    big = {**CREATED, "versions": {"latest": {**LATEST, "description": "x" * 2**20}}}
    with serve_hostile({"GET /v1/agents": answer({**EMPTY, "data": [big]})}) as server:
        capped = foundry_cli(server.base_url, "plan", "--max-response-mib", "1", str(bot_folder))
    with serve_hostile({"GET /v1/agents": endless_agents}) as server:
        endless = foundry_cli(server.base_url, "plan", str(bot_folder))
        pages = server.count("GET", "/v1/agents")
    assert capped[:2] == (1, "") and capped[2].startswith(
        "Error: GET /v1/agents: 200 OK: the server's answer exceeded 1 MiB after decompression; ")
    assert capped[2].endswith(" (--max-response-mib raises the cap)\n")
    assert endless[:2] == (1, "") and endless[2].startswith("Error: GET /v1/agents: stopped paging after 11 pages ")
    assert pages == 11


def test_a_live_agent_nested_too_deep_names_the_agent_and_its_field(bot_folder: Path) -> None:
    deep = {**CREATED, "versions": {"latest": {**CREATED["versions"]["latest"],
                                               "definition": {"kind": "prompt", "text": nested(400)}}}}
    with serve_hostile({"GET /v1/agents": answer({**EMPTY, "data": [deep]})}) as server:
        too_deep = foundry_cli(server.base_url, "plan", str(bot_folder))
    assert too_deep == (1, "", "Error: GET /v1/agents: 200 OK: item 0 of the list (id 'bot') nests deeper than 64 "
                               "levels at `definition.text`; files cannot nest that deep, so nothing could manage it\n")


def test_a_create_that_never_finishes_ends_at_the_timeout_and_is_not_sent_again(bot_folder: Path) -> None:
    with serve_hostile({"GET /v1/agents": answer(EMPTY), "POST /v1/agents": trickle}) as server:
        code, out, err = foundry_cli(server.base_url, "apply", "--auto-approve", "--timeout", "1", "--max-retries", "2",
                                     str(bot_folder))
    assert code == 1 and err == ""
    (failed,) = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert failed.startswith("FAILED  create agent bot: POST /v1/agents: no response from ")
    assert failed.endswith("; the server may still be storing the agent (it was not there yet when looked up by its "
                           "key), so the create was not sent again (that could make a duplicate); the next apply "
                           "finds it by its key")
    assert server.count("POST", "/v1/agents") == 1
