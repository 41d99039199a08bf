"""The CLI pointed at the served sandbox as a Foundry project: agent files, the agents API, its versions.

`AgentHarness` is `Harness` with `--provider azure-foundry --base-url SANDBOX` (the bearer token is the leak
check's fake AZURE_AI_TOKEN, which no output may show) and reads of the agents API beside it. Files go where
Harness writes them (`assistants/`, the default folder), with `kind: agent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from helpers.cli_harness import Harness, Result

V1 = {"api-version": "v1"}
FOUNDRY_TOKEN = "any-entra-token"  # the sandbox accepts any bearer token unless told otherwise


def agent_file(name: str, *, description: str | None = None, **definition: Any) -> str:
    """An agent file's text: `kind: agent`, its name, a description if given, a prompt definition."""
    lines = ["kind: agent", f"name: {name}"] + ([f"description: {description}"] if description is not None else [])
    lines += ["definition:", "  kind: prompt"] + [f"  {field}: {value}" for field, value in definition.items()]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class AgentHarness(Harness):
    def cli(self, *args: str) -> Result:
        connection = ("--provider", "azure-foundry", "--base-url", self.base_url or self.sandbox.base_url,
                      "--max-retries", "0")
        command, *rest = args  # connection options first, so that a test's own `--max-retries` wins
        return self.offline(command, *connection, *rest)

    def foundry(self) -> httpx.Client:
        """A plain client of the agents API, as a Foundry portal or script would be (close it, or use `with`)."""
        return httpx.Client(base_url=self.sandbox.base_url, params=V1, timeout=10,
                            headers={"Authorization": f"Bearer {FOUNDRY_TOKEN}"})

    def agents(self) -> dict[str, dict[str, Any]]:
        """Every live agent by name: its latest version (this read is logged by the sandbox too)."""
        with self.foundry() as api:
            response = api.get("/agents", params={"limit": 100})
        assert response.status_code == 200, response.text
        return {item["name"]: item["versions"]["latest"] for item in response.json()["data"]}

    def versions(self) -> dict[str, list[str]]:
        """Each stored agent's version numbers, oldest first, from the sandbox's state (no API request)."""
        stored = self.sandbox.state()["agents"]
        return {agent["name"]: [str(v["version"]) for v in agent["versions"]] for agent in stored}

    def new_version(self, name: str, **fields: Any) -> dict[str, Any]:
        """A version made outside git (the portal): the latest version with `fields` replaced."""
        latest = self.agents()[name]
        body = {"description": latest.get("description"), "metadata": latest.get("metadata"),
                "definition": latest["definition"], **fields}
        with self.foundry() as api:
            response = api.post(f"/agents/{name}/versions", json=body)
        assert response.status_code == 200, response.text
        made: dict[str, Any] = response.json()
        return made
