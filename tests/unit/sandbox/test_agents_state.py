"""Agents in the sandbox's state file: a round trip keeps versions and numbering; a broken entry is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistantsync.errors import SandboxStateError
from assistantsync.sandbox.agent_records import AgentStore
from assistantsync.sandbox.records import Store
from assistantsync.sandbox.store import StateFile

PROMPT = {"kind": "prompt", "model": "gpt-4.1"}
HEAD = '{"format": "assistantsync-sandbox/1", "assistants": [], "agents": '


def test_a_round_trip_keeps_versions_and_the_next_number(tmp_path: Path) -> None:
    agents = AgentStore()
    for now in (1, 2, 3):
        agents.add_version("bot", {"definition": {**PROMPT, "temperature": now}}, now=now)
    agents.remove_version("bot", "3")  # a number handed out is never handed out again
    state = StateFile(tmp_path / "sandbox.json")
    with state.locked():
        state.save(Store(agents=agents))
    loaded = StateFile(state.path).load().agents
    assert [(agent.name, list(agent.versions), agent.last_number) for agent in loaded] == [("bot", ["1", "2"], 3)]
    assert loaded.add_version("bot", {"definition": PROMPT}, now=4)["version"] == "4"


@pytest.mark.parametrize(("agents", "reason"), [
    ('{}', "`agents` must be a list"),
    ('[1]', "agents[0] must be an object"),
    ('[{"name": "bot", "last_number": 1, "versions": []}]',
     "agents[0] needs a `name`, an integer `last_number` and non-empty `versions`"),
    ('[{"name": "bot", "last_number": true, "versions": [{}]}]',
     "agents[0] needs a `name`, an integer `last_number` and non-empty `versions`"),
    ('[{"name": "bot", "last_number": 1, "versions": [{"id": "bot:1", "version": "1", "definition": []}]}]',
     "every version of agents[0] needs an `id`, a `version` and a `definition` object"),
])
def test_a_broken_agents_entry_is_refused_with_a_fix(tmp_path: Path, agents: str, reason: str) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text(HEAD + agents + "}")
    with pytest.raises(SandboxStateError) as refused:
        StateFile(path).load()
    assert str(refused.value) == (f"{path}: not a sandbox state file ({reason}); "
                                  "delete it to start from an empty sandbox")
